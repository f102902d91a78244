"""Records of the inspection register for tests, made through the services as a user would make them."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fangkong.inspections import services
from fangkong.inspections.checklists import load_first
from fangkong.inspections.models import Checklist, ChecklistItem, Setting


def png(name: str = "photo.png", size: tuple[int, int] = (40, 30), fmt: str = "PNG") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def setting(actor, grid, *, name: str = "内养老院", kind: str = "nursing_home") -> Setting:
    # A live-server test empties the database after it, data migrations' rows included: put the checklists back.
    load_first(Checklist, ChecklistItem)
    return services.add_setting(actor, services.SettingInput(
        name=name, kind=kind, grid_code=grid.code, responsible_unit="区民政局", contact_name="王院长",
        contact_phone="13912345678", address="幸福路1号"))


def all_passed(place: Setting) -> services.InspectionInput:
    items = services.current_checklist(place.kind).items.all()
    return services.InspectionInput(mode="planned", answers=tuple(
        services.AnswerInput(item_id=i.pk, passed=True) for i in items))


def one_failed(place: Setting, *, severity: str = "major", photos=(), deadline=None, owner_code: str = ""):
    """An inspection whose first item failed: one finding, one rectification."""
    items = list(services.current_checklist(place.kind).items.all())
    answers = [services.AnswerInput(item_id=items[0].pk, passed=False, severity=severity,
                                    description="门口未查验场所码", photos=tuple(photos))]
    answers += [services.AnswerInput(item_id=i.pk, passed=True) for i in items[1:]]
    return services.InspectionInput(mode="unannounced", answers=tuple(answers), deadline=deadline,
                                    owner_code=owner_code)


def rectification(actor, grid, **kwargs):
    place = setting(actor, grid, **{k: v for k, v in kwargs.items() if k in ("name", "kind")})
    inspection = services.record_inspection(actor, place.pk, one_failed(place))
    return inspection.findings.get().rectification


def reported(actor, grid, **kwargs):
    r = rectification(actor, grid, **kwargs)
    return services.report_rectified(actor, r.pk, report="已安排专人扫码测温", photos=[png("after.png")])

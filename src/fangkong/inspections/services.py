"""Use cases of special settings and their inspections: register settings (one or a sheet of them), keep the
checklists as versioned data, work an inspection through on a phone (every failed item a finding with its
rectification), report a rectification done with evidence, verify it by re-inspection (closed or reopened),
publish findings, and count it all by jurisdiction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import InputRefused, Problems
from fangkong.idempotency import services as idempotency
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.identity import normalise_phone
from fangkong.people.services import Choice, Export
from fangkong.screening.services import Outcome
from fangkong.uploads import CheckedImage, check_image

from .models import (
    Answer,
    Checklist,
    ChecklistItem,
    Finding,
    Inspection,
    InspectionStatus,
    Mode,
    Photo,
    PhotoRole,
    Rectification,
    RectificationStatus,
    Setting,
    SettingKind,
    Severity,
)

# The one table of rectification states: which step may follow which.
TRANSITIONS = {
    "report": ({RectificationStatus.OPEN}, RectificationStatus.REPORTED),
    "close": ({RectificationStatus.REPORTED}, RectificationStatus.CLOSED),
    "reopen": ({RectificationStatus.REPORTED}, RectificationStatus.OPEN),
}
MAX_PHOTOS = 6  # per finding and per report: what a phone sends in one go


def settings_for(actor) -> QuerySet[Setting]:
    return Setting.objects.visible_to(actor).select_related("grid")


def inspections_for(actor) -> QuerySet[Inspection]:
    return Inspection.objects.visible_to(actor).select_related("setting", "checklist", "inspector")


def findings_for(actor) -> QuerySet[Finding]:
    return Finding.objects.visible_to(actor).select_related("inspection__setting", "item", "rectification__owner")


def rectifications_for(actor) -> QuerySet[Rectification]:
    return Rectification.objects.visible_to(actor).select_related("finding__inspection__setting", "finding__item",
                                                                  "owner")


# --- settings -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SettingInput:
    name: str
    kind: str
    grid_code: str
    responsible_unit: str
    contact_name: str
    contact_phone: str
    address: str = ""


def _check_setting(data: SettingInput, grids: dict[str, Jurisdiction]) -> dict:
    problems = Problems()
    name = (data.name or "").strip()
    if not name:
        problems.add("name", _("give the setting's name"))
    elif len(name) > 120:
        problems.add("name", _("at most %(n)s characters") % {"n": 120})
    if data.kind not in SettingKind.values:
        problems.add("kind", _("the kind is one of: %(kinds)s") % {"kinds": "、".join(map(str, SettingKind.labels))})
    grid = grids.get((data.grid_code or "").strip())
    if grid is None:
        problems.add("grid_code", _("“%(v)s” is not a grid of your area") % {"v": data.grid_code})
    unit = (data.responsible_unit or "").strip()
    if not unit:
        problems.add("responsible_unit", _("name the unit responsible for the setting"))
    contact = (data.contact_name or "").strip()
    if not contact:
        problems.add("contact_name", _("name the setting's contact"))
    phone, raw_phone = "", (data.contact_phone or "").strip()
    if not raw_phone:
        problems.add("contact_phone", _("give the contact's phone"))
    with problems.gathered():
        phone = normalise_phone(raw_phone, "contact_phone") if raw_phone else ""
    problems.refuse_if_any()
    return {"name": name, "kind": data.kind, "grid": grid, "owner_path": grid.path, "responsible_unit": unit[:120],
            "contact_name": contact[:50], "contact_phone": phone, "address": (data.address or "").strip()[:200]}


def add_settings(actor, entries: Sequence[SettingInput], *, write: bool = True) -> list[Outcome]:
    """Register a batch of settings (one from a form, a unit's whole sheet from Excel) in one transaction: every
    entry checked first; the same name in the same grid is a repeat, stored once."""
    require(actor, "setting.register")
    grids = {g.code: g for g in access.jurisdictions_for(actor).filter(
        level=Level.GRID, code__in={(e.grid_code or "").strip() for e in entries})}
    outcomes, checked = [], {}
    for index, entry in enumerate(entries):
        try:
            checked[index] = _check_setting(entry, grids)
            outcomes.append(Outcome())
        except InputRefused as refused:
            outcomes.append(Outcome(refused=refused))
    earlier = {(s.grid_id, s.name): s for s in Setting.objects.filter(
        name__in={c["name"] for c in checked.values()}, grid__in={c["grid"] for c in checked.values()})}
    new = {}
    for index, item in checked.items():
        key = (item["grid"].pk, item["name"])
        if key in earlier or key in new:
            outcomes[index].repeated, outcomes[index].record = True, earlier.get(key)
        else:
            new[key] = index
    if write and new:
        with transaction.atomic():
            stored = Setting.objects.bulk_create([Setting(**checked[i]) for i in new.values()])
            audit.record_many(actor, Action.INSPECTION_CHANGE, [(None, audit.changes(s, {}, {
                "name": s.name, "kind": s.kind, "grid": s.grid.code, "responsible_unit": s.responsible_unit}))
                for s in stored])
        for index, record in zip(new.values(), stored):
            outcomes[index].record, outcomes[index].created = record, True
    return outcomes


def add_setting(actor, data: SettingInput) -> Setting:
    outcome = add_settings(actor, [data])[0]
    if outcome.refused:
        raise outcome.refused
    if outcome.repeated:
        raise InputRefused(("name", _("this grid already has a setting of that name")))
    return outcome.record


# --- checklists -----------------------------------------------------------------------------------------------

def current_checklist(kind: str) -> Checklist | None:
    return Checklist.objects.filter(kind=kind).order_by("-version").prefetch_related("items").first()


def current_checklists() -> list[Checklist]:
    newest = {}
    for checklist in Checklist.objects.order_by("kind", "-version").prefetch_related("items"):
        newest.setdefault(checklist.kind, checklist)
    return [newest[k] for k in SettingKind.values if k in newest]


def add_checklist_version(actor, kind: str, items: Sequence[str], *, note: str = "") -> Checklist:
    """A new version of a kind's checklist; inspections already made keep the version they used."""
    require(actor, "checklist.edit")
    problems = Problems()
    if kind not in SettingKind.values:
        problems.add("kind", _("the kind is one of: %(kinds)s") % {"kinds": "、".join(map(str, SettingKind.labels))})
    texts = [t.strip() for t in items if t and t.strip()]
    if not texts:
        problems.add("items", _("a checklist needs at least one item, one a line"))
    if [t for t in texts if len(t) > 200]:
        problems.add("items", _("an item is at most %(n)s characters") % {"n": 200})
    if len(set(texts)) != len(texts):
        problems.add("items", _("an item is listed twice"))
    problems.refuse_if_any()
    with transaction.atomic():
        previous = Checklist.objects.select_for_update().filter(kind=kind).order_by("-version").first()
        checklist = Checklist.objects.create(kind=kind, version=(previous.version + 1) if previous else 1,
                                             created_by=actor, note=note.strip()[:200])
        ChecklistItem.objects.bulk_create([ChecklistItem(checklist=checklist, position=i, text=t)
                                           for i, t in enumerate(texts, 1)])
        audit.record_change(actor, Action.INSPECTION_CHANGE, checklist, before={},
                            after={"kind": kind, "version": checklist.version, "items": len(texts)})
    return checklist


# --- inspections ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerInput:
    item_id: int
    passed: bool
    severity: str = ""  # a failed item's
    description: str = ""
    note: str = ""
    photos: tuple = ()  # UploadedFiles of a failed item


@dataclass(frozen=True)
class InspectionInput:
    mode: str
    answers: tuple[AnswerInput, ...]
    checklist_id: int | None = None  # the version the form showed; the kind's newest when not given
    owner_code: str = ""  # the unit that rectifies; the setting's grid when not given
    deadline: dt.date | None = None  # for every finding; by severity from the settings when not given


def _idempotency_payload(data: InspectionInput) -> dict:
    plain = dataclasses.asdict(dataclasses.replace(data, answers=()))
    plain["answers"] = [{**dataclasses.asdict(dataclasses.replace(a, photos=())),
                         "photos": [getattr(p, "name", "") for p in a.photos]} for a in data.answers]
    return plain


def record_inspection(actor, setting_id: int, data: InspectionInput, *,
                      idempotency_key: str | None = None) -> Inspection:
    """Record an inspection worked through on site: every item of the checklist answered; each failed one
    becomes a finding (severity, description, photos) with a rectification for its owner unit and deadline.
    All of it, or nothing."""
    require(actor, "inspection.conduct")
    setting = get_visible(settings_for(actor), setting_id)
    return idempotency.once(actor, "inspection", inspections_for(actor), idempotency_key,
                            _idempotency_payload(data), lambda: _record_inspection(actor, setting, data))[0]


def _record_inspection(actor, setting: Setting, data: InspectionInput) -> Inspection:
    problems = Problems()
    if data.mode not in Mode.values:
        problems.add("mode", _("an inspection is planned or unannounced"))
    checklist = (Checklist.objects.filter(pk=data.checklist_id).first() if data.checklist_id
                 else current_checklist(setting.kind))
    if checklist is None:
        raise InputRefused(("checklist", _("there is no checklist for %(kind)s yet")
                            % {"kind": setting.get_kind_display()}))
    if checklist.kind != setting.kind:
        raise InputRefused(("checklist", _("this checklist is for %(other)s, the setting is a %(kind)s")
                            % {"other": checklist.get_kind_display(), "kind": setting.get_kind_display()}))
    items = {i.pk: i for i in checklist.items.all()}
    answered = [a.item_id for a in data.answers]
    for answer in data.answers:
        if answer.item_id not in items:
            foreign = ChecklistItem.objects.filter(pk=answer.item_id).select_related("checklist").first()
            problems.add("item", _("item %(id)s is not on the checklist of %(kind)s%(other)s") % {
                "id": answer.item_id, "kind": setting.get_kind_display(),
                "other": f" ({foreign.checklist})" if foreign else ""})
    if len(set(answered)) != len(answered):
        problems.add("item", _("an item is answered twice"))
    missing = [items[pk] for pk in items if pk not in answered]
    for item in missing:
        problems.add(f"item_{item.pk}", _("answer “%(item)s”: passed or failed") % {"item": item.text})
    owner = _owner(setting, data.owner_code, problems)
    today = timezone.localdate()
    if data.deadline is not None and data.deadline < today:
        problems.add("deadline", _("the deadline %(d)s has passed") % {"d": data.deadline.isoformat()})
    failed: list[tuple[AnswerInput, list[CheckedImage]]] = []
    for answer in data.answers:
        if answer.passed or answer.item_id not in items:
            continue
        where = f"item_{answer.item_id}"
        if answer.severity not in Severity.values:
            problems.add(f"{where}_severity", _("a failed item needs a severity: minor, major or critical"))
        if not answer.description.strip():
            problems.add(f"{where}_description", _("say what is wrong with “%(item)s”")
                         % {"item": items[answer.item_id].text})
        if len(answer.photos) > MAX_PHOTOS:
            problems.add(f"{where}_photos", _("at most %(n)s photos") % {"n": MAX_PHOTOS})
        photos = [check_image(p, f"{where}_photos", problems) for p in answer.photos[:MAX_PHOTOS]]
        failed.append((answer, [p for p in photos if p]))
    problems.refuse_if_any()
    now = timezone.now()
    with transaction.atomic():
        inspection = Inspection.objects.create(
            setting=setting, owner_path=setting.owner_path, checklist=checklist, mode=data.mode,
            status=InspectionStatus.DONE, inspector=actor, started_at=now, finished_at=now)
        Answer.objects.bulk_create([Answer(inspection=inspection, item=items[a.item_id], passed=a.passed,
                                           note=a.note.strip()[:200]) for a in data.answers])
        for answer, photos in failed:
            finding = Finding.objects.create(
                inspection=inspection, item=items[answer.item_id], owner_path=setting.owner_path,
                severity=answer.severity, description=answer.description.strip()[:300], created_at=now)
            deadline = data.deadline or today + dt.timedelta(days=settings.RECTIFY_DAYS[answer.severity])
            Rectification.objects.create(finding=finding, owner=owner, owner_path=owner.path, deadline=deadline)
            _store_photos(actor, finding, PhotoRole.FINDING, photos, now)
        audit.record_change(actor, Action.INSPECTION_CHANGE, inspection, before={}, after={
            "setting": setting, "mode": data.mode, "checklist": str(checklist), "items": len(items),
            "failed": len(failed), "owner": owner.code if failed else None})
    return inspection


def _owner(setting: Setting, code: str, problems: Problems) -> Jurisdiction:
    """The unit that rectifies: the setting's grid, or the unit named, which must hold the setting."""
    if not (code or "").strip():
        return setting.grid
    owner = Jurisdiction.objects.filter(code=code.strip()).first()
    if owner is None or not setting.owner_path.startswith(owner.path):
        problems.add("owner_code", _("“%(v)s” is not a unit over this setting's grid") % {"v": code})
        return setting.grid
    return owner


def _store_photos(actor, finding: Finding, role: str, photos: list[CheckedImage], now: dt.datetime) -> None:
    for photo in photos:
        record = Photo(finding=finding, role=role, content_type=photo.content_type, size=photo.size,
                       width=photo.width, height=photo.height, uploaded_by=actor, uploaded_at=now)
        # The stored name is ours: the uploader's file name never reaches the disk.
        record.image.save(f"{uuid.uuid4().hex}.{photo.extension}", File(photo.upload), save=False)
        record.save()


def add_photos(actor, finding_id: int, uploads: Sequence, *, role: str = PhotoRole.FINDING) -> list[Photo]:
    """More photos of a finding (the API sends them after the inspection's JSON), or of its rectification."""
    require(actor, "inspection.conduct" if role == PhotoRole.FINDING else "rectification.report")
    finding = get_visible(findings_for(actor), finding_id)
    problems = Problems()
    if role not in PhotoRole.values:
        problems.add("role", _("a photo shows a finding or the evidence of its rectification"))
    if not uploads:
        problems.add("photos", _("choose at least one photo"))
    if len(uploads) + finding.photos.filter(role=role).count() > MAX_PHOTOS:
        problems.add("photos", _("at most %(n)s photos") % {"n": MAX_PHOTOS})
    checked = [check_image(u, "photos", problems) for u in uploads]
    problems.refuse_if_any()
    now = timezone.now()
    with transaction.atomic():
        _store_photos(actor, finding, role, checked, now)
        audit.record_change(actor, Action.INSPECTION_CHANGE, finding, before={},
                            after={"photos": len(checked), "role": role})
    return list(finding.photos.filter(uploaded_at=now))


def photo_for(actor, photo_id: int) -> Photo:
    return get_visible(Photo.objects.filter(finding__in=findings_for(actor)), photo_id)


# --- rectifications -------------------------------------------------------------------------------------------

def _step(actor, rectification_id: int, action: str, **fields) -> Rectification:
    allowed_from, to = TRANSITIONS[action]
    rectification = get_visible(rectifications_for(actor), rectification_id)
    if rectification.status not in allowed_from:
        raise InputRefused(("status", _("this rectification is %(s)s")
                            % {"s": rectification.get_status_display()}))
    with transaction.atomic():
        claimed = Rectification.objects.filter(pk=rectification.pk, status=rectification.status).update(
            status=to, **fields)
        if not claimed:  # someone else moved it a moment ago
            raise InputRefused(("status", _("this rectification changed meanwhile: reload the page")))
        audit.record_change(actor, Action.INSPECTION_CHANGE, rectification, step=action,
                            before={"status": rectification.status}, after={"status": to, **fields})
    rectification.refresh_from_db()
    return rectification


def report_rectified(actor, rectification_id: int, *, report: str, photos: Sequence = ()) -> Rectification:
    """The owner unit says it is done, with what it did and photos of the result."""
    require(actor, "rectification.report")
    # Seen only by the owner unit and the units above it: the scope is the owner's path.
    rectification = get_visible(rectifications_for(actor), rectification_id)
    problems = Problems()
    if not (report or "").strip():
        problems.add("report", _("say what was done"))
    # Evidence sent with the report, or uploaded before it (the API sends photos first) since the last report.
    sent_before = rectification.finding.photos.filter(role=PhotoRole.EVIDENCE)
    if rectification.reported_at:
        sent_before = sent_before.filter(uploaded_at__gt=rectification.reported_at)
    if not photos and not sent_before.exists():
        problems.add("photos", _("add at least one photo of the result as evidence"))
    if len(photos) > MAX_PHOTOS:
        problems.add("photos", _("at most %(n)s photos") % {"n": MAX_PHOTOS})
    checked = [check_image(p, "photos", problems) for p in photos[:MAX_PHOTOS]]
    problems.refuse_if_any()
    now = timezone.now()
    with transaction.atomic():
        done = _step(actor, rectification_id, "report", reported_at=now, report=report.strip()[:300])
        _store_photos(actor, done.finding, PhotoRole.EVIDENCE, checked, now)
    return done


def verify_rectification(actor, rectification_id: int, *, passed: bool, note: str = "") -> Rectification:
    """The re-inspection: the hazard is gone (closed) or not (reopened, back to the owner, same deadline)."""
    require(actor, "rectification.verify")
    if passed:
        return _step(actor, rectification_id, "close", closed_at=timezone.now(), verification=note.strip()[:300])
    if not (note or "").strip():
        raise InputRefused(("verification", _("say what is still wrong")))
    current = get_visible(rectifications_for(actor), rectification_id)
    return _step(actor, rectification_id, "reopen", reopened=current.reopened + 1, verification=note.strip()[:300])


def set_publishable(actor, finding_id: int, publishable: bool) -> Finding:
    """Mark a finding as one that may be published (typical hazards named in the press), or take it back."""
    require(actor, "finding.publish")
    finding = get_visible(findings_for(actor), finding_id)
    if finding.publishable != publishable:
        with transaction.atomic():
            Finding.objects.filter(pk=finding.pk).update(publishable=publishable)
            audit.record_change(actor, Action.INSPECTION_CHANGE, finding, before={"publishable": finding.publishable},
                                after={"publishable": publishable})
        finding.publishable = publishable
    return finding


def published_findings() -> QuerySet[Finding]:
    """Findings the command centre chose to publish, with their setting and where rectification stands; public."""
    return (Finding.objects.filter(publishable=True)
            .select_related("inspection__setting__grid", "item", "rectification").order_by("-created_at", "-id"))


# --- figures --------------------------------------------------------------------------------------------------

def overdue(queryset: QuerySet[Rectification], today: dt.date | None = None) -> QuerySet[Rectification]:
    return queryset.exclude(status=RectificationStatus.CLOSED).filter(deadline__lt=today or timezone.localdate())


@dataclass
class Figures:
    inspections: int = 0
    findings: int = 0
    closed: int = 0
    closed_on_time: int = 0
    overdue: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def on_time_share(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None


def figures(node: Jurisdiction, today: dt.date | None = None) -> tuple[Figures, list[tuple[Jurisdiction, Figures]]]:
    """The node's inspections, findings, rectifications closed (and on time) and overdue, in total and by child:
    grouped queries on the path prefix, counted from the rows."""
    today = today or timezone.localdate()
    children = list(node.children.order_by("code"))
    width = len(children[0].path) if children else len(node.path)
    per = {c.path: Figures() for c in children}
    total = Figures()

    def add(queryset, path_field: str, name: str):
        rows = (queryset.filter(**{f"{path_field}__startswith": node.path})
                .annotate(child=Left(path_field, width)).values_list("child").annotate(n=Count("id")))
        for child, n in rows:
            setattr(total, name, getattr(total, name) + n)
            if child in per:
                setattr(per[child], name, getattr(per[child], name) + n)

    add(Inspection.objects.all(), "owner_path", "inspections")
    add(Finding.objects.all(), "owner_path", "findings")
    closed = Rectification.objects.filter(status=RectificationStatus.CLOSED)
    add(closed, "finding__owner_path", "closed")
    on_time = [r.pk for r in closed.filter(finding__owner_path__startswith=node.path).only("closed_at", "deadline")
               if r.closed_on_time]
    add(Rectification.objects.filter(pk__in=on_time), "finding__owner_path", "closed_on_time")
    add(overdue(Rectification.objects.all(), today), "finding__owner_path", "overdue")
    return total, [(c, per[c.path]) for c in children]


def overdue_rising(node: Jurisdiction, today: dt.date | None = None) -> dict:
    """What the dashboard of `node` raises: overdue rectifications owned by this unit or a unit below it (the
    owner's level and every level above see them), the ones owned directly by its children singled out."""
    late = overdue(Rectification.objects.filter(owner_path__startswith=node.path), today)
    by_owner = Counter(late.values_list("owner__code", flat=True))
    return {"total": sum(by_owner.values()), "here": by_owner.get(node.code, 0),
            "below": sum(n for code, n in by_owner.items() if code != node.code)}


# --- exports --------------------------------------------------------------------------------------------------

SETTINGS_EXPORT = Export("special-settings", _("Special settings"), settings_for, columns=[
    (_("Name"), "name"), (_("Kind"), Choice("kind", SettingKind.choices)), (_("Grid"), "grid__code"),
    (_("Grid name"), "grid__name"), (_("Address"), "address"), (_("Responsible unit"), "responsible_unit"),
    (_("Contact"), "contact_name"), (_("Contact phone"), "contact_phone")], person=None)

RECTIFICATIONS_EXPORT = Export("rectifications", _("Inspection findings and rectifications"), rectifications_for,
                               columns=[
    (_("Setting"), "finding__inspection__setting__name"), (_("Inspected"), "finding__inspection__started_at"),
    (_("Item"), "finding__item__text"), (_("Severity"), Choice("finding__severity", Severity.choices)),
    (_("Finding"), "finding__description"), (_("Owner unit"), "owner__name"), (_("Deadline"), "deadline"),
    (_("Status"), Choice("status", RectificationStatus.choices)), (_("Reported done"), "reported_at"),
    (_("What was done"), "report"), (_("Closed"), "closed_at"), (_("Reopened"), "reopened")], person=None)


def open_for_owner(owner: Jurisdiction) -> QuerySet[Rectification]:
    """The rectifications a unit still has to do (the to-do of its people)."""
    return (Rectification.objects.filter(owner=owner, status=RectificationStatus.OPEN)
            .select_related("finding__inspection__setting", "finding__item"))


def awaiting_reinspection(actor) -> QuerySet[Rectification]:
    return rectifications_for(actor).filter(status=RectificationStatus.REPORTED)


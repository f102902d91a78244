"""Use cases of the daily bulletin: draft it from the data, publish it (frozen, with its PDF), correct it
with a new version."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.cases import disease as diseases
from fangkong.dashboard import services as dashboard
from fangkong.errors import Conflict, InputRefused
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.screening import services as screening
from fangkong.warning import services as warning

from . import charts
from .models import Bulletin, Status

CURVE_DAYS = 30


def build_content(node: Jurisdiction, day: dt.date) -> dict:
    """Everything the bulletin shows, computed once: the dashboard's figures, the curve, R_t, the map."""
    result = dashboard.summary(node, today=day)
    curve = dashboard.epidemic_curve(node, days=CURVE_DAYS, today=day)
    trend = dashboard.judgement(dashboard.epidemic_curve(node, days=60, today=day), diseases.current())
    return {
        "jurisdiction": {"code": node.code, "name": node.name},
        "date": day.isoformat(),
        "figures": result.totals,
        "new_reported": curve["report"][-1], "new_reported_before": curve["report"][-2],
        "curve": curve,
        "rt": trend["latest"], "growth": trend["growth"],
        "level": int(warning.level_of(node)),
        "risk_areas": [{"code": a.code, "name": a.name, "level": a.level, "valid_from": a.valid_from.isoformat()}
                       for a in screening.in_force(day)],
        "children": [{"code": c.code, "name": c.name, "value": figures["confirmed"] + figures["asymptomatic"],
                      "confirmed": figures["confirmed"], "suspected": figures["suspected"],
                      "observed": figures["home_observation"] + figures["central_quarantine"],
                      "boundary": c.boundary} for c, figures in result.children],
    }


def _require_command(actor) -> None:
    access.require_command(actor, _("only the command centre drafts and publishes bulletins"))


def bulletins_for(actor) -> QuerySet[Bulletin]:
    path = access.scope_path(actor)
    if path is None:
        return Bulletin.objects.none()
    return Bulletin.objects.filter(jurisdiction__path__startswith=path).select_related("jurisdiction")


def draft(actor, code: str, day: dt.date, *, note: str = "") -> Bulletin:
    """Draft (or redraft) the bulletin of `day`; after publication a new draft is a correction, with a note."""
    _require_command(actor)
    node = access.get_jurisdiction_for(actor, code)
    if day > timezone.localdate():
        raise InputRefused(("date", _("a bulletin cannot be drafted for a day that has not come")))
    content = build_content(node, day)
    versions = Bulletin.objects.filter(jurisdiction=node, date=day)
    open_draft = versions.filter(status=Status.DRAFT).first()
    if open_draft:
        with transaction.atomic():
            note_before = open_draft.note
            open_draft.content, open_draft.note = content, note[:200] or open_draft.note
            open_draft.save(update_fields=["content", "note"])
            audit.record_change(actor, Action.BULLETIN_DRAFTED, open_draft, jurisdiction=node.code, date=day,
                                version=open_draft.version, step="redrafted", before={"note": note_before},
                                after={"note": open_draft.note})
        return open_draft
    latest = versions.order_by("-version").first()
    if latest and not note.strip():
        raise InputRefused(("note", _("version %(v)s is published: say what this correction changes")
                            % {"v": latest.version}))
    try:
        with transaction.atomic():
            bulletin = Bulletin.objects.create(jurisdiction=node, date=day, version=(latest.version + 1) if latest
                                               else 1, content=content, note=note[:200], created_by=actor)
            audit.record_change(actor, Action.BULLETIN_DRAFTED, bulletin, jurisdiction=node.code, date=day,
                                step="drafted", before={"version": latest.version} if latest else {},
                                after={"version": bulletin.version})
        return bulletin
    except IntegrityError:  # the same draft, submitted twice at once
        return versions.filter(status=Status.DRAFT).get()


def publish(actor, bulletin_id: int) -> Bulletin:
    """Freeze a reviewed draft and render its PDF; a published bulletin never changes again."""
    _require_command(actor)
    bulletin = bulletins_for(actor).filter(pk=bulletin_id).first()
    if bulletin is None:
        raise Http404("No such bulletin")
    with transaction.atomic():
        claimed = Bulletin.objects.filter(pk=bulletin.pk, status=Status.DRAFT).update(
            status=Status.PUBLISHED, published_by=actor, published_at=timezone.now(), pdf=render_pdf(bulletin))
        if not claimed:
            raise Conflict(("status", _("this bulletin is already published; draft a correction instead")))
        audit.record_change(actor, Action.BULLETIN_PUBLISHED, bulletin, jurisdiction=bulletin.jurisdiction.code,
                            date=bulletin.date, version=bulletin.version,
                            before={"status": Status.DRAFT}, after={"status": Status.PUBLISHED})
    bulletin.refresh_from_db()
    return bulletin


def published(code: str, day: dt.date) -> Bulletin | None:
    return (Bulletin.objects.filter(jurisdiction__code=code, date=day, status=Status.PUBLISHED)
            .order_by("-version").first())


def context(bulletin: Bulletin) -> dict:
    content = bulletin.content
    with translation.override(translation.get_language() or "zh-hans"):
        labels = {"onset": str(_("By onset date")), "report": str(_("By report date"))}
        figure_label = str(_("Confirmed and asymptomatic"))
    return {"bulletin": bulletin, "c": content, "f": content["figures"],
            "change": content["new_reported"] - content["new_reported_before"],
            "curve_svg": charts.curve_svg(content["curve"], labels),
            "map_svg": charts.map_svg(content["children"], figure_label)}


def render_pdf(bulletin: Bulletin) -> bytes:
    """The bulletin as a PDF, in Chinese (the language it is published in), with a CJK font."""
    # Imported here so that a server without Pango still runs everything but the PDF.
    import weasyprint

    with translation.override("zh-hans"):
        html = render_to_string("bulletins/document.html", context(bulletin))
    return weasyprint.HTML(string=html).write_pdf()

"""Use cases of the daily bulletin: draft it from the data, publish it (frozen, with its PDF), correct it
with a new version."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from fangkong import fonts
from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.cases import disease as diseases
from fangkong.cases.models import Case, CaseEvent, Classification, Severity
from fangkong.dashboard import services as dashboard
from fangkong.errors import Conflict, InputRefused
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.quarantine.models import Kind, Order
from fangkong.screening import services as screening
from fangkong.warning import services as warning

from . import charts
from .models import Bulletin, Status

CURVE_DAYS = 30
# One stylesheet for the bulletin's page (served as a static file: the CSP allows no inline style) and its PDF.
SHEET_CSS = Path(__file__).parent / "static" / "bulletins" / "sheet.css"
logger = logging.getLogger(__name__)


def build_content(node: Jurisdiction, day: dt.date, now: dt.datetime | None = None) -> dict:
    """Everything the bulletin shows, computed once: the day's figures, the curve, R_t, the map.

    Today's figures are the dashboard's. A past day's are re-counted as they stood at the end of that day
    (figures_at), and the content says so: the dashboard only knows the present.
    """
    now = now or timezone.now()
    day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    if day_end > now:
        result = dashboard.summary(node, today=day, now=now)
        totals, children, recount = result.totals, result.children, None
    else:
        totals, children = figures_at(node, day_end)
        recount = {"as_of": day_end.isoformat(), "counted_at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")}
    curve = dashboard.epidemic_curve(node, days=CURVE_DAYS, today=day)
    trend = dashboard.judgement(dashboard.epidemic_curve(node, days=60, today=day), diseases.current())
    return {
        "jurisdiction": {"code": node.code, "name": node.name},
        "date": day.isoformat(),
        "figures": totals,
        "recount": recount,
        "new_reported": curve["report"][-1], "new_reported_before": curve["report"][-2],
        "curve": curve,
        "rt": trend["latest"], "growth": trend["growth"],
        "level": int(warning.level_of(node, at=min(day_end, now))),
        "risk_areas": [{"code": a.code, "name": a.name, "level": a.level, "valid_from": a.valid_from.isoformat()}
                       for a in screening.in_force(day)],
        "children": [{"code": c.code, "name": c.name, "value": figures["confirmed"] + figures["asymptomatic"],
                      "confirmed": figures["confirmed"], "suspected": figures["suspected"],
                      "observed": figures["home_observation"] + figures["central_quarantine"],
                      "boundary": c.boundary} for c, figures in children],
    }


# What figures_at can count for a moment past: the bulletin's figures, nothing the records cannot date.
FIGURES_AT = ["suspected", "confirmed", "asymptomatic", "severe", "critical", "home_observation", "central_quarantine"]


def figures_at(node: Jurisdiction, moment: dt.datetime) -> tuple[dict[str, int], list[tuple[Jurisdiction, dict]]]:
    """The bulletin's figures for node's subtree and each child as they stood at `moment`, from the rows' times.

    A case counts if it was discovered before `moment` and not closed by then, in the classification its last
    event before `moment` gave it (the case event log keeps every change with its time). An observation order
    counts if it had started and not ended. Severity is the case's present one: no event records the earlier.
    Counted with the dashboard's rules (dashboard.summary), so at the present moment both give the same figures.
    """
    children = list(node.children.all())
    counts: dict[str, Counter] = {c.path: Counter() for c in children}
    counts[node.path] = Counter()

    def owner(path: str) -> str:
        return next((c.path for c in children if path.startswith(c.path)), node.path)

    classification_then = Subquery(CaseEvent.objects.filter(case=OuterRef("pk"), at__lt=moment)
                                   .order_by("-at", "-id").values("to_classification")[:1])
    cases = (Case.objects.filter(owner_path__startswith=node.path, detected_at__lt=moment)
             .filter(Q(closed_at=None) | Q(closed_at__gte=moment))
             .annotate(then=classification_then).exclude(then=Classification.EXCLUDED)
             .order_by().values_list("owner_path", "then", "severity").annotate(n=Count("id")))
    for path, classification, severity, n in cases:
        figures = counts[owner(path)]
        figures[classification] += n
        if severity in (Severity.SEVERE, Severity.CRITICAL):
            figures[severity] += n
    observed = {Kind.HOME: "home_observation", Kind.CENTRAL: "central_quarantine"}
    orders = (Order.objects.filter(owner_path__startswith=node.path, starts_at__lt=moment)
              .filter(Q(ended_at=None) | Q(ended_at__gte=moment))
              .order_by().values_list("owner_path", "kind").annotate(n=Count("id")))
    for path, kind, n in orders:
        counts[owner(path)][observed[kind]] += n
    totals = sum(counts.values(), Counter())
    return ({f: totals[f] for f in FIGURES_AT},
            [(c, {f: counts[c.path][f] for f in FIGURES_AT}) for c in children])


def bulletins_for(actor) -> QuerySet[Bulletin]:
    return Bulletin.objects.visible_to(actor).select_related("jurisdiction")


def draft(actor, code: str, day: dt.date, *, note: str = "") -> Bulletin:
    """Draft (or redraft) the bulletin of `day`; after publication a new draft is a correction, with a note."""
    require(actor, "bulletin.publish")
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
    require(actor, "bulletin.publish")
    bulletin = get_visible(bulletins_for(actor), bulletin_id)
    already = Conflict(("status", _("this bulletin is already published; draft a correction instead")))
    if bulletin.status != Status.DRAFT:
        raise already
    # The PDF is frozen with the bulletin, so it is rendered as the published version it will be, never as the
    # draft it still is in the database until the claim below.
    bulletin.status, bulletin.published_by, bulletin.published_at = Status.PUBLISHED, actor, timezone.now()
    pdf = render_pdf(bulletin)
    with transaction.atomic():
        claimed = Bulletin.objects.filter(pk=bulletin.pk, status=Status.DRAFT).update(
            status=bulletin.status, published_by=actor, published_at=bulletin.published_at, pdf=pdf)
        if not claimed:  # published by someone else while this PDF was being rendered
            raise already
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
    """The bulletin as a PDF, in Chinese (the language it is published in), in the font shipped with fangkong.

    Without that font there is no PDF: one drawn in whatever the server has may be all boxes, and is frozen.
    """
    # Imported here so that a server without Pango still runs everything but the PDF.
    import weasyprint

    try:
        font_faces = fonts.font_face_css()
    except fonts.FontUnavailable as missing:
        logger.error("bulletin PDF refused: its font cannot be loaded: %s", missing)
        raise InputRefused(("pdf", _("the PDF cannot be made: its Chinese font (%(file)s) is missing from this "
                                     "installation or damaged, and without it the Chinese text would print as "
                                     "boxes. Reinstall fangkong.") % {"file": missing.path.name})) from None
    with translation.override("zh-hans"):
        html = render_to_string("bulletins/document.html",
                                {**context(bulletin), "font_faces": font_faces, "font_family": fonts.FAMILY,
                                 "sheet_css": SHEET_CSS.read_text(encoding="utf-8")})
    return weasyprint.HTML(string=html).write_pdf()

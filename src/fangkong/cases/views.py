from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.permissions import may
from fangkong.audit import services as audit
from fangkong.pathways import care
from fangkong.testing import services as testing
from fangkong.testing.models import Outcome
from fangkong.web.forms import YES_NO, posted_day, posted_moment, submit
from fangkong.web.registers import register_page

from . import services
from .models import Resolution, Severity, SymptomReport
from .transitions import TRANSITIONS, actions_from


@login_required
@register_page(services.CASES_EXPORT)
def case_list(request):
    cases = services.cases_for(request.user).filter(closed_at=None).order_by("-detected_at", "-id")
    page = Paginator(cases, 30).get_page(request.GET.get("page"))
    audit.seen(request.user, page.object_list, surface="cases")
    return render(request, "cases/list.html", {"page": page})


@login_required
def case_detail(request, case_id):
    case = services.get_case_for(request.user, case_id)
    audit.seen(request.user, [case], surface="case")
    actions = [(name, TRANSITIONS[name].label) for name in actions_from(case.classification, case.placement)]
    return render(request, "cases/detail.html", {
        "case": case, "earlies": services.five_earlies(case), "actions": actions,
        "events": case.events.select_related("actor"), "may_move": may(request.user, "case.move"),
        "severities": Severity.choices, "yes_no": YES_NO, "tier": services.admission_tier(case),
        "order": case.orders.filter(status="active").first(),
        "results": [(r, Outcome(r.outcome).label) for r in testing.results_of(case.person, single_only=True)],
    })



@login_required
@require_POST
def case_transition(request, case_id):
    return submit(request, lambda: care.move(request.user, case_id, request.POST.get("action", ""),
                                             hospital=request.POST.get("hospital", ""),
                                             note=request.POST.get("note", "")), _("Case updated"),
                  "case", case_id)


def _details(request) -> dict:
    """What the case form holds, read from the POST (a date that is not one is refused naming its field)."""
    return {"onset_date": posted_day(request, "onset_date"), "sampled_on": posted_day(request, "sampled_on"),
            "reported_at": posted_moment(request, "reported_at"),
            "severity": request.POST.get("severity") or Severity.MILD, "high_risk": bool(request.POST.get("high_risk"))}


@login_required
@require_POST
def case_details(request, case_id):
    return submit(request, lambda: services.update_details(request.user, case_id, **_details(request),
                                                           note=request.POST.get("note", "")),
                  _("Case updated"), "case", case_id)


@login_required
@require_POST
def ask_test(request, case_id):
    return submit(request, lambda: care.ask_discharge_test(request.user, case_id),
                  _("Test asked for: it is on the to-do of tests due"), "case", case_id)


@login_required
@require_POST
def open_case(request, person_id):
    return submit(request, lambda: care.open_case(request.user, person_id, **_details(request)),
                  _("Case opened; its same-day test is due"),
                  "person", person_id, done=lambda case: redirect("case", case_id=case.pk))


@login_required
@register_page(services.LEDGER_EXPORT)
def ledger(request):
    entries = services.ledger_for(request.user).filter(resolved_at=None).order_by("deadline")
    page = Paginator(entries, 30).get_page(request.GET.get("page"))
    audit.seen(request.user, page.object_list, surface="ledger")
    return render(request, "cases/ledger.html", {"page": page, "now": timezone.now(),
                                                 "resolutions": Resolution.choices})


@login_required
@require_POST
def report_symptoms(request, person_id):
    return submit(request, lambda: services.report_symptoms(
        request.user, person_id, source=request.POST.get("source", SymptomReport.Source.GRID),
        symptoms=request.POST.get("symptoms", ""), temperature=request.POST.get("temperature") or None,
        idempotency_key=request.POST.get("key") or None), _("Entered in the symptom ledger"), "person", person_id)


@login_required
@require_POST
def resolve_entry(request, entry_id):
    return submit(request, lambda: care.resolve_symptom_report(
        request.user, entry_id, request.POST.get("resolution", ""), request.POST.get("note", "")),
        _("Entry resolved"), "ledger")



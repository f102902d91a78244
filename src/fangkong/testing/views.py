"""The lab's pages (receive, results, what waits), the to-do of tests due, campaigns and the sampling point's
phone page. Thin: every rule is in services (and pathways/testing.py for what a result means)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.permissions import may
from fangkong.audit import services as audit
from fangkong.pathways import testing as pathway
from fangkong.web.exports import register_response
from fangkong.web.forms import form_key, submit

from . import campaigns as mass
from . import services
from .models import Group, Outcome


@login_required
def lab(request):
    """The lab's desk: scan tubes in, enter a result, what waits for a result and what is overdue."""
    waiting = services.waiting_in_lab_for(request.user)
    overdue = Paginator(services.overdue_for(request.user), 30).get_page(request.GET.get("page"))
    audit.seen(request.user, overdue.object_list, surface="tests-overdue")
    return render(request, "testing/lab.html", {
        "waiting": waiting[:50], "waiting_count": waiting.count(), "overdue": overdue, "now": timezone.now(),
        "outcomes": Outcome.choices, "may_receive": may(request.user, "sample.receive"),
        "may_result": may(request.user, "result.record")})


@login_required
@require_POST
def receive(request):
    def action():
        [outcome] = services.receive_tubes(request.user, [request.POST.get("tube", "")])
        if outcome.refused:
            raise outcome.refused
        return outcome

    return submit(request, action, _("Tube received"), "testing-lab")


@login_required
@require_POST
def result(request):
    entry = services.ResultInput(request.POST.get("tube", ""), request.POST.get("outcome", ""),
                                 request.POST.get("ct") or None)
    return submit(request, lambda: pathway.enter_results(request.user, [entry]), _("Result recorded"), "testing-lab")


@login_required
def due(request):
    """The to-do of the grid or site: tests due, soonest first, overdue ones marked, each sampled from here."""
    tests = Paginator(services.open_tests_for(request.user), 30).get_page(request.GET.get("page"))
    audit.seen(request.user, tests.object_list, surface="tests-due")
    return render(request, "testing/due.html", {"page": tests, "now": timezone.now(), "key": form_key(),
                                                "may_take": may(request.user, "sample.take")})


@login_required
@require_POST
def take(request, due_id):
    return submit(request, lambda: services.take_sample(request.user, due_id, request.POST.get("tube", ""),
                                                        idempotency_key=request.POST.get("key") or None),
                  _("Sample taken"), "testing-due")


@login_required
def campaigns(request):
    return render(request, "testing/campaigns.html", {
        "campaigns": mass.campaigns_for(request.user)[:50], "may_declare": may(request.user, "campaign.declare"),
        "progress": mass.round_progress_for(request.user)})


@login_required
@require_POST
def declare(request):
    starts = parse_datetime(request.POST.get("starts_at") or "") if request.POST.get("starts_at") else None
    if starts and timezone.is_naive(starts):
        starts = timezone.make_aware(starts)
    rules = {group: request.POST.get(f"rule_{group}", "") for group in Group.values}
    return submit(request, lambda: mass.declare_campaign(
        request.user, name=request.POST.get("name", ""), area_code=request.POST.get("area_code", ""),
        rounds=request.POST.get("rounds", 3), round_hours=request.POST.get("round_hours", 24), starts_at=starts,
        rules_by_group=rules), _("Campaign declared"), "testing-campaigns",
        done=lambda campaign: redirect("testing-campaign", campaign.pk))


@login_required
def campaign(request, campaign_id):
    campaign = mass.get_campaign_for(request.user, campaign_id)
    rounds = list(campaign.round_set.order_by("number"))
    chosen = next((r for r in rounds if str(r.pk) == request.GET.get("round")), None) \
        or mass.current_round(campaign) or (rounds[0] if rounds else None)
    coverage = mass.coverage(request.user, chosen.pk) if chosen else []
    return render(request, "testing/campaign.html", {
        "campaign": campaign, "rounds": rounds, "chosen": chosen, "coverage": coverage,
        "points": mass.points_for(request.user).filter(campaign=campaign), "groups": Group.choices,
        "advice": mass.pool_advice(campaign), "may_declare": may(request.user, "campaign.declare"),
        "progress": [p for p in mass.round_progress_for(request.user) if p.round.campaign_id == campaign.pk],
        "rules": [(Group(g).label, size) for g, size in campaign.rules.items() if g in Group.values]})


@login_required
@require_POST
def add_point(request, campaign_id):
    return submit(request, lambda: mass.add_point(
        request.user, campaign_id, name=request.POST.get("name", ""),
        jurisdiction_code=request.POST.get("jurisdiction_code", ""), population=request.POST.get("population", ""),
        group=request.POST.get("group", Group.GENERAL)), _("Sampling point added"), "testing-campaign", campaign_id)


@login_required
def missed(request, round_id, fmt):
    """Who was not sampled in a round, as Excel or CSV: masked and audited like every register."""
    round_ = mass.get_round_for(request.user, round_id)
    export = mass.MISSED_EXPORT
    rows = export.rows(request.user, mass.missed_for(request.user, round_.pk), round=round_.pk)
    return register_response(fmt, f"missed-round-{round_.pk}", export.header(), rows, sheet=_("Not sampled"))


@login_required
def point(request, point_id):
    """The sampling point's phone page: scan a tube, then each person's code; the tube seals at its size."""
    point = mass.get_point_for(request.user, point_id)
    tube = services.samples_for(request.user).filter(point=point, code=request.GET.get("tube", "").upper()).first()
    members = audit.seen(request.user, tube.members.select_related("person").order_by("-added_at")[:20],
                         surface="sampling-point") if tube else []
    return render(request, "testing/point.html", {
        "point": point, "tube": tube, "members": members, "key": form_key(), "round": mass.current_round(
            point.campaign), "tubes_today": services.samples_for(request.user).filter(point=point).count()})


def _back_to_point(point_id, code):
    return redirect(f"{reverse('testing-point', args=[point_id])}?tube={code}")


@login_required
@require_POST
def open_tube(request, point_id):
    return submit(request, lambda: mass.open_tube(request.user, point_id, request.POST.get("tube", ""),
                                                  idempotency_key=request.POST.get("key") or None),
                  _("Tube opened: now scan each person"), "testing-point", point_id,
                  done=lambda sample: _back_to_point(point_id, sample.code))


@login_required
@require_POST
def add_person(request, point_id):
    return submit(request, lambda: mass.add_to_tube(request.user, request.POST.get("tube", ""),
                                                    request.POST.get("id_number", ""), point_id=point_id,
                                                    idempotency_key=request.POST.get("key") or None),
                  _("Added"), "testing-point", point_id, done=lambda added: _back_to_point(point_id, added.sample.code))


@login_required
@require_POST
def seal(request, point_id):
    return submit(request, lambda: mass.seal_tube(request.user, request.POST.get("tube", ""), point_id=point_id),
                  _("Tube sealed"), "testing-point", point_id)

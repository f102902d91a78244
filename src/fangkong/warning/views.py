from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import access
from fangkong.accounts.permissions import may
from fangkong.web.forms import submit

from . import services
from .models import TIER_CHOICES, Level, Rule, SignalKind


@login_required
def warning(request):
    node = access.root_for(request.user)
    playbooks = list(services.playbooks_for(request.user).prefetch_related("tasks__owner")[:8])
    context = {
        "node": node, "situation": services.situation(node),
        "rules": Rule.objects.order_by("-active", "level", "id"),
        "playbooks": [(p, services.timings(p)) for p in playbooks],
        "changes": services.level_changes_for(request.user).select_related("changed_by")[:12],
        "signals": SignalKind.choices, "levels": [c for c in Level.choices if c[0] != Level.NONE],
        "all_levels": Level.choices, "tiers": TIER_CHOICES,
        "may_command": may(request.user, "warning.rule"), "may_do_tasks": may(request.user, "warning.task"),
    }
    return render(request, "warning/warning.html", context)


@login_required
@require_POST
def add_rule(request):
    return submit(request, lambda: services.add_rule(request.user, name=request.POST.get("name", ""),
                                                    signal=request.POST.get("signal", ""),
                                                    threshold=request.POST.get("threshold", ""),
                                                    level=request.POST.get("level", ""),
                                                    tier=request.POST.get("tier", "county")),
                  _("Rule saved"), "warning")


@login_required
@require_POST
def toggle_rule(request, rule_id):
    return submit(request, lambda: services.set_rule_active(request.user, rule_id, request.POST.get("active") == "1"),
                  _("Rule saved"), "warning")


@login_required
@require_POST
def change_level(request):
    node = access.root_for(request.user)
    level = request.POST.get("level", "")
    return submit(request, lambda: services.change_level(request.user, node, int(level) if level.isdigit() else 0,
                                                        note=request.POST.get("note", "")),
                  _("Response level changed"), "warning")


@login_required
@require_POST
def start_drill(request):
    return submit(request, lambda: services.open_playbook(request.user, access.root_for(request.user), exercise=True),
                  _("Drill started"), "warning")


@login_required
@require_POST
def complete_task(request, task_id):
    return submit(request, lambda: services.complete_task(request.user, task_id, note=request.POST.get("note", "")),
                  _("Task done"), "warning")

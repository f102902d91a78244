from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.models import Role
from fangkong.audit import services as audit
from fangkong.pathways import checkpoints as checkpoint_journey
from fangkong.people.services import PersonInput
from fangkong.web.forms import form_key, grid_choices, safe_next, submit
from fangkong.web.registers import register_page

from . import services
from .models import HandoverStatus, Subject


@login_required
@register_page(services.ENTRIES_EXPORT)
def checkpoint(request):
    """The fast entry form of the checkpoints the user staffs (or, for a command centre, oversees)."""
    posts = services.checkpoints_for(request.user)
    if request.user.role == Role.CHECKPOINT:
        posts = posts.filter(staff=request.user)
    chosen = posts.filter(pk=request.GET.get("post") or 0).first() or posts.first()
    return render(request, "checkpoints/entry.html", {
        "posts": posts, "post": chosen, "key": form_key(), "subjects": Subject.choices,
        "grid_choices": grid_choices(request.user),
        "entries": _seen_entries(request.user, chosen.entries.select_related("person")[:20] if chosen else [])})


def _seen_entries(user, entries):
    """The entries shown, each person in them audited (a vehicle or vessel names no one)."""
    entries = list(entries)
    audit.seen(user, [e for e in entries if e.subject == Subject.PERSON], surface="checkpoint-entries")
    return entries


@login_required
@require_POST
def record_entry(request, checkpoint_id):
    post = request.POST
    person = None
    if post.get("subject") == Subject.PERSON:
        person = PersonInput(id_number=post.get("id_number", ""), name=post.get("name", ""),
                             phone=post.get("phone", ""), grid_code=post.get("grid_code", ""))
    back = f"{reverse('checkpoint')}?post={checkpoint_id}"

    def done(result):
        _entry, fever = result
        if fever:  # in red, at once: the alert raised and who owns it
            messages.warning(request, fever.message)
        else:
            messages.success(request, _("Entry recorded"))
        return redirect(safe_next(request, back))

    return submit(request, lambda: checkpoint_journey.record_entry(request.user, checkpoint_id, services.EntryInput(
        subject=post.get("subject", ""), temperature=post.get("temperature", ""), person=person,
        plate=post.get("plate", ""), travel_history=post.get("travel_history", ""),
        contact_history=post.get("contact_history", ""), destination=post.get("destination", "")),
        idempotency_key=post.get("key") or None), "", back, done=done)


@login_required
@register_page(services.HANDOVERS_EXPORT)
def handovers(request):
    status = request.GET.get("status") or "open"
    rows = services.handovers_for(request.user)
    rows = rows.exclude(status=HandoverStatus.CONFIRMED) if status == "open" else rows.filter(status=status)
    return render(request, "checkpoints/handovers.html", {
        "rows": audit.seen(request.user, rows[:200], surface="handovers"), "status": status})


@login_required
@require_POST
def confirm(request, handover_id):
    return submit(request,
                  lambda: services.confirm_arrival(request.user, handover_id, note=request.POST.get("note", "")),
                  _("Arrival confirmed: loop closed"), "handovers")

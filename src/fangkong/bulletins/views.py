import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import access
from fangkong.accounts.models import Role
from fangkong.errors import InputRefused
from fangkong.web.forms import submit

from . import services
from .models import Bulletin, Status


def _may_command(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.COMMAND)


@login_required
def bulletin_list(request):
    return render(request, "bulletins/list.html", {
        "bulletins": services.bulletins_for(request.user)[:60], "today_iso": timezone.localdate().isoformat(),
        "may_command": _may_command(request.user)})


@login_required
@require_POST
def draft(request):
    def action():
        try:
            day = dt.date.fromisoformat(request.POST.get("date", ""))
        except ValueError:
            raise InputRefused(("date", _("give the date as YYYY-MM-DD"))) from None
        return services.draft(request.user, access.root_for(request.user).code, day, note=request.POST.get("note", ""))

    return submit(request, action, _("Bulletin drafted: review it, then publish"), "bulletins",
                  done=lambda bulletin: redirect("bulletin", bulletin.pk))


def _visible(request, bulletin_id) -> Bulletin:
    """A published bulletin is public; a draft is seen only inside its command centre's subtree."""
    bulletin = Bulletin.objects.select_related("jurisdiction").filter(pk=bulletin_id).first()
    if bulletin is None:
        raise Http404("No such bulletin")
    if bulletin.status != Status.PUBLISHED and not (
            request.user.is_authenticated and services.bulletins_for(request.user).filter(pk=bulletin.pk).exists()):
        raise Http404("No such bulletin")
    return bulletin


def bulletin_page(request, bulletin_id):
    bulletin = _visible(request, bulletin_id)
    return render(request, "bulletins/page.html", {
        **services.context(bulletin),
        "may_publish": bulletin.status == Status.DRAFT and _may_command(request.user)})


def bulletin_pdf(request, bulletin_id):
    bulletin = _visible(request, bulletin_id)
    if bulletin.status != Status.PUBLISHED:
        raise Http404("A draft has no PDF")
    response = HttpResponse(bytes(bulletin.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="bulletin-{bulletin.jurisdiction.code}-{bulletin.date}'
                                       f'-v{bulletin.version}.pdf"')
    return response


@login_required
@require_POST
def publish(request, bulletin_id):
    return submit(request, lambda: services.publish(request.user, bulletin_id), _("Bulletin published"),
                  "bulletin", bulletin_id)

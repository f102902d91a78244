import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import access
from fangkong.accounts.permissions import may
from fangkong.accounts.scoping import NotFound, get_visible
from fangkong.errors import InputRefused
from fangkong.web.forms import submit

from . import services
from .models import Bulletin, Status


@login_required
def bulletin_list(request):
    return render(request, "bulletins/list.html", {
        "bulletins": services.bulletins_for(request.user)[:60], "today_iso": timezone.localdate().isoformat(),
        "may_command": may(request.user, "bulletin.publish")})


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
    readable = Bulletin.objects.filter(status=Status.PUBLISHED)
    if request.user.is_authenticated:
        readable = readable | services.bulletins_for(request.user)
    return get_visible(readable.select_related("jurisdiction"), bulletin_id)


def bulletin_page(request, bulletin_id):
    bulletin = _visible(request, bulletin_id)
    return render(request, "bulletins/page.html", {
        **services.context(bulletin),
        "may_publish": bulletin.status == Status.DRAFT and may(request.user, "bulletin.publish")})


def bulletin_pdf(request, bulletin_id):
    bulletin = _visible(request, bulletin_id)
    if bulletin.status != Status.PUBLISHED:
        raise NotFound()  # a draft has no PDF
    response = HttpResponse(bytes(bulletin.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="bulletin-{bulletin.jurisdiction.code}-{bulletin.date}'
                                       f'-v{bulletin.version}.pdf"')
    return response


@login_required
@require_POST
def publish(request, bulletin_id):
    return submit(request, lambda: services.publish(request.user, bulletin_id), _("Bulletin published"),
                  "bulletin", bulletin_id)

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fangkong.accounts.permissions import may
from fangkong.audit import services as audit
from fangkong.errors import InputRefused
from fangkong.web.forms import submit

from . import services


@login_required
def links(request):
    """The grid's view of today's self-reports: each person's link and QR code, who reported and who did not."""
    rows = []
    for window in services.windows(request.user):
        url = request.build_absolute_uri(reverse("self-report", args=[window.token]))
        rows.append((window, url, segno.make(url, error="m").svg_data_uri(scale=3, dark="#0b1220", light="#ffffff")))
    audit.seen(request.user, [w.link for w, _u, _q in rows], surface="self-report-links")
    return render(request, "selfreport/links.html", {
        "rows": rows, "may_issue": may(request.user, "selfreport.issue"),
        "reported": sum(w.state == "reported" for w, _u, _q in rows),
        "missed": sum(w.state == "missed" for w, _u, _q in rows)})


@login_required
@require_POST
def issue(request):
    return submit(request, lambda: services.issue(request.user), _("Self-report links are ready"), "self-report-links")


def report(request, token):
    """The person's own page, opened from the link or QR code on their phone: no account, no menu."""
    link, refused = None, None
    try:
        link = services.open_link(token)
    except InputRefused as problem:
        refused = problem
    if request.method == "POST" and link is not None:
        return submit(request, lambda: services.report(
            token, id_tail=request.POST.get("id_tail", ""), temperature=request.POST.get("temperature", ""),
            symptoms=request.POST.get("symptoms", "")), _("Thank you: your temperature is recorded"),
            "self-report", token)
    return render(request, "selfreport/report.html", {"link": link, "refused": refused, "token": token},
                  status=200 if link else 410)

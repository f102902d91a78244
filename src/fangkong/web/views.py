from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.encoding import force_str

from fangkong import actors
from fangkong.accounts import access
from fangkong.dashboard import today

from .exports import register_response
from .registers import EXPORTS, Withheld, withheld, withheld_message


def favicon(request):
    """Browsers and bookmark tools ask for /favicon.ico whatever the page links: send them to the static icon."""
    return redirect(static("fangkong/favicon.ico"), permanent=True)


def service_worker(request):
    """The service worker, from the site's root so it may answer for every page (a static file's scope would be
    /static/ only); browsers re-check it on every visit."""
    script = Path(finders.find("fangkong/sw.js")).read_text(encoding="utf-8")
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response.headers["Cache-Control"] = "no-cache"
    return response


def offline(request):
    """What the service worker shows for a page opened with no signal: no person on it, so it may be kept."""
    return render(request, "offline.html")


@login_required
def home(request):
    """A field user's phone opens on the day's work; the desk roles on their jurisdiction."""
    if request.user.role in today.FIELD_ROLES:
        return redirect("today")
    return redirect("jurisdiction", code=access.root_for(request.user).code)


@login_required
def day_work(request):
    return render(request, "today.html", {"items": today.day_work(request.user), "now": timezone.now()})


@login_required
def exports(request):
    return render(request, "exports.html", {"exports": [(e, e.allowed(request.user)) for e in EXPORTS.values()]})


def register_download(request, name: str, fmt: str):
    """Any register the user may see, as Excel or CSV; every person in it is audited and masked for their role."""
    export = EXPORTS.get(name)
    if export is None:
        raise Http404("No such register")
    if not export.allowed(request.user):
        if actors.current().channel == actors.API:
            raise Withheld(("role", withheld_message(export)))
        return withheld(request, export)
    rows = export.rows(request.user)
    return register_response(fmt, f"{name}-{timezone.localdate().isoformat()}", export.header(), rows,
                             sheet=force_str(export.title))


export = login_required(register_download)

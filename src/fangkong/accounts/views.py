from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fangkong.errors import InputRefused

from . import services, throttle


def login_view(request):
    errors = []
    if request.method == "POST":
        try:
            user = services.log_in(request, request.POST.get("username", ""), request.POST.get("password", ""))
        except InputRefused as refused:
            errors = refused.problems
        else:
            login(request, user)
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = "home"
            response = redirect(target or "home")
            throttle.remember_device(request, response, user)
            return response
    return render(request, "accounts/login.html", {"errors": errors, "next": request.GET.get("next", "")},
                  status=400 if errors else 200)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fangkong.errors import InputRefused
from fangkong.web.forms import Submitted, safe_next

from . import services, throttle


def login_view(request):
    refused = False
    if request.method == "POST":
        try:
            user = services.log_in(request, request.POST.get("username", ""), request.POST.get("password", ""))
        except InputRefused as refusal:
            request.submitted, refused = Submitted(request.path, request.POST, refusal.problems, "login"), True
        else:
            login(request, user)
            response = redirect(safe_next(request, "home"))
            throttle.remember_device(request, response, user)
            return response
    # the page the login was asked for rides along as `next`, so the form sends it back
    request.form_page = safe_next(request, "home")
    return render(request, "accounts/login.html", status=400 if refused else 200)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")

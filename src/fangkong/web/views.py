from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from fangkong.accounts import access


@login_required
def home(request):
    return redirect("jurisdiction", code=access.root_for(request.user).code)

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError

from fangkong.errors import InputRefused

from . import services
from .models import ApiToken, User


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin's login checks the password through `services.log_in`, so it is throttled like /login/."""

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = services.log_in(self.request, username, password)
            except InputRefused as refused:
                raise ValidationError([problem.message for problem in refused.problems]) from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


admin.site.login_form = ThrottledAdminLoginForm


@admin.register(User)
class FangkongUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "role", "jurisdiction", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + (("fangkong", {"fields": ("role", "jurisdiction", "full_name")}),)
    raw_id_fields = ("jurisdiction",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, User


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

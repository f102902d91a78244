from django.contrib import admin

from .models import Pass


@admin.register(Pass)
class PassAdmin(admin.ModelAdmin):
    list_display = ("number", "plate", "use", "valid_from", "valid_to", "status")
    list_filter = ("status", "use")
    readonly_fields = [f.name for f in Pass._meta.fields]  # issued and revoked through the service only

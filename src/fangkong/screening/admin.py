from django.contrib import admin

from .models import RiskArea


@admin.register(RiskArea)
class RiskAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "valid_from", "valid_to", "declared_at", "superseded_at")
    list_filter = ("level",)
    readonly_fields = [f.name for f in RiskArea._meta.fields]  # the history is changed through the service only

from django.contrib import admin

from .models import Facility, Ward


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "tier", "state", "ready_by")
    list_filter = ("kind", "tier", "state")
    search_fields = ("code", "name")


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ("facility", "name", "kind")

from django.contrib import admin

from .models import Household, Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("code", "grid")
    search_fields = ("code",)
    raw_id_fields = ("grid",)

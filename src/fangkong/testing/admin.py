from django.contrib import admin

from .models import KeyGroup, Schedule, TestingRules


@admin.register(TestingRules)
class TestingRulesAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "retest_hours", "clearance_cutoff", "positive_makes_confirmed", "max_pool")


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "applies_to", "days", "every_days", "edition", "active")


@admin.register(KeyGroup)
class KeyGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "jurisdiction", "schedule")
    raw_id_fields = ("jurisdiction", "members")
    exclude = ("owner_path",)

    def save_model(self, request, obj, form, change):
        obj.owner_path = obj.jurisdiction.path
        super().save_model(request, obj, form, change)

# Tubes, results, tests due and campaigns change only through testing.services (audited), not the admin.

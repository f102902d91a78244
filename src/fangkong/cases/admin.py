from django.contrib import admin

from .models import Disease


@admin.register(Disease)
class DiseaseAdmin(admin.ModelAdmin):
    """The disease settings are data the command centre edits; clean() checks windows and thresholds."""

    list_display = ("name", "active", "observation_days", "fever_threshold", "readings_per_day",
                    "report_deadline_hours")

# Cases change only through cases.services.transition (one table, audited), not the admin.

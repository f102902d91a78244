from django.contrib import admin

from .models import GridCoverage


@admin.register(GridCoverage)
class GridCoverageAdmin(admin.ModelAdmin):
    list_display = ("grid", "band", "population", "first", "full", "boosted", "doses")
    readonly_fields = [f.name for f in GridCoverage._meta.fields]  # kept by the dose writes and the nightly rebuild

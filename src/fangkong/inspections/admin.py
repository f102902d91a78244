from django.contrib import admin

from .models import Checklist, ChecklistItem, Inspection, Rectification, Setting


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "grid", "responsible_unit")
    list_filter = ("kind",)


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ("kind", "version", "created_at")
    inlines = [ItemInline]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("setting", "mode", "started_at")
    readonly_fields = [f.name for f in Inspection._meta.fields]  # recorded through the service only


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ("finding", "owner", "deadline", "status")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Rectification._meta.fields]  # states change through the service only

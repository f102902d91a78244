from django.contrib import admin

from .models import Checkpoint, Handover


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "jurisdiction")
    filter_horizontal = ("staff",)


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ("grid", "status", "due_at", "confirmed_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Handover._meta.fields]  # states change through the service only

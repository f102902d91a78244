from django.contrib import admin

from .models import Batch, Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "jurisdiction")


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("number", "goods", "origin_country", "site", "status", "received_on")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Batch._meta.fields]  # states change through the service only

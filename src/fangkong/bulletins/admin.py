from django.contrib import admin

from .models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "date", "version", "status", "published_at")
    readonly_fields = [f.name for f in Bulletin._meta.fields if f.name != "pdf"]  # published means frozen

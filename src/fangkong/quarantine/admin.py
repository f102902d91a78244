from django.contrib import admin

from .models import Room, Site


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "jurisdiction", "address")
    raw_id_fields = ("jurisdiction",)
    inlines = [RoomInline]
    exclude = ("owner_path",)

    def save_model(self, request, obj, form, change):
        obj.owner_path = obj.jurisdiction.path
        super().save_model(request, obj, form, change)

# Orders, readings and alerts change only through quarantine.services (audited), not the admin.

from django.contrib import admin

from .models import Post, RestRules


@admin.register(RestRules)
class RestRulesAdmin(admin.ModelAdmin):
    list_display = ("post_kind", "red_zone", "max_shift_minutes", "min_rest_minutes", "max_consecutive_days",
                    "min_days_off", "max_minutes_per_week", "max_days_at_post", "monitoring_days")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "jurisdiction")
    readonly_fields = [f.name for f in Post._meta.fields]  # posts are added through the service (scoped, audited)

    def has_add_permission(self, request):
        return False

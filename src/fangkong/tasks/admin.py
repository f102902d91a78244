from django.contrib import admin

from .models import Supervision, Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "responsibility", "owner", "deadline", "status")
    list_filter = ("status", "responsibility")
    readonly_fields = [f.name for f in Task._meta.fields]  # states change through the service only


@admin.register(Supervision)
class SupervisionAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "visited_on", "team")
# Reports from the public are deliberately absent: the reporter's contact is personal data, seen audited only.

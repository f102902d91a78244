from django.contrib import admin

from .models import LevelChange, Playbook, Rule, SignalValue, Task


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("name", "signal", "threshold", "level", "active")


@admin.register(SignalValue)
class SignalValueAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "day", "kind", "value")
    list_filter = ("kind", "day")


@admin.register(LevelChange)
class LevelChangeAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "level", "previous", "changed_at", "changed_by")
    readonly_fields = [f.name for f in LevelChange._meta.fields]  # the history is never rewritten


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "exercise", "opened_at", "closed_at")
    inlines = [TaskInline]

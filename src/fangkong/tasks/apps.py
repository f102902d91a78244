from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "fangkong.tasks"
    verbose_name = _("Tasks, supervision and reports from the public")

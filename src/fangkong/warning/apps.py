from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningConfig(AppConfig):
    name = "fangkong.warning"
    label = "early_warning"  # "warning" would shadow nothing, but reads like Python's warnings module in SQL
    verbose_name = _("Early warning")

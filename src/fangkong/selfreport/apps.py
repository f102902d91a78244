from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfReportConfig(AppConfig):
    name = "fangkong.selfreport"
    verbose_name = _("Self-report")

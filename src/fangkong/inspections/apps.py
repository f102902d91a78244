from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "fangkong.inspections"
    verbose_name = _("Special settings and inspections")

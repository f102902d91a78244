from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "fangkong.care"
    verbose_name = _("Facilities and beds")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassesConfig(AppConfig):
    name = "fangkong.passes"
    verbose_name = _("Green-channel passes")

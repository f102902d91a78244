from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VaccinationConfig(AppConfig):
    name = "fangkong.vaccination"
    verbose_name = _("Vaccination")

    def ready(self):
        from .services import targets

        targets()  # a malformed FANGKONG_VACCINATION_TARGETS stops start-up, naming the variable

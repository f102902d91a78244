from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "fangkong.pathways"
    verbose_name = _("Pathways")

    def ready(self):
        """Connect the journeys the domains announce without knowing who follows."""
        from fangkong.people.services import registered_beyond_reach

        from . import registration

        registered_beyond_reach.connect(registration.ask_owners, dispatch_uid="pathways.registration.ask_owners")

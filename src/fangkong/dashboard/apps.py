from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _repair_rollup_after_flush(sender, using, **kwargs):
    """`flush` (and a test database reset) empties the tables in an order of its own: when the roll-up is emptied
    before the counted rows, their delete triggers leave counters below zero. A counter below zero is never a true
    count, so the roll-up is rebuilt from the rows; otherwise nothing is done (a migrate stays cheap)."""
    from fangkong.dashboard import rollup
    from fangkong.dashboard.models import DailyCount

    if DailyCount.objects.using(using).filter(n__lt=0).exists():
        rollup.install()


class DashboardConfig(AppConfig):
    name = "fangkong.dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        post_migrate.connect(_repair_rollup_after_flush, sender=self)

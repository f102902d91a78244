from django.core.management.base import BaseCommand

from fangkong import actors
from fangkong.testing import services


class Command(BaseCommand):
    help = "Ask the periodic tests of key-group members that are due (every N days); safe to run twice."

    def handle(self, *args, **options):
        with actors.acting(actors.CLI):
            asked = services.sweep_periodic_tests()
        self.stdout.write(f"{asked} periodic tests asked")

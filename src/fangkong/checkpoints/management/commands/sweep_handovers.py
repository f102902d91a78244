from django.core.management.base import BaseCommand

from fangkong.checkpoints.services import sweep_handovers


class Command(BaseCommand):
    help = "Mark checkpoint handovers the grid has not confirmed in time as overdue (their alert); safe to run twice."

    def handle(self, *args, **options):
        self.stdout.write(f"{sweep_handovers()} handover(s) overdue")

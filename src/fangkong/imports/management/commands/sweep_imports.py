from django.core.management.base import BaseCommand

from fangkong.imports.services import sweep


class Command(BaseCommand):
    help = ("Finish the checks and imports whose page was closed, and drop the staged rows of checked files nobody "
            "chose for (FANGKONG_IMPORT_KEEP_HOURS); run from cron every few minutes, safe to run twice.")

    def handle(self, *args, **options):
        done = sweep()
        self.stdout.write(f"{done['resumed']} import(s) resumed, {done['discarded']} left unchosen discarded")

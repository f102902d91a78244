from django.core.management.base import BaseCommand

from fangkong.goods.services import purge


class Command(BaseCommand):
    help = ("Delete goods records past their retention (FANGKONG_GOODS_RETENTION_DAYS, at least two years), with one "
            "audit row; run daily, safe to run twice.")

    def handle(self, *args, **options):
        counts = purge()
        self.stdout.write(", ".join(f"{name} {n}" for name, n in counts.items()))

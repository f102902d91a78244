import random

from django.core.management import call_command
from django.core.management.base import BaseCommand

from fangkong.accounts.models import Role, User
from fangkong.accounts.services import create_user
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.quarantine.models import Order
from fangkong.synthetic.city import PROVINCE
from fangkong.synthetic.outbreak import stage_outbreak

DEMO_PASSWORD = "fangkong-demo"


class Command(BaseCommand):
    help = "Create the database, seed a 50k-person city with a user for every role, print the logins, serve."

    def add_arguments(self, parser):
        parser.add_argument("--population", type=int, default=50_000)
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="prepare everything but do not serve")

    def handle(self, *args, population, bind, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not Jurisdiction.objects.filter(code=PROVINCE[0]).exists():
            call_command("seed", population=population, seed=2020)
        logins = self._demo_users()
        if not Order.objects.exists():
            self.stdout.write("staging a week of an outbreak (observation, readings, cases) …")
            stage_outbreak(User.objects.get(username="demo-command"), random.Random(2020))
        self.stdout.write(self.style.SUCCESS(f"\nfangkong demo: http://{bind}/"))
        self.stdout.write(f"password for every demo user: {DEMO_PASSWORD}")
        for username, role, where in logins:
            self.stdout.write(f"  {username:<16} {role:<34} {where}")
        if not no_serve:
            call_command("serve", bind=bind)

    def _demo_users(self):
        city = Jurisdiction.objects.get(code="420100")
        county = city.children.order_by("code").first()
        grid = Jurisdiction.objects.filter(path__startswith=county.path, level=Level.GRID).order_by("path").first()
        places = {
            Role.COMMAND: city, Role.GRID: grid, Role.CHECKPOINT: county, Role.EPIDEMIOLOGIST: county,
            Role.LAB: city, Role.HOSPITAL: county, Role.LOGISTICS: city, Role.PUBLIC: city,
        }
        logins = []
        for role, place in places.items():
            username = f"demo-{role}"
            if not User.objects.filter(username=username).exists():
                create_user(username=username, password=DEMO_PASSWORD, role=role, jurisdiction_code=place.code,
                            validate=False)
            logins.append((username, str(Role(role).label), f"{place.name} ({place.code})"))
        return logins

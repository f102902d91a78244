import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from fangkong.accounts.models import Role, User
from fangkong.bulletins.models import Bulletin
from fangkong.cases.models import Case
from fangkong.checkpoints.models import Handover
from fangkong.dashboard.services import summary
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.quarantine.models import Order, ReadingSlot
from fangkong.reporting.models import DailyReport
from fangkong.screening.models import Arrival, AssistRequest, RiskArea
from fangkong.warning.models import Rule


def test_the_demo_prepares_a_city_an_outbreak_and_a_login_for_every_role(client, db):
    out = io.StringIO()
    call_command("demo", population=3_000, no_serve=True, stdout=out)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for role in Role.values:
        assert f"demo-{role}" in out.getvalue()
    assert Order.objects.filter(status="active").count() > 300 and Case.objects.exists()
    city = Jurisdiction.objects.get(code="420100")
    figures = summary(city).totals
    assert figures["home_observation"] > 300 and figures["readings_due"] > 0
    # Whatever the hour, the windows of the last day were watched: most read, a few missed.
    last_day = ReadingSlot.objects.filter(closes_at__lte=timezone.now(),
                                          closes_at__gt=timezone.now() - dt.timedelta(days=1))
    assert last_day.filter(status="done").count() > last_day.filter(status="missed").count() > 0
    # The grid loop and the command's tools are staged too, through their services.
    assert RiskArea.objects.exists() and Arrival.objects.filter(follow_up="observation").exists()
    assert Handover.objects.exists() and AssistRequest.objects.exists() and DailyReport.objects.exists()
    assert Rule.objects.count() == 2 and Bulletin.objects.filter(status="draft").exists()
    assert client.login(username="demo-command", password="fangkong-demo")
    assert client.get("/dashboard/").status_code == 200
    call_command("demo", population=3_000, no_serve=True, stdout=io.StringIO())  # a second run changes nothing
    assert User.objects.filter(username="demo-command").count() == 1

"""The bulletin's change in new cases reads as a sentence ("与前一日持平", not "0 较前一日")."""

from django.utils import timezone

from fangkong.bulletins import services
from fangkong.conftest import login_client


def test_no_change_from_the_day_before_reads_as_such(client, commander, tree):
    draft = services.draft(commander, tree["city"].code, timezone.localdate())
    login_client(client, commander)
    page = client.get(f"/bulletins/{draft.pk}/").content.decode()
    assert '<td class="change" data-testid="change">与前一日持平</td>' in page

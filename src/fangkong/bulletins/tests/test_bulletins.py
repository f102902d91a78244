"""The daily bulletin: drafted from the data, published frozen with a Chinese PDF, corrected by a new version."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.bulletins import services
from fangkong.bulletins.models import Bulletin
from fangkong.cases import services as cases
from fangkong.conftest import login_client
from fangkong.dashboard.services import summary
from fangkong.errors import InputRefused
from fangkong.screening import services as screening

from .pdfs import pdf_text

DRAFT_STAMP = "草稿，未发布"


def test_the_published_pdf_holds_the_chinese_headline_and_the_dashboards_figures(commander, tree, outbreak):
    today = timezone.localdate()
    screening.declare(commander, code="110105", level="high", valid_from=today)
    bulletin = services.publish(commander, services.draft(commander, tree["city"].code, today).pk)
    text = pdf_text(bytes(bulletin.pdf)).replace("\n", "")
    figures = summary(tree["city"], today=today).totals
    assert "武汉市疫情防控每日通报" in text
    assert f"现有确诊{figures['confirmed']}例" in text.replace(" ", "")
    assert f"居家医学观察{figures['home_observation']}人" in text.replace(" ", "")
    assert bulletin.content["figures"] == figures
    assert "风险地区" in text and "朝阳区" in text and "高风险" in text


def test_the_published_pdf_is_the_published_version_not_the_draft(commander, tree, outbreak):
    draft = services.draft(commander, tree["city"].code, timezone.localdate())
    assert DRAFT_STAMP in pdf_text(services.render_pdf(draft))
    bulletin = services.publish(commander, draft.pk)
    text = pdf_text(bytes(bulletin.pdf))
    assert DRAFT_STAMP not in text and "草稿" not in text
    assert f"发布于 {timezone.localtime(bulletin.published_at):%Y-%m-%d %H:%M}" in text


def test_a_published_bulletin_is_frozen_and_a_correction_is_a_new_version(commander, tree, outbreak, epidemiologist):
    today = timezone.localdate()
    first = services.publish(commander, services.draft(commander, tree["city"].code, today).pk)
    with pytest.raises(InputRefused) as refused:
        services.publish(commander, first.pk)
    assert refused.value.problems[0].field == "status"
    with pytest.raises(InputRefused) as refused:
        services.draft(commander, tree["city"].code, today)
    assert refused.value.problems[0].field == "note"
    cases.transition(epidemiologist, outbreak.pk, "admit", hospital="金银潭医院")
    second = services.draft(commander, tree["city"].code, today, note="补报一例入院")
    assert second.version == 2 and Bulletin.objects.get(pk=first.pk).content == first.content
    assert services.published(tree["city"].code, today).pk == first.pk
    services.publish(commander, second.pk)
    assert services.published(tree["city"].code, today).version == 2


def test_only_the_command_centre_drafts_and_a_future_day_is_refused(grid_worker, commander, tree):
    with pytest.raises(InputRefused) as refused:
        services.draft(grid_worker, tree["grid_a1"].code, timezone.localdate())
    assert refused.value.problems[0].field == "role"
    with pytest.raises(InputRefused) as refused:
        services.draft(commander, tree["city"].code, timezone.localdate() + timezone.timedelta(days=1))
    assert refused.value.problems[0].field == "date"


def test_a_published_bulletin_is_public_and_a_draft_is_not(client, commander, tree, outbreak):
    draft = services.draft(commander, tree["city"].code, timezone.localdate())
    assert client.get(f"/bulletins/{draft.pk}/").status_code == 404
    assert client.get(f"/bulletins/{draft.pk}.pdf").status_code == 404
    services.publish(commander, draft.pk)
    page = client.get(f"/bulletins/{draft.pk}/")
    assert page.status_code == 200 and 'data-testid="headline"' in page.content.decode()
    pdf = client.get(f"/bulletins/{draft.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and "武汉市" in pdf_text(pdf.content)


def test_the_page_drafts_and_publishes(client, commander, tree, outbreak):
    login_client(client, commander)
    response = client.post("/bulletins/draft/", {"date": timezone.localdate().isoformat()})
    bulletin = Bulletin.objects.get()
    assert response.url == f"/bulletins/{bulletin.pk}/"
    client.post(f"/bulletins/{bulletin.pk}/publish/")
    assert Bulletin.objects.get().status == "published"
    refused = client.post("/bulletins/draft/", {"date": "24/11/2026"})  # the page again, with the date as typed
    assert refused.status_code == 200 and 'value="24/11/2026"' in refused.content.decode()
    assert Bulletin.objects.count() == 1


def test_the_cli_writes_the_pdf(tmp_path, commander, tree, outbreak):
    out = tmp_path / "b.pdf"
    stdout = io.StringIO()
    call_command("bulletin", date=timezone.localdate().isoformat(), jurisdiction="420100", pdf=str(out), stdout=stdout)
    text = pdf_text(out.read_bytes())
    assert "draft" in stdout.getvalue() and "武汉市疫情防控每日通报" in text.replace("\n", "") and DRAFT_STAMP in text

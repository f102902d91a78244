"""The Chinese UI shows no English words, the English UI no Chinese chrome: every persona walks every page the
navigation reaches (and the pages those link to), in zh-hans and in en, with a record of each kind on the pages.
Data values the test seeded (names of people and places, codes, notes) are taken out of the text first."""

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.bulletins import services as bulletins
from fangkong.conftest import VALID_ID, make_user
from fangkong.inspections.models import ChecklistItem
from fangkong.pathways import arrivals as arrival_journey
from fangkong.people.services import PersonInput
from fangkong.screening import services as screening
from fangkong.warning import services as warning

LATIN_ALLOWED = {  # units, codes and names that are the same in both languages (single letters are not words)
    "API", "CSV", "Excel", "ID", "PDF", "R_t", "SIR", "CHIME", "Penn", "Medicine", "EARS", "PIPL", "English",
    "YYYY", "MM", "DD", "xlsx", "IV", "III", "II", "C1", "C2", "C3", "CUSUM",
    "Ct",  # the cycle threshold of a PCR result: Ct值 in Chinese labs
    "KN95",  # the respirator standard's name, an item of the supplies catalogue
}
HAN_ALLOWED = {"中文", "防控"}  # the language switch and the seal of the brand
SKIPPED = re.compile(r"\.(xlsx|csv|pdf|json)$|^/(api|admin|i18n|logout|static)/|/step/$|/refusals|/template/")


class VisibleText(HTMLParser):
    """The text a person reads: text nodes and placeholders, not scripts, styles or attribute values."""

    def __init__(self):
        super().__init__()
        self.parts, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("placeholder", "aria-label", "title"):
            if attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _personas(tree, commander, grid_worker):
    extra = {role: make_user(f"demo-{role}", role, tree["city"]) for role in Role.values
             if role not in (Role.COMMAND, Role.GRID)}
    return {"command": commander, "grid": grid_worker, **extra}


def _walk(client, start: str, limit: int = 80) -> dict[str, str]:
    seen, queue, pages = set(), [start], {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen or SKIPPED.search(urlsplit(path).path) or "page=" in path:
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        reader = VisibleText()
        reader.feed(response.content.decode())
        pages[path] = " ".join(reader.parts)
        queue += [link for link in reader.links if link.startswith("/") and not link.startswith("//")]
    return pages


def _data_values(world, tree, personas) -> list[str]:
    people = [world["person"].name, world["free"].name, "李四"]
    places = [node.name for node in tree.values()] + ["汉口站", "北京市", "朝阳区"]
    users = [u.username for u in personas.values()]
    notes = ["咳嗽", "BJ-1", "发热预警", "G1234"]
    codes = [node.code for node in tree.values()]
    checklists = list(ChecklistItem.objects.values_list("text", flat=True))  # data, as the field keeps it
    supplies = world["supplies"]  # the seeded stores and supplier: data, written as their users wrote them
    stores = [s.name for s in (supplies.source, supplies.unit)] + [s.code for s in (supplies.source, supplies.unit)]
    return sorted(set(people + places + users + notes + codes + checklists + stores + [supplies.order.supplier]),
                  key=len,
                  reverse=True)


@pytest.fixture
def crawled(client, world, tree, commander, grid_worker):
    """Every page each persona reaches, in both languages, with one record of each kind to show."""
    bulletins.draft(commander, tree["city"].code, timezone.localdate())
    screening.declare(commander, code="110105", level="high", valid_from=timezone.localdate() - dt.timedelta(days=2))
    arrival_journey.register_arrival(grid_worker, screening.ArrivalInput(
        person=PersonInput(id_number=VALID_ID, name=world["person"].name, grid_code=tree["grid_a1"].code),
        origin_code="110105", arrived_at=timezone.now() - dt.timedelta(days=1), mode="train", vehicle="G1234",
        category="worker"))
    warning.add_rule(commander, name="发热预警", signal="fever_alerts", threshold=1, level=4)
    warning.open_playbook(commander, tree["city"], exercise=True)
    personas = _personas(tree, commander, grid_worker)
    values = _data_values(world, tree, personas)
    found = {}
    for role, user in personas.items():
        client.force_login(user)
        for language in ("zh-hans", "en"):
            client.cookies["django_language"] = language
            for path, text in _walk(client, "/").items():
                for value in values:
                    text = text.replace(value, " ")
                found[(role, language, path)] = text
        client.logout()
    return found


def test_the_chinese_pages_show_no_english_words(crawled):
    english = {}
    for (role, language, path), text in crawled.items():
        if language == "zh-hans":
            words = {w for w in re.findall(r"[A-Za-z_][A-Za-z_0-9]+", text) if w not in LATIN_ALLOWED}
            for word in words:
                english.setdefault(word, []).append(f"{role} {path}")
    assert {word: pages[:2] for word, pages in english.items()} == {}


def test_the_english_pages_show_no_chinese_chrome(crawled):
    chinese = {}
    for (role, language, path), text in crawled.items():
        if language == "en":
            words = set(re.findall(r"[\u3400-\u9fff]+", text)) - HAN_ALLOWED
            for word in words:
                chinese.setdefault(word, []).append(f"{role} {path}")
    assert {word: pages[:2] for word, pages in chinese.items()} == {}

"""Self-report links: the grid issues one per person under home observation and reading window; the person opens
it on their own phone (a link or its QR code, no account), answers who they are, types their temperature, and the
reading is stored as if the grid worker who issued the link had taken it. The grid sees who reported and who not.

A link works once, within its window; used again, used after the window closed, or answered by someone who is not
the person it was made for, it is refused naming why. Too many wrong answers lock it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.permissions import require
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import InputRefused
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Kind, OrderStatus, Reading, ReadingSlot, SlotStatus

from .models import SelfReportLink

SALT = "fangkong.selfreport"


def token(link: SelfReportLink) -> str:
    """The secret part of a link's URL: its id and nonce, signed with the site's key."""
    return signing.Signer(salt=SALT).sign(f"{link.pk}.{link.nonce}")


def links_for(actor) -> QuerySet[SelfReportLink]:
    return SelfReportLink.objects.visible_to(actor).select_related("person", "slot", "reading")


def issue(actor, now: dt.datetime | None = None) -> list[SelfReportLink]:
    """A link for the window open now, or the next one, of every person under home observation in the actor's
    subtree. Issuing again hands out the same links: a link already sent keeps working."""
    require(actor, "selfreport.issue")
    now = now or timezone.now()
    orders = quarantine.orders_for(actor).filter(status=OrderStatus.ACTIVE, kind=Kind.HOME)
    next_slots = {}
    for slot in ReadingSlot.objects.filter(order__in=orders, status=SlotStatus.DUE, closes_at__gt=now).select_related(
            "order").order_by("order_id", "opens_at"):
        next_slots.setdefault(slot.order_id, slot)
    links, new = [], []
    with transaction.atomic():
        for slot in next_slots.values():
            link, created = SelfReportLink.objects.get_or_create(slot=slot, defaults={
                "order": slot.order, "person_id": slot.order.person_id, "owner_path": slot.order.owner_path,
                "nonce": secrets.token_hex(8), "issued_by": actor, "issued_at": now})
            links.append(link)
            if created:
                new.append(link)
        audit.record_many(actor, Action.SELF_REPORT, [
            (link.person_id, {"change": "issued", "link": link.pk, "closes_at": link.slot.closes_at.isoformat()})
            for link in new])
    return links


def open_link(text: str, now: dt.datetime | None = None) -> SelfReportLink:
    """The link a URL names, while it can still be used; refused naming why it cannot."""
    now = now or timezone.now()
    try:
        pk, nonce = signing.Signer(salt=SALT).unsign(text).split(".")
        link = SelfReportLink.objects.select_related("slot", "order", "person").get(pk=int(pk), nonce=nonce)
    except (signing.BadSignature, ValueError, SelfReportLink.DoesNotExist):
        raise InputRefused(("token", _("this is not a self-report link: check that it was copied whole"))) from None
    at = {"t": timezone.localtime(link.used_at or link.slot.closes_at).strftime("%m-%d %H:%M")}
    if link.used_at:
        raise InputRefused(("token", _("this link was used at %(t)s: each link works once") % at))
    if link.order.status != OrderStatus.ACTIVE:
        raise InputRefused(("token", _("your observation has ended: no more readings are needed")))
    if now >= link.slot.closes_at or link.slot.status != SlotStatus.DUE:
        raise InputRefused(("token", _("this link expired at %(t)s: ask your grid worker for the next one") % at))
    if link.wrong_answers >= settings.SELF_REPORT_MAX_ATTEMPTS:
        raise InputRefused(("token", _("this link is locked after too many wrong answers: ask your grid worker")))
    return link


def _is_the_person(link: SelfReportLink, id_tail: str) -> bool:
    given = (id_tail or "").strip().upper()
    return len(given) == 4 and secrets.compare_digest(given, link.person.id_number[-4:].upper())


def report(text: str, *, id_tail: str, temperature, symptoms: str = "", now: dt.datetime | None = None) -> Reading:
    """The person's own reading through their link; the link is spent by it, once, whoever else tries too."""
    now = now or timezone.now()
    link = open_link(text, now)
    if not _is_the_person(link, id_tail):
        SelfReportLink.objects.filter(pk=link.pk).update(wrong_answers=F("wrong_answers") + 1)
        audit.record(None, Action.SELF_REPORT, person=link.person, change="wrong answer", link=link.pk)
        raise InputRefused(("id_tail", _("does not match the person this link was made for")))
    with transaction.atomic():
        # The conditional update claims the link: of two submissions at once, one stores and one is refused.
        if not SelfReportLink.objects.filter(pk=link.pk, used_at=None).update(used_at=now):
            raise InputRefused(("token", _("this link was used just now: each link works once")))
        reading, _created = quarantine.record_reading(
            link.issued_by, link.person_id, temperature=temperature, taken_at=now, symptoms=symptoms,
            idempotency_key=f"self-report-{link.pk}")
        SelfReportLink.objects.filter(pk=link.pk).update(reading=reading)
        audit.record(None, Action.SELF_REPORT, person=link.person, change="reported", link=link.pk,
                     reading=reading.pk, issued_by=link.issued_by.username)
    return reading


@dataclass(frozen=True)
class Window:
    link: SelfReportLink
    token: str
    state: str  # reported | waiting | missed


def windows(actor, day: dt.date | None = None, now: dt.datetime | None = None) -> list[Window]:
    """The links of the actor's subtree from `day` (today) on — today's and the next window's issued early — and
    what became of each: who reported, who has not yet, who missed."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    rows = []
    for link in links_for(actor).filter(slot__day__gte=day).order_by("slot__opens_at", "person__name"):
        state = "reported" if link.used_at else ("missed" if link.slot.closes_at <= now else "waiting")
        rows.append(Window(link, token(link), state))
    return rows

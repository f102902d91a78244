"""One mechanism for every write that takes an `Idempotency-Key` (a form's hidden key, the API header, a batch
entry's key): the key is unique per actor and operation, it is looked up only after the caller's access check
(the lookup reads through the caller's scoped queryset), and a replay whose body differs is refused."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import NotFound
from fangkong.errors import InputRefused

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_LENGTH = IdempotencyKey._meta.get_field("key").max_length
REUSED_MESSAGE = _("this key was already used for a different submission: send a new key")


class KeyReused(InputRefused):
    """The key came back with a different body: answering with the first record would be a lie."""

    status = 422


def clean_key(raw: str | None) -> str | None:
    key = (raw or "").strip()
    if not key:
        return None
    if len(key) > MAX_LENGTH or not key.isprintable():
        raise InputRefused((HEADER, _("an idempotency key is at most %(n)d printable characters") % {"n": MAX_LENGTH}))
    return key


def _readable(raw: str | None) -> str | None:
    """A key as a batch looks it up; a malformed one is refused with its own entry, not with the batch."""
    try:
        return clean_key(raw)
    except InputRefused:
        return None


def fingerprint(payload) -> str:
    """A keyed hash of what was submitted: bodies carry ID numbers, which a plain hash would let anyone guess."""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


@dataclass
class Ledger:
    """The keys one actor already used for one operation, read once for a whole batch.

    `records` is the caller's scoped queryset of the operation's records: a key answers only with a record
    its sender may still see."""

    actor: Model
    operation: str
    records: QuerySet
    public: bool = False  # a submission from anyone, no account (a public report): the keys are the operation's
    seen: dict[str, tuple[str, int]] = field(default_factory=dict)
    found: dict[int, Model] = field(default_factory=dict)

    @property
    def _owner(self) -> dict:
        return {"actor__isnull": True} if self.public else {"actor": self.actor}

    @property
    def _keeps_keys(self) -> bool:
        return self.public or bool(getattr(self.actor, "pk", None))

    @classmethod
    def read(cls, actor, operation: str, records: QuerySet, keys: Iterable[str | None], *,
             public: bool = False) -> Ledger:
        ledger = cls(None if public else actor, operation, records, public)
        wanted = {key for key in map(_readable, keys) if key}
        if wanted and ledger._keeps_keys:
            rows = IdempotencyKey.objects.filter(operation=operation, key__in=wanted, **ledger._owner)
            ledger.seen = {r.key: (r.fingerprint, r.record_id) for r in rows}
            ids = {record_id for _, record_id in ledger.seen.values()}
            ledger.found = records.in_bulk(ids) if ids else {}
        return ledger

    def earlier(self, key: str | None, payload) -> Model | None:
        """The record stored under this key before, or None; a changed body is refused."""
        if not key or key not in self.seen:
            return None
        stored_fingerprint, record_id = self.seen[key]
        if stored_fingerprint != fingerprint(payload):
            raise KeyReused((HEADER, REUSED_MESSAGE))
        record = self.found.get(record_id)
        if record is None:  # deleted since, or no longer in the sender's subtree: the same answer as missing
            raise NotFound
        return record

    def remember(self, entries: Iterable[tuple[str | None, object, Model]]) -> None:
        """Write the keys of records just stored, inside the caller's transaction. A key stored a moment ago by a
        concurrent request raises IntegrityError, so the caller's transaction rolls back and it can answer with
        the record that request stored."""
        if not self._keeps_keys:
            return
        IdempotencyKey.objects.bulk_create([
            IdempotencyKey(actor=self.actor, operation=self.operation, key=key, fingerprint=fingerprint(payload),
                           record_id=record.pk)
            for key, payload, record in entries if key])


def once(actor, operation: str, records: QuerySet, key: str | None, payload, make: Callable[[], Model], *,
         public: bool = False) -> tuple[Model, bool]:
    """Run `make` (which stores and returns one record) unless this actor sent this key for this operation
    before: then answer with that record. Returns (record, created). `public`: a submission with no account,
    whose keys belong to the operation (a client draws them at random, as every client does)."""
    key = clean_key(key)
    if not key:
        return make(), True
    earlier = Ledger.read(actor, operation, records, [key], public=public).earlier(key, payload)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            record = make()
            Ledger(None if public else actor, operation, records, public).remember([(key, payload, record)])
    except IntegrityError:
        # The same key sent at the same moment by another request of this actor, which stored it first.
        earlier = Ledger.read(actor, operation, records, [key], public=public).earlier(key, payload)
        if earlier is None:
            raise
        return earlier, False
    return record, True

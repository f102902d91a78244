"""Use cases about people: register (and merge), search, view and export, each audited."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from fangkong import actors, bulk
from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.audit import services as audit
from fangkong.audit.models import Action, Reason
from fangkong.errors import Conflict, InputRefused, Problems
from fangkong.jurisdictions.models import Household, Jurisdiction, Level

from . import crypto, identity
from .models import IdType, Person, Registration, RegistrationSource, Sex
from .names import name_pinyin

NAME_RE = re.compile(r"^[\u3400-\u9fffA-Za-z·.\- ]{1,50}$")
SEARCH_LIMIT = 50


@dataclass
class PersonInput:
    """What a form, an API call or an import row says about a person, before validation."""

    id_type: str = IdType.RESIDENT_ID
    id_number: str = ""
    nationality: str = "CHN"
    name: str = ""
    phone: str = ""
    grid_code: str = ""
    household_code: str = ""
    sex: str = ""
    birth_date: dt.date | None = None


@dataclass
class CleanPerson:
    id_type: str
    id_number: str
    nationality: str
    name: str
    phone: str
    grid: Jurisdiction | None
    household: Household | None
    sex: str
    birth_date: dt.date

    @property
    def lookup_hash(self) -> str:
        return identity_hash(self.id_type, self.id_number, self.nationality)


def identity_hash(id_type: str, id_number: str, nationality: str = "CHN") -> str:
    key = id_number if id_type == IdType.RESIDENT_ID else f"{nationality}:{id_number}"
    return crypto.lookup_hash(id_type, key)


def clean_person(actor, data: PersonInput, *, placed: bool = True, places: Places | None = None) -> CleanPerson:
    """Check every field and report every problem at once, naming each field.

    `placed=False` checks identity only, for a traveller who lives outside our jurisdiction.
    `places` answers grid and household codes from one batch's lookup (an import); without it
    each call looks its own codes up.
    """
    problems = Problems()
    id_number, nationality, sex, birth_date = "", "CHN", data.sex, data.birth_date
    if data.id_type == IdType.RESIDENT_ID:
        with problems.gathered():
            id_number = identity.normalise_resident_id(data.id_number)
            birth_date, sex = identity.birth_date_and_sex(id_number)
    elif data.id_type == IdType.PASSPORT:
        with problems.gathered():
            id_number, nationality = identity.normalise_passport(data.id_number, data.nationality)
        if sex not in Sex.values:
            problems.add("sex", _("sex is M or F"))
        if birth_date is None:
            problems.add("birth_date", _("a birth date is required with a passport"))
    else:
        problems.add("id_type", _("ID type is ric (resident ID) or passport"))
    if birth_date and birth_date > timezone.localdate():
        problems.add("birth_date", _("the birth date is in the future"))
    name = (data.name or "").strip()
    if not NAME_RE.match(name):
        problems.add("name", _("a name is 1 to 50 Chinese or Latin letters"))
    phone = ""
    if data.phone:
        with problems.gathered():
            phone = identity.normalise_phone(data.phone)
    grid, household = (places or Places(actor, [data])).place(data, problems) if placed else (None, None)
    problems.refuse_if_any()
    return CleanPerson(data.id_type, id_number, nationality, name, phone, grid, household, sex, birth_date)


class Places:
    """The grids and households of one actor's subtree that a batch of inputs names, looked up once."""

    def __init__(self, actor, inputs: Iterable[PersonInput]):
        inputs = list(inputs)
        grid_codes = {(d.grid_code or "").strip() for d in inputs} - {""}
        household_codes = {(d.household_code or "").strip() for d in inputs} - {""}
        self.grids = {g.code: g for g in access.jurisdictions_for(actor).filter(code__in=grid_codes, level=Level.GRID)}
        self.households = {h.code: h for h in Household.objects.visible_to(actor).select_related("grid").filter(
            code__in=household_codes)}

    def place(self, data: PersonInput, problems: Problems) -> tuple[Jurisdiction | None, Household | None]:
        if data.household_code:
            household = self.households.get(data.household_code.strip())
            if household is None:
                problems.add("household_code", _("unknown household code %(code)s")
                                 % {"code": data.household_code})
                return None, None
            if data.grid_code and data.grid_code.strip() != household.grid.code:
                problems.add("grid_code", _("household %(h)s is in grid %(g)s") % {"h": household.code,
                                                                                       "g": household.grid.code})
            return household.grid, household
        grid = self.grids.get((data.grid_code or "").strip())
        if grid is None:
            problems.add("grid_code", _("unknown grid code %(code)s") % {"code": data.grid_code})
        return grid, None


def _new_person(clean: CleanPerson) -> Person:
    pinyin, initials = name_pinyin(clean.name)
    return Person(
        id_type=clean.id_type, nationality=clean.nationality,
        id_number_cipher=crypto.encrypt(clean.id_number), id_number_hash=clean.lookup_hash,
        phone_cipher=crypto.encrypt(clean.phone) if clean.phone else None,
        phone_hash=crypto.lookup_hash("phone", clean.phone) if clean.phone else "",
        name=clean.name, name_pinyin=pinyin, name_initials=initials, sex=clean.sex, birth_date=clean.birth_date,
        grid=clean.grid, household=clean.household, jurisdiction_path=clean.grid.path,
    )


class Registered(NamedTuple):
    """What one registration did. `own`: the person's record is the registrant's to merge onto (it lies in
    their reach), or was created by them. A record beyond their reach is neither moved nor changed nor
    shown: the registration is kept with the registrant's unit and the owning unit is asked (协查) to decide.
    `typed` is what the registrant sent, checked: the only thing a receipt shows them."""

    person: Person
    created: bool
    own: bool
    typed: CleanPerson
    repeat: bool = False  # the same (source, source_ref) was registered before: nothing written


def create_person(actor, data: PersonInput) -> Registered:
    """Add a person who must not exist yet. A second record for an ID the actor can see is refused; an ID
    recorded beyond their reach is kept as their registration for its owner to decide, as any source's is."""
    require(actor, "person.register")
    clean = clean_person(actor, data)
    known = Person.objects.filter(id_number_hash=clean.lookup_hash).first()
    if known is not None and not _within_reach(actor)(known):
        with transaction.atomic():
            [registered] = register_clean(actor, [clean], source=RegistrationSource.GRID,
                                          source_refs=[f"person-form:{uuid.uuid4().hex}"])
        return registered
    if known is not None:
        raise Conflict(("id_number", _("a person with this ID number is already registered")))
    try:
        with transaction.atomic():
            person = _new_person(clean)
            person.save()
            Registration.objects.create(person=person, source=RegistrationSource.GRID,
                                        source_ref=f"person-{person.pk}", registered_by=actor)
            audit.record_change(actor, Action.REGISTER_PERSON, person, person=person, before={},
                                after={"grid": clean.grid.code, "source": RegistrationSource.GRID})
    except IntegrityError:  # the same ID saved by a concurrent request a moment ago
        raise Conflict(("id_number", _("a person with this ID number is already registered"))) from None
    return Registered(person, created=True, own=True, typed=clean)


def register_from_source(actor, data: PersonInput, *, source: str, source_ref: str,
                         details: dict | None = None, audit_into: list | None = None) -> Registered:
    """Merge one source's registration onto the person's single record (see register_clean).

    The same (source, source_ref) from the same sender a second time returns the first result and writes
    nothing, so a phone that resubmits counts once. `audit_into`: see register_clean.
    """
    require(actor, "person.register")
    if source not in RegistrationSource.values:
        raise InputRefused(("source", _("unknown source %(s)s") % {"s": source}))
    if not (source_ref or "").strip():
        raise InputRefused(("source_ref", _("a source reference is required")))
    clean = clean_person(actor, data)
    earlier = (Registration.objects.filter(registered_by=actor, source=source, source_ref=source_ref)
               .select_related("person").first())
    if earlier:
        return Registered(earlier.person, created=False, own=_within_reach(actor)(earlier.person), typed=clean,
                          repeat=True)
    with transaction.atomic():
        [registered] = register_clean(actor, [clean], source=source, source_refs=[source_ref],
                                      details=details, audit_into=audit_into)
    return registered


def _within_reach(actor) -> Callable[[Person], bool]:
    """Whether a stored record is the actor's to merge onto: a person they may see (access.persons_for)."""
    scope = access.scope_path(actor)
    sees = scope is not None and access.may_see_persons(actor)
    return lambda person: sees and person.jurisdiction_path.startswith(scope)


def register_clean(actor, cleans: Sequence[CleanPerson], *, source: str, source_refs: Sequence[str],
                   details: dict | None = None, audit_into: list | None = None) -> list[Registered]:
    """Merge a batch of checked registrations onto their people, creating those not known yet, with
    one registration and one audit row each. Several entries of one person make one record.

    The one merge path of every source (forms, API, arrivals, checkpoints, imports): a person whose record
    lies beyond the actor's reach is never moved, changed or shown. Their registration is kept with the
    actor's unit (`details["unit"]`) and an assist request (协查) goes to the grid that holds the record,
    whose people decide. With `audit_into`, the audit rows' (person id, details) are appended there instead, for
    a caller that records the registration in its own rows (an arrival, a checkpoint entry).
    Call inside a transaction; returns a Registered per entry."""
    require(actor, "person.register")
    within_reach = _within_reach(actor)
    # Their grids come along: callers file what they register under the person's grid (one query, not one each).
    known = {p.id_number_hash: p for p in Person.objects.select_related("grid").select_for_update(of=("self",)).filter(
        id_number_hash__in={c.lookup_hash for c in cleans})}
    moves = source in {RegistrationSource.GRID, RegistrationSource.CENSUS}
    new: dict[str, Person] = {}
    changed: dict[str, set[str]] = {}
    grids_before = {lookup: person.grid_id for lookup, person in known.items()}
    for clean in cleans:
        person = known.get(clean.lookup_hash)
        if person is None:
            new.setdefault(clean.lookup_hash, _new_person(clean))
        elif within_reach(person):
            changed.setdefault(clean.lookup_hash, set()).update(_merge(person, clean, moves=moves))
    bulk.insert(list(new.values()))
    now = timezone.now()
    for fields in {frozenset(f) for f in changed.values() if f}:  # one bulk update per set of changed fields
        people = [known[lookup] for lookup, f in changed.items() if f == fields]
        for person in people:
            person.updated_at = now
        bulk.update(people, sorted(fields) + ["updated_at"])
    registered = [Registered(known[c.lookup_hash], False, within_reach(known[c.lookup_hash]), c)
                  if c.lookup_hash in known else Registered(new[c.lookup_hash], True, True, c) for c in cleans]
    unit = {"unit": actor.jurisdiction.code} if actor.jurisdiction_id else {}
    bulk.insert([Registration(person=r.person, source=source, source_ref=ref, registered_by=actor,
                              details={**(details or {}), **({} if r.own else unit)})
                 for r, ref in zip(registered, source_refs)])
    foreign = [(r, ref) for r, ref in zip(registered, source_refs) if not r.own]
    if foreign:
        registered_beyond_reach.send(sender=Registration, actor=actor, foreign=foreign, source=source, now=now)
    entries = registration_changes(cleans, [(r.person, r.created) for r in registered], changed, grids_before,
                                   source=source)
    if audit_into is None:
        audit.record_many(actor, Action.REGISTER_PERSON, entries)
    else:
        audit_into.extend(entries)
    return registered


# A registration of someone whose record lies beyond the registrant's reach (foreign: [(Registered, source_ref)]):
# the owning grid must hear of it. People knows nothing of who answers; `pathways.registration` connects the
# assist request (协查) of screening, in the same transaction.
registered_beyond_reach = Signal()


def registration_changes(cleans, people, changed: dict[str, set[str]], grids_before: dict[str, int],
                         **details) -> list[tuple[int, dict]]:
    """(person id, audit details) per registration of a batch: the grid before and after when it is new or moved,
    and "phone" when the phone changed (the number is personal data and stays out of the audit)."""
    moved = {grids_before[lookup] for lookup, fields in changed.items() if "grid" in fields}
    codes = dict(Jurisdiction.objects.filter(pk__in=moved).values_list("pk", "code")) if moved else {}
    entries = []
    for clean, (person, created) in zip(cleans, people):
        fields = changed.get(clean.lookup_hash, set())
        after = {"grid": clean.grid.code} if created or "grid" in fields else {}
        if "phone_hash" in fields:
            after["phone"] = "changed"
        before = {} if created else {"grid": codes.get(grids_before[clean.lookup_hash], after.get("grid"))}
        entries.append((person.pk, audit.changes(person, before, after, created=created, **details)))
    return entries


def _merge(person: Person, clean: CleanPerson, *, moves: bool) -> list[str]:
    """Bring the stored record up to date with a newer registration; returns the fields changed."""
    changed = []
    if clean.phone and crypto.lookup_hash("phone", clean.phone) != person.phone_hash:
        person.phone_cipher = crypto.encrypt(clean.phone)
        person.phone_hash = crypto.lookup_hash("phone", clean.phone)
        changed += ["phone_cipher", "phone_hash"]
    if moves and (clean.grid.pk != person.grid_id or (clean.household and clean.household.pk != person.household_id)):
        person.grid, person.household, person.jurisdiction_path = clean.grid, clean.household, clean.grid.path
        changed += ["grid", "household", "jurisdiction_path"]
    return changed


def search_persons(actor, query: str) -> QuerySet[Person]:
    """Find people in the actor's subtree by resident ID, passport, phone, name or pinyin.

    Returns an unsliced queryset ordered by id; pages take the first SEARCH_LIMIT, the API paginates.
    Only roles that see ID numbers may search by one: a hit would confirm a number rebuilt from its mask.
    """
    q = (query or "").strip()
    visible = access.persons_for(actor).select_related("grid", "grid__parent").order_by("id")
    if not q:
        return visible.none()
    compact = q.replace(" ", "").upper()
    if re.fullmatch(r"\d{17}[\dX]", compact):
        _may_search_by_id(actor)
        return visible.filter(id_number_hash=identity_hash(IdType.RESIDENT_ID, compact))
    digits = re.sub(r"[\s\-+]", "", q)
    if re.fullmatch(r"(86)?1[3-9]\d{9}|0\d{9,11}", digits):
        phone = digits[-11:] if digits.startswith("86") else digits
        return visible.filter(phone_hash=crypto.lookup_hash("phone", phone))
    if re.search(r"[\u3400-\u9fff]", q):
        return visible.filter(name__startswith=q)
    if re.fullmatch(r"[A-Za-z ]+", q):
        letters = q.replace(" ", "").lower()
        return visible.filter(Q(name_pinyin__startswith=letters) | Q(name_initials=letters))
    if re.fullmatch(r"[A-Za-z0-9]{5,17}", compact):
        _may_search_by_id(actor)
        return visible.filter(id_type=IdType.PASSPORT, id_number_hash__in=[
            crypto.lookup_hash(IdType.PASSPORT, f"{n}:{compact}")
            for n in Person.objects.filter(id_type=IdType.PASSPORT).values_list("nationality", flat=True).distinct()
        ])
    return visible.none()


def _may_search_by_id(actor) -> None:
    if "id_number" not in access.unmasked_fields(actor):
        raise InputRefused(("q", _("your role may not search by ID number: search by name, pinyin or phone")))


@dataclass(frozen=True)
class PersonCard:
    """A person as one viewer may see them: masked fields already masked."""

    person: Person
    id_number: str
    birth_date: dt.date | None  # None where the ID is masked: beside the mask it would give the ID back
    phone: str
    address: str
    id_masked: bool
    phone_masked: bool
    address_masked: bool


def card_for(actor, person: Person) -> PersonCard:
    clear = access.unmasked_fields(actor)
    return PersonCard(
        person=person, id_number=_shown(clear, "id_number", person.id_number),
        birth_date=person.birth_date if "birth_date" in clear else None, phone=_shown(clear, "phone", person.phone),
        address=_shown(clear, "address", person.household.address if person.household else ""),
        id_masked="id_number" not in clear, phone_masked="phone" not in clear, address_masked="address" not in clear,
    )


def receipt_for(actor, typed: CleanPerson) -> dict:
    """What a registrant sent, checked and masked for their role as a stored record would be: a receipt shows
    nothing they did not type, whoever holds the record."""
    clear = access.unmasked_fields(actor)
    return {"name": typed.name, "id_type": typed.id_type, "nationality": typed.nationality,
            "id_number": _shown(clear, "id_number", typed.id_number), "phone": _shown(clear, "phone", typed.phone),
            "grid_code": typed.grid.code if typed.grid else "",
            "household_code": typed.household.code if typed.household else None}


def _shown(clear: set[str], field: str, value):
    return value if field in clear else _MASKS[field](value)


def view_person(actor, person_id, *, reason: str = Reason.ROUTINE) -> PersonCard:
    """Open one person for `actor`: 404 outside their subtree, and an audit row when shown."""
    person = access.get_person_for(actor, person_id)
    audit.record(actor, Action.VIEW_PERSON, person=person, reason=audit.parse_reason(reason))
    return card_for(actor, person)


@dataclass(frozen=True)
class Masked:
    """A person's ID number, phone or address in an export: in clear or masked, as the viewer's role allows.
    `path` reads it off the record itself (a request's own encrypted ID) instead of off its person."""

    field: str  # id_number | birth_date | phone | address
    path: str = ""


@dataclass(frozen=True)
class Choice:
    """A stored code shown by its label in the user's language (高风险, not "high")."""

    path: str
    choices: Sequence[tuple[str, str]]


_MASKED_PATHS = {"id_number": "id_number_cipher", "birth_date": "birth_date", "phone": "phone_cipher",
                 "address": "household__address"}
_MASKS = {"id_number": identity.mask_id_number, "birth_date": identity.mask_birth_date, "phone": identity.mask_phone,
          "address": identity.mask_address}
_ENCRYPTED = {"id_number", "phone"}


class RegisterRows:
    """The rows of one register as they stood when the export began: `total` of them, read `chunk_size` records
    at a time in id order as plain values (a million rows in flat memory). Columns are (header, source): a
    values() path, a Masked person field or a Choice. `person` is the path from a record to its person ("" when
    the records are people, None when they name none): every person in a chunk is audited, in bulk, before the
    chunk's rows leave, and masked for the viewer's role."""

    def __init__(self, actor, records: QuerySet, columns: Sequence[tuple[str, str | Masked | Choice]], *,
                 person: str | None, chunk_size: int = 5000, **details):
        prefix = None if person is None else (f"{person}__" if person else "")
        clear, readers, paths = access.unmasked_fields(actor), [], ["pk"]
        zone, cipher = timezone.get_current_timezone(), crypto.FieldCipher()

        def column(path: str) -> int:
            if path not in paths:
                paths.append(path)
            return paths.index(path)

        for _header, source in columns:
            if isinstance(source, Masked):
                readers.append(_masked_reader(column(source.path or prefix + _MASKED_PATHS[source.field]), source.field,
                                              source.field in clear, cipher))
            elif isinstance(source, Choice):
                labels, index = {value: force_str(label) for value, label in source.choices}, column(source.path)
                readers.append(lambda row, i=index, labels=labels: labels.get(row[i], row[i]))
            else:
                index = column(source)
                readers.append(lambda row, i=index: _cell(row[i], zone))
        self.person_index = None if prefix is None else column(f"{prefix}id" if prefix else "pk")
        self.actor, self.readers, self.paths, self.chunk_size = actor, readers, paths, chunk_size
        # The rows stream after the request has returned: its channel and IP are kept from now.
        origin = actors.current()
        self.audit = {"action": Action.EXPORT_PERSON, "reason": Reason.REPORTING, "channel": origin.channel,
                      "ip": origin.ip, **details}
        newest = records.order_by("-pk").values_list("pk", flat=True).first()
        self.records = records.filter(pk__lte=newest or 0)
        self.total = self.records.count()

    def __iter__(self) -> Iterator[list]:
        last, person = None, self.person_index
        while True:
            page = self.records if last is None else self.records.filter(pk__gt=last)
            chunk = list(page.order_by("pk").values_list(*self.paths)[:self.chunk_size])
            if not chunk:
                return
            if person is not None:
                audit.record_person_views(self.actor, [row[person] for row in chunk if row[person]], **self.audit)
            for row in chunk:
                yield [read(row) for read in self.readers]
            last = chunk[-1][0]


def _masked_reader(index: int, field: str, in_clear: bool, cipher: crypto.FieldCipher):
    mask, encrypted = _MASKS[field], field in _ENCRYPTED

    def read(row):
        value = row[index]
        if encrypted and value:
            value = cipher.decrypt(value)
        return _cell(value, None) if in_clear else mask(value or "")

    return read


def _cell(value, zone):
    """Times as the deployment's local time to the minute, the way registers are kept; None as empty."""
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


@dataclass(frozen=True)
class Export:
    """A register as a download: its name and title, the records an actor may see, its columns, and the path
    to the person each record names (audited and masked), "" when the records are people, None for none."""

    name: str
    title: str
    records: Callable  # actor -> the actor's scoped QuerySet
    columns: Sequence[tuple[str, str | Masked | Choice]]
    person: str | None = "person"

    def header(self) -> list[str]:
        return [force_str(header) for header, _source in self.columns]

    def allowed(self, actor) -> bool:
        """Whether `actor`'s role may see the register at all: one that names people is for the roles that
        work with people; the others are told so rather than shown an empty register."""
        return self.person is None or access.may_see_persons(actor)

    def rows(self, actor, records: QuerySet | None = None, **audit_details) -> RegisterRows:
        """The register's rows for `actor`: all they may see, or `records`, a part of those."""
        records = self.records(actor) if records is None else records
        return RegisterRows(actor, records, self.columns, person=self.person, register=self.name, **audit_details)


PERSONS_EXPORT = Export("persons", _("Residents"), access.persons_for, person="", columns=[
    (_("Record"), "pk"), (_("Full name"), "name"), (_("Sex"), Choice("sex", Sex.choices)),
    (_("Birth date"), Masked("birth_date")),
    (_("ID type"), Choice("id_type", IdType.choices)), (_("ID number"), Masked("id_number")),
    (_("Phone"), Masked("phone")), (_("Grid"), "grid__code"), (_("Household"), "household__code"),
    (_("Address"), Masked("address"))])


def export_persons(actor, jurisdiction: Jurisdiction):
    """Everyone under `jurisdiction`, masked for the viewer and audited person by person."""
    return PERSONS_EXPORT.rows(actor, access.persons_for(actor).filter(jurisdiction_path__startswith=jurisdiction.path),
                               jurisdiction=jurisdiction.code)

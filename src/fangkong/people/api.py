import datetime as dt

from django.utils.translation import gettext_lazy as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from fangkong.accounts import access
from fangkong.audit import services as audit
from fangkong.audit.models import Reason
from fangkong.errors import InputRefused
from fangkong.pagination import MappedPage

from . import services
from .models import IdType, RegistrationSource

router = Router(tags=["persons"])


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date
    id_type: str
    nationality: str
    id_number: str = Field(description="masked unless the caller's role needs it in clear")
    phone: str
    address: str
    grid_code: str
    household_code: str | None
    id_masked: bool


class PersonIn(Schema):
    id_type: IdType = IdType.RESIDENT_ID
    id_number: str
    nationality: str = "CHN"
    name: str
    phone: str = ""
    grid_code: str = ""
    household_code: str = ""
    sex: str = ""
    birth_date: dt.date | None = None


class RegistrationIn(PersonIn):
    source: RegistrationSource
    source_ref: str = ""
    details: dict = {}


class RegistrationOut(Schema):
    id: int
    created: bool
    person: PersonOut | None = Field(description="null when the person's record lies outside the caller's subtree")


class PersonFilters(Schema):
    q: str = Field("", description="resident ID, passport, phone, name or pinyin")
    jurisdiction: str = Field("", description="code of a jurisdiction in the caller's subtree")
    sex: str = ""
    born_after: dt.date | None = None
    born_before: dt.date | None = None


def _out(card: services.PersonCard) -> dict:
    p = card.person
    return {
        "id": p.pk, "name": p.name, "sex": p.sex, "birth_date": p.birth_date, "id_type": p.id_type,
        "nationality": p.nationality, "id_number": card.id_number, "phone": card.phone, "address": card.address,
        "grid_code": p.grid.code, "household_code": p.household.code if p.household else None,
        "id_masked": card.id_masked,
    }


@router.get("/", response=list[PersonOut], summary="Persons in the caller's subtree (each row returned is audited)")
@paginate(PageNumberPagination, page_size=50)
def list_persons(request, filters: Query[PersonFilters]):
    user = request.auth
    persons = services.search_persons(user, filters.q) if filters.q else access.persons_for(user)
    if filters.jurisdiction:
        node = access.get_jurisdiction_for(user, filters.jurisdiction)
        persons = persons.filter(jurisdiction_path__startswith=node.path)
    if filters.sex:
        if filters.sex not in ("M", "F"):
            raise InputRefused(("sex", _("sex is M or F")))
        persons = persons.filter(sex=filters.sex)
    if filters.born_after:
        persons = persons.filter(birth_date__gte=filters.born_after)
    if filters.born_before:
        persons = persons.filter(birth_date__lte=filters.born_before)

    def audit_page(rows):
        audit.record_person_views(user, [p.pk for p in rows], surface="persons")

    return MappedPage(persons.select_related("grid", "household").order_by("id"),
                      lambda p: _out(services.card_for(user, p)), on_page=audit_page)


@router.get("/{int:person_id}", response=PersonOut, summary="One person (audited)")
def person_detail(request, person_id: int, reason: Reason = Reason.INTEGRATION):
    card = services.view_person(request.auth, person_id, reason=reason)
    return _out(card)


def person_input(payload: PersonIn) -> services.PersonInput:
    return services.PersonInput(**payload.dict(include=set(services.PersonInput.__dataclass_fields__)))


@router.post("/", response={201: PersonOut}, summary="Add a person; an ID already registered is refused (409)")
def create_person(request, payload: PersonIn):
    person = services.create_person(request.auth, person_input(payload))
    return Status(201, _out(services.card_for(request.auth, person)))


@router.post("/registrations", response={200: RegistrationOut, 201: RegistrationOut},
             summary="Register a person from a source; merges onto the existing record, counted once per reference")
def register_person(request, payload: RegistrationIn, idempotency_key: str = Header("", alias="Idempotency-Key")):
    person, created = services.register_from_source(
        request.auth, person_input(payload), source=payload.source,
        source_ref=payload.source_ref or idempotency_key, details=payload.details,
    )
    visible = access.persons_for(request.auth).filter(pk=person.pk).exists()
    return Status(201 if created else 200, {
        "id": person.pk, "created": created,
        "person": _out(services.card_for(request.auth, person)) if visible else None,
    })

import datetime as dt

from django.utils.translation import gettext_lazy as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import paginate

from fangkong.accounts import access
from fangkong.audit import services as audit
from fangkong.audit.models import Reason
from fangkong.errors import InputRefused
from fangkong.jurisdictions.models import Household, Jurisdiction
from fangkong.pagination import MappedPage, Pages
from fangkong.schema_types import Column, Day, Details, Id, Text

from . import services
from .models import IdType, Person, Registration, RegistrationSource

router = Router(tags=["persons"])


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date | None = Field(description="null unless the caller's role sees the ID number in clear")
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
    id_number: Text(40)
    nationality: Column(Person, "nationality") = "CHN"
    name: Column(Person, "name")
    phone: Text(20) = ""
    grid_code: Column(Jurisdiction, "code") = ""
    household_code: Column(Household, "code") = ""
    sex: Column(Person, "sex") = ""
    birth_date: Day | None = None


class RegistrationIn(PersonIn):
    source: RegistrationSource
    source_ref: Column(Registration, "source_ref") = ""
    details: Details = {}


class TypedPersonOut(Schema):
    """What the caller sent, checked and masked for their role: a receipt shows nothing the caller did not type."""

    name: str
    id_type: str
    nationality: str
    id_number: str
    phone: str
    grid_code: str
    household_code: str | None


class RegistrationOut(Schema):
    source: str
    source_ref: str
    created: bool = Field(description="false when this reference was registered before (nothing written)")
    person: TypedPersonOut


class PersonFilters(Schema):
    q: Text(60) = Field("", description="resident ID, passport, phone, name or pinyin")
    jurisdiction: Column(Jurisdiction, "code") = Field("", description="code of a jurisdiction in the caller's subtree")
    sex: Text(1) = ""
    born_after: Day | None = None
    born_before: Day | None = None


def _out(card: services.PersonCard) -> dict:
    p = card.person
    return {
        "id": p.pk, "name": p.name, "sex": p.sex, "birth_date": card.birth_date, "id_type": p.id_type,
        "nationality": p.nationality, "id_number": card.id_number, "phone": card.phone, "address": card.address,
        "grid_code": p.grid.code, "household_code": p.household.code if p.household else None,
        "id_masked": card.id_masked,
    }


@router.get("/", response=list[PersonOut], summary="Persons in the caller's subtree (each row returned is audited)")
@paginate(Pages, page_size=50)
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
    if (filters.born_after or filters.born_before) and "birth_date" not in access.unmasked_fields(user):
        raise InputRefused(("born_after" if filters.born_after else "born_before",
                            _("your role does not see birth dates, so it may not filter by them")))
    if filters.born_after:
        persons = persons.filter(birth_date__gte=filters.born_after)
    if filters.born_before:
        persons = persons.filter(birth_date__lte=filters.born_before)

    def audit_page(rows):
        audit.record_person_views(user, [p.pk for p in rows], surface="persons")

    return MappedPage(persons.select_related("grid", "household").order_by("id"),
                      lambda p: _out(services.card_for(user, p)), on_page=audit_page)


@router.get("/{int:person_id}", response=PersonOut, summary="One person (audited)")
def person_detail(request, person_id: Id, reason: Reason = Reason.INTEGRATION):
    card = services.view_person(request.auth, person_id, reason=reason)
    return _out(card)


def person_input(payload: PersonIn) -> services.PersonInput:
    return services.PersonInput(**payload.dict(include=set(services.PersonInput.__dataclass_fields__)))


@router.post("/", response={201: PersonOut, 202: RegistrationOut},
             summary="Add a person; an ID already registered in the caller's subtree is refused (409), one held "
                     "elsewhere is kept as the caller's registration for its owner to decide (202)")
def create_person(request, payload: PersonIn):
    registered = services.create_person(request.auth, person_input(payload))
    if not registered.own:
        return Status(202, {"source": RegistrationSource.GRID, "source_ref": "", "created": True,
                            "person": services.receipt_for(request.auth, registered.typed)})
    return Status(201, _out(services.card_for(request.auth, registered.person)))


@router.post("/registrations", response={200: RegistrationOut, 201: RegistrationOut},
             summary="Register a person from a source: merged onto the record when it lies in the caller's subtree, "
                     "else kept as the caller's for its owner to decide; the same reference counts once. The answer "
                     "shows only what was sent, whether or not the ID is known anywhere")
def register_person(request, payload: RegistrationIn, idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    source_ref = payload.source_ref or idempotency_key
    registered = services.register_from_source(request.auth, person_input(payload), source=payload.source,
                                               source_ref=source_ref, details=payload.details)
    return Status(200 if registered.repeat else 201, {
        "source": payload.source, "source_ref": source_ref, "created": not registered.repeat,
        "person": services.receipt_for(request.auth, registered.typed)})

import datetime as dt

from django.utils import timezone
from ninja import Header, Router, Schema, Status
from ninja.pagination import paginate

from fangkong.audit import services as audit
from fangkong.pagination import MappedPage, Pages
from fangkong.schema_types import Column, Day, Id, Text

from . import services
from .models import Dose

router = Router(tags=["vaccination"])


class DoseIn(Schema):
    person_id: Id
    product: Text(10)
    dose: int
    given_on: Day
    site: Column(Dose, "site")


class DoseOut(Schema):
    id: int
    person_id: int
    product: str
    dose: int
    given_on: dt.date
    site: str


class GroupOut(Schema):
    group: str
    population: int
    first: int
    full: int
    boosted: int
    first_percent: float | None
    full_percent: float | None
    boosted_percent: float | None


class PlaceCoverageOut(Schema):
    code: str
    name: str
    doses: int
    groups: list[GroupOut]


class GapOut(Schema):
    target: str
    gap: int


class GridGapOut(Schema):
    code: str
    name: str
    gaps: list[GapOut]


class CoverageOut(Schema):
    as_of: dt.date
    total: PlaceCoverageOut
    children: list[PlaceCoverageOut]


class UnvaccinatedOut(Schema):
    person_id: int
    name: str
    age: int
    grid: str
    household: str | None


def _dose(d: Dose) -> dict:
    return {"id": d.pk, "person_id": d.person_id, "product": d.product, "dose": d.dose, "given_on": d.given_on,
            "site": d.site}


@router.post("/doses", response={201: DoseOut},
             summary="Record a vaccine dose; send an Idempotency-Key so a resubmission counts once")
def record_dose(request, payload: DoseIn, idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    dose = services.record_dose(request.auth, payload.person_id, services.DoseInput(
        product=payload.product, dose=payload.dose, given_on=payload.given_on, site=payload.site),
        idempotency_key=idempotency_key or None)
    return Status(201, _dose(dose))


@router.get("/doses", response=list[DoseOut], summary="The doses recorded in the caller's subtree")
@paginate(Pages, page_size=50)
def list_doses(request):
    return MappedPage(services.doses_for(request.auth).order_by("-given_on", "-id"), _dose,
                      on_page=lambda rows: audit.seen(request.auth, rows, surface="doses"))


@router.get("/jurisdictions/{code}/coverage", response=CoverageOut,
            summary="Vaccination coverage of a place and each of its children, overall, 60+ and 80+; gaps per grid")
def coverage(request, code: Text(20)):
    total, children = services.coverage(request.auth, code)
    return {"as_of": services.as_of(), "total": total.as_dict(), "children": [c.as_dict() for c in children]}


@router.get("/jurisdictions/{code}/coverage/grid-gaps", response=list[GridGapOut],
            summary="The grids under a place with their gap to each coverage target, the widest first, paged")
@paginate(Pages, page_size=50)
def grid_gaps(request, code: Text(20)):
    goals = services.targets()
    rows = services.grid_gaps(request.auth, code)

    def as_dict(row) -> dict:
        grid = rows.to_dict(row)
        return {"code": grid.code, "name": grid.name,
                "gaps": [{"target": t.label, "gap": n} for t, n in zip(goals, grid.gaps)]}
    return MappedPage(rows.queryset, as_dict)


@router.get("/jurisdictions/{code}/unvaccinated-80", response=list[UnvaccinatedOut],
            summary="The people 80 and over with no dose, for the grid workers' visits")
@paginate(Pages, page_size=100)
def unvaccinated(request, code: Text(20)):
    today = timezone.localdate()
    return MappedPage(services.unvaccinated_80(request.auth, code), lambda p: {
        "person_id": p.pk, "name": p.name, "age": services.age_on(p.birth_date, today), "grid": p.grid.code,
        "household": p.household.code if p.household else None},
        on_page=lambda rows: audit.record_person_views(request.auth, [p.pk for p in rows], surface="unvaccinated-80"))

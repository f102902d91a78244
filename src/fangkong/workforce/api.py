import datetime as dt

from ninja import Router, Schema, Status

from fangkong.schema_types import Column, Count, Day, Flag, Id, Text

from . import services
from .models import Post, ShiftType, Staff

router = Router(tags=["workforce"])


class ReadinessOut(Schema):
    post_kind: str
    echelon_1: int
    echelon_2: int
    echelon_3: int


@router.get("/workforce/readiness", response=list[ReadinessOut],
            summary="How many trained staff of each echelon could be called up today, per kind of post")
def readiness(request):
    return [{"post_kind": kind, "echelon_1": levels[1], "echelon_2": levels[2], "echelon_3": levels[3]}
            for kind, levels in services.readiness(request.auth).items()]


class StaffIn(Schema):
    name: Column(Staff, "name")
    kind: Text(8)
    employer: Column(Staff, "employer")
    jurisdiction_code: Text(15)
    profession: Column(Staff, "profession") = ""
    qualifications: Column(Staff, "qualifications") = ""


class StaffOut(Schema):
    id: int
    name: str
    kind: str
    employer: str


@router.post("/workforce/staff", response={201: StaffOut}, summary="Add a member of staff or a cadre")
def add_staff(request, payload: StaffIn):
    staff = services.add_staff(request.auth, services.StaffInput(**payload.dict()))
    return Status(201, {"id": staff.pk, "name": staff.name, "kind": staff.kind, "employer": staff.employer})


class DeploymentIn(Schema):
    staff_id: Id
    post_id: Id
    starts_on: Day
    ends_on: Day
    sent_down: Flag = False


class DeploymentOut(Schema):
    id: int
    staff_id: int
    post_id: int
    starts_on: dt.date
    ends_on: dt.date
    sent_down: bool


@router.post("/workforce/deployments", response={201: DeploymentOut},
             summary="Deploy a person to a post; refused, naming the rule, when it breaks a rotation rule")
def deploy(request, payload: DeploymentIn):
    d = services.deploy(request.auth, payload.staff_id, payload.post_id, starts_on=payload.starts_on,
                        ends_on=payload.ends_on, sent_down=payload.sent_down)
    return Status(201, {"id": d.pk, "staff_id": d.staff_id, "post_id": d.post_id, "starts_on": d.starts_on,
                        "ends_on": d.ends_on, "sent_down": d.sent_down})


class AssignmentOut(Schema):
    staff_id: int
    day: dt.date
    shift: str


class RosteredOut(Schema):
    id: int
    name: str
    person_id: int | None


class RosterOut(Schema):
    id: int
    post_id: int
    starts_on: dt.date
    days: int
    status: str
    penalty: int | None
    bound: int | None
    progress: list[list[float]]
    explanation: dict
    staff: list[RosteredOut]
    assignments: list[AssignmentOut]


def _roster(actor, roster_id: int) -> dict:
    roster, days, rows = services.grid(actor, roster_id)
    return {"id": roster.pk, "post_id": roster.post_id, "starts_on": roster.starts_on, "days": roster.days,
            "status": roster.status, "penalty": roster.penalty, "bound": roster.bound, "progress": roster.progress,
            "explanation": roster.explanation,
            "staff": [{"id": r.staff.pk, "name": r.staff.name, "person_id": r.staff.person_id} for r in rows],
            "assignments": [{"staff_id": r.staff.pk, "day": day, "shift": s.code} for r in rows
                            for day, s in zip(days, r.cells) if s]}


@router.get("/rosters/{int:roster_id}", response=RosterOut, summary="A roster: its assignments, penalty and bound")
def roster(request, roster_id: Id):
    return _roster(request.auth, roster_id)


class PostIn(Schema):
    name: Column(Post, "name")
    kind: Text(14)
    jurisdiction_code: Text(15)


class PostOut(Schema):
    id: int
    name: str
    kind: str


@router.post("/workforce/posts", response={201: PostOut}, summary="Add a post staff are deployed to and rostered at")
def add_post(request, payload: PostIn):
    post = services.add_post(request.auth, name=payload.name, kind=payload.kind,
                             jurisdiction_code=payload.jurisdiction_code)
    return Status(201, {"id": post.pk, "name": post.name, "kind": post.kind})


class ShiftTypeIn(Schema):
    code: Text(4)
    name: Column(ShiftType, "name") = ""
    starts_at: dt.time
    minutes: Count
    minimum: Count = 0
    preferred: Count = 0


class ShiftTypeOut(Schema):
    id: int
    code: str
    minutes: int


@router.post("/workforce/posts/{int:post_id}/shifts", response={201: ShiftTypeOut},
             summary="Add a shift to a post; refused when longer than its kind allows in protective equipment")
def add_shift_type(request, post_id: Id, payload: ShiftTypeIn):
    shift = services.add_shift_type(request.auth, post_id, code=payload.code, name=payload.name,
                                    starts_at=payload.starts_at, minutes=payload.minutes, minimum=payload.minimum,
                                    preferred=payload.preferred)
    return Status(201, {"id": shift.pk, "code": shift.code, "minutes": shift.minutes})


class RosterStateOut(Schema):
    id: int
    status: str
    penalty: int | None
    bound: int | None


def _state(roster) -> dict:
    return {"id": roster.pk, "status": roster.status, "penalty": roster.penalty, "bound": roster.bound}


class ShiftIn(Schema):
    staff_id: Id
    day: Day
    shift: Text(4) = ""  # empty: the day off


@router.post("/rosters/{int:roster_id}/shifts", response=RosterStateOut,
             summary="Hand edit: a person's shift on a day (empty: off); refused naming the rule it would break")
def set_shift(request, roster_id: Id, payload: ShiftIn):
    return _state(services.set_shift(request.auth, roster_id, payload.staff_id, day=payload.day,
                                     shift_code=payload.shift))


class SolveIn(Schema):
    seconds: Count | None = None


@router.post("/rosters/{int:roster_id}/solve", response=RosterStateOut,
             summary="Queue the roster for the solver (`fangkong sweep_rosters` solves it, progress on the roster)")
def solve(request, roster_id: Id, payload: SolveIn):
    return _state(services.queue_solve(request.auth, roster_id, seconds=payload.seconds))


class RosterIn(Schema):
    post_id: Id
    starts_on: Day
    days: Count = 28
    seconds: Count = 60


@router.post("/rosters", response={201: RosterStateOut}, summary="Open a roster of a post for a horizon of days")
def create_roster(request, payload: RosterIn):
    roster = services.create_roster(request.auth, payload.post_id, starts_on=payload.starts_on, days=payload.days,
                                    seconds=payload.seconds)
    return Status(201, _state(roster))

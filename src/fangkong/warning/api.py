import datetime as dt

from ninja import Field, Router, Schema, Status

from fangkong.accounts import access
from fangkong.schema_types import Column, Count, Id, Number, Text

from . import services
from .models import Action, Level, Rule, SignalKind

router = Router(tags=["warning"])


class RuleIn(Schema):
    name: Column(Rule, "name")
    signal: Text(40)  # checked by the service, so an unknown signal gets a message that lists the known ones
    threshold: Number
    level: Count
    tier: Text(20) = "county"


class RuleOut(Schema):
    id: int
    name: str
    signal: SignalKind
    threshold: float
    level: int
    tier: str
    active: bool


class TaskOut(Schema):
    id: int
    playbook_id: int
    action: Action
    owner: str
    due_at: dt.datetime
    done_at: dt.datetime | None
    note: str


class DoneIn(Schema):
    note: Text(200) = ""


class LevelBelowOut(Schema):
    level: Level
    codes: list[str]


class SituationOut(Schema):
    code: str
    level: Level
    below: LevelBelowOut | None = Field(None, description="the most severe level in force below, when more severe")
    open_tasks: int
    overdue_tasks: int


def _task(task) -> dict:
    return {"id": task.pk, "playbook_id": task.playbook_id, "action": task.action, "owner": task.owner.code,
            "due_at": task.due_at, "done_at": task.done_at, "note": task.note}


@router.get("/warning/rules", response=list[RuleOut])
def list_rules(request):
    return list(Rule.objects.order_by("level", "id"))


@router.post("/warning/rules", response={201: RuleOut})
def add_rule(request, payload: RuleIn):
    return Status(201, services.add_rule(request.auth, name=payload.name, signal=payload.signal,
                                         threshold=payload.threshold, level=payload.level,
                                         tier=payload.tier))


@router.get("/warning/tasks", response=list[TaskOut])
def list_tasks(request, open_only: bool = True):
    tasks = services.tasks_for(request.auth)
    return [_task(t) for t in (tasks.filter(done_at=None) if open_only else tasks)[:500]]


@router.post("/warning/tasks/{int:task_id}/done", response=TaskOut)
def complete_task(request, task_id: Id, payload: DoneIn):
    return _task(services.complete_task(request.auth, task_id, note=payload.note))


@router.get("/jurisdictions/{code}/warning", response=SituationOut)
def situation(request, code: str):
    node = access.get_jurisdiction_for(request.auth, code)
    result = services.situation(node)
    below = result["below"] and {"level": result["below"].level, "codes": [p.code for p in result["below"].places]}
    return {"code": node.code, **result, "below": below}

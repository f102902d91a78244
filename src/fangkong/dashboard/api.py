import datetime as dt

from ninja import Field, Router, Schema

from fangkong.accounts import access
from fangkong.schema_types import Day, Text

from . import services

router = Router(tags=["dashboard"])


class FiguresOut(Schema):
    code: str
    name: str
    figures: dict[str, int]


class SummaryOut(Schema):
    code: str
    name: str
    date: dt.date
    figures: dict[str, int]
    direct: dict[str, int]
    children: list[FiguresOut]
    withheld: list[str] = Field(description="figures the caller's role may not see, left out above (not zeros)")


@router.get("/{code}/summary", response=SummaryOut,
            summary="Today's figures over the subtree; each equals the sum of the children's plus `direct`")
def jurisdiction_summary(request, code: Text(24), date: Day | None = None):
    node = access.get_jurisdiction_for(request.auth, code)
    result = services.summary(node, today=date)
    shown = [f for f in services.FIGURES if services.may_see_figure(request.auth, f)]

    def visible(figures: dict[str, int]) -> dict[str, int]:
        return {f: figures[f] for f in shown}

    return {
        "code": node.code, "name": node.name, "date": result.today, "figures": visible(result.totals),
        "direct": visible(result.direct),
        "children": [{"code": c.code, "name": c.name, "figures": visible(f)} for c, f in result.children],
        "withheld": [f for f in services.FIGURES if f not in shown],
    }

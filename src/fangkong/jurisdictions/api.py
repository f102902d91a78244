from ninja import Router, Schema

from fangkong.accounts import access

from . import services

router = Router(tags=["jurisdictions"])


class ChildOut(Schema):
    code: str
    name: str
    level: str
    persons: int
    households: int
    grids: int


class JurisdictionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    path: list[str]
    persons: int
    households: int
    grids: int
    children: list[ChildOut]


def _detail(node) -> dict:
    children = services.child_figures(node)
    return {
        "code": node.code, "name": node.name, "level": node.level,
        "parent_code": node.parent.code if node.parent_id else None,
        "path": node.ancestor_codes + [node.code],
        "persons": sum(c.persons for c in children) if children else node.persons.count(),
        "households": sum(c.households for c in children) if children else node.households.count(),
        "grids": sum(c.grids for c in children) if children else 1,
        "children": [
            {"code": c.node.code, "name": c.node.name, "level": c.node.level, "persons": c.persons,
             "households": c.households, "grids": c.grids}
            for c in children
        ],
    }


@router.get("/", response=JurisdictionOut, summary="The caller's own jurisdiction, with its children")
def own_jurisdiction(request):
    return _detail(access.root_for(request.auth))


@router.get("/{code}", response=JurisdictionOut, summary="One jurisdiction in the caller's subtree")
def jurisdiction_detail(request, code: str):
    return _detail(access.get_jurisdiction_for(request.auth, code))

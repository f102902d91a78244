from typing import Literal

from ninja import Router

from .registers import EXPORTS
from .views import register_download

router = Router(tags=["exports"])


@router.get("/exports", summary="The registers that can be downloaded")
def list_exports(request) -> list[dict]:
    return [{"name": e.name, "title": str(e.title), "allowed": e.allowed(request.auth)} for e in EXPORTS.values()]


@router.get("/exports/{name}", summary="A whole register as a streamed download (format=xlsx or csv), scoped to "
                                       "the caller's jurisdiction, masked for their role, every person audited")
def export(request, name: str, format: Literal["xlsx", "csv"] = "xlsx"):
    return register_download(request, name, format)

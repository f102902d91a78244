"""The /api/v1/ application: one NinjaAPI, a router per domain, errors as {field, message} JSON.

Every refusal is `{"errors": [{"field", "message"}]}` with the message in the user's language: a
service's InputRefused (400, 409 for a clash), a schema's (422, worded by schema_types), an id out of
reach (404), no token (401). The OpenAPI document says so on every operation (`ERROR_RESPONSES`).
"""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from fangkong import schema_types
from fangkong.accounts.services import user_for_token
from fangkong.errors import InputRefused


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


ERROR_RESPONSES = {
    400: "Refused: each problem names its field, in the user's language",
    401: "No valid Bearer token",
    403: "The caller's role may not do this",
    404: "Not found, or not in the caller's subtree (the same answer)",
    409: "Clashes with what is stored",
    422: "The request does not fit the schema: each problem names its field",
}


class FangkongAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The document, with the shared error schema on every operation (an operation's own answer wins)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"]["schemas"]["Errors"] = schema_types.Errors.model_json_schema(
            ref_template="#/components/schemas/{model}")
        schema["components"]["schemas"]["Problem"] = schema["components"]["schemas"]["Errors"].pop("$defs")["Problem"]
        errors = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, description in ERROR_RESPONSES.items():
                    if status == 401 and not operation.get("security"):
                        continue
                    operation["responses"].setdefault(status, {"description": description, **errors})
        return schema


api = FangkongAPI(
    title="fangkong API",
    version="1",
    description="防控 fangkong: jurisdictions, people and the loops of an outbreak command centre.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api-v1",
)


def _errors(request, status: int, problems: list[dict]):
    return api.create_response(request, {"errors": problems}, status=status)


@api.exception_handler(InputRefused)
def input_refused(request, exc: InputRefused):
    return _errors(request, exc.status, exc.as_dicts())


@api.exception_handler(ValidationError)
def schema_refused(request, exc: ValidationError):
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        if len(location) > 1 and location[0] in ("body", "query", "path", "header", "form", "file", "cookie"):
            location = location[1:]  # where it came from: the field is what follows
        if len(location) > 1 and location[0] == "payload":
            location = location[1:]  # ninja's name for the body schema
        problems.append({"field": ".".join(location) or "request", "message": schema_types.message(error)})
    return _errors(request, 422, problems)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """ninja's own refusals: the same shape as every other. Its 400 is a body it cannot parse."""
    message = schema_types.message({"type": "json_invalid"}) if exc.status_code == 400 else str(exc)
    return _errors(request, exc.status_code, [{"field": "request", "message": message}])


@api.exception_handler(Http404)
def not_found(request, exc):
    return _errors(request, 404, [{"field": "id", "message": _("not found")}])


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _errors(request, 401, [{"field": "Authorization", "message": _("a valid Bearer token is required")}])


def not_found_outside_routes(request, exception=None):
    """Django's 404 for a URL that no route matches (an id that is not a number): JSON like the API's own under
    /api/, the site's page elsewhere. Installed as urls.handler404."""
    if request.path.startswith("/api/"):
        return JsonResponse({"errors": [{"field": "path", "message": _("not found")}]}, status=404)
    return page_not_found(request, exception)


from fangkong.cases.api import router as cases_router  # noqa: E402
from fangkong.checkpoints.api import router as checkpoints_router  # noqa: E402
from fangkong.dashboard.api import router as dashboard_router  # noqa: E402
from fangkong.goods.api import router as goods_router  # noqa: E402
from fangkong.imports.api import router as imports_router  # noqa: E402
from fangkong.inspections.api import router as inspections_router  # noqa: E402
from fangkong.jurisdictions.api import router as jurisdictions_router  # noqa: E402
from fangkong.passes.api import router as passes_router  # noqa: E402
from fangkong.people.api import router as people_router  # noqa: E402
from fangkong.quarantine.api import router as quarantine_router  # noqa: E402
from fangkong.reporting.api import router as reporting_router  # noqa: E402
from fangkong.screening.api import router as screening_router  # noqa: E402
from fangkong.supplies.api import router as supplies_router  # noqa: E402
from fangkong.tasks.api import router as tasks_router  # noqa: E402
from fangkong.testing.api import router as testing_router  # noqa: E402
from fangkong.vaccination.api import router as vaccination_router  # noqa: E402
from fangkong.warning.api import router as warning_router  # noqa: E402
from fangkong.web.api import router as exports_router  # noqa: E402
from fangkong.workforce.api import router as workforce_router  # noqa: E402

api.add_router("/jurisdictions", jurisdictions_router)
api.add_router("/jurisdictions", dashboard_router)
api.add_router("/", cases_router)
api.add_router("/", quarantine_router)
api.add_router("/persons", people_router)
api.add_router("/", warning_router)
api.add_router("/", screening_router)
api.add_router("/", reporting_router)
api.add_router("/", checkpoints_router)
api.add_router("/", imports_router)
api.add_router("/", exports_router)
api.add_router("/", testing_router)
api.add_router("/", inspections_router)
api.add_router("/", tasks_router)
api.add_router("/", passes_router)
api.add_router("/", vaccination_router)
api.add_router("/", goods_router)
api.add_router("/", supplies_router)
api.add_router("/", workforce_router)

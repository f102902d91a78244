"""The one error type services raise for refused input.

A service that refuses input raises `InputRefused` with one or more (field, message) pairs. The API
turns it into a 400/409 JSON body, a view into form errors, the CLI into a line on stderr; the
message is a lazy translation, so each caller shows it in its user's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.encoding import force_str


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": force_str(self.message)}


class InputRefused(Exception):
    """Input that a service refuses; nothing has been written."""

    status = 400

    def __init__(self, *problems: FieldProblem | tuple[str, str]):
        self.problems = [p if isinstance(p, FieldProblem) else FieldProblem(*p) for p in problems]
        super().__init__("; ".join(f"{p.field}: {force_str(p.message)}" for p in self.problems))

    def as_dicts(self) -> list[dict[str, str]]:
        return [p.as_dict() for p in self.problems]


class Conflict(InputRefused):
    """Input that clashes with what is stored, e.g. a person registered twice."""

    status = 409

"""The one error type services raise for refused input, and the collector that gathers every problem of an entry.

A service that refuses input raises `InputRefused` with one or more (field, message) pairs. The API
turns it into a 400/409 JSON body, a view into form errors at each field, the CLI into a line on stderr;
the message is a lazy translation, so each caller shows it in its user's language.

A service checks every field of an entry before it refuses, so the person typing learns every problem at
once: it adds them to a `Problems` and calls `refuse_if_any()` once, or gathers the problems of a helper
that refuses on its own with `with problems.gathered(): ...`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.encoding import force_str
from django.utils.translation import gettext as _

from fangkong import fields


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": force_str(self.message)}

    @property
    def text(self) -> str:
        return self.text_on(None)

    def text_on(self, form: str | None, label=None) -> str:
        """The problem for a person to read: the field's name (as the form `form` calls it, or `label` when the page
        names it) in their language, then what is wrong with it."""
        return _("%(field)s: %(problem)s") % {"field": label or fields.label(self.field, form), "problem": self.message}


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


class Problems:
    """Every problem found in one entry, refused together once all its fields are checked."""

    def __init__(self):
        self.found: list[FieldProblem] = []

    def add(self, field: str, message) -> None:
        self.found.append(FieldProblem(field, message))

    def extend(self, refused: InputRefused) -> None:
        self.found.extend(refused.problems)

    @contextmanager
    def gathered(self) -> Iterator[None]:
        """Run a check that refuses on its own and keep its problems with the others instead of stopping."""
        try:
            yield
        except InputRefused as refused:
            self.extend(refused)

    def __bool__(self) -> bool:
        return bool(self.found)

    def __iter__(self):
        return iter(self.found)

    def refuse_if_any(self) -> None:
        if self.found:
            raise InputRefused(*self.found)

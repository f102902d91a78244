"""Every register a user can download, as Excel or CSV: each domain describes its own (an `Export` in its
services); this is the list the pages and the API offer. `register_page` guards the page that lists one."""

from functools import wraps

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from fangkong.cases.services import CASES_EXPORT, LEDGER_EXPORT
from fangkong.checkpoints.services import ENTRIES_EXPORT, HANDOVERS_EXPORT
from fangkong.errors import InputRefused
from fangkong.goods.services import BATCHES_EXPORT, WORKERS_EXPORT
from fangkong.inspections.services import RECTIFICATIONS_EXPORT, SETTINGS_EXPORT
from fangkong.passes.services import PASSES_EXPORT
from fangkong.people.services import PERSONS_EXPORT
from fangkong.quarantine.services import ALERTS_EXPORT, ORDERS_EXPORT
from fangkong.reporting.services import REPORTS_EXPORT
from fangkong.screening.services import ARRIVALS_EXPORT, ASSIST_EXPORT, RISK_AREAS_EXPORT
from fangkong.supplies.services import EXPORTS as SUPPLIES_EXPORTS
from fangkong.tasks.services import PUBLIC_REPORTS_EXPORT, TASKS_EXPORT
from fangkong.testing.campaigns import MISSED_EXPORT
from fangkong.vaccination.services import DOSES_EXPORT

# One per line, so a new register is one added line.
EXPORTS = {e.name: e for e in (
    PERSONS_EXPORT,
    ARRIVALS_EXPORT,
    ASSIST_EXPORT,
    ENTRIES_EXPORT,
    HANDOVERS_EXPORT,
    REPORTS_EXPORT,
    LEDGER_EXPORT,
    CASES_EXPORT,
    ORDERS_EXPORT,
    ALERTS_EXPORT,
    RISK_AREAS_EXPORT,
    MISSED_EXPORT,
    PUBLIC_REPORTS_EXPORT,
    TASKS_EXPORT,
    SETTINGS_EXPORT,
    RECTIFICATIONS_EXPORT,
    PASSES_EXPORT,
    DOSES_EXPORT,
    BATCHES_EXPORT,
    WORKERS_EXPORT,
    *SUPPLIES_EXPORTS,
)}


class Withheld(InputRefused):
    """A register the caller's role may not see, refused as such (403) rather than served empty."""

    status = 403


def withheld_message(export) -> str:
    return _("Your role may not see %(register)s.") % {"register": export.title}


def withheld(request, export):
    """The page a role that may not see a register gets instead of an empty one: it says so (403)."""
    return render(request, "withheld.html", {"export": export, "message": withheld_message(export)},
                  status=403)


def register_page(export):
    """A page listing `export`'s records: a role that may not see them is told so, not shown an empty list."""
    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not export.allowed(request.user):
                return withheld(request, export)
            return view(request, *args, **kwargs)
        return guarded
    return decorate

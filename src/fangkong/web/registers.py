"""Every register a user can download, as Excel or CSV: each domain describes its own (an `Export` in its
services); this is the list the pages and the API offer."""

from fangkong.cases.services import CASES_EXPORT, LEDGER_EXPORT
from fangkong.checkpoints.services import ENTRIES_EXPORT, HANDOVERS_EXPORT
from fangkong.people.services import PERSONS_EXPORT
from fangkong.quarantine.services import ALERTS_EXPORT, ORDERS_EXPORT
from fangkong.reporting.services import REPORTS_EXPORT
from fangkong.screening.services import ARRIVALS_EXPORT, ASSIST_EXPORT, RISK_AREAS_EXPORT

EXPORTS = {e.name: e for e in (PERSONS_EXPORT, ARRIVALS_EXPORT, ASSIST_EXPORT, ENTRIES_EXPORT, HANDOVERS_EXPORT,
                               REPORTS_EXPORT, LEDGER_EXPORT, CASES_EXPORT, ORDERS_EXPORT, ALERTS_EXPORT,
                               RISK_AREAS_EXPORT)}

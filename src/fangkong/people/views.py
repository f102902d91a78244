
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from fangkong.accounts import access
from fangkong.accounts.permissions import may
from fangkong.audit import services as audit
from fangkong.audit.models import Reason
from fangkong.cases.models import Severity
from fangkong.errors import InputRefused
from fangkong.pathways import story
from fangkong.quarantine.models import Reason as OrderReason
from fangkong.web.exports import register_response
from fangkong.web.forms import YES_NO, form_key

from . import services

# the reasons a grid worker places a person under home observation from the person page
ORDER_REASONS = [(r.value, r.label) for r in (OrderReason.CLOSE_CONTACT, OrderReason.RISK_AREA, OrderReason.SUSPECTED,
                                              OrderReason.OTHER)]


@login_required
def search(request):
    query = request.GET.get("q", "").strip()
    try:
        persons = list(services.search_persons(request.user, query)[: services.SEARCH_LIMIT + 1]) if query else []
        refused = ""
    except InputRefused as refusal:
        persons, refused = [], "; ".join(str(p.message) for p in refusal.problems)
    more = len(persons) > services.SEARCH_LIMIT
    persons = persons[: services.SEARCH_LIMIT]
    cards = [services.card_for(request.user, p) for p in persons]
    audit.record_person_views(request.user, [p.pk for p in persons], reason=Reason.SEARCH, surface="search")
    return render(request, "people/search.html", {"query": query, "cards": cards, "more": more, "refused": refused,
                                                  "may_see_persons": access.may_see_persons(request.user)})


@login_required
def detail(request, person_id):
    reason = request.GET.get("reason", Reason.ROUTINE)
    card = services.view_person(request.user, person_id, reason=reason)
    person = card.person
    return render(request, "people/detail.html", {
        "card": card, "person": person, "reasons": Reason.choices, "reason": reason,
        "registrations": person.registrations.all()[:20],
        "age": _age(card.birth_date) if card.birth_date else None,
        "order": person.quarantine_orders.filter(status="active").first(),
        "case": person.cases.filter(closed_at=None).first(),
        "key": form_key(), "order_reasons": ORDER_REASONS, "story": story.story(request.user, person),
        "severities": Severity.choices, "yes_no": YES_NO,
        **{f"may_{write.replace('.', '_')}": may(request.user, write) for write in PERSON_PAGE_WRITES},
    })


# The writes the person page offers a form for: a role that may not do one does not see its form.
PERSON_PAGE_WRITES = ("reading.record", "order.place", "case.open", "symptoms.report")


def _age(birth_date):
    today = timezone.localdate()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


@login_required
def export(request, code, fmt):
    node = access.get_jurisdiction_for(request.user, code)
    rows = services.export_persons(request.user, node)
    return register_response(fmt, f"persons-{node.code}", services.PERSONS_EXPORT.header(), rows,
                             sheet=str(services.PERSONS_EXPORT.title))

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import access
from fangkong.accounts.permissions import may
from fangkong.accounts.scoping import may_see_persons
from fangkong.audit import services as audit
from fangkong.people.services import view_person
from fangkong.web.forms import form_key, submit
from fangkong.web.registers import withheld

from . import services
from .models import DoseNumber, Product


@login_required
def coverage(request, code=None):
    """A place's coverage overall, 60+ and 80+, its children's, and the grids furthest from the targets."""
    node = access.get_jurisdiction_for(request.user, code) if code else access.root_for(request.user)
    total, children = services.coverage(request.user, node.code)
    goals = services.targets()
    page = Paginator(services.grid_gaps(request.user, node.code), 50).get_page(request.GET.get("page")) \
        if goals else None
    return render(request, "vaccination/coverage.html", {
        "node": node, "total": total, "children": children, "groups": list(services.GROUPS),
        "as_of": services.as_of(), "targets": goals, "page": page,
        "measures": services.MEASURE_LABELS, "may_see_persons": may_see_persons(request.user)})


@login_required
def unvaccinated(request, code):
    """The people 80 and over with no dose, household by household: the grid worker's round of visits. The place is
    looked up first, so one out of reach is missing for every role, and a role that sees no persons is told so."""
    node = access.get_jurisdiction_for(request.user, code)
    if not services.DOSES_EXPORT.allowed(request.user):
        return withheld(request, services.DOSES_EXPORT)
    people = list(services.unvaccinated_80(request.user, node.code)[:500])
    audit.record_person_views(request.user, [p.pk for p in people], surface="unvaccinated-80")
    today = timezone.localdate()
    return render(request, "vaccination/unvaccinated.html", {
        "node": node, "people": [(p, services.age_on(p.birth_date, today)) for p in people]})


@login_required
def doses(request, person_id):
    card = view_person(request.user, person_id)
    return render(request, "vaccination/doses.html", {
        "card": card, "person": card.person, "doses": card.person.doses.all(), "key": form_key(),
        "products": Product.choices, "numbers": DoseNumber.choices, "today": timezone.localdate().isoformat(),
        "may_record": may(request.user, "dose.record")})


def _day(text):
    try:
        return parse_date(text or "")
    except ValueError:
        return None


@login_required
@require_POST
def record_dose(request, person_id):
    post = request.POST
    return submit(request, lambda: services.record_dose(request.user, person_id, services.DoseInput(
        product=post.get("product", ""), dose=post.get("dose", ""), given_on=_day(post.get("given_on")),
        site=post.get("site", "")), idempotency_key=post.get("key") or None), _("Dose recorded"), "doses", person_id)

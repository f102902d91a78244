"""Every (action, state) pair of the case transition table, applied through the service."""

import itertools

import pytest
from django.utils import translation

from fangkong.audit.models import Action, AuditEvent
from fangkong.cases import services
from fangkong.cases.models import Case, CaseEvent, Classification, Placement
from fangkong.errors import InputRefused

# The loop as the reports draw it, written out independently of the implementation's table:
# action -> (classifications it starts from, placements it starts from).
S, C, A, X = "suspected", "confirmed", "asymptomatic", "excluded"
HOME, TRANSFER, ADMITTED, DISCHARGED, POST, RELEASED, DEAD = (
    "at_home", "in_transfer", "admitted", "discharged", "post_discharge", "released", "deceased")
EXPECTED = {
    "confirm": ({S, A}, {HOME, TRANSFER, ADMITTED, DISCHARGED}),
    "asymptomatic": ({S}, {HOME, TRANSFER, ADMITTED}),
    "exclude": ({S}, {HOME, TRANSFER, ADMITTED}),
    "transfer": ({S, C, A}, {HOME}),
    "admit": ({S, C, A}, {HOME, TRANSFER}),
    "discharge": ({S, C, A, X}, {ADMITTED}),
    "observe": ({C, A}, {DISCHARGED}),
    "release": ({C, A}, {POST}),
    "release_excluded": ({X}, {HOME, TRANSFER, DISCHARGED}),
    "die": ({S, C, A}, {HOME, TRANSFER, ADMITTED}),
}
PAIRS = [(action, cls, place) for action in EXPECTED
         for cls, place in itertools.product(Classification.values, Placement.values)]


@pytest.fixture
def open_case(person, epidemiologist):
    return services.open_case(epidemiologist, person.pk)


@pytest.mark.parametrize("action, classification, placement", PAIRS)
def test_each_action_is_allowed_exactly_where_the_loop_allows_it(open_case, epidemiologist, action, classification,
                                                                 placement):
    Case.objects.filter(pk=open_case.pk).update(classification=classification, placement=placement)
    classes, places = EXPECTED[action]
    events_before = CaseEvent.objects.count()
    if classification in classes and placement in places:
        case = services.transition(epidemiologist, open_case.pk, action, hospital="金银潭医院")
        assert CaseEvent.objects.count() == events_before + 1
        event = CaseEvent.objects.last()
        assert (event.action, event.from_classification, event.from_placement) == (action, classification, placement)
        assert (event.to_classification, event.to_placement) == (case.classification, case.placement)
    else:
        with translation.override("en"), pytest.raises(InputRefused) as caught:
            services.transition(epidemiologist, open_case.pk, action, hospital="金银潭医院")
        assert caught.value.problems[0].field == "action"
        assert "cannot" in str(caught.value.problems[0].message)
        assert CaseEvent.objects.count() == events_before
        case = Case.objects.get(pk=open_case.pk)
        assert (case.classification, case.placement) == (classification, placement)


def test_the_whole_loop_from_suspicion_to_release(open_case, epidemiologist):
    for action in ("confirm", "transfer", "admit", "discharge", "observe", "release"):
        case = services.transition(epidemiologist, open_case.pk, action, hospital="金银潭医院")
    assert (case.classification, case.placement, case.hospital) == ("confirmed", "released", "金银潭医院")
    assert case.closed_at is not None
    assert case.diagnosed_at and case.isolated_at and case.treated_at
    assert list(case.events.values_list("action", flat=True)) == [
        "open", "confirm", "transfer", "admit", "discharge", "observe", "release"]
    assert AuditEvent.objects.filter(action=Action.CASE_TRANSITION, person=case.person).count() == 7
    assert not case.orders.exists()  # the case alone: the orders its journey ends and opens are pathways.care's


def test_admission_needs_a_hospital(open_case, epidemiologist):
    with pytest.raises(InputRefused) as caught:
        services.transition(epidemiologist, open_case.pk, "admit")
    assert caught.value.problems[0].field == "hospital"


def test_a_case_outside_the_subtree_cannot_be_changed(open_case, tree):
    from django.http import Http404

    from fangkong.conftest import make_user

    with pytest.raises(Http404):
        services.transition(make_user("epi-b", "epidemiologist", tree["county_b"]), open_case.pk, "confirm")
    assert Case.objects.get(pk=open_case.pk).classification == "suspected"


def test_one_open_case_per_person(open_case, epidemiologist, person):
    from fangkong.errors import Conflict

    with pytest.raises(Conflict):
        services.open_case(epidemiologist, person.pk)

"""Rules fire once per crossing, raise the level with an audit row and open the six fast actions."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.audit.models import Action as AuditAction
from fangkong.audit.models import AuditEvent
from fangkong.errors import InputRefused
from fangkong.quarantine import services as quarantine
from fangkong.warning import services
from fangkong.warning.models import Firing, Level, Playbook, SignalKind, SignalValue

DAY = dt.date(2026, 11, 20)


@pytest.fixture
def rule(commander):
    return services.add_rule(commander, name="三例以上", signal=SignalKind.NEW_CASES, threshold=3, level=Level.III)


def signal(node, day, value, kind=SignalKind.NEW_CASES):
    SignalValue.objects.update_or_create(jurisdiction=node, day=day, kind=kind, defaults={"value": value})


def test_a_rule_fires_once_per_crossing(rule, tree):
    county = tree["county_a"]
    days = [DAY + dt.timedelta(days=i) for i in range(5)]
    fired = []
    for day, value in zip(days, [5, 6, 1, 4, 4]):
        signal(county, day, value)
        fired.append(len(services.evaluate_rules(day)))
        fired[-1] += len(services.evaluate_rules(day))  # the job ran twice that day
    assert fired == [1, 0, 0, 1, 0]
    first, second = Firing.objects.order_by("day")
    assert (first.day, first.ended_on, second.day, second.ended_on) == (days[0], days[2], days[3], None)
    audited = AuditEvent.objects.filter(action=AuditAction.RULE_FIRED).order_by("id")
    assert [(e.details["id"], e.details["changes"]) for e in audited] == [  # once each, though the job ran twice
        (first.pk, {"day": [None, days[0].isoformat()], "value": [None, 5.0]}),
        (first.pk, {"ended_on": [None, days[2].isoformat()]}),
        (second.pk, {"day": [None, days[3].isoformat()], "value": [None, 4.0]})]


def test_firing_raises_the_level_with_an_audit_row_and_opens_the_six_fast_actions(rule, tree, commander):
    county = tree["county_a"]
    signal(county, DAY, 5)
    services.evaluate_rules(DAY)
    assert services.level_of(county) == Level.III and services.level_of(tree["city"]) == Level.NONE
    assert AuditEvent.objects.filter(action=AuditAction.LEVEL_CHANGE, details__jurisdiction=county.code).count() == 1
    playbook = Playbook.objects.get(jurisdiction=county)
    hours = {t.action: (t.due_at - playbook.opened_at).total_seconds() / 3600 for t in playbook.tasks.all()}
    assert hours == {"transfer": 2, "closure": 6, "disinfection": 12, "contact_screening": 24, "trajectory": 24,
                     "area_testing": 48}
    # A second rule firing while the playbook is open neither lowers the level nor opens another playbook.
    services.add_rule(commander, name="IV", signal=SignalKind.NEW_CASES, threshold=1, level=Level.IV)
    services.evaluate_rules(DAY)
    assert services.level_of(county) == Level.III and Playbook.objects.filter(jurisdiction=county).count() == 1


@pytest.mark.parametrize("kwargs, field", [
    ({"signal": "moon_phase"}, "signal"),
    ({"threshold": -1}, "threshold"),
    ({"level": 7}, "level"),
    ({"name": " "}, "name"),
    ({"tier": "grid"}, "tier"),
])
def test_a_bad_rule_is_refused_naming_the_field(commander, kwargs, field):
    arguments = {"name": "r", "signal": SignalKind.NEW_CASES, "threshold": 1, "level": Level.IV, **kwargs}
    with pytest.raises(InputRefused) as refused:
        services.add_rule(commander, **arguments)
    assert refused.value.problems[0].field == field


def test_only_the_command_centre_edits_rules_and_levels(grid_worker, commander, tree):
    with pytest.raises(InputRefused) as refused:
        services.add_rule(grid_worker, name="x", signal=SignalKind.NEW_CASES, threshold=1, level=Level.IV)
    assert refused.value.problems[0].field == "role"
    with pytest.raises(InputRefused) as refused:
        services.change_level(commander, tree["county_a"], Level.II)
    assert refused.value.problems[0].field == "note"
    change = services.change_level(commander, tree["county_a"], Level.II, note="专家研判")
    assert (change.previous, services.level_of(tree["county_a"])) == (Level.NONE, Level.II)


def test_todays_fever_becomes_a_signal_up_the_tree_and_fires(grid_worker, commander, person, tree):
    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    quarantine.record_reading(grid_worker, person.pk, temperature="38.4")
    services.add_rule(commander, name="发热", signal=SignalKind.FEVER_ALERTS, threshold=1, level=Level.IV)
    services.add_rule(commander, name="街道发热", signal=SignalKind.FEVER_ALERTS, threshold=1, level=Level.IV,
                      tier="township")
    fired = services.run_warning(timezone.localdate())
    assert {(f.rule.name, f.jurisdiction.code) for f in fired} == {("发热", "420102"), ("街道发热", "420102001000")}
    assert services.run_warning(timezone.localdate()) == []
    values = SignalValue.objects.filter(kind=SignalKind.FEVER_ALERTS)
    assert values.get(jurisdiction=tree["county_b"]).value == 0 and values.get(jurisdiction=tree["county_a"]).value == 1

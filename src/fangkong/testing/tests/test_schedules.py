"""Tests asked for: a suspected case's the same day, a close contact's on the days of the 9th edition, key groups
every N days by `sweep_tests`; each on the to-do of the unit that samples, overdue once its deadline passes."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from fangkong.testing import services
from fangkong.testing.models import KeyGroup, Purpose, Schedule, TestDue


def test_a_suspected_case_is_due_the_same_day_and_overdue_after(commander, person, grid_worker):
    due = services.ask_test(commander, person.pk)
    local = timezone.localtime(due.due_at)
    assert local.date() == timezone.localdate() and local.time() >= dt.time(23, 59)
    assert list(services.open_tests_for(grid_worker)) == [due]  # on the grid's to-do
    assert not services.overdue_for(grid_worker).exists()
    assert list(services.overdue_for(grid_worker, now=due.due_at + dt.timedelta(minutes=1))) == [due]


def test_close_contacts_in_central_quarantine_are_tested_on_days_1_2_3_5_7(commander, person):
    start = timezone.localdate()
    dues = services.schedule_tests(commander, person.pk, Schedule.AppliesTo.CONTACT_CENTRAL, start)
    assert sorted((d.day - start).days + 1 for d in dues) == [1, 2, 3, 5, 7]
    home = services.schedule_tests(commander, person.pk, Schedule.AppliesTo.CONTACT_HOME, start)
    assert [(d.day - start).days + 1 for d in home] == [3]


def test_key_groups_are_asked_every_n_days_once(commander, person, tree):
    schedule = Schedule.objects.get(applies_to=Schedule.AppliesTo.KEY_GROUP)
    group = KeyGroup.objects.create(name="冷链从业人员", jurisdiction=tree["grid_a1"], schedule=schedule,
                                    owner_path=tree["grid_a1"].path)
    group.members.add(person)
    call_command("sweep_tests")
    call_command("sweep_tests")  # safe to repeat
    assert TestDue.objects.filter(person=person, purpose=Purpose.PERIODIC).count() == 1
    assert services.sweep_periodic_tests(today=timezone.localdate() + dt.timedelta(days=1)) == 0  # within N days
    assert services.sweep_periodic_tests(today=timezone.localdate() + dt.timedelta(days=schedule.every_days)) == 1

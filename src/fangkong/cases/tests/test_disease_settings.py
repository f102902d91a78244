import pytest
from django.core.exceptions import ValidationError

from fangkong.cases import disease
from fangkong.cases.models import Disease


def test_a_fresh_deployment_gets_the_default_settings(db):
    current = disease.current()
    assert (current.observation_days, str(current.fever_threshold), current.readings_per_day,
            current.report_deadline_hours) == (14, "37.3", 2, 2)
    assert current.reading_windows == [["06:00", "10:00"], ["15:00", "19:00"]]


@pytest.mark.parametrize("changes, field", [
    ({"reading_windows": [["06:00", "10:00"]]}, "reading_windows"),            # 2 readings, 1 window
    ({"reading_windows": [["6 am", "10:00"], ["15:00", "19:00"]]}, "reading_windows"),
    ({"fever_threshold": 44}, "fever_threshold"),
])
def test_settings_that_cannot_work_are_refused(db, changes, field):
    settings = Disease(name="流感", **changes)
    with pytest.raises(ValidationError) as caught:
        settings.full_clean()
    assert field in caught.value.message_dict

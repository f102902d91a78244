"""A red-zone ward of district A with a day and a night shift and six nurses deployed for the roster's two weeks:
the shared set-up of the workforce tests (and of the persona sweep's seeding)."""

import datetime as dt

from fangkong.workforce import services

MONDAY = dt.date(2026, 3, 2)
NURSES = ("王护士", "李护士", "张护士", "刘护士", "陈护士", "杨护士")


def ward(actor, county_code="420102", *, nurses=NURSES, days=14, minimum_day=1):
    post = services.add_post(actor, name="江岸方舱一病区", kind="red_zone_ward", jurisdiction_code=county_code)
    services.add_shift_type(actor, post.pk, code="D", name="白班", starts_at=dt.time(8), minutes=240,
                            minimum=minimum_day, preferred=2)
    services.add_shift_type(actor, post.pk, code="N", name="夜班", starts_at=dt.time(20), minutes=240, minimum=1,
                            preferred=1)
    staff = []
    for name in nurses:
        person = services.add_staff(actor, services.StaffInput(name=name, kind="medical", employer="协和医院",
                                                               jurisdiction_code=county_code, profession="护士"))
        services.deploy(actor, person.pk, post.pk, starts_on=MONDAY, ends_on=MONDAY + dt.timedelta(days=days - 1))
        staff.append(person)
    roster = services.create_roster(actor, post.pk, starts_on=MONDAY, days=days, seconds=20)
    return post, staff, roster

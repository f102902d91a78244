"""The starting schedules and rules a command centre changes (protocols: 第九版防控方案, 核酸检测实施指南)."""

from django.db import migrations

SCHEDULES = [
    ("密接集中隔离（第九版）", "contact_central", [1, 2, 3, 5, 7], None, "新型冠状病毒肺炎防控方案（第九版）"),
    ("密接居家健康监测（第九版）", "contact_home", [3], None, "新型冠状病毒肺炎防控方案（第九版）"),
    ("高风险地区来返（二十条）", "high_risk_arrival", [1, 3, 5, 7], None, "二十条（2022-11）"),
    ("重点人群（港口、冷链）每2天", "key_group", [], 2, "冷链食品生产经营新冠病毒防控技术指南（第二版）"),
]


def add_defaults(apps, schema_editor):
    Schedule = apps.get_model("testing", "Schedule")
    for name, applies_to, days, every, edition in SCHEDULES:
        Schedule.objects.get_or_create(name=name, defaults={"applies_to": applies_to, "days": days,
                                                             "every_days": every, "edition": edition})
    apps.get_model("testing", "TestingRules").objects.get_or_create(name="默认（第九版）")


class Migration(migrations.Migration):
    dependencies = [("testing", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]

"""Records of the accountability register for tests, made through the services."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from fangkong.tasks import services

_addresses = (f"198.51.100.{n}" for n in itertools.count(1))  # each report from its own address: no throttle


def task(actor, owner, *, title: str = "落实重点场所扫码测温", responsibility: str = "territorial", hours: int = 24,
         owner_username: str = ""):
    return services.assign_task(actor, services.TaskInput(
        title=title, responsibility=responsibility, owner_code=owner.code,
        deadline=timezone.now() + dt.timedelta(hours=hours), owner_username=owner_username))


def public_report(node, *, kind: str = "price_gouging", phone: str = "13700001111", ip: str | None = None):
    return services.submit_public_report(services.PublicReportInput(
        kind=kind, jurisdiction_code=node.code, place="幸福路菜市场", content="口罩一包卖到一百元，明码标价不实。",
        reporter_name="举报人李", reporter_phone=phone), ip=ip or next(_addresses))


def referred(actor, node, unit):
    report = public_report(node)
    return services.refer_report(actor, report.pk, unit_code=unit.code)

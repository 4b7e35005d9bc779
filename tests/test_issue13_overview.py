"""Issue 13, the new user's findings on the leaders' overview and the shared labels.

12. The overdue rate reads the business date of the act that met a deadline (Deadline.closed_on: the filing's
    filed_on ...), not the wall-clock time the act was entered: a filing entered in the evening of its due day, or
    back-dated a few days later, met the deadline; one filed the day after did not.
5b. The free-text box of a transition is 备注 unless an approval or review opinion is being given (审批意见/审查意见
    only on legal review, plan approval and the like).
"""

import datetime
import re

import pytest
from django.utils import timezone

from notifications.models import Deadline

from .case_fixtures import due, file_case, get_case, ok, town_fixture  # noqa: F401 (the `town` fixture)
from .clock import LOCAL
from .test_ui import html_of, login

pytestmark = [pytest.mark.clock, pytest.mark.django_db]


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LOCAL)


def overview_line(client, user) -> str:
    html = html_of(login(client, user).get("/inbox/"))
    found = re.search(r"逾期率：(\d+) 个到期期限中有 (\d+) 个逾期", html)
    assert found, "the overview's overdue line is missing"
    return found.group(0), html


def test_overdue_rate_reads_the_filing_date_not_the_time_it_was_entered(town, client, clock):
    evening, next_day, back_dated = (town.report()["id"] for _i in range(3))
    due_day = due(get_case(town.api("chief"), evening), "case.filing")  # 15 working days after the report (Art 54)

    # entered at 20:30 on the day the filing was due: on time
    clock.move_to(at(due_day, 20, 30))
    ok(file_case(town.api("chief"), evening, town.pair))
    # entered and filed the day after: late
    clock.move_to(at(due_day + datetime.timedelta(days=1), 10))
    ok(file_case(town.api("chief"), next_day, town.pair))
    # entered three days later, the filing itself dated on the due day (the paper was signed then): on time
    clock.move_to(at(due_day + datetime.timedelta(days=3), 10))
    ok(file_case(town.api("chief"), back_dated, town.pair, filed_on=due_day))

    closed = {row.object_id: row for row in Deadline.objects.filter(kind="case.filing")}
    assert closed[evening].closed_on == due_day
    assert closed[next_day].closed_on == due_day + datetime.timedelta(days=1)
    assert closed[back_dated].closed_on == due_day
    assert timezone.localtime(closed[back_dated].closed_at).date() > due_day  # entered late, met in time

    line, html = overview_line(client, town.u["principal"])
    assert line == "逾期率：3 个到期期限中有 1 个逾期"
    assert re.search(r'id="kpi-overdue">\s*<div class="lf-kpi__value">33\.3%</div>', html)

"""Issue 13, the new user's findings on the leaders' overview and the shared labels.

12. The overdue rate reads the business date of the act that met a deadline (Deadline.closed_on: the filing's
    filed_on ...), not the wall-clock time the act was entered: a filing entered in the evening of its due day, or
    back-dated a few days later, met the deadline; one filed the day after did not.
5b. The free-text box of a transition is 备注 unless an approval or review opinion is being given (审批意见/审查意见
    only on legal review, plan approval and the like).
"""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
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


@pytest.fixture
def seeded(settings):
    """The demo town for this one test (the module's other tests need an empty town: no module-wide demo_town)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())


def test_demo_overview_shows_a_sensible_overdue_rate(seeded, client):
    """The demo seeds all its history in one go: its deadlines are judged by the dates of their acts. Only those
    still open past their due day, or met by an act dated after it, count as missed (the demo has some)."""
    from web import overview

    data = overview.overview()
    rows = Deadline.objects.filter(due_at__lt=timezone.now(), object_type__in=overview.OVERDUE_PROCESSES,
                                   status__in=[Deadline.Status.OPEN, Deadline.Status.CLOSED]).exclude(
        rule__responsible_role="").exclude(kind__in=overview.WAITING_PERIODS)
    late = [d for d in rows if d.status == Deadline.Status.OPEN or d.closed_on > d.due_date]
    assert data["overdue"]["due"] == len(rows) > 0
    assert data["overdue"]["late"] == len(late) < len(rows)
    principal = get_user_model().objects.filter(groups__name="principal").first()
    line, _html = overview_line(client, principal)
    assert line == f"逾期率：{len(rows)} 个到期期限中有 {len(late)} 个逾期"


# --- 5b: the free-text box is 备注 unless an approval or review opinion is given ---------------------------------


def label_of(html: str, field: str) -> str:
    """The label the form shows for `field` (viewflow's <vf-field-…> elements carry it as an attribute)."""
    found = re.search(rf'<vf-field-[^>]*\bname="{field}"[^>]*\blabel="([^"]*)"', html)
    assert found, f"no field {field}"
    return found.group(1)


def test_free_text_is_a_note_on_hand_over_filing_correction_check_and_transitions(town, client):
    case = town.on_the_spot()
    detail = f"/cases/cases/{case['id']}/"
    client.force_login(town.u["chief"])
    page = client.get(f"{detail}transitions/acknowledge_spot_filing/").content.decode()  # 备案 (Art 52)
    assert label_of(page, "note") == "备案说明" and "审批意见" not in page  # the filing's own note
    client.force_login(town.u["o2"])
    page = client.get(f"{detail}transitions/record_handover/").content.decode()  # hand-over (Art 71)
    assert label_of(page, "note") == "备注" and "审批意见" not in page

    filed = town.investigating()
    client.force_login(town.u["o1"])
    answer = client.post(f"/cases/cases/{filed['id']}/correction-orders/add/",
                         {"measure": "限期拆除违法搭建的雨棚", "due_on": timezone.localdate().isoformat()})
    assert answer.status_code == 302
    order = get_case(town.api("o1"), filed["id"])["correction_orders"][0]
    page = client.get(f"/cases/cases/{filed['id']}/correction-orders/{order['id']}/verify/").content.decode()
    assert label_of(page, "note") == "备注" and "审批意见" not in page

    reported = town.report()
    client.force_login(town.u["chief"])
    page = client.get(f"/cases/cases/{reported['id']}/transitions/file/").content.decode()  # a generic transition
    assert label_of(page, "comment") == "备注" and "审批意见" not in page


def test_the_legal_review_gives_a_review_opinion(town, client):
    case = town.legal_review()
    client.force_login(town.u["judicial"])
    for name in ("pass_legal_review", "return_legal_review"):
        page = client.get(f"/cases/cases/{case['id']}/transitions/{name}/").content.decode()
        assert label_of(page, "opinion") == "审查意见", name

"""Enforcement supervision (issue 16 item 3, DESIGN §12, CONTRACT §9): the cards at their boundary days, the overdue
rate per month against hand-counted deadlines, the fines at or beyond the discretion band, the reports not filed in
time, the certification rate around a certificate's last valid day, the weekly circular (its number, its
document, its idempotent Monday task), the roles and the page.

Every test moves the clock to a fixed instant first: Wednesday 2026-06-10 10:00 (+08:00), a working week before
the Dragon Boat holiday (06-19 to 06-21), so that 3 working days ahead is Monday 06-15 and 4 is Tuesday 06-16.
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from docx import Document

from cases.models import Case, OfficerCertificate
from notifications.deadlines import end_of_day
from notifications.models import Deadline, Notification
from reports import tasks
from reports.models import Circular

from .case_fixtures import WFJS, ZDJY, Town, certify, ok
from .clock import LOCAL
from .conftest import make_user

API = "/api/v1/supervision/"
CIRCULARS = "/api/v1/supervision/circulars/"
WEDNESDAY = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=LOCAL)
D = datetime.date


@pytest.fixture
def town(clock, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.move_to(WEDNESDAY)
    return Town()


def filing_deadline(case_id) -> Deadline:
    return Deadline.objects.get(object_type="cases.case", object_id=case_id, kind="case.filing")


def set_deadline(deadline, due: datetime.date, **fields):
    Deadline.objects.filter(pk=deadline.pk).update(due_date=due, due_at=end_of_day(due), **fields)


def report_due(town, due: datetime.date, **fields) -> int:
    """A report whose filing period ends on `due` (status etc. from `fields`); returns the case id."""
    case = town.report()
    set_deadline(filing_deadline(case["id"]), due, **fields)
    return case["id"]


def figures(town, who="judicial") -> dict:
    return ok(town.api(who).get(API))


def cards_of(body, case_id) -> list[dict]:
    return [c for c in body["cards"] if c["object"]["id"] == case_id]


# --- yellow and red cards ------------------------------------------------------------------------------------


def test_cards_at_their_boundary_days(town):
    yesterday = report_due(town, D(2026, 6, 9))
    today = report_due(town, D(2026, 6, 10))
    third = report_due(town, D(2026, 6, 15))   # the third working day after Wednesday 06-10 (a weekend between)
    fourth = report_due(town, D(2026, 6, 16))  # the fourth
    body = figures(town)

    [red] = cards_of(body, yesterday)
    assert red["kind"] == "red" and red["days"] == 1
    assert red["deadline"] == {"kind": "case.filing", "name": "立案期限", "due_date": "2026-06-09",
                               "basis": filing_deadline(yesterday).basis}
    assert red["object"]["url"] == Case.objects.get(pk=yesterday).page_path()
    [due_today] = cards_of(body, today)
    assert due_today["kind"] == "yellow" and due_today["days"] == 0
    [soon] = cards_of(body, third)
    assert soon["kind"] == "yellow" and soon["days"] == 3
    assert cards_of(body, fourth) == []
    assert body["card_counts"] == {"red": 1, "yellow": 2}
    # Red first.
    assert body["cards"][0]["kind"] == "red"


def test_a_closed_or_suspended_deadline_has_no_card(town):
    closed = report_due(town, D(2026, 6, 9), status=Deadline.Status.CLOSED, closed_on=D(2026, 6, 9))
    suspended = report_due(town, D(2026, 6, 9), status=Deadline.Status.SUSPENDED)
    body = figures(town)
    assert cards_of(body, closed) == [] and cards_of(body, suspended) == []


def test_red_the_moment_the_due_day_ends(town, clock):
    case_id = report_due(town, D(2026, 6, 10))
    clock.move_to(datetime.datetime(2026, 6, 10, 23, 59, 0, tzinfo=LOCAL))
    assert cards_of(figures(town), case_id)[0]["kind"] == "yellow"
    clock.move_to(datetime.datetime(2026, 6, 11, 0, 0, 30, tzinfo=LOCAL))
    [card] = cards_of(figures(town), case_id)
    assert card["kind"] == "red" and card["days"] == 1


# --- overdue rate per month ----------------------------------------------------------------------------------


def test_overdue_rate_per_month_against_hand_counted_deadlines(town):
    closed = Deadline.Status.CLOSED
    report_due(town, D(2026, 4, 15), status=closed, closed_on=D(2026, 4, 15))  # April: met on its day
    report_due(town, D(2026, 4, 20), status=closed, closed_on=D(2026, 4, 21))  # April: met a day late
    report_due(town, D(2026, 5, 5))                                             # May: still open, past due
    report_due(town, D(2026, 5, 6), status=Deadline.Status.CANCELLED)         # not counted
    report_due(town, D(2026, 5, 7), status=Deadline.Status.SUSPENDED)         # not counted
    report_due(town, D(2026, 6, 9), status=closed, closed_on=D(2026, 6, 8))    # June: met early
    report_due(town, D(2026, 6, 12))                                            # June: not yet due, not counted
    report_due(town, D(2025, 6, 30))                                            # outside the 12 months
    rate = figures(town)["overdue_rate"]
    months = {m["month"]: m for m in rate["months"]}
    assert list(months) == [f"{y}-{m:02d}" for y, m in [(2025, 7), (2025, 8), (2025, 9), (2025, 10), (2025, 11),
                                                          (2025, 12), (2026, 1), (2026, 2), (2026, 3), (2026, 4),
                                                          (2026, 5), (2026, 6)]]
    assert months["2026-04"] == {"month": "2026-04", "due": 2, "late": 1, "rate": 50.0}
    assert months["2026-05"] == {"month": "2026-05", "due": 1, "late": 1, "rate": 100.0}
    assert months["2026-06"] == {"month": "2026-06", "due": 1, "late": 0, "rate": 0.0}
    assert months["2026-03"] == {"month": "2026-03", "due": 0, "late": 0, "rate": None}
    assert (rate["due"], rate["late"], rate["rate"]) == (4, 2, 50.0)


# --- discretion outliers -------------------------------------------------------------------------------------


def outliers_by_case(town) -> dict:
    return {o["object"]["id"]: o for o in figures(town)["discretion_outliers"]}


def test_fines_below_the_minimum_with_and_without_a_reduction_and_at_the_edges(town):
    at_min = town.decided(fine="1000", violation_type=WFJS)
    inside = town.decided(fine="5000", violation_type=WFJS)
    at_max = town.decided(fine="2000", violation_type=ZDJY)
    reduced = town.decided(fine="1200", violation_type=WFJS)
    found = outliers_by_case(town)
    assert found[at_min["id"]]["kind"] == "at_min" and found[at_min["id"]]["label"] == "等于裁量下限"
    assert found[at_max["id"]]["kind"] == "at_max"
    assert inside["id"] not in found and reduced["id"] not in found

    # The band is raised to 1,500 yuan: 1,000 and 1,200 now lie below it. The reduced one has its ground (Art 32).
    town.wfjs.fine_min = Decimal("1500")
    town.wfjs.save()
    Case.objects.filter(pk=reduced["id"]).update(mitigation=Case.Mitigation.REDUCED,
                                                  mitigation_ground=Case.MitigationGround.ELIMINATED_HARM)
    found = outliers_by_case(town)
    assert found[at_min["id"]]["kind"] == "below_min"
    assert found[at_min["id"]]["fine"] == "1000.00" and found[at_min["id"]]["fine_min"] == "1500.00"
    assert reduced["id"] not in found
    # 减轻 chosen but no ground recorded: still below the band without a reduction's ground.
    Case.objects.filter(pk=reduced["id"]).update(mitigation_ground="")
    assert outliers_by_case(town)[reduced["id"]]["kind"] == "below_min"
    # Above the maximum, whatever the mitigation.
    town.wfjs.fine_min, town.wfjs.fine_max = Decimal("100"), Decimal("4000")
    town.wfjs.save()
    assert outliers_by_case(town)[inside["id"]]["kind"] == "above_max"


# --- reports not filed in time -------------------------------------------------------------------------------


def test_unfiled_reports_at_the_filing_deadline(town):
    due_today = report_due(town, D(2026, 6, 10))
    due_yesterday = report_due(town, D(2026, 6, 9))
    filed_late = report_due(town, D(2026, 6, 1), status=Deadline.Status.CLOSED, closed_on=D(2026, 6, 3))
    filed_on_time = report_due(town, D(2026, 6, 2), status=Deadline.Status.CLOSED, closed_on=D(2026, 6, 2))
    rows = {r["object"]["id"]: r for r in figures(town)["unfiled_reports"]}
    assert due_today not in rows and filed_on_time not in rows
    assert rows[due_yesterday]["settled_on"] is None and rows[due_yesterday]["days"] == 1
    assert rows[due_yesterday]["state"] == "reported"
    assert rows[filed_late]["settled_on"] == "2026-06-03" and rows[filed_late]["days"] == 2
    assert list(rows) == [due_yesterday, filed_late]  # still open first


# --- certification rate --------------------------------------------------------------------------------------


def test_certification_rate_on_the_last_valid_day_and_the_next(town, clock):
    # The town: o1–o3 certified, one expired, one revoked, one uncertified; one more whose certificate ends today.
    last_day = make_user("enforcement_officer", username="officer-lastday")
    certify(last_day, "CERT-LAST", issued_on=D(2024, 6, 1), expires_on=D(2026, 6, 10))
    clock.move_to(datetime.datetime(2026, 6, 10, 23, 50, tzinfo=LOCAL))
    rate = figures(town)["certification_rate"]
    assert (rate["certified"], rate["officers"], rate["rate"]) == (4, 7, 57.1)
    assert "officer-lastday" not in {o["username"] for o in rate["uncertified"]}
    clock.move_to(datetime.datetime(2026, 6, 11, 0, 5, tzinfo=LOCAL))
    rate = figures(town)["certification_rate"]
    assert (rate["certified"], rate["officers"], rate["rate"]) == (3, 7, 42.9)
    assert {o["username"] for o in rate["uncertified"]} == {
        "officer-lastday", "officer-expired", "officer-revoked", "officer-uncertified"}


def test_a_case_filed_with_an_officer_whose_certificate_was_not_valid_that_day(town):
    case = town.investigating(filed_on=D(2026, 6, 1))
    assert figures(town)["certification_rate"]["cases_without_certificate"] == []
    # The certificate was entered back-dated: issued after the filing day.
    OfficerCertificate.objects.filter(officer=town.u["o2"]).update(issued_on=D(2026, 6, 2))
    [row] = figures(town)["certification_rate"]["cases_without_certificate"]
    assert row["object"]["id"] == case["id"] and row["officer"]["id"] == town.u["o2"].pk
    assert row["filed_on"] == "2026-06-01"


# --- the weekly circular -------------------------------------------------------------------------------------


def docx_text(data: bytes) -> str:
    """The paragraphs and the table cells (the fields) of a Word file."""
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_judicial_office_issues_last_weeks_circular_as_a_numbered_document(town):
    red = report_due(town, D(2026, 6, 9))
    town.decided(fine="2000", violation_type=ZDJY)  # decided this week: not in last week's circular
    response = town.api("judicial").post(CIRCULARS, {"remarks": "请各中队限期整改。"}, format="json")
    body = ok(response, 201)
    assert body["week_start"] == "2026-06-01" and body["week_end"] == "2026-06-07"
    assert body["number"] == "石司监通〔2026〕1号"
    assert body["card_counts"] == {"red": 1, "yellow": 0}
    circular = Circular.objects.get(pk=body["id"])
    assert circular.issued_by == town.u["judicial"]
    assert circular.figures["cards"][0]["object"]["id"] == red

    data = town.api("principal").get(body["files"]["docx"])
    assert data.status_code == 200
    text = docx_text(data.content)
    assert "执法监督通报" in text and "石司监通〔2026〕1号" in text
    assert "2026年6月1日至2026年6月7日" in text
    assert "红牌" in text and "立案期限" in text
    assert "请各中队限期整改。" in text
    assert "本周没有裁量基准边缘或超出裁量基准的罚款。" in text

    # The judicial office is told, with a link to the circular.
    note = Notification.objects.get(recipient=town.u["judicial_unqualified"])
    assert "石司监通〔2026〕1号" in note.title and note.link == circular.page_path()

    # The figures are kept: a new red card afterwards does not change the issued document.
    report_due(town, D(2026, 6, 8))
    assert docx_text(town.api("judicial").get(body["files"]["docx"]).content) == text

    # Idempotent: the same week again answers the same circular, no new number, no second message.
    again = ok(town.api("judicial").post(CIRCULARS, {"week_start": "2026-06-01"}, format="json"), 200)
    assert again["id"] == body["id"] and again["number"] == body["number"]
    assert Notification.objects.filter(recipient=town.u["judicial_unqualified"]).count() == 1


def test_the_monday_task_issues_last_week_once(town, clock):
    clock.move_to(datetime.datetime(2026, 6, 15, 8, 0, tzinfo=LOCAL))  # Monday
    first = tasks.issue_weekly_circular.apply().get()
    assert first["week_start"] == "2026-06-08" and first["created"] is True
    retry = tasks.issue_weekly_circular.apply().get()
    assert retry == {**first, "created": False}
    assert Circular.objects.count() == 1
    circular = Circular.objects.get()
    assert circular.issued_by is None
    assert Notification.objects.filter(link=circular.page_path()).count() == Group.objects.get(
        name="judicial_office").user_set.count() == 2


@pytest.mark.parametrize("week_start", ["2026-06-02", "2026-06-08", "2026-06-15", "9999-12-27", "next week", "1"])
def test_a_circular_for_a_day_not_a_monday_or_a_week_not_over_is_refused(town, week_start):
    response = town.api("judicial").post(CIRCULARS, {"week_start": week_start}, format="json")
    assert response.status_code == 400
    assert "week_start" in response.json()["fields"]
    assert not Circular.objects.exists()


# --- roles ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["judicial", "principal", "chief"])
def test_the_supervisors_read_the_figures_and_the_circulars(town, who):
    assert town.api(who).get(API).status_code == 200
    assert town.api(who).get(CIRCULARS).status_code == 200


@pytest.mark.parametrize("who", ["o1", "drafter"])
def test_anyone_else_is_refused(town, who):
    assert town.api(who).get(API).status_code == 403
    assert town.api(who).get(CIRCULARS).status_code == 403
    assert town.api(who).post(CIRCULARS, {}, format="json").status_code == 403
    client = Client()
    client.force_login(town.u[who])
    assert client.get(reverse("reports:supervision")).status_code == 403


@pytest.mark.parametrize("who", ["principal", "chief"])
def test_only_the_judicial_office_issues_a_circular(town, who):
    response = town.api(who).post(CIRCULARS, {}, format="json")
    assert response.status_code == 403
    assert not Circular.objects.exists()


# --- the page ------------------------------------------------------------------------------------------------


def test_the_page_shows_the_cards_the_chart_and_the_circulars_in_chinese(town):
    red = report_due(town, D(2026, 6, 9))
    report_due(town, D(2026, 4, 20), status=Deadline.Status.CLOSED, closed_on=D(2026, 4, 21))
    town.decided(fine="2000", violation_type=ZDJY)
    client = Client()
    client.force_login(town.u["judicial"])
    response = client.post(reverse("reports:supervision"), {"week_start": "2026-06-01"})
    assert response.status_code == 302
    circular = Circular.objects.get()
    assert response["Location"] == circular.page_path()
    page = client.get(circular.page_path()).content.decode()
    assert "执法监督通报" in page and "石司监通〔2026〕1号" in page

    page = client.get(reverse("reports:supervision")).content.decode()
    assert "执法监督" in page and "红牌" in page and "立案期限" in page and "已超期1个工作日" in page
    assert f'data-case="{red}"' in page
    assert "<svg" in page and "每月逾期率" in page  # the chart, drawn on the server
    assert 'data-month="2026-04" data-due="1" data-late="1"' in page
    assert "等于裁量上限" in page
    assert "石司监通〔2026〕1号" in page and "file.docx" in page
    assert "https://" not in page.split("<body", 1)[1] or "cdn" not in page
    for english in ("Red card", "Yellow card", "Overdue rate", "working days", "Enforcement supervision"):
        assert english not in page
    assert re.search(r"持证率", page)


def test_a_refused_circular_is_shown_on_the_page(town):
    client = Client()
    client.force_login(town.u["judicial"])
    response = client.post(reverse("reports:supervision"), {"week_start": "2026-06-03"})
    assert response.status_code == 400
    assert "星期一" in response.content.decode()

"""XLSX exports of the lists (issue 14 item 6, CONTRACT §6): the filtered rows, all pages, Chinese headers, dates as
dates, money as numbers; the API lists answer `?format=xlsx`; an officer's "mine" scope stays theirs."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case
from web.base import PAGE_SIZE
from web.exports import XLSX_TYPE

from .case_fixtures import CASES, OFFICERS, ok, town_fixture  # noqa: F401 (the `town` fixture)

pytestmark = pytest.mark.clock


def sheet(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX_TYPE
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(book.active.iter_rows(values_only=True))
    sheet.last_title, sheet.last_freeze = book.active.title, book.active.freeze_panes
    return rows[0], rows[1:]


def page_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_case_list_exports_every_filtered_row_with_chinese_headers(town):
    decided = town.executed()  # 占道经营, a fine of 500 yuan
    for _ in range(2):
        town.report(violation_type="WFJS", description="当事人未经许可搭建房屋。")
    client = page_client(town.u["chief"])
    url = reverse("cases:cases:index")
    page = client.get(url + "?scope=all").content.decode()
    assert 'data-action="export-xlsx"' in page and "导出 Excel" in page
    header, rows = sheet(client.get(url + "?scope=all&violation_type=ZDJY&export=xlsx"))
    assert header[:3] == ("案号", "违法行为类型", "当事人") and "罚款金额（元）" in header and "自查得分" in header
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["案号"] == decided["number"] and row["违法行为类型"] == "占道经营"
    assert row["罚款金额（元）"] == 500 and isinstance(row["罚款金额（元）"], (int, float))
    assert isinstance(row["决定日期"], datetime.datetime)  # a date cell (openpyxl reads it as a datetime)
    assert row["决定日期"].date() == datetime.date.fromisoformat(decided["decided_on"])
    _header, all_rows = sheet(client.get(url + "?scope=all&export=xlsx"))
    assert len(all_rows) == 3
    assert sheet.last_title == "执法案件" and sheet.last_freeze == "A2"  # named after the list, header frozen


def test_a_sheet_name_is_one_excel_accepts():
    from web.exports import sheet_title

    assert sheet_title("执法案件") == "执法案件"
    assert sheet_title("案件/2026[1]:*?") == "案件20261"
    assert sheet_title("长" * 40) == "长" * 31
    assert sheet_title("") == "Sheet"


def test_the_export_is_not_limited_to_one_page(town):
    first = town.report()
    case = Case.objects.get(pk=first["id"])
    Case.objects.bulk_create([Case(source=case.source, description=f"第{i}件", village=case.village,
                                   violation_type=case.violation_type, violation_date=case.violation_date,
                                   party=case.party, reported_by=case.reported_by) for i in range(PAGE_SIZE + 5)])
    client = page_client(town.u["chief"])
    _header, rows = sheet(client.get(reverse("cases:cases:index") + "?scope=all&export=xlsx"))
    assert len(rows) == PAGE_SIZE + 6


def test_an_officers_mine_scope_stays_theirs(town):
    own = town.report("o1")
    town.report("o3")
    client = page_client(town.u["o1"])
    header, rows = sheet(client.get(reverse("cases:cases:index") + "?export=xlsx"))  # an officer: mine by default
    assert len(rows) == 1
    assert Case.objects.get(pk=own["id"]).party.name == dict(zip(header, rows[0], strict=True))["当事人"]


def test_the_api_lists_answer_format_xlsx(town):
    town.executed()
    town.report(violation_type="WFJS", description="当事人未经许可搭建房屋。")
    header, rows = sheet(town.api("chief").get(CASES + "?format=xlsx&violation_type=WFJS",
                                               HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert header[0] == "案号" and len(rows) == 1 and rows[0][1] == "违法建设"
    header, rows = sheet(town.api("chief").get(OFFICERS + "?format=xlsx"))
    names = {row[1] for row in rows}
    assert {"officer-o1", "officer-o2", "officer-o3"} <= names and "证件编号" in header
    o1 = dict(zip(header, next(row for row in rows if row[1] == "officer-o1"), strict=True))
    assert o1["证件编号"] == "CERT-001" and isinstance(o1["有效期至"], datetime.datetime)
    # the JSON list is unchanged, and a bad filter in xlsx format is still a JSON 400
    assert ok(town.api("chief").get(CASES))["count"] == 2
    bad = town.api("chief").get(CASES + "?format=xlsx&violation_type=NOPE")
    assert bad.status_code == 400 and bad.json()["error"]


def test_decisions_and_meetings_export_from_the_api_and_the_pages(town):
    from .conftest import client_for, make_user

    drafter = make_user("drafter", username="drafter-x")
    api = client_for(drafter)
    created = api.post("/api/v1/decisions/", {"title": "石桥镇农村人居环境整治方案", "body": "正文",
                                              "category": "major_decision", "department": "党政办"}, format="json")
    assert created.status_code == 201, created.content
    header, rows = sheet(api.get("/api/v1/decisions/?format=xlsx"))
    assert header[:2] == ("编号", "标题")
    assert [row[1] for row in rows] == ["石桥镇农村人居环境整治方案"]
    header, rows = sheet(page_client(drafter).get(reverse("review:decisions:index") + "?export=xlsx"))
    assert len(rows) == 1
    header, rows = sheet(api.get("/api/v1/meetings/?format=xlsx"))
    assert rows == [] and "日期" in header


def test_the_schema_names_the_xlsx_format(town):
    schema = town.api("chief").get("/api/v1/schema/")
    assert schema.status_code == 200
    assert XLSX_TYPE in schema.content.decode()


def test_money_is_a_number(town):
    case = town.executed()
    Case.objects.filter(pk=case["id"]).update(fine=Decimal("1234.56"))
    header, rows = sheet(town.api("chief").get(CASES + "?format=xlsx"))
    assert dict(zip(header, rows[0], strict=True))["罚款金额（元）"] == pytest.approx(1234.56)

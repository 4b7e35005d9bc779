"""The town's legal network (issue 15 item 3, CONTRACT §8, DESIGN §11): the registers of village legal advisers
and 法律明白人, the coverage of the villages, the activity log with its photos — API, pages and exports."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from cases.models import Village
from network import selectors
from network.models import Activity, LegalAdviser, LegalLiterate

from .conftest import client_for, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

ADVISERS, LITERATES, ACTIVITIES = "/api/v1/legal-advisers/", "/api/v1/legal-literates/", "/api/v1/activities/"
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def villages(db):
    return [Village.objects.create(name=name, code=f"{i:02d}") for i, name in enumerate(("石桥村", "东关村", "西街村"), 1)]


@pytest.fixture
def who(db):
    """One user per role that matters here."""
    return {name: make_user(role) for name, role in (
        ("sifa", "judicial_office"), ("admin", "admin"), ("secretary", "office_secretary"),
        ("xinfang", "petition_office"), ("mediator", "mediator"), ("officer", "enforcement_officer"),
        ("principal", "principal"))}


def adviser(village, start, end, name="王律师"):
    return {"village": village.pk, "name": name, "firm": "河南宝丰明理律师事务所", "phone": "13903750001",
            "contract_start": start.isoformat(), "contract_end": end.isoformat()}


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 24), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def sheet(response):
    assert response.status_code == 200, response.content[:300]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def page_client(user):
    client = Client()
    client.force_login(user)
    return client


# --- API CRUD ------------------------------------------------------------------------------------------------

def test_the_judicial_office_registers_lists_and_updates_an_adviser(who, villages, today):
    api = client_for(who["sifa"])
    response = api.post(ADVISERS, adviser(villages[0], today - 30 * DAY, today + 300 * DAY), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["village_name"] == "石桥村" and created["current"] is True and created["phone"] == "13903750001"
    assert api.get(f"{ADVISERS}{created['id']}/").json()["firm"] == "河南宝丰明理律师事务所"
    changed = api.patch(f"{ADVISERS}{created['id']}/", {"firm": "河南父城律师事务所"}, format="json")
    assert changed.status_code == 200 and changed.json()["firm"] == "河南父城律师事务所"
    assert [row["id"] for row in api.get(ADVISERS, {"village": villages[0].pk}).json()["results"]] == [created["id"]]
    assert api.get(ADVISERS, {"village": villages[1].pk}).json()["count"] == 0


def test_literates_and_activities_are_created_and_filtered(who, villages, today):
    api = client_for(who["sifa"])
    literate = api.post(LITERATES, {"village": villages[1].pk, "name": "李秀英", "phone": "15937500001",
                                    "trained_on": (today - 10 * DAY).isoformat()}, format="json")
    assert literate.status_code == 201, literate.content
    assert api.get(LITERATES, {"village": villages[1].pk}).json()["results"][0]["name"] == "李秀英"
    secretary = client_for(who["secretary"])
    study = secretary.post(ACTIVITIES, {"kind": "study", "held_on": today.isoformat(), "title": "理论中心组学法",
                                        "village": None, "attendance": 16}, format="json")
    assert study.status_code == 201, study.content
    assert study.json()["village"] is None and study.json()["village_name"] == "镇本级"
    show = client_for(who["mediator"]).post(ACTIVITIES, {
        "kind": "performance", "held_on": (today - 2 * DAY).isoformat(), "title": "普法戏曲汇演",
        "village": villages[2].pk, "attendance": 300}, format="json")
    assert show.status_code == 201
    assert [a["title"] for a in api.get(ACTIVITIES, {"kind": "performance"}).json()["results"]] == ["普法戏曲汇演"]
    assert [a["title"] for a in api.get(ACTIVITIES, {"village": "town"}).json()["results"]] == ["理论中心组学法"]
    assert api.get(ACTIVITIES, {"year": today.year - 1}).json()["count"] == (
        Activity.objects.filter(held_on__year=today.year - 1).count())
    assert api.get(ACTIVITIES, {"kind": "dance"}).status_code == 400


# --- coverage ------------------------------------------------------------------------------------------------

def test_coverage_counts_villages_whose_contract_runs_today(who, villages, today):
    api = client_for(who["sifa"])
    for village in villages[:2]:
        assert api.post(ADVISERS, adviser(village, today - 100 * DAY, today + 100 * DAY), format="json").status_code == 201
    # The third village's contract ended yesterday: it does not count today.
    assert api.post(ADVISERS, adviser(villages[2], today - 400 * DAY, today - DAY), format="json").status_code == 201
    body = api.get(f"{ADVISERS}coverage/").json()
    assert (body["covered"], body["total"], body["percent"]) == (2, 3, 66.7)
    uncovered = next(v for v in body["villages"] if v["village"] == villages[2].pk)
    assert uncovered["adviser"] is None
    # On its last day it still counted.
    body = api.get(f"{ADVISERS}coverage/", {"on": (today - DAY).isoformat()}).json()
    assert body["covered"] == 3 and body["percent"] == 100.0


def test_the_end_day_counts_and_the_day_after_does_not(villages, who, today):
    LegalAdviser.objects.create(village=villages[0], name="甲", firm="所", contract_start=today - 10 * DAY,
                                contract_end=today)
    assert selectors.coverage(today).covered == 1
    assert selectors.coverage(today + DAY).covered == 0
    assert selectors.coverage(today - 10 * DAY).covered == 1
    assert selectors.coverage(today - 11 * DAY).covered == 0


def test_literates_are_counted_per_village(villages, who):
    for name in ("张三", "李四"):
        LegalLiterate.objects.create(village=villages[0], name=name)
    LegalLiterate.objects.create(village=villages[2], name="王五")
    counts = {row.village.name: row.literates for row in selectors.coverage(datetime.date(2026, 1, 1)).rows}
    assert counts == {"石桥村": 2, "东关村": 0, "西街村": 1}


# --- the rules -----------------------------------------------------------------------------------------------

def test_an_overlapping_contract_for_the_same_village_is_refused_409(who, villages, today):
    api = client_for(who["sifa"])
    first = api.post(ADVISERS, adviser(villages[0], today - 10 * DAY, today + 10 * DAY), format="json").json()
    overlap = api.post(ADVISERS, adviser(villages[0], today + 10 * DAY, today + 400 * DAY, "李律师"), format="json")
    assert overlap.status_code == 409
    assert "一村一法律顾问" in overlap.json()["rule"] and "王律师" in overlap.json()["detail"]
    # The day after the first contract ends is free, and so is another village.
    assert api.post(ADVISERS, adviser(villages[0], today + 11 * DAY, today + 400 * DAY, "李律师"),
                    format="json").status_code == 201
    assert api.post(ADVISERS, adviser(villages[1], today - 10 * DAY, today + 10 * DAY), format="json").status_code == 201
    # Moving a contract onto its successor's days is refused too; its own days are not an overlap.
    assert api.patch(f"{ADVISERS}{first['id']}/", {"contract_end": (today + 11 * DAY).isoformat()},
                     format="json").status_code == 409
    assert api.patch(f"{ADVISERS}{first['id']}/", {"contract_end": (today + 9 * DAY).isoformat()},
                     format="json").status_code == 200


@pytest.mark.parametrize("change, field", [
    ({"contract_end": "START-1"}, "contract_end"),
    ({"name": ""}, "name"),
    ({"firm": "  "}, "firm"),
    ({"phone": "12345"}, "phone"),
    ({"village": 999999}, "village"),
    ({"contract_start": "2026-02-30"}, "contract_start"),
])
def test_invalid_adviser_fields_are_400_naming_the_field(who, villages, today, change, field):
    data = adviser(villages[0], today, today + 30 * DAY)
    data.update({k: (today - DAY).isoformat() if v == "START-1" else v for k, v in change.items()})
    response = client_for(who["sifa"]).post(ADVISERS, data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert LegalAdviser.objects.count() == 0


def test_a_contract_ending_the_day_it_starts_is_accepted(who, villages, today):
    assert client_for(who["sifa"]).post(ADVISERS, adviser(villages[0], today, today), format="json").status_code == 201


def test_activity_dates_and_attendance_are_checked_at_their_boundaries(who, villages, today):
    api = client_for(who["secretary"])

    def post(**change):
        data = {"kind": "lecture", "held_on": today.isoformat(), "title": "法律讲座", "village": villages[0].pk,
                "attendance": 0, **change}
        return api.post(ACTIVITIES, data, format="json")

    assert post().status_code == 201  # today and nobody counted: accepted
    tomorrow = post(held_on=(today + DAY).isoformat())
    assert tomorrow.status_code == 400 and "held_on" in tomorrow.json()["fields"]
    negative = post(attendance=-1)
    assert negative.status_code == 400 and "attendance" in negative.json()["fields"]
    unknown = post(kind="party")
    assert unknown.status_code == 400 and "kind" in unknown.json()["fields"]
    blank = post(title="")
    assert blank.status_code == 400 and "title" in blank.json()["fields"]
    assert Activity.objects.count() == 1


# --- who may ------------------------------------------------------------------------------------------------

def test_roles_that_may_not_edit_get_403_and_anonymous_401(who, villages, today):
    data = adviser(villages[0], today, today + 30 * DAY)
    for name in ("officer", "secretary", "mediator"):
        assert client_for(who[name]).post(ADVISERS, data, format="json").status_code == 403
    activity = {"kind": "study", "held_on": today.isoformat(), "title": "学法"}
    assert client_for(who["officer"]).post(ACTIVITIES, activity, format="json").status_code == 403
    assert client_for(who["principal"]).post(ACTIVITIES, activity, format="json").status_code == 403
    assert APIClient().get(ADVISERS).status_code == 401
    assert APIClient().post(ACTIVITIES, activity, format="json").status_code == 401
    nobody = client_for(make_user())  # logged in, no role
    assert nobody.get(ACTIVITIES).status_code == 403
    assert client_for(who["admin"]).post(ADVISERS, data, format="json").status_code == 201
    # Every staff role reads the registers; phones only to those who work with the network.
    listed = client_for(who["officer"]).get(ADVISERS).json()["results"]
    assert listed[0]["name"] == "王律师" and listed[0]["phone"] is None
    assert client_for(who["xinfang"]).get(ADVISERS).json()["results"][0]["phone"] == "13903750001"


# --- exports -------------------------------------------------------------------------------------------------

def test_the_lists_export_to_xlsx_with_chinese_headers(who, villages, today):
    LegalAdviser.objects.create(village=villages[0], name="王律师", firm="河南父城律师事务所", phone="13903750001",
                                contract_start=today, contract_end=today + 30 * DAY)
    Activity.objects.create(kind="publicity", held_on=today, title="宪法日宣传", attendance=120, campaign="国家宪法日")
    header, rows = sheet(client_for(who["sifa"]).get(ADVISERS + "?format=xlsx"))
    assert header[:3] == ("村（社区）", "姓名", "律师事务所") and "联系电话" in header
    assert rows[0][1] == "王律师"
    header, rows = sheet(client_for(who["officer"]).get(ADVISERS + "?format=xlsx"))
    assert "联系电话" not in header  # no phones for the officer
    header, rows = sheet(page_client(who["sifa"]).get(reverse("network:activities:index") + "?export=xlsx"))
    record = dict(zip(header, rows[0], strict=True))
    assert record["标题"] == "宪法日宣传" and record["类型"] == "普法宣传" and record["村（社区）"] == "镇本级"
    assert record["参加人数"] == 120


# --- photos --------------------------------------------------------------------------------------------------

def test_a_photo_is_attached_to_an_activity_and_listed(who, villages, today):
    api = client_for(who["xinfang"])
    activity = api.post(ACTIVITIES, {"kind": "publicity", "held_on": today.isoformat(), "title": "信访条例宣传",
                                     "attendance": 80}, format="json").json()
    photo = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    uploaded = api.post(f"{ACTIVITIES}{activity['id']}/attachments/",
                        {"file": photo, "category": "photo", "title": "宣传现场"}, format="multipart")
    assert uploaded.status_code == 201, uploaded.content
    listed = api.get(f"{ACTIVITIES}{activity['id']}/attachments/").json()
    assert [a["title"] for a in listed] == ["宣传现场"] and listed[0]["content_type"] == "image/png"
    # A role that only reads may see the photos but not add one.
    reader = client_for(who["officer"])
    assert reader.get(f"{ACTIVITIES}{activity['id']}/attachments/").status_code == 200
    again = SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")
    assert reader.post(f"{ACTIVITIES}{activity['id']}/attachments/",
                       {"file": again, "category": "photo", "title": "x"}, format="multipart").status_code == 403
    html = page_client(who["xinfang"]).get(reverse("network:activities:detail", args=[activity["id"]])).content.decode()
    assert "宣传现场" in html


# --- pages ---------------------------------------------------------------------------------------------------

def test_the_pages_speak_chinese_to_a_chinese_reader(who, villages, today):
    LegalAdviser.objects.create(village=villages[0], name="王律师", firm="河南父城律师事务所",
                                contract_start=today - DAY, contract_end=today + DAY)
    client = page_client(who["sifa"])
    coverage = client.get(reverse("network:coverage:index")).content.decode()
    assert "法律顾问覆盖" in coverage and "3 个村中有 1 个" in coverage and "无在聘法律顾问" in coverage
    for name, text in (("advisers", "村法律顾问"), ("literates", "法律明白人"), ("activities", "普法活动")):
        html = client.get(reverse(f"network:{name}:index")).content.decode()
        assert text in html and "导出 Excel" in html
    assert "登记普法活动" in client.get(reverse("network:activities:add")).content.decode()


def test_a_refused_form_keeps_what_was_typed(who, villages, today):
    client = page_client(who["sifa"])
    LegalAdviser.objects.create(village=villages[0], name="王律师", firm="河南父城律师事务所",
                                contract_start=today - DAY, contract_end=today + DAY)
    response = client.post(reverse("network:advisers:add"), {
        "village": villages[0].pk, "name": "赵新律师", "firm": "平顶山德润律师事务所", "phone": "",
        "contract_start": today.isoformat(), "contract_end": (today + 365 * DAY).isoformat()})
    html = response.content.decode()
    assert response.status_code == 409 and "赵新律师" in html and "平顶山德润律师事务所" in html and "王律师" in html
    assert LegalAdviser.objects.count() == 1
    response = client.post(reverse("network:activities:add"), {
        "kind": "training", "held_on": (today + DAY).isoformat(), "title": "村两委法律培训", "attendance": "40"})
    assert response.status_code == 400 and "村两委法律培训" in response.content.decode()
    ok = client.post(reverse("network:activities:add"), {
        "kind": "training", "held_on": today.isoformat(), "title": "村两委法律培训", "attendance": "40"})
    assert ok.status_code == 302 and Activity.objects.get().title == "村两委法律培训"


def test_pages_refuse_who_may_not(who, villages):
    assert page_client(who["officer"]).get(reverse("network:advisers:add")).status_code == 403
    assert page_client(who["officer"]).get(reverse("network:advisers:index")).status_code == 200
    assert page_client(make_user()).get(reverse("network:coverage:index")).status_code == 403
    assert Client().get(reverse("network:coverage:index")).status_code == 302

"""Issue 15, the breaker's pass on petitions (信访工作条例 2022, "条例"; CONTRACT §8, DESIGN §11): the periods at
their boundary days with the controlled clock, the group visit's five representatives on every door, the flow's
order, who sees what (ID numbers, phones), bad input, and the documents before and after their step."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from cases.models import Village
from notifications import calendar
from petitions.models import Petition

from .conftest import client_for, make_user
from .document_helpers import docx_text, pdf_text, squeeze
from .test_petitions import deadline, fire, register

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
DAY = datetime.timedelta(days=1)
ID_NUMBER = "110101199003071234"
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office():
    return client_for(make_user("petition_office"))


def page(user):
    client = Client()
    client.force_login(user)
    return client


def replied(office, clock, reply_day, received=None):
    """A petition received, accepted and answered on `reply_day` (the clock put there first)."""
    clock.move_to(f"{reply_day.isoformat()}T10:00:00+08:00")
    received = received or reply_day - 10 * DAY
    pk = register(office, received).json()["id"]
    fire(office, pk, "accept", accepted_on=str(received + DAY))
    fire(office, pk, "reply", opinion="经核查，予以解释。", result="explain", replied_on=str(reply_day))
    return pk


def first_workday_from(day):
    while not calendar.is_workday(day):
        day += DAY
    return day


# --- acceptance (条例 Art 23: 15 days) -----------------------------------------------------------------------

@pytest.mark.parametrize("days_ago, late", [(15, False), (16, True)])
def test_accepting_a_backdated_petition_on_day_15_is_in_time_and_on_day_16_late(office, today, days_ago, late):
    pk = register(office, today - days_ago * DAY).json()["id"]
    fire(office, pk, "accept")
    acceptance = deadline(pk, "petition.acceptance")
    assert acceptance.due_date == today - days_ago * DAY + 15 * DAY
    assert (acceptance.closed_on > acceptance.due_date) is late
    # The 60 days of Art 34 run from the acceptance, not from the receipt.
    assert deadline(pk, "petition.handling").due_date == today + 60 * DAY


def test_accepted_before_received_or_in_the_future_is_400(office, today):
    pk = register(office, today - 3 * DAY).json()["id"]
    fire(office, pk, "accept", status=400, accepted_on=str(today - 4 * DAY))
    fire(office, pk, "accept", status=400, accepted_on=str(today + DAY))
    assert Petition.objects.get(pk=pk).state == "received"


def test_a_repeat_cannot_be_received_before_the_petition_it_repeats(office, today):
    """A repeat (条例 Art 36 ¶3 looks at the earlier one) comes after it: received before it is a typing error."""
    earlier = register(office, today - 5 * DAY).json()["id"]
    refused = register(office, today - 6 * DAY, repeat_of=earlier)
    assert refused.status_code == 400, refused.content[:300]
    assert "received_on" in refused.json()["fields"]
    assert register(office, today - 5 * DAY, repeat_of=earlier).status_code == 201


@pytest.mark.parametrize("instant, year", [("2026-12-31T23:50:00+08:00", 2026), ("2027-01-01T00:05:00+08:00", 2027)])
def test_the_number_takes_the_year_received_at_both_edges_of_new_year(office, clock, instant, year):
    clock.move_to(instant)
    petition = register(office, clock.today()).json()
    assert f"〔{year}〕" in petition["number"], petition["number"]


# --- the handling period and its one extension (条例 Art 34) --------------------------------------------------

def test_the_extension_is_never_approved_by_the_one_who_asked_nor_asked_by_others(office, today):
    both = make_user("petition_office", "principal")
    asker = client_for(both)
    pk = register(office, today).json()["id"]
    fire(office, pk, "accept")
    # The principal alone, without the office's role, does not ask; a drafter neither.
    for role in ("principal", "drafter"):
        assert client_for(make_user(role)).post(f"/api/v1/petitions/{pk}/extension/", {"reason": "复杂"},
                                                format="json").status_code in (403, 404)
    assert asker.post(f"/api/v1/petitions/{pk}/extension/", {"reason": "情况复杂", "days": 30},
                      format="json").status_code == 202
    adjustment = deadline(pk, "petition.handling").adjustments.get()
    refused = asker.post(f"/api/v1/deadline-adjustments/{adjustment.pk}/approve/", {}, format="json")
    assert refused.status_code in (403, 409)
    assert deadline(pk, "petition.handling").due_date == today + 60 * DAY


@pytest.mark.parametrize("days", [0, -5, "三十", 10**12])
def test_a_nonsense_extension_length_is_400_or_409_never_500(office, today, days):
    pk = register(office, today).json()["id"]
    fire(office, pk, "accept")
    response = office.post(f"/api/v1/petitions/{pk}/extension/", {"reason": "复杂", "days": days}, format="json")
    assert response.status_code in (400, 409), response.content[:300]


def test_no_extension_before_acceptance_or_after_the_reply(office, today):
    pk = register(office, today).json()["id"]
    assert office.post(f"/api/v1/petitions/{pk}/extension/", {"reason": "复杂"}, format="json").status_code == 409
    fire(office, pk, "accept")
    fire(office, pk, "reply", opinion="支持。", result="support")
    assert office.post(f"/api/v1/petitions/{pk}/extension/", {"reason": "复杂"}, format="json").status_code == 409


# --- the petitioner's 30 days (条例 Art 35–36; the last day rolls over a rest day, 民法典 Art 203) ---------------

def test_review_on_day_30_is_in_time_and_day_31_late(office, clock):
    reply_day = datetime.date(2026, 6, 1)
    day30 = reply_day + 30 * DAY
    assert calendar.is_workday(day30)
    pk = replied(office, clock, reply_day)
    clock.move_to(f"{(day30 + 5 * DAY).isoformat()}T10:00:00+08:00")
    late = fire(office, pk, "request_review", status=409, organ="县人民政府", requested_on=str(day30 + DAY))
    assert "35" in str(late) and day30.isoformat() in str(late)
    assert fire(office, pk, "request_review", organ="县人民政府", requested_on=str(day30))["state"] == "review_requested"


def test_day_30_in_the_national_day_holiday_rolls_to_the_first_working_day(office, clock):
    reply_day = datetime.date(2026, 9, 1)
    day30 = reply_day + 30 * DAY
    assert not calendar.is_workday(day30)
    due = first_workday_from(day30)
    pk = replied(office, clock, reply_day)
    assert deadline(pk, "petition.review_request").due_date == due
    clock.move_to(f"{(due + 5 * DAY).isoformat()}T10:00:00+08:00")
    fire(office, pk, "request_review", status=409, organ="县人民政府", requested_on=str(due + DAY))
    fire(office, pk, "request_review", organ="县人民政府", requested_on=str(due))


def test_re_review_window_runs_30_days_from_the_review_answer_and_rolls_over(office, clock):
    """复核 (Art 36 ¶1): 30 days from the 复查意见, answered here on 2026-09-01 (day 30 in the holiday)."""
    pk = replied(office, clock, datetime.date(2026, 8, 1))
    clock.move_to("2026-09-01T10:00:00+08:00")
    fire(office, pk, "request_review", organ="县人民政府", requested_on="2026-08-10")
    fire(office, pk, "record_review", status=400, answer="维持。", decision="upheld", answered_on="2026-08-09")
    fire(office, pk, "record_review", answer="维持。", decision="upheld", answered_on="2026-09-01")
    due = first_workday_from(datetime.date(2026, 10, 1))
    assert deadline(pk, "petition.review_request").due_date == due
    clock.move_to(f"{(due + 3 * DAY).isoformat()}T10:00:00+08:00")
    fire(office, pk, "request_review", status=409, organ="市人民政府", requested_on=str(due + DAY))
    data = fire(office, pk, "request_review", organ="市人民政府", requested_on=str(due))
    assert [r["round"] for r in data["reviews"]] == [1, 2]


def test_closing_while_the_petitioner_may_still_ask_for_review_keeps_that_right(office, clock):
    """The 30 days of Art 35 are the petitioner's: the office closing the file on day 3 does not take them away.
    A request on day 30 is still recorded (the file reopens); on day 31 it is late."""
    reply_day = datetime.date(2026, 6, 1)
    pk = replied(office, clock, reply_day)
    clock.move_to(f"{(reply_day + 3 * DAY).isoformat()}T10:00:00+08:00")
    assert fire(office, pk, "close")["state"] == "closed"
    window = deadline(pk, "petition.review_request")
    assert window.status == "open" and window.due_date == reply_day + 30 * DAY
    clock.move_to(f"{(reply_day + 40 * DAY).isoformat()}T10:00:00+08:00")
    fire(office, pk, "request_review", status=409, organ="县人民政府", requested_on=str(reply_day + 31 * DAY))
    data = fire(office, pk, "request_review", organ="县人民政府", requested_on=str(reply_day + 30 * DAY))
    assert data["state"] == "review_requested" and data["closed_on"] is None
    fire(office, pk, "record_review", answer="维持。", decision="upheld")
    assert fire(office, pk, "close")["state"] == "closed"


def test_a_closed_petition_that_was_never_answered_takes_no_review_request(office, today):
    pk = register(office, today).json()["id"]
    fire(office, pk, "decline", reason="属于诉讼程序解决的事项")
    fire(office, pk, "close")
    fire(office, pk, "request_review", status=409, organ="县人民政府")
    assert Petition.objects.get(pk=pk).state == "closed"


# --- the flow's order ------------------------------------------------------------------------------------

def test_steps_out_of_order_are_409_and_change_nothing(office, today):
    village = Village.objects.create(name="石桥村")
    pk = register(office, today).json()["id"]
    fire(office, pk, "reply", status=409, opinion="x", result="support")
    fire(office, pk, "request_review", status=409, organ="县人民政府")
    fire(office, pk, "record_review", status=409, answer="x", decision="upheld")
    fire(office, pk, "escalate_to_town", status=409, reason="x")
    fire(office, pk, "close", status=409)
    fire(office, pk, "decline", reason="不属于信访事项")
    fire(office, pk, "accept", status=409)
    fire(office, pk, "send_to_village", status=409, village=village.pk)
    other = register(office, today).json()["id"]
    fire(office, other, "accept")
    fire(office, other, "send_to_village", status=400)  # no village named
    fire(office, other, "send_to_village", status=400, village=999999)
    fire(office, other, "send_to_village", village=village.pk)
    fire(office, other, "escalate_to_town", reason="未化解")
    fire(office, other, "escalate_to_town", status=409, reason="再次上交")
    fire(office, other, "send_to_village", status=409, village=village.pk)
    fire(office, other, "request_review", status=409, organ="县人民政府")
    assert Petition.objects.get(pk=pk).state == "not_accepted"
    assert Petition.objects.get(pk=other).state == "handling"


def test_send_to_village_names_a_mediator_who_is_one(office, today):
    village = Village.objects.create(name="石桥村")
    pk = register(office, today).json()["id"]
    fire(office, pk, "accept")
    officer = make_user("enforcement_officer")
    fire(office, pk, "send_to_village", status=400, village=village.pk, mediator=officer.pk)
    fire(office, pk, "send_to_village", status=400, village=village.pk, mediator=999999)
    fire(office, pk, "send_to_village", status=400, village=village.pk, mediator="张调解")


# --- the group visit: at most five representatives (条例 Art 19) -------------------------------------------

def test_a_sixth_representative_on_the_page_form_is_refused_and_the_form_keeps_what_was_typed(today):
    user = make_user("petition_office")
    lines = "\n".join(f"代表{i},1380000000{i}" for i in range(6))
    response = page(user).post("/petitions/petitions/add/", {
        "channel": "visit", "petitioners": lines, "group_visit": "on", "subject": "集体反映征地补偿",
        "content": "征地补偿款未发放。", "received_on": str(today)})
    assert response.status_code in (400, 409)
    html = response.content.decode()
    assert "代表5,13800000005" in html and "集体反映征地补偿" in html and "征地补偿款未发放" in html
    assert not Petition.objects.exists()


def test_the_api_has_no_patch_to_slip_a_sixth_representative_in(office, today):
    five = [{"name": f"代表{i}", "phone": f"1380000000{i}"} for i in range(5)]
    pk = register(office, today, five, group_visit=True).json()["id"]
    six = five + [{"name": "代表6", "phone": "13800000006"}]
    response = office.patch(f"/api/v1/petitions/{pk}/", {"petitioners": six}, format="json")
    assert response.status_code == 405
    assert Petition.objects.get(pk=pk).petitioners.count() == 5


# --- who sees what ----------------------------------------------------------------------------------------

@pytest.fixture
def secret(office, today):
    """A petition at the village of a named mediator, answered, with a document and an attachment."""
    village = Village.objects.create(name="石桥村")
    named = make_user("mediator")
    pk = register(office, today, [{"name": "李四", "phone": PHONE, "id_number": ID_NUMBER}]).json()["id"]
    fire(office, pk, "accept")
    fire(office, pk, "send_to_village", village=village.pk, mediator=named.pk)
    upload = office.post(f"/api/v1/petitions/{pk}/attachments/",
                         {"file": SimpleUploadedFile("信访材料.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
                          "category": "other", "title": "信访材料"}, format="multipart")
    assert upload.status_code == 201, upload.content[:300]
    documents = office.get(f"/api/v1/petitions/{pk}/documents/").json()
    notice = next(r for r in documents if r["kind"] == "petition_acceptance_notice")
    return {"pk": pk, "named": named, "notice": notice, "attachment": upload.json()}


@pytest.mark.parametrize("who", ["drafter", "enforcement_officer", "brigade_chief", "mediator", "anonymous"])
def test_outsiders_get_nothing_of_a_petition_anywhere(secret, who):
    pk = secret["pk"]
    api = APIClient() if who == "anonymous" else client_for(make_user(who))
    urls = [f"/api/v1/petitions/{pk}/", f"/api/v1/petitions/{pk}/documents/", f"/api/v1/petitions/{pk}/attachments/",
            secret["notice"]["urls"]["docx"], secret["notice"]["urls"]["pdf"]]
    if secret["attachment"].get("url"):
        urls.append(secret["attachment"]["url"])
    lists = ["/api/v1/petitions/?format=xlsx", "/api/v1/petitions/"]
    for url in urls + lists:
        response = api.get(url)
        # Another village's mediator may list petitions: his own, none of them this one.
        allowed = (401, 403, 404, 200) if who == "mediator" and url in lists else (401, 403, 404)
        assert response.status_code in allowed, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert PHONE.encode() not in body and ID_NUMBER.encode() not in body and "李四".encode() not in body
    for name, data in (("escalate_to_town", {"reason": "x"}), ("reply", {"opinion": "x", "result": "support"}),
                       ("close", {})):
        assert api.post(f"/api/v1/petitions/{pk}/transitions/{name}/", data,
                        format="json").status_code in (401, 403, 404)
    assert Petition.objects.get(pk=pk).state == "at_village"
    if who != "anonymous":
        browser = page(make_user(who))
        for url in (f"/petitions/petitions/{pk}/", f"/petitions/petitions/{pk}/transitions/escalate_to_town/",
                    "/petitions/petitions/?export=xlsx"):
            response = browser.get(url)
            allowed = (403, 404, 200) if who == "mediator" and "export" in url else (403, 404)
            assert response.status_code in allowed, (url, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert PHONE.encode() not in body and ID_NUMBER.encode() not in body
    else:
        response = Client().get(f"/petitions/petitions/{pk}/")
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_named_mediator_and_the_office_see_it_the_office_exports_all(secret, office, today):
    pk = secret["pk"]
    assert client_for(secret["named"]).get(f"/api/v1/petitions/{pk}/").status_code == 200
    register(office, today, [{"name": "王五", "phone": "13700000000"}])
    response = office.get("/api/v1/petitions/?format=xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))[1:]
    names = {row[3] for row in rows}
    assert names == {"李四", "王五"}
    # the named mediator's export holds only his petition
    mine = client_for(secret["named"]).get("/api/v1/petitions/?format=xlsx")
    content = b"".join(mine.streaming_content) if mine.streaming else mine.content
    assert [r[3] for r in list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))[1:]] \
        == ["李四"]


# --- bad input ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [
    {"subject": "x" * 201}, {"subject": ""}, {"content": ""}, {"content": "长" * 200_000}, {"subject": "宅基\x00地"},
    {"channel": "pigeon"}, {"received_on": "昨天"}, {"received_on": 20260101}, {"petitioners": "张三"},
    {"petitioners": [{"name": "张三"}]}, {"petitioners": [{"name": "", "phone": "1"}]},
    {"petitioners": [{"name": "张\x00三", "phone": "1"}]}, {"village": 999999}, {"village": "石桥村"},
    {"repeat_of": 999999}, {"repeat_of": "x"}, {"group_visit": "maybe"}, {"petitioners": [["张三", "1"]]},
])
def test_bad_registrations_are_400(office, today, change):
    body = {"channel": "visit", "subject": "宅基地边界纠纷", "content": "邻居占用宅基地。", "received_on": str(today),
            "petitioners": [{"name": "张三", "phone": "13800000000"}], **change}
    response = office.post("/api/v1/petitions/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert not Petition.objects.exists()


def test_unicode_petitioners_and_subjects_are_kept(office, today):
    body = register(office, today, [{"name": "阿依古丽·买买提", "phone": "+86 138-0000-0000"}],
                    subject="𠮷野家 🏠 边界").json()
    assert body["petitioners"][0]["name"] == "阿依古丽·买买提" and body["subject"] == "𠮷野家 🏠 边界"


@pytest.mark.parametrize("name, data", [
    ("reply", {"opinion": "", "result": "support"}), ("reply", {"opinion": "x", "result": "maybe"}),
    ("reply", {"opinion": "x\x00", "result": "support"}), ("reply", {"opinion": "x", "result": "support",
                                                                    "replied_on": "32/13/2026"}),
    ("reply", {"opinion": ["x"], "result": "support"}), ("reply", {"opinion": "长" * 200_000, "result": "support"}),
])
def test_bad_transition_fields_are_400(office, today, name, data):
    pk = register(office, today).json()["id"]
    fire(office, pk, "accept")
    fire(office, pk, name, status=400, **data)
    assert Petition.objects.get(pk=pk).state == "accepted"


def test_unknown_ids_and_transitions_are_404(office):
    assert office.get("/api/v1/petitions/999999/").status_code == 404
    assert office.get("/api/v1/petitions/abc/").status_code == 404
    assert office.post("/api/v1/petitions/999999/transitions/accept/", {}, format="json").status_code == 404
    assert office.get("/api/v1/petitions/?village=abc").status_code == 400
    assert office.get("/api/v1/petitions/?year=20x6").status_code == 400
    assert office.get("/api/v1/petitions/?state=nonsense").status_code == 400
    browser = page(make_user("petition_office"))
    assert browser.get("/petitions/petitions/999999/").status_code == 404
    assert browser.get("/petitions/petitions/?state=nonsense&q=" + "x" * 500).status_code in (200, 400)


def test_a_refused_transition_page_keeps_what_was_typed(today):
    user = make_user("petition_office")
    office = client_for(user)
    pk = register(office, today).json()["id"]
    fire(office, pk, "accept")
    response = page(user).post(f"/petitions/petitions/{pk}/transitions/reply/", {
        "opinion": "经调查核实，占地属实。", "result": "support", "replied_on": str(today + DAY)})
    assert response.status_code in (400, 409)
    assert "经调查核实，占地属实。" in response.content.decode()
    assert Petition.objects.get(pk=pk).state == "accepted"


# --- documents --------------------------------------------------------------------------------------------

def test_each_document_before_its_step_is_409(office, today):
    pk = register(office, today).json()["id"]
    rows = {r["kind"]: r for r in office.get(f"/api/v1/petitions/{pk}/documents/").json()}
    for kind in ("petition_acceptance_notice", "petition_non_acceptance_notice", "petition_handling_opinion",
                 "petition_extension_notice"):
        for fmt in ("docx", "pdf"):
            assert office.get(rows[kind]["urls"][fmt]).status_code == 409, (kind, fmt)


def test_the_handling_opinion_carries_opinion_result_and_the_art_35_right(office, today):
    pk = register(office, today).json()["id"]
    fire(office, pk, "accept")
    fire(office, pk, "reply", opinion="经调查核实，邻居占地属实，已责令其恢复原状。", result="support")
    row = next(r for r in office.get(f"/api/v1/petitions/{pk}/documents/").json()
               if r["kind"] == "petition_handling_opinion")
    docx = squeeze(docx_text(office.get(row["urls"]["docx"]).content))
    pdf = pdf_text(office.get(row["urls"]["pdf"]).content)
    for text in (docx, pdf):
        assert "邻居占地属实" in text and "支持" in text
        assert "30日" in text and "复查" in text and "第三十五条" in text and "上一级" in text
        assert f"上一级行政机关{settings.COUNTY_NAME}人民政府复查" in text  # the organ named (Art 35 ¶1)


# --- the 30 days run from receiving the written answer (条例 Art 35 ¶1, 36 ¶1: 收到书面答复之日) --------------------

@pytest.mark.parametrize("how", ["on_reply", "recorded_later"])
def test_the_review_window_runs_from_receipt_of_the_answer_day_30_in_time_day_31_late(office, clock, how):
    reply_day = datetime.date(2026, 6, 1)
    served = reply_day + 5 * DAY
    day30 = served + 30 * DAY
    assert calendar.is_workday(day30)
    clock.move_to(f"{served.isoformat()}T10:00:00+08:00")
    pk = register(office, reply_day - 10 * DAY).json()["id"]
    fire(office, pk, "accept", accepted_on=str(reply_day - 9 * DAY))
    if how == "on_reply":
        data = fire(office, pk, "reply", opinion="予以解释。", result="explain", replied_on=str(reply_day),
                    served_on=str(served))
    else:
        fire(office, pk, "reply", opinion="予以解释。", result="explain", replied_on=str(reply_day))
        assert deadline(pk, "petition.review_request").due_date == reply_day + 30 * DAY
        data = fire(office, pk, "record_service", served_on=str(served))
    assert data["served_on"] == str(served)
    assert deadline(pk, "petition.review_request").due_date == day30
    clock.move_to(f"{(day30 + 3 * DAY).isoformat()}T10:00:00+08:00")
    late = fire(office, pk, "request_review", status=409, organ="县人民政府", requested_on=str(day30 + DAY))
    assert day30.isoformat() in str(late)
    assert fire(office, pk, "request_review", organ="县人民政府", requested_on=str(day30))["state"] == "review_requested"


def test_the_answer_is_not_received_before_it_is_given_nor_in_the_future(office, today):
    pk = register(office, today - 5 * DAY).json()["id"]
    fire(office, pk, "accept", accepted_on=str(today - 4 * DAY))
    fire(office, pk, "reply", status=400, opinion="支持。", result="support", replied_on=str(today - 2 * DAY),
         served_on=str(today - 3 * DAY))
    fire(office, pk, "reply", status=400, opinion="支持。", result="support", replied_on=str(today - 2 * DAY),
         served_on=str(today + DAY))
    fire(office, pk, "reply", opinion="支持。", result="support", replied_on=str(today - 2 * DAY))
    fire(office, pk, "record_service", status=400, served_on=str(today - 3 * DAY))
    fire(office, pk, "record_service", status=400, served_on=str(today + DAY))
    assert deadline(pk, "petition.review_request").anchor_date == today - 2 * DAY


def test_the_re_review_window_runs_from_receipt_of_the_review_answer(office, clock):
    """复核 (Art 36 ¶1): 30 days from receiving the 复查意见, here 5 days after it is dated."""
    pk = replied(office, clock, datetime.date(2026, 5, 4))
    clock.move_to("2026-06-20T10:00:00+08:00")
    fire(office, pk, "request_review", organ="县人民政府", requested_on="2026-05-10")
    fire(office, pk, "record_review", status=400, answer="维持。", decision="upheld", answered_on="2026-06-01",
         served_on="2026-05-31")
    data = fire(office, pk, "record_review", answer="维持。", decision="upheld", answered_on="2026-06-01",
                served_on="2026-06-06")
    assert data["reviews"][0]["served_on"] == "2026-06-06"
    due = first_workday_from(datetime.date(2026, 7, 6))
    assert deadline(pk, "petition.review_request").due_date == due
    clock.move_to(f"{(due + 3 * DAY).isoformat()}T10:00:00+08:00")
    fire(office, pk, "request_review", status=409, organ="市人民政府", requested_on=str(due + DAY))
    fire(office, pk, "request_review", organ="市人民政府", requested_on=str(due))
    # The request made, no window is open: a receipt recorded now is refused.
    fire(office, pk, "record_service", status=409, served_on=str(due))

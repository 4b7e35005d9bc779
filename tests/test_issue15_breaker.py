# ruff: noqa: F811  (the fixtures `med` and `town` are imported from the other test modules and named as arguments)
"""Issue 15, the breaker's pass: people's mediation (人民调解法, CONTRACT §8) and the legal network registers tried
where a legal reader or a clerk would push — out-of-order and repeated transitions, dates at the edges of the day
and of the 30 days of Art 33, another committee's mediator, bad input, phones, anonymous readers, filtered exports."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from mediation.models import Mediation, Mediator
from network.models import Activity, LegalAdviser, LegalLiterate
from notifications import calendar
from notifications.models import Deadline, Delivery, Reminder
from notifications.reminders import expand_due_reminders

from .case_fixtures import ok, town_fixture  # noqa: F401
from .conftest import client_for, make_user
from .document_helpers import docx_text, pdf_text, squeeze
from .test_mediation import URL, WRITTEN, agree, fire, med, parties, register, started  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
DAY = datetime.timedelta(days=1)


def state_of(pk):
    return Mediation.objects.get(pk=pk).state


def xlsx_rows(response):
    assert response.status_code == 200, response.content[:300]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def page(user):
    client = Client()
    client.force_login(user)
    return client


# --- the mediation flow -------------------------------------------------------------------------------------

@pytest.mark.parametrize("consent", [False, "no", "false", "", None, 0, "拒绝"])
def test_start_needs_every_partys_consent_given_as_a_plain_yes(med, consent):
    """Art 17: anything but an explicit yes leaves the dispute registered (409, or 400 for a value that is no
    yes/no at all) — "no" is not consent."""
    body = ok(register(med.api1, med.village), 201)
    fields = {"mediators": [med.m1.pk]}
    if consent is not None:
        fields["consent"] = consent
    response = fire(med.api1, body["id"], "start", **fields)
    assert response.status_code in (400, 409), response.content
    assert state_of(body["id"]) == "registered"


@pytest.mark.parametrize("twice", [
    [{"name": "张三", "id_number": "410421198001011234", "address": "石桥村1组"},
     {"name": "张三", "id_number": "410421198001011234", "address": "石桥村1组"}],
    [{"name": "张三", "address": "石桥村1组"}, {"name": " 张三 ", "address": "石桥村1组"}],
])
def test_one_party_named_twice_is_not_a_dispute_between_two(med, twice):
    """Art 2: a dispute is between parties; the same person twice is one party — 400 naming `parties`."""
    response = register(med.api1, med.village, parties=twice)
    assert response.status_code == 400, response.content
    assert "parties" in response.json()["fields"]
    assert not Mediation.objects.exists()


def test_two_people_of_the_same_name_are_two_parties(med):
    """Namesakes (张伟 and 张伟) are two parties when their ID numbers or addresses tell them apart."""
    rows = [{"name": "张伟", "address": "石桥村1组"}, {"name": "张伟", "address": "石桥村5组"}]
    assert register(med.api1, med.village, parties=rows).status_code == 201


def test_transitions_out_of_order_or_twice_are_refused_409(med, today):
    body = ok(register(med.api1, med.village), 201)
    pk = body["id"]
    for name, fields in (("reach_agreement", dict(WRITTEN, performance_due_on=today)),
                         ("record_confirmation", {"court": "某县人民法院", "applied_on": today, "ruled_on": today}),
                         ("record_performance", {"note": "已履行"}), ("close", {})):
        response = fire(med.api1, pk, name, **fields)
        assert response.status_code == 409, (name, response.content)
        assert state_of(pk) == "registered"
    ok(fire(med.api1, pk, "start", mediators=[med.m1.pk], consent=True))
    assert fire(med.api1, pk, "start", mediators=[med.m1.pk], consent=True).status_code == 409
    assert fire(med.api1, pk, "close").status_code == 409
    ok(agree(med, pk, today))
    assert agree(med, pk, today).status_code == 409  # the same agreement twice
    assert fire(med.api1, pk, "fail", reason="x", routes_told=["court"]).status_code == 409
    assert fire(med.api1, pk, "close").status_code == 409  # Art 31: performance first
    assert state_of(pk) == "agreed"
    assert Deadline.objects.filter(object_id=pk, kind="mediation.confirmation").count() == 1
    ok(fire(med.api1, pk, "record_performance", note="已履行", fully_performed=True))
    ok(fire(med.api1, pk, "close"))
    assert fire(med.api1, pk, "close").status_code == 409
    assert fire(med.api1, pk, "record_confirmation", court="某县人民法院", applied_on=today,
                ruled_on=today).status_code == 409


def test_agreement_dates_keep_their_order(med, today):
    """agreed_on ≥ start, effective_on ≥ agreed_on and ≤ today (Art 29 ¶2), performance due ≥ effective (400)."""
    start = today - 5 * DAY
    pk = started(med, registered_on=start)["id"]
    cases = [
        {"agreed_on": start - DAY, "effective_on": start},                         # before the mediation started
        {"agreed_on": start, "effective_on": start - DAY},                         # effect before it was reached
        {"agreed_on": start, "effective_on": today + DAY},                         # effect in the future
        {"agreed_on": today + DAY, "effective_on": today + DAY},                   # reached tomorrow
        {"agreed_on": start, "effective_on": start + DAY, "performance_due_on": start},  # due before effect
    ]
    for fields in cases:
        fields = dict(fields)
        response = agree(med, pk, fields.pop("effective_on"), **fields)
        assert response.status_code == 400, (fields, response.content)
        assert state_of(pk) == "mediating"
    body = ok(agree(med, pk, start + DAY, agreed_on=start, performance_due_on=start + DAY))
    assert body["effective_on"] == (start + DAY).isoformat()


def test_confirmation_applied_before_the_agreement_took_effect_or_ruled_before_applied_is_400(med, today):
    start = today - 10 * DAY
    pk = started(med, registered_on=start)["id"]
    ok(agree(med, pk, start + 2 * DAY))
    for fields in ({"applied_on": start + DAY, "ruled_on": today},
                   {"applied_on": today, "ruled_on": today - DAY},
                   {"applied_on": today, "ruled_on": today + DAY}):
        response = fire(med.api1, pk, "record_confirmation", court="某县人民法院", **fields)
        assert response.status_code == 400, (fields, response.content)
    assert state_of(pk) == "agreed"


# The 30 days of Art 33 at the edges of the town's day: effective on Monday 2026-06-01, day 30 is Wednesday
# 2026-07-01 (a working day). At 00:05 the UTC date is still the day before; at 23:50 it is the same day.
EFFECTIVE = datetime.date(2026, 6, 1)
DAY_30 = datetime.date(2026, 7, 1)


@pytest.mark.parametrize("hour", ["00:05", "23:50"])
def test_day_30_of_art_33_at_both_edges_of_the_day(med, clock, hour):
    assert calendar.is_workday(DAY_30)
    clock.move_to(f"{DAY_30.isoformat()}T{hour}:00+08:00")
    pk = started(med, registered_on=EFFECTIVE)["id"]
    body = ok(agree(med, pk, EFFECTIVE))
    deadline = next(d for d in body["deadlines"] if d["kind"] == "mediation.confirmation")
    assert deadline["due_date"] == DAY_30.isoformat()
    assert deadline["status"] == "open"
    # an agreement that takes effect today (town time) is not "in the future", at 00:05 nor at 23:50
    other = started(med)["id"]
    assert ok(agree(med, other, DAY_30))["effective_on"] == DAY_30.isoformat()
    # the application on day 30 itself is in time
    confirmed = ok(fire(med.api1, pk, "record_confirmation", court="某县人民法院", applied_on=DAY_30,
                        ruled_on=DAY_30))
    assert confirmed["state"] == "confirmed"


@pytest.mark.parametrize("hour", ["00:05", "23:50"])
def test_day_31_of_art_33_is_late_at_both_edges_of_the_day(med, clock, hour):
    clock.move_to(f"{(DAY_30 + DAY).isoformat()}T{hour}:00+08:00")
    pk = started(med, registered_on=EFFECTIVE)["id"]
    ok(agree(med, pk, EFFECTIVE))
    late = fire(med.api1, pk, "record_confirmation", court="某县人民法院", applied_on=DAY_30 + DAY,
                ruled_on=DAY_30 + DAY)
    assert late.status_code == 409 and "Art 33" in late.json()["rule"]
    assert "2026-07-01" in late.json()["detail"]


def test_day_30_on_national_day_rolls_to_the_first_working_day_after(med, clock):
    """Effective 2026-09-01: day 30 is 2026-10-01, inside the National Day holiday (民法典 Art 203 rolls it)."""
    effective, day30 = datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)
    clock.move_to("2026-10-30T10:00:00+08:00")
    assert not calendar.is_workday(day30)
    pk = started(med, registered_on=effective)["id"]
    body = ok(agree(med, pk, effective))
    due = datetime.date.fromisoformat(next(d for d in body["deadlines"]
                                           if d["kind"] == "mediation.confirmation")["due_date"])
    first_workday = day30
    while not calendar.is_workday(first_workday):
        first_workday += DAY
    assert due == first_workday and due >= datetime.date(2026, 10, 8)
    late = fire(med.api1, pk, "record_confirmation", court="某县人民法院", applied_on=due + DAY, ruled_on=due + DAY)
    assert late.status_code == 409
    assert ok(fire(med.api1, pk, "record_confirmation", court="某县人民法院", applied_on=due,
                   ruled_on=due))["state"] == "confirmed"


def test_the_confirmation_reminder_reaches_only_mediators_who_can_open_it(med, today):
    """The named mediator has no account: the committee's mediators are reminded — not one struck off the
    register (they no longer see the committee's mediations) and never another village's mediator."""
    no_account = Mediator.objects.create(name="无账号调解员", committee=med.c1)
    struck_off = make_user("mediator", username="mediator-struck-off")
    Mediator.objects.create(name="已除名", committee=med.c1, user=struck_off, active=False)
    body = ok(register(med.api1, med.village), 201)
    ok(fire(med.api1, body["id"], "start", mediators=[no_account.pk], consent=True))
    ok(agree(med, body["id"], today))
    row = Deadline.objects.get(kind="mediation.confirmation", object_id=body["id"])
    due = Reminder.objects.get(deadline=row, stage=Reminder.Stage.DUE)
    expand_due_reminders(due.send_at)
    recipients = set(Delivery.objects.filter(reminder=due).values_list("recipient__username", flat=True))
    assert recipients == {"mediator-1"}
    assert client_for(struck_off).get(f"{URL}{body['id']}/").status_code in (403, 404)


def test_a_town_mediator_named_to_assist_sees_and_acts(med, today):
    """Art 19 as the flow allows it: the town committee's mediator assists a village committee (大事不出镇); named
    on the mediation, they are reminded of it — so they open it and may record its steps."""
    town_user = make_user("mediator", username="mediator-town")
    town_mediator = Mediator.objects.create(name="镇调解员", committee=med.town, user=town_user)
    body = ok(register(med.api1, med.village), 201)
    ok(fire(med.api1, body["id"], "start", mediators=[med.m1.pk, town_mediator.pk], consent=True))
    api = client_for(town_user)
    assert api.get(f"{URL}{body['id']}/").status_code == 200
    assert body["id"] in [m["id"] for m in api.get(URL).json()["results"]]
    assert page(town_user).get(f"/mediation/mediations/{body['id']}/").status_code == 200
    assert ok(fire(api, body["id"], "reach_agreement", **dict(WRITTEN, performance_due_on=today)))["state"] == "agreed"


# --- another village's mediator never sees the data ---------------------------------------------------------

def test_another_committees_mediator_gets_nothing_anywhere(med, today, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    pk = started(med)["id"]
    ok(med.api1.post(f"{URL}{pk}/work-records/", {"held_on": today.isoformat(), "content": "秘密陈述内容"},
                     format="json"), 201)
    upload = med.api1.post(f"{URL}{pk}/attachments/", {
        "file": SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        "category": "signed_document", "title": "签字笔录"}, format="multipart")
    assert upload.status_code == 201, upload.content
    ok(agree(med, pk, today))
    docs = {d["kind"]: d for d in ok(med.api1.get(f"{URL}{pk}/documents/"))}
    other = med.api2
    for url in (f"{URL}{pk}/", f"{URL}{pk}/documents/", f"{URL}{pk}/attachments/",
                docs["mediation_agreement"]["urls"]["docx"], docs["mediation_agreement"]["urls"]["pdf"],
                docs["mediation_registration"]["urls"]["docx"],
                f"/api/v1/attachments/{upload.json()['id']}/download/"):
        response = other.get(url)
        assert response.status_code in (403, 404), (url, response.status_code)
        assert "秘密陈述" not in response.content.decode("utf-8", "ignore")
    assert other.post(f"{URL}{pk}/attachments/", {
        "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        "category": "other", "title": "x"}, format="multipart").status_code in (403, 404)
    assert other.post(f"{URL}{pk}/work-records/", {"held_on": today.isoformat(), "content": "x"},
                      format="json").status_code in (403, 404)
    for name, fields in (("record_performance", {"note": "x"}), ("close", {})):
        assert fire(other, pk, name, **fields).status_code in (403, 404)
    assert state_of(pk) == "agreed"
    number = Mediation.objects.get(pk=pk).number
    _, rows = xlsx_rows(other.get(URL, {"format": "xlsx"}))
    assert not any(number in str(cell) for row in rows for cell in row)
    browser = page(med.m2_user)
    _, rows = xlsx_rows(browser.get("/mediation/mediations/", {"export": "xlsx"}))
    assert not any(number in str(cell) for row in rows for cell in row)
    assert number not in browser.get("/mediation/mediations/").content.decode()
    assert browser.get(f"/mediation/mediations/{pk}/").status_code == 404


# --- bad input: 400, never 500 ------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [
    {"summary": "纠" * 200_000},
    {"summary": ""},
    {"summary": "邻里\x00纠纷"},
    {"parties": [{"name": "张" * 101}, {"name": "李四"}]},
    {"parties": [{"name": ""}, {"name": "李四"}]},
    {"parties": "张三、李四"},
    {"parties": [{"name": "张三", "kind": "alien"}, {"name": "李四"}]},
    {"dispute_type": "feud"},
    {"village": "石桥村"},
    {"source": "case", "case": 99_999_999},
    {"source": "petition", "petition": 99_999_999},
    {"source": "application", "case": "abc"},
    {"registered_on": "2026-02-30"},
])
def test_bad_registrations_are_400(med, change):
    data = {"parties": parties(), "village": med.village.pk, "dispute_type": "neighbour", "summary": "滴水檐纠纷",
            "source": "application"}
    data.update(change)
    response = med.api1.post(URL, data, format="json")
    assert response.status_code == 400, response.content[:300]
    assert not Mediation.objects.exists()


def test_unicode_names_and_summaries_are_kept(med):
    body = ok(register(med.api1, med.village, summary="𠮷野家与邻居因排水沟争执 🏠",
                       parties=[{"name": "𠮷田", "address": "石桥村1组"}, {"name": "阿依古丽·买买提", "address": "2组"}]),
              201)
    assert [p["name"] for p in body["parties"]] == ["𠮷田", "阿依古丽·买买提"]


@pytest.mark.parametrize("name, fields", [
    ("start", {"mediators": [99_999_999], "consent": True}),
    ("start", {"mediators": "李调解", "consent": True}),
    ("start", {"mediators": [], "consent": True}),
    ("start", {"mediators": ["MED1"], "consent": True, "started_on": "yesterday"}),
    ("fail", {"reason": "x", "routes_told": ["moon"]}),
    ("fail", {"reason": "", "routes_told": ["court"]}),
])
def test_bad_transition_fields_are_400(med, name, fields):
    pk = ok(register(med.api1, med.village), 201)["id"]
    fields = {k: ([med.m1.pk] if v == ["MED1"] else v) for k, v in fields.items()}
    response = fire(med.api1, pk, name, **fields)
    assert response.status_code == 400, response.content[:300]
    assert state_of(pk) == "registered"


def test_a_huge_agreement_is_400_and_a_mediator_of_another_committee_is_400(med, today):
    pk = started(med)["id"]
    response = agree(med, pk, today, terms="赔" * 300_000)
    assert response.status_code == 400
    assert agree(med, pk, today, performance_due_on="never").status_code == 400
    other = ok(register(med.api1, med.village), 201)["id"]
    response = fire(med.api1, other, "start", mediators=[med.m2.pk], consent=True)  # 河口村's mediator (Art 19)
    assert response.status_code == 400 and "mediators" in response.json()["fields"]


# --- links to a case and a petition -------------------------------------------------------------------------

def test_the_case_page_shows_the_mediation_and_a_not_yet_filed_case_is_409(town, med):  # noqa: F811
    officer = town.api("o1")
    case = town.investigating()
    ok(officer.post(f"/api/v1/cases/{case['id']}/transitions/start_mediation/", {}, format="json"))
    body = ok(officer.post(URL, {"parties": parties(), "dispute_type": "damage", "summary": "占道损坏邻铺门面",
                                 "source": "case", "case": case["id"]}, format="json"), 201)
    html = page(town.u["o1"]).get(f"/cases/cases/{case['id']}/").content.decode()
    assert body["number"] in html
    reported = town.report()  # not filed: nothing to mediate yet (C8)
    response = officer.post(URL, {"parties": parties(), "dispute_type": "damage", "summary": "x", "source": "case",
                                  "case": reported["id"]}, format="json")
    assert response.status_code == 409
    response = officer.post(URL, {"parties": parties(), "dispute_type": "damage", "summary": "x",
                                  "source": "application", "case": case["id"]}, format="json")
    assert response.status_code == 400


# --- the documents -----------------------------------------------------------------------------------------

def test_the_written_agreement_carries_every_item_of_art_29_in_docx_and_pdf(med, today):
    body = ok(register(med.api1, med.village, parties=[
        {"name": "张三", "gender": "男", "ethnicity": "汉族", "id_number": "410421198001011234", "address": "石桥村1组"},
        {"name": "李四", "address": "石桥村2组"}]), 201)
    pk = body["id"]
    ok(fire(med.api1, pk, "start", mediators=[med.m1.pk], consent=True))
    assert med.api1.get(f"{URL}{pk}/documents/").json()  # listed before the agreement…
    doc = {d["kind"]: d for d in med.api1.get(f"{URL}{pk}/documents/").json()}["mediation_agreement"]
    assert med.api1.get(doc["urls"]["pdf"]).status_code == 409  # …but not produced (no agreement yet)
    due = today + 20 * DAY
    ok(agree(med, pk, today, performance_due_on=due))
    doc = {d["kind"]: d for d in med.api1.get(f"{URL}{pk}/documents/").json()}["mediation_agreement"]
    expected = ["张三", "男", "汉族", "410421198001011234", "石桥村1组", "李四", "石桥村2组", WRITTEN["facts"],
                WRITTEN["responsibilities"], WRITTEN["terms"], WRITTEN["performance_manner"],
                f"{due.year}年{due.month}月{due.day}日", "李调解", "石桥村人民调解委员会", doc["number"]]
    docx = squeeze(docx_text(med.api1.get(doc["urls"]["docx"]).content))
    pdf = squeeze(pdf_text(med.api1.get(doc["urls"]["pdf"]).content))
    for item in expected:
        assert squeeze(item) in docx, ("docx", item)
        assert squeeze(item) in pdf, ("pdf", item)


# --- the network --------------------------------------------------------------------------------------------

ADVISERS, LITERATES, ACTIVITIES = "/api/v1/legal-advisers/", "/api/v1/legal-literates/", "/api/v1/activities/"


@pytest.fixture
def net(town):  # noqa: F811
    town.u["sifa"] = make_user("judicial_office", username="sifa-net")
    town.u["secretary"] = make_user("office_secretary", username="secretary-net")
    return town


def contract(village, start, end, name="王律师", phone="13903750001"):
    return {"village": village.pk, "name": name, "firm": "河南宝丰明理律师事务所", "phone": phone,
            "contract_start": start.isoformat(), "contract_end": end.isoformat()}


def test_adviser_contracts_meet_but_do_not_overlap_at_their_boundary_days(net, today):
    api = net.api("sifa")
    start, end = today - 100 * DAY, today + 100 * DAY
    ok(api.post(ADVISERS, contract(net.village, start, end), format="json"), 201)
    assert api.post(ADVISERS, contract(net.village, end, end + 300 * DAY, "李律师"), format="json").status_code == 409
    assert api.post(ADVISERS, contract(net.village, start - 300 * DAY, start, "赵律师"),
                    format="json").status_code == 409
    assert api.post(ADVISERS, contract(net.village, start + DAY, end - DAY, "钱律师"), format="json").status_code == 409
    assert api.post(ADVISERS, contract(net.village, start - DAY, end + DAY, "孙律师"), format="json").status_code == 409
    after = ok(api.post(ADVISERS, contract(net.village, end + DAY, end + 300 * DAY, "李律师"), format="json"), 201)
    before = ok(api.post(ADVISERS, contract(net.village, start - 300 * DAY, start - DAY, "赵律师"), format="json"), 201)
    # coverage: the last day is the old adviser's, the day after the new one's
    for day, name in ((end, "王律师"), (end + DAY, "李律师"), (start, "王律师"), (start - DAY, "赵律师")):
        row = next(v for v in api.get(f"{ADVISERS}coverage/", {"on": day.isoformat()}).json()["villages"]
                   if v["village"] == net.village.pk)
        assert row["adviser_name"] == name, (day, row)
    assert api.get(ADVISERS, {"on": (end + DAY).isoformat()}).json()["results"][0]["id"] == after["id"]
    # moving the new contract one day earlier collides with the old one's last day
    assert api.patch(f"{ADVISERS}{after['id']}/", {"contract_start": end.isoformat()},
                     format="json").status_code == 409
    assert api.patch(f"{ADVISERS}{before['id']}/", {"village": net.village2.pk}, format="json").status_code == 200
    assert api.get(f"{ADVISERS}coverage/", {"on": "2026-02-30"}).status_code == 400


@pytest.mark.parametrize("who", ["o1", "chief", "principal", "drafter"])
def test_phones_are_hidden_from_roles_that_may_not_see_them(net, today, who):
    LegalAdviser.objects.create(village=net.village, name="王律师", firm="明理所", phone="13903750001",
                                contract_start=today - 10 * DAY, contract_end=today + 10 * DAY)
    LegalLiterate.objects.create(village=net.village, name="李秀英", phone="15937500002")
    api, browser = net.api(who), page(net.u[who])
    secret = ("13903750001", "15937500002")
    responses = [api.get(ADVISERS), api.get(LITERATES), api.get(f"{ADVISERS}{LegalAdviser.objects.get().pk}/"),
                 api.get(f"{LITERATES}{LegalLiterate.objects.get().pk}/"), api.get(f"{ADVISERS}coverage/"),
                 browser.get("/network/advisers/"), browser.get("/network/literates/"),
                 browser.get("/network/coverage/")]
    for response in responses:
        assert response.status_code == 200, (response.request["PATH_INFO"], response.status_code)
        assert not any(s in response.content.decode() for s in secret), response.request["PATH_INFO"]
    for response in (api.get(ADVISERS, {"format": "xlsx"}), api.get(LITERATES, {"format": "xlsx"}),
                     browser.get("/network/advisers/", {"export": "xlsx"}),
                     browser.get("/network/literates/", {"export": "xlsx"})):
        header, rows = xlsx_rows(response)
        assert not any(s in str(cell) for row in rows for cell in row for s in secret)
        assert rows  # the rows are there, without the phone


def test_the_judicial_office_sees_the_phones(net, today):
    LegalAdviser.objects.create(village=net.village, name="王律师", firm="明理所", phone="13903750001",
                                contract_start=today - 10 * DAY, contract_end=today + 10 * DAY)
    assert net.api("sifa").get(ADVISERS).json()["results"][0]["phone"] == "13903750001"
    assert "13903750001" in page(net.u["sifa"]).get("/network/advisers/").content.decode()


def test_activity_dates_and_attendance_at_their_edges(net, clock):
    clock.move_to("2026-06-10T23:50:00+08:00")
    api = net.api("secretary")

    def log(**change):
        data = {"kind": "publicity", "held_on": "2026-06-10", "title": "禁毒日宣传", "village": net.village.pk,
                "attendance": 120}
        data.update(change)
        return api.post(ACTIVITIES, data, format="json")

    assert log(held_on="2026-06-11").status_code == 400  # tomorrow, though UTC is still 06-10
    for bad in (-1, 10**7, "abc", 1.5, True, None):
        response = log(attendance=bad)
        assert response.status_code == 400, (bad, response.content[:200])
    assert log(title="宣" * 201).status_code == 400
    assert log(kind="party").status_code == 400
    assert log(village=99_999_999).status_code == 400
    assert ok(log(), 201)["held_on"] == "2026-06-10"
    clock.move_to("2026-06-11T00:05:00+08:00")  # UTC is still 06-10: the town's day is 06-11
    assert ok(log(held_on="2026-06-11", attendance=0), 201)["attendance"] == 0
    assert Activity.objects.count() == 2


def test_anonymous_readers_get_nothing(net, today):
    LegalAdviser.objects.create(village=net.village, name="王律师", firm="明理所", phone="13903750001",
                                contract_start=today, contract_end=today)
    anonymous = APIClient()
    for url in (ADVISERS, LITERATES, ACTIVITIES, f"{ADVISERS}coverage/", f"{ADVISERS}?format=xlsx", URL,
                "/api/v1/mediators/", "/api/v1/mediation-committees/"):
        assert anonymous.get(url).status_code == 401, url
    assert anonymous.post(ACTIVITIES, {"kind": "study", "held_on": today.isoformat(), "title": "x"},
                          format="json").status_code == 401
    browser = Client()
    for url in ("/network/advisers/", "/network/literates/", "/network/activities/", "/network/coverage/",
                "/network/advisers/?export=xlsx", "/mediation/mediations/"):
        response = browser.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_an_exported_filtered_list_holds_only_the_filtered_rows(net, today):
    for i, (kind, village) in enumerate((("performance", net.village), ("study", None), ("performance", None),
                                         ("lecture", net.village2))):
        Activity.objects.create(kind=kind, held_on=today - i * DAY, title=f"活动{i}", village=village, attendance=i)
    LegalLiterate.objects.create(village=net.village, name="李秀英")
    LegalLiterate.objects.create(village=net.village2, name="王秀兰")
    api, browser = net.api("sifa"), page(net.u["sifa"])
    _, rows = xlsx_rows(api.get(ACTIVITIES, {"kind": "performance", "format": "xlsx"}))
    assert sorted(row[2] for row in rows) == ["活动0", "活动2"]
    _, rows = xlsx_rows(api.get(ACTIVITIES, {"village": "town", "format": "xlsx"}))
    assert sorted(row[2] for row in rows) == ["活动1", "活动2"]
    _, rows = xlsx_rows(browser.get("/network/activities/", {"kind": "performance", "export": "xlsx"}))
    assert sorted(row[2] for row in rows) == ["活动0", "活动2"]
    _, rows = xlsx_rows(api.get(LITERATES, {"village": net.village2.pk, "format": "xlsx"}))
    assert [row[1] for row in rows] == ["王秀兰"]
    _, rows = xlsx_rows(api.get(LITERATES, {"q": "秀英", "format": "xlsx"}))
    assert [row[1] for row in rows] == ["李秀英"]


def test_mediators_phones_are_not_for_every_staff_role(med):
    """The register of mediators carries their phones: a drafter (no mediation work) does not read them."""
    Mediator.objects.filter(pk=med.m1.pk).update(phone="13700000001")
    response = client_for(make_user("drafter", username="drafter-x")).get("/api/v1/mediators/")
    assert response.status_code in (200, 403)
    assert "13700000001" not in response.content.decode()
    assert "13700000001" in med.api1.get("/api/v1/mediators/").content.decode()


# --- the lead: a yes/no field of any transition reads only true/false from JSON ------------------------------------


@pytest.mark.parametrize("word", ["no", "拒绝", "yes", "否"])
def test_a_boolean_transition_field_refuses_words_it_cannot_read(word):
    """Django's BooleanField reads any text but "false"/"0" as yes; the API refuses such a value for every
    transition form (e.g. a case's hearing waiver, a mediation's oral agreement) instead of reading it as yes."""
    from django import forms as django_forms

    from workflows.forms import TransitionForm, json_type_errors

    class Form(TransitionForm):
        oral = django_forms.BooleanField(required=False)

    assert "oral" in json_type_errors(Form(data={"oral": word}), {"oral": word})
    for yes_or_no in (True, False, "true", "false", "on", "0"):
        assert json_type_errors(Form(data={"oral": yes_or_no}), {"oral": yes_or_no}) == {}

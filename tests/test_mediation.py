"""People's mediation (人民调解法; CONTRACT §8): each rule tried at its boundary, through the REST API as the
committees would use it. Runs on SQLite and on PostgreSQL (CI runs the suite on both)."""

import datetime
import re

import pytest
from django.test import Client

from cases.models import Case
from mediation.models import Mediation, MediationCommittee, Mediator
from notifications import calendar
from notifications.models import Deadline, Delivery, Reminder
from notifications.reminders import expand_due_reminders
from petitions.models import Petition
from workflows.models import AuditEntry

from .case_fixtures import ok, town_fixture  # noqa: F401
from .conftest import client_for, make_user

pytestmark = pytest.mark.clock
URL = "/api/v1/mediations/"


class Committees:
    def __init__(self, village, village2):
        self.village, self.village2 = village, village2
        self.town = MediationCommittee.objects.create(name="石桥镇人民调解委员会", level="town")
        self.c1 = MediationCommittee.objects.create(name=f"{village.name}人民调解委员会", village=village)
        self.c2 = MediationCommittee.objects.create(name=f"{village2.name}人民调解委员会", village=village2)
        self.m1_user = make_user("mediator", username="mediator-1")
        self.m2_user = make_user("mediator", username="mediator-2")
        self.m1 = Mediator.objects.create(name="李调解", committee=self.c1, user=self.m1_user)
        self.m2 = Mediator.objects.create(name="赵调解", committee=self.c2, user=self.m2_user)
        self.office = make_user("petition_office", username="xinfang-t")
        self.judicial = make_user("judicial_office", username="sifa-t")
        self.api1, self.api2 = client_for(self.m1_user), client_for(self.m2_user)


@pytest.fixture
def med(town):  # noqa: F811
    return Committees(town.village, town.village2)


def parties(n=2, **overrides):
    rows = [{"name": name, "address": f"石桥村{i}组", "id_number": "", "phone": "13800000000"}
            for i, name in enumerate(["张三", "李四", "王五"][:n], 1)]
    for row in rows:
        row.update(overrides)
    return rows


def register(client, village, **overrides):
    data = {"parties": parties(), "village": village.pk, "dispute_type": "neighbour",
            "summary": "两家因宅基地边界滴水檐发生争执。", "source": "application"}
    data.update(overrides)
    return client.post(URL, data, format="json")


def fire(client, pk, name, **fields):
    data = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in fields.items()}
    return client.post(f"{URL}{pk}/transitions/{name}/", data, format="json")


def started(med, registered_on=None):
    extra = {"registered_on": registered_on.isoformat()} if registered_on else {}
    body = ok(register(med.api1, med.village, **extra), 201)
    return ok(fire(med.api1, body["id"], "start", mediators=[med.m1.pk], consent=True, started_on=registered_on))


WRITTEN = {"facts": "张三翻建房屋，滴水檐伸入李四宅基地约30厘米。", "responsibilities": "张三负主要责任。",
           "terms": "张三于一个月内将滴水檐改向本家院内，并赔偿李四500元。", "performance_manner": "现金当面交付"}


def agree(med, pk, effective_on, **overrides):
    fields = dict(WRITTEN, performance_due_on=effective_on + datetime.timedelta(days=20), agreed_on=effective_on,
                  effective_on=effective_on, oral=False)
    fields.update(overrides)
    return fire(med.api1, pk, "reach_agreement", **fields)


def test_no_consent_no_mediation(med):
    """Art 17: one party refuses — the mediation cannot start; the refusal names the article."""
    body = ok(register(med.api1, med.village), 201)
    response = fire(med.api1, body["id"], "start", mediators=[med.m1.pk], consent=False)
    assert response.status_code == 409
    assert "Art 17" in response.json()["rule"]
    assert Mediation.objects.get(pk=body["id"]).state == "registered"
    response = fire(med.api1, body["id"], "start", mediators=[med.m1.pk])  # consent not given at all
    assert response.status_code == 409
    # what remains: end it, the routes told (Art 26)
    assert ok(fire(med.api1, body["id"], "fail", routes_told=["court"], reason="李四明确拒绝调解"))["state"] == "failed"


def test_a_dispute_has_two_parties(med):
    response = register(med.api1, med.village, parties=parties(1))
    assert response.status_code == 400 and "parties" in response.json()["fields"]
    assert not Mediation.objects.exists()
    body = ok(register(med.api1, med.village, parties=parties(3)), 201)
    assert body["number"] and len(body["parties"]) == 3 and body["state"] == "registered"


@pytest.mark.parametrize("missing", ["facts", "responsibilities", "terms", "performance_manner",
                                     "performance_due_on"])
def test_written_agreement_needs_every_item_of_art_29(med, today, missing):
    mediation = started(med)
    response = agree(med, mediation["id"], today, **{missing: None if missing == "performance_due_on" else ""})
    assert response.status_code == 400, response.json()
    assert missing in response.json()["fields"]
    assert Mediation.objects.get(pk=mediation["id"]).state == "mediating"


def test_written_agreement_names_each_party(med, today):
    body = ok(register(med.api1, med.village, parties=parties(address="")), 201)
    ok(fire(med.api1, body["id"], "start", mediators=[med.m1.pk], consent=True))
    response = agree(med, body["id"], today)
    assert response.status_code == 409 and "Art 29" in response.json()["rule"]


def test_oral_agreement_takes_effect_when_reached_and_opens_no_confirmation(med, today):
    mediation = started(med)
    response = fire(med.api1, mediation["id"], "reach_agreement", oral=True, terms="李四当场道歉，张三谅解。")
    body = ok(response)
    assert body["effective_on"] == today.isoformat() and body["oral"] is True
    assert not [d for d in body["deadlines"] if d["kind"] == "mediation.confirmation"]
    assert fire(med.api1, mediation["id"], "record_confirmation", court="某县人民法院", applied_on=today,
                ruled_on=today).status_code == 409  # Art 33: a written agreement goes to the court


def _effective_days(today, want_workday: bool):
    """Past effective dates (within 20 days) whose 30th day is (or is not) a working day."""
    for back in range(0, 21):
        day = today - datetime.timedelta(days=back)
        if calendar.is_workday(day + datetime.timedelta(days=30)) == want_workday:
            return day
    pytest.skip("no such day in the last three weeks")


def test_confirmation_deadline_lands_on_day_30_and_reminds_the_mediator(med, today):
    """Art 33: 30 days from the agreement's effect, the effective day not counted (民法典 Art 201)."""
    effective = _effective_days(today, want_workday=True)
    mediation = started(med, registered_on=effective)
    body = ok(agree(med, mediation["id"], effective))
    deadline = next(d for d in body["deadlines"] if d["kind"] == "mediation.confirmation")
    assert deadline["due_date"] == (effective + datetime.timedelta(days=30)).isoformat()
    assert "第33条" in deadline["basis"]
    # its reminder (due day) goes to this mediation's mediator through the existing channels
    row = Deadline.objects.get(kind="mediation.confirmation", object_id=mediation["id"])
    due_stage = Reminder.objects.get(deadline=row, stage=Reminder.Stage.DUE)
    assert timezone_date(due_stage.send_at) == effective + datetime.timedelta(days=30)
    expand_due_reminders(due_stage.send_at)
    recipients = set(Delivery.objects.filter(reminder__deadline=row, reminder__stage=Reminder.Stage.DUE)
                     .values_list("recipient__username", flat=True))
    assert recipients == {"mediator-1"}


def timezone_date(moment):
    from django.utils import timezone

    return timezone.localdate(moment)


def test_confirmation_deadline_rolls_over_a_rest_day(med, today):
    effective = _effective_days(today, want_workday=False)
    mediation = started(med, registered_on=effective)
    body = ok(agree(med, mediation["id"], effective))
    due = datetime.date.fromisoformat(next(d for d in body["deadlines"]
                                           if d["kind"] == "mediation.confirmation")["due_date"])
    day30 = effective + datetime.timedelta(days=30)
    assert due > day30 and calendar.is_workday(due)
    assert all(not calendar.is_workday(day30 + datetime.timedelta(days=n)) for n in range((due - day30).days))


def test_confirmation_applied_after_the_window_is_refused(med, today):
    effective = today - datetime.timedelta(days=45)
    mediation = started(med, registered_on=effective)
    body = ok(agree(med, mediation["id"], effective))
    due = datetime.date.fromisoformat(next(d for d in body["deadlines"]
                                           if d["kind"] == "mediation.confirmation")["due_date"])
    late = fire(med.api1, mediation["id"], "record_confirmation", court="某县人民法院",
                applied_on=due + datetime.timedelta(days=1), ruled_on=today)
    assert late.status_code == 409 and "Art 33" in late.json()["rule"]
    in_time = ok(fire(med.api1, mediation["id"], "record_confirmation", court="某县人民法院", applied_on=due,
                      ruled_on=today, ruling_number="（2026）调确字第1号"))
    assert in_time["state"] == "confirmed"


def test_failure_needs_the_routes_told(med):
    mediation = started(med)
    response = fire(med.api1, mediation["id"], "fail", reason="双方分歧过大")
    assert response.status_code == 400 and "routes_told" in response.json()["fields"]
    response = fire(med.api1, mediation["id"], "fail", reason="双方分歧过大", routes_told=[])
    assert response.status_code == 400
    body = ok(fire(med.api1, mediation["id"], "fail", reason="双方分歧过大", routes_told=["court", "arbitration"]))
    assert body["routes_told"] == ["arbitration", "court"] and body["state"] == "failed"


def test_a_mediator_of_another_village_neither_sees_nor_acts(med):
    mediation = ok(register(med.api1, med.village), 201)
    assert med.api2.get(f"{URL}{mediation['id']}/").status_code == 404
    assert mediation["id"] not in [m["id"] for m in med.api2.get(URL).json()["results"]]
    response = fire(med.api2, mediation["id"], "start", mediators=[med.m2.pk], consent=True)
    assert response.status_code in (403, 404)
    assert Mediation.objects.get(pk=mediation["id"]).state == "registered"
    # nor registers for another committee
    assert register(med.api2, med.village).status_code == 403
    # the petition office and the judicial office see all
    assert client_for(med.office).get(f"{URL}{mediation['id']}/").status_code == 200
    assert client_for(med.judicial).get(f"{URL}{mediation['id']}/").status_code == 200
    # a drafter sees none
    assert client_for(make_user("drafter")).get(URL).status_code == 403


def test_a_town_mediator_registers_a_village_dispute_for_the_town_committee(med):
    """The town committee's mediator registers a dispute that arose in a village (大事不出镇): it goes to the town
    committee, with the village kept; a village committee's mediator still may not register for another village."""
    town_user = make_user("mediator", username="mediator-town")
    Mediator.objects.create(name="何调解", committee=med.town, user=town_user)
    body = ok(register(client_for(town_user), med.village), 201)
    mediation = Mediation.objects.get(pk=body["id"])
    assert (mediation.committee, mediation.village) == (med.town, med.village)
    assert register(med.api2, med.village).status_code == 403


def test_end_to_end(med, today):
    """Registered → mediating (work record) → agreed (numbered agreement) → confirmed → performance → closed."""
    mediation = ok(register(med.api1, med.village), 201)
    pk = mediation["id"]
    assert mediation["available_transitions"][0]["name"] == "start"
    ok(fire(med.api1, pk, "start", mediators=[med.m1.pk], consent=True, consent_note="双方当面表示同意调解"))
    assert med.api1.post(f"{URL}{pk}/work-records/", {"held_on": today.isoformat(), "content": "分别听取双方陈述",
                                                      "place": "村委会调解室"}, format="json").status_code == 201
    inbox = med.api1.get("/api/v1/inbox/").json()["results"]
    assert any(item["kind"] == "mediation" and item["id"] == pk for item in inbox)
    body = ok(agree(med, pk, today))
    assert body["state"] == "agreed" and len(body["work_records"]) == 1
    docs = {d["kind"]: d for d in med.api1.get(f"{URL}{pk}/documents/").json()}
    assert docs["mediation_agreement"]["available"] and docs["mediation_agreement"]["number"]
    assert not docs["oral_agreement_record"]["available"]
    # closing waits for the performance follow-up (Art 31)
    assert fire(med.api1, pk, "close").status_code == 409
    body = ok(fire(med.api1, pk, "record_confirmation", court="某县人民法院", applied_on=today, ruled_on=today))
    assert body["state"] == "confirmed"
    body = ok(fire(med.api1, pk, "record_performance", note="张三已改建滴水檐并付清500元", fully_performed=True))
    assert {d["kind"]: d["status"] for d in body["deadlines"]} == {"mediation.confirmation": "closed",
                                                                  "mediation.performance": "closed"}
    body = ok(fire(med.api1, pk, "close"))
    assert body["state"] == "closed"
    names = [h["transition"] for h in body["history"]]
    assert names[:4] == ["register", "start", "work_record", "reach_agreement"]
    assert med.api1.get(f"{URL}?format=xlsx").status_code == 200
    assert med.api1.get("/api/v1/mediation-committees/").status_code == 200
    assert len(med.api1.get("/api/v1/mediators/").json()["results"]) == 2


def test_case_link_both_ways(town, med, today):  # noqa: F811
    case = town.investigating()
    officer = town.api("o1")
    ok(officer.post(f"/api/v1/cases/{case['id']}/transitions/start_mediation/", {}, format="json"))
    body = ok(officer.post(URL, {"parties": parties(), "dispute_type": "damage", "summary": "摊位占道损坏邻铺门面",
                                 "source": "case", "case": case["id"]}, format="json"), 201)
    assert body["case"] == case["id"] and body["committee"]["id"] == med.c1.pk  # the case's village committee
    db_case = Case.objects.get(pk=case["id"])
    assert [m.pk for m in db_case.mediations.all()] == [body["id"]]
    ok(fire(med.api1, body["id"], "start", mediators=[med.m1.pk], consent=True))
    ok(agree(med, body["id"], today))
    entries = list(AuditEntry.objects.filter(object_type="cases.case", object_id=str(case["id"]))
                   .values_list("transition", flat=True))
    assert "referred_to_people_mediation" in entries and "people_mediation_agreed" in entries
    # the case page's history names these steps in words, not by their internal names
    browser = Client()
    browser.force_login(town.u["o1"])
    page = browser.get(f"/cases/cases/{case['id']}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "转入人民调解" in page and "人民调解达成协议" in page
    assert "referred_to_people_mediation" not in page and "people_mediation_agreed" not in page
    # the case stays the agency's to decide: still mediating until the officers fire mediation_succeeded
    assert Case.objects.get(pk=case["id"]).state == "mediating"
    # a mediation from a case that is not mediable is refused (C8)
    other = town.investigating(violation_type="WFJS", description="当事人未经许可搭建房屋约120平方米。")
    response = officer.post(URL, {"parties": parties(), "dispute_type": "damage", "summary": "x", "source": "case",
                                  "case": other["id"]}, format="json")
    assert response.status_code == 409


def test_a_mediation_reveals_a_violation(town, med, today):  # noqa: F811
    mediation = started(med)
    chief = town.api("chief")
    body = ok(chief.post(f"{URL}{mediation['id']}/report/", {
        "violation_type": "ZDJY", "description": "调解中发现一方长期占道经营", "violation_date": today.isoformat(),
        "party": {"name": "张三", "kind": "person", "address": "石桥村1组"}}, format="json"), 201)
    case = Case.objects.get(pk=body["reported_case"])
    assert case.source == "referral" and [m.pk for m in case.reporting_mediations.all()] == [mediation["id"]]
    # a mediator may not register a report (the brigade does)
    assert med.api1.post(f"{URL}{mediation['id']}/report/", {
        "violation_type": "ZDJY", "description": "x", "violation_date": today.isoformat(),
        "party": {"name": "张三"}}, format="json").status_code == 403


def test_petition_link_both_ways(med, today):
    petition = Petition.objects.create(channel="visit", village=med.village, subject="邻里滴水檐纠纷",
                                       content="请求镇里协调", received_on=today, created_by=med.office)
    office = client_for(med.office)
    assert office.post(URL, {"parties": parties(), "dispute_type": "neighbour", "summary": "x",
                             "source": "petition"}, format="json").status_code == 400
    body = ok(office.post(URL, {"parties": parties(), "dispute_type": "neighbour", "summary": "信访转调解",
                                "source": "petition", "petition": petition.pk}, format="json"), 201)
    assert body["petition"] == petition.pk
    assert [m.pk for m in petition.mediations.all()] == [body["id"]]
    ok(fire(med.api1, body["id"], "start", mediators=[med.m1.pk], consent=True))
    ok(fire(med.api1, body["id"], "fail", reason="未达成一致", routes_told=["court"]))


def test_the_demo_town_mediates(db, settings):
    """demo.mediation through seed_demo: the town committee and 28 village committees, ~40 mediations in every
    state, one from a case when the brigade has a mediable case under investigation; a second run adds nothing."""
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert MediationCommittee.objects.filter(level="village").count() == 28
    assert MediationCommittee.objects.filter(level="town").count() == 1
    assert Mediation.objects.count() >= 40
    assert set(Mediation.objects.values_list("state", flat=True)) == {
        "registered", "mediating", "agreed", "failed", "confirmed", "closed"}
    count = Mediation.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert Mediation.objects.count() == count


# --- the breaker's leftovers (issue 15 fixes) -------------------------------------------------------------

def _case_mediation(town, officer="o1"):  # noqa: F811
    case = town.investigating()
    ok(town.api(officer).post(f"/api/v1/cases/{case['id']}/transitions/start_mediation/", {}, format="json"))
    return case, town.api(officer).post(URL, {"parties": parties(), "dispute_type": "damage", "summary": "占道损坏门面",
                                              "source": "case", "case": case["id"]}, format="json")


def test_a_case_has_one_open_mediation_at_a_time(town, med, today):  # noqa: F811
    """A second open mediation of the same case is 409 saying which one runs; once that one failed, another may."""
    case, first = _case_mediation(town)
    first = ok(first, 201)
    second = town.api("o1").post(URL, {"parties": parties(), "dispute_type": "damage", "summary": "再次登记",
                                       "source": "case", "case": case["id"]}, format="json")
    assert second.status_code == 409, second.content
    assert first["number"] in second.content.decode()
    assert Mediation.objects.filter(case_id=case["id"]).count() == 1
    ok(fire(med.api1, first["id"], "fail", reason="一方拒绝", routes_told=["court"]))
    ok(town.api("o1").post(URL, {"parties": parties(), "dispute_type": "damage", "summary": "重新调解",
                                 "source": "case", "case": case["id"]}, format="json"), 201)


def test_a_mediation_from_a_petition_the_user_does_not_see_is_404(town, med, today):  # noqa: F811
    petition = Petition.objects.create(channel="visit", village=med.village, subject="邻里纠纷-机密",
                                       content="信访人隐私内容", received_on=today, created_by=med.office)
    data = {"parties": parties(), "dispute_type": "neighbour", "summary": "x", "source": "petition",
            "petition": petition.pk}
    for client in (med.api1, town.api("o1")):
        response = client.post(URL, data, format="json")
        assert response.status_code == 404, response.content
        assert "邻里纠纷-机密" not in response.content.decode()
    assert not petition.mediations.exists()
    ok(client_for(med.office).post(URL, data, format="json"), 201)  # the petition office sees it


def test_an_officer_sees_the_mediations_of_his_own_cases_only(town, med, today):  # noqa: F811
    case, body = _case_mediation(town)
    body = ok(body, 201)
    own = ok(register(client_for(town.u["o3"]), med.village), 201)  # one the other officer registered himself
    assert town.api("o1").get(f"{URL}{body['id']}/").status_code == 200
    outsider = town.api("o3")  # not an officer of the case (o1 and o2 are)
    assert outsider.get(f"{URL}{body['id']}/").status_code == 404
    assert [row["id"] for row in outsider.get(URL).json()["results"]] == [own["id"]]
    browser = Client()
    browser.force_login(town.u["o3"])
    assert browser.get(f"/mediation/mediations/{body['id']}/").status_code == 404


def test_the_mediation_page_shows_the_whole_agreement_and_the_registration_date(med, today):
    """After an agreement the page shows every item of Art 29 the committee wrote, not only the content and dates,
    and the day the dispute was registered."""
    registered = today - datetime.timedelta(days=3)
    pk = started(med, registered_on=registered)["id"]
    ok(agree(med, pk, today))
    browser = Client()
    browser.force_login(med.m1_user)
    page = browser.get(f"/mediation/mediations/{pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for label, text in (("事实", WRITTEN["facts"]), ("责任", WRITTEN["responsibilities"]), ("协议", WRITTEN["terms"]),
                        ("履行方式", WRITTEN["performance_manner"]), ("登记日期", registered.isoformat())):
        assert re.search(f"<th>[^<]*{label}[^<]*</th><td>{re.escape(text)}", page), (label, text)


def test_the_register_page_takes_each_partys_details_and_a_third_party(med, today):
    """Art 29 (1): the register form takes name, kind, gender, ethnicity, ID number, phone and address of each party,
    shows a third row, adds more rows keeping what was typed, refuses a bad ID number beside its field; the written
    agreement then prints the details (gender and age read from the resident ID)."""
    from .case_fixtures import VALID_ID
    from .document_helpers import docx_text, squeeze

    browser = Client()
    browser.force_login(med.m1_user)
    form = browser.get("/mediation/mediations/add/").content.decode()
    assert 'name="party3"' in form and 'name="party3_id_number"' in form and 'name="party4"' not in form
    data = {"party_rows": "3", "party1": "张三", "party1_kind": "person", "party1_gender": "男",
            "party1_ethnicity": "汉族", "party1_phone": "13800000001", "party1_address": "石桥村1组",
            "party2": "李四", "party2_kind": "person", "party2_id_number": VALID_ID.lower(),
            "party2_phone": "0375-1234567", "party2_address": "石桥村2组",
            "party3": "王五", "party3_kind": "person", "party3_address": "石桥村3组",
            "village": med.village.pk, "dispute_type": "neighbour", "source": "application",
            "summary": "三户因排水沟发生争执。"}
    more = browser.post("/mediation/mediations/add/", dict(data, add_party="1")).content.decode()
    assert 'name="party4"' in more and 'value="13800000001"' in more and not Mediation.objects.exists()
    bad = browser.post("/mediation/mediations/add/", dict(data, party2_id_number="110105194912310021"))
    assert bad.status_code == 400 and not Mediation.objects.exists()  # the form again, with what was typed
    assert "三户因排水沟发生争执。" in bad.content.decode() and 'value="13800000001"' in bad.content.decode()
    response = browser.post("/mediation/mediations/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    mediation = Mediation.objects.get()
    rows = list(mediation.parties.values_list("name", "gender", "ethnicity", "id_number", "phone", "address"))
    assert rows == [("张三", "男", "汉族", "", "13800000001", "石桥村1组"),
                    ("李四", "", "", VALID_ID, "0375-1234567", "石桥村2组"), ("王五", "", "", "", "", "石桥村3组")]
    ok(fire(med.api1, mediation.pk, "start", mediators=[med.m1.pk], consent=True))
    ok(agree(med, mediation.pk, today))
    docs = {r["kind"]: r for r in ok(med.api1.get(f"{URL}{mediation.pk}/documents/"))}
    text = squeeze(docx_text(med.api1.get(docs["mediation_agreement"]["urls"]["docx"]).content))
    born = datetime.date(1949, 12, 31)
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    for expected in ("张三，男，汉族", "13800000001", f"李四，女，{age}岁", VALID_ID, "0375-1234567", "王五",
                     "石桥村3组"):
        assert squeeze(expected) in text, expected



# --- performance follow-ups (人民调解法 Art 31-32) ----------------------------------------------------------

def _agreed_days_ago(med, today, days=5):
    effective = today - datetime.timedelta(days=days)
    pk = started(med, registered_on=effective)["id"]
    ok(agree(med, pk, effective))
    return pk, effective


def _performance_deadline(pk):
    return Deadline.objects.get(object_id=pk, kind="mediation.performance").status


def _inbox_action(med, pk):
    from mediation.selectors import mediation_inbox_items

    return next(item["action"] for item in mediation_inbox_items(med.m1_user) if item["id"] == pk)


def test_a_follow_up_not_yet_performed_keeps_the_deadline_and_the_file_open(med, today):
    """Art 31: each follow-up is its own record, in date order; only one that finds the agreement performed in full
    closes the performance deadline and lets the file close; the inbox then says so."""
    pk, effective = _agreed_days_ago(med, today)
    before = _inbox_action(med, pk)
    assert fire(med.api1, pk, "record_performance", note="x",
                followed_up_on=effective - datetime.timedelta(days=1)).status_code == 400  # before the effect
    assert fire(med.api1, pk, "record_performance", note="x",
                followed_up_on=today + datetime.timedelta(days=1)).status_code == 400  # in the future
    body = ok(fire(med.api1, pk, "record_performance", note="张三已付250元，滴水檐尚未改向",
                   followed_up_on=effective + datetime.timedelta(days=1)))
    assert body["state"] == "agreed" and body["performed_on"] is None
    assert _performance_deadline(pk) == "open"
    assert fire(med.api1, pk, "close").status_code == 409
    assert _inbox_action(med, pk) == before
    # the older field name performed_on is read as the day of the follow-up, not as performance
    body = ok(fire(med.api1, pk, "record_performance", note="张三已付清500元并改向滴水檐", fully_performed=True,
                   performed_on=effective + datetime.timedelta(days=3)))
    assert [(f["followed_up_on"], f["fully_performed"]) for f in body["follow_ups"]] == [
        ((effective + datetime.timedelta(days=1)).isoformat(), False),
        ((effective + datetime.timedelta(days=3)).isoformat(), True)]
    assert body["performed_on"] == (effective + datetime.timedelta(days=3)).isoformat()
    assert _performance_deadline(pk) == "closed"
    assert _inbox_action(med, pk) == "协议已全部履行：请结案（当事人仍可申请司法确认）" != before
    assert fire(med.api1, pk, "record_performance", note="again").status_code == 409  # nothing left to follow
    browser = Client()
    browser.force_login(med.m1_user)
    page = browser.get(f"/mediation/mediations/{pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert page.index("张三已付250元") < page.index("张三已付清500元") and "回访日期" in page
    assert "<th>履行日期</th>" not in page  # the visit date is 回访日期, not a date of performance
    assert ok(fire(med.api1, pk, "close"))["state"] == "closed"


def test_a_party_refusing_to_perform_closes_with_the_routes_told(med, today):
    """Art 32: a party may sue over the agreement — a follow-up recording a refusal needs the routes told, and then
    the committee may close the file; performed and refused at once is 400."""
    pk, effective = _agreed_days_ago(med, today, days=2)
    assert fire(med.api1, pk, "record_performance", note="李四拒绝履行", refused=True).status_code == 400
    assert fire(med.api1, pk, "record_performance", note="x", refused=True, fully_performed=True,
                routes_told=["court"]).status_code == 400
    assert not Mediation.objects.get(pk=pk).follow_ups.exists()
    body = ok(fire(med.api1, pk, "record_performance", note="李四拒绝履行", refused=True, routes_told=["court"]))
    assert body["follow_ups"][0]["refused"] and body["follow_ups"][0]["routes_told"] == ["court"]
    assert body["performed_on"] is None and _performance_deadline(pk) == "closed"
    assert _inbox_action(med, pk) == "当事人拒绝履行，已告知救济途径：请结案"
    assert ok(fire(med.api1, pk, "close"))["state"] == "closed"

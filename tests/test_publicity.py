"""Issue 16 item 4: publicity of penalty decisions (处罚法 Art 48), over the REST API and the public page.

- Art 48 ¶1 (the province's list, local practice; 国办发〔2018〕118号's 7 working days, local): a decided penalty opens
  `case.publicity`; publishing keeps a redacted snapshot — the person's name masked (张某某), no ID number, phone or
  address — and the public page /public/penalties/ (no login) shows only snapshots. A minor's decision is never
  published (未成年人保护法 Art 103): no deadline, publishing refused with 409.
- Art 48 ¶2 (statute; Art 85: working days): a published decision changed or revoked is withdrawn within 3 working
  days with its reason, also after the case closed; the page then lists the withdrawal instead.

The calendar (chinesecalendar, 2026): decided Monday 06-01, 7 working days end on Wednesday 06-10. A remedy revoking
the decision on Thursday 06-11 leaves 3 working days across the weekend: Friday 12, Monday 15, Tuesday 16. One on
Wednesday 06-17 crosses the Dragon Boat holiday (Friday 06-19) and the weekend: 18, 22, 23.
"""

import datetime
import re

import pytest
from django.test import Client

from cases import publicity, services
from cases.models import Case, Publication
from notifications.models import Deadline
from workflows.audit import history_of

from .case_fixtures import (  # noqa: F401 (town_fixture: the `town` fixture)
    VALID_PHONE,
    assert_refused,
    case_url,
    fire,
    has_deadline,
    ok,
    party,
    resident_id_with_check,
    town_fixture,
)
from .clock import LOCAL

PUBLICITY = "/api/v1/publicity/"
PUBLIC_PAGE = "/public/penalties/"
D = datetime.date
FULL_NAME = "张三丰"
MASKED = "张某某"
PERSON_ID = resident_id_with_check("11010519800101123")
PHONE = "13912345678"
LANDLINE = "0375-6123456"


def at(day: D, hour=10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=LOCAL)


def decided_case(town, *, name=FULL_NAME, id_number=PERSON_ID, phone=PHONE, facts=None, kind="person",
                 **notice) -> dict:
    """A decided penalty (today) against a person whose name, ID number and phone the facts repeat."""
    case = town.report(party=party(name=name, kind=kind, id_number=id_number, phone=phone, address="石桥村三组18号"))
    case = ok(fire(town.api("chief"), case["id"], "file", officers=[town.u["o1"].pk, town.u["o2"].pk]))
    facts = facts or (f"经查，{name}（身份证号{id_number}，手机{phone}，座机{LANDLINE}）在石桥村主干道占道经营，"
                      f"{name}经劝阻后仍未改正。")
    fields = {"facts": facts, "legal_basis": "《城市市容和环境卫生管理条例》第三十六条", "proposed_fine": "500"}
    fields.update(notice)
    ok(fire(town.api("o1"), case["id"], "notify", **fields))
    ok(fire(town.api("o1"), case["id"], "submit_decision", waiver=True))
    decide = {"outcome": "penalty", "fine": "500"}
    decide.update({k: v for k, v in notice.items() if k in ("mitigation", "mitigation_ground")})
    return ok(fire(town.api("principal"), case["id"], "decide", **decide))


def publish(town, case_id, who="chief", **body):
    body.setdefault("channel", "石桥镇人民政府网站")
    return town.api(who).post(f"{PUBLICITY}{case_id}/publish/", body, format="json")


def withdraw(town, case_id, who="chief", **body):
    return town.api(who).post(f"{PUBLICITY}{case_id}/withdraw/", body, format="json")


def rows(town, who="chief", **params):
    return ok(town.api(who).get(PUBLICITY, params))


def row_of(town, case_id, state=None):
    return next(r for r in rows(town) if r["case"] == case_id and (state is None or r["state"] == state))


def revoke(town, case_id, outcome="revoked", **fields):
    remedy = ok(fire(town.api("o1"), case_id, "record_remedy", kind="reconsideration", body="宝丰县人民政府"))
    remedy_id = remedy["remedies"][-1]["id"]
    return ok(fire(town.api("o1"), case_id, "record_remedy", remedy=remedy_id, outcome=outcome, **fields))


# --- the redaction, a pure function -------------------------------------------------------------


@pytest.mark.parametrize(("name", "masked"), [("张三", "张某"), ("张三丰", "张某某"), ("欧阳娜娜", "欧阳某某"),
                                              ("欧阳", "欧某"), ("李", "某"), ("", "")])
def test_mask_name_keeps_the_surname(name, masked):
    assert publicity.mask_name(name) == masked


def test_redact_text_removes_ids_phones_and_names():
    old_id = "110105800101123"
    text = (f"张三丰身份证{PERSON_ID}，旧证{old_id}，手机{PHONE}、+86 139 1234 5678，座机{LANDLINE}、(0375)6123456，"
            "电话：6123456；张三丰之子张三在场。决定书石政〔2026〕12号，罚款2000元。")
    out = publicity.redact_text(text, ["张三丰"])
    for secret in (PERSON_ID, old_id, PHONE, "139 1234 5678", LANDLINE, "6123456", "张三丰"):
        assert secret not in out
    assert out.count("张某某") == 2 and "张三在场" in out  # only the names given are masked
    assert "石政〔2026〕12号" in out and "2000元" in out  # numbers that are no ID or phone stay
    assert publicity.redact_text(f"身份证号{PERSON_ID.lower()}", []) == f"身份证号{publicity.ID_MASK}"


# --- publishing and the public page -------------------------------------------------------------


def test_the_public_page_shows_no_id_phone_or_full_name(town, clock):
    case = decided_case(town)
    assert has_deadline(case, "case.publicity")
    published = ok(publish(town, case["id"]), 201)
    assert published["state"] == "published" and published["publication"]["party_name"] == MASKED
    html = Client().get(PUBLIC_PAGE)  # no login
    assert html.status_code == 200
    text = html.content.decode()
    for secret in (PERSON_ID, PHONE, FULL_NAME, LANDLINE, "石桥村三组18号", "1980"):
        assert secret not in text, secret
    assert MASKED in text and "占道经营" in text and "500.00" in text and "石桥镇人民政府" in text
    number = published["publication"]["decision_number"]
    assert number == services.decision_number(Case.objects.get(pk=case["id"])) and number in text
    # Nothing from the live party leaks through later either: the page reads the snapshot only.
    Case.objects.get(pk=case["id"]).party.__class__.objects.filter(cases__pk=case["id"]).update(name="赵六")
    assert "赵六" not in Client().get(PUBLIC_PAGE).content.decode()
    body = ok(town.api("chief").get(case_url(case["id"])))
    assert body["published_on"] == clock.today().isoformat() and not has_deadline_open(body, "case.publicity")
    assert "record_publicity" in [h["transition"] for h in body["history"]]


def has_deadline_open(body, kind):
    return any(d["kind"] == kind and d["status"] == "open" for d in body["deadlines"])


def test_an_organisation_keeps_its_name_without_its_code_or_phone(town, clock):
    case = decided_case(town, name="石桥镇好运来饭店", id_number="91350100M000100Y43", phone=VALID_PHONE,
                        kind="org", facts="经查，石桥镇好运来饭店（联系电话13800138000）占道经营。")
    ok(publish(town, case["id"]), 201)
    text = Client().get(PUBLIC_PAGE).content.decode()
    assert "石桥镇好运来饭店" in text and "91350100M000100Y43" not in text and VALID_PHONE not in text


def test_a_minors_decision_opens_no_deadline_and_is_never_published(town, clock):
    clock.move_to(at(D(2026, 6, 1)))
    minor_id = resident_id_with_check("11010520100101123")  # 16 at the violation
    case = decided_case(town, name="李小明", id_number=minor_id, mitigation="lighter", mitigation_ground="minor")
    assert case["party_age_band"] == "minor" and not has_deadline(case, "case.publicity")
    assert_refused(publish(town, case["id"]), 409, rule="未成年人保护法 Art 103")
    assert_refused(town.api("o1").post(case_url(case["id"], "publicity/"), {"channel": "网站"}, format="json"), 409,
                   rule="未成年人保护法 Art 103")
    assert not Publication.objects.exists() and "李" not in Client().get(PUBLIC_PAGE).content.decode()
    assert all(r["case"] != case["id"] for r in rows(town))


@pytest.mark.parametrize(("published_day", "late"), [(D(2026, 6, 10), False), (D(2026, 6, 11), True)])
def test_seven_working_days_to_publish(town, clock, published_day, late):
    clock.move_to(at(D(2026, 6, 1)))  # Monday
    case = decided_case(town)
    assert row_of(town, case["id"])["state"] == "due" and row_of(town, case["id"])["due_on"] == "2026-06-10"
    clock.move_to(at(published_day))
    assert row_of(town, case["id"])["late"] is late
    row = ok(publish(town, case["id"]), 201)
    assert (row["due_on"], row["late"]) == ("2026-06-10", late)
    assert Deadline.objects.get(object_id=case["id"], kind="case.publicity").closed_on == published_day


@pytest.mark.parametrize(("revoked_on", "due_on"), [(D(2026, 6, 11), "2026-06-16"), (D(2026, 6, 17), "2026-06-23")])
def test_three_working_days_to_withdraw_after_the_case_closed(town, clock, revoked_on, due_on):
    clock.move_to(at(D(2026, 6, 1)))
    case = decided_case(town)
    ok(publish(town, case["id"]), 201)
    clock.move_to(at(revoked_on))
    body = revoke(town, case["id"])
    assert body["state"] == "closed" and deadline_due(body, "case.publicity_withdrawal") == due_on
    assert ("撤回" in "".join(i["action"] for i in ok(town.api("chief").get("/api/v1/inbox/"))["results"]
                              if i["id"] == case["id"]) or
            "Withdraw" in "".join(i["action"] for i in ok(town.api("chief").get("/api/v1/inbox/"))["results"]))
    due = datetime.date.fromisoformat(due_on)
    clock.move_to(at(due + datetime.timedelta(days=1)))
    row = row_of(town, case["id"])
    assert (row["withdrawal_due_on"], row["withdrawal_late"]) == (due_on, True)
    clock.move_to(at(due, hour=23))
    assert_refused(withdraw(town, case["id"], reason="  "), 400, field="reason")
    row = ok(withdraw(town, case["id"], reason="该处罚决定已被宝丰县人民政府行政复议决定撤销"))
    assert row["state"] == "withdrawn" and row["withdrawal_late"] is False
    text = Client().get(PUBLIC_PAGE).content.decode()
    assert "该处罚决定已被宝丰县人民政府行政复议决定撤销" in text and "占道经营" not in text
    assert "withdraw_publicity" in [e.transition for e in history_of(Case.objects.get(pk=case["id"]))]
    assert_refused(withdraw(town, case["id"], reason="再次"), 409)


def deadline_due(body, kind):
    return next(d["due_date"] for d in body["deadlines"] if d["kind"] == kind and d["status"] == "open")


def test_a_changed_fine_asks_for_withdrawal_and_an_unpublished_revocation_does_not(town, clock):
    published = decided_case(town)
    ok(publish(town, published["id"]), 201)
    body = revoke(town, published["id"], outcome="changed", new_fine="300")
    assert has_deadline_open(body, "case.publicity_withdrawal")
    unpublished = decided_case(town, name="王五")
    body = revoke(town, unpublished["id"])
    assert not has_deadline(body, "case.publicity_withdrawal")


# --- roles and bad input ------------------------------------------------------------------------


def test_roles_and_bad_input(town, clock):
    case = decided_case(town)
    assert_refused(town.api("drafter").get(PUBLICITY), 403)
    assert rows(town, who="judicial")  # publicity.view
    assert_refused(publish(town, case["id"], who="judicial"), 403)
    assert_refused(publish(town, case["id"], who="principal"), 403)
    assert_refused(publish(town, case["id"], channel=""), 400, field="channel")
    assert_refused(publish(town, case["id"], published_on="yesterday"), 400, field="published_on")
    assert_refused(publish(town, 999999), 404)
    assert town.api("chief").get(f"{PUBLICITY}?state=nonsense").status_code == 400
    assert_refused(withdraw(town, case["id"], reason="无"), 409)  # nothing published yet
    assert_refused(withdraw(town, case["id"], who="judicial", reason="无"), 403)
    assert Client().get(PUBLICITY).status_code in (401, 403)
    ok(publish(town, case["id"], who="o1"), 201)
    assert_refused(publish(town, case["id"]), 409)  # already published
    assert [r["state"] for r in rows(town, state="published")] == ["published"]
    assert rows(town, state="due") == [] and rows(town, state="withdrawn") == []
    not_decided = town.investigating()
    assert_refused(publish(town, not_decided["id"]), 409, rule="Art 48")


def test_the_case_page_offers_publish_then_withdraw(town, clock):
    case = decided_case(town)
    client = Client()
    client.force_login(town.u["chief"])
    page = f"/cases/cases/{case['id']}/"
    assert f"{page}publicity/" in client.get(page).content.decode()
    ok(publish(town, case["id"]), 201)
    html = client.get(page).content.decode()
    # Published and standing: nothing to record, nothing to withdraw (Art 48 ¶2 asks it only of a changed or
    # revoked decision).
    assert f"{page}publicity/withdraw/" not in html and f'href="{page}publicity/"' not in html
    revoke(town, case["id"], decided_on=str(clock.today()))
    html = client.get(page).content.decode()
    assert f"{page}publicity/withdraw/" in html
    response = client.post(f"{page}publicity/withdraw/", {"reason": "处罚决定被依法变更"})
    assert response.status_code == 302
    assert "处罚决定被依法变更" in client.get(page).content.decode()
    assert re.search(r"处罚决定被依法变更", Client().get(PUBLIC_PAGE).content.decode())

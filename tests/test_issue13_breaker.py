"""Issue 13, tried to break where its four parts meet (the breaker's tests; each one FAILS on the code it was
written against and shows one defect — see the names). On the controlled clock, through the API and the pages, as
the other issue-13 tests do.

Calendar (chinesecalendar, 2026): served Wednesday 2026-06-10; Art 67's 15 days end Thursday 06-25.
"""

import datetime
import re

import pytest
from django.test import Client

from cases.models import FirstOffenceExemption

from .case_fixtures import (  # noqa: F401 - town_fixture is the `town` fixture
    INBOX,
    RQAQ,
    ZDJY,
    assert_refused,
    case_url,
    deadline,
    due,
    fire,
    get_case,
    has_deadline,
    ok,
    party,
    town_fixture,
)

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

D = datetime.date
DAY = datetime.timedelta(days=1)
SERVED_ON = D(2026, 6, 10)
SPOT = "/api/v1/cases/on-the-spot/"
EDUCATION = "已对当事人进行批评教育，当事人当场改正。"


def pay(town, case_id, amount, receipt, paid_on=None, who="o1"):
    from django.utils import timezone

    body = {"amount": str(amount), "receipt_number": receipt, "bank": "农业银行石桥支行",
            "paid_on": (paid_on or timezone.localdate()).isoformat()}
    return town.api(who).post(case_url(case_id, "payments/"), body, format="json")


def apply_plan(town, case_id, rows, kind="instalments", who="o1"):
    body = {"kind": kind, "reason": "当事人家庭经济困难，提交了村委会证明", "instalments": rows}
    return town.api(who).post(case_url(case_id, "payment-plans/"), body, format="json")


def approve(town, plan_id, who="principal"):
    return town.api(who).post(f"/api/v1/payment-plans/{plan_id}/approve/", {"note": "同意"}, format="json")


def served(town, clock, fine="500"):
    clock.move_to(SERVED_ON)
    case = town.served("penalty", fine=fine)
    return case, due(case, "case.payment")


def plan_of_two(town, clock, case, payment_due):
    first, second = payment_due + 20 * DAY, payment_due + 50 * DAY
    rows = [{"due_on": first.isoformat(), "amount": "250"}, {"due_on": second.isoformat(), "amount": "250"}]
    plan = ok(apply_plan(town, case["id"], rows), 201)
    ok(approve(town, plan["id"]))
    return first, second


def file_remedy(town, case, kind="reconsideration", **fields):
    fields.setdefault("body", "县人民政府")
    return fire(town.api("o1"), case["id"], "record_remedy", kind=kind, **fields)


def remedy_outcome(town, case, remedy_id, outcome, **fields):
    return fire(town.api("o1"), case["id"], "record_remedy", remedy=remedy_id, outcome=outcome, **fields)


def spot_payload(town, **overrides):
    data = {"party": party(), "village": town.village.pk, "violation_type": ZDJY,
            "facts": "当事人在石桥村主干道人行道上摆摊销售水果，执法队员当场查实。",
            "legal_basis": "《城市市容和环境卫生管理条例》第三十六条", "fine": "150",
            "officers": [town.u["o1"].pk], "certificates_shown": True, "violation_place": "石桥村主干道"}
    data.update(overrides)
    return data


def page_text(town, who, url) -> str:
    client = Client()
    client.force_login(town.u[who])
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --------------------------------------------------------------------------------------------------
# Where the parts meet: plans, remedies, redo
# --------------------------------------------------------------------------------------------------


def test_after_a_fine_is_changed_on_reconsideration_the_approved_plan_no_longer_divides_a_fine_that_is_gone(
        town, clock):
    """A plan 250 + 250 of a 500 fine is approved; the reconsideration body changes the fine to 300. What the party
    owes on each date must add up to the 300 now owed: Art 66 ¶2's plan divided the old fine. The schedule still
    shows 250 + 250 = 500 and the surcharge of a missed instalment is counted on 250 of a fine the party no
    longer owes."""
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    first, _second = plan_of_two(town, clock, case, payment_due)
    remedy = ok(file_remedy(town, case))["remedies"][0]
    ok(remedy_outcome(town, case, remedy["id"], "changed", new_fine="300"))
    status = get_case(town.api("o1"), case["id"])["payment_status"]
    assert status["balance"] == "300.00"
    scheduled = sum(float(row["amount"]) for row in status["schedule"])
    assert scheduled == 300.0, status["schedule"]


def test_a_fine_raised_on_reconsideration_is_refused(town, clock):
    """行政复议法 (2023) Art 63 ¶2: 行政复议机关不得作出对申请人更为不利的变更决定 (行政诉讼法 Art 77 ¶2 likewise for
    the court). Recording a 'changed' outcome with a fine above the decision's (500 → 5,000) must be refused (409)
    and leave the fine as it was; it is accepted and the party now owes 5,000."""
    case, _payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    remedy = ok(file_remedy(town, case))["remedies"][0]
    response = remedy_outcome(town, case, remedy["id"], "changed", new_fine="5000")
    assert response.status_code in (400, 409), response.content[:300]
    assert get_case(town.api("o1"), case["id"])["fine"] == "500.00"


def test_a_negative_changed_fine_is_refused_as_bad_input(town, clock):
    """A fine changed to -100 yuan is nonsense: 400 naming new_fine, never a negative fine on the case."""
    case, _payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    remedy = ok(file_remedy(town, case))["remedies"][0]
    assert_refused(remedy_outcome(town, case, remedy["id"], "changed", new_fine="-100"), 400, field="new_fine")
    assert get_case(town.api("o1"), case["id"])["fine"] == "500.00"


def test_a_fine_changed_below_what_was_already_paid_does_not_show_a_negative_balance(town, clock):
    """400 paid of 500, then the fine is changed to 300 (on reconsideration). The party owes nothing, and the
    page/JSON must not show a balance of -100 (an overpayment is a refund, not a negative debt)."""
    case, _payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    ok(pay(town, case["id"], "400", "NB-400"), 201)
    remedy = ok(file_remedy(town, case))["remedies"][0]
    ok(remedy_outcome(town, case, remedy["id"], "changed", new_fine="300"))
    status = get_case(town.api("o1"), case["id"])["payment_status"]
    assert not status["balance"].startswith("-") and not status["total_owed"].startswith("-"), status


def test_a_redone_decision_is_not_governed_by_the_plan_of_the_revoked_one(town, clock):
    """Plan approved on the first decision; reconsideration revokes it and orders a new one (撤销并责令重新作出,
    行政复议法 Art 64). The approved plan belonged to the revoked decision: after the case is reopened its payment
    status must not show that plan any more (the new decision has Art 67's own 15 days)."""
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    plan_of_two(town, clock, case, payment_due)
    remedy = ok(file_remedy(town, case))["remedies"][0]
    body = ok(remedy_outcome(town, case, remedy["id"], "revoked_redo", note="事实不清，责令重新作出"))
    assert body["state"] == "investigating"
    plans = ok(town.api("o1").get(case_url(case["id"], "payment-plans/")))
    assert [p["status"] for p in plans if p["status"] == "approved"] == [], plans


def test_a_revoked_decision_does_not_make_the_next_offence_a_repeat(town, clock):
    """首违不罚 (Art 33 ¶1): a party whose earlier penalty (same violation type) was revoked by the reconsideration
    body has no earlier violation on record — a revoked decision is void (行政复议法 Art 64). Their next case of
    the type is a first offence; the decision is refused naming the revoked case."""
    FirstOffenceExemption.objects.create(violation_type=town.zdjy, conditions="首次违法、危害后果轻微、及时改正",
                                         correction_days=3, published_on=D(2026, 1, 1), active=True)
    first, _payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    remedy = ok(file_remedy(town, first))["remedies"][0]
    assert ok(remedy_outcome(town, first, remedy["id"], "revoked"))["state"] == "closed"
    clock.move_to(SERVED_ON + 40 * DAY)
    second = town.deciding(fine=None)
    ok(fire(town.api("principal"), second["id"], "decide", outcome="no_penalty",
            no_penalty_ground="first_offence", education=EDUCATION))


# --------------------------------------------------------------------------------------------------
# The on-the-spot decision whose fine is not collected: unpaid → demand → court
# --------------------------------------------------------------------------------------------------


def test_an_uncollected_on_the_spot_fine_has_the_court_application_deadline_like_any_served_fine(town, clock):
    """An on-the-spot fine not collected is handed over (served) on the decision day and the 15 days of Art 67
    run; if unpaid, the agency must apply to the court within 3 months after the remedy periods (行政强制法 Art
    53). A general-procedure case gets the deadline case.court_application when it is served; the on-the-spot
    one gets none, so nobody is reminded of Art 53's three months."""
    clock.move_to(SERVED_ON)
    case = ok(town.api("o1").post(SPOT, spot_payload(town), format="json"), 201)
    assert case["state"] == "served" and has_deadline(case, "case.payment")
    assert has_deadline(get_case(town.api("chief"), case["id"]), "case.court_application")


def test_an_uncollected_on_the_spot_fine_goes_unpaid_demand_then_court(town, clock):
    """The whole path for the simple procedure, ending with the chief's application to the court."""
    clock.move_to(SERVED_ON)
    case = ok(town.api("o1").post(SPOT, spot_payload(town), format="json"), 201)
    payment_due = due(case, "case.payment")
    clock.move_to(payment_due + DAY)
    body = ok(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达"))
    assert body["state"] == "demanded"
    clock.move_to(SERVED_ON + 200 * DAY)
    body = ok(fire(town.api("chief"), case["id"], "apply_to_court", court="石桥区人民法院"))
    assert body["state"] == "court_enforcement"
    assert deadline(body, "case.court_application")["status"] == "closed"


# --------------------------------------------------------------------------------------------------
# Bad input: 400, never 500 and never accepted
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fine", ["0", "-50"])
def test_an_on_the_spot_fine_of_zero_or_less_is_refused(town, clock, fine):
    """Art 51: a fine (罚款) is a positive amount; 0 or -50 yuan is refused (400/409), not a decided case."""
    clock.move_to(SERVED_ON)
    response = town.api("o1").post(SPOT, spot_payload(town, fine=fine), format="json")
    assert response.status_code in (400, 409), (response.status_code, response.content[:300])


def test_a_correction_order_due_far_in_the_future_is_not_a_server_error(town, clock):
    clock.move_to(SERVED_ON)
    case = town.investigating()
    response = town.api("o1").post(case_url(case["id"], "correction-orders/"),
                                   {"measure": "撤除摊位", "due_on": "9999-12-31"}, format="json")
    assert response.status_code in (201, 400), response.status_code


def test_a_payment_plan_due_far_in_the_future_is_not_a_server_error(town, clock):
    case, payment_due = served(town, clock)
    rows = [{"due_on": (payment_due + DAY).isoformat(), "amount": "250"}, {"due_on": "9999-12-31", "amount": "250"}]
    plan = apply_plan(town, case["id"], rows)
    assert plan.status_code in (201, 400), plan.status_code
    if plan.status_code == 201:
        response = approve(town, plan.json()["id"])
        assert response.status_code in (200, 400, 409), response.status_code


@pytest.mark.parametrize("rows", [
    [{"amount": "250"}, {"amount": "250"}],
    "twice",
    [{"due_on": "soon", "amount": "250"}, {"due_on": "later", "amount": "250"}],
    [{"due_on": "2026-08-01", "amount": "abc"}, {"due_on": "2026-09-01", "amount": "250"}],
    [{"due_on": "2026-08-01", "amount": "1e30"}, {"due_on": "2026-09-01", "amount": "250"}],
])
def test_a_malformed_plan_is_refused_beside_the_field(town, clock, rows):
    case, _payment_due = served(town, clock)
    assert_refused(apply_plan(town, case["id"], rows), 400)


@pytest.mark.parametrize("amount", ["abc", "1e30", "99999999999999999999", "0.001", None])
def test_a_malformed_payment_amount_is_refused(town, clock, amount):
    case, _payment_due = served(town, clock)
    body = {"amount": amount, "receipt_number": "X-1", "paid_on": SERVED_ON.isoformat()}
    assert_refused(town.api("o1").post(case_url(case["id"], "payments/"), body, format="json"), 400)


@pytest.mark.parametrize("fields", [
    {"demand_served_on": "yesterday"}, {"demand_served_on": 20260626},
])
def test_a_demand_dated_with_garbage_is_refused_as_bad_input(town, clock, fields):
    case, payment_due = served(town, clock)
    clock.move_to(payment_due + DAY)
    assert_refused(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达", **fields), 400)


@pytest.mark.parametrize("url", ["/api/v1/correction-orders/999999/verify/", "/api/v1/payment-plans/999999/approve/"])
def test_unknown_ids_are_404(town, clock, url):
    clock.move_to(SERVED_ON)
    who = "principal" if "plans" in url else "o1"
    response = town.api(who).post(url, {"corrected": True, "note": "x"}, format="json")
    assert response.status_code == 404, response.status_code


def test_a_remedy_outcome_naming_an_unknown_remedy_is_404_or_400(town, clock):
    case, _payment_due = served(town, clock)
    response = remedy_outcome(town, case, 999999, "upheld")
    assert response.status_code in (400, 404), response.status_code


# --------------------------------------------------------------------------------------------------
# Wrong roles: 403, never 200
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["chief", "principal", "drafter", "judicial"])
def test_only_an_officer_decides_on_the_spot(town, clock, who):
    clock.move_to(SERVED_ON)
    assert town.api(who).post(SPOT, spot_payload(town), format="json").status_code == 403


@pytest.mark.parametrize("who", ["chief", "principal", "o3"])
def test_only_the_case_officers_issue_a_correction_order(town, clock, who):
    clock.move_to(SERVED_ON)
    case = town.investigating()
    response = town.api(who).post(case_url(case["id"], "correction-orders/"),
                                  {"measure": "撤除摊位", "due_on": (SERVED_ON + 3 * DAY).isoformat()}, format="json")
    assert response.status_code == 403, response.status_code


@pytest.mark.parametrize("who", ["o1", "o2"])
def test_an_officer_does_not_apply_to_the_court(town, clock, who):
    case = town.demanded()
    assert_refused(fire(town.api(who), case["id"], "apply_to_court", court="石桥区人民法院"), 403)


# --------------------------------------------------------------------------------------------------
# A correction order on an on-the-spot case; payments in demanded / court_enforcement
# --------------------------------------------------------------------------------------------------


def test_a_correction_order_on_an_on_the_spot_case(town, clock):
    """Art 28 ¶1: every penalty comes with the order to correct — the on-the-spot one too."""
    clock.move_to(SERVED_ON)
    case = town.on_the_spot()
    response = town.api("o1").post(case_url(case["id"], "correction-orders/"),
                                   {"measure": "当场撤除摊位", "due_on": SERVED_ON.isoformat()}, format="json")
    assert response.status_code == 201, response.content[:300]


def test_paying_in_full_while_the_court_application_is_pending_then_execution(town, clock):
    case = town.court_enforcement()
    owed = get_case(town.api("o1"), case["id"])["payment_status"]["total_owed"]
    ok(pay(town, case["id"], owed, "LATE-1"), 201)
    body = ok(fire(town.api("o1"), case["id"], "record_execution", detail="当事人在法院受理前缴清罚款及加处罚款"))
    assert body["state"] == "executed"
    assert all(d["status"] != "open" for d in body["deadlines"] if d["kind"].startswith("case.")
               and d["kind"] in ("case.payment", "case.instalment", "case.demand_period", "case.court_application"))


def test_a_demand_is_refused_before_the_first_instalment_is_missed(town, clock):
    """Art 66 ¶2 + 行政强制法 Art 54: under an approved plan the party is not in default until an instalment is
    missed; Art 67's date having passed does not allow a demand."""
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    first, _second = plan_of_two(town, clock, case, payment_due)
    clock.move_to(first)
    assert_refused(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达"), 409)
    clock.move_to(first + DAY)
    assert ok(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达"))["state"] == "demanded"


def test_a_pending_remedy_pauses_the_surcharge_then_the_payment_counts(town, clock):
    """Art 73 ¶3: no surcharge while a reconsideration is pending."""
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    ok(file_remedy(town, case))
    clock.move_to(payment_due + 10 * DAY)
    status = get_case(town.api("o1"), case["id"])["payment_status"]
    assert status["surcharge"] == "0.00", status
    ok(pay(town, case["id"], "500", "NB-R"), 201)
    assert get_case(town.api("o1"), case["id"])["payment_status"]["total_owed"] == "0.00"


# --------------------------------------------------------------------------------------------------
# What each page shows, and who is told next
# --------------------------------------------------------------------------------------------------

RULE_CODES = re.compile(r"\[C\d+\]|\bArt \d+|行政强制法 Art|Art\.? ?\d+ ¶")


def test_the_case_page_of_a_demanded_case_with_a_pending_remedy_shows_no_rule_codes(town, clock):
    case = town.demanded()
    ok(file_remedy(town, case))
    text = page_text(town, "o1", f"/cases/cases/{case['id']}/")
    assert not RULE_CODES.findall(text), RULE_CODES.findall(text)


def test_the_on_the_spot_case_page_shows_no_rule_codes(town, clock):
    clock.move_to(SERVED_ON)
    case = town.on_the_spot()
    text = page_text(town, "chief", f"/cases/cases/{case['id']}/")
    assert not RULE_CODES.findall(text), RULE_CODES.findall(text)


def test_a_filed_remedy_appears_in_the_inbox_of_whoever_records_its_outcome(town, clock):
    """The case officers record the reconsideration's outcome; while it is pending the case should be in their inbox
    (the court application is blocked by it)."""
    case, _payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    ok(file_remedy(town, case))
    rows = [row for row in ok(town.api("o1").get(INBOX))["results"] if row["kind"] == "case" and
            row["id"] == case["id"]]
    assert rows, "the pending reconsideration is in nobody's inbox"


def test_a_court_application_appears_in_the_inbox_of_whoever_records_the_result(town, clock):
    case = town.court_enforcement()
    ids = {row["id"] for who in ("chief", "principal", "o1") for row in ok(town.api(who).get(INBOX))["results"]
           if row["kind"] == "case"}
    assert case["id"] in ids


def test_a_correction_order_due_today_is_in_the_officers_inbox(town, clock):
    clock.move_to(SERVED_ON)
    case = town.investigating()
    ok(town.api("o1").post(case_url(case["id"], "correction-orders/"),
                           {"measure": "撤除摊位", "due_on": (SERVED_ON + 3 * DAY).isoformat()}, format="json"), 201)
    clock.move_to(SERVED_ON + 3 * DAY)
    rows = ok(town.api("o1").get(INBOX))["results"]
    assert any(row["id"] == case["id"] or "correction" in str(row.get("kind")) for row in rows), rows


def test_the_on_the_spot_number_is_not_consumed_by_a_refusal(town, clock):
    """Art 52: numbered decisions, gap-free: a refused decision (over the Art 51 limit) does not take a number."""
    clock.move_to(SERVED_ON)
    first = ok(town.api("o1").post(SPOT, spot_payload(town), format="json"), 201)
    assert town.api("o1").post(SPOT, spot_payload(town, fine="250"), format="json").status_code == 409
    second = ok(town.api("o1").post(SPOT, spot_payload(town), format="json"), 201)
    a, b = (int(re.findall(r"\d+", c["number"])[-1]) for c in (first, second))
    assert b == a + 1, (first["number"], second["number"])


def test_an_on_the_spot_decision_dated_before_its_violation_is_refused(town, clock):
    clock.move_to(SERVED_ON)
    body = spot_payload(town, violation_date=SERVED_ON.isoformat(),
                        decided_at=(SERVED_ON - DAY).isoformat())
    response = town.api("o1").post(SPOT, body, format="json")
    assert response.status_code == 400, response.status_code



ENGLISH = re.compile(r"\b(the|a|of|and|is|are|yuan|fine|payment|party|decision)\b [a-z]+ [a-z]+", re.I)


def test_the_new_forms_show_chinese_only(town, clock):
    """The pages of the new steps (payment, plan, plan decision, correction order and its check, demand, court,
    remedy, on-the-spot) read in Chinese, with no rule code and no English sentence."""
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    rows = [{"due_on": (payment_due + 20 * DAY).isoformat(), "amount": "250"},
            {"due_on": (payment_due + 50 * DAY).isoformat(), "amount": "250"}]
    plan = ok(apply_plan(town, case["id"], rows), 201)
    order = ok(town.api("o1").post(case_url(case["id"], "correction-orders/"),
                                   {"measure": "撤除摊位", "due_on": (SERVED_ON + 3 * DAY).isoformat()},
                                   format="json"), 201)[0]
    base = f"/cases/cases/{case['id']}/"
    pages = [("o1", base), ("o1", base + "payments/add/"), ("o1", base + "payment-plans/add/"),
             ("principal", base + f"payment-plans/{plan['id']}/"), ("o1", base + "correction-orders/add/"),
             ("o1", base + f"correction-orders/{order['id']}/verify/"), ("o1", base + "transitions/record_remedy/"),
             ("o1", "/cases/cases/on-the-spot/")]
    found = {}
    for who, url in pages:
        text = page_text(town, who, url)
        bad = RULE_CODES.findall(text) + ENGLISH.findall(text)
        if bad:
            found[url] = bad
    assert not found, found


# --------------------------------------------------------------------------------------------------
# Dates at their boundaries
# --------------------------------------------------------------------------------------------------


def test_a_court_application_dated_before_the_demand_is_refused(town, clock):
    case = town.demanded()
    before = datetime.date.fromisoformat(case["demand_served_on"]) - DAY
    response = fire(town.api("chief"), case["id"], "apply_to_court", court="石桥区人民法院", applied_on=before.isoformat())
    assert response.status_code in (400, 409), response.status_code


def test_a_court_result_dated_before_the_application_is_refused(town, clock):
    case = town.court_enforcement()
    before = datetime.date.fromisoformat(case["court_applied_on"]) - DAY
    response = fire(town.api("chief"), case["id"], "record_court_result", outcome="enforced",
                    decided_on=before.isoformat())
    assert response.status_code == 400, response.status_code


def test_a_remedy_filed_before_the_decision_was_served_is_refused(town, clock):
    case, _payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 5 * DAY)
    assert_refused(file_remedy(town, case, filed_on=(SERVED_ON - 30 * DAY).isoformat()), 400)


def test_a_demand_dated_before_the_service_is_refused(town, clock):
    case, payment_due = served(town, clock)
    clock.move_to(payment_due + 5 * DAY)
    response = fire(town.api("o1"), case["id"], "demand_payment", method="直接送达",
                    demand_served_on=(SERVED_ON - DAY).isoformat())
    assert response.status_code in (400, 409), response.status_code


@pytest.mark.parametrize("fine,kind,status", [("200", "person", 201), ("200.01", "person", 409),
                                              ("3000", "org", 201), ("3000.01", "org", 409)])
def test_the_on_the_spot_limits_of_art_51_at_their_boundary(town, clock, fine, kind, status):
    from .case_fixtures import VALID_CREDIT_CODE

    clock.move_to(SERVED_ON)
    who = party() if kind == "person" else {"name": "石桥镇鲜果商贸有限公司", "kind": "org",
                                            "id_number": VALID_CREDIT_CODE, "phone": "13800138000"}
    # 燃气安全 (0–50,000 yuan): the type's own range does not interfere with Art 51's limit.
    response = town.api("o1").post(SPOT, spot_payload(town, party=who, fine=fine, violation_type=RQAQ),
                                   format="json")
    assert response.status_code == status, response.content[:300]


@pytest.mark.parametrize("fields", [{"decided_at": "yesterday"}, {"fine": "abc"}, {"fine": "100.001"},
                                    {"officers": ["x"]}, {"officers": [999999]}, {"village": 999999},
                                    {"violation_type": "NOPE"}, {"warning": True}])
def test_an_on_the_spot_decision_with_bad_input_is_400(town, clock, fields):
    clock.move_to(SERVED_ON)
    response = town.api("o1").post(SPOT, spot_payload(town, **fields), format="json")
    assert response.status_code == 400, (response.status_code, response.content[:300])


def test_an_on_the_spot_decision_revoked_for_redo_can_be_decided_again(town, clock):
    """撤销并责令重新作出 of an on-the-spot decision (collected, filed, handed over): the case reopens to
    investigation and must be able to go on to a new decision (notice, then decision)."""
    clock.move_to(SERVED_ON)
    case = town.on_the_spot()
    ok(fire(town.api("chief"), case["id"], "acknowledge_spot_filing"))
    ok(fire(town.api("o1"), case["id"], "record_handover", bank_receipt="JK-1"))
    clock.move_to(SERVED_ON + 5 * DAY)
    remedy = ok(file_remedy(town, case))["remedies"][0]
    body = ok(remedy_outcome(town, case, remedy["id"], "revoked_redo", note="事实不清"))
    assert body["state"] == "investigating"
    body = ok(fire(town.api("o1"), case["id"], "notify", facts="经查，事实清楚。", legal_basis="依据第三十六条",
                   proposed_fine="100", proposed_measures=[], major=False, major_reason=""))
    assert body["state"] == "notified"


def test_an_unpaid_on_the_spot_fine_shows_in_the_officers_inbox_for_a_demand(town, clock):
    clock.move_to(SERVED_ON)
    case = ok(town.api("o1").post(SPOT, spot_payload(town), format="json"), 201)
    clock.move_to(due(case, "case.payment") + DAY)
    actions = [row["action"] for row in ok(town.api("o1").get(INBOX))["results"] if row["kind"] == "case"
               and row["id"] == case["id"]]
    assert "逾期未缴待催告" in actions, actions


@pytest.mark.parametrize("step,fields", [
    ("demand_payment", {"method": "直接送达"}),
    ("record_remedy", {"kind": "reconsideration", "body": "县人民政府"}),
])
def test_an_officer_not_on_the_case_is_refused_the_execution_steps(town, clock, step, fields):
    """o3 is an enforcement officer, not one of this case's officers: the case's steps are refused (403), as the
    payments and correction orders are."""
    case, payment_due = served(town, clock)
    clock.move_to(payment_due + DAY)
    assert_refused(fire(town.api("o3"), case["id"], step, **fields), 403)


def test_an_officer_not_on_the_case_does_not_record_the_hand_over(town, clock):
    clock.move_to(SERVED_ON)
    case = town.on_the_spot()
    assert_refused(fire(town.api("o3"), case["id"], "record_handover", bank_receipt="JK-1"), 403)


def test_the_court_is_not_applied_to_for_an_instalment_not_yet_due(town, clock):
    """A plan of two instalments, the second due ten months after service. The first is missed, a demand is
    served, and the party pays the first instalment within the demand period. Nothing is overdue any more: the
    party is not 逾期不履行 (行政强制法 Art 53, 54) until the second date, so an application to the court after the
    remedy periods, before the second instalment falls due, must be refused (409)."""
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    first, second = payment_due + 20 * DAY, SERVED_ON + 300 * DAY
    plan = ok(apply_plan(town, case["id"], [{"due_on": first.isoformat(), "amount": "250"},
                                           {"due_on": second.isoformat(), "amount": "250"}]), 201)
    ok(approve(town, plan["id"]))
    clock.move_to(first + DAY)
    ok(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达"))
    clock.move_to(first + 3 * DAY)
    ok(pay(town, case["id"], "250", "FQ-1"), 201)  # the first instalment (its surcharge aside)
    clock.move_to(SERVED_ON + 200 * DAY)  # after the 6 months of 行政诉讼法 Art 46, before the second date
    assert second > SERVED_ON + 200 * DAY
    response = fire(town.api("chief"), case["id"], "apply_to_court", court="石桥区人民法院")
    assert response.status_code == 409, response.status_code


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_on_the_spot_decisions_at_the_same_moment_get_consecutive_numbers(town, clock):
    """Art 52: each 当场处罚决定书 is numbered; two officers deciding at the same moment get two different numbers,
    one after the other, with no gap (real concurrent connections, as tests/test_concurrency.py)."""
    from .test_concurrency import race

    clock.move_to(SERVED_ON)
    o1, o2 = town.api("o1"), town.api("o2")
    results = race(
        lambda: o1.post(SPOT, spot_payload(town), format="json"),
        lambda: o2.post(SPOT, spot_payload(town, officers=[town.u["o2"].pk]), format="json"),
    )
    assert [getattr(r, "status_code", r) for r in results] == [201, 201], results
    seqs = sorted(int(re.findall(r"\d+", r.json()["number"])[-1]) for r in results)
    assert seqs == [seqs[0], seqs[0] + 1] and seqs[0] == 1, seqs


def test_a_transfer_receipt_dated_before_the_transfer_is_refused(town, clock):
    """The receiving body signs the receipt for a case it has received (国务院令第310号 Art 8-9): a receipt dated
    before the day of the transfer cannot be true (400). The case was reported 10 days before the transfer."""
    clock.move_to(SERVED_ON - 10 * DAY)
    case = town.report()
    clock.move_to(SERVED_ON)
    ok(fire(town.api("chief"), case["id"], "transfer", to="县公安局", reason="涉嫌犯罪，依法移送。"))
    response = fire(town.api("chief"), case["id"], "record_transfer_receipt",
                    received_on=(SERVED_ON - 5 * DAY).isoformat(), receiver="县公安局法制科")
    assert_refused(response, 400)


def test_the_surcharge_counts_again_the_day_after_the_reconsideration_is_decided(town, clock):
    """Art 73 ¶3: the days of the reconsideration are not counted; after its decision the surcharge runs on."""
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    remedy = ok(file_remedy(town, case))["remedies"][0]
    clock.move_to(payment_due + 10 * DAY)
    ok(remedy_outcome(town, case, remedy["id"], "upheld"))
    assert get_case(town.api("o1"), case["id"])["payment_status"]["surcharge"] == "0.00"
    clock.move_to(payment_due + 11 * DAY)
    assert get_case(town.api("o1"), case["id"])["payment_status"]["surcharge"] == "15.00"


def test_a_proposal_of_no_penalty_is_in_the_principals_inbox(town, clock):
    clock.move_to(SERVED_ON)
    case = town.investigating()
    ok(fire(town.api("o1"), case["id"], "propose_no_penalty", ground="facts_not_established",
            reason="经查，违法事实不能成立。"))
    ids = [row["id"] for row in ok(town.api("principal").get(INBOX))["results"] if row["kind"] == "case"]
    assert case["id"] in ids


def test_the_new_decision_after_a_redo_has_its_own_payment_period_not_the_old_plans_dates(town, clock):
    """The redo path to its end: plan approved (250 + 250) on the first decision of 500; reconsideration revokes
    it and orders a new decision (行政复议法 Art 64); the new decision (300) is served. Its payment period is Art
    67's 15 days from the new service; the old plan's dates (which divided 500) must not govern it."""
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    plan_of_two(town, clock, case, payment_due)
    remedy = ok(file_remedy(town, case))["remedies"][0]
    clock.move_to(SERVED_ON + 30 * DAY)
    ok(remedy_outcome(town, case, remedy["id"], "revoked_redo", note="事实不清，责令重新作出"))
    clock.move_to(SERVED_ON + 31 * DAY)
    ok(fire(town.api("o1"), case["id"], "notify", facts="经重新调查，事实清楚。", legal_basis="依据第三十六条",
            proposed_fine="300", proposed_measures=[], major=False, major_reason=""))
    ok(fire(town.api("o1"), case["id"], "submit_decision", waiver=True))
    ok(fire(town.api("principal"), case["id"], "decide", outcome="penalty", fine="300"))
    body = ok(fire(town.api("o1"), case["id"], "serve", method="直接送达"))
    status = body["payment_status"]
    assert status["next_due_on"] == due(body, "case.payment").isoformat(), (status, body["deadlines"])
    assert sum(float(row["amount"]) for row in status["schedule"]) == 300.0, status["schedule"]
    assert status["plan"] is None, status["plan"]


def test_after_an_upheld_reconsideration_the_court_is_applied_to_once_the_15_days_to_sue_have_passed(town, clock):
    """The party chose reconsideration (filed 03-10); it was upheld on 04-01. From then the party may sue only
    within 15 days of the reconsideration decision (行政诉讼法 Art 45; Art 46's six months are for a suit brought
    directly), so the remedy periods end on 04-16 and Art 53's three months (行政强制法 Art 53: 自期限届满之日起
    三个月内) end on 07-16. The chief's application on 04-20 (the demand's 10 working days passed on 04-01) must
    be accepted; the system refuses it until 09-02 — after the three months have lapsed, when the court would
    refuse it."""
    clock.move_to(D(2026, 3, 2))
    case = town.served("penalty", fine="500")
    clock.move_to(D(2026, 3, 10))
    remedy = ok(file_remedy(town, case))["remedies"][0]
    clock.move_to(D(2026, 3, 18))
    ok(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达"))
    clock.move_to(D(2026, 4, 1))
    ok(remedy_outcome(town, case, remedy["id"], "upheld"))
    clock.move_to(D(2026, 4, 20))
    body = ok(fire(town.api("chief"), case["id"], "apply_to_court", court="石桥区人民法院"))
    assert body["state"] == "court_enforcement"


def test_a_demanded_fine_paid_in_full_leaves_the_chiefs_court_row_and_asks_the_officer_for_execution(town, clock):
    case = town.demanded()
    owed = get_case(town.api("o1"), case["id"])["payment_status"]["total_owed"]
    ok(pay(town, case["id"], owed, "LATE-2"), 201)
    chief = [row["action"] for row in ok(town.api("chief").get(INBOX))["results"] if row["kind"] == "case"
             and row["id"] == case["id"]]
    officer = [row for row in ok(town.api("o1").get(INBOX))["results"] if row["kind"] == "case"
               and row["id"] == case["id"]]
    assert officer, "the paid fine waits for its execution in nobody's inbox"
    assert "可申请法院强制执行" not in chief, chief
    body = ok(fire(town.api("o1"), case["id"], "record_execution", detail="催告后缴清"))
    assert body["state"] == "executed"
    assert all(d["status"] != "open" for d in body["deadlines"] if d["kind"] in (
        "case.payment", "case.instalment", "case.demand_period", "case.court_application"))


def test_an_overpayment_after_the_fine_is_reduced_on_reconsideration_is_refused_not_recorded(town, clock):
    """After a change to 300 the party owes 300: a receipt of 500 is refused (409), as any overpayment."""
    case, _payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    remedy = ok(file_remedy(town, case))["remedies"][0]
    ok(remedy_outcome(town, case, remedy["id"], "changed", new_fine="300"))
    assert_refused(pay(town, case["id"], "500", "NB-5"), 409, field="amount")


def test_a_fine_paid_in_full_asks_the_officer_to_record_the_execution(town, clock):
    """Served, paid in full at the bank (receipt recorded): the next step is the officer's record_execution; the
    case should be in the officer's inbox until then (it is not, so a paid case stays 'served' unnoticed)."""
    case, _payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    ok(pay(town, case["id"], "500", "NB-P"), 201)
    officer = [row for row in ok(town.api("o1").get(INBOX))["results"] if row["kind"] == "case"
               and row["id"] == case["id"]]
    assert officer, "the paid fine waits for its execution in nobody's inbox"


def test_cash_collected_on_the_spot_is_still_handed_over_after_the_decision_is_revoked(town, clock):
    """Art 71 ¶1: cash collected on the spot goes to the agency within 2 working days — whatever happens to the
    decision (a revoked fine is refunded by the agency, from the money it holds). The decision is revoked on
    reconsideration the next day, before the hand-over: the officer must still be able to record the hand-over."""
    clock.move_to(SERVED_ON)
    case = town.on_the_spot()
    clock.move_to(SERVED_ON + DAY)
    remedy = ok(file_remedy(town, case))["remedies"][0]
    ok(remedy_outcome(town, case, remedy["id"], "revoked", note="复议机关撤销"))
    ok(fire(town.api("o1"), case["id"], "record_handover", bank_receipt="JK-9"))


def test_a_pending_plan_of_a_revoked_decision_leaves_the_principals_inbox(town, clock):
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    rows = [{"due_on": (payment_due + 20 * DAY).isoformat(), "amount": "250"},
            {"due_on": (payment_due + 50 * DAY).isoformat(), "amount": "250"}]
    plan = ok(apply_plan(town, case["id"], rows), 201)
    remedy = ok(file_remedy(town, case))["remedies"][0]
    ok(remedy_outcome(town, case, remedy["id"], "revoked"))
    rows = [row for row in ok(town.api("principal").get(INBOX))["results"] if row["kind"] == "payment_plan"
            and row["id"] == plan["id"]]
    assert not rows, rows


@pytest.mark.parametrize("step,fields", [
    ("record_remedy", {"kind": "appeal", "body": "县人民政府"}),
    ("record_remedy", {"kind": "reconsideration", "body": "县人民政府", "filed_on": "soon"}),
    ("record_remedy", {"remedy": "abc", "outcome": "upheld"}),
    ("record_remedy", {"remedy": 999999, "outcome": "upheld"}),
    ("record_remedy", {"kind": "reconsideration", "body": "x", "outcome": "maybe"}),
    ("demand_payment", {}),
    ("demand_payment", {"method": "直接送达", "demand_served_on": "2999-01-01"}),
    ("record_execution", {"detail": "x", "executed_on": "2026-13-01"}),
])
def test_bad_input_on_the_execution_steps_is_400(town, clock, step, fields):
    case, payment_due = served(town, clock)
    clock.move_to(payment_due + DAY)
    assert_refused(fire(town.api("o1"), case["id"], step, **fields), 400)


@pytest.mark.parametrize("body", [
    {"corrected": "maybe"}, {"corrected": True, "checked_on": "soon"}, {},
])
def test_bad_input_on_the_correction_check_is_400(town, clock, body):
    clock.move_to(SERVED_ON)
    case = town.investigating()
    order = ok(town.api("o1").post(case_url(case["id"], "correction-orders/"),
                                   {"measure": "撤除摊位", "due_on": (SERVED_ON + 3 * DAY).isoformat()},
                                   format="json"), 201)[0]
    assert_refused(town.api("o1").post(f"/api/v1/correction-orders/{order['id']}/verify/", body, format="json"), 400)


@pytest.mark.parametrize("body", [
    {"measure": "", "due_on": "2026-06-13"}, {"measure": "撤除"}, {"measure": "撤除", "due_on": 5},
    {"measure": "撤除", "due_on": "2026-06-09"}, {"measure": "撤除", "due_on": "2026-06-13", "issued_on": "2026-06-11"},
])
def test_bad_input_on_a_correction_order_is_400(town, clock, body):
    clock.move_to(SERVED_ON)
    case = town.investigating()
    assert_refused(town.api("o1").post(case_url(case["id"], "correction-orders/"), body, format="json"), 400)


@pytest.mark.parametrize("outcome", ["maybe", ""])
def test_a_court_result_with_an_unknown_outcome_is_400(town, clock, outcome):
    case = town.court_enforcement()
    assert_refused(fire(town.api("chief"), case["id"], "record_court_result", outcome=outcome), 400)


@pytest.mark.parametrize("step,who,fields", [
    ("acknowledge_spot_filing", "chief", {"filed_on": "2026-06-09"}),
    ("acknowledge_spot_filing", "chief", {"filed_on": "2026-06-11"}),
    ("record_handover", "o1", {"handed_over_on": "2026-06-09", "bank_receipt": "JK"}),
    ("record_handover", "o1", {"handed_over_on": "2026-06-11", "bank_receipt": "JK"}),
    ("record_handover", "o1", {}),
])
def test_on_the_spot_follow_ups_dated_before_the_decision_or_in_the_future_are_400(town, clock, step, who, fields):
    clock.move_to(SERVED_ON)
    case = town.on_the_spot()
    assert_refused(fire(town.api(who), case["id"], step, **fields), 400)


@pytest.mark.parametrize("step,who", [("acknowledge_spot_filing", "o1"), ("acknowledge_spot_filing", "principal"),
                                      ("record_handover", "chief")])
def test_on_the_spot_follow_ups_by_the_wrong_role_are_403(town, clock, step, who):
    clock.move_to(SERVED_ON)
    case = town.on_the_spot()
    fields = {"bank_receipt": "JK"} if step == "record_handover" else {}
    assert_refused(fire(town.api(who), case["id"], step, **fields), 403)


def test_a_payment_dated_before_the_on_the_spot_decision_is_refused(town, clock):
    clock.move_to(SERVED_ON)
    case = ok(town.api("o1").post(SPOT, spot_payload(town), format="json"), 201)
    clock.move_to(SERVED_ON + 2 * DAY)
    assert_refused(pay(town, case["id"], "150", "B-1", paid_on=SERVED_ON - DAY), 400, field="paid_on")


def test_an_uncollected_on_the_spot_fine_may_be_paid_in_instalments(town, clock):
    clock.move_to(SERVED_ON)
    case = ok(town.api("o1").post(SPOT, spot_payload(town, fine="200"), format="json"), 201)
    payment_due = due(case, "case.payment")
    plan = ok(apply_plan(town, case["id"], [{"due_on": (payment_due + 10 * DAY).isoformat(), "amount": "100"},
                                           {"due_on": (payment_due + 40 * DAY).isoformat(), "amount": "100"}]), 201)
    assert ok(approve(town, plan["id"]))["status"] == "approved"
    status = get_case(town.api("o1"), case["id"])["payment_status"]
    assert status["next_due_on"] == (payment_due + 10 * DAY).isoformat()


def test_a_correction_order_on_an_on_the_spot_case_not_corrected_reaches_the_chief(town, clock):
    """Art 28 ¶1 order on an on-the-spot case found not corrected: the chief is told (逾期未改正 in the inbox) while
    the case's filing (备案) is still pending."""
    clock.move_to(SERVED_ON)
    case = town.on_the_spot()
    order = ok(town.api("o1").post(case_url(case["id"], "correction-orders/"),
                                   {"measure": "当场撤除摊位", "due_on": (SERVED_ON + DAY).isoformat()},
                                   format="json"), 201)[0]
    clock.move_to(SERVED_ON + DAY)
    ok(town.api("o1").post(f"/api/v1/correction-orders/{order['id']}/verify/", {"corrected": False},
                           format="json"))
    actions = [row["action"] for row in ok(town.api("chief").get(INBOX))["results"] if row["id"] == case["id"]]
    # The chief has the case's 备案 row already; the "not corrected" row must not be swallowed by it.
    assert any("逾期未改正" in a for a in actions), actions

"""Issue 13, execution by demand and court, and remedies, end to end over the REST API on a controlled clock.

- 行政强制法 Art 54 (催告): a demand is served only after the payment period (Art 67) has passed unpaid — refused on
  the due day, accepted the day after; the party then has 10 working days (Art 69) after its service.
- 行政强制法 Art 53: the court is applied to after the demand period, after the remedy periods (行政复议法 Art 20:
  60 days; 行政诉讼法 Art 46: 6 months from service), within 3 months of their end; not while a remedy is pending.
- Remedies: a reconsideration or lawsuit is recorded (late ones flagged, not refused); revoked ends the case,
  revoked_redo reopens it, changed sets the new fine; Art 73 ¶3: the surcharge does not run while one is pending.

The calendar (chinesecalendar, 2026): Monday 2026-03-02 the decision is served; 15 days (Art 67) end on Tuesday
03-17, a working day. A demand served on Wednesday 03-18 runs 10 working days — 03-19, 20, 23 … 31, 04-01 — across
two weekends: its last day is Wednesday 04-01. Six months from service end on Wednesday 09-02 (民法典 Art 202); the
three months of Art 53 end on 12-02.
"""

import datetime

import pytest
from django.test import Client

from cases.models import Case
from notifications.models import Deadline

from .case_fixtures import (
    INBOX,
    assert_refused,
    deadline,
    fire,
    get_case,
    history_names,
    ok,
    town_fixture,  # noqa: F401 - the fixture `town`
    transition_names,
)

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

D = datetime.date
SERVED = D(2026, 3, 2)
DUE = D(2026, 3, 17)
DEMAND = D(2026, 3, 18)
DEMAND_LAST = D(2026, 4, 1)  # the 10th working day after the demand's service
LAWSUIT_END = D(2026, 9, 2)
LAPSE = D(2026, 12, 2)


def served_case(town, clock, fine="500"):
    clock.move_to(SERVED)
    return town.served("penalty", fine=fine)


def demanded_case(town, clock, fine="500"):
    case = served_case(town, clock, fine)
    clock.move_to(DEMAND)
    return ok(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达"))


def apply(town, case, who="chief", **fields):
    return fire(town.api(who), case["id"], "apply_to_court", court="石桥区人民法院", **fields)


def file_remedy(town, case, kind="reconsideration", **fields):
    fields.setdefault("body", "县人民政府")
    return fire(town.api("o1"), case["id"], "record_remedy", kind=kind, **fields)


def remedy_outcome(town, case, remedy_id, outcome, **fields):
    return fire(town.api("o1"), case["id"], "record_remedy", remedy=remedy_id, outcome=outcome, **fields)


def inbox_actions(client, case_id) -> list[str]:
    return [row["action"] for row in ok(client.get(INBOX))["results"] if row["kind"] == "case" and row["id"] == case_id]


# --------------------------------------------------------------------------------------------------
# The whole path: served → due date passes → demand → court → result
# --------------------------------------------------------------------------------------------------


def test_demand_then_court_end_to_end(town, clock):
    case = served_case(town, clock)
    assert deadline(get_case(town.api("o1"), case["id"]), "case.payment")["due_date"] == DUE.isoformat()
    # The court application deadline opens at service: 3 months after the 6-month lawsuit period (Art 53).
    assert deadline(get_case(town.api("chief"), case["id"]), "case.court_application")["due_date"] \
        == LAPSE.isoformat()

    clock.move_to(DUE)  # the last day to pay: no demand yet (Art 72; 行政强制法 Art 54)
    assert_refused(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达"), 409,
                   rule="行政强制法 Art 54")
    assert "demand_payment" in transition_names(get_case(town.api("o1"), case["id"]))
    clock.move_to(DEMAND)
    assert "逾期未缴待催告" in inbox_actions(town.api("o1"), case["id"])
    # A demand dated on the due day is refused too, whatever day it is recorded.
    assert_refused(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达", demand_served_on=DUE),
                   409, rule="行政强制法 Art 54")
    body = ok(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达"))
    assert body["state"] == "demanded" and body["demand_served_on"] == DEMAND.isoformat()
    assert deadline(body, "case.demand_period")["due_date"] == DEMAND_LAST.isoformat()
    # Not the day after the demand's term: the six months to sue (行政诉讼法 Art 46) end later (行政强制法 Art 53).
    assert body["court_application_possible_from"] == (LAWSUIT_END + datetime.timedelta(days=1)).isoformat()
    assert body["late_payment_surcharge"] == "15.00"  # 03-18: one day overdue, 500 × 3%

    # The chief: not on the 10th working day after the demand (across two weekends); the refusal names the
    # period that ends last — the remedy periods (Art 53), not the demand's (Art 54, its boundary is tested below).
    clock.move_to(DEMAND_LAST)
    assert case["id"] not in [row["id"] for row in ok(town.api("chief").get(INBOX))["results"]]
    assert_refused(apply(town, case), 409, rule="行政强制法 Art 53", english="2026-09-02")
    # The day after: the demand period has passed, but the remedy periods have not (Art 53): nothing for the
    # chief to do yet, so no "may apply" row.
    clock.move_to(DEMAND_LAST + datetime.timedelta(days=1))
    assert "可申请法院强制执行" not in inbox_actions(town.api("chief"), case["id"])
    assert_refused(apply(town, case), 409, rule="行政强制法 Art 53", english="2026-09-02")
    # The lawsuit period's last day (6 months from service): still refused; the day after: accepted.
    clock.move_to(LAWSUIT_END)
    assert_refused(apply(town, case), 409, rule="行政强制法 Art 53")
    clock.move_to(LAWSUIT_END + datetime.timedelta(days=1))
    assert "可申请法院强制执行" in inbox_actions(town.api("chief"), case["id"])
    body = ok(apply(town, case, note="催告期满仍未履行"))
    assert body["state"] == "court_enforcement" and body["court_name"] == "石桥区人民法院"
    assert deadline(body, "case.court_application")["status"] == "closed"
    assert deadline(body, "case.demand_period")["status"] == "closed"
    assert "法院" in inbox_actions(town.api("chief"), case["id"])[0]

    clock.move_to(D(2026, 10, 20))
    body = ok(fire(town.api("chief"), case["id"], "record_court_result", outcome="enforced",
                   note="法院裁定准予强制执行，已划扣"))
    assert body["state"] == "executed" and body["executed_on"] == "2026-10-20"
    assert body["late_payment_surcharge"] is None
    # The demand and the application are issued with their numbers right after their steps (DESIGN §10).
    assert history_names(body)[-6:] == ["serve", "demand_payment", "issue_document", "apply_to_court",
                                        "issue_document", "record_court_result"]


def test_the_three_months_of_art_53_last_through_their_last_day(town, clock):
    case = demanded_case(town, clock)
    clock.move_to(LAPSE + datetime.timedelta(days=1))
    assert_refused(apply(town, case), 409, rule="行政强制法 Art 53", english="lapsed")
    assert_refused(apply(town, case, applied_on=LAPSE + datetime.timedelta(days=1)), 409, rule="行政强制法 Art 53")
    body = ok(apply(town, case, applied_on=LAPSE))
    assert body["state"] == "court_enforcement" and body["court_applied_on"] == LAPSE.isoformat()


def test_only_the_chief_or_principal_applies_and_only_case_officers_demand(town, clock):
    case = served_case(town, clock)
    clock.move_to(DEMAND)
    assert_refused(fire(town.api("o3"), case["id"], "demand_payment", method="直接送达"), 403)
    assert_refused(fire(town.api("chief"), case["id"], "demand_payment", method="直接送达"), 403)
    ok(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达"))
    clock.move_to(LAWSUIT_END + datetime.timedelta(days=1))
    assert_refused(apply(town, case, who="o1"), 403)
    assert "apply_to_court" not in transition_names(get_case(town.api("o1"), case["id"]))
    assert "apply_to_court" in transition_names(get_case(town.api("principal"), case["id"]))
    ok(apply(town, case, who="principal"))


def test_refused_closes_the_case_with_the_reason_and_withdrawn_returns_to_demanded(town, clock):
    first, second = demanded_case(town, clock), None
    clock.move_to(SERVED)
    second = town.served("penalty", fine="500")
    clock.move_to(DEMAND)
    ok(fire(town.api("o1"), second["id"], "demand_payment", method="邮寄送达"))
    clock.move_to(LAWSUIT_END + datetime.timedelta(days=1))
    ok(apply(town, first))
    ok(apply(town, second))
    assert_refused(fire(town.api("chief"), first["id"], "record_court_result", outcome="refused"), 400,
                   field="note")
    body = ok(fire(town.api("chief"), first["id"], "record_court_result", outcome="refused",
                   note="法院裁定不予受理：申请材料不全"))
    assert body["state"] == "closed" and body["closing_summary"].startswith("法院裁定不予受理")
    body = ok(fire(town.api("chief"), second["id"], "record_court_result", outcome="withdrawn", note="撤回申请"))
    assert body["state"] == "demanded"
    assert deadline(body, "case.court_application")["status"] == "open"


def test_the_party_pays_late_after_the_demand_or_during_the_court_application(town, clock):
    case = demanded_case(town, clock)
    clock.move_to(D(2026, 3, 25))
    assert "record_execution" in transition_names(get_case(town.api("o1"), case["id"]))
    body = ok(fire(town.api("o1"), case["id"], "record_execution", detail="当事人缴纳罚款及加处罚款"))
    assert body["state"] == "executed"
    assert all(d["status"] != "open" for d in body["deadlines"]
               if d["kind"] in ("case.payment", "case.demand_period", "case.court_application"))


def test_no_demand_on_a_case_without_a_fine(town, clock):
    clock.move_to(SERVED)
    case = town.served("no_penalty")
    clock.move_to(DEMAND)
    assert "demand_payment" not in transition_names(get_case(town.api("o1"), case["id"]))
    assert_refused(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达"), 409,
                   rule="行政强制法 Art 54")


# --------------------------------------------------------------------------------------------------
# Remedies and Art 73 ¶3
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("day,expected,paused", [
    (D(2026, 3, 19), "30.00", 0),  # 2 days overdue (03-18, 03-19), the reconsideration not yet filed
    (D(2026, 3, 20), "30.00", 1),  # filed today: 3 days overdue, today paused
    (D(2026, 3, 25), "30.00", 6),  # pending: nothing accrues
    (D(2026, 3, 27), "30.00", 8),  # the decision day is still paused
    (D(2026, 3, 28), "45.00", 8),  # the day after it runs again: 11 − 8 = 3 days
])
def test_a_pending_reconsideration_pauses_the_surcharge(town, clock, day, expected, paused):
    case = served_case(town, clock)
    clock.move_to(D(2026, 3, 20))
    body = ok(file_remedy(town, case, filed_on=D(2026, 3, 20)))
    remedy = body["remedies"][0]
    assert (remedy["outcome"], remedy["late"], body["state"]) == ("pending", False, "served")
    clock.move_to(D(2026, 3, 27))
    ok(remedy_outcome(town, case, remedy["id"], "upheld", decided_on=D(2026, 3, 27)))
    clock.move_to(day)
    body = get_case(town.api("o1"), case["id"])
    if day < D(2026, 3, 20):
        # Seen before the filing (the clock back): only the days up to today count.
        assert body["surcharge_paused_days"] == 0
    assert body["late_payment_surcharge"] == expected
    assert body["surcharge_paused_days"] == paused


def test_the_surcharge_stays_paused_while_the_remedy_is_pending(town, clock):
    case = served_case(town, clock)
    clock.move_to(D(2026, 3, 20))
    ok(file_remedy(town, case, kind="lawsuit", filed_on=D(2026, 3, 20)))
    clock.move_to(D(2026, 5, 20))
    body = get_case(town.api("o1"), case["id"])
    assert body["late_payment_surcharge"] == "30.00"  # 03-18 and 03-19 only
    assert "复议/诉讼结果待登记" in inbox_actions(town.api("o1"), case["id"])


def test_a_pending_remedy_blocks_the_court_application_until_decided(town, clock):
    case = demanded_case(town, clock)
    clock.move_to(D(2026, 8, 1))
    remedy = ok(file_remedy(town, case, kind="lawsuit", body="石桥区人民法院"))["remedies"][0]
    clock.move_to(LAWSUIT_END + datetime.timedelta(days=1))
    assert_refused(apply(town, case), 409, rule="行政强制法 Art 53", english="pending")
    ok(remedy_outcome(town, case, remedy["id"], "upheld"))  # a first-instance judgment, on Thursday 09-03
    # 行政诉讼法 Art 85: the party may appeal within 15 days of the judgment — through Friday 09-18.
    assert_refused(apply(town, case), 409, rule="行政强制法 Art 53", english="2026-09-18")
    clock.move_to(D(2026, 9, 18))
    assert_refused(apply(town, case), 409, rule="行政强制法 Art 53", english="2026-09-19")
    clock.move_to(D(2026, 9, 19))
    assert ok(apply(town, case))["state"] == "court_enforcement"


def test_a_decided_reconsideration_gives_fifteen_days_to_sue_before_the_court(town, clock):
    """行政诉讼法 Art 45: after a reconsideration decision the party may sue within 15 days; the remedy periods end
    then if that is later than 6 months from service."""
    case = demanded_case(town, clock)
    clock.move_to(D(2026, 4, 10))
    remedy = ok(file_remedy(town, case))["remedies"][0]
    clock.move_to(D(2026, 8, 31))
    body = ok(remedy_outcome(town, case, remedy["id"], "upheld"))  # 15 days: through 09-15 (a Tuesday)
    assert deadline(body, "case.court_application")["due_date"] == "2026-12-15"
    clock.move_to(D(2026, 9, 15))
    assert_refused(apply(town, case), 409, rule="行政强制法 Art 53", english="2026-09-15")
    clock.move_to(D(2026, 9, 16))
    ok(apply(town, case))


def test_late_filings_are_recorded_with_a_warning_not_refused(town, clock):
    case = served_case(town, clock)
    clock.move_to(D(2026, 5, 1))  # 60 days from 03-02 end on 05-01 (a holiday: the period rolls to 05-06)
    body = ok(file_remedy(town, case))
    clock.move_to(D(2026, 5, 7))
    body = ok(file_remedy(town, case))
    assert [r["late"] for r in body["remedies"]] == [False, True]
    clock.move_to(LAWSUIT_END)
    assert ok(file_remedy(town, case, kind="lawsuit"))["remedies"][-1]["late"] is False
    clock.move_to(LAWSUIT_END + datetime.timedelta(days=1))
    assert ok(file_remedy(town, case, kind="lawsuit"))["remedies"][-1]["late"] is True


def test_revoked_ends_the_case(town, clock):
    case = served_case(town, clock)
    clock.move_to(D(2026, 3, 10))
    remedy = ok(file_remedy(town, case))["remedies"][0]
    clock.move_to(D(2026, 4, 20))
    body = ok(remedy_outcome(town, case, remedy["id"], "revoked", note="复议机关认为事实不清，撤销原处罚决定"))
    assert body["state"] == "closed" and body["remedies"][0]["outcome"] == "revoked"
    assert "撤销" in body["closing_summary"] or "revoked" in body["closing_summary"]
    assert body["late_payment_surcharge"] is None
    assert all(d["status"] != "open" for d in body["deadlines"])
    assert history_names(body)[-1] == "record_remedy"
    assert_refused(remedy_outcome(town, case, remedy["id"], "upheld"), 409)


def test_revoked_redo_reopens_the_case_to_investigation(town, clock):
    case = served_case(town, clock, fine="800")
    clock.move_to(D(2026, 3, 10))
    remedy = ok(file_remedy(town, case))["remedies"][0]
    clock.move_to(D(2026, 4, 20))
    body = ok(remedy_outcome(town, case, remedy["id"], "revoked_redo"))
    assert body["state"] == "investigating"
    assert body["fine"] is None and body["decided_on"] is None and body["served_on"] is None
    assert body["remedies"][0]["previous_fine"] == "800.00"
    assert "notify" in transition_names(body)
    assert Case.objects.get(pk=case["id"]).state == "investigating"
    assert not Deadline.objects.filter(object_id=case["id"], kind="case.payment", status="open").exists()


def test_changed_sets_the_new_fine_and_keeps_the_payment_deadline(town, clock):
    case = served_case(town, clock)
    due_before = deadline(get_case(town.api("o1"), case["id"]), "case.payment")
    clock.move_to(D(2026, 3, 10))
    remedy = ok(file_remedy(town, case))["remedies"][0]
    assert_refused(remedy_outcome(town, case, remedy["id"], "changed"), 400, field="new_fine")
    body = ok(remedy_outcome(town, case, remedy["id"], "changed", new_fine="300"))
    assert body["fine"] == "300.00" and body["state"] == "served"
    assert deadline(body, "case.payment") == due_before


def test_remedy_input_is_checked(town, clock):
    case = served_case(town, clock)
    clock.move_to(D(2026, 3, 10))
    assert_refused(fire(town.api("o1"), case["id"], "record_remedy", body="县人民政府"), 400, field="kind")
    assert_refused(file_remedy(town, case, filed_on=D(2026, 3, 11)), 400, field="filed_on")  # the future
    remedy = ok(file_remedy(town, case, filed_on=D(2026, 3, 9)))["remedies"][0]
    assert_refused(remedy_outcome(town, case, remedy["id"], "upheld", decided_on=D(2026, 3, 8)), 400,
                   field="decided_on")
    assert_refused(remedy_outcome(town, case, 999999, "upheld"), 400, field="remedy")
    assert_refused(fire(town.api("chief"), case["id"], "record_remedy", kind="lawsuit"), 403)


# --------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------


def test_the_demand_form_shows_its_refusal_beside_the_field_in_chinese(town, clock):
    case = served_case(town, clock)
    clock.move_to(DEMAND)
    client = Client()
    client.force_login(town.u["o1"])
    url = f"/cases/cases/{case['id']}/transitions/demand_payment/"
    page = client.get(url).content.decode()
    assert "催告书送达日期" in page and "送达方式" in page
    response = client.post(url, {"method": "直接送达", "demand_served_on": DUE.isoformat()})
    html = response.content.decode()
    assert response.status_code == 409 and "行政强制法第54条" in html and "/ The fine" not in html
    detail = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert "催告" in detail


def test_the_remedy_has_one_form_for_the_filing_and_one_for_the_outcome(town, clock):
    case = served_case(town, clock)
    clock.move_to(D(2026, 3, 10))
    client = Client()
    client.force_login(town.u["o1"])
    url = f"/cases/cases/{case['id']}/transitions/record_remedy/"
    filing = client.get(url).content.decode()
    assert "复议机关或法院" in filing and 'name="new_fine"' not in filing and 'name="outcome"' not in filing
    response = client.post(url, {"kind": "reconsideration", "body": "县人民政府", "filed_on": "2026-03-09"})
    assert response.status_code == 302
    remedy_id = get_case(town.api("o1"), case["id"])["remedies"][0]["id"]
    detail = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert f'data-remedy-outcome="{remedy_id}"' in detail and "行政复议" in detail and "审理中" in detail
    outcome = client.get(f"{url}?remedy={remedy_id}").content.decode()
    assert 'name="outcome"' in outcome and 'name="kind"' not in outcome
    # The outcome form's refusal stands beside its field, in Chinese only.
    response = client.post(f"{url}?remedy={remedy_id}", {"remedy": remedy_id, "outcome": "changed"})
    html = response.content.decode()
    assert response.status_code == 400 and "请填写变更后的罚款金额。" in html and "Give the fine" not in html
    response = client.post(f"{url}?remedy={remedy_id}", {"remedy": remedy_id, "outcome": "upheld",
                                                         "decided_on": "2026-03-10"})
    assert response.status_code == 302
    assert get_case(town.api("o1"), case["id"])["remedies"][0]["outcome"] == "upheld"


def test_a_corrected_service_date_moves_the_court_application_deadline(town, clock):
    case = served_case(town, clock)
    clock.move_to(D(2026, 3, 5))
    body = ok(town.api("chief").post(f"/api/v1/cases/{case['id']}/correct-date/",
                                     {"field": "served_on", "date": "2026-03-03", "reason": "送达回证日期为3月3日"},
                                     format="json"))
    # 6 months from 03-03 end on Thursday 09-03; Art 53's three months on 12-03.
    assert deadline(body, "case.court_application")["due_date"] == "2026-12-03"
    assert deadline(body, "case.payment")["due_date"] == "2026-03-18"


# --------------------------------------------------------------------------------------------------
# Fix round (issue 13, fixe2): when the court may be applied to, what the demand says, the remedy's outcome step
# --------------------------------------------------------------------------------------------------


def page(town, who, url) -> str:
    import re

    client = Client()
    client.force_login(town.u[who])
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", response.content.decode(), flags=re.S)
    return html


def test_the_court_date_is_the_latest_of_the_demand_term_and_the_remedy_periods(town, clock):
    """The demand's term ends 04-01, the six months to sue (行政诉讼法 Art 46) on 09-02: the court may be applied to
    from 09-03 (行政强制法 Art 53), and the case page, the API, the chief's inbox and the button all say so."""
    case = demanded_case(town, clock)
    clock.move_to(DEMAND_LAST + datetime.timedelta(days=1))
    assert get_case(town.api("chief"), case["id"])["court_application_possible_from"] == "2026-09-03"
    html = page(town, "chief", f"/cases/cases/{case['id']}/")
    assert "自2026-09-03起可申请法院强制执行" in html and "提起诉讼或者上诉的期限届满" in html
    assert 'data-transition="apply_to_court"' not in html
    assert "可申请法院强制执行" not in inbox_actions(town.api("chief"), case["id"])
    # The refusal names the period that ends last (not the demand's, which has passed).
    assert_refused(apply(town, case), 409, rule="行政强制法 Art 53", english="2026-09-03")
    clock.move_to(LAWSUIT_END)
    assert_refused(apply(town, case), 409, rule="行政强制法 Art 53", english="2026-09-02")
    clock.move_to(LAWSUIT_END + datetime.timedelta(days=1))
    assert inbox_actions(town.api("chief"), case["id"]) == ["可申请法院强制执行"]
    assert 'data-transition="apply_to_court"' in page(town, "chief", f"/cases/cases/{case['id']}/")
    assert ok(apply(town, case))["state"] == "court_enforcement"


def test_a_pending_remedy_shows_that_the_court_waits_for_it(town, clock):
    case = demanded_case(town, clock)
    clock.move_to(D(2026, 3, 20))
    ok(file_remedy(town, case, kind="lawsuit", body="石桥区人民法院"))
    assert get_case(town.api("chief"), case["id"])["court_application_possible_from"] is None
    html = page(town, "chief", f"/cases/cases/{case['id']}/")
    assert "行政诉讼尚在进行中：作出结果前不申请法院强制执行" in html
    assert 'data-transition="apply_to_court"' not in html


def test_a_longer_term_in_the_demand_holds_the_court_back_until_it_ends(town, clock):
    """A reconsideration upheld on 03-06 leaves 15 days to sue (行政诉讼法 Art 45): through 03-21, a Saturday, rolled
    to Monday 03-23. The demand of 03-18 gives the party until 04-10 (行政强制法 Art 35(1), by analogy): the court
    may be applied to from 04-11, not from 04-02 (the 10 working days)."""
    case = served_case(town, clock)
    clock.move_to(D(2026, 3, 5))
    remedy = ok(file_remedy(town, case))["remedies"][0]
    clock.move_to(D(2026, 3, 6))
    ok(remedy_outcome(town, case, remedy["id"], "upheld"))
    clock.move_to(DEMAND)
    body = ok(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达", term_until="2026-04-10"))
    assert body["demand_term_until"] == "2026-04-10" and body["court_application_possible_from"] == "2026-04-11"
    clock.move_to(D(2026, 4, 10))
    assert_refused(apply(town, case), 409, rule="行政强制法 Art 54", english="2026-04-11")
    clock.move_to(D(2026, 4, 11))
    assert ok(apply(town, case))["state"] == "court_enforcement"


def test_the_demand_records_the_amount_owed_and_its_term_by_default(town, clock):
    """行政强制法 Art 35 (by analogy): the demand states the amount and the term. An old caller sending only the
    method gets what is owed (the fine; no surcharge yet on 03-18, the first day overdue counts from 03-18) and
    the 10th working day; the page shows both."""
    case = demanded_case(town, clock)
    assert case["demand_amount"] == get_case(town.api("o1"), case["id"])["payment_status"]["total_owed"]
    assert case["demand_term_until"] == DEMAND_LAST.isoformat()
    html = page(town, "o1", f"/cases/cases/{case['id']}/")
    assert "催告金额（元）" in html and f"履行期限至{DEMAND_LAST.isoformat()}" in html


def test_the_demand_form_shows_what_is_owed_and_records_the_party_statement(town, clock):
    case = served_case(town, clock)
    clock.move_to(DEMAND)
    owed = get_case(town.api("o1"), case["id"])["payment_status"]["total_owed"]
    client = Client()
    client.force_login(town.u["o1"])
    url = f"/cases/cases/{case['id']}/transitions/demand_payment/"
    form = client.get(url).content.decode()
    assert "今日应缴总额" in form and "履行期限至" in form and "陈述、申辩" in form
    from .test_issue13_breaker import ENGLISH, RULE_CODES, page_text

    text = page_text(town, "o1", url)
    assert not RULE_CODES.findall(text) and not ENGLISH.findall(text), (RULE_CODES.findall(text),
                                                                         ENGLISH.findall(text))
    response = client.post(url, {"method": "直接送达", "amount": owed, "term_until": "2026-04-03",
                                 "party_statement": "当事人称近期资金紧张，请求宽限。"})
    assert response.status_code == 302
    html = page(town, "o1", f"/cases/cases/{case['id']}/")
    assert "当事人称近期资金紧张，请求宽限。" in html and "履行期限至2026-04-03" in html


@pytest.mark.parametrize("fields,field", [
    ({"amount": "515.01"}, "amount"),  # more than the 515 owed (500 and a day's surcharge of 15)
    ({"amount": "0"}, "amount"),
    ({"term_until": "2026-03-17"}, "term_until"),  # before the demand of 03-18
])
def test_a_demand_for_more_than_is_owed_or_with_a_term_before_it_is_refused(town, clock, fields, field):
    case = served_case(town, clock)
    clock.move_to(DEMAND)
    response = fire(town.api("o1"), case["id"], "demand_payment", method="直接送达", **fields)
    assert_refused(response, 400, field=field)
    assert get_case(town.api("o1"), case["id"])["state"] == "served"


def test_a_demand_on_the_last_amount_owed_and_term_on_its_day_is_accepted(town, clock):
    case = served_case(town, clock)
    clock.move_to(DEMAND)
    body = ok(fire(town.api("o1"), case["id"], "demand_payment", method="直接送达", amount="500",
                   term_until=DEMAND.isoformat()))
    assert body["demand_amount"] == "500.00" and body["state"] == "demanded"


def test_a_fine_changed_on_reconsideration_may_stay_but_not_rise(town, clock):
    """行政复议法 Art 63 ¶2: no change less favourable to the applicant — 500.01 of a 500 fine is refused (409)."""
    case = served_case(town, clock)
    clock.move_to(D(2026, 3, 10))
    remedy = ok(file_remedy(town, case))["remedies"][0]
    assert_refused(remedy_outcome(town, case, remedy["id"], "changed", new_fine="500.01"), 409,
                   rule="行政复议法 Art 63 ¶2")
    body = ok(remedy_outcome(town, case, remedy["id"], "changed", new_fine="500"))
    assert body["fine"] == "500.00"


def test_the_remedy_outcome_step_has_its_own_title_and_history_row_with_its_note(town, clock):
    case = served_case(town, clock)
    clock.move_to(D(2026, 3, 10))
    client = Client()
    client.force_login(town.u["o1"])
    url = f"/cases/cases/{case['id']}/transitions/record_remedy/"
    assert client.post(url, {"kind": "reconsideration", "body": "县人民政府", "filed_on": "2026-03-09",
                             "note": "当事人递交复议申请书"}).status_code == 302
    remedy_id = get_case(town.api("o1"), case["id"])["remedies"][0]["id"]
    assert "登记复议或诉讼的结果" in client.get(f"{url}?remedy={remedy_id}").content.decode()
    assert "登记复议或诉讼的结果" not in client.get(url).content.decode()
    response = client.post(f"{url}?remedy={remedy_id}", {"remedy": remedy_id, "outcome": "upheld",
                                                         "decided_on": "2026-03-10", "note": "复议维持原决定"})
    assert response.status_code == 302
    html = page(town, "o1", f"/cases/cases/{case['id']}/")
    history = html[html.index("data-card=\"history\""):] if "data-card=\"history\"" in html else html
    assert "已登记复议或诉讼的结果" in history and "复议维持原决定" in history and "当事人递交复议申请书" in history


def test_a_demanded_fine_paid_in_full_tells_the_officer_to_record_the_execution(town, clock):
    case = demanded_case(town, clock)
    clock.move_to(D(2026, 3, 20))
    owed = get_case(town.api("o1"), case["id"])["payment_status"]["total_owed"]
    ok(town.api("o1").post(f"/api/v1/cases/{case['id']}/payments/", {
        "amount": owed, "receipt_number": "CG-1", "bank": "农业银行", "paid_on": "2026-03-20"}, format="json"), 201)
    assert inbox_actions(town.api("o1"), case["id"]) == ["催告后已缴清，待登记执行"]
    assert inbox_actions(town.api("chief"), case["id"]) == []

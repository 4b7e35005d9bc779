"""Issue 12, the tester's defects in cases/ (D1, D5, D9-D12, D14, D15): each test tries to break the rule at its
boundary over the REST API and checks that a refusal wrote nothing.
"""

import datetime

import pytest

from cases.models import Case, Party
from cases.party_rules import add_years

from .case_fixtures import (
    RQAQ,
    VALID_CREDIT_CODE,
    WFJS,
    add_inquiry,
    assert_refused,
    assert_unchanged,
    at_nine,
    fire,
    ok,
    party,
    report_case,
    snapshot,
    today,
    town_fixture,  # noqa: F401 - the fixture `town`
    working_days_after,
)

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

NOTICE = {"facts": "经查，事实清楚。", "legal_basis": "依据相关法律法规"}


def notify(town, case, **fields):
    return fire(town.api("o1"), case["id"], "notify", **{**NOTICE, **fields})


def decide(town, case, **fields):
    return fire(town.api("principal"), case["id"], "decide", outcome="penalty", **fields)


# --- D1: Art 45 ¶2, a decision may not add to the notice ------------------------------------------------


def test_d1_a_decision_may_not_add_a_measure_to_the_noticed_fine(town):
    """Finding D1: notice fine 1,500 → decide fine 1,500 + warning was accepted."""
    case = town.deciding("1500", violation_type=WFJS)
    before = snapshot(case["id"])
    data = assert_refused(decide(town, case, fine="1500", measures=["warning"]), 409, rule="Art 45")
    assert "not in the notice" in data["detail"]
    assert_unchanged(before, case["id"])
    decided = ok(decide(town, case, fine="1500"))
    assert decided["measures"] == ["fine"]


def test_d1_a_lighter_measure_only_instead_of_the_noticed_penalty(town):
    """Finding D1: notice suspend_permit → decide suspend_permit + confiscation was accepted (confiscation is
    "lighter" by severity but was added on top); a lone warning instead of the suspension is lawful."""
    case = town.deciding(None, measures=["suspend_permit"])
    before = snapshot(case["id"])
    assert_refused(decide(town, case, measures=["suspend_permit", "confiscate_property"], confiscation_value="100"),
                   409, rule="Art 45")
    assert_refused(decide(town, case, measures=["confiscate_property"], confiscation_value="100"), 409,
                   rule="Art 45")  # a confiscation the party was never told the value of
    assert_refused(decide(town, case, measures=["suspend_permit", "warning"]), 409, rule="Art 45")
    assert_unchanged(before, case["id"])
    assert ok(decide(town, case, measures=["warning"]))["measures"] == ["warning"]


def test_d1_decided_confiscation_value_at_the_notice_accepted_one_yuan_above_refused(town):
    case = town.investigating(violation_type=WFJS)
    ok(notify(town, case, proposed_measures=["confiscate_gains"], proposed_confiscation_value="5000"))
    ok(fire(town.api("o1"), case["id"], "submit_decision", waiver=True))
    before = snapshot(case["id"])
    assert_refused(decide(town, case, measures=["confiscate_gains"]), 400, field="confiscation_value")
    assert_refused(decide(town, case, measures=["confiscate_gains"], confiscation_value="5001"), 409,
                   rule="Art 45")
    assert_unchanged(before, case["id"])
    decided = ok(decide(town, case, measures=["confiscate_gains"], confiscation_value="5000"))
    assert decided["confiscation_value"] == "5000.00"


# --- D5: Art 64(4), the presiding officer took no part in the investigation ------------------------------


def test_d5_a_presiding_officer_named_on_an_inquiry_record_is_refused(town):
    """Finding D5: o3 questioned the party (inquiry record) without being assigned; o3 was accepted to preside."""
    case = town.investigating(violation_type=WFJS)
    ok(add_inquiry(town.api("o1"), case["id"], [town.u["o1"], town.u["o3"]]), 201)
    ok(notify(town, case, proposed_fine="20000"))
    ok(fire(town.api("o1"), case["id"], "request_hearing", requested_on=today()))
    before = snapshot(case["id"])
    hearing_at = at_nine(working_days_after(today(), 8))
    data = assert_refused(fire(town.api("o1"), case["id"], "schedule_hearing", presiding_officer=town.u["o3"].pk,
                               hearing_at=hearing_at), 409, rule="Art 64(4)")
    assert "inquiry records" in data["detail"]
    assert_unchanged(before, case["id"])
    scheduled = ok(fire(town.api("o1"), case["id"], "schedule_hearing", presiding_officer=town.u["expired"].pk,
                        hearing_at=hearing_at))
    assert scheduled["presiding_officer"]["username"] == "officer-expired"


# --- D11: a fine of zero is no penalty (Art 33) --------------------------------------------------------------


def test_d11_a_fine_of_zero_is_refused_at_notice_and_decision(town):
    case = town.investigating()
    before = snapshot(case["id"])
    assert_refused(notify(town, case, proposed_fine="0"), 409, rule="Art 33")
    assert_unchanged(before, case["id"])
    deciding = town.deciding("1")
    before = snapshot(deciding["id"])
    assert_refused(decide(town, deciding, fine="0"), 409, rule="Art 33")
    assert_unchanged(before, deciding["id"])
    assert ok(decide(town, deciding, fine="1"))["fine"] == "1.00"


# --- D12: once notified, the case is decided (Art 44, 57) --------------------------------------------------------


def test_d12_revoke_filing_is_refused_once_the_party_was_notified(town):
    """Finding D12: a notified case in `deciding` was closed by revoke_filing."""
    case = town.deciding("500")
    before = snapshot(case["id"])
    assert_refused(fire(town.api("principal"), case["id"], "revoke_filing", reason="撤销立案"), 409, rule="Art 44")
    assert_unchanged(before, case["id"])
    assert ok(decide(town, case, fine="500"))["state"] == "decided"


# --- D10: Art 36's five years rest on a described harm ----------------------------------------------------------


def test_d10_the_harm_flag_at_report_needs_its_description(town, client):
    """Finding D10: harm_to_life_health_or_finance=True at the report took the limitation to 5 years, unrecorded."""
    cases_before = Case.objects.count()
    assert_refused(report_case(town.api("o1"), violation_type=RQAQ, harm_to_life_health_or_finance=True), 400,
                   rule="Art 36", field="harm_description")
    assert_refused(report_case(town.api("o1"), violation_type=RQAQ, harm_to_life_health_or_finance=True,
                               harm_description="  "), 400, field="harm_description")
    assert Case.objects.count() == cases_before
    reported = ok(report_case(town.api("o1"), violation_type=RQAQ, harm_to_life_health_or_finance=True,
                              harm_description="燃气泄漏致两人中毒入院"), 201)
    assert reported["harm_description"] == "燃气泄漏致两人中毒入院" and reported["limitation"]["years"] == 5
    client.force_login(town.u["o1"])
    page = client.get(Case.objects.get(pk=reported["id"]).page_path())
    assert "燃气泄漏致两人中毒入院" in page.content.decode()


# --- D17: a wrong type is told in one language, in the field's words ---------------------------------------------


@pytest.mark.parametrize(("field", "value", "chinese", "english"), [
    ("collective_discussion_attendees", 12, "姓名列表", "a list of names"),
    ("fine", ["500"], "数字", "a number"),
    ("measures_note", ["x"], "文字", "a string"),
])
def test_d17_type_errors_are_fully_translated(town, field, value, chinese, english):
    case = town.deciding("500")
    before = snapshot(case["id"])
    url = f"/api/v1/cases/{case['id']}/transitions/decide/"
    response = town.api("principal").post(url, {"outcome": "penalty", "fine": "500", field: value}, format="json")
    data = assert_refused(response, 400, field=field)
    assert_unchanged(before, case["id"])
    zh, en = data["fields"][field][0].split(" / ")
    assert chinese in zh and english not in zh, data
    assert english in en, data


# --- D15: dates that cannot be -------------------------------------------------------------------------------------


def test_d15_the_discussion_date_lies_between_the_notice_and_the_decision(town):
    case = town.deciding("500")  # notified today
    before = snapshot(case["id"])
    record = {"fine": "500", "collective_discussion": "负责人集体讨论，同意。",
              "collective_discussion_attendees": ["镇长", "副镇长"]}
    for day in ("0001-01-01", (today() - datetime.timedelta(days=1)).isoformat()):
        assert_refused(decide(town, case, collective_discussion_on=day, **record), 400, rule="Art 57",
                       field="collective_discussion_on")
    assert_unchanged(before, case["id"])
    decided = ok(decide(town, case, collective_discussion_on=today().isoformat(), **record))
    assert decided["collective_discussion_on"] == today().isoformat()


def test_d15_a_hearing_is_held_within_a_year_of_its_notice(town):
    case = town.notified("20000", violation_type=WFJS)
    ok(fire(town.api("o1"), case["id"], "request_hearing", requested_on=today()))
    before = snapshot(case["id"])
    latest = add_years(today(), 1)

    def schedule(at):
        return fire(town.api("o1"), case["id"], "schedule_hearing", presiding_officer=town.u["o3"].pk, hearing_at=at)

    assert_refused(schedule("9999-12-31T09:00:00+08:00"), 400, field="hearing_at")
    assert_refused(schedule(at_nine(latest + datetime.timedelta(days=1))), 400, rule="local rule",
                   field="hearing_at")
    assert_unchanged(before, case["id"])
    assert ok(schedule(at_nine(latest)))["hearing_at"]


@pytest.mark.parametrize("party_fields", [
    {"kind": "person", "id_number": "", "birth_date": "1899-12-31"},
    {"kind": "person", "id_number": "", "birth_date": "0001-01-01"},
    {"kind": "person", "id_number": "", "birth_date": "AFTER"},  # born the day after the violation
    {"kind": "org", "id_number": VALID_CREDIT_CODE, "name": "石桥建材有限公司", "birth_date": "2000-01-01"},
])
def test_d15_impossible_dates_of_birth_are_refused(town, party_fields):
    violation = today() - datetime.timedelta(days=60)
    if party_fields["birth_date"] == "AFTER":
        party_fields = {**party_fields, "birth_date": (violation + datetime.timedelta(days=1)).isoformat()}
    cases_before = Case.objects.count()
    assert_refused(report_case(town.api("o1"), violation_date=violation.isoformat(),
                               party=party(**party_fields)), 400, field="party.birth_date")
    assert Case.objects.count() == cases_before


def test_d15_born_on_the_violation_day_and_in_1900_are_accepted(town):
    violation = today() - datetime.timedelta(days=60)
    for birth in (violation, datetime.date(1900, 1, 1)):
        reported = ok(report_case(town.api("o1"), violation_date=violation.isoformat(),
                                  party=party(id_number="", birth_date=birth.isoformat())), 201)
        assert Party.objects.get(cases__pk=reported["id"]).birth_date == birth

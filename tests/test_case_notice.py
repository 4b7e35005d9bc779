"""Issue 12, the notice and what follows it: measures as codes (Art 9), hearing eligibility (Art 63), no heavier
penalty for defending oneself (Art 45 ¶2), the hearing (Art 64), legal review (Art 58) and collective discussion
(Art 57 ¶2), the party's waiver, publicity before closing (Art 48 ¶1). Each test tries to break its rule at the
boundary over the REST API and checks that a refusal wrote nothing.
"""

import datetime

import pytest

from cases.models import ViolationType

from .case_fixtures import (
    CASES,
    VALID_CREDIT_CODE,
    WFJS,
    assert_refused,
    assert_unchanged,
    at_nine,
    deadline,
    fire,
    get_case,
    ok,
    party,
    snapshot,
    today,
    town_fixture,  # noqa: F401 - the fixture `town`
    transition_names,
    working_days_after,
    working_days_ago,
)
from .clock import LOCAL

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

ORG = party(name="石桥建材有限公司", kind="org", id_number=VALID_CREDIT_CODE)
NOTICE = {"facts": "经查，事实清楚。", "legal_basis": "依据相关法律法规"}


def notify(town, case, **fields):
    return fire(town.api("o1"), case["id"], "notify", **{**NOTICE, **fields})


def decide(town, case, **fields):
    return fire(town.api("principal"), case["id"], "decide", outcome="penalty", **fields)


def discussion():
    return {"collective_discussion": "镇政府负责人集体讨论，同意。", "collective_discussion_attendees": ["镇长", "副镇长"]}


# ==================================================================================================
# 1. Measures as codes (Art 9; CONTRACT §7)
# ==================================================================================================


def test_penalty_measures_are_listed_with_labels_and_hearing_kind(town):
    rows = ok(town.api("o1").get("/api/v1/penalty-measures/"))
    by_code = {row["code"]: row for row in rows}
    assert list(by_code) == ["warning", "criticism", "fine", "confiscate_gains", "confiscate_property",
                             "suspend_permit", "other", "lower_qualification", "restrict_business",
                             "suspend_production", "restrict_practice", "revoke_permit", "close_down"]
    assert by_code["suspend_production"]["hearing"] == "always"
    assert by_code["fine"]["hearing"] == "amount" and by_code["warning"]["hearing"] == "never"
    assert by_code["warning"]["severity"] < by_code["fine"]["severity"] < by_code["close_down"]["severity"]


def test_unknown_or_free_text_measures_are_invalid(town):
    case = town.investigating(violation_type=WFJS)
    before = snapshot(case["id"])
    assert_refused(notify(town, case, proposed_measures=["demolish"]), 400, field="proposed_measures")
    assert_refused(notify(town, case, proposed_measures="责令停产停业"), 400, field="proposed_measures")
    # `other` needs its description, `fine` its amount, a confiscation its value
    assert_refused(notify(town, case, proposed_measures=["other"]), 400, field="proposed_measures_note")
    assert_refused(notify(town, case, proposed_measures=["fine"]), 400, field="proposed_fine")
    assert_refused(notify(town, case, proposed_measures=["confiscate_gains"]), 400,
                   field="proposed_confiscation_value")
    assert_unchanged(before, case["id"])
    notified = ok(notify(town, case, proposed_fine="2000", proposed_measures=["warning"]))
    assert notified["proposed_measures"] == ["warning", "fine"]


# ==================================================================================================
# 2. Art 63 hearing eligibility by kind and party
# ==================================================================================================


def test_suspension_of_production_without_a_fine_entitles_an_organisation_to_a_hearing(town):
    """Finding: 责令停产停业整顿 with no fine was not eligible; the hearing was refused; decided with no legal review
    and no collective discussion."""
    case = town.investigating(violation_type=WFJS, party=ORG, filed_on=town_days(40))
    notified = ok(notify(town, case, proposed_measures=["suspend_production"], notified_on=working_days_ago(1)))
    assert notified["hearing_eligible"] is True
    assert "责令停产停业" in notified["hearing_right"]
    assert deadline(notified, "case.hearing_request")["status"] == "open"
    hearing = ok(fire(town.api("o1"), case["id"], "request_hearing", requested_on=today()))
    assert hearing["state"] == "hearing"


def test_suspension_without_a_hearing_needs_legal_review_and_collective_discussion(town):
    case = town.investigating(violation_type=WFJS, party=ORG, filed_on=town_days(40))
    ok(notify(town, case, proposed_measures=["suspend_production"], notified_on=working_days_ago(10)))
    before = snapshot(case["id"])
    assert_refused(fire(town.api("o1"), case["id"], "submit_decision", waiver=True), 409, rule="C5 Art 58 ¶1(4)")
    assert_unchanged(before, case["id"])
    ok(fire(town.api("o1"), case["id"], "submit_legal_review"))
    ok(fire(town.api("judicial"), case["id"], "pass_legal_review", opinion="同意"))
    before = snapshot(case["id"])
    assert_refused(decide(town, case, measures=["suspend_production"]), 409, rule="C6 Art 57 ¶2")
    assert_unchanged(before, case["id"])
    decided = ok(decide(town, case, measures=["suspend_production"], **discussion()))
    assert decided["measures"] == ["suspend_production"]


@pytest.mark.parametrize(("kind", "fine", "eligible"), [
    ("person", "10000", True), ("person", "9999", False),
    ("org", "50000", True), ("org", "49999", False),
])
def test_fine_threshold_per_party_kind(town, kind, fine, eligible):
    ViolationType.objects.filter(code=WFJS).update(hearing_threshold_org="50000")
    who = ORG if kind == "org" else party()
    case = town.investigating(violation_type=WFJS, party=who)
    notified = ok(notify(town, case, proposed_fine=fine))
    assert notified["hearing_eligible"] is eligible
    assert notified["violation_type"]["hearing_threshold_person"] == "10000.00"
    assert notified["violation_type"]["hearing_threshold_org"] == "50000.00"


@pytest.mark.parametrize(("value", "eligible"), [("10000", True), ("9999", False)])
def test_confiscation_of_a_large_amount_entitles_to_a_hearing(town, value, eligible):
    case = town.investigating(violation_type=WFJS)
    notified = ok(notify(town, case, proposed_measures=["confiscate_gains"], proposed_confiscation_value=value))
    assert notified["hearing_eligible"] is eligible


def test_demolition_order_as_a_heavy_other_penalty_shows_the_right_to_a_hearing(town):
    """Finding: a house demolition order showed "no right to a hearing"."""
    case = town.investigating(violation_type=WFJS)
    notified = ok(notify(town, case, proposed_measures=["other"], proposed_measures_note="限期拆除违法建筑",
                         proposed_other_heavy=True))
    assert notified["hearing_eligible"] is True
    assert "当事人有权要求听证" in notified["hearing_right"]
    from django.test import Client

    browser = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    browser.force_login(town.u["o1"])
    page = browser.get(f"/cases/cases/{case['id']}/").content.decode()
    assert "当事人有权要求听证" in page and "限期拆除违法建筑" in page


def test_no_fine_and_no_measure_is_not_hearing_eligible(town):
    from cases.flows import hearing_eligibility
    from cases.models import Case

    case = Case.objects.get(pk=town.investigating(violation_type=WFJS)["id"])
    assert hearing_eligibility(case, None, []) is False
    assert hearing_eligibility(case, None, ["warning", "criticism"]) is False
    assert hearing_eligibility(case, None, ["other"], other_heavy=False) is False


def test_a_fine_below_the_threshold_says_why_there_is_no_hearing(town):
    notified = town.notified("9999", violation_type=WFJS)
    assert notified["hearing_eligible"] is False
    assert "10,000.00" in notified["hearing_right"]


# ==================================================================================================
# 4. Art 45 ¶2: no heavier penalty than the notice's
# ==================================================================================================


def test_decided_fine_at_the_notice_amount_is_accepted_one_yuan_above_refused_then_renotified(town):
    """Finding: the notice proposed 1,000; the principal decided 20,000 and it was accepted."""
    case = town.deciding("1000", violation_type=WFJS)
    before = snapshot(case["id"])
    data = assert_refused(decide(town, case, fine="1001"), 409, rule="Art 45")
    assert "1,000.00" in data["detail"]
    assert_refused(decide(town, case, fine="20000"), 409, rule="Art 45")
    assert_unchanged(before, case["id"])
    # a new notice with the higher amount reopens the windows; after them (or a waiver) it may be decided
    assert "notify" in transition_names(get_case(town.api("o1"), case["id"]))
    renotified = ok(notify(town, case, proposed_fine="1001"))
    assert renotified["state"] == "notified" and renotified["waiver"] is False
    assert deadline(renotified, "case.statement_window")["status"] == "open"
    assert_refused(fire(town.api("o1"), case["id"], "submit_decision"), 409, rule="C4")
    ok(fire(town.api("o1"), case["id"], "submit_decision", waiver=True))
    assert ok(decide(town, case, fine="1001"))["fine"] == "1001.00"


def test_decided_fine_equal_to_the_notice_is_accepted(town):
    case = town.deciding("1000", violation_type=WFJS)
    assert ok(decide(town, case, fine="1000"))["state"] == "decided"


def test_a_measure_heavier_than_the_notice_is_refused_a_lighter_one_accepted(town):
    case = town.deciding("1000", violation_type=WFJS)
    before = snapshot(case["id"])
    assert_refused(decide(town, case, fine="1000", measures=["suspend_permit"]), 409, rule="Art 45")
    assert_refused(decide(town, case, measures=["revoke_permit"]), 409, rule="Art 45")
    assert_unchanged(before, case["id"])
    decided = ok(decide(town, case, measures=["warning"]))  # a warning instead of the fine is lighter
    assert decided["measures"] == ["warning"] and decided["fine"] is None


def test_a_fine_when_the_notice_proposed_none_is_refused(town):
    case = town.investigating()
    ok(notify(town, case, proposed_measures=["warning"]))
    ok(fire(town.api("o1"), case["id"], "submit_decision", waiver=True))
    assert_refused(decide(town, case, fine="100"), 409, rule="Art 45")


# ==================================================================================================
# 5. Art 64 hearing
# ==================================================================================================


def requested(town):
    case = town.notified("20000", violation_type=WFJS)
    return ok(fire(town.api("o1"), case["id"], "request_hearing", requested_on=today()))


def schedule(town, case, **fields):
    data = {"presiding_officer": town.u["o3"].pk, **fields}
    return fire(town.api("o1"), case["id"], "schedule_hearing", **data)


def test_hearing_seven_working_days_after_its_notice_accepted_six_refused(town):
    case = requested(town)
    before = snapshot(case["id"])
    six = working_days_after(today(), 6)
    data = assert_refused(schedule(town, case, hearing_at=at_nine(six)), 409, rule="Art 64(2)")
    assert working_days_after(today(), 7).isoformat() in data["detail"]
    assert_unchanged(before, case["id"])
    scheduled = ok(schedule(town, case, hearing_at=at_nine(working_days_after(today(), 7))))
    assert scheduled["hearing_at"] and scheduled["presiding_officer"]["username"] == "officer-o3"


def test_hearing_notice_counts_working_days_across_national_day(town, clock):
    clock.move_to(datetime.datetime(2026, 9, 28, 10, 0, tzinfo=LOCAL))  # Monday; 10-01..10-08 are holidays
    case = requested(town)
    seventh = working_days_after(datetime.date(2026, 9, 28), 7)
    assert seventh > datetime.date(2026, 10, 8)  # the holiday is not counted
    before = snapshot(case["id"])
    assert_refused(schedule(town, case, hearing_at=at_nine(datetime.date(2026, 10, 7))), 409, rule="Art 64(2)")
    assert_refused(schedule(town, case, hearing_at=at_nine(seventh - datetime.timedelta(days=1))), 409,
                   rule="Art 64(2)")
    assert_unchanged(before, case["id"])
    ok(schedule(town, case, hearing_at=at_nine(seventh)))


def test_presiding_officer_may_not_be_a_case_officer(town):
    case = requested(town)
    before = snapshot(case["id"])
    assert_refused(schedule(town, case, presiding_officer=town.u["o2"].pk,
                            hearing_at=at_nine(working_days_after(today(), 8))), 409, rule="Art 64(4)")
    assert_unchanged(before, case["id"])


def test_a_non_public_hearing_needs_its_reason(town):
    case = requested(town)
    at = at_nine(working_days_after(today(), 8))
    assert_refused(schedule(town, case, hearing_at=at, public=False), 400, field="private_reason")
    scheduled = ok(schedule(town, case, hearing_at=at, public=False, private_reason="涉及当事人商业秘密"))
    assert scheduled["hearing_public"] is False


def test_finish_before_the_hearing_or_unsigned_is_refused(town, clock):
    """Finding: finish_hearing accepted any text right after the request."""
    case = requested(town)
    before = snapshot(case["id"])
    assert_refused(fire(town.api("o1"), case["id"], "finish_hearing", hearing_record="笔录", record_signed=True),
                   409, rule="Art 64")
    assert_unchanged(before, case["id"])
    day = working_days_after(today(), 7)
    ok(schedule(town, case, hearing_at=at_nine(day)))
    clock.move_to(datetime.datetime.combine(day, datetime.time(8, 59), tzinfo=LOCAL))
    before = snapshot(case["id"])
    assert_refused(fire(town.api("o1"), case["id"], "finish_hearing", hearing_record="笔录", record_signed=True),
                   409, rule="Art 64")
    clock.move_to(datetime.datetime.combine(day, datetime.time(11, 0), tzinfo=LOCAL))
    assert_refused(fire(town.api("o1"), case["id"], "finish_hearing", hearing_record="笔录"), 409, rule="Art 64(8)")
    assert_unchanged(before, case["id"])
    done = ok(fire(town.api("o1"), case["id"], "finish_hearing", hearing_record="笔录",
                   refusal_to_sign="当事人拒绝签字，已注明"))
    assert done["state"] == "legal_review"


# ==================================================================================================
# 6. The party's waiver
# ==================================================================================================


def test_a_recorded_waiver_lets_a_major_case_go_to_legal_review_before_the_window_ends(town):
    """Finding: a major case whose party waived in writing could not go to legal review before the window."""
    case = town.notified("1500", violation_type=WFJS, major=True, major_reason="案情复杂")
    officer = town.api("o1")
    before = snapshot(case["id"])
    assert_refused(fire(officer, case["id"], "submit_legal_review"), 409, rule="C4")
    assert_unchanged(before, case["id"])
    waived = ok(fire(officer, case["id"], "record_waiver", scope="both", note="当事人书面放弃陈述申辩"))
    assert waived["waiver"] is True and waived["waiver_scope"] == "both" and waived["waiver_on"] == today().isoformat()
    assert ok(fire(officer, case["id"], "submit_legal_review"))["state"] == "legal_review"


def test_a_waiver_of_the_statement_only_leaves_the_hearing_window(town):
    case = town.notified("20000", violation_type=WFJS, notified_on=working_days_ago(1))
    ok(fire(town.api("o1"), case["id"], "record_waiver", scope="statement"))
    assert_refused(fire(town.api("o1"), case["id"], "submit_legal_review"), 409, rule="C4 Art 64")
    assert_refused(fire(town.api("o1"), case["id"], "record_waiver", scope="all"), 400, field="scope")


# ==================================================================================================
# 7. Publicity before closing (Art 48 ¶1)
# ==================================================================================================


def test_a_penalty_case_closes_only_with_a_publicity_record(town):
    case = town.executed(publicity=False)
    chief = town.api("chief")
    before = snapshot(case["id"])
    assert_refused(fire(chief, case["id"], "close", summary="结案"), 409, rule="Art 48")
    assert "close" not in transition_names(get_case(chief, case["id"]))
    assert_unchanged(before, case["id"])
    url = f"{CASES}{case['id']}/publicity/"
    assert_refused(town.api("o1").post(url, {}, format="json"), 400)
    recorded = ok(town.api("o1").post(url, {"not_published_reason": "涉及个人隐私，社会影响小"}, format="json"))
    assert recorded["publicity_withheld_reason"] and recorded["published_on"] is None
    assert ok(fire(chief, case["id"], "close", summary="结案"))["state"] == "closed"


def town_days(n):
    return today() - datetime.timedelta(days=n)


# ==================================================================================================
# The migration of free-text measures (0002_notice_hearing)
# ==================================================================================================


# serialized_rollback: migrating back and forth re-creates content types in another order; the next transactional
# test must find the database as it was, not a flushed one whose post_migrate numbered them anew.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_free_text_measures_migrate_to_other_with_their_text():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0001_initial")])
    old = executor.loader.project_state([("cases", "0001_initial")]).apps
    from workflows.models import User

    real_user = User.objects.create_user(username="migrator")
    user = old.get_model("workflows", "User").objects.get(pk=real_user.pk)
    village = old.get_model("cases", "Village").objects.create(name="旧村")
    vtype = old.get_model("cases", "ViolationType").objects.create(code="OLD", name="旧类型", legal_basis="依据",
                                                                  fine_max=1000, hearing_threshold=500)
    party_row = old.get_model("cases", "Party").objects.create(kind="person", name="张某")
    Case = old.get_model("cases", "Case")
    common = {"source": "patrol", "description": "旧案", "village": village, "violation_type": vtype,
              "violation_date": datetime.date(2026, 1, 5), "party": party_row, "reported_by": user}
    with_text = Case.objects.create(proposed_measures="责令限期拆除", measures="责令拆除", **common)
    empty = Case.objects.create(proposed_measures="", measures="", **common)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from cases.models import Case as NewCase

    migrated = NewCase.objects.get(pk=with_text.pk)
    assert migrated.proposed_measures == ["other"] and migrated.proposed_measures_note == "责令限期拆除"
    assert migrated.measures == ["other"] and migrated.measures_note == "责令拆除"
    assert migrated.proposed_other_heavy is False  # a person re-codes or marks it heavy; the migration cannot know
    blank = NewCase.objects.get(pk=empty.pk)
    assert blank.proposed_measures == [] and blank.measures == [] and blank.proposed_measures_note == ""


# ==================================================================================================
# The web forms: measures as a multiple choice, the hearing's schedule
# ==================================================================================================


def test_web_notice_form_takes_several_measures_and_the_hearing_form_its_presiding_officer(town, client):
    case = town.investigating(violation_type=WFJS, party=ORG)
    client.force_login(town.u["o1"])
    url = f"/cases/cases/{case['id']}/transitions/"
    form = client.get(url + "notify/").content.decode()
    assert 'id="id_proposed_measures" multiple' in form and "suspend_production" in form
    response = client.post(url + "notify/", {
        "facts": "事实", "legal_basis": "依据", "proposed_fine": "20000",
        "proposed_measures": ["warning", "suspend_production"],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    notified = get_case(town.api("o1"), case["id"])
    assert notified["proposed_measures"] == ["warning", "fine", "suspend_production"]
    assert notified["hearing_eligible"] is True
    response = client.post(url + "schedule_hearing/", {
        "presiding_officer": town.u["o3"].pk, "public": "true",
        "hearing_at": f"{working_days_after(today(), 7).isoformat()} 09:00",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert "officer-o3" in page or town.u["o3"].display_name in page


def test_schedule_hearing_from_notified_records_the_request_and_keeps_art_63(town):
    eligible = town.notified("20000", violation_type=WFJS)
    scheduled = ok(schedule(town, eligible, hearing_at=at_nine(working_days_after(today(), 7))))
    assert scheduled["state"] == "hearing" and scheduled["hearing_requested_on"] == today().isoformat()
    below = town.notified("9999", violation_type=WFJS)
    before = snapshot(below["id"])
    assert_refused(schedule(town, below, hearing_at=at_nine(working_days_after(today(), 7))), 409, rule="Art 63")
    assert_unchanged(before, below["id"])

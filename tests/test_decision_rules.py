"""Each rule of DESIGN §2 (D1–D9) and each role of CONTRACT §5, tried and broken over the REST API.

Every refusal is checked for what the user sees (status, error format, the rule named, the English sentence)
and for what was *not* written: the state, the audit trail, the agenda, the opinions, the deadlines.
"""

import datetime

import pytest
from django.utils import timezone

from notifications import calendar
from notifications.models import Deadline, DeadlineRule
from review.models import AgendaItem, Decision, Meeting, ReviewOpinion

from .conftest import client_for, far_meeting_date, make_user
from .test_decision_flow import (  # noqa: F401 - fast_password_hasher is an autouse fixture
    BODY,
    CHECKS_PASS,
    EXEMPT,
    OPINION,
    URGENCY,
    assert_refused,
    audit_count,
    create_decision,
    decision_url,
    fast_password_hasher,
    fire,
    fire_ok,
    get_decision,
    get_meeting,
    hold_meeting,
    make_meeting,
    meeting_transition_url,
    names,
    ok,
    to_state,
    year,
)

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

ALL_ROLES = ["drafter", "judicial_office", "office_secretary", "meeting_chair", "principal", "brigade_chief",
             "enforcement_officer", "admin"]

# English parts of the refusals (the detail is "中文 / English" once translated, English alone before).
EN_STATE = "is not possible while"
EN_D3 = "The text differs from the text the judicial office reviewed"
EN_D3_EDIT = "The content can be edited only in draft, returned or review failed"
EN_D4 = "cannot pass"
EN_D5_COMMENT = "Public participation is required"
EN_D5_SHORTENED = "shortens the public comment period but does not remove it"
EN_A14 = "Public participation can be turned off only for a matter withheld from disclosure by law"
EN_A14_SUBMIT = "Public participation is off without a recorded legal ground"
EN_D5_EXPERT = "Expert argumentation is required"
EN_D5_RISK = "A risk assessment is required"
EN_D6 = "The judicial office must attend the meeting"
EN_D7 = "fewer than 7 working days after the submission for review"
EN_D9_PLANNED = "only onto a planned meeting dated today or later"
EN_D9_HELD = "only once the meeting is held"
EN_D9_DATE = "only on or after its date"
EN_ROLES = "Your roles may not"


def snapshot(decision_id):
    """Everything a refused transition must leave as it was."""
    decision = Decision.objects.get(pk=decision_id)
    return {
        "state": decision.state,
        "number": decision.number,
        "title": decision.title,
        "body": decision.body,
        "category": decision.category,
        "meeting": decision.meeting_id,
        "reviewed_fingerprint": decision.reviewed_fingerprint,
        "submitted_at": decision.submitted_at,
        "participation_urgency_reason": decision.participation_urgency_reason,
        "scheduling_urgency_reason": decision.scheduling_urgency_reason,
        "audit": audit_count(decision_id),
        "opinions": ReviewOpinion.objects.filter(decision_id=decision_id).count(),
        "agenda": list(AgendaItem.objects.filter(decision_id=decision_id).values_list("meeting_id", "outcome")),
        "deadlines": list(Deadline.objects.filter(object_type="review.decision", object_id=decision_id)
                          .values_list("kind", "status")),
    }


def tamper(decision_id, body="（未经审查擅自修改）" + BODY):
    """Change the text behind the API's back, as a direct database edit would."""
    assert Decision.objects.filter(pk=decision_id).update(body=body) == 1


# --------------------------------------------------------------------------------------------------
# D1 No review, no meeting
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "in_review", "returned", "review_failed"])
def test_d1_only_a_reviewed_decision_can_be_scheduled(api, users, state):
    decision, _ = to_state(api, users, state)
    meeting = make_meeting(api, users, date=far_meeting_date())
    before = snapshot(decision["id"])
    data = assert_refused(fire(api["secretary"], decision["id"], "schedule", meeting=meeting["id"],
                               urgency_reason=URGENCY), 409, rule={"state", "D1"})
    assert data["rule"] == "D1" or EN_STATE in data["detail"]
    assert snapshot(decision["id"]) == before
    assert get_meeting(api["secretary"], meeting["id"])["agenda"] == []
    if state == "draft":  # a draft is its author's alone (review.flows.may_see_decision)
        assert_refused(api["secretary"].get(decision_url(decision["id"])), 404)
    else:
        assert "schedule" not in names(get_decision(api["secretary"], decision["id"]))


@pytest.mark.parametrize("state", ["scheduled", "approved", "rejected", "signed", "published", "withdrawn"])
def test_d1_a_decision_already_past_review_cannot_be_scheduled_again(api, users, state):
    decision, _ = to_state(api, users, state)
    meeting = make_meeting(api, users, date=far_meeting_date())
    before = snapshot(decision["id"])
    assert_refused(fire(api["secretary"], decision["id"], "schedule", meeting=meeting["id"]), 409)
    assert snapshot(decision["id"]) == before
    assert get_meeting(api["secretary"], meeting["id"])["agenda"] == []


# --------------------------------------------------------------------------------------------------
# D2 No deliberation, no signing
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "in_review", "review_passed", "scheduled", "rejected", "withdrawn"])
def test_d2_only_an_approved_decision_can_be_signed(api, users, state):
    decision, _ = to_state(api, users, state, held=True)
    before = snapshot(decision["id"])
    assert_refused(fire(api["principal"], decision["id"], "sign"), 409, rule={"state", "D2"})
    assert snapshot(decision["id"]) == before
    assert get_decision(api["principal"], decision["id"])["number"] is None
    assert "sign" not in names(get_decision(api["principal"], decision["id"]))


def test_d2_a_signed_decision_cannot_be_signed_twice(api, users):
    decision, _ = to_state(api, users, "signed")
    before = snapshot(decision["id"])
    assert_refused(fire(api["principal"], decision["id"], "sign"), 409)
    assert snapshot(decision["id"]) == before
    other, _ = to_state(api, users, "signed")
    assert other["number"] == f"石政〔{year()}〕2号"  # the refused second signature drew no number


@pytest.mark.parametrize("role", ["meeting_chair", "office_secretary", "drafter", "judicial_office", "admin"])
def test_d2_only_the_principal_signs(api, users, role):
    decision, _ = to_state(api, users, "approved")
    before = snapshot(decision["id"])
    assert_refused(fire(client_for(make_user(role)), decision["id"], "sign"), 403, english=EN_ROLES)
    assert snapshot(decision["id"]) == before


# --------------------------------------------------------------------------------------------------
# D3 One text throughout
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["in_review", "review_passed", "scheduled", "approved", "rejected", "signed",
                                   "published", "withdrawn"])
def test_d3_content_cannot_be_edited_outside_draft_returned_review_failed(api, users, state):
    decision, _ = to_state(api, users, state)
    before = snapshot(decision["id"])
    for change in ({"body": "（偷改）" + BODY}, {"title": "新标题"}, {"category": "normative_document"},
                   {"department": "综合办"}, {"public_participation_required": True}):
        assert_refused(api["drafter"].patch(decision_url(decision["id"]), change, format="json"), 409, rule="D3",
                       english=EN_D3_EDIT)
    assert snapshot(decision["id"]) == before
    assert get_decision(api["drafter"], decision["id"])["body"] == BODY


@pytest.mark.parametrize("state", ["in_review", "review_passed", "scheduled", "approved", "signed"])
def test_d3_preparation_records_cannot_be_added_after_submission(api, users, state):
    decision, _ = to_state(api, users, state)
    before = snapshot(decision["id"])
    response = api["drafter"].post(decision_url(decision["id"], "preparation/"),
                                   {"kind": "risk_assessment", "summary": "补充的风险评估"}, format="json")
    assert_refused(response, 409, rule="D3")
    assert snapshot(decision["id"]) == before


@pytest.mark.parametrize("state", ["draft", "returned", "review_failed"])
def test_d3_content_can_be_edited_in_draft_returned_review_failed(api, users, state):
    decision, _ = to_state(api, users, state)
    data = ok(api["drafter"].patch(decision_url(decision["id"]), {"body": "修改后的正文"}, format="json"))
    assert data["body"] == "修改后的正文"
    assert data["state"] == state


def test_d3_text_changed_after_review_cannot_be_scheduled(api, users):
    decision, _ = to_state(api, users, "review_passed")
    meeting = make_meeting(api, users)
    tamper(decision["id"])
    assert get_decision(api["secretary"], decision["id"])["text_matches_review"] is False
    assert "schedule" not in names(get_decision(api["secretary"], decision["id"]))
    before = snapshot(decision["id"])
    assert_refused(fire(api["secretary"], decision["id"], "schedule", meeting=meeting["id"]), 409, rule="D3",
                   english=EN_D3)
    assert snapshot(decision["id"]) == before
    assert get_meeting(api["secretary"], meeting["id"])["agenda"] == []


def test_d3_text_changed_after_scheduling_cannot_be_approved(api, users):
    decision, meeting = to_state(api, users, "scheduled", held=True)
    tamper(decision["id"])
    assert "approve" not in names(get_decision(api["chair"], decision["id"]))
    before = snapshot(decision["id"])
    assert_refused(fire(api["chair"], decision["id"], "approve", comment="同意"), 409, rule="D3", english=EN_D3)
    assert snapshot(decision["id"]) == before
    assert [a["outcome"] for a in get_meeting(api["chair"], meeting["id"])["agenda"]] == ["pending"]


def test_d3_text_changed_after_approval_cannot_be_signed_and_draws_no_number(api, users):
    decision, _ = to_state(api, users, "approved")
    tamper(decision["id"])
    assert "sign" not in names(get_decision(api["principal"], decision["id"]))
    before = snapshot(decision["id"])
    assert_refused(fire(api["principal"], decision["id"], "sign"), 409, rule="D3", english=EN_D3)
    assert snapshot(decision["id"]) == before
    assert Decision.objects.get(pk=decision["id"]).number is None
    assert not Deadline.objects.filter(object_id=decision["id"], kind="decision.publication").exists()


def test_d3_a_revised_text_reviewed_again_goes_through(api, users):
    decision, _ = to_state(api, users, "review_passed")
    pk = decision["id"]
    tamper(pk, body="修改后的正文（需重新审查）")
    assert_refused(fire(api["secretary"], pk, "schedule", meeting=make_meeting(api, users)["id"]), 409, rule="D3")
    fire_ok(api["drafter"], pk, "revise", comment="文本已修改，重新报审。")
    fire_ok(api["drafter"], pk, "submit_for_review")
    decision = fire_ok(api["judicial"], pk, "pass_review", opinion=OPINION, **CHECKS_PASS)
    assert decision["text_matches_review"] is True
    assert [o["outcome"] for o in decision["opinions"]] == ["passed", "passed"]
    meeting = make_meeting(api, users, date=timezone.localdate())
    decision = fire_ok(api["secretary"], pk, "schedule", meeting=meeting["id"], urgency_reason=URGENCY)
    assert decision["state"] == "scheduled"
    hold_meeting(api, meeting["id"])
    fire_ok(api["chair"], pk, "approve")
    decision = fire_ok(api["principal"], pk, "sign")
    assert decision["number"] == f"石政〔{year()}〕1号"
    assert decision["body"] == "修改后的正文（需重新审查）"


def test_d3_the_revised_text_cannot_ride_on_the_old_review(api, users):
    """revise → draft clears the passed review: the edited text needs a new review before any meeting."""
    decision, _ = to_state(api, users, "review_passed")
    pk = decision["id"]
    fire_ok(api["drafter"], pk, "revise")
    ok(api["drafter"].patch(decision_url(pk), {"body": "另一稿"}, format="json"))
    before = snapshot(pk)
    assert_refused(fire(api["secretary"], pk, "schedule", meeting=make_meeting(api, users)["id"]), 409)
    assert snapshot(pk) == before


# --------------------------------------------------------------------------------------------------
# D4 Written opinions, from the judicial office only
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pass_review", "return_for_revision", "fail_review"])
@pytest.mark.parametrize("fields", [{}, {"opinion": ""}, {"opinion": "   \n\t "}, {"opinion": None},
                                    {"comment": "同意"}])
def test_d4_a_review_outcome_needs_a_written_opinion(api, users, name, fields):
    decision, _ = to_state(api, users, "in_review")
    before = snapshot(decision["id"])
    assert_refused(fire(api["judicial"], decision["id"], name, **fields), 400, field="opinion")
    assert snapshot(decision["id"]) == before


@pytest.mark.parametrize("who", ["drafter", "secretary", "chair", "principal", "admin", "officer", "superuser",
                                 "staff"])
def test_d4_only_the_judicial_office_passes_a_review(api, users, who):
    decision, _ = to_state(api, users, "in_review")
    if who == "superuser":
        client = client_for(make_user(is_superuser=True, is_staff=True))
    elif who == "staff":
        client = client_for(make_user("admin", is_staff=True))
    else:
        client = api[who]
    assert names(get_decision(client, decision["id"])) in ([], ["withdraw"])
    before = snapshot(decision["id"])
    for name in ("pass_review", "return_for_revision", "fail_review"):
        assert_refused(fire(client, decision["id"], name, opinion=OPINION, content_ok=True), 403,
                       english=EN_ROLES)
    assert snapshot(decision["id"]) == before


@pytest.mark.parametrize("defect", ["authority_ok", "procedure_ok", "content_ok"])
def test_d4_a_review_that_found_a_defect_cannot_pass(api, users, defect):
    decision, _ = to_state(api, users, "in_review")
    before = snapshot(decision["id"])
    fields = {"opinion": OPINION, "authority_ok": True, "procedure_ok": True, "content_ok": True, defect: False}
    assert_refused(fire(api["judicial"], decision["id"], "pass_review", **fields), 409, rule="D4", english=EN_D4)
    assert snapshot(decision["id"]) == before
    # The same findings are a valid reason to return or fail it.
    decision = fire_ok(api["judicial"], decision["id"], "return_for_revision", **fields)
    assert decision["opinions"][-1][defect] is False




@pytest.mark.parametrize("value", [
    "no",
    "bogus",
    "否",
    2,
    [False],
    {"ok": False},
])
def test_d4_a_finding_that_is_not_a_boolean_is_refused_not_ignored(api, users, value):
    """A script sending content_ok "no" must not get a passed review with the finding silently dropped."""
    decision, _ = to_state(api, users, "in_review")
    before = snapshot(decision["id"])
    judicial = client_for(users["judicial"])
    judicial.raise_request_exception = False  # see a 500 as a status, not as an exception
    response = fire(judicial, decision["id"], "pass_review", opinion=OPINION, content_ok=value)
    assert response.status_code < 500, response.status_code
    assert_refused(response, 400, field="content_ok")
    assert snapshot(decision["id"]) == before


@pytest.mark.parametrize("value,expected", [(True, True), (False, False), (None, None), ("true", True),
                                            ("false", False)])
def test_d4_boolean_findings_are_read_as_sent(api, users, value, expected):
    decision, _ = to_state(api, users, "in_review")
    decision = fire_ok(api["judicial"], decision["id"], "return_for_revision", opinion="请修改", authority_ok=False,
                       content_ok=value)
    assert decision["opinions"][-1]["content_ok"] is expected


def test_d4_the_opinion_and_findings_are_recorded(api, users):
    decision, _ = to_state(api, users, "in_review")
    decision = fire_ok(api["judicial"], decision["id"], "fail_review", opinion="超越法定职权。", authority_ok=False,
                       procedure_ok=True, content_ok=None)
    [opinion] = decision["opinions"]
    assert opinion == {**opinion, "outcome": "failed", "opinion": "超越法定职权。", "authority_ok": False,
                       "procedure_ok": True, "content_ok": None, "reviewer": users["judicial"].username}


# --------------------------------------------------------------------------------------------------
# D5 Preparation first
# --------------------------------------------------------------------------------------------------


def add_preparation(api, decision_id, kind, summary="记录", started_on=None, ended_on=None):
    payload = {"kind": kind, "summary": summary}
    if started_on:
        payload["started_on"] = started_on.isoformat()
    if ended_on:
        payload["ended_on"] = ended_on.isoformat()
    return ok(api["drafter"].post(decision_url(decision_id, "preparation/"), payload, format="json"), 201)


def assert_submit_refused(api, decision_id, english, **fields):
    before = snapshot(decision_id)
    assert_refused(fire(api["drafter"], decision_id, "submit_for_review", **fields), 409, rule="D5", english=english)
    assert snapshot(decision_id) == before
    assert before["state"] == "draft" and before["deadlines"] == [] and before["submitted_at"] is None


def test_d5_public_participation_without_a_comment_record_cannot_be_submitted(api, users):
    decision = create_decision(api["drafter"], public_participation_required=True)
    assert_submit_refused(api, decision["id"], EN_D5_COMMENT)
    assert "submit_for_review" in names(get_decision(api["drafter"], decision["id"]))


@pytest.mark.parametrize("started_ago,ended_ago", [
    (30, 10),   # 20 days, ended
    (39, 10),   # 29 days, ended
    (20, -10),  # 30 days, ends in the future
    (30, 0),    # 30 days, ends today: not yet over
    (40, None),  # no end date
    (None, 5),  # no start date
])
def test_d5_a_comment_period_shorter_than_30_days_or_not_over_is_refused(api, users, today, started_ago, ended_ago):
    decision = create_decision(api["drafter"], public_participation_required=True)
    add_preparation(api, decision["id"], "public_comment", "网上征求意见",
                    started_on=today - datetime.timedelta(days=started_ago) if started_ago is not None else None,
                    ended_on=today - datetime.timedelta(days=ended_ago) if ended_ago is not None else None)
    assert_submit_refused(api, decision["id"], EN_D5_COMMENT)


def test_d5_another_kind_of_record_is_no_comment_period(api, users, today):
    decision = create_decision(api["drafter"], public_participation_required=True)
    add_preparation(api, decision["id"], "expert_argumentation", "专家论证",
                    started_on=today - datetime.timedelta(days=60), ended_on=today - datetime.timedelta(days=20))
    assert_submit_refused(api, decision["id"], EN_D5_COMMENT)


@pytest.mark.parametrize("started_ago,ended_ago", [(40, 10), (31, 1), (90, 30)])
def test_d5_a_comment_period_of_30_days_that_has_ended_allows_submission(api, users, today, started_ago, ended_ago):
    decision = create_decision(api["drafter"], public_participation_required=True)
    decision = add_preparation(api, decision["id"], "public_comment", "网上征求意见，收到意见12条",
                               started_on=today - datetime.timedelta(days=started_ago),
                               ended_on=today - datetime.timedelta(days=ended_ago))
    assert [p["kind"] for p in decision["preparation"]] == ["public_comment"]
    assert decision["preparation"][0]["recorded_by"] == users["drafter"].username
    assert decision["history"][-1]["transition"] == "record_preparation"
    decision = fire_ok(api["drafter"], decision["id"], "submit_for_review")
    assert decision["state"] == "in_review"


def test_d5_an_urgency_reason_shortens_but_does_not_remove_the_comment_period(api, users, today):
    """条例 Art 15: an urgent matter may shorten the 30 days, the reason stated; the period still exists. Finding of
    issue 12: on the old code the urgency reason alone let the decision through with no comment period at all."""
    urgent = "防汛应急，需立即实施（条例第15条）。"
    decision = create_decision(api["drafter"], public_participation_required=True)
    pk = decision["id"]
    assert_submit_refused(api, pk, EN_D5_SHORTENED, urgency_reason=urgent)
    # A shortened period that ends today is not over; one of 0 days (started and ended the same day) is none.
    add_preparation(api, pk, "public_comment", "网上征求意见", started_on=today - datetime.timedelta(days=3),
                    ended_on=today)
    assert_submit_refused(api, pk, EN_D5_SHORTENED, urgency_reason=urgent)
    add_preparation(api, pk, "public_comment", "网上征求意见", started_on=today - datetime.timedelta(days=1),
                    ended_on=today - datetime.timedelta(days=1))
    assert_submit_refused(api, pk, EN_D5_SHORTENED, urgency_reason=urgent)
    # One day (started the day before yesterday, ended yesterday) is the shortest period the default floor allows.
    add_preparation(api, pk, "public_comment", "网上征求意见（紧急，缩短为1日）",
                    started_on=today - datetime.timedelta(days=2), ended_on=today - datetime.timedelta(days=1))
    decision = fire_ok(api["drafter"], pk, "submit_for_review", urgency_reason=urgent)
    assert decision["state"] == "in_review"
    assert decision["participation_urgency_reason"] == urgent
    assert (decision["comment_period_days"], decision["comment_period_shortened"]) == (1, True)
    assert decision["history"][-1]["fields"].get("urgency_reason") == urgent


def test_d5_the_urgent_floor_is_configurable(api, users, today, settings):
    """The floor of a shortened period is local practice (settings.DECISION_URGENT_COMMENT_MIN_DAYS)."""
    settings.DECISION_URGENT_COMMENT_MIN_DAYS = 10
    decision = create_decision(api["drafter"], public_participation_required=True)
    pk = decision["id"]
    add_preparation(api, pk, "public_comment", "9日", started_on=today - datetime.timedelta(days=10),
                    ended_on=today - datetime.timedelta(days=1))
    data = assert_refused(fire(api["drafter"], pk, "submit_for_review", urgency_reason=URGENCY), 409, rule="D5")
    assert "at least 10 day(s)" in data["detail"]
    add_preparation(api, pk, "public_comment", "10日", started_on=today - datetime.timedelta(days=11),
                    ended_on=today - datetime.timedelta(days=1))
    assert fire_ok(api["drafter"], pk, "submit_for_review", urgency_reason=URGENCY)["comment_period_days"] == 10


def test_d5_a_full_period_is_not_shown_as_shortened(api, users, today):
    decision = create_decision(api["drafter"], public_participation_required=True)
    decision = add_preparation(api, decision["id"], "public_comment", "30日",
                               started_on=today - datetime.timedelta(days=31), ended_on=today - datetime.timedelta(days=1))
    assert (decision["comment_period_days"], decision["comment_period_shortened"]) == (30, False)


# 条例 Art 14: public participation by default; off only on a recorded legal ground.


def test_a14_a_new_decision_has_public_participation_required_by_default(api, users):
    """Finding of issue 12: on the old code a decision created without the flag submitted with no comment period."""
    decision = ok(api["drafter"].post("/api/v1/decisions/", {  # no flag sent
        "title": "石桥镇集贸市场搬迁方案", "body": BODY, "category": "major_decision", "department": "市场监管所",
    }, format="json"), 201)
    assert decision["public_participation_required"] is True
    assert_submit_refused(api, decision["id"], EN_D5_COMMENT)


@pytest.mark.parametrize("ground", [None, "", "   "])
def test_a14_turning_public_participation_off_needs_a_legal_ground(api, users, ground):
    payload = {"title": "t", "body": "b", "category": "major_decision", "department": "d",
               "public_participation_required": False}
    if ground is not None:
        payload["participation_exemption_ground"] = ground
    count = Decision.objects.count()
    assert_refused(api["drafter"].post("/api/v1/decisions/", payload, format="json"), 400,
                   field="participation_exemption_ground", english=EN_A14)
    assert Decision.objects.count() == count
    # Turning it off later needs the ground too; the content stays as it was.
    decision = create_decision(api["drafter"], public_participation_required=True)
    before = snapshot(decision["id"])
    patch = {"public_participation_required": False}
    if ground is not None:
        patch["participation_exemption_ground"] = ground
    assert_refused(api["drafter"].patch(decision_url(decision["id"]), patch, format="json"), 400,
                   field="participation_exemption_ground")
    assert snapshot(decision["id"]) == before
    assert Decision.objects.get(pk=decision["id"]).public_participation_required is True
    data = ok(api["drafter"].patch(decision_url(decision["id"]),
                                   {**patch, "participation_exemption_ground": EXEMPT["participation_exemption_ground"]},
                                   format="json"))
    assert (data["public_participation_required"], data["participation_exemption_ground"]) == \
        (False, EXEMPT["participation_exemption_ground"])
    assert fire_ok(api["drafter"], decision["id"], "submit_for_review")["state"] == "in_review"


def test_a14_a_decision_off_without_a_ground_from_before_cannot_be_submitted(api, users):
    """Data from before this rule: public participation off and no ground recorded."""
    decision = create_decision(api["drafter"])
    Decision.objects.filter(pk=decision["id"]).update(participation_exemption_ground="")
    assert_submit_refused(api, decision["id"], EN_A14_SUBMIT)


def test_d5_a_blank_urgency_reason_is_no_reason(api, users):
    decision = create_decision(api["drafter"], public_participation_required=True)
    assert_submit_refused(api, decision["id"], EN_D5_COMMENT, urgency_reason="   ")


@pytest.mark.parametrize("flag,kind,english", [
    ("expert_argumentation_required", "expert_argumentation", EN_D5_EXPERT),
    ("risk_assessment_required", "risk_assessment", EN_D5_RISK),
])
def test_d5_required_expert_argumentation_and_risk_assessment_need_their_reports(api, users, flag, kind, english):
    decision = create_decision(api["drafter"], **{flag: True})
    assert_submit_refused(api, decision["id"], english)
    # An urgency reason excuses only the comment period, not the reports.
    assert_submit_refused(api, decision["id"], english, urgency_reason="时间紧迫")
    # A record of another kind does not count.
    other = "risk_assessment" if kind == "expert_argumentation" else "expert_argumentation"
    add_preparation(api, decision["id"], other, "其他材料")
    assert_submit_refused(api, decision["id"], english)
    add_preparation(api, decision["id"], kind, "报告：结论为可行。")
    assert fire_ok(api["drafter"], decision["id"], "submit_for_review")["state"] == "in_review"


def test_d5_all_three_preparations_together(api, users, today):
    decision = create_decision(api["drafter"], public_participation_required=True,
                               expert_argumentation_required=True, risk_assessment_required=True)
    pk = decision["id"]
    add_preparation(api, pk, "public_comment", "征求意见", started_on=today - datetime.timedelta(days=45),
                    ended_on=today - datetime.timedelta(days=15))
    assert_submit_refused(api, pk, EN_D5_EXPERT)
    add_preparation(api, pk, "expert_argumentation", "专家论证会纪要")
    assert_submit_refused(api, pk, EN_D5_RISK)
    add_preparation(api, pk, "risk_assessment", "社会稳定风险评估报告")
    assert fire_ok(api["drafter"], pk, "submit_for_review")["state"] == "in_review"


def test_d5_is_checked_again_on_resubmission(api, users):
    decision, _ = to_state(api, users, "returned")
    ok(api["drafter"].patch(decision_url(decision["id"]), {"risk_assessment_required": True}, format="json"))
    before = snapshot(decision["id"])
    assert_refused(fire(api["drafter"], decision["id"], "submit_for_review"), 409, rule="D5", english=EN_D5_RISK)
    assert snapshot(decision["id"]) == before


def test_d5_preparation_period_ending_before_it_starts_is_invalid(api, users, today):
    decision = create_decision(api["drafter"], public_participation_required=True)
    before = snapshot(decision["id"])
    response = api["drafter"].post(decision_url(decision["id"], "preparation/"), {
        "kind": "public_comment", "summary": "x", "started_on": today.isoformat(),
        "ended_on": (today - datetime.timedelta(days=31)).isoformat(),
    }, format="json")
    assert_refused(response, 400, field="ended_on")
    assert snapshot(decision["id"]) == before


@pytest.mark.parametrize("who", ["judicial", "secretary", "principal", "admin"])
def test_d5_only_the_drafter_records_preparation(api, users, who):
    decision = create_decision(api["drafter"], risk_assessment_required=True)
    before = snapshot(decision["id"])
    response = api[who].post(decision_url(decision["id"], "preparation/"),
                             {"kind": "risk_assessment", "summary": "x"}, format="json")
    assert_refused(response, 403)
    assert snapshot(decision["id"]) == before


# --------------------------------------------------------------------------------------------------
# D6 The judicial office attends
# --------------------------------------------------------------------------------------------------


def test_d6_a_meeting_without_the_judicial_office_is_refused(api, users):
    decision, _ = to_state(api, users, "review_passed")
    meeting = make_meeting(api, users, attendees=[users["chair"], users["principal"], users["secretary"]])
    before = snapshot(decision["id"])
    assert_refused(fire(api["secretary"], decision["id"], "schedule", meeting=meeting["id"]), 409, rule="D6",
                   english=EN_D6)
    assert snapshot(decision["id"]) == before
    assert get_meeting(api["secretary"], meeting["id"])["agenda"] == []


def test_d6_a_meeting_with_no_attendees_is_refused(api, users):
    decision, _ = to_state(api, users, "review_passed")
    meeting = make_meeting(api, users, attendees=[])
    assert_refused(fire(api["secretary"], decision["id"], "schedule", meeting=meeting["id"], urgency_reason=URGENCY),
                   409, rule="D6")
    assert get_meeting(api["secretary"], meeting["id"])["agenda"] == []


def test_d6_a_judicial_office_chair_who_is_not_an_attendee_does_not_count(api, users):
    decision, _ = to_state(api, users, "review_passed")
    meeting = make_meeting(api, users, chair=users["judicial"], attendees=[users["principal"]])
    assert_refused(fire(api["secretary"], decision["id"], "schedule", meeting=meeting["id"]), 409, rule="D6")


# --------------------------------------------------------------------------------------------------
# D7 Review lead time
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("days_after", [0, 1, 3])
def test_d7_a_meeting_too_soon_after_submission_needs_an_urgency_reason(api, users, today, days_after):
    decision, _ = to_state(api, users, "review_passed")
    meeting = make_meeting(api, users, date=today + datetime.timedelta(days=days_after))
    earliest = calendar.add_working_days(today, 7).date
    before = snapshot(decision["id"])
    for fields in ({}, {"urgency_reason": ""}, {"urgency_reason": "  \n "}):
        data = assert_refused(fire(api["secretary"], decision["id"], "schedule", meeting=meeting["id"], **fields),
                              409, rule="D7", english=EN_D7)
        assert earliest.isoformat() in data["detail"]
    assert snapshot(decision["id"]) == before
    assert get_meeting(api["secretary"], meeting["id"])["agenda"] == []

    decision = fire_ok(api["secretary"], decision["id"], "schedule", meeting=meeting["id"], urgency_reason=URGENCY)
    assert decision["state"] == "scheduled"
    assert decision["scheduling_urgency_reason"] == URGENCY
    assert Decision.objects.get(pk=decision["id"]).scheduling_urgency_reason == URGENCY


def test_d7_the_boundary_is_the_seventh_working_day_after_submission(api, users, today):
    earliest = calendar.add_working_days(today, 7).date
    day_before = earliest - datetime.timedelta(days=1)
    too_soon, _ = to_state(api, users, "review_passed")
    assert_refused(fire(api["secretary"], too_soon["id"], "schedule",
                        meeting=make_meeting(api, users, date=day_before)["id"]), 409, rule="D7")
    just_in_time = fire_ok(api["secretary"], too_soon["id"], "schedule",
                           meeting=make_meeting(api, users, date=earliest)["id"])
    assert just_in_time["state"] == "scheduled"
    assert just_in_time["scheduling_urgency_reason"] == ""


def test_d7_counts_from_the_latest_submission(api, users, today):
    """A decision returned and resubmitted gives the reviewer a fresh period from the resubmission."""
    decision, _ = to_state(api, users, "returned")
    pk = decision["id"]
    Decision.objects.filter(pk=pk).update(submitted_at=timezone.now() - datetime.timedelta(days=60))
    fire_ok(api["drafter"], pk, "submit_for_review")
    fire_ok(api["judicial"], pk, "pass_review", opinion=OPINION, **CHECKS_PASS)
    meeting = make_meeting(api, users, date=today + datetime.timedelta(days=2))
    assert_refused(fire(api["secretary"], pk, "schedule", meeting=meeting["id"]), 409, rule="D7")


# --------------------------------------------------------------------------------------------------
# D9 Deliberation happens at the meeting
# --------------------------------------------------------------------------------------------------


def test_d9_cannot_schedule_onto_a_held_meeting(api, users, today):
    decision, _ = to_state(api, users, "review_passed")
    meeting = make_meeting(api, users, date=today)
    hold_meeting(api, meeting["id"])
    before = snapshot(decision["id"])
    assert_refused(fire(api["secretary"], decision["id"], "schedule", meeting=meeting["id"], urgency_reason=URGENCY),
                   409, rule="D9", english=EN_D9_PLANNED)
    assert snapshot(decision["id"]) == before
    assert get_meeting(api["secretary"], meeting["id"])["agenda"] == []


def test_d9_cannot_schedule_onto_a_closed_meeting(api, users, today):
    decision, _ = to_state(api, users, "review_passed")
    meeting = make_meeting(api, users, date=today)
    hold_meeting(api, meeting["id"])
    ok(api["secretary"].post(meeting_transition_url(meeting["id"], "close"), {}, format="json"))
    before = snapshot(decision["id"])
    assert_refused(fire(api["secretary"], decision["id"], "schedule", meeting=meeting["id"], urgency_reason=URGENCY),
                   409, rule="D9")
    assert snapshot(decision["id"]) == before


def test_d9_cannot_schedule_onto_a_meeting_whose_date_is_past(api, users, today):
    decision, _ = to_state(api, users, "review_passed")
    past = Meeting.objects.create(title="上月联席会议", date=today - datetime.timedelta(days=1), chair=users["chair"],
                                  created_by=users["secretary"])
    past.attendees.set([users["judicial"], users["chair"]])
    before = snapshot(decision["id"])
    assert_refused(fire(api["secretary"], decision["id"], "schedule", meeting=past.pk, urgency_reason=URGENCY),
                   409, rule="D9", english=EN_D9_PLANNED)
    assert snapshot(decision["id"]) == before
    assert not AgendaItem.objects.filter(meeting=past).exists()


@pytest.mark.parametrize("name,role", [("approve", "chair"), ("reject", "chair"), ("defer", "chair"),
                                       ("defer", "secretary")])
def test_d9_no_outcome_before_the_meeting_is_held(api, users, name, role):
    decision, meeting = to_state(api, users, "scheduled")
    assert name not in names(get_decision(api[role], decision["id"]))
    before = snapshot(decision["id"])
    assert_refused(fire(api[role], decision["id"], name, comment="提前表决"), 409, rule="D9", english=EN_D9_HELD)
    assert snapshot(decision["id"]) == before
    assert [a["outcome"] for a in get_meeting(api[role], meeting["id"])["agenda"]] == ["pending"]


def test_d9_a_meeting_cannot_be_held_before_its_date(api, users, today):
    meeting = make_meeting(api, users, date=today + datetime.timedelta(days=1))
    assert "hold" not in names(get_meeting(api["secretary"], meeting["id"]))
    response = api["secretary"].post(meeting_transition_url(meeting["id"], "hold"), {"minutes": "提前记录"},
                                     format="json")
    assert_refused(response, 409, rule="D9", english=EN_D9_DATE)
    meeting = get_meeting(api["secretary"], meeting["id"])
    assert (meeting["state"], meeting["minutes"], meeting["number"]) == ("planned", "", None)
    assert [h["transition"] for h in meeting["history"]] == ["create"]


def test_d9_holding_a_meeting_needs_minutes(api, users, today):
    meeting = make_meeting(api, users, date=today)
    for fields in ({}, {"minutes": ""}, {"minutes": "   "}):
        response = api["secretary"].post(meeting_transition_url(meeting["id"], "hold"), fields, format="json")
        assert_refused(response, 400, field="minutes")
    assert get_meeting(api["secretary"], meeting["id"])["state"] == "planned"


def test_d9_a_held_meeting_with_a_pending_item_cannot_be_closed(api, users):
    decision, meeting = to_state(api, users, "scheduled", held=True)
    response = api["secretary"].post(meeting_transition_url(meeting["id"], "close"), {}, format="json")
    data = assert_refused(response, 409)
    assert data.get("rule")
    assert get_meeting(api["secretary"], meeting["id"])["state"] == "held"
    fire_ok(api["chair"], decision["id"], "approve")
    assert ok(api["secretary"].post(meeting_transition_url(meeting["id"], "close"), {}, format="json"))["state"] \
        == "closed"


def test_d9_a_planned_meeting_cannot_be_closed(api, users):
    meeting = make_meeting(api, users)
    assert_refused(api["secretary"].post(meeting_transition_url(meeting["id"], "close"), {}, format="json"), 409)
    assert get_meeting(api["secretary"], meeting["id"])["state"] == "planned"


def test_d9_a_meeting_cannot_be_created_in_the_past(api, users, today):
    response = api["secretary"].post("/api/v1/meetings/", {
        "title": "补记会议", "date": (today - datetime.timedelta(days=1)).isoformat(), "chair": users["chair"].pk,
        "attendees": [users["judicial"].pk],
    }, format="json")
    assert_refused(response, 400, field="date")
    assert not Meeting.objects.exists()


def test_d9_a_deferred_decision_cannot_return_to_the_meeting_already_held(api, users):
    decision, meeting = to_state(api, users, "scheduled", held=True)
    fire_ok(api["chair"], decision["id"], "defer", comment="下次再议")
    before = snapshot(decision["id"])
    assert_refused(fire(api["secretary"], decision["id"], "schedule", meeting=meeting["id"], urgency_reason=URGENCY),
                   409, rule="D9")
    assert snapshot(decision["id"]) == before


# --------------------------------------------------------------------------------------------------
# Required fields of transitions; terminal states
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fields", [{}, {"meeting": None}, {"meeting": ""}, {"meeting": 987654321},
                                    {"meeting": "x"}])
def test_schedule_needs_an_existing_meeting(api, users, fields):
    decision, _ = to_state(api, users, "review_passed")
    before = snapshot(decision["id"])
    assert_refused(fire(api["secretary"], decision["id"], "schedule", **fields), 400, field="meeting")
    assert snapshot(decision["id"]) == before
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("fields,field", [({}, "channel"), ({"channel": "  "}, "channel"),
                                          ({"channel": "网站", "published_on": "2026-13-45"}, "published_on"),
                                          ({"channel": "x" * 201}, "channel")])
def test_publish_needs_a_channel_and_a_valid_date(api, users, fields, field):
    decision, _ = to_state(api, users, "signed")
    before = snapshot(decision["id"])
    assert_refused(fire(api["secretary"], decision["id"], "publish", **fields), 400, field=field)
    assert snapshot(decision["id"]) == before


def test_publish_records_the_given_date(api, users, today):
    decision, _ = to_state(api, users, "signed")
    decision = fire_ok(api["secretary"], decision["id"], "publish", channel="公告栏", published_on=today.isoformat())
    assert decision["published_on"] == today.isoformat()


@pytest.mark.parametrize("fields", [{}, {"reason": ""}, {"reason": "   "}, {"comment": "撤回"}])
def test_withdraw_needs_a_reason(api, users, fields):
    decision, _ = to_state(api, users, "in_review")
    before = snapshot(decision["id"])
    assert_refused(fire(api["drafter"], decision["id"], "withdraw", **fields), 400, field="reason")
    assert snapshot(decision["id"]) == before


@pytest.mark.parametrize("state", ["rejected", "published", "withdrawn"])
def test_final_states_cannot_be_withdrawn_or_moved(api, users, state):
    decision, _ = to_state(api, users, state)
    before = snapshot(decision["id"])
    for role, name in (("drafter", "withdraw"), ("principal", "withdraw"), ("drafter", "submit_for_review"),
                       ("drafter", "revise"), ("chair", "approve"), ("secretary", "publish")):
        assert_refused(fire(api[role], decision["id"], name, reason="r", channel="c"), 409, rule="state",
                       english=EN_STATE)
    assert snapshot(decision["id"]) == before


def test_a_meeting_cannot_be_held_twice(api, users, today):
    meeting = make_meeting(api, users, date=today)
    held = hold_meeting(api, meeting["id"], minutes="第一次记录")
    response = api["secretary"].post(meeting_transition_url(meeting["id"], "hold"), {"minutes": "改写纪要"},
                                     format="json")
    assert_refused(response, 409, rule="state")
    again = get_meeting(api["secretary"], meeting["id"])
    assert (again["minutes"], again["number"]) == ("第一次记录", held["number"])


# --------------------------------------------------------------------------------------------------
# Roles: every decision transition of CONTRACT §5 refuses every other role
# --------------------------------------------------------------------------------------------------

# transition → (roles that may fire it, the state to set up, valid fields)
TRANSITIONS = {
    "submit_for_review": ({"drafter"}, "draft", {"comment": "请审查"}),
    "return_for_revision": ({"judicial_office"}, "in_review", {"opinion": "请补充", "procedure_ok": False}),
    "pass_review": ({"judicial_office"}, "in_review", {"opinion": OPINION, **CHECKS_PASS}),
    "fail_review": ({"judicial_office"}, "in_review", {"opinion": "不予通过", "authority_ok": False}),
    "revise": ({"drafter"}, "review_failed", {"comment": "修改"}),
    "schedule": ({"office_secretary"}, "review_passed", None),  # fields need a meeting: built in the test
    "defer": ({"office_secretary", "meeting_chair"}, "scheduled", {"comment": "缓议"}),
    "approve": ({"meeting_chair"}, "scheduled", {"comment": "同意", "dissent": ""}),
    "reject": ({"meeting_chair"}, "scheduled", {"comment": "不同意"}),
    "sign": ({"principal"}, "approved", {}),
    "publish": ({"office_secretary"}, "signed", {"channel": "政府网站"}),
    "withdraw": ({"drafter", "principal"}, "review_passed", {"reason": "撤回"}),
}


def test_the_transition_table_covers_every_decision_transition():
    from review.forms import DECISION_TRANSITION_FORMS

    assert set(TRANSITIONS) == set(DECISION_TRANSITION_FORMS)


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_wrong_role_on_every_decision_transition_is_refused(api, users, name):
    allowed, state, fields = TRANSITIONS[name]
    decision, _ = to_state(api, users, state, held=True)
    if fields is None:
        fields = {"meeting": make_meeting(api, users)["id"]}
    wrong = client_for(make_user(*[r for r in ALL_ROLES if r not in allowed]))
    assert name not in names(get_decision(wrong, decision["id"]))
    before = snapshot(decision["id"])
    assert_refused(fire(wrong, decision["id"], name, **fields), 403, english=EN_ROLES)
    assert snapshot(decision["id"]) == before
    # The same request from a user holding one allowed role goes through: the 403 was the role. A drafter acts on
    # the decisions they wrote (review.flows.DecisionFlow.object_permission): the author.
    def holder(role):
        return api["drafter"] if role == "drafter" else client_for(make_user(role))

    for role in sorted(allowed):
        assert name in names(get_decision(holder(role), decision["id"]))
    right = holder(sorted(allowed)[0])
    assert ok(fire(right, decision["id"], name, **fields))["state"] != before["state"]


@pytest.mark.parametrize("name", ["hold", "close"])
def test_wrong_role_on_meeting_transitions_is_refused(api, users, today, name):
    decision, meeting = to_state(api, users, "scheduled", held=(name == "close"))
    if name == "close":
        fire_ok(api["chair"], decision["id"], "approve")
    wrong = client_for(make_user(*[r for r in ALL_ROLES if r != "office_secretary"]))
    state = get_meeting(wrong, meeting["id"])["state"]
    assert get_meeting(wrong, meeting["id"])["available_transitions"] == []
    response = wrong.post(meeting_transition_url(meeting["id"], name), {"minutes": "纪要"}, format="json")
    assert_refused(response, 403, english=EN_ROLES)
    assert get_meeting(wrong, meeting["id"])["state"] == state


@pytest.mark.parametrize("who", ["judicial", "secretary", "chair", "principal", "admin", "officer"])
def test_only_drafters_create_and_edit_decisions(api, users, who):
    response = api[who].post("/api/v1/decisions/", {"title": "t", "body": "b", "category": "major_decision",
                                                    "department": "d"}, format="json")
    assert_refused(response, 403)
    decision = create_decision(api["drafter"])
    before = snapshot(decision["id"])
    assert_refused(api[who].patch(decision_url(decision["id"]), {"body": "改"}, format="json"), 403)
    assert snapshot(decision["id"]) == before
    assert Decision.objects.count() == 1


@pytest.mark.parametrize("who", ["drafter", "judicial", "chair", "principal", "admin"])
def test_only_the_secretary_creates_meetings(api, users, who):
    response = api[who].post("/api/v1/meetings/", {
        "title": "会议", "date": far_meeting_date().isoformat(), "chair": users["chair"].pk,
        "attendees": [users["judicial"].pk],
    }, format="json")
    assert_refused(response, 403)
    assert not Meeting.objects.exists()


def test_create_and_patch_ignore_fields_that_are_not_content(api, users):
    decision = create_decision(api["drafter"], state="signed", number="石政〔2026〕99号", reviewed_fingerprint="x",
                               meeting=1, created_by=users["principal"].pk)
    assert (decision["state"], decision["number"], decision["reviewed_fingerprint"], decision["meeting"]) == \
        ("draft", None, "", None)
    assert decision["created_by"] == users["drafter"].username
    data = ok(api["drafter"].patch(decision_url(decision["id"]), {"state": "approved", "number": "X"}, format="json"))
    assert (data["state"], data["number"]) == ("draft", None)


# --------------------------------------------------------------------------------------------------
# Error format of refusals
# --------------------------------------------------------------------------------------------------


def test_every_refusal_has_the_error_format_and_409s_name_their_rule_in_both_languages(api, users, today):
    decision, _ = to_state(api, users, "in_review")
    pk = decision["id"]
    refusals = [
        (fire(api["judicial"], pk, "pass_review"), 400),
        (fire(api["drafter"], pk, "pass_review", opinion=OPINION, **CHECKS_PASS), 403),
        (fire(api["judicial"], 99999999, "pass_review", opinion=OPINION, **CHECKS_PASS), 404),
        (fire(api["judicial"], pk, "no_such_transition"), 404),
        (fire(api["drafter"], pk, "submit_for_review"), 409),
        (api["drafter"].patch(decision_url(pk), {"body": "改"}, format="json"), 409),
    ]
    for response, status in refusals:
        data = assert_refused(response, status)
        assert set(data) >= {"error", "detail"}
    data = assert_refused(fire(api["judicial"], pk, "pass_review", opinion=OPINION, **{**CHECKS_PASS, "content_ok": False}), 409,
                          rule="D4", english="A review that found a defect in authority, procedure or content cannot pass")
    _check_bilingual(data["detail"], "A review that found a defect in authority, procedure or content cannot pass")

    passed, _ = to_state(api, users, "review_passed")
    meeting = make_meeting(api, users, date=today)
    data = assert_refused(fire(api["secretary"], passed["id"], "schedule", meeting=meeting["id"]), 409, rule="D7",
                          english=EN_D7)
    _check_bilingual(data["detail"], EN_D7)


def _check_bilingual(detail, english):
    """'[rule] 中文 / English' once translated; '[rule] English' before the catalogue exists."""
    assert english in detail
    if " / " in detail:
        chinese = detail.split(" / ")[0]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), detail


def test_a_refusal_reads_wholly_in_each_language(api):
    """The bilingual detail renders every part (transition, object, state, roles) in both languages."""
    decision = api["drafter"].post("/api/v1/decisions/", {
        "title": "石桥镇农贸市场摊位管理办法", "body": "正文", "category": "major_decision", "department": "党政办",
    }, format="json").json()
    state = api["judicial"].post(f"/api/v1/decisions/{decision['id']}/transitions/pass_review/",
                                 {"opinion": "同意"}, format="json").json()
    assert state["rule"] == "state"
    english = state["detail"].split(" / ")[-1]
    assert "“Draft”" in english and "Pass legality review" in english
    role = api["drafter"].post(f"/api/v1/decisions/{decision['id']}/transitions/pass_review/",
                               {"opinion": "同意"}, format="json").json()
    assert "Judicial office" in role["detail"].split(" / ")[-1]
    assert "司法所" in role["detail"].split(" / ")[0]


# --------------------------------------------------------------------------------------------------
# 条例 Art 26: 7 working days is the minimum given to the reviewer (D7), not the reviewer's deadline
# --------------------------------------------------------------------------------------------------


def test_d7_the_minimum_stays_seven_working_days_whatever_the_review_target(api, users, today):
    """The review target (the `decision.review` rule) is local practice; lengthening it must not push D7's
    minimum. Finding of issue 12: the old code read D7 from that rule, so a 15-day target refused a meeting on
    the 7th working day."""
    DeadlineRule.objects.filter(kind="decision.review").update(length=15)
    earliest = calendar.add_working_days(today, 7).date
    decision, _ = to_state(api, users, "review_passed")
    assert_refused(fire(api["secretary"], decision["id"], "schedule",
                        meeting=make_meeting(api, users, date=earliest - datetime.timedelta(days=1))["id"]),
                   409, rule="D7", english=EN_D7)
    scheduled = fire_ok(api["secretary"], decision["id"], "schedule",
                        meeting=make_meeting(api, users, date=earliest)["id"])
    assert (scheduled["state"], scheduled["scheduling_urgency_reason"]) == ("scheduled", "")


def test_the_review_deadline_opened_follows_the_local_rule_not_article_26(api, users, today):
    DeadlineRule.objects.filter(kind="decision.review").update(length=15)
    decision, _ = to_state(api, users, "in_review")
    [review] = [d for d in decision["deadlines"] if d["kind"] == "decision.review"]
    assert review["due_date"] == calendar.add_working_days(today, 15).date.isoformat()


# --------------------------------------------------------------------------------------------------
# 条例 Art 27: the three checks, each answered
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("answered", [{}, {"authority_ok": True}, {"authority_ok": True, "procedure_ok": True},
                                      {"procedure_ok": True, "content_ok": True}])
def test_a27_pass_review_needs_each_of_the_three_checks_answered(api, users, answered):
    """Finding of issue 12: on the old code pass_review with none of the three checks answered was accepted."""
    decision, _ = to_state(api, users, "in_review")
    before = snapshot(decision["id"])
    data = assert_refused(fire(api["judicial"], decision["id"], "pass_review", opinion=OPINION, **answered), 400)
    assert set(data["fields"]) == {"authority_ok", "procedure_ok", "content_ok"} - set(answered)
    assert "Answer this check of the legality review" in data["detail"]
    assert snapshot(decision["id"]) == before
    passed = fire_ok(api["judicial"], decision["id"], "pass_review", opinion=OPINION, **CHECKS_PASS,
                     authority_note="属镇政府法定职权（地方组织法第76条）。", procedure_note="已公开征求意见。",
                     content_note="未设定行政许可、行政处罚。")
    [opinion] = passed["opinions"]
    assert (opinion["authority_ok"], opinion["procedure_ok"], opinion["content_ok"]) == (True, True, True)
    assert opinion["authority_note"] == "属镇政府法定职权（地方组织法第76条）。"
    assert opinion["content_note"] == "未设定行政许可、行政处罚。"


@pytest.mark.parametrize("name", ["return_for_revision", "fail_review"])
@pytest.mark.parametrize("findings", [{}, CHECKS_PASS, {"authority_ok": True, "procedure_ok": None}])
def test_a27_return_and_fail_name_the_check_that_failed(api, users, name, findings):
    decision, _ = to_state(api, users, "in_review")
    before = snapshot(decision["id"])
    data = assert_refused(fire(api["judicial"], decision["id"], name, opinion="不予通过。", **findings), 400)
    assert "Name the check that failed" in data["detail"]
    assert snapshot(decision["id"]) == before
    decision = fire_ok(api["judicial"], decision["id"], name, opinion="程序不完备。", **{**findings, "procedure_ok": False},
                       procedure_note="未开展风险评估。")
    assert (decision["opinions"][-1]["procedure_ok"], decision["opinions"][-1]["procedure_note"]) == \
        (False, "未开展风险评估。")


# --------------------------------------------------------------------------------------------------
# 条例 Art 31: the report to the Party committee before issuance
# --------------------------------------------------------------------------------------------------

REPORT = "/party-committee-report/"
EN_A31 = "must be reported to the Party committee before it is issued"


def report(client, decision_id, reported_on, reference="石政请〔2026〕3号", summary="镇党委同意。"):
    return client.post(decision_url(decision_id, "party-committee-report/"),
                       {"reported_on": reported_on.isoformat(), "reference": reference, "summary": summary},
                       format="json")


def test_a31_a_decision_marked_for_the_report_cannot_be_signed_before_it(api, users, today):
    decision, _ = to_state(api, users, "approved", party_committee_report_required=True)
    pk = decision["id"]
    assert decision["party_committee_report_required"] is True
    before = snapshot(pk)
    data = assert_refused(fire(api["principal"], pk, "sign"), 409, rule="条例 Art 31", english=EN_A31)
    assert data
    assert snapshot(pk) == before and Decision.objects.get(pk=pk).number is None
    # A report dated tomorrow is no record of what happened.
    assert_refused(report(api["secretary"], pk, today + datetime.timedelta(days=1)), 400, field="reported_on")
    assert snapshot(pk) == before
    # The judicial office and the chair do not record it.
    for who in ("judicial", "chair", "principal"):
        assert_refused(report(api[who], pk, today), 403)
    decision = ok(report(api["secretary"], pk, today), 201)
    [recorded] = decision["party_committee_reports"]
    assert (recorded["reported_on"], recorded["reference"], recorded["recorded_by"]) == \
        (today.isoformat(), "石政请〔2026〕3号", users["secretary"].username)
    assert decision["history"][-1]["transition"] == "record_party_committee_report"
    signed = fire_ok(api["principal"], pk, "sign")
    assert signed["state"] == "signed" and signed["number"]
    # After signing the report can no longer be recorded (it comes before issuance).
    assert_refused(report(api["secretary"], pk, today), 409, rule="条例 Art 31")


def test_a31_not_required_no_step(api, users, today):
    decision, _ = to_state(api, users, "approved")
    assert decision["party_committee_report_required"] is False
    assert_refused(report(api["secretary"], decision["id"], today), 409, rule="条例 Art 31")
    assert fire_ok(api["principal"], decision["id"], "sign")["state"] == "signed"


def test_a31_the_office_secretary_marks_the_report_required_before_signing(api, users, today):
    decision, _ = to_state(api, users, "approved")
    pk = decision["id"]
    for who in ("judicial", "chair", "principal"):
        assert_refused(api[who].post(decision_url(pk, "party-committee/"), {"required": True}, format="json"), 403)
    data = ok(api["secretary"].post(decision_url(pk, "party-committee/"), {"required": True}, format="json"))
    assert data["party_committee_report_required"] is True
    assert data["text_matches_review"] is True  # not part of the reviewed text
    assert_refused(fire(api["principal"], pk, "sign"), 409, rule="条例 Art 31")
    ok(report(api["secretary"], pk, today), 201)
    signed = fire_ok(api["principal"], pk, "sign")
    assert_refused(api["secretary"].post(decision_url(pk, "party-committee/"), {"required": False}, format="json"),
                   409, rule="条例 Art 31")
    assert signed["state"] == "signed"


EN_A31_UNMARK_AFTER = "the mark can no longer be lifted"
EN_A31_UNMARK_REASON = "Record why this decision need not be reported"


def mark(client, decision_id, required, **extra):
    return client.post(decision_url(decision_id, "party-committee/"), {"required": required, **extra}, format="json")


def test_a31_the_mark_cannot_be_lifted_once_the_decision_is_approved(api, users, today):
    """D13: approved, the drafter marks the report required, sign → 409; lifting the mark (with or without a
    reason) must not open the way to signing without the report (条例 Art 31)."""
    decision, _ = to_state(api, users, "approved")
    pk = decision["id"]
    ok(mark(api["drafter"], pk, True))
    assert_refused(fire(api["principal"], pk, "sign"), 409, rule="条例 Art 31", english=EN_A31)
    before = snapshot(pk)
    for extra in ({}, {"reason": ""}, {"reason": "经核实无需请示报告。"}):
        assert_refused(mark(api["secretary"], pk, False, **extra), 409, rule="条例 Art 31",
                       english=EN_A31_UNMARK_AFTER)
        assert snapshot(pk) == before
        assert Decision.objects.get(pk=pk).party_committee_report_required is True
    assert_refused(fire(api["principal"], pk, "sign"), 409, rule="条例 Art 31", english=EN_A31)
    assert Decision.objects.get(pk=pk).number is None
    # Marking it again is no change and no refusal; the report is the way to signing.
    ok(mark(api["secretary"], pk, True))
    ok(report(api["secretary"], pk, today), 201)
    assert fire_ok(api["principal"], pk, "sign")["state"] == "signed"


def test_a31_lifting_the_mark_before_approval_needs_a_reason_and_is_in_the_history(api, users):
    decision, _ = to_state(api, users, "review_passed", party_committee_report_required=True)
    pk = decision["id"]
    before = snapshot(pk)
    for extra in ({}, {"reason": ""}, {"reason": "   "}):
        assert_refused(mark(api["secretary"], pk, False, **extra), 400, field="reason",
                       english=EN_A31_UNMARK_REASON)
        assert snapshot(pk) == before
        assert Decision.objects.get(pk=pk).party_committee_report_required is True
    data = ok(mark(api["secretary"], pk, False, reason="经核实不属于须请示报告事项。"))
    assert data["party_committee_report_required"] is False
    last = data["history"][-1]
    assert (last["transition"], last["user"], last["comment"]) == \
        ("mark_party_committee_report", users["secretary"].username, "经核实不属于须请示报告事项。")
    assert last["fields"] == {"required": False, "reason": "经核实不属于须请示报告事项。"}
    # Marking it needs no reason.
    assert ok(mark(api["drafter"], pk, True))["party_committee_report_required"] is True


def test_a31_an_edit_does_not_lift_the_mark_silently(api, users):
    """D13 by another door: PATCH in draft cannot turn the Art 31 mark off without the recorded reason."""
    decision = create_decision(api["drafter"], party_committee_report_required=True)
    pk = decision["id"]
    before = snapshot(pk)
    assert_refused(api["drafter"].patch(decision_url(pk), {"party_committee_report_required": False}, format="json"),
                   400, field="party_committee_report_required", english="with the reason")
    assert snapshot(pk) == before and Decision.objects.get(pk=pk).party_committee_report_required is True
    # Setting it (or editing other fields) stays a plain edit.
    ok(api["drafter"].patch(decision_url(pk), {"title": "石桥镇农村人居环境整治三年行动方案（修订）"}, format="json"))
    ok(mark(api["drafter"], pk, False, reason="经核实不属于须请示报告事项。"))
    assert ok(api["drafter"].patch(decision_url(pk), {"party_committee_report_required": True},
                                   format="json"))["party_committee_report_required"] is True


# --------------------------------------------------------------------------------------------------
# 条例 Art 33: the decision file (决策档案)
# --------------------------------------------------------------------------------------------------


def test_a33_the_archive_gathers_every_record_of_the_decision(api, users, today):
    decision = create_decision(api["drafter"], public_participation_required=True, expert_argumentation_required=True,
                               risk_assessment_required=True, party_committee_report_required=True)
    pk = decision["id"]
    add_preparation(api, pk, "public_comment", "网上征求意见，收到意见12条，采纳5条。",
                    started_on=today - datetime.timedelta(days=45), ended_on=today - datetime.timedelta(days=10))
    add_preparation(api, pk, "expert_argumentation", "专家论证会纪要")
    add_preparation(api, pk, "risk_assessment", "社会稳定风险评估报告：低风险")
    fire_ok(api["drafter"], pk, "submit_for_review")
    fire_ok(api["judicial"], pk, "return_for_revision", opinion="请补充法律依据。", authority_ok=True,
            procedure_ok=True, content_ok=False, content_note="缺少上位法依据。")
    first_text = Decision.objects.get(pk=pk).content_fingerprint()
    ok(api["drafter"].patch(decision_url(pk), {"body": BODY + "四、依据：环境保护法。"}, format="json"))
    fire_ok(api["drafter"], pk, "submit_for_review")
    fire_ok(api["judicial"], pk, "pass_review", opinion=OPINION, **CHECKS_PASS)
    meeting = make_meeting(api, users, date=today)
    fire_ok(api["secretary"], pk, "schedule", meeting=meeting["id"], urgency_reason=URGENCY)
    hold_meeting(api, meeting["id"], minutes="审议议题一项。")
    fire_ok(api["chair"], pk, "approve", comment="同意。", dissent="李委员：建议分步实施。")
    ok(report(api["secretary"], pk, today), 201)
    fire_ok(api["principal"], pk, "sign")
    fire_ok(api["secretary"], pk, "publish", channel="石桥镇人民政府门户网站")

    archive = ok(api["drafter"].get(decision_url(pk, "archive/")))
    final_text = Decision.objects.get(pk=pk).content_fingerprint()
    assert [t["fingerprint"] for t in archive["texts"]] == [first_text, final_text]
    assert archive["texts"][1]["events"] == ["review:passed", "meeting:approved", "current"]
    participation = archive["public_participation"]
    assert (participation["required"], participation["comment_period_days"], participation["shortened"]) == \
        (True, 35, False)
    assert participation["records"][0]["summary"] == "网上征求意见，收到意见12条，采纳5条。"
    assert archive["expert_argumentation"]["records"][0]["summary"] == "专家论证会纪要"
    assert archive["risk_assessment"]["records"][0]["summary"] == "社会稳定风险评估报告：低风险"
    assert [(r["outcome"], r["content_ok"], r["content_note"]) for r in archive["reviews"]] == \
        [("returned", False, "缺少上位法依据。"), ("passed", True, "")]
    [held] = archive["meetings"]
    assert (held["minutes"], held["outcome"], held["dissent"], held["content_fingerprint"]) == \
        ("审议议题一项。", "approved", "李委员：建议分步实施。", final_text)
    assert archive["party_committee"]["required"] is True
    assert archive["party_committee"]["reports"][0]["reference"] == "石政请〔2026〕3号"
    assert archive["signature"]["number"] == f"石政〔{year()}〕1号"
    assert archive["signature"]["signed_by"] == users["principal"].username
    assert archive["publication"] == {"published_on": today.isoformat(), "channel": "石桥镇人民政府门户网站"}
    assert [h["transition"] for h in archive["history"]][-4:] == \
        ["record_party_committee_report", "issue_document", "sign", "publish"]  # the 决定正文 issued as signed


def test_a33_the_archive_of_an_unknown_decision_is_404(api):
    assert_refused(api["drafter"].get(decision_url(99999999, "archive/")), 404)


def test_a31_the_secretary_finds_the_pending_report_in_the_inbox(api, users, today):
    decision, _ = to_state(api, users, "approved", party_committee_report_required=True)
    rows = [r for r in ok(api["secretary"].get("/api/v1/inbox/"))["results"]
            if r["kind"] == "decision" and r["id"] == decision["id"]]
    assert len(rows) == 1
    assert "Party committee" in rows[0]["action"] or "党委" in rows[0]["action"]
    ok(report(api["secretary"], decision["id"], today), 201)
    assert decision["id"] not in {r["id"] for r in ok(api["secretary"].get("/api/v1/inbox/"))["results"]
                                  if r["kind"] == "decision"}

"""The major-decision flow driven over the REST API as a drafter, the judicial office, the office secretary,
the meeting chair and the principal would drive it (CONTRACT §5, DESIGN §2).

The helpers at the top (`create_decision`, `fire`, `make_meeting`, `to_state`, `assert_refused` …) are also
used by tests/test_decision_rules.py and tests/test_api_errors.py.
"""

import datetime
import json

import pytest
from django.utils import timezone

from notifications import calendar
from notifications.models import DeadlineRule
from review.models import Decision
from workflows.models import AuditEntry

from .conftest import far_meeting_date

pytestmark = [pytest.mark.clock, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The `users` fixture creates seven users with passwords; the production hasher takes ~0.4 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

DECISIONS = "/api/v1/decisions/"
MEETINGS = "/api/v1/meetings/"
INBOX = "/api/v1/inbox/"

TITLE = "石桥镇农村人居环境整治三年行动方案"
BODY = "一、总体要求。二、重点任务：垃圾分类、污水治理、村容村貌提升。三、保障措施。"


# --------------------------------------------------------------------------------------------------
# Helpers (shared with the other decision test modules)
# --------------------------------------------------------------------------------------------------


def decision_url(decision_id, suffix=""):
    return f"{DECISIONS}{decision_id}/{suffix}"


def transition_url(decision_id, name):
    return f"{DECISIONS}{decision_id}/transitions/{name}/"


def meeting_transition_url(meeting_id, name):
    return f"{MEETINGS}{meeting_id}/transitions/{name}/"


def body_of(response):
    """The JSON body, with the response in the assertion message if it is not JSON."""
    try:
        return json.loads(response.content.decode("utf-8") or "null")
    except ValueError:  # pragma: no cover - shown when a test fails
        raise AssertionError(f"not JSON ({response.status_code}): {response.content[:500]!r}") from None


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, body_of(response))
    return body_of(response)


def assert_refused(response, status, *, rule=None, english=None, field=None):
    """A refusal in the CONTRACT §5 format: JSON {"error", "detail"}, the status, and for 409 the rule.

    `english` is a sentence (or part of one) the detail must contain: the detail is "中文 / English" once the
    catalogue translates it and plain English before, so the English part is always a substring.
    """
    assert response.status_code == status, (response.status_code, response.content[:2000])
    data = body_of(response)
    assert isinstance(data, dict), data
    assert isinstance(data.get("error"), str) and data["error"], data
    assert isinstance(data.get("detail"), str) and data["detail"].strip(), data
    if rule is not None:
        rules = rule if isinstance(rule, (set, tuple, list)) else {rule}
        assert data.get("rule") in rules, data
        assert str(data["rule"]) in data["detail"], data  # the detail names the rule
    if english is not None:
        assert english in data["detail"], data
    if field is not None:
        assert field in data.get("fields", {}), data
    return data


# 条例 Art 14: public participation is on by default; decisions in tests that are not about it are exempt, with the
# legal ground recorded as the article requires.
EXEMPT = {"public_participation_required": False, "participation_exemption_ground": "涉及国家秘密，依法不予公开（保守国家秘密法第2条）。"}
# 条例 Art 27: the three checks answered.
CHECKS_PASS = {"authority_ok": True, "procedure_ok": True, "content_ok": True}


def create_decision(client, **fields):
    payload = {"title": TITLE, "body": BODY, "category": "major_decision", "department": "农业农村办"}
    if "public_participation_required" not in fields:
        payload.update(EXEMPT)
    payload.update(fields)
    return ok(client.post(DECISIONS, payload, format="json"), 201)


def fire(client, decision_id, name, **fields):
    return client.post(transition_url(decision_id, name), fields, format="json")


def fire_ok(client, decision_id, name, **fields):
    return ok(fire(client, decision_id, name, **fields))


def get_decision(client, decision_id):
    return ok(client.get(decision_url(decision_id)))


def make_meeting(api, users, *, date=None, attendees=None, chair=None, title="2026年第12次党政联席会议"):
    """A meeting created over the API by the secretary; the judicial office attends unless told otherwise."""
    date = date or far_meeting_date()
    if attendees is None:
        attendees = [users["judicial"], users["chair"], users["principal"], users["secretary"]]
    chair = chair or users["chair"]
    return ok(api["secretary"].post(MEETINGS, {
        "title": title, "date": date.isoformat(), "chair": chair.pk, "attendees": [u.pk for u in attendees],
    }, format="json"), 201)


def hold_meeting(api, meeting_id, minutes="会议由镇长主持，司法所列席，逐项审议议题。"):
    return ok(api["secretary"].post(meeting_transition_url(meeting_id, "hold"), {"minutes": minutes}, format="json"))


def get_meeting(client, meeting_id):
    return ok(client.get(f"{MEETINGS}{meeting_id}/"))


URGENCY = "汛期临近，需在本周联席会议上研究（条例第26条但书）。"
OPINION = "经审查，该决策事项属于本镇法定职权，程序完备，内容符合《重大行政决策程序暂行条例》等规定，同意提交会议审议。"

def to_state(api, users, state, *, held=None, **create_fields):
    """Create a decision over the API and drive it to `state`; return (decision, meeting or None).

    A decision that goes to a meeting is scheduled onto a meeting dated today with an urgency reason (D7),
    so that the meeting can be held at once. `held=True` holds that meeting for a `scheduled` decision.
    """
    decision = create_decision(api["drafter"], **create_fields)
    pk = decision["id"]
    meeting = None
    if state == "draft":
        return decision, None
    if state == "withdrawn":
        return fire_ok(api["drafter"], pk, "withdraw", reason="方案需重新论证。"), None
    decision = fire_ok(api["drafter"], pk, "submit_for_review", comment="请审查。")
    if state == "in_review":
        return decision, None
    if state == "returned":
        return fire_ok(api["judicial"], pk, "return_for_revision", opinion="请补充法律依据。",
                       procedure_ok=False), None
    if state == "review_failed":
        return fire_ok(api["judicial"], pk, "fail_review", opinion="超越法定职权，不予通过。",
                       authority_ok=False), None
    decision = fire_ok(api["judicial"], pk, "pass_review", opinion=OPINION, **CHECKS_PASS)
    if state == "review_passed":
        return decision, None
    meeting = make_meeting(api, users, date=timezone.localdate())
    decision = fire_ok(api["secretary"], pk, "schedule", meeting=meeting["id"], urgency_reason=URGENCY)
    if state == "scheduled" and not held:
        return decision, meeting
    meeting = hold_meeting(api, meeting["id"])
    if state == "scheduled":
        return decision, meeting
    if state == "rejected":
        return fire_ok(api["chair"], pk, "reject", comment="时机尚不成熟。"), meeting
    decision = fire_ok(api["chair"], pk, "approve", comment="同意。")
    if state == "approved":
        return decision, meeting
    decision = fire_ok(api["principal"], pk, "sign")
    if state == "signed":
        return decision, meeting
    decision = fire_ok(api["secretary"], pk, "publish", channel="石桥镇人民政府门户网站")
    assert state == "published", state
    return decision, meeting


def names(decision):
    return [t["name"] for t in decision["available_transitions"]]


def deadline(decision, kind):
    found = [d for d in decision["deadlines"] if d["kind"] == kind]
    assert len(found) == 1, decision["deadlines"]
    return found[0]


def audit_count(decision_id):
    return AuditEntry.objects.filter(object_type="review.decision", object_id=decision_id).count()


def inbox_decision_ids(client):
    data = ok(client.get(INBOX))
    return {item["id"] for item in data["results"] if item["kind"] == "decision"}


def year():
    return timezone.localdate().year


def review_days():
    """The length of the reviewer's target (the `decision.review` rule, local practice), read, not assumed."""
    rule = DeadlineRule.objects.get(kind="decision.review")
    assert rule.unit == "working_days", rule.unit
    return rule.length


# --------------------------------------------------------------------------------------------------
# The happy path
# --------------------------------------------------------------------------------------------------


def test_the_whole_flow_from_draft_to_publication(api, users, today):
    # The drafter creates the decision.
    decision = create_decision(api["drafter"], **EXEMPT)
    pk = decision["id"]
    assert decision["state"] == "draft"
    assert decision["number"] is None
    assert decision["state_label"]
    assert decision["deadlines"] == []
    assert [h["transition"] for h in decision["history"]] == ["create"]

    # Submission opens the review target: 15 working days, a local default (issue 12; 条例第26条 sets 7 as a minimum).
    decision = fire_ok(api["drafter"], pk, "submit_for_review", comment="请司法所审查。")
    assert decision["state"] == "in_review"
    review = deadline(decision, "decision.review")
    assert review["status"] == "open"
    assert "第26条" in review["basis"]
    assert review["due_date"] == calendar.add_working_days(today, 15).date.isoformat()
    assert datetime.datetime.fromisoformat(review["due_at"]).astimezone(
        timezone.get_current_timezone()).date().isoformat() == review["due_date"]

    # The judicial office passes it with a written opinion; the deadline closes.
    decision = fire_ok(api["judicial"], pk, "pass_review", opinion=OPINION, authority_ok=True, procedure_ok=True,
                       content_ok=True)
    assert decision["state"] == "review_passed"
    assert deadline(decision, "decision.review")["status"] == "closed"
    [opinion] = decision["opinions"]
    assert opinion["outcome"] == "passed"
    assert opinion["opinion"] == OPINION
    assert opinion["reviewer"] == users["judicial"].username
    assert opinion["content_ok"] is True
    assert decision["text_matches_review"] is True

    # The secretary plans a meeting today (the judicial office attends) and schedules with an urgency reason.
    meeting = make_meeting(api, users, date=today)
    assert meeting["state"] == "planned"
    assert users["judicial"].pk in [a["id"] for a in meeting["attendees"]]
    decision = fire_ok(api["secretary"], pk, "schedule", meeting=meeting["id"], urgency_reason=URGENCY)
    assert decision["state"] == "scheduled"
    assert decision["meeting"] == meeting["id"]
    assert decision["scheduling_urgency_reason"] == URGENCY
    meeting = get_meeting(api["secretary"], meeting["id"])
    assert [(a["decision"], a["outcome"]) for a in meeting["agenda"]] == [(pk, "pending")]

    # The meeting is held, with minutes; it gets its number.
    meeting = hold_meeting(api, meeting["id"], minutes="镇党委书记、镇长、司法所所长出席；审议议题一项。")
    assert meeting["state"] == "held"
    assert meeting["minutes"] == "镇党委书记、镇长、司法所所长出席；审议议题一项。"
    assert meeting["number"]

    # The chair records the approval with a dissent (条例 Art 30).
    decision = fire_ok(api["chair"], pk, "approve", comment="会议同意。", dissent="王委员：建议延长实施期限。")
    assert decision["state"] == "approved"
    meeting = get_meeting(api["chair"], meeting["id"])
    [item] = meeting["agenda"]
    assert (item["outcome"], item["comment"], item["dissent"]) == ("approved", "会议同意。", "王委员：建议延长实施期限。")

    # The principal signs: the document number is assigned (D8) and the publication deadline opens.
    decision = fire_ok(api["principal"], pk, "sign")
    assert decision["state"] == "signed"
    assert decision["number"] == f"石政〔{year()}〕1号"
    assert decision["signed_by"] == users["principal"].username
    publication = deadline(decision, "decision.publication")
    assert publication["status"] == "open"
    assert publication["due_date"] == calendar.add_working_days(today, 20).date.isoformat()

    # The secretary publishes.
    decision = fire_ok(api["secretary"], pk, "publish", channel="石桥镇人民政府门户网站")
    assert decision["state"] == "published"
    assert decision["publication_channel"] == "石桥镇人民政府门户网站"
    assert decision["published_on"] == today.isoformat()
    assert deadline(decision, "decision.publication")["status"] == "closed"
    assert deadline(decision, "decision.review")["status"] == "closed"
    assert decision["available_transitions"] == []
    assert decision["number"] == f"石政〔{year()}〕1号"

    # The meeting can now be closed: every item has its outcome.
    meeting = ok(api["secretary"].post(meeting_transition_url(meeting["id"], "close"), {}, format="json"))
    assert meeting["state"] == "closed"

    # History: every step in order, with who did it and the comment.
    history = get_decision(api["drafter"], pk)["history"]
    assert [(h["transition"], h["source"], h["target"], h["user"]) for h in history] == [
        ("create", "", "draft", users["drafter"].username),
        ("submit_for_review", "draft", "in_review", users["drafter"].username),
        # the 合法性审查意见书 and the 决定正文 are issued in the step that gives them (documents.services)
        ("issue_document", "", "", users["judicial"].username),
        ("pass_review", "in_review", "review_passed", users["judicial"].username),
        ("schedule", "review_passed", "scheduled", users["secretary"].username),
        ("approve", "scheduled", "approved", users["chair"].username),
        ("issue_document", "", "", users["principal"].username),
        ("sign", "approved", "signed", users["principal"].username),
        ("publish", "signed", "published", users["secretary"].username),
    ]
    comments = {h["transition"]: h["comment"] for h in history}
    assert comments["submit_for_review"] == "请司法所审查。"
    assert comments["pass_review"] == OPINION
    assert comments["approve"] == "会议同意。"
    stamps = [datetime.datetime.fromisoformat(h["at"]) for h in history]
    assert stamps == sorted(stamps)
    assert all(s.utcoffset() is not None for s in stamps)  # ISO 8601 with offset (CONTRACT §1)


def test_scheduling_onto_a_meeting_far_enough_ahead_needs_no_urgency_reason(api, users):
    decision, _ = to_state(api, users, "review_passed")
    meeting = make_meeting(api, users, date=far_meeting_date())
    decision = fire_ok(api["secretary"], decision["id"], "schedule", meeting=meeting["id"])
    assert decision["state"] == "scheduled"
    assert decision["meeting"] == meeting["id"]
    assert decision["scheduling_urgency_reason"] == ""
    agenda = get_meeting(api["secretary"], meeting["id"])["agenda"]
    assert [(a["decision"], a["outcome"]) for a in agenda] == [(decision["id"], "pending")]
    # Before the meeting is held the chair can record nothing (D9).
    assert names(get_decision(api["chair"], decision["id"])) == []


# --------------------------------------------------------------------------------------------------
# Inbox: each role sees the decision exactly when it must act
# --------------------------------------------------------------------------------------------------


def test_the_inbox_of_each_role_shows_the_decision_exactly_when_that_role_must_act(api, users, today):
    roles = ["drafter", "judicial", "secretary", "chair", "principal", "admin", "officer"]

    def who_sees(pk):
        return {role for role in roles if pk in inbox_decision_ids(api[role])}

    decision = create_decision(api["drafter"])
    pk = decision["id"]
    assert who_sees(pk) == {"drafter"}
    fire_ok(api["drafter"], pk, "submit_for_review")
    assert who_sees(pk) == {"judicial"}
    fire_ok(api["judicial"], pk, "pass_review", opinion=OPINION, **CHECKS_PASS)
    assert who_sees(pk) == {"secretary"}
    meeting = make_meeting(api, users, date=today)
    fire_ok(api["secretary"], pk, "schedule", meeting=meeting["id"], urgency_reason=URGENCY)
    assert who_sees(pk) == set()  # nobody acts on it until the meeting is held
    hold_meeting(api, meeting["id"])
    assert who_sees(pk) == {"chair"}
    fire_ok(api["chair"], pk, "approve")
    assert who_sees(pk) == {"principal"}
    fire_ok(api["principal"], pk, "sign")
    assert who_sees(pk) == {"secretary"}  # to publish
    fire_ok(api["secretary"], pk, "publish", channel="政务公开栏")
    assert who_sees(pk) == set()


def test_inbox_items_carry_the_action_and_the_review_deadline(api, users, today):
    decision, _ = to_state(api, users, "in_review")
    [item] = [i for i in ok(api["judicial"].get(INBOX))["results"] if i["id"] == decision["id"]]
    assert item["state"] == "in_review"
    assert item["action"]
    assert item["deadline_kind"] == "decision.review"
    assert item["overdue"] is False
    assert datetime.datetime.fromisoformat(item["due_at"]).astimezone(
        timezone.get_current_timezone()).date() == calendar.add_working_days(today, 15).date


def test_the_chair_of_another_meeting_does_not_see_the_item(api, users):
    from .conftest import client_for, make_user

    other_chair = make_user("meeting_chair")
    decision, _meeting = to_state(api, users, "scheduled", held=True)
    assert decision["id"] in inbox_decision_ids(api["chair"])
    assert decision["id"] not in inbox_decision_ids(client_for(other_chair))


def test_the_inbox_lists_the_soonest_deadline_first(api, users):
    first, _ = to_state(api, users, "in_review")
    from notifications.models import DeadlineRule

    DeadlineRule.objects.filter(kind="decision.review").update(length=3)
    second, _ = to_state(api, users, "in_review")
    ids = [i["id"] for i in ok(api["judicial"].get(INBOX))["results"] if i["kind"] == "decision"]
    assert ids.index(second["id"]) < ids.index(first["id"])


# --------------------------------------------------------------------------------------------------
# available_transitions: exactly what the calling user may fire now
# --------------------------------------------------------------------------------------------------


def assert_transitions(api, decision_id, expected: dict):
    for role, wanted in expected.items():
        data = get_decision(api[role], decision_id)
        assert set(names(data)) == set(wanted), (role, data["state"], names(data))
        assert len(names(data)) == len(set(names(data)))
        for transition in data["available_transitions"]:
            assert isinstance(transition["label"], str) and transition["label"].strip()
            assert transition["label"] != transition["name"]


def test_available_transitions_list_exactly_what_the_caller_may_fire(api, users):
    none = []
    decision = create_decision(api["drafter"])
    pk = decision["id"]
    assert_transitions(api, pk, {"drafter": ["submit_for_review", "withdraw"], "principal": ["withdraw"], "admin": none})
    for role in ("judicial", "secretary", "chair", "officer"):  # a draft is its author's (review.flows.may_see_decision)
        assert api[role].get(decision_url(pk)).status_code == 404
    fire_ok(api["drafter"], pk, "submit_for_review")
    assert_transitions(api, pk, {
        "drafter": ["withdraw"], "judicial": ["return_for_revision", "pass_review", "fail_review"],
        "secretary": none, "chair": none, "principal": ["withdraw"], "admin": none,
    })
    fire_ok(api["judicial"], pk, "pass_review", opinion=OPINION, **CHECKS_PASS)
    assert_transitions(api, pk, {
        "drafter": ["revise", "withdraw"], "judicial": none, "secretary": ["schedule"], "chair": none,
        "principal": ["withdraw"],
    })
    meeting = make_meeting(api, users, date=timezone.localdate())
    fire_ok(api["secretary"], pk, "schedule", meeting=meeting["id"], urgency_reason=URGENCY)
    # Not held yet: nobody can record the outcome (D9).
    assert_transitions(api, pk, {
        "drafter": ["withdraw"], "secretary": none, "chair": none, "principal": ["withdraw"], "judicial": none,
    })
    hold_meeting(api, meeting["id"])
    assert_transitions(api, pk, {
        "drafter": ["withdraw"], "secretary": ["defer"], "chair": ["defer", "approve", "reject"],
        "principal": ["withdraw"], "judicial": none,
    })
    fire_ok(api["chair"], pk, "approve")
    assert_transitions(api, pk, {
        "drafter": ["withdraw"], "secretary": none, "chair": none, "principal": ["sign", "withdraw"],
    })
    fire_ok(api["principal"], pk, "sign")
    assert_transitions(api, pk, {
        "drafter": ["withdraw"], "secretary": ["publish"], "principal": ["withdraw"], "chair": none,
    })
    fire_ok(api["secretary"], pk, "publish", channel="政务公开栏")
    assert_transitions(api, pk, {role: none for role in ("drafter", "secretary", "principal", "chair", "judicial")})


def test_a_user_with_several_roles_sees_the_transitions_of_each(api, users):
    from .conftest import client_for, make_user

    both = client_for(make_user("drafter", "principal"))
    decision = create_decision(both)
    assert set(names(get_decision(both, decision["id"]))) == {"submit_for_review", "withdraw"}


def test_every_listed_transition_can_actually_be_fired(api, users):
    """What available_transitions promises holds: firing a listed transition does not get 403/409."""
    decision, _ = to_state(api, users, "scheduled", held=True)
    listed = names(get_decision(api["chair"], decision["id"]))
    assert "approve" in listed
    fire_ok(api["chair"], decision["id"], "approve")


# --------------------------------------------------------------------------------------------------
# Other paths: return and resubmit, fail and revise, withdraw, defer
# --------------------------------------------------------------------------------------------------


def test_return_for_revision_then_edit_then_resubmit(api, users, today):
    decision, _ = to_state(api, users, "returned")
    pk = decision["id"]
    assert decision["state"] == "returned"
    assert [d["status"] for d in decision["deadlines"]] == ["closed"]
    assert decision["opinions"][-1]["outcome"] == "returned"

    edited = ok(api["drafter"].patch(decision_url(pk), {"body": BODY + "四、法律依据：《中华人民共和国环境保护法》。"},
                                     format="json"))
    assert edited["state"] == "returned"
    assert edited["body"].endswith("《中华人民共和国环境保护法》。")
    assert edited["history"][-1]["transition"] == "edit"
    assert edited["history"][-1]["user"] == users["drafter"].username

    decision = fire_ok(api["drafter"], pk, "submit_for_review", comment="已按审查意见修改。")
    assert decision["state"] == "in_review"
    assert [d["status"] for d in decision["deadlines"]] == ["closed", "open"]
    assert decision["deadlines"][1]["due_date"] == calendar.add_working_days(today, 15).date.isoformat()
    decision = fire_ok(api["judicial"], pk, "pass_review", opinion=OPINION, **CHECKS_PASS)
    assert decision["state"] == "review_passed"
    assert [o["outcome"] for o in decision["opinions"]] == ["returned", "passed"]
    assert [h["transition"] for h in decision["history"]] == [
        "create", "submit_for_review", "issue_document", "return_for_revision", "edit", "submit_for_review",
        "issue_document", "pass_review",  # each opinion issues its 合法性审查意见书
    ]


def test_fail_review_then_revise_back_to_draft(api, users):
    decision, _ = to_state(api, users, "review_failed")
    pk = decision["id"]
    assert decision["state"] == "review_failed"
    assert names(get_decision(api["drafter"], pk)) == ["revise", "withdraw"]
    edited = ok(api["drafter"].patch(decision_url(pk), {"title": "石桥镇人居环境整治方案（修改稿）"}, format="json"))
    assert edited["title"] == "石桥镇人居环境整治方案（修改稿）"
    decision = fire_ok(api["drafter"], pk, "revise", comment="按意见重新起草。")
    assert decision["state"] == "draft"
    assert decision["history"][-1]["comment"] == "按意见重新起草。"
    decision = fire_ok(api["drafter"], pk, "submit_for_review")
    assert decision["state"] == "in_review"


def test_withdraw_from_scheduled_marks_the_agenda_item_withdrawn(api, users):
    decision, meeting = to_state(api, users, "scheduled")
    pk = decision["id"]
    decision = fire_ok(api["drafter"], pk, "withdraw", reason="上级政策调整，撤回该事项。")
    assert decision["state"] == "withdrawn"
    assert decision["withdrawal_reason"] == "上级政策调整，撤回该事项。"
    assert decision["meeting"] is None
    assert decision["available_transitions"] == []
    assert decision["history"][-1]["comment"] == "上级政策调整，撤回该事项。"
    agenda = get_meeting(api["secretary"], meeting["id"])["agenda"]
    assert [(a["decision"], a["outcome"]) for a in agenda] == [(pk, "withdrawn")]
    # With nothing pending, the meeting can be held and closed.
    hold_meeting(api, meeting["id"])
    assert ok(api["secretary"].post(meeting_transition_url(meeting["id"], "close"), {}, format="json"))["state"] \
        == "closed"


def test_withdraw_while_in_review_cancels_the_review_deadline(api, users):
    decision, _ = to_state(api, users, "in_review")
    decision = fire_ok(api["principal"], decision["id"], "withdraw", reason="镇政府决定暂缓。")
    assert decision["state"] == "withdrawn"
    assert deadline(decision, "decision.review")["status"] == "cancelled"
    assert decision["id"] not in inbox_decision_ids(api["judicial"])


def test_defer_puts_the_decision_back_for_another_meeting(api, users):
    decision, meeting = to_state(api, users, "scheduled", held=True)
    pk = decision["id"]
    decision = fire_ok(api["secretary"], pk, "defer", comment="材料不全，下次会议再议。")
    assert decision["state"] == "review_passed"
    assert decision["meeting"] is None
    agenda = get_meeting(api["secretary"], meeting["id"])["agenda"]
    assert [(a["outcome"], a["comment"]) for a in agenda] == [("deferred", "材料不全，下次会议再议。")]
    later = make_meeting(api, users, date=far_meeting_date())
    decision = fire_ok(api["secretary"], pk, "schedule", meeting=later["id"])
    assert decision["state"] == "scheduled"
    assert decision["meeting"] == later["id"]


def test_reject_is_final(api, users):
    decision, meeting = to_state(api, users, "rejected")
    assert decision["state"] == "rejected"
    assert get_meeting(api["chair"], meeting["id"])["agenda"][0]["outcome"] == "rejected"
    for role in ("drafter", "principal", "secretary", "chair"):
        assert names(get_decision(api[role], decision["id"])) == []


# --------------------------------------------------------------------------------------------------
# Document numbers (D8): unique and gap-free per year
# --------------------------------------------------------------------------------------------------


def test_two_signed_decisions_get_numbers_1_and_2(api, users):
    first, _ = to_state(api, users, "signed")
    second, _ = to_state(api, users, "signed")
    assert first["number"] == f"石政〔{year()}〕1号"
    assert second["number"] == f"石政〔{year()}〕2号"


def test_a_sign_that_fails_does_not_consume_a_number(api, users):
    first, _ = to_state(api, users, "signed")
    assert first["number"] == f"石政〔{year()}〕1号"

    second, _ = to_state(api, users, "approved")
    Decision.objects.filter(pk=second["id"]).update(body="（未经审查的修改稿）" + BODY)  # behind the API's back
    before = audit_count(second["id"])
    assert_refused(fire(api["principal"], second["id"], "sign"), 409, rule="D3")
    second = get_decision(api["principal"], second["id"])
    assert second["state"] == "approved"
    assert second["number"] is None
    assert audit_count(second["id"]) == before

    third, _ = to_state(api, users, "signed")
    assert third["number"] == f"石政〔{year()}〕2号"


def test_a_sign_rolled_back_after_the_number_was_drawn_gives_the_number_back(api, users, monkeypatch):
    """The number is drawn inside the signing transaction; a refusal later in it rolls the number back."""
    from review import flows as decision_flow
    from workflows.errors import RuleViolation

    first, _ = to_state(api, users, "signed")
    second, _ = to_state(api, users, "approved")
    original = decision_flow.open_deadline

    def refuse_publication_deadline(obj, kind, anchor):
        if kind == "decision.publication":
            raise RuleViolation("simulated refusal after the number was drawn", rule="TEST")
        return original(obj, kind, anchor)

    monkeypatch.setattr(decision_flow, "open_deadline", refuse_publication_deadline)
    assert_refused(fire(api["principal"], second["id"], "sign"), 409, rule="TEST")
    assert Decision.objects.get(pk=second["id"]).number is None
    monkeypatch.undo()

    second = fire_ok(api["principal"], second["id"], "sign")
    assert (first["number"], second["number"]) == (f"石政〔{year()}〕1号", f"石政〔{year()}〕2号")

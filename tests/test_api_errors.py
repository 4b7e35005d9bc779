"""The API never answers 500, and every refusal is in the CONTRACT §5 format: odd ids, malformed bodies, wrong
types, no credentials, unknown filters; the calendar and deadline-rule endpoints; the schema and docs; `me`;
and a light fuzz of every decision transition and create endpoint."""

import datetime
import json
import re

import pytest
from rest_framework.test import APIClient

from notifications import calendar
from notifications.models import CalendarDay, DeadlineRule
from review.forms import DECISION_TRANSITION_FORMS
from review.models import Decision, Meeting
from workflows.models import AuditEntry, User

from .conftest import client_for, far_meeting_date, make_user
from .test_decision_flow import (  # noqa: F401 - fast_password_hasher is an autouse fixture
    OPINION,
    assert_refused,
    body_of,
    create_decision,
    decision_url,
    fast_password_hasher,
    fire_ok,
    make_meeting,
    ok,
    to_state,
    transition_url,
)

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

ALL_ROLES = ["drafter", "judicial_office", "office_secretary", "meeting_chair", "principal", "brigade_chief",
             "enforcement_officer", "admin"]
HUGE_ID = "99999999999999999999"


def lenient(client):
    """The same client, but a server error comes back as a 500 response instead of an exception."""
    client.raise_request_exception = False
    return client


def send_json(client, method, url, payload):
    """Send `payload` as ASCII JSON: a lone surrogate such as "\\ud800" travels escaped, as a script would send it."""
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json")


def assert_no_server_error(response, what):
    assert response.status_code < 500, (what, response.status_code, response.content[:300])
    if response.status_code >= 400:
        data = body_of(response)
        assert isinstance(data, dict) and data.get("error") and data.get("detail"), (what, data)


# --------------------------------------------------------------------------------------------------
# Not found: unknown transitions, odd ids, unknown paths
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fly", "approve_all", "Sign", "transitions", "create", "_text_is_reviewed",
                                  "state", "save", "delete", "__init__", "available_transitions"])
def test_an_unknown_transition_is_404(api, users, name):
    decision, _ = to_state(api, users, "approved")
    before = AuditEntry.objects.count()
    superuser = client_for(make_user(*ALL_ROLES, is_superuser=True, is_staff=True))
    assert_refused(lenient(superuser).post(transition_url(decision["id"], name), {}, format="json"), 404)
    assert Decision.objects.get(pk=decision["id"]).state == "approved"
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("path", ["pass-review", "pass%20review", "..", "%E5%AE%A1%E6%9F%A5", "x" * 61])
def test_transition_names_outside_the_pattern_are_404(api, users, path):
    decision = create_decision(api["drafter"])
    assert_refused(lenient(api["drafter"]).post(f"/api/v1/decisions/{decision['id']}/transitions/{path}/", {},
                                                format="json"), 404)


def test_an_unknown_meeting_transition_is_404(api, users):
    meeting = make_meeting(api, users)
    assert_refused(api["secretary"].post(f"/api/v1/meetings/{meeting['id']}/transitions/cancel/", {}, format="json"),
                   404)


@pytest.mark.parametrize("kind", ["decisions", "meetings"])
@pytest.mark.parametrize("pk", ["abc", HUGE_ID, "999999999999999999", "9223372036854775808", "0", "-1", "1.5",
                                "1e3", "%20", "1%00", "٣"])
def test_odd_ids_are_404(api, users, kind, pk):
    client = lenient(api["drafter"])
    assert_refused(client.get(f"/api/v1/{kind}/{pk}/"), 404)
    assert_refused(client.post(f"/api/v1/{kind}/{pk}/transitions/withdraw/", {"reason": "r"}, format="json"), 404)


@pytest.mark.parametrize("pk", ["abc", HUGE_ID, "999999999999999999"])
def test_odd_ids_on_write_endpoints_are_404(api, users, pk):
    client = lenient(api["drafter"])
    assert_refused(client.patch(f"/api/v1/decisions/{pk}/", {"title": "x"}, format="json"), 404)
    assert_refused(client.post(f"/api/v1/decisions/{pk}/preparation/", {"kind": "risk_assessment", "summary": "s"},
                               format="json"), 404)
    assert_refused(lenient(api["secretary"]).post(f"/api/v1/meetings/{pk}/transitions/hold/", {"minutes": "m"},
                                                  format="json"), 404)
    if not pk.isdigit() or len(pk) > 18:
        assert_refused(client.post(f"/api/v1/notifications/{pk}/read/"), 404)


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/decisions/1/nothing/", "/api/v2/decisions/",
                                  "/api/v1/deadline-rules/no.such.kind/", "/api/v1/deadline-rules/UPPER/"])
def test_unknown_paths_are_404_json(api, path):
    assert_refused(lenient(api["admin"]).get(path), 404)


# --------------------------------------------------------------------------------------------------
# Malformed bodies
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ['{"opinion": ', "{'opinion': 'x'}", "opinion=x", "\x00\x01", "{" * 5000, "NaN]"])
def test_malformed_json_is_400(api, users, raw):
    decision, _ = to_state(api, users, "in_review")
    client = lenient(api["judicial"])
    response = client.post(transition_url(decision["id"], "pass_review"), raw, content_type="application/json")
    assert_refused(response, 400)
    assert Decision.objects.get(pk=decision["id"]).state == "in_review"
    response = lenient(api["drafter"]).post("/api/v1/decisions/", raw, content_type="application/json")
    assert_refused(response, 400)
    response = lenient(api["secretary"]).post("/api/v1/meetings/", raw, content_type="application/json")
    assert_refused(response, 400)


@pytest.mark.parametrize("body", [["opinion", OPINION], [{"opinion": OPINION}], "opinion", 42, True, 1.5, []])
def test_a_transition_body_that_is_not_an_object_is_400(api, users, body):
    decision, _ = to_state(api, users, "in_review")
    response = lenient(api["judicial"]).post(transition_url(decision["id"], "pass_review"), json.dumps(body),
                                             content_type="application/json")
    assert_refused(response, 400)
    assert Decision.objects.get(pk=decision["id"]).state == "in_review"


@pytest.mark.parametrize("body", [["title"], "title", 42, None])
def test_a_create_body_that_is_not_an_object_is_400(api, users, body):
    response = lenient(api["drafter"]).post("/api/v1/decisions/", json.dumps(body), content_type="application/json")
    assert_refused(response, 400)
    response = lenient(api["secretary"]).post("/api/v1/meetings/", json.dumps(body), content_type="application/json")
    assert_refused(response, 400)
    assert not Decision.objects.exists() and not Meeting.objects.exists()


def test_an_unsupported_media_type_is_refused_in_the_error_format(api):
    response = lenient(api["drafter"]).post("/api/v1/decisions/", "<xml/>", content_type="application/xml")
    assert_refused(response, 415)


# --------------------------------------------------------------------------------------------------
# Wrong types name the field
# --------------------------------------------------------------------------------------------------

VALID_DECISION = {"title": "标题", "body": "正文", "category": "major_decision", "department": "综合办"}


@pytest.mark.parametrize("field,value", [
    ("title", ["a", "b"]), ("title", {"zh": "标题"}), ("title", ""), ("title", "x" * 201), ("title", None),
    ("category", "decree"), ("category", ["major_decision"]), ("category", None),
    ("body", ""), ("body", None), ("body", ["正文"]), ("department", "x" * 101), ("department", {}),
    ("public_participation_required", "perhaps"), ("public_participation_required", [True]),
    ("expert_argumentation_required", {"x": 1}), ("risk_assessment_required", "2"),
])
def test_decision_create_with_a_wrong_field_is_400_naming_it(api, field, value):
    response = lenient(api["drafter"]).post("/api/v1/decisions/", {**VALID_DECISION, field: value}, format="json")
    assert_refused(response, 400, field=field)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("field,value", [("title", ["a"]), ("category", "decree"), ("body", ""),
                                         ("public_participation_required", "perhaps")])
def test_decision_patch_with_a_wrong_field_is_400_naming_it(api, field, value):
    decision = create_decision(api["drafter"])
    before = AuditEntry.objects.count()
    response = lenient(api["drafter"]).patch(decision_url(decision["id"]), {field: value}, format="json")
    assert_refused(response, 400, field=field)
    assert Decision.objects.get(pk=decision["id"]).title == decision["title"]
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("field,value", [
    ("date", "2026-13-45"), ("date", "tomorrow"), ("date", 20261201), ("date", ["2026-12-01"]), ("date", None),
    ("chair", "x"), ("chair", 987654321), ("chair", None), ("chair", [1]), ("chair", int(HUGE_ID)),
    ("attendees", "x"), ("attendees", ["x"]), ("attendees", [987654321]), ("attendees", {"id": 1}),
    ("attendees", [int(HUGE_ID)]), ("title", ""), ("title", ["会议"]),
])
def test_meeting_create_with_a_wrong_field_is_400_naming_it(api, users, field, value):
    payload = {"title": "联席会议", "date": far_meeting_date().isoformat(), "chair": users["chair"].pk,
               "attendees": [users["judicial"].pk]}
    response = lenient(api["secretary"]).post("/api/v1/meetings/", {**payload, field: value}, format="json")
    assert_refused(response, 400, field=field)
    assert not Meeting.objects.exists()


def test_an_inactive_user_cannot_chair_or_attend(api, users):
    gone = make_user("judicial_office", is_active=False)
    payload = {"title": "联席会议", "date": far_meeting_date().isoformat(), "chair": users["chair"].pk,
               "attendees": [users["judicial"].pk]}
    assert_refused(api["secretary"].post("/api/v1/meetings/", {**payload, "chair": gone.pk}, format="json"), 400,
                   field="chair")
    assert_refused(api["secretary"].post("/api/v1/meetings/", {**payload, "attendees": [gone.pk]}, format="json"),
                   400, field="attendees")


@pytest.mark.parametrize("field,value", [("kind", "survey"), ("kind", None), ("summary", ""),
                                         ("started_on", "2026-13-45"), ("ended_on", "yesterday")])
def test_preparation_with_a_wrong_field_is_400_naming_it(api, field, value):
    decision = create_decision(api["drafter"])
    payload = {"kind": "public_comment", "summary": "征求意见", "started_on": "2026-09-01", "ended_on": "2026-10-08"}
    response = lenient(api["drafter"]).post(decision_url(decision["id"], "preparation/"), {**payload, field: value},
                                            format="json")
    assert_refused(response, 400, field=field)
    assert get_prep_count(decision["id"]) == 0


def get_prep_count(decision_id):
    return Decision.objects.get(pk=decision_id).preparation.count()


# --------------------------------------------------------------------------------------------------
# Authentication, filters
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method,path", [
    ("get", "/api/v1/decisions/"), ("get", "/api/v1/decisions/1/"), ("post", "/api/v1/decisions/"),
    ("patch", "/api/v1/decisions/1/"), ("post", "/api/v1/decisions/1/transitions/sign/"),
    ("post", "/api/v1/decisions/1/preparation/"), ("get", "/api/v1/meetings/"), ("post", "/api/v1/meetings/"),
    ("post", "/api/v1/meetings/1/transitions/hold/"), ("get", "/api/v1/inbox/"), ("get", "/api/v1/me/"),
    ("patch", "/api/v1/me/"), ("get", "/api/v1/notifications/"), ("get", "/api/v1/users/"),
    ("get", "/api/v1/deadline-rules/"), ("patch", "/api/v1/deadline-rules/decision.review/"),
    ("get", "/api/v1/calendar/add-working-days/?start=2026-02-13&days=7"),
    ("put", "/api/v1/calendar/days/2026-03-02/"), ("delete", "/api/v1/calendar/days/2026-03-02/"),
])
@pytest.mark.parametrize("credentials", [None, "Token not-a-real-token", "Bearer abc", "Token ", "Basic Zm9vOmJhcg=="])
def test_unauthenticated_requests_are_401_in_the_error_format(db, method, path, credentials):
    client = lenient(APIClient())
    if credentials:
        client.credentials(HTTP_AUTHORIZATION=credentials)
    response = getattr(client, method)(path, {"title": "x"} if method in ("post", "patch", "put") else None,
                                       format="json")
    data = assert_refused(response, 401)
    assert data["error"] == "not_authenticated" or data["error"]
    assert not Decision.objects.exists()


def test_a_browser_session_without_csrf_token_is_403_and_changes_nothing(api, users):
    decision = create_decision(api["drafter"])
    browser = lenient(APIClient(enforce_csrf_checks=True))
    # force_login: Client.login() calls authenticate() without a request, which the login throttling refuses
    # (django-axes: AxesBackendRequestParameterRequired).
    browser.force_login(users["drafter"])
    assert ok(browser.get(decision_url(decision["id"])))["id"] == decision["id"]  # the session authenticates
    response = browser.post(transition_url(decision["id"], "submit_for_review"), {}, format="json")
    assert_refused(response, 403)
    assert Decision.objects.get(pk=decision["id"]).state == "draft"


@pytest.mark.parametrize("path", ["/api/v1/decisions/?state=bogus", "/api/v1/meetings/?state=bogus",
                                  "/api/v1/decisions/?state=DRAFT", "/api/v1/meetings/?state=draft",
                                  "/api/v1/users/?role=king"])
def test_unknown_filter_values_are_400(api, path):
    data = assert_refused(lenient(api["drafter"]).get(path), 400)
    assert set(data["fields"]) & {"state", "role"}


def test_the_state_filter_works(api, users):
    draft = create_decision(api["drafter"])
    in_review, _ = to_state(api, users, "in_review")
    data = ok(api["drafter"].get("/api/v1/decisions/?state=in_review"))
    assert [d["id"] for d in data["results"]] == [in_review["id"]]
    data = ok(api["drafter"].get("/api/v1/decisions/?state=draft"))
    assert [d["id"] for d in data["results"]] == [draft["id"]]


@pytest.mark.parametrize("query", ["page=0", "page=abc", f"page={HUGE_ID}", "page=-1", "search=%00", "search=" + "x" * 5000,
                                   "state=", "state=draft&state=bogus"])
def test_odd_list_queries_never_500(api, users, query):
    create_decision(api["drafter"])
    response = lenient(api["drafter"]).get(f"/api/v1/decisions/?{query}")
    assert_no_server_error(response, query)


# --------------------------------------------------------------------------------------------------
# Working-day calendar
# --------------------------------------------------------------------------------------------------

ADD = "/api/v1/calendar/add-working-days/"


@pytest.mark.parametrize("query,field", [
    ("", "start"), ("start=2026-02-13", "days"), ("days=7", "start"), ("start=2026-02-30&days=7", "start"),
    ("start=2026-13-01&days=7", "start"), ("start=yesterday&days=7", "start"), ("start=2026-02-13&days=x", "days"),
    ("start=2026-02-13&days=1.5", "days"), ("start=2026-02-13&days=", "days"),
    ("start=2026-02-13&days=99999", "days"), (f"start=2026-02-13&days={HUGE_ID}", "days"),
    ("start=9999-12-31&days=5", "days"), ("start=0001-01-01&days=-5", "days"),
])
def test_add_working_days_with_missing_or_invalid_params_is_400(api, query, field):
    assert_refused(lenient(api["drafter"]).get(f"{ADD}?{query}"), 400, field=field)


@pytest.mark.parametrize("start,days,expected,provisional", [
    ("2026-02-13", 7, "2026-03-02", False),  # across the 2026 Spring Festival, with its make-up Saturdays
    ("2026-02-15", 7, "2026-03-03", False),  # from a rest day: the start day never counts
    ("2026-09-30", 1, "2026-10-08", False),  # National Day: 1–7 October off
    ("2026-11-27", 7, "2026-12-08", False),
    ("2026-11-27", 0, "2026-11-27", False),
    ("2026-03-02", -7, "2026-02-13", False),
])
def test_add_working_days_follows_the_state_council_notice(api, start, days, expected, provisional):
    data = ok(api["drafter"].get(f"{ADD}?start={start}&days={days}"))
    assert data == {"date": expected, "provisional": provisional}


@pytest.mark.parametrize("start,days", [("2027-03-01", 5), ("2026-12-30", 3), ("2027-06-15", 1)])
def test_add_working_days_into_a_year_without_a_notice_is_provisional(api, start, days):
    data = ok(api["drafter"].get(f"{ADD}?start={start}&days={days}"))
    assert data["provisional"] is True
    assert data["date"] == calendar.add_working_days(datetime.date.fromisoformat(start), days).date.isoformat()
    assert data["date"] >= "2027-01-01"


@pytest.mark.parametrize("who", ["drafter", "judicial", "secretary", "principal", "officer"])
def test_only_an_admin_overrides_calendar_days(api, who):
    response = api[who].put("/api/v1/calendar/days/2026-03-02/", {"kind": "holiday", "note": "x"}, format="json")
    assert_refused(response, 403)
    assert not CalendarDay.objects.exists()
    CalendarDay.objects.create(date=datetime.date(2026, 3, 2), kind="holiday")
    assert_refused(api[who].delete("/api/v1/calendar/days/2026-03-02/"), 403)
    assert CalendarDay.objects.count() == 1


def test_a_django_superuser_without_the_admin_role_cannot_override_calendar_days(db):
    client = client_for(make_user(is_superuser=True, is_staff=True))
    assert_refused(client.put("/api/v1/calendar/days/2026-03-02/", {"kind": "holiday"}, format="json"), 403)


def test_an_admin_override_changes_add_working_days_and_delete_removes_it(api):
    assert ok(api["drafter"].get(f"{ADD}?start=2026-02-13&days=7"))["date"] == "2026-03-02"
    data = ok(api["admin"].put("/api/v1/calendar/days/2026-03-02/", {"kind": "holiday", "note": "临时调整"},
                               format="json"))
    assert data == {"date": "2026-03-02", "kind": "holiday", "note": "临时调整"}
    assert ok(api["drafter"].get(f"{ADD}?start=2026-02-13&days=7"))["date"] == "2026-03-03"
    day = ok(api["drafter"].get("/api/v1/calendar/days/2026-03-02/"))
    assert (day["is_workday"], day["source"], day["note"]) == (False, "override", "临时调整")

    # PUT again replaces it: a Sunday made a working day.
    ok(api["admin"].put("/api/v1/calendar/days/2026-03-01/", {"kind": "workday", "note": "调休"}, format="json"))
    assert ok(api["drafter"].get(f"{ADD}?start=2026-02-13&days=7"))["date"] == "2026-03-01"

    assert api["admin"].delete("/api/v1/calendar/days/2026-03-01/").status_code == 204
    assert api["admin"].delete("/api/v1/calendar/days/2026-03-02/").status_code == 204
    assert ok(api["drafter"].get(f"{ADD}?start=2026-02-13&days=7"))["date"] == "2026-03-02"
    assert_refused(api["admin"].delete("/api/v1/calendar/days/2026-03-02/"), 404)
    assert not CalendarDay.objects.exists()


def test_an_override_loads_next_years_notice(api):
    before = ok(api["drafter"].get(f"{ADD}?start=2027-01-29&days=1"))  # a Friday → Monday 2027-02-01
    assert before == {"date": "2027-02-01", "provisional": True}
    ok(api["admin"].put("/api/v1/calendar/days/2027-02-01/", {"kind": "holiday", "note": "2027年通知"}, format="json"))
    assert ok(api["drafter"].get(f"{ADD}?start=2027-01-29&days=1"))["date"] == "2027-02-02"


@pytest.mark.parametrize("day,body,field", [
    ("2026-02-30", {"kind": "holiday"}, "date"), ("2026-3-1", {"kind": "holiday"}, "date"),
    ("2026-03-01", {"kind": "vacation"}, "kind"), ("2026-03-01", {}, "kind"),
    ("2026-03-01", {"kind": "holiday", "note": "x" * 201}, "note"), ("2026-03-01", {"kind": ["holiday"]}, "kind"),
])
def test_calendar_day_put_with_invalid_input_is_400(api, day, body, field):
    assert_refused(lenient(api["admin"]).put(f"/api/v1/calendar/days/{day}/", body, format="json"), 400, field=field)
    assert not CalendarDay.objects.exists()


# --------------------------------------------------------------------------------------------------
# Deadline rules
# --------------------------------------------------------------------------------------------------

KINDS = {"decision.review", "decision.publication", "case.filing", "case.decision", "case.statement_window",
         "case.hearing_request", "case.service", "case.payment", "case.publicity", "mediation.confirmation",
         "officer.certificate", "case.spot_handover", "case.instalment", "case.correction",
         "case.demand_period", "case.court_application",
         # issue 15: 信访工作条例 Art 23, 34, 35-36, 15; 人民调解法 Art 31
         "petition.acceptance", "petition.handling", "petition.review_request", "petition.village",
         "mediation.performance",
         # issue 16: 处罚法 Art 48 ¶2; 厅字〔2019〕28号 (03-01, 04-01); 国办发〔2018〕118号 (01-31)
         "case.publicity_withdrawal", "report.rule_of_law_submit", "report.rule_of_law_publish",
         "report.statistics_publish"}


def rules_of(data):
    return data["results"] if isinstance(data, dict) else data


def test_the_deadline_rules_list_has_all_kinds_with_their_basis(api):
    rules = rules_of(ok(api["drafter"].get("/api/v1/deadline-rules/")))
    assert {r["kind"] for r in rules} == KINDS
    for rule in rules:
        assert rule["basis"].strip(), rule
        assert rule["unit"] in {"calendar_days", "working_days", "hours", "months", "fixed_date", "given_date"}
        assert isinstance(rule["statutory"], bool) and rule["configurable"] is not rule["statutory"]
        assert rule["local_rule"].strip(), rule
        # A rule due on the day its act names (a correction order's term, given_date; an approved plan's date,
        # case.instalment, Art 66 ¶2) or on a yearly date (fixed_date: a report due by 03-01) has no length.
        assert isinstance(rule["length"], int) and (
            rule["length"] > 0 or rule["unit"] in ("given_date", "fixed_date") or rule["kind"] == "case.instalment")
        assert isinstance(rule["remind_before"], list)
        assert "escalate_to" in rule
    by_kind = {r["kind"]: r for r in rules}
    # Issue 12: the review's own target is local practice, 15 working days by default (条例 Art 26's 7 working
    # days are the reviewer's minimum time).
    assert (by_kind["decision.review"]["length"], by_kind["decision.review"]["unit"]) == (15, "working_days")
    assert "第26条" in by_kind["decision.review"]["basis"] and by_kind["decision.review"]["statutory"] is False
    assert (by_kind["case.decision"]["length"], by_kind["case.decision"]["unit"]) == (90, "calendar_days")


def test_an_admin_changes_a_rule_and_later_deadlines_use_it(api, users, today):
    first, _ = to_state(api, users, "in_review")
    data = ok(lenient(api["admin"]).patch("/api/v1/deadline-rules/decision.review/", {"length": 10}, format="json"))
    assert data["length"] == 10
    assert ok(api["drafter"].get("/api/v1/deadline-rules/decision.review/"))["length"] == 10
    second, _ = to_state(api, users, "in_review")
    [due_first] = [d["due_date"] for d in first["deadlines"]]
    [due_second] = [d["due_date"] for d in second["deadlines"]]
    assert due_first == calendar.add_working_days(today, 15).date.isoformat()
    assert due_second == calendar.add_working_days(today, 10).date.isoformat()
    # The change is audited.
    assert AuditEntry.objects.filter(transition="change_rule", username=users["admin"].username).exists()


def test_an_admin_changes_unit_reminders_and_escalation(api):
    data = ok(lenient(api["admin"]).patch("/api/v1/deadline-rules/decision.publication/",
                                 {"unit": "calendar_days", "remind_before": [5, 2], "escalate_to": "admin"},
                                 format="json"))
    assert (data["unit"], data["remind_before"], data["escalate_to"]) == ("calendar_days", [5, 2], "admin")


def test_read_only_parts_of_a_rule_cannot_be_patched(api):
    basis = DeadlineRule.objects.get(kind="decision.review").basis
    # Issue 12 D16 (updated: this used to answer 200 and silently ignore the fields): 400 naming them.
    response = lenient(api["admin"]).patch("/api/v1/deadline-rules/decision.review/", {"basis": "无", "kind": "x.y"},
                                           format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"basis", "kind"}
    rule = DeadlineRule.objects.get(kind="decision.review")
    assert rule.basis == basis


@pytest.mark.parametrize("who", ["drafter", "judicial", "principal", "secretary", "superuser"])
def test_only_an_admin_patches_deadline_rules(api, who):
    client = client_for(make_user(is_superuser=True, is_staff=True)) if who == "superuser" else api[who]
    assert_refused(client.patch("/api/v1/deadline-rules/decision.review/", {"length": 1}, format="json"), 403)
    assert DeadlineRule.objects.get(kind="decision.review").length == 15


@pytest.mark.parametrize("body,field", [
    ({"length": -1}, "length"), ({"length": 0}, "length"), ({"length": "x"}, "length"), ({"length": 1.5}, "length"),
    ({"length": None}, "length"), ({"length": int(HUGE_ID)}, "length"), ({"unit": "fortnights"}, "unit"),
    ({"remind_before": [-1]}, "remind_before"), ({"remind_before": "3"}, "remind_before"),
    ({"escalate_to": "king"}, "escalate_to"),
])
def test_invalid_deadline_rule_changes_are_400(api, body, field):
    response = lenient(api["admin"]).patch("/api/v1/deadline-rules/decision.review/", body, format="json")
    assert_refused(response, 400, field=field)
    rule = DeadlineRule.objects.get(kind="decision.review")
    assert (rule.length, rule.unit, rule.remind_before, rule.escalate_to) == (15, "working_days", [3, 1], "principal")


def test_patching_an_unknown_rule_is_404(api):
    assert_refused(api["admin"].patch("/api/v1/deadline-rules/no.such/", {"length": 3}, format="json"), 404)


# --------------------------------------------------------------------------------------------------
# Schema and docs
# --------------------------------------------------------------------------------------------------


def test_the_openapi_schema_is_served(api):
    response = api["drafter"].get("/api/v1/schema/")
    assert response.status_code == 200
    assert response.content.decode("utf-8").lstrip().startswith("openapi: 3")
    data = ok(api["drafter"].get("/api/v1/schema/?format=json"))
    assert data["openapi"].startswith("3.")
    for path in ("/api/v1/decisions/", "/api/v1/decisions/{id}/transitions/{name}/", "/api/v1/meetings/",
                 "/api/v1/inbox/", "/api/v1/me/", "/api/v1/calendar/add-working-days/", "/api/v1/deadline-rules/"):
        assert path in data["paths"], path


def test_the_swagger_ui_works_offline(api):
    response = api["drafter"].get("/api/v1/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode("utf-8")
    external = re.findall(r"""(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)""", html, flags=re.I)
    assert [u for u in external if "testserver" not in u] == []
    assert not re.search(r"""import\s*\(\s*["'](?:https?:)?//""", html)
    scripts = re.findall(r"""<script[^>]*src\s*=\s*["']([^"']+)""", html, flags=re.I)
    assert scripts, html[:1000]
    for src in scripts:
        assert api["drafter"].get(src).status_code == 200, src


# --------------------------------------------------------------------------------------------------
# /me
# --------------------------------------------------------------------------------------------------


def test_me_shows_the_calling_user(api, users):
    data = ok(api["judicial"].get("/api/v1/me/"))
    assert data["id"] == users["judicial"].pk
    assert data["username"] == users["judicial"].username
    assert data["roles"] == ["judicial_office"]
    for key in ("phone", "email", "notification_channels"):
        assert key in data


def test_me_patch_saves_phone_and_channels(api, users):
    data = ok(api["judicial"].patch("/api/v1/me/", {"phone": "13800138000", "notification_channels": ["sms", "email"],
                                                    "email": "sfs@example.cn"}, format="json"))
    assert (data["phone"], sorted(data["notification_channels"]), data["email"]) == \
        ("13800138000", ["email", "sms"], "sfs@example.cn")
    user = User.objects.get(pk=users["judicial"].pk)
    assert (user.phone, sorted(user.notification_channels)) == ("13800138000", ["email", "sms"])
    assert ok(api["judicial"].get("/api/v1/me/"))["phone"] == "13800138000"


@pytest.mark.parametrize("body,field", [
    ({"phone": "123"}, "phone"), ({"phone": "23800138000"}, "phone"), ({"phone": "138001380001"}, "phone"),
    ({"phone": "1380013800a"}, "phone"), ({"phone": ["13800138000"]}, "phone"),
    ({"notification_channels": ["pigeon"]}, "notification_channels"),
    ({"notification_channels": "sms"}, "notification_channels"), ({"email": "not-an-email"}, "email"),
    ({"quiet_hours_start": "25:00"}, "quiet_hours_start"),
])
def test_me_patch_with_invalid_values_is_400(api, users, body, field):
    assert_refused(lenient(api["judicial"]).patch("/api/v1/me/", body, format="json"), 400, field=field)
    user = User.objects.get(pk=users["judicial"].pk)
    assert (user.phone, user.notification_channels, user.email) == ("", [], "")


def test_me_patch_cannot_grant_roles_or_rename(api, users):
    data = ok(api["drafter"].patch("/api/v1/me/", {"roles": ["admin", "principal"], "username": "zhenzhang",
                                                   "legal_qualification": True, "id": 1, "is_superuser": True},
                                   format="json"))
    assert data["roles"] == ["drafter"]
    user = User.objects.get(pk=users["drafter"].pk)
    assert (user.username, user.legal_qualification, user.is_superuser) == (users["drafter"].username, False, False)
    assert sorted(user.groups.values_list("name", flat=True)) == ["drafter"]


def test_me_put_and_delete_are_405(api):
    assert_refused(lenient(api["drafter"]).put("/api/v1/me/", {"phone": "13800138000"}, format="json"), 405)
    assert_refused(lenient(api["drafter"]).delete("/api/v1/me/"), 405)


def test_decisions_cannot_be_deleted_or_put(api):
    decision = create_decision(api["drafter"])
    assert_refused(lenient(api["drafter"]).delete(decision_url(decision["id"])), 405)
    assert_refused(lenient(api["drafter"]).put(decision_url(decision["id"]), VALID_DECISION, format="json"), 405)
    assert Decision.objects.filter(pk=decision["id"]).exists()


# --------------------------------------------------------------------------------------------------
# Light fuzz: odd payloads never get a 500
# --------------------------------------------------------------------------------------------------

ODD_VALUES = [
    None, "", "   ", "x" * 100_000, {"a": {"b": [1, {"c": None}]}}, [1, "a"], 10**30, 1.5, True, "\u0000",
    "𠮷😀\u202e‮石桥<script>", "2026-13-45",
]

# transition → the state a decision must be in for it to be possible, and which fields it takes.
SOURCE_STATE = {
    "submit_for_review": "draft", "return_for_revision": "in_review", "pass_review": "in_review",
    "fail_review": "in_review", "revise": "review_failed", "schedule": "review_passed", "defer": "scheduled",
    "approve": "scheduled", "reject": "scheduled", "sign": "approved", "publish": "signed", "withdraw": "draft",
}



def fuzz_fields(name):
    fields = list(DECISION_TRANSITION_FORMS[name].base_fields)
    return fields + ["unexpected_field"]


def _fuzz_transition(api, users, name):
    """Every field of the transition set to each odd value in turn (the others valid), then whole odd bodies.
    A user holding every role fires it, so role checks pass and the input reaches validation."""
    state = SOURCE_STATE[name]
    client = lenient(client_for(make_user(*ALL_ROLES)))
    valid = {"comment": "意见", "opinion": OPINION, "reason": "撤回", "channel": "政府网站", "minutes": "纪要",
             "urgency_reason": "紧急"}
    current = {"decision": None}

    def fresh():
        decision = current["decision"]
        if decision is None or Decision.objects.get(pk=decision["id"]).state != state:
            current["decision"], meeting = to_state(api, users, state, held=True)
            if name == "schedule":
                valid["meeting"] = make_meeting(api, users, date=far_meeting_date())["id"]
        return current["decision"]["id"]

    failures = []
    payloads = []
    for field in fuzz_fields(name):
        for value in ODD_VALUES:
            payloads.append({**valid, field: value})
    payloads += [{field: value for field in fuzz_fields(name)} for value in ODD_VALUES]
    for payload in payloads:
        pk = fresh()
        response = send_json(client, "post", transition_url(pk, name), payload)
        if response.status_code >= 500:
            failures.append((name, {k: (repr(v)[:40]) for k, v in payload.items() if k not in valid or v != valid[k]},
                             response.status_code))
        else:
            assert_no_server_error(response, (name, payload.keys()))
    return failures


@pytest.mark.parametrize("name", sorted(SOURCE_STATE))
def test_fuzz_decision_transitions_never_500(api, users, name):
    failures = _fuzz_transition(api, users, name)
    assert failures == [], failures


def test_fuzz_meeting_transitions_never_500(api, users, today):
    client = lenient(api["secretary"])
    for name in ("hold", "close"):
        for value in ODD_VALUES:
            meeting = make_meeting(api, users, date=today)
            if name == "close":
                ok(api["secretary"].post(f"/api/v1/meetings/{meeting['id']}/transitions/hold/", {"minutes": "m"},
                                         format="json"))
            for payload in ({"minutes": value}, {"comment": value}, {"minutes": "m", "extra": value}):
                response = send_json(client, "post", f"/api/v1/meetings/{meeting['id']}/transitions/{name}/",
                                     payload)
                assert_no_server_error(response, (name, repr(payload)[:80]))


def _fuzz_endpoint(client, method, url, valid, fields):
    failures = []
    payloads = [{**valid, field: value} for field in fields + ["unexpected_field"] for value in ODD_VALUES]
    payloads += [{field: value for field in fields} for value in ODD_VALUES]
    for payload in payloads:
        response = send_json(client, method, url() if callable(url) else url, payload)
        if response.status_code >= 500:
            failures.append((url() if callable(url) else url,
                             {k: repr(v)[:40] for k, v in payload.items() if v != valid.get(k)}, response.status_code))
        else:
            assert_no_server_error(response, (url, repr(payload)[:80]))
    return failures


def test_fuzz_decision_create_and_patch_never_500(api):
    client = lenient(api["drafter"])
    fields = list(VALID_DECISION) + ["public_participation_required", "expert_argumentation_required",
                                     "risk_assessment_required", "participation_urgency_reason"]
    failures = _fuzz_endpoint(client, "post", "/api/v1/decisions/", VALID_DECISION, fields)
    decision = create_decision(api["drafter"])
    failures += _fuzz_endpoint(client, "patch", decision_url(decision["id"]), {}, fields)
    assert failures == [], failures


def test_fuzz_preparation_never_500(api):
    client = lenient(api["drafter"])
    decision = create_decision(api["drafter"])
    valid = {"kind": "public_comment", "summary": "征求意见", "started_on": "2026-09-01", "ended_on": "2026-10-08"}
    failures = _fuzz_endpoint(client, "post", decision_url(decision["id"], "preparation/"), valid, list(valid))
    assert failures == [], failures


def test_fuzz_meeting_create_never_500(api, users):
    client = lenient(api["secretary"])
    valid = {"title": "联席会议", "date": far_meeting_date().isoformat(), "chair": users["chair"].pk,
             "attendees": [users["judicial"].pk]}
    failures = _fuzz_endpoint(client, "post", "/api/v1/meetings/", valid, list(valid))
    assert failures == [], failures


def test_fuzz_me_and_calendar_never_500(api):
    failures = _fuzz_endpoint(lenient(api["drafter"]), "patch", "/api/v1/me/", {},
                              ["phone", "email", "notification_channels", "quiet_hours_start", "first_name"])
    failures += _fuzz_endpoint(lenient(api["admin"]), "put", "/api/v1/calendar/days/2026-03-02/",
                               {"kind": "holiday", "note": "n"}, ["kind", "note"])
    assert failures == [], failures


def test_fuzz_deadline_rules_never_500(api):
    failures = _fuzz_endpoint(lenient(api["admin"]), "patch", "/api/v1/deadline-rules/decision.review/", {},
                              ["length", "unit", "remind_before", "escalate_to"])
    assert failures == [], failures




@pytest.mark.parametrize("target", [
    "decision_title", "me_first_name", "calendar_note",  # DRF CharFields refuse it already
    "decision_category",
    "preparation_kind",
    "calendar_kind",
    "opinion",
    "submit_comment",
    "minutes",
])
def test_a_lone_surrogate_in_a_string_is_400_not_500(api, users, today, target):
    bad = "审查\ud800意见"
    drafter, admin = lenient(api["drafter"]), lenient(api["admin"])
    if target == "decision_title":
        response = send_json(drafter, "post", "/api/v1/decisions/", {**VALID_DECISION, "title": bad})
    elif target == "decision_category":
        response = send_json(drafter, "post", "/api/v1/decisions/", {**VALID_DECISION, "category": bad})
    elif target == "preparation_kind":
        decision = create_decision(api["drafter"])
        response = send_json(drafter, "post", decision_url(decision["id"], "preparation/"),
                             {"kind": bad, "summary": "s"})
    elif target == "opinion":
        decision, _ = to_state(api, users, "in_review")
        response = send_json(lenient(api["judicial"]), "post", transition_url(decision["id"], "pass_review"),
                             {"opinion": bad})
    elif target == "submit_comment":
        decision = create_decision(api["drafter"])
        response = send_json(drafter, "post", transition_url(decision["id"], "submit_for_review"), {"comment": bad})
    elif target == "minutes":
        meeting = make_meeting(api, users, date=today)
        response = send_json(lenient(api["secretary"]), "post", f"/api/v1/meetings/{meeting['id']}/transitions/hold/",
                             {"minutes": bad})
    elif target == "me_first_name":
        response = send_json(drafter, "patch", "/api/v1/me/", {"first_name": bad})
    elif target == "calendar_note":
        response = send_json(admin, "put", "/api/v1/calendar/days/2026-03-02/", {"kind": "holiday", "note": bad})
    else:
        response = send_json(admin, "put", "/api/v1/calendar/days/2026-03-02/", {"kind": bad})
    assert response.status_code < 500, (target, response.status_code)
    assert_refused(response, 400)




@pytest.mark.parametrize("value", [["同意"], {"text": "同意"}])
def test_a_transition_text_field_of_the_wrong_type_is_400(api, users, value):
    decision, _ = to_state(api, users, "in_review")
    response = lenient(api["judicial"]).post(transition_url(decision["id"], "pass_review"), {"opinion": value},
                                             format="json")
    assert_refused(response, 400, field="opinion")
    assert Decision.objects.get(pk=decision["id"]).state == "in_review"


@pytest.mark.parametrize("query", ["start=%00&days=1", "start=2026-01-01&days=3660", "start=2026-01-01&days=-3660",
                                   "start=2026-02-13&days=7&days=8", "start[]=1&days[]=2", "start=" + "9" * 5000])
def test_fuzz_add_working_days_never_500(api, query):
    assert_no_server_error(lenient(api["drafter"]).get(f"{ADD}?{query}"), query)




def test_a_very_large_body_is_refused_without_a_500(api, users):
    decision, _ = to_state(api, users, "in_review")
    response = lenient(api["judicial"]).post(transition_url(decision["id"], "pass_review"),
                                             {"opinion": "审" * 3_000_000}, format="json")
    assert_no_server_error(response, "3M-character opinion")

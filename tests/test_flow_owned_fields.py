"""Fields a flow owns (state, numbers, fingerprints, transition dates and actors) are written only by the flow
(issue 10 fault 6): read only in the admin, never overwritten by a stale save, and the admin change form racing
an API transition leaves the state where the history says it is."""

import datetime
import threading
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import connections
from django.test import Client

from cases.models import Case
from notifications.models import Deadline
from review.admin import DecisionAdmin
from review.models import Decision, DecisionState, Meeting, MeetingState
from review.services import D3_NOT_EDITABLE
from workflows.errors import Message
from workflows.models import AuditEntry
from workflows.services import fire_transition, state_label

from .case_fixtures import Town
from .conftest import client_for, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday, a working day of a year the holiday library knows, in office hours.
INSTANT = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
# What the flows set (DecisionFlow, MeetingFlow): never a field of an admin form.
DECISION_FLOW_FIELDS = ("number", "state", "submitted_at", "reviewed_fingerprint", "meeting", "signed_by",
                        "signed_at", "published_on", "publication_channel", "withdrawal_reason")
MEETING_FLOW_FIELDS = ("number", "state", "minutes", "held_at")


@pytest.fixture
def clock():
    with time_machine.travel(INSTANT, tick=True):
        yield


def admin_client():
    user = make_user(username=f"root-{time.monotonic_ns()}", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def draft_decision(drafter, title="关于石桥镇集贸市场改造的决定"):
    return Decision.objects.create(title=title, body="正文（草案）", category="major_decision",
                                   department="党政办", created_by=drafter,
                                   public_participation_required=False, participation_exemption_ground="涉及国家秘密，依法不予公开（保守国家秘密法第2条）。")


def change_form_data(client, url, **changes):
    """What the admin's change form posts as loaded (GET), with `changes` applied: the fields it shows and the
    inline management forms."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{management.prefix}-{key}"] = management.initial.get(key, 0)
    data.update(changes)
    return data


# --------------------------------------------------------------------------------------------------
# Read only in the admin; a change form writes only what it changed, and says so in the history
# --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.clock
def test_the_decision_change_form_shows_the_flows_fields_read_only_and_cannot_post_them(clock):
    drafter = make_user("drafter")
    decision = draft_decision(drafter)
    client = admin_client()
    url = f"/admin/review/decision/{decision.pk}/change/"
    response = client.get(url)
    form_fields = set(response.context["adminform"].form.fields)
    for owned in DECISION_FLOW_FIELDS:
        assert owned not in form_fields, owned
        assert owned in response.context["adminform"].readonly_fields, owned

    data = change_form_data(client, url, department="农业农村办", state="published", number="石政〔2026〕99号",
                            reviewed_fingerprint="0" * 64, signed_at="2026-11-30 09:00:00")
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    decision.refresh_from_db()
    assert decision.department == "农业农村办"
    assert (decision.state, decision.number, decision.reviewed_fingerprint, decision.signed_at) == (
        DecisionState.DRAFT, None, "", None)
    # The edit is in the decision's history, with the field it changed and who changed it.
    entry = AuditEntry.objects.filter(object_type="review.decision", object_id=decision.pk).order_by("-sequence")[0]
    assert entry.transition == "admin_edit"
    assert entry.fields == {"changed": ["department"]} and entry.target == DecisionState.DRAFT


@pytest.mark.django_db
@pytest.mark.clock
def test_the_decision_change_form_cannot_lift_the_party_committee_mark(clock):
    """条例 Art 31 (D13): the admin cannot turn the report mark off (no reason recorded there); it can set it."""
    decision = draft_decision(make_user("drafter"))
    Decision.objects.filter(pk=decision.pk).update(party_committee_report_required=True)
    client = admin_client()
    url = f"/admin/review/decision/{decision.pk}/change/"
    data = change_form_data(client, url)
    data.pop("party_committee_report_required")
    audit_before = AuditEntry.objects.filter(object_type="review.decision", object_id=decision.pk).count()
    response = client.post(url, data)
    assert response.status_code == 302
    assert [m.level for m in get_messages(response.wsgi_request)] == [messages.ERROR]
    decision.refresh_from_db()
    assert decision.party_committee_report_required is True
    assert AuditEntry.objects.filter(object_type="review.decision", object_id=decision.pk).count() == audit_before


@pytest.mark.django_db
@pytest.mark.clock
def test_the_meeting_change_form_keeps_state_number_and_minutes_to_the_flow(clock):
    chair = make_user("meeting_chair")
    meeting = Meeting.objects.create(title="第十二次党政联席会议", date=datetime.date(2026, 12, 7), chair=chair,
                                     created_by=chair)
    meeting.attendees.set([chair])
    client = admin_client()
    url = f"/admin/review/meeting/{meeting.pk}/change/"
    response = client.get(url)
    for owned in MEETING_FLOW_FIELDS:
        assert owned not in response.context["adminform"].form.fields, owned
    data = change_form_data(client, url, title="第十二次党政联席会议（调整）", state="held", number="X-1",
                            minutes="（伪造的纪要）")
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "第十二次党政联席会议（调整）"
    assert (meeting.state, meeting.number, meeting.minutes, meeting.held_at) == (MeetingState.PLANNED, None, "", None)
    assert AuditEntry.objects.filter(object_type="review.meeting", object_id=meeting.pk,
                                     transition="admin_edit").count() == 1


# --------------------------------------------------------------------------------------------------
# A stale instance cannot write the flow's fields back
# --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.clock
def test_a_stale_save_does_not_undo_a_transition(clock):
    drafter = make_user("drafter")
    decision = draft_decision(drafter)
    stale = Decision.objects.get(pk=decision.pk)  # read before the transition
    fire_transition("decision", decision.pk, "submit_for_review", drafter, {})
    stale.department = "财政所"
    stale.save()  # everything it holds, as a plain save() would
    decision.refresh_from_db()
    assert decision.state == DecisionState.IN_REVIEW and decision.submitted_at is not None
    assert decision.department == "财政所"

    town_case = Town().report()
    stale_case = Case.objects.get(pk=town_case["id"])
    Case.objects.filter(pk=town_case["id"]).update(state="not_filed", decline_reason="不符合立案条件")
    stale_case.description = stale_case.description + "（补充）"
    stale_case.save()
    fresh = Case.objects.get(pk=town_case["id"])
    assert (fresh.state, fresh.decline_reason) == ("not_filed", "不符合立案条件")
    assert fresh.description.endswith("（补充）")


# --------------------------------------------------------------------------------------------------
# The race of fault 6 (seen on PostgreSQL), on whichever database the pass runs
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def slow_admin_form(monkeypatch):
    """Widen the window between the admin loading the decision and saving it, as a slow browser round or a
    busy server does: the API transition commits inside it."""
    original = DecisionAdmin.save_form

    def slow_save_form(self, request, form, change):
        time.sleep(0.6)
        return original(self, request, form, change)

    monkeypatch.setattr(DecisionAdmin, "save_form", slow_save_form)


def race_admin_and_submit(admin, url, data, api, decision) -> dict:
    """The admin posts the change form and, a moment later, the drafter submits over the API, in two threads
    released together; returns both responses."""
    barrier = threading.Barrier(2)
    answers = {}

    def post_admin():
        try:
            barrier.wait(timeout=10)
            answers["admin"] = admin.post(url, data)
        finally:
            connections.close_all()

    def submit():
        try:
            barrier.wait(timeout=10)
            time.sleep(0.1)  # the admin has loaded the decision by now
            answers["api"] = api.post(f"/api/v1/decisions/{decision.pk}/transitions/submit_for_review/", {},
                                      format="json")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post_admin), threading.Thread(target=submit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


@pytest.mark.clock
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_change_form_racing_submit_for_review_never_loses_the_transition(clock, slow_admin_form):
    """Fault 6 was seen on PostgreSQL (row locks); the same race runs on the SQLite file, where each write
    transaction takes the database's write lock (BEGIN IMMEDIATE): the result must be as consistent there."""
    drafter = make_user("drafter")
    api = client_for(drafter)
    admin = admin_client()
    for attempt in range(10):
        decision = draft_decision(drafter, title=f"关于石桥镇集贸市场改造的决定（第{attempt + 1}稿）")
        url = f"/admin/review/decision/{decision.pk}/change/"
        data = change_form_data(admin, url, department=f"农业农村办{attempt}")
        answers = race_admin_and_submit(admin, url, data, api, decision)

        assert answers["api"].status_code == 200, answers["api"].content
        assert answers["admin"].status_code == 302, answers["admin"].content[:2000]
        decision.refresh_from_db()
        history = AuditEntry.objects.filter(object_type="review.decision", object_id=decision.pk)
        last = history.order_by("-sequence").first()
        assert decision.state == last.target == DecisionState.IN_REVIEW, (attempt, decision.state, last.transition)
        open_reviews = Deadline.objects.filter(object_type="review.decision", object_id=decision.pk,
                                               kind="decision.review", status=Deadline.Status.OPEN).count()
        assert open_reviews == 1
        if history.filter(transition="admin_edit").exists():  # the admin won the lock: its edit came first
            assert decision.department == f"农业农村办{attempt}"
        else:  # the admin came second: told so, nothing written
            assert decision.department == "党政办"
            shown = [(m.level, str(m)) for m in get_messages(answers["admin"].wsgi_request)]
            expected = str(Message(D3_NOT_EDITABLE, state=state_label(decision)))
            assert (messages.ERROR, expected) in shown, shown

"""How many SQL statements a transition takes (issue 18): a guarded step with its audit entry, its deadlines and
their reminders costs a fixed number of statements, whatever the number of reminder stages, deadlines opened or
records on the object. Each bound is near what the step takes today, so that an N+1 or a lost batch fails here.

The statements are counted around workflows.services.fire_transition (the service the UI, the API and the tasks
call), the savepoint of its transaction inside the test's own transaction included.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from notifications.deadlines import open_deadline
from notifications.models import CalendarDay, Deadline, DeadlineRule, Reminder
from petitions.models import Petition
from review.models import Decision
from workflows.services import fire_transition

from .case_fixtures import party, town_fixture  # noqa: F401
from .conftest import make_user

# The bounds: what each step takes today (SQLite and PostgreSQL alike), with no slack for an extra query per row.
CASE_BOUNDS = {
    "file": 21,
    "notify": 20,
    "submit_decision": 11,
    # 5 of them issue the numbered decision: its round, its number (one UPDATE … RETURNING), what its content reads
    # of the file (one UNION), its INSERT with the content, its audit entry (an INSERT: the chain head is locked once
    # and written once per transition)
    "decide": 20,
    "serve": 16,
    "record_execution": 12,
    "close": 18,
}


STATEMENTS = {}  # the statements of the last step counted under each name, shown when a bound is exceeded


def counted(process, pk, name, user, data=None):
    """Fire `name` and return (the object, the number of statements it took)."""
    with CaptureQueriesContext(connection) as queries:
        obj = fire_transition(process, pk, name, user, data or {})
    STATEMENTS[name] = [query["sql"][:160] for query in queries.captured_queries]
    return obj, len(queries)


def over_bounds(took: dict, bounds: dict) -> str:
    """'' when every step kept within its bound; else which did not, with their statements."""
    over = {name: (took[name], bound) for name, bound in bounds.items() if took[name] > bound}
    if not over:
        return ""
    listing = "\n".join(f"{name}:\n  " + "\n  ".join(STATEMENTS.get(name, [])) for name in over)
    return f"statements over the bound (took, bound): {over}; all: {took}\n{listing}"


def reported(town, inquiries=1):
    """A report registered 20 days ago (its violation 30 days ago), filed 10 days ago with `inquiries` inquiries."""
    case = case_services.create_case(
        user=town.u["o1"], source="patrol", description="巡查发现当事人占道摆摊经营，影响通行。",
        village=town.village, violation_type=town.zdjy,
        violation_date=timezone.localdate() - datetime.timedelta(days=30), party=party())
    Case.objects.filter(pk=case.pk).update(reported_at=timezone.now() - datetime.timedelta(days=20))
    return case


FILE = {"comment": "立案"}
NOTICE = {"facts": "经查，事实清楚。", "legal_basis": "依据相关法律法规第三十六条", "proposed_fine": "500"}
DECIDE = {"outcome": "penalty", "fine": "500", "measures_note": "责令改正"}


def file_and_inquire(town, case, inquiries):
    o1, o2 = town.u["o1"], town.u["o2"]
    filed_on = timezone.localdate() - datetime.timedelta(days=10)
    _, statements = counted("case", case.pk, "file", town.u["chief"],
                            {**FILE, "officers": [o1.pk, o2.pk], "filed_on": filed_on.isoformat()})
    for n in range(inquiries):
        case_services.add_inquiry(case_pk=case.pk, user=o1, officers=[o1, o2], subject_name=f"证人{n}",
                                  record="问：你是否在此摆摊？答：是的。",
                                  held_at=timezone.now() - datetime.timedelta(days=5, hours=n))
    return statements


def warm_up(town):
    """Decide one case first: the first decision of the year creates its number sequences (a statement or two
    that later ones do not take)."""
    case = deciding(town)
    fire_transition("case", case.pk, "decide", town.u["principal"], DECIDE)


def deciding(town, inquiries=1):
    case = reported(town)
    file_and_inquire(town, case, inquiries)
    fire_transition("case", case.pk, "notify", town.u["o1"], NOTICE)
    fire_transition("case", case.pk, "submit_decision", town.u["o1"], {"waiver": True})
    return case


def test_a_case_from_report_to_closing_takes_a_fixed_number_of_statements_per_step(town):
    o1, chief = town.u["o1"], town.u["chief"]
    warm_up(town)  # the first case of the year takes its number sequences; the one measured does not
    case = reported(town)
    took = {"file": file_and_inquire(town, case, 1)}
    for name, user, data in (("notify", o1, NOTICE), ("submit_decision", o1, {"waiver": True}),
                             ("decide", town.u["principal"], DECIDE), ("serve", o1, {"method": "直接送达"})):
        case, took[name] = counted("case", case.pk, name, user, data)
    assert case.state == "served"
    case_services.record_payment(case_pk=case.pk, user=o1, amount=Decimal("500"), paid_on=timezone.localdate(),
                                 receipt_number="NB-0001", bank="农业银行石桥支行")
    case, took["record_execution"] = counted("case", case.pk, "record_execution", o1, {"detail": "罚款已缴纳"})
    case_services.record_publicity(case_pk=case.pk, user=o1, channel="镇政府门户网站")
    case, took["close"] = counted("case", case.pk, "close", chief, {"summary": "结案"})
    assert case.state == "closed"
    assert not over_bounds(took, CASE_BOUNDS), over_bounds(took, CASE_BOUNDS)
    # What the steps did is still there: the decision's two deadlines, each with its reminders.
    opened = Deadline.objects.filter(object_type="cases.case", object_id=case.pk, kind__in=["case.service",
                                                                                              "case.publicity"])
    assert opened.count() == 2
    assert all(Reminder.objects.filter(deadline=d).exists() for d in opened)


def test_decide_takes_at_most_its_bound(town, django_assert_max_num_queries):
    warm_up(town)
    case = deciding(town)
    with django_assert_max_num_queries(CASE_BOUNDS["decide"]):
        decided = fire_transition("case", case.pk, "decide", town.u["principal"], DECIDE)
    assert decided.state == "decided"
    service = Deadline.objects.get(object_type="cases.case", object_id=case.pk, kind="case.service")
    assert service.reminders.count() >= 3 and service.calendar_version.startswith("chinesecalendar-")


def test_decide_costs_the_same_with_one_or_five_inquiries_on_file(town):
    warm_up(town)
    one, five = deciding(town, inquiries=1), deciding(town, inquiries=5)
    _, with_one = counted("case", one.pk, "decide", town.u["principal"], DECIDE)
    _, with_five = counted("case", five.pk, "decide", town.u["principal"], DECIDE)
    assert with_one == with_five


def test_overrides_in_the_calendar_cost_no_extra_statement(town):
    """The overrides are read once per transition, however many there are and however many dates are computed."""
    warm_up(town)
    plain = deciding(town)
    _, without = counted("case", plain.pk, "decide", town.u["principal"], DECIDE)
    today = timezone.localdate()
    for n in range(40, 60):  # far enough ahead not to move any date this test computes
        CalendarDay.objects.create(date=today + datetime.timedelta(days=n), kind=CalendarDay.Kind.HOLIDAY)
    other = deciding(town)
    _, with_overrides = counted("case", other.pk, "decide", town.u["principal"], DECIDE)
    assert with_overrides == without


def _opening_statements(obj, kind):
    with CaptureQueriesContext(connection) as queries:
        deadline = open_deadline(obj, kind, timezone.localdate())
    return deadline, len(queries)


@pytest.mark.django_db
def test_opening_a_deadline_costs_the_same_for_one_or_many_reminder_stages(settings):
    """One INSERT for all of a deadline's reminders: the stages before the due day and the escalations after it."""
    owner, other_owner = make_user("drafter"), make_user("drafter")
    rule = DeadlineRule.objects.get(kind="decision.review")
    rule.remind_before, rule.unit = [1], DeadlineRule.Unit.WORKING_DAYS
    rule.save()
    settings.REMINDER_ESCALATION_CAP = 1
    few, with_few = _opening_statements(owner, "decision.review")
    rule.remind_before = [1, 2, 3, 5, 7]
    rule.save()
    settings.REMINDER_ESCALATION_CAP = 5
    many, with_many = _opening_statements(other_owner, "decision.review")
    assert many.reminders.count() > few.reminders.count()
    assert with_many == with_few


# --- the other flows: their busiest steps ---------------------------------------------------------------------


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_the_review_of_a_decision_takes_a_fixed_number_of_statements(fast_hasher):
    drafter, judicial = make_user("drafter"), make_user("judicial_office", legal_qualification=True)
    took = {}
    for round_ in range(2):  # the second round is measured (the first takes the number sequences)
        decision = Decision.objects.create(
            title=f"关于村道硬化的决策{round_}", body="正文" * 50, category="major_decision", department="农业农村办",
            created_by=drafter, public_participation_required=False,
            participation_exemption_ground="涉及国家秘密，依法不予公开。")
        decision, took["submit_for_review"] = counted("decision", decision.pk, "submit_for_review", drafter,
                                                      {"comment": "请审查。"})
        decision, took["pass_review"] = counted("decision", decision.pk, "pass_review", judicial, {
            "opinion": "经审查，同意提交会议审议。", "authority_ok": True, "procedure_ok": True, "content_ok": True})
    assert decision.state == "review_passed"
    bounds = {"submit_for_review": 15, "pass_review": 20}
    assert not over_bounds(took, bounds), over_bounds(took, bounds)


@pytest.mark.django_db
def test_a_petition_from_acceptance_to_reply_takes_a_fixed_number_of_statements(fast_hasher):
    from petitions import services as petition_services

    office = make_user("petition_office")
    took = {}
    for round_ in range(2):
        petition = petition_services.create_petition(
            user=office, channel="visit", subject=f"宅基地边界纠纷{round_}", content="邻居占用宅基地。",
            received_on=timezone.localdate(), petitioners=[{"name": "张三", "phone": "13800000000"}])
        petition, took["accept"] = counted("petition", petition.pk, "accept", office)
        petition, took["reply"] = counted("petition", petition.pk, "reply", office, {
            "opinion": "经调查，邻居确有占用，已协调退让。", "result": "support"})
    assert Petition.objects.get(pk=petition.pk).state == "replied"
    bounds = {"accept": 27, "reply": 26}
    assert not over_bounds(took, bounds), over_bounds(took, bounds)


def test_the_decisions_file_reads_in_one_query_are_what_the_orm_reads_one_by_one(town):
    """cases.documents.file_reads (one UNION ALL) gives the rows, in the order, that the separate reads give."""
    from cases import documents as case_documents
    from cases.payments import payment_due_date

    case = deciding(town, inquiries=3)
    fire_transition("case", case.pk, "decide", town.u["principal"], DECIDE)
    fire_transition("case", case.pk, "serve", town.u["o1"], {"method": "直接送达"})
    case = Case.objects.get(pk=case.pk)
    with CaptureQueriesContext(connection) as queries:
        reads = case_documents.file_reads(case, "penalty_decision", None, decision=True)
    assert len(queries) == 2  # the issued decision (its evidence cut-off; in memory while it is issued), the UNION
    assert reads.inquiries == [(i.subject_name, i.held_at) for i in case.inquiries.all()] and len(reads.inquiries) == 3
    assert reads.inspections == [(i.place, i.started_at) for i in case.inspections.all()]
    assert reads.payment_due == payment_due_date(case) and reads.payment_due is not None
    assert reads.redo is None

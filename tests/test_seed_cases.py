"""seed_demo, the enforcement parts of the demo town (demo.villages, demo.brigade, demo.catalogue, demo.enforcement;
DESIGN §7): villages, the certified brigade, the violation catalogue and cases in every case state, all reached
through the services; idempotent."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cases.flows import has_valid_certificate
from cases.models import (
    Case,
    CaseState,
    InquiryRecord,
    LegalReview,
    MediationAgreement,
    OfficerCertificate,
    Party,
    Publication,
    Village,
    ViolationType,
)
from cases.party_rules import age_reached
from cases.validators import credit_code_ok, resident_id_ok
from demo.catalogue import CATALOGUE
from demo.villages import VILLAGES
from notifications import calendar
from notifications.models import Deadline, Notification, Reminder
from workflows.audit import verify_chain
from workflows.errors import RuleViolation
from workflows.models import AuditEntry, User
from workflows.services import fire_transition

from .conftest import client_for

# One demo town for the module (tests/conftest.py demo_town), each test in its own savepoint; in one process.
pytestmark = [pytest.mark.clock, pytest.mark.django_db, pytest.mark.xdist_group("demo-seed-cases")]


@pytest.fixture
def seeded(demo_town, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # for the second run's users
    return demo_town


def today():
    return timezone.localdate()


def officers():
    return User.objects.filter(groups__name="enforcement_officer").distinct()


def test_villages_brigade_and_catalogue(seeded):
    villages = list(Village.objects.order_by("code").values_list("code", "name"))
    assert len(villages) == 28 == len(VILLAGES)
    assert [code for code, _ in villages] == [f"{i:02d}" for i in range(1, 29)]
    assert len({name for _, name in villages}) == 28

    # 16 certified officers (the report: "16名执法队员均持证上岗"), each with one certificate; the chief exists.
    brigade = list(officers())
    assert len(brigade) == 16
    assert {u.username for u in brigade} == {f"zhifa{i:02d}" for i in range(1, 17)}
    assert User.objects.filter(username="daduizhang", groups__name="brigade_chief").exists()
    assert all(u.last_name and u.first_name and u.phone for u in brigade)
    certificates = OfficerCertificate.objects.filter(officer__in=brigade)
    assert certificates.count() == 16
    assert {c.officer_id for c in certificates} == {u.pk for u in brigade}
    assert all(len(c.number) <= 50 and c.number.startswith("豫行执字第4104") for c in certificates)
    expired = [c for c in certificates if c.expires_on < today()]
    expiring = [c for c in certificates if today() <= c.expires_on <= today() + datetime.timedelta(days=30)]
    assert len(expired) == 1 and len(expiring) == 1
    assert expiring[0].expires_on <= today() + datetime.timedelta(days=20)
    others = set(certificates) - set(expired) - set(expiring)
    assert all(c.expires_on >= today() + datetime.timedelta(days=365) for c in others)
    assert all(c.issued_on and c.issued_on < today() for c in certificates)

    # The catalogue: ≥10 types with basis, discretion range and threshold; mediable only where a civil dispute lies.
    types = {t.code: t for t in ViolationType.objects.all()}
    assert len(types) >= 10 and set(types) >= {spec.code for spec in CATALOGUE}
    for t in types.values():
        assert t.legal_basis and t.name
        assert 0 <= t.fine_min <= t.fine_max
        assert t.hearing_threshold > 0
    assert {code for code, t in types.items() if t.mediable} == {"ZDJY", "LDLF"}
    assert not types["WFJS"].mediable and types["WFJS"].fine_max == 0  # 城乡规划法 Art 65: no fine
    assert (types["JGFS"].fine_min, types["JGFS"].fine_max) == (500, 2000)  # 大气污染防治法 Art 119 ¶1
    assert [code for code, t in types.items() if t.limitation_years == 5] == ["RQAQ"]


def test_cases_in_every_state_through_the_services(seeded):
    cases = list(Case.objects.select_related("party", "violation_type"))
    assert {c.state for c in cases} == set(CaseState.values)

    numbers = [c.number for c in cases if c.number]
    assert len(numbers) == len(set(numbers))
    for case in cases:
        # a filed case has its 案号; an on-the-spot decision (简易程序, Art 52) its own number without a filing
        assert bool(case.number) == (case.filed_on is not None or case.procedure == Case.Procedure.SIMPLE)
        assert case.description and case.village_id

    # Parties: valid GB 11643 resident IDs and GB 32100 credit codes.
    for party in Party.objects.all():
        check = resident_id_ok if party.kind == Party.Kind.PERSON else credit_code_ok
        assert check(party.id_number), (party.name, party.id_number)
        assert party.phone
    assert {p.kind for p in Party.objects.all()} == {"person", "org"}

    # C1: every filed case has ≥2 officers certified on the filing day; every inquiry names ≥2 officers certified
    # on its day. The officer whose certificate has expired is on no case.
    expired = OfficerCertificate.objects.get(expires_on__lt=today()).officer
    for case in cases:
        if case.filed_on:
            assigned = list(case.officers.all())
            assert len(assigned) >= 2
            assert all(has_valid_certificate(o, case.filed_on) for o in assigned)
        assert not case.officers.filter(pk=expired.pk).exists()
    for inquiry in InquiryRecord.objects.all():
        names = list(inquiry.officers.all())
        day = timezone.localdate(inquiry.held_at)
        assert len(names) >= 2 and all(has_valid_certificate(o, day) for o in names)
        assert day >= inquiry.case.filed_on
    assert not InquiryRecord.objects.filter(officers=expired).exists()

    # C7: every fine, proposed or decided, lies within its type's range — unless reduced (减轻, Art 30, 32): then
    # below its minimum, with its ground and the leaders' collective discussion (local rule).
    for case in cases:
        for fine in (case.proposed_fine, case.fine):
            if fine is None:
                continue
            if case.mitigation == Case.Mitigation.REDUCED:
                assert 0 < fine < case.violation_type.fine_min and case.mitigation_ground, case
            else:
                assert case.violation_type.fine_min <= fine <= case.violation_type.fine_max, case
    # The minor (Art 30): a 16-year-old, fined below the minimum with the ground `minor`, after collective discussion.
    (young,) = [c for c in cases if c.party.birth_date and not age_reached(c.party.birth_date, c.violation_date, 18)]
    assert age_reached(young.party.birth_date, young.violation_date, 14)
    assert (young.mitigation, young.mitigation_ground) == (Case.Mitigation.REDUCED, Case.MitigationGround.MINOR)
    assert young.decided_on and young.collective_discussion.strip()

    # Closed both ways: by mediation (一米线, agreement, then the principal's no-penalty decision, C8) and by the
    # normal path (paid and executed).
    closed = [c for c in cases if c.state == CaseState.CLOSED]
    by_mediation = [c for c in closed if MediationAgreement.objects.filter(case=c).exists()]
    assert len(by_mediation) == 1 and by_mediation[0].outcome == "no_penalty"
    assert by_mediation[0].no_penalty_ground == "minor_corrected" and by_mediation[0].education.strip()
    assert by_mediation[0].decided_by.username == "zhenzhang"
    assert by_mediation[0].violation_type.mediable and "一米线" in by_mediation[0].description
    assert any(c.outcome == "penalty" and c.executed_on and c.fine for c in closed)

    # A major case went through legal review by the judicial office (sifa, not a case officer) and was decided
    # with the collective discussion; a hearing was requested on another.
    sifa = User.objects.get(username="sifa")
    decided_major = [c for c in cases if c.major and c.decided_on]
    assert decided_major
    for case in decided_major:
        assert case.collective_discussion.strip()
        assert case.legal_reviews.filter(outcome=LegalReview.Outcome.PASSED, reviewer=sifa).exists()
        assert not case.officers.filter(pk=sifa.pk).exists()
    assert Case.objects.filter(state=CaseState.HEARING, hearing_requested_on__isnull=False).exists()
    assert Case.objects.filter(state=CaseState.DECIDING, major=True, hearing_record__gt="").exists()
    # Art 64: a hearing held with its presiding officer (not a case officer), the party told 7 working days
    # ahead, the record signed; Art 57 ¶2: the discussion names its attendees (issue 12).
    held = Case.objects.get(state=CaseState.DECIDING, major=True, hearing_record__gt="")
    assert held.presiding_officer is not None and held.hearing_record_signed
    assert not held.officers.filter(pk=held.presiding_officer.pk).exists()
    assert timezone.localdate(held.hearing_at) >= calendar.add_working_days(held.hearing_notice_on, 7).date
    for case in decided_major:
        assert len(case.collective_discussion_attendees) >= 2

    # Every step is in the audit trail, and the chain is whole.
    for case in cases:
        history = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
        # a report registered, or an on-the-spot decision (简易程序: decided, numbered and recorded at once)
        opening = "decide_on_the_spot" if case.procedure == Case.Procedure.SIMPLE else "report"
        assert history.filter(transition=opening).exists()
        assert history.filter(target=case.state).exists()  # the state was reached by a recorded transition
    assert verify_chain().intact
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("audit chain intact:")


def test_an_on_the_spot_decision_waits_for_filing_and_hand_over(seeded):
    """简易程序 (处罚法 Art 51–53, 68–71): the fine collected on the spot, the hand-over pending (Art 71), the filing
    with the agency pending (Art 52)."""
    (spot,) = Case.objects.filter(procedure=Case.Procedure.SIMPLE)
    assert spot.state == CaseState.EXECUTED and spot.collected_on_spot and spot.receipt_number
    assert spot.fine <= 100 and spot.collection_ground == Case.CollectionGround.SMALL_AMOUNT
    assert spot.handed_over_on is None and spot.spot_filed_on is None
    handover = Deadline.objects.get(object_type="cases.case", object_id=spot.pk, kind="case.spot_handover")
    assert handover.status == Deadline.Status.OPEN
    assert handover.due_date == calendar.add_working_days(spot.executed_on, 2).date


def test_deadlines_near_and_past(seeded):
    def open_deadlines(kind):
        return Deadline.objects.filter(object_type="cases.case", kind=kind, status=Deadline.Status.OPEN)

    soon = calendar.add_working_days(today(), 3).date
    assert open_deadlines("case.filing").filter(due_date__gte=today(), due_date__lte=soon).exists()
    assert open_deadlines("case.decision").filter(due_date__lt=today()).exists()  # past the 90 days (Art 60)
    assert open_deadlines("case.decision").filter(
        due_date__gte=today(), due_date__lte=today() + datetime.timedelta(days=15)).exists()
    assert open_deadlines("case.service").exists()
    overdue_payment = open_deadlines("case.payment").get()
    assert overdue_payment.due_date < today()  # 15 days to pay (Art 67) have run out
    served = Case.objects.get(pk=overdue_payment.object_id)
    client = client_for(User.objects.get(username="daduizhang"))
    surcharge = client.get(f"/api/v1/cases/{served.pk}/").json()["late_payment_surcharge"]
    days_late = (today() - overdue_payment.due_date).days
    assert surcharge == str(min(served.fine * 3 * days_late / 100, served.fine).quantize(served.fine))  # Art 72
    # Issue 12 (C8): an agreement inside a case opens no judicial-confirmation deadline (人民调解法 Art 33 covers a
    # people's mediation committee's agreements only).
    assert not Deadline.objects.filter(object_type="cases.case", kind="mediation.confirmation").exists()

    # The API shows the limitation warning (C3) on the report whose violation is over two years old.
    client = client_for(User.objects.get(username="daduizhang"))
    warnings = [client.get(f"/api/v1/cases/{c.pk}/").json()["limitation_warning"]
                for c in Case.objects.filter(state=CaseState.REPORTED)]
    assert sum(1 for w in warnings if w) == 1


def test_a_payment_term_rolled_past_a_holiday_is_shown_once(seeded):
    """Issue 12 (民法典 Art 203): one closed case was served on a day whose 15 days to pay (Art 67) end on a
    holiday; its payment deadline ran to the first working day after it, and the party paid that day."""
    case = Case.objects.get(description__contains="韩某某将自家翻修房屋")
    payment = Deadline.objects.get(object_type="cases.case", object_id=case.pk, kind="case.payment")
    last_day = payment.anchor_date + datetime.timedelta(days=15)
    assert payment.anchor_date == case.served_on
    assert not calendar.is_workday(last_day) and calendar.is_workday(payment.due_date)
    assert (payment.due_date - last_day).days >= 3  # a holiday, not just a weekend
    assert all(not calendar.is_workday(last_day + datetime.timedelta(days=n))
               for n in range((payment.due_date - last_day).days))
    assert case.state == CaseState.CLOSED and case.executed_on == payment.due_date
    assert "顺延" in case.execution_detail


def test_one_fine_is_paid_by_instalments(seeded):
    """Issue 13 (处罚法 Art 66 ¶2, 67): one served case pays its fine in two approved instalments, the first paid at
    the bank; the case shows the balance and the second due date, one instalment deadline still open."""
    case = Case.objects.get(description__contains="冯某某在禁烧区")
    client = client_for(User.objects.get(username="zhifa02"))
    status = client.get(f"/api/v1/cases/{case.pk}/").json()["payment_status"]
    assert (status["plan"]["status"], status["paid"], status["balance"], status["surcharge"]) == (
        "approved", "500.00", "500.00", "0.00")
    deadlines = Deadline.objects.filter(object_type="cases.case", object_id=case.pk, kind="case.instalment")
    assert sorted(deadlines.values_list("status", flat=True)) == ["closed", "open"]
    assert status["next_due_on"] == deadlines.get(status="open").due_date.isoformat()


def test_a_case_whose_facts_are_not_established_awaits_the_principal_without_a_notice(seeded):
    """Issue 13 (处罚法 Art 57 ¶1(3), 44): the officers proposed no penalty from the investigation; no notice was
    served, and the case is in the principal's inbox with its ground."""
    case = Case.objects.get(proposed_no_penalty_ground=Case.NoPenaltyGround.FACTS_NOT_ESTABLISHED)
    assert case.state == CaseState.DECIDING and case.notified_on is None
    inbox = client_for(User.objects.get(username="zhenzhang")).get("/api/v1/inbox/").json()
    rows = inbox["results"] if isinstance(inbox, dict) and "results" in inbox else inbox
    assert case.pk in {row["id"] for row in rows if row["kind"] == "case"}


def test_the_expired_officer_cannot_be_assigned(seeded):
    case = Case.objects.filter(state=CaseState.REPORTED).first()
    expired = OfficerCertificate.objects.get(expires_on__lt=today()).officer
    with pytest.raises(RuleViolation) as refused:
        fire_transition("case", case.pk, "file", User.objects.get(username="daduizhang"),
                        {"officers": [User.objects.get(username="zhifa01").pk, expired.pk], "comment": "立案"})
    assert refused.value.rule.startswith("C1")
    case.refresh_from_db()
    assert case.state == CaseState.REPORTED and not case.number


COUNTED = (Case, InquiryRecord, AuditEntry, OfficerCertificate, Village, ViolationType, Party, User, Deadline,
           Reminder, Notification, LegalReview, MediationAgreement)


def test_second_run_creates_nothing(seeded):
    assert "demo data loaded" in seeded and "zhifa16" in seeded
    before = {model.__name__: model.objects.count() for model in COUNTED}
    again = io.StringIO()
    call_command("seed_demo", stdout=again, stderr=io.StringIO())
    assert {model.__name__: model.objects.count() for model in COUNTED} == before
    assert "demo data already loaded" in again.getvalue()
    assert "zhifa15" in again.getvalue() and "lawflow-demo" in again.getvalue()
    assert verify_chain().intact


def test_the_public_page_shows_published_decisions_and_a_withdrawal(seeded):
    # 处罚法 Art 48: the demo's decided cases are published (redacted), one revoked on reconsideration is withdrawn.
    html = Client().get("/public/penalties/").content.decode()
    published = Publication.objects.filter(withdrawn_on__isnull=True)
    assert published.exists() and all(p.decision_number in html for p in published)
    withdrawn = Publication.objects.get(withdrawn_on__isnull=False)
    assert withdrawn.withdrawal_reason in html and "范玉成" not in html and "13839071452" not in html
def test_last_years_report_has_the_towns_shape(seeded):
    """reports.figures of last year (today.year - 1) count what the town's 2023 report says (DESIGN §7, §12), and
    last year's reports are open with their deadlines and the narrative kept."""
    from reports.figures import by_key, rule_of_law_figures
    from reports.models import AnnualReport
    from reports.services import deadlines_of_report

    year = today().year - 1
    figures = by_key(rule_of_law_figures(year))
    value = {key: figure["value"] for key, figure in figures.items()}
    assert (value["meetings"], value["study_sessions"], value["trainings"]) == (12, 12, 6)
    assert value["certified_officers"] == 16
    assert value["legal_literates"] == 159
    assert value["advisers"] == 28 == figures["advisers"]["part"]["villages"]
    assert value["petitions"] >= 170 and sum(figures["petitions"]["part"].values()) > 0
    assert value["mediations_town"] >= 40 and value["mediations_village"] > 0
    assert value["campaigns"] >= 10 and value["grassroots_publicity"] >= 80
    assert value["performances"] >= 50 and value["lectures"] >= 10
    # This year so far: never more than a year's worth, nothing dated after today.
    this_year = {f["key"]: f["value"] for f in rule_of_law_figures(today().year)}
    assert this_year["meetings"] <= 12 and this_year["petitions"] <= value["petitions"]

    report = AnnualReport.objects.get(kind="rule_of_law", year=year)
    assert set(report.narrative) == {"duty", "measures", "shortcomings", "plans", "other"}
    assert "老娘舅茶室" in report.narrative["measures"] and "175" not in report.narrative["measures"]
    assert {d.kind for d in deadlines_of_report(report)} == {"report.rule_of_law_submit", "report.rule_of_law_publish"}
    statistics = AnnualReport.objects.get(kind="statistics", year=year)
    assert statistics.narrative["explanation"]
    assert {d.kind for d in deadlines_of_report(statistics)} == {"report.statistics_publish"}
    # The registers in bulk continue their numbering series: numbers unique, the series' last number the highest.
    from mediation.models import Mediation
    from petitions.models import Petition
    from workflows.models import NumberSequence
    for scope, rows in (("petition", Petition.objects.filter(received_on__year=year)),
                        ("mediation", Mediation.objects.filter(registered_on__year=year))):
        numbers = list(rows.values_list("number", flat=True))
        assert len(set(numbers)) == len(numbers) and all(f"〔{year}〕" in number for number in numbers)
        assert NumberSequence.objects.get(scope=scope, year=year).last == len(numbers)

"""Fixtures and helpers for the enforcement-case tests (CONTRACT §5 "Enforcement cases", DESIGN §3).

The `town` fixture builds a small brigade: two villages, three violation types, certified officers, officers
whose certificates are expired, revoked or missing, a brigade chief, a principal and judicial-office users
with and without the legal professional qualification. Everything else goes through the REST API, as the
brigade would use it; the ORM is only read (to check that a refusal wrote nothing) or used to move a
deadline into the past.

Import what you need:  from .case_fixtures import town_fixture, report_case, ...  (importing `town_fixture`,
the fixture named `town`, into a test module makes pytest find it there).
"""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, InquiryRecord, LegalReview, MediationAgreement, Village, ViolationType
from notifications import calendar
from notifications.deadlines import add_months
from notifications.models import Deadline
from workflows.models import AuditEntry, NumberSequence

from .clock import LOCAL
from .conftest import client_for, make_user

CASES = "/api/v1/cases/"
INBOX = "/api/v1/inbox/"
OFFICERS = "/api/v1/officers/"
VILLAGES = "/api/v1/villages/"
VIOLATION_TYPES = "/api/v1/violation-types/"

ZDJY = "ZDJY"  # 占道经营: mediable, 0–2,000 yuan, hearing from 10,000 (never reached)
WFJS = "WFJS"  # 违法建设: not mediable, 1,000–100,000 yuan, hearing from 10,000
RQAQ = "RQAQ"  # 燃气安全: touches life and health, 5-year limitation (Art 36)

VALID_ID = "11010519491231002X"  # the GB 11643-1999 example
VALID_ID_MASKED = "110105********002X"
VALID_CREDIT_CODE = "91350100M000100Y43"
VALID_PHONE = "13800138000"


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def years_ago(years: int, extra_days: int = 0) -> datetime.date:
    t = today()
    try:
        d = t.replace(year=t.year - years)
    except ValueError:  # 29 February
        d = t.replace(year=t.year - years, day=28)
    return d - datetime.timedelta(days=extra_days)


def working_days_after(start: datetime.date, n: int) -> datetime.date:
    return calendar.add_working_days(start, n).date


def body_of(response):
    try:
        return json.loads(response.content.decode("utf-8") or "null")
    except ValueError:  # pragma: no cover - shown when a test fails
        raise AssertionError(f"not JSON ({response.status_code}): {response.content[:500]!r}") from None


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, body_of(response))
    return body_of(response)


def assert_refused(response, status, *, rule=None, english=None, field=None):
    """A refusal in the CONTRACT §5 format: {"error", "detail"}; for a rule refusal the `rule` (a prefix such
    as "C1", "C4 Art 64", "Art 60") appears in `rule` and in `detail`; `english` is a substring of `detail`
    (which reads "中文 / English"); `field` names the invalid field."""
    assert response.status_code == status, (response.status_code, response.content[:2000].decode("utf-8", "replace"))
    data = body_of(response)
    assert isinstance(data, dict), data
    assert isinstance(data.get("error"), str) and data["error"], data
    assert isinstance(data.get("detail"), str) and data["detail"].strip(), data
    if rule is not None:
        assert isinstance(data.get("rule"), str) and data["rule"].startswith(rule), data
        assert data["rule"] in data["detail"], data
    if english is not None:
        assert english in data["detail"], data
    if field is not None:
        assert field in (data.get("fields") or {}), data
    return data


def transition_names(case_body) -> list[str]:
    return [t["name"] for t in case_body["available_transitions"]]


def history_names(case_body) -> list[str]:
    return [h["transition"] for h in case_body["history"]]


def deadline(case_body, kind) -> dict:
    """The latest deadline of `kind` shown on the case."""
    found = [d for d in case_body["deadlines"] if d["kind"] == kind]
    assert found, (kind, case_body["deadlines"])
    return found[-1]


def has_deadline(case_body, kind) -> bool:
    return any(d["kind"] == kind for d in case_body["deadlines"])


def due(case_body, kind) -> datetime.date:
    return datetime.date.fromisoformat(deadline(case_body, kind)["due_date"])


def case_url(case_id, suffix=""):
    return f"{CASES}{case_id}/{suffix}"


def get_case(client, case_id) -> dict:
    return ok(client.get(case_url(case_id)))


# --------------------------------------------------------------------------------------------------
# The API calls the brigade makes
# --------------------------------------------------------------------------------------------------


def party(**overrides) -> dict:
    data = {"name": "王某某", "kind": "person", "id_number": VALID_ID, "phone": VALID_PHONE,
            "address": "石桥村三组"}
    data.update(overrides)
    return data


def report_payload(**overrides) -> dict:
    village = overrides.pop("village", None)
    if village is None:
        village = Village.objects.get(name="石桥村").pk
    data = {
        "source": "patrol",
        "description": "巡查发现当事人在石桥村主干道占道摆摊经营，影响通行。",
        "village": village,
        "violation_type": ZDJY,
        "violation_date": days_ago(60).isoformat(),
        "party": party(),
    }
    data.update(overrides)
    return data


def registered_on(case_id, day: datetime.date) -> None:
    """Test data: the report was registered on `day` (09:00), so that a case filed on `day` follows its report
    (workflows.dates: filing after the report, 处罚法 Art 54). A report registered later is left as it is."""
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    Case.objects.filter(pk=case_id, reported_at__gt=at).update(reported_at=at)


def report_case(client, **overrides):
    """POST a valid report (登记), with `overrides` replacing top-level fields; returns the response."""
    return client.post(CASES, report_payload(**overrides), format="json")


def fire(client, case_id, name, **fields):
    """POST /cases/{id}/transitions/{name}/ with `fields` as JSON (dates may be given as date objects)."""
    data = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in fields.items()}
    return client.post(case_url(case_id, f"transitions/{name}/"), data, format="json")


def file_case(client, case_id, officers, **fields):
    """The brigade chief files the case (立案) assigning `officers` (users or ids); returns the response."""
    ids = [getattr(o, "pk", o) for o in officers]
    return fire(client, case_id, "file", officers=ids, comment=fields.pop("comment", "予以立案"), **fields)


def add_inquiry(client, case_id, officers, held_at=None, **fields):
    held_at = held_at or timezone.now()
    data = {"officers": [getattr(o, "pk", o) for o in officers], "subject_name": fields.get("subject_name", "王某某"),
            "record": fields.get("record", "问：你是否在此摆摊？答：是的，已经摆了一周。"),
            "held_at": held_at.isoformat()}
    return client.post(case_url(case_id, "inquiries/"), data, format="json")


# --------------------------------------------------------------------------------------------------
# What a refusal must leave untouched
# --------------------------------------------------------------------------------------------------

CASE_FIELDS = ("state", "number", "filed_on", "limitation_override_reason", "decline_reason", "facts",
               "proposed_fine", "proposed_measures", "major", "notified_on", "hearing_eligible",
               "hearing_requested_on", "hearing_record", "waiver", "outcome", "fine", "measures",
               "collective_discussion", "decided_on", "served_on", "executed_on", "closing_summary",
               "transferred_to")


def snapshot(case_id) -> dict:
    case = Case.objects.get(pk=case_id)
    return {
        "fields": {name: getattr(case, name) for name in CASE_FIELDS},
        "officers": sorted(case.officers.values_list("pk", flat=True)),
        "audit_entries": AuditEntry.objects.count(),
        "case_history": AuditEntry.objects.filter(object_type="cases.case", object_id=case_id).count(),
        "inquiries": InquiryRecord.objects.filter(case_id=case_id).count(),
        "reviews": LegalReview.objects.filter(case_id=case_id).count(),
        "mediation": MediationAgreement.objects.filter(case_id=case_id).count(),
        "deadlines": list(Deadline.objects.filter(object_type="cases.case", object_id=case_id)
                          .order_by("id").values_list("kind", "status", "due_date")),
        "numbers": sorted(NumberSequence.objects.values_list("scope", "year", "last")),
        "cases": Case.objects.count(),
    }


def assert_unchanged(before: dict, case_id):
    after = snapshot(case_id)
    for key in before:
        assert after[key] == before[key], (key, before[key], after[key])


# --------------------------------------------------------------------------------------------------
# The town
# --------------------------------------------------------------------------------------------------


def certify(officer, number, *, issued_on=None, expires_on=None):
    return case_services.set_certificate(officer=officer, number=number,
                                         issued_on=issued_on or days_ago(365),
                                         expires_on=expires_on or today() + datetime.timedelta(days=365))


class Town:
    """石桥镇 in miniature. `town.u[name]` users, `town.api(name)` their API clients."""

    def __init__(self):
        self.village = Village.objects.create(name="石桥村", code="001")
        self.village2 = Village.objects.create(name="河口村", code="002")
        self.zdjy = ViolationType.objects.create(
            code=ZDJY, name="占道经营", legal_basis="《城市市容和环境卫生管理条例》第三十六条",
            fine_min=Decimal("0"), fine_max=Decimal("2000"), hearing_threshold=Decimal("10000"), mediable=True,
        )
        self.wfjs = ViolationType.objects.create(
            code=WFJS, name="违法建设", legal_basis="《中华人民共和国城乡规划法》第六十五条",
            fine_min=Decimal("1000"), fine_max=Decimal("100000"), hearing_threshold=Decimal("10000"), mediable=False,
        )
        self.rqaq = ViolationType.objects.create(
            code=RQAQ, name="燃气安全违法", legal_basis="《城镇燃气管理条例》第四十九条",
            fine_min=Decimal("0"), fine_max=Decimal("50000"), hearing_threshold=Decimal("10000"), mediable=False,
            limitation_years=5,
        )
        self.u = {}
        for name in ("o1", "o2", "o3", "expired", "revoked", "uncertified"):
            self.u[name] = make_user("enforcement_officer", username=f"officer-{name}")
        for i, name in enumerate(("o1", "o2", "o3"), start=1):
            certify(self.u[name], f"CERT-{i:03d}")
        certify(self.u["expired"], "CERT-EXP", issued_on=years_ago(3), expires_on=days_ago(1))
        revoked = certify(self.u["revoked"], "CERT-REV")
        case_services.revoke_certificate(certificate=revoked, reason="调离执法岗位", on=days_ago(10))
        self.u["chief"] = make_user("brigade_chief", username="chief")
        self.u["principal"] = make_user("principal", username="principal")
        self.u["judicial"] = make_user("judicial_office", username="judicial", legal_qualification=True)
        self.u["judicial_unqualified"] = make_user("judicial_office", username="judicial-unqualified")
        self.u["drafter"] = make_user("drafter", username="drafter")
        self._clients = {}

    def api(self, name):
        if name not in self._clients:
            self._clients[name] = client_for(self.u[name])
        return self._clients[name]

    @property
    def pair(self):
        return [self.u["o1"], self.u["o2"]]

    # --- driving a case through the flow (each step asserts success) ---------------------------

    def report(self, who="o1", **overrides) -> dict:
        return ok(report_case(self.api(who), **overrides), 201)

    def investigating(self, officers=None, filed_on=None, **report) -> dict:
        """A filed case (officers o1 and o2 unless told otherwise)."""
        case = self.report(**report)
        fields = {"filed_on": filed_on} if filed_on else {}
        if filed_on:
            registered_on(case["id"], filed_on)
        return ok(file_case(self.api("chief"), case["id"], officers or self.pair, **fields))

    def notified(self, fine="500", *, violation_type=ZDJY, notified_on=None, filed_on=None, major=False,
                 major_reason="", measures=(), **report) -> dict:
        """A notified case (告知). With `notified_on` the case is filed 40 days ago so that notice follows filing."""
        if notified_on and not filed_on:
            filed_on = min(days_ago(40), notified_on)
        if violation_type == WFJS and "description" not in report:
            report["description"] = "当事人未经规划许可在承包地上搭建砖混结构房屋约120平方米。"
        case = self.investigating(filed_on=filed_on, violation_type=violation_type, **report)
        fields = {"facts": "经查，当事人的行为事实清楚，证据确凿。", "legal_basis": "依据相关法律法规第三十六条",
                  "proposed_measures": list(measures), "major": major, "major_reason": major_reason}
        if fine is not None:
            fields["proposed_fine"] = str(fine)
        if notified_on:
            fields["notified_on"] = notified_on
        return ok(fire(self.api("o1"), case["id"], "notify", **fields))

    def deciding(self, fine="500", **kwargs) -> dict:
        case = self.notified(fine, **kwargs)
        return ok(fire(self.api("o1"), case["id"], "submit_decision", waiver=True))

    def decided(self, outcome="penalty", fine="500", **kwargs) -> dict:
        case = self.deciding(fine if fine is not None else "500", **kwargs)
        fields = {"outcome": outcome}
        if outcome == "penalty":
            fields["fine"] = fine
        else:  # Art 33: a no-penalty decision names its ground and records the education given
            fields.update(no_penalty_ground="minor_corrected", education="已对当事人进行批评教育，当场改正。")
        return ok(fire(self.api("principal"), case["id"], "decide", **fields))

    def served(self, outcome="penalty", **kwargs) -> dict:
        case = self.decided(outcome, **kwargs)
        return ok(fire(self.api("o1"), case["id"], "serve", method="直接送达"))

    def executed(self, publicity=True, **kwargs) -> dict:
        """Executed; with `publicity` the decision's publicity is recorded too (Art 48 ¶1), so it may close. A fine
        is paid first: the bank's receipt is recorded (罚缴分离 Art 67), as the self-check asks of a closed file."""
        case = self.served(**kwargs)
        if case["outcome"] == "penalty" and case["fine"]:
            self.pay_in_full(case)
        case = ok(fire(self.api("o1"), case["id"], "record_execution", detail="罚款已缴纳"))
        if publicity and case["outcome"] == "penalty":
            case = ok(self.api("o1").post(case_url(case["id"], "publicity/"), {"channel": "镇政府门户网站"},
                                          format="json"))
        return case

    def pay_in_full(self, case, receipt="NB-FULL-0001") -> dict:
        """The party pays the whole fine at the bank today; o1 records the receipt (Art 67)."""
        body = {"amount": case["fine"], "receipt_number": receipt, "bank": "农业银行石桥支行",
                "paid_on": timezone.localdate().isoformat()}
        return ok(self.api("o1").post(case_url(case["id"], "payments/"), body, format="json"), 201)

    def on_the_spot(self, who="o1", **overrides) -> dict:
        """简易程序 (Art 51–53): a 100-yuan fine decided on the spot by o1 with o2, collected on the spot as a small
        amount (Art 68(1)): executed, its filing (Art 52) and the hand-over of the money (Art 71) pending."""
        data = {"party": party(), "village": self.village.pk, "violation_type": ZDJY,
                "facts": "当事人在石桥村主干道人行道上摆摊，执法队员当场查实。", "legal_basis": "依据相关法律法规第三十六条",
                "fine": "100", "officers": [self.u["o1"].pk, self.u["o2"].pk], "certificates_shown": True,
                "collected_on_spot": True, "collection_ground": "small_amount", "receipt_number": "NO.0000001",
                "violation_place": "石桥村主干道人行道"}
        data.update(overrides)
        return ok(self.api(who).post(f"{CASES}on-the-spot/", data, format="json"), 201)
    def overdue(self) -> dict:
        """A fine served 30 days ago, unpaid: its 15 days (Art 67, even rolled past a long holiday) have passed, so
        a demand may be served today (行政强制法 Art 54)."""
        start = today() - datetime.timedelta(days=30)
        with time_machine.travel(datetime.datetime.combine(start, datetime.time(10, 0), tzinfo=LOCAL), tick=True):
            return self.served()

    def demanded(self) -> dict:
        """A fine served eight months ago and a demand served 20 days after it, or after its rolled-over term
        (行政强制法 Art 54): today the demand period and the 6-month lawsuit period have passed and Art 53's three
        months still run, so the court may be applied to today."""
        start = add_months(today(), -8)
        with time_machine.travel(datetime.datetime.combine(start, datetime.time(10, 0), tzinfo=LOCAL), tick=True):
            case = self.served()
        # 20 days after service, or the day after the payment term if it rolled past a long holiday (民法典 Art 203:
        # served on 2026-02-01, the 15 days end in the Spring Festival and move to 02-24).
        due = datetime.date.fromisoformat(case["payment_status"]["next_due_on"])
        demand_day = max(start + datetime.timedelta(days=20), due + datetime.timedelta(days=1))
        with time_machine.travel(datetime.datetime.combine(demand_day, datetime.time(10, 0), tzinfo=LOCAL),
                                 tick=True):
            return ok(fire(self.api("o1"), case["id"], "demand_payment", method="直接送达"))

    def court_enforcement(self) -> dict:
        case = self.demanded()
        return ok(fire(self.api("chief"), case["id"], "apply_to_court", court="石桥区人民法院"))

    def mediating(self, **report) -> dict:
        case = self.investigating(**report)
        return ok(fire(self.api("o1"), case["id"], "start_mediation", comment="双方同意调解"))

    def hearing(self, scheduled=True) -> dict:
        """A hearing requested in time; with `scheduled`, scheduled (presided by o3, not a case officer) and held
        two working days ago, the party told of it 11 working days before (Art 64)."""
        notified_on = working_days_ago(15)
        case = self.notified("20000", violation_type=WFJS, notified_on=notified_on)
        case = ok(fire(self.api("o1"), case["id"], "request_hearing",
                       requested_on=working_days_after(notified_on, 1)))
        if scheduled:
            case = ok(fire(self.api("o1"), case["id"], "schedule_hearing", presiding_officer=self.u["o3"].pk,
                           hearing_notice_on=working_days_ago(13), hearing_at=at_nine(working_days_ago(2))))
        return case

    def legal_review(self) -> dict:
        case = self.notified("1500", violation_type=WFJS, notified_on=working_days_ago(10), major=True,
                             major_reason="涉及重大公共利益")
        return ok(fire(self.api("o1"), case["id"], "submit_legal_review", comment="提请法制审核"))

    def case_in(self, state) -> dict:
        """A case in `state`, reached through the API."""
        builders = {
            "reported": lambda: self.report(),
            "investigating": lambda: self.investigating(),
            "mediating": lambda: self.mediating(),
            "notified": lambda: self.notified(),
            "notified_hearing_eligible": lambda: self.notified("20000", violation_type=WFJS),
            "notified_windows_passed": lambda: self.notified("1500", violation_type=WFJS, major=True,
                                                             major_reason="案情复杂",
                                                             notified_on=working_days_ago(10)),
            "hearing": lambda: self.hearing(),
            "legal_review": lambda: self.legal_review(),
            "deciding": lambda: self.deciding(),
            "decided": lambda: self.decided(),
            "served": lambda: self.served(),
            "executed": lambda: self.executed(),
            "on_the_spot_collected": lambda: self.on_the_spot(),
            "transferred": lambda: ok(fire(self.api("chief"), self.report()["id"], "transfer", to="县公安局",
                                           reason="涉嫌犯罪，依法移送")),
            "demanded_due": lambda: self.overdue(),
            "demanded": lambda: self.demanded(),
            "court_enforcement": lambda: self.court_enforcement(),
        }
        return builders[state]()


def at_nine(day: datetime.date) -> str:
    """09:00 local time on `day`, as ISO text."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0))).isoformat()


def working_days_ago(n: int) -> datetime.date:
    return calendar.add_working_days(today(), -n).date


@pytest.fixture(name="town")
def town_fixture(db, settings):
    # make_user sets a password; the production hasher takes ~0.4 s a user, and test users need none of it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return Town()


def resident_id_with_check(first17: str) -> str:
    """Complete 17 characters into a resident ID with the ISO 7064 MOD 11-2 check character, computed from the
    definition (weights 2^(i-1) mod 11 counted from the right; the whole sums to 1 mod 11), not from
    cases.validators' table."""
    assert len(first17) == 17 and first17.isdigit()
    partial = sum(int(ch) * pow(2, 17 - k, 11) for k, ch in enumerate(first17))
    check = (1 - partial) % 11  # the check character has weight 2^0 = 1
    return first17 + ("X" if check == 10 else str(check))

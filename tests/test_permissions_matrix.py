"""Permissions, exhaustively (issue 17 item 1).

1. Every transition of every flow, for every role and for an anonymous caller, generated from the one role table
   (workflows.roles.TRANSITION_ROLES): the object is put in a state where the transition is available, and the
   transition is fired as a user fires it (`POST /api/v1/{kind}/{id}/transitions/{name}/`, CONTRACT §5, §7, §8).
   The roles of the table succeed (with a user who meets the object-level rule: one of the case's officers, a
   mediator of the committee, the village mediator the petition was sent to, the decision's author); every other
   role gets 403 (or 404), anonymous 401; a user of an allowed role who fails the object-level rule (another
   officer, another committee's mediator, another drafter) is refused too; and a refusal changes nothing (the row,
   the audit trail, the documents issued, the deadlines). A flow transition missing from the table fails
   test_the_table_names_every_transition_of_every_flow.
2. Object visibility: a user who may not see a case, petition, mediation or draft decision gets 403 or 404 from
   every detail, document (Word/PDF/print), attachment, record and page endpoint of it, never its data; lists,
   inboxes and exports (JSON, XLSX) leave it out; planted secrets (a party's name, ID number and phone) are
   looked for in every answer. Full ID numbers never appear in lists; the 法律明白人's phone only for the roles
   that see personal data. Every URL that takes an object id is either checked here or named with the reason it
   is not (test_every_object_url_is_checked_or_exempted).
3. The API schema and Swagger UI only after login.

The objects are built once for the module (inside a transaction rolled back after its last test, as demo_town
does); each attempt runs in a savepoint rolled back at once, so every role meets the object in the same state.
"""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from cases.flows import CaseFlow
from cases.models import Case, CorrectionOrder, PaymentPlan
from documents.attachments import store_attachment
from documents.models import IssuedDocument
from mediation import services as mediation_services
from mediation.flows import MediationFlow
from mediation.models import MediationCommittee, Mediator
from network.models import LegalLiterate
from notifications import adjustments
from notifications.models import Deadline
from petitions import services as petition_services
from petitions.flows import PetitionFlow
from review import services as review_services
from review.flows import DecisionFlow, MeetingFlow
from workflows import roles
from workflows.base_flow import BaseFlow
from workflows.models import AuditEntry
from workflows.services import fire_transition, get_process

from .case_fixtures import Town, fire, ok, party, resident_id_with_check, working_days_after
from .clock import Clock, session_instant
from .conftest import client_for, make_user

pytestmark = [pytest.mark.clock, pytest.mark.django_db, pytest.mark.xdist_group("permissions_matrix")]

R = roles
KINDS = {"decision": "decisions", "meeting": "meetings", "case": "cases", "petition": "petitions",
         "mediation": "mediations"}
FLOWS = {"decision": DecisionFlow, "meeting": MeetingFlow, "case": CaseFlow, "petition": PetitionFlow,
         "mediation": MediationFlow}
EXEMPT_DECISION = {"public_participation_required": False,
                   "participation_exemption_ground": "涉及国家秘密，依法不予公开（保守国家秘密法第2条）。"}
CHECKS_PASS = {"authority_ok": True, "procedure_ok": True, "content_ok": True}
URGENCY = "防汛形势紧急，须于本次会议研究。"

# The planted secrets (item 2): each belongs to one object only, and must show only to those who may see it.
CASE_NAME, CASE_ID, CASE_PHONE = "秘密当事人甲", resident_id_with_check("41042319800101123"), "13912340001"
PETITION_NAME, PETITION_ID, PETITION_PHONE = "秘密信访人乙", resident_id_with_check("41042319810202234"), "13912340002"
MEDIATION_NAME, MEDIATION_ID, MEDIATION_PHONE = ("秘密调解当事人丙", resident_id_with_check("41042319820303345"),
                                                 "13912340003")
DRAFT_TITLE, DRAFT_BODY = "秘密草案丁：石桥镇集镇改造征收补偿办法", "草案正文：秘密补偿标准每平方米一千二百元。"
LITERATE_PHONE = "13912340004"
OFFICER_PHONE = "13912340005"  # an enforcement officer's own mobile: personal data too


def png_bytes(tag=(10, 120, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 24), tag).save(out, "PNG")
    return out.getvalue()


# ==================================================================================================================
# The world: one user per role, the outsiders, and the objects in every source state, built once
# ==================================================================================================================


class World:
    def __init__(self):
        self.town = town = Town()
        u = town.u
        self.today = timezone.localdate()
        self.village, self.village2 = town.village, town.village2
        self.drafter, self.drafter2 = u["drafter"], make_user("drafter", username="drafter-2")
        self.secretary = make_user("office_secretary", username="secretary")
        self.chair = make_user("meeting_chair", username="chair")
        self.admin = make_user("admin", username="admin")
        self.office = make_user("petition_office", username="office")
        self.m1_user = make_user("mediator", username="mediator-shiqiao")
        self.m2_user = make_user("mediator", username="mediator-hekou")
        self.town_committee = MediationCommittee.objects.create(name="石桥镇人民调解委员会", level="town")
        self.c1 = MediationCommittee.objects.create(name="石桥村人民调解委员会", village=self.village)
        self.c2 = MediationCommittee.objects.create(name="河口村人民调解委员会", village=self.village2)
        self.m1 = Mediator.objects.create(name="李调解", committee=self.c1, user=self.m1_user)
        self.m2 = Mediator.objects.create(name="赵调解", committee=self.c2, user=self.m2_user)
        # The user of each role who meets every object-level rule of the objects below.
        self.actors = {
            R.DRAFTER: self.drafter, R.JUDICIAL_OFFICE: u["judicial"], R.OFFICE_SECRETARY: self.secretary,
            R.MEETING_CHAIR: self.chair, R.PRINCIPAL: u["principal"], R.BRIGADE_CHIEF: u["chief"],
            R.ENFORCEMENT_OFFICER: u["o1"], R.PETITION_OFFICE: self.office, R.MEDIATOR: self.m1_user,
            R.ADMIN: self.admin,
        }
        assert set(self.actors) == set(R.ALL_ROLES)
        # Users of an allowed role who fail the object-level rule: not the author, not an officer of the case, a
        # mediator of another committee and not the one the petition was sent to.
        self.outsiders = {R.DRAFTER: self.drafter2, R.ENFORCEMENT_OFFICER: u["o3"], R.MEDIATOR: self.m2_user}
        self.users = [*self.actors.values(), *self.outsiders.values(), u["o2"]]
        self.api = {user.pk: client_for(user) for user in self.users}  # tokens made now, not in a test
        self.web = {}
        for user in self.users:
            self.web[user.pk] = Client()
            self.web[user.pk].force_login(user)  # sessions made now, not rolled back with a test
        self.objects = {}
        self._decisions_and_meetings()
        self._cases()
        self._petitions()
        self._mediations()
        self._secrets()

    # --- helpers ----------------------------------------------------------------------------------------------

    def fire(self, process, obj, name, user, **data):
        data = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in data.items()}
        return fire_transition(process, obj.pk, name, user, data)

    def client(self, user):
        return self.api[user.pk]

    # --- decisions and meetings (built through the services; their API is what the matrix fires) -------------

    def _decision(self, title="石桥镇农村人居环境整治三年行动方案", body="一、总体要求。二、重点任务。", author=None):
        return review_services.create_decision(user=author or self.drafter, title=title, body=body,
                                               category="major_decision", department="农业农村办",
                                               **EXEMPT_DECISION)

    def _decisions_and_meetings(self):
        judicial, principal = self.town.u["judicial"], self.town.u["principal"]

        def meeting(title):
            return review_services.create_meeting(user=self.secretary, title=title, date=self.today,
                                                  chair=self.chair,
                                                  attendees=[judicial, self.chair, principal, self.secretary])

        def submitted():
            decision = self._decision()
            self.fire("decision", decision, "submit_for_review", self.drafter, comment="请审查。")
            return decision

        def passed():
            decision = submitted()
            self.fire("decision", decision, "pass_review", judicial, opinion="经审查，合法。", **CHECKS_PASS)
            return decision

        o = self.objects
        o["decision:draft"] = self._decision()
        o["decision:in_review"] = submitted()
        o["decision:returned"] = submitted()
        self.fire("decision", o["decision:returned"], "return_for_revision", judicial, opinion="请补充依据。",
                  procedure_ok=False)
        o["decision:review_failed"] = submitted()
        self.fire("decision", o["decision:review_failed"], "fail_review", judicial, opinion="超越职权。",
                  authority_ok=False)
        o["decision:review_passed"] = passed()
        held = meeting("2026年第1次党政联席会议")
        for key in ("decision:scheduled", "decision:approved", "decision:signed"):
            o[key] = passed()
            self.fire("decision", o[key], "schedule", self.secretary, meeting=held.pk, urgency_reason=URGENCY)
        self.fire("meeting", held, "hold", self.secretary, minutes="会议审议了各议题。")
        for key in ("decision:approved", "decision:signed"):
            self.fire("decision", o[key], "approve", self.chair, comment="同意。")
        self.fire("decision", o["decision:signed"], "sign", principal)
        o["meeting:planned"] = meeting("2026年第2次党政联席会议")  # dated today: may be held, may take decisions
        o["meeting:held"] = meeting("2026年第3次党政联席会议")
        self.fire("meeting", o["meeting:held"], "hold", self.secretary, minutes="无议题。")

    # --- cases (through the API, as the brigade does: tests/case_fixtures.Town) ---------------------------------

    def _cases(self):
        town, o = self.town, self.objects
        states = ["reported", "investigating", "mediating", "notified", "notified_hearing_eligible",
                  "notified_windows_passed", "hearing", "legal_review", "deciding", "decided", "served",
                  "executed", "on_the_spot_collected", "demanded_due", "demanded",
                  "court_enforcement"]
        for state in states:
            o[f"case:{state}"] = Case.objects.get(pk=town.case_in(state)["id"])
        o["case:hearing_requested"] = Case.objects.get(pk=town.hearing(scheduled=False)["id"])
        moved = town.investigating()  # transferred with its officers, who may record the receipt too
        ok(fire(town.api("chief"), moved["id"], "transfer", to="县公安局", reason="涉嫌犯罪，依法移送"))
        o["case:transferred_filed"] = Case.objects.get(pk=moved["id"])
        paid = town.served()
        town.pay_in_full(paid)
        o["case:served_paid"] = Case.objects.get(pk=paid["id"])

    # --- petitions ------------------------------------------------------------------------------------------

    def _petition(self, name="张三", id_number="", phone="13800000000", village=None):
        return petition_services.create_petition(
            user=self.office, channel="visit", subject="宅基地边界纠纷", content="邻居占用宅基地。",
            received_on=self.today, village=village,
            petitioners=[{"name": name, "phone": phone, "id_number": id_number, "address": "石桥村三组"}])

    def _petitions(self):
        o, office = self.objects, self.office
        o["petition:received"] = self._petition()
        o["petition:accepted"] = self._petition()
        self.fire("petition", o["petition:accepted"], "accept", office)
        o["petition:at_village"] = self._petition()
        self.fire("petition", o["petition:at_village"], "accept", office)
        self.fire("petition", o["petition:at_village"], "send_to_village", office, village=self.village.pk,
                  mediator=self.m1_user.pk)
        o["petition:replied"] = self._petition()
        self.fire("petition", o["petition:replied"], "accept", office)
        self.fire("petition", o["petition:replied"], "reply", office, opinion="经核查，予以解释。", result="explain")
        o["petition:review_requested"] = self._petition()
        self.fire("petition", o["petition:review_requested"], "accept", office)
        self.fire("petition", o["petition:review_requested"], "reply", office, opinion="不予支持。",
                  result="not_support")
        self.fire("petition", o["petition:review_requested"], "request_review", office, organ="县人民政府")
        extended = o["petition:extended"] = self._petition()
        self.fire("petition", extended, "accept", office)
        request = petition_services.request_handling_extension(extended, reason="情况复杂，需进一步调查。", days=30,
                                                               user=office)
        adjustments.decide_adjustment(request, approve=True, user=self.town.u["principal"], note="同意延期。")

    # --- mediations ------------------------------------------------------------------------------------------

    def _mediation(self, registrar=None, village=None, parties=None):
        parties = parties or [{"name": n, "address": f"石桥村{i}组", "id_number": "", "phone": "13800000000"}
                              for i, n in enumerate(["张三", "李四"], 1)]
        return mediation_services.create_mediation(
            user=registrar or self.m1_user, parties=parties, dispute_type="neighbour",
            summary="两家因宅基地边界滴水檐发生争执。", source="application", village=village or self.village)

    def _mediations(self):
        o, m = self.objects, self.m1_user
        o["mediation:registered"] = self._mediation()
        o["mediation:mediating"] = self._mediation()
        self.fire("mediation", o["mediation:mediating"], "start", m, mediators=[self.m1.pk], consent=True)
        o["mediation:agreed"] = self._mediation()
        self.fire("mediation", o["mediation:agreed"], "start", m, mediators=[self.m1.pk], consent=True)
        self.fire("mediation", o["mediation:agreed"], "reach_agreement", m, **agreement(self))
        o["mediation:failed"] = self._mediation()
        self.fire("mediation", o["mediation:failed"], "fail", m, routes_told=["court"], reason="一方拒绝调解。")

    # --- the secrets of item 2 --------------------------------------------------------------------------------

    def _secrets(self):
        town, o = self.town, self.objects
        # A case of 河口村 whose party's name, ID number and phone are the secrets; decided, served, with an inquiry,
        # a correction order, a payment plan pending and a photo.
        officer = town.api("o1")
        case = town.investigating(party=party(name=CASE_NAME, id_number=CASE_ID, phone=CASE_PHONE),
                                  village=self.village2.pk)
        ok(officer.post(f"/api/v1/cases/{case['id']}/inquiries/", {
            "officers": [town.u["o1"].pk, town.u["o2"].pk], "subject_name": CASE_NAME,
            "record": f"问：你的电话？答：{CASE_PHONE}。", "held_at": timezone.now().isoformat()}, format="json"), 201)
        ok(officer.post(f"/api/v1/cases/{case['id']}/correction-orders/", {
            "measure": "清理占道货架", "due_on": (self.today + datetime.timedelta(days=10)).isoformat()},
            format="json"), 201)
        ok(fire(officer, case["id"], "notify", facts=f"{CASE_NAME}在河口村主干道占道经营。",
                legal_basis="依据相关法律法规第三十六条", proposed_fine="500", proposed_measures=[], major=False))
        ok(fire(officer, case["id"], "submit_decision", waiver=True))
        ok(fire(town.api("principal"), case["id"], "decide", outcome="penalty", fine="500"))
        ok(fire(officer, case["id"], "serve", method="直接送达"))
        ok(town.api("o1").post(f"/api/v1/cases/{case['id']}/payment-plans/", {
            "kind": "deferral", "reason": f"{CASE_NAME}家庭经济困难",
            "due_dates": [(self.today + datetime.timedelta(days=20)).isoformat()]}, format="json"), 201)
        o["secret:case"] = case = Case.objects.get(pk=case["id"])
        self.case_attachment = self._attach("cases", case, town.u["o1"], f"{CASE_NAME}的现场照片")
        self.case_order = CorrectionOrder.objects.get(case=case)
        self.case_plan = PaymentPlan.objects.get(case=case)
        self.case_deadline = Deadline.objects.filter(object_type="cases.case", object_id=str(case.pk)).first()

        # A petition sent to 河口村's mediator (m2): 石桥村's mediator (m1) must not see it.
        petition = self._petition(name=PETITION_NAME, id_number=PETITION_ID, phone=PETITION_PHONE,
                                  village=self.village2)
        self.fire("petition", petition, "accept", self.office)
        self.fire("petition", petition, "send_to_village", self.office, village=self.village2.pk,
                  mediator=self.m2_user.pk)
        o["secret:petition"] = petition
        self.petition_attachment = self._attach("petitions", petition, self.office, f"{PETITION_NAME}的来信扫描件")
        self.petition_deadline = Deadline.objects.filter(object_type="petitions.petition",
                                                         object_id=str(petition.pk)).first()

        # A mediation of 河口村's committee (c2), registered by its mediator m2.
        parties = [{"name": MEDIATION_NAME, "address": "河口村一组", "id_number": MEDIATION_ID,
                    "phone": MEDIATION_PHONE},
                   {"name": "钱五", "address": "河口村二组", "id_number": "", "phone": "13800000009"}]
        mediation = self._mediation(registrar=self.m2_user, village=self.village2, parties=parties)
        self.fire("mediation", mediation, "start", self.m2_user, mediators=[self.m2.pk], consent=True)
        o["secret:mediation"] = mediation
        self.mediation_attachment = self._attach("mediations", mediation, self.m2_user, f"{MEDIATION_NAME}的申请书")

        # A draft decision of `drafter`: not yet the town's.
        draft = o["secret:draft"] = self._decision(title=DRAFT_TITLE, body=DRAFT_BODY)
        self.draft_attachment = self._attach("decisions", draft, self.drafter, f"{DRAFT_TITLE}附件")

        # A 法律明白人 whose phone is personal data (workflows.roles "network.personal_data"); an officer's phone.
        self.literate = LegalLiterate.objects.create(village=self.village, name="孙明白", phone=LITERATE_PHONE)
        town.u["o2"].phone = OFFICER_PHONE
        town.u["o2"].save(update_fields=["phone"])

    def _attach(self, owner, obj, user, title):
        upload = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
        return store_attachment(owner, obj, file=upload, category="photo", title=title, user=user)


def agreement(world) -> dict:
    today = world.today
    return {"facts": "张三翻建房屋，滴水檐伸入李四宅基地约30厘米。", "responsibilities": "张三负主要责任。",
            "terms": "张三于一个月内将滴水檐改向本家院内，并赔偿李四500元。", "performance_manner": "现金当面交付",
            "performance_due_on": (today + datetime.timedelta(days=20)).isoformat(),
            "agreed_on": today.isoformat(), "effective_on": today.isoformat(), "oral": False}


@pytest.fixture(scope="module")
def world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The World, built once inside a transaction rolled back after the module's last test (each test runs in a
    savepoint within it, as with demo_town); the module's tests start where the building ended."""
    media = tmp_path_factory.mktemp("permissions-media")
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # as Django's TestCase marks its own: not an application transaction
        atomic.__enter__()
        settings_override = override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=str(media))
        settings_override.enable()
        clock = Clock(session_instant())._start()
        try:
            built = World()
            request.module._lawflow_demo_seeded_at = clock.now()  # read by conftest's clock for each test
        finally:
            clock._stop()
        try:
            yield built
        finally:
            settings_override.disable()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ==================================================================================================================
# 1. Every transition × every role
# ==================================================================================================================

# (process, transition) → (the source object's key in World.objects, the body: a dict or a function(world, obj))
MATRIX = {
    ("decision", "submit_for_review"): ("decision:draft", {"comment": "请审查"}),
    ("decision", "return_for_revision"): ("decision:in_review", {"opinion": "请补充依据", "procedure_ok": False}),
    ("decision", "pass_review"): ("decision:in_review", {"opinion": "合法", **CHECKS_PASS}),
    ("decision", "fail_review"): ("decision:in_review", {"opinion": "越权", "authority_ok": False}),
    ("decision", "revise"): ("decision:review_failed", {"comment": "修改"}),
    ("decision", "schedule"): ("decision:review_passed",
                               lambda w, obj: {"meeting": w.objects["meeting:planned"].pk, "urgency_reason": URGENCY}),
    ("decision", "defer"): ("decision:scheduled", {"comment": "缓议"}),
    ("decision", "approve"): ("decision:scheduled", {"comment": "同意"}),
    ("decision", "reject"): ("decision:scheduled", {"comment": "不同意"}),
    ("decision", "sign"): ("decision:approved", {}),
    ("decision", "publish"): ("decision:signed", {"channel": "石桥镇人民政府门户网站"}),
    # From a draft: the principal withdraws a draft he sees; nobody else but its author sees it.
    ("decision", "withdraw"): ("decision:draft", {"reason": "方案需重新论证"}),
    ("meeting", "hold"): ("meeting:planned", {"minutes": "会议纪要"}),
    ("meeting", "close"): ("meeting:held", {"comment": "结束"}),
    ("case", "file"): ("case:reported", lambda w, obj: {"officers": [w.town.u["o1"].pk, w.town.u["o2"].pk],
                                                        "comment": "予以立案"}),
    ("case", "decline"): ("case:reported", {"reason": "不属于本机关管辖"}),
    ("case", "transfer"): ("case:reported", {"to": "县公安局", "reason": "涉嫌犯罪，依法移送"}),
    ("case", "start_mediation"): ("case:investigating", {"comment": "双方同意调解"}),
    ("case", "propose_no_penalty"): ("case:investigating", {"ground": "facts_not_established",
                                                             "reason": "违法事实不能成立"}),
    ("case", "notify"): ("case:investigating", {"facts": "经查属实。", "legal_basis": "依据相关法律法规第三十六条",
                                                "proposed_fine": "500", "proposed_measures": [], "major": False}),
    ("case", "revoke_filing"): ("case:investigating", {"reason": "立案依据不足，撤销立案"}),
    ("case", "mediation_succeeded"): ("case:mediating", {"agreement": "双方和解", "violation_corrected": True}),
    ("case", "mediation_failed"): ("case:mediating", {"reason": "双方分歧较大"}),
    ("case", "record_waiver"): ("case:notified", {"scope": "both", "note": "当事人书面放弃"}),
    ("case", "request_hearing"): ("case:notified_hearing_eligible", {}),
    ("case", "schedule_hearing"): ("case:hearing_requested", lambda w, obj: {
        "presiding_officer": w.town.u["o3"].pk, "hearing_notice_on": w.today.isoformat(),
        "hearing_at": timezone.make_aware(datetime.datetime.combine(
            working_days_after(w.today, 10), datetime.time(9, 0))).isoformat()}),
    ("case", "finish_hearing"): ("case:hearing", {"hearing_record": "听证笔录：当事人陈述申辩。", "record_signed": True}),
    ("case", "submit_legal_review"): ("case:notified_windows_passed", {"comment": "提请法制审核"}),
    ("case", "pass_legal_review"): ("case:legal_review", {"opinion": "事实清楚，同意。"}),
    ("case", "return_legal_review"): ("case:legal_review", {"opinion": "证据不足，退回补充调查。"}),
    ("case", "submit_decision"): ("case:notified", {"waiver": True}),
    ("case", "decide"): ("case:deciding", {"outcome": "penalty", "fine": "500"}),
    ("case", "serve"): ("case:decided", {"method": "直接送达"}),
    ("case", "record_execution"): ("case:served_paid", {"detail": "罚款已缴纳"}),
    ("case", "record_remedy"): ("case:served", {"kind": "reconsideration", "body": "宝丰县人民政府"}),
    ("case", "demand_payment"): ("case:demanded_due", {"method": "直接送达"}),
    ("case", "apply_to_court"): ("case:demanded", {"court": "宝丰县人民法院"}),
    ("case", "record_court_result"): ("case:court_enforcement", {"outcome": "enforced", "note": "法院已执行"}),
    ("case", "close"): ("case:executed", {"summary": "结案"}),
    ("case", "acknowledge_spot_filing"): ("case:on_the_spot_collected", {}),
    ("case", "record_handover"): ("case:on_the_spot_collected", {"bank_receipt": "JK-1"}),
    ("case", "record_transfer_receipt"): ("case:transferred_filed", lambda w, obj: {
        "received_on": w.today.isoformat(), "receiver": "县公安局法制大队", "receipt_note": "已接收"}),
    ("petition", "accept"): ("petition:received", {}),
    ("petition", "decline"): ("petition:received", {"reason": "不属于信访事项"}),
    ("petition", "forward"): ("petition:received", {"to": "县自然资源局"}),
    ("petition", "send_to_village"): ("petition:accepted", lambda w, obj: {"village": w.village.pk,
                                                                           "mediator": w.m1_user.pk}),
    ("petition", "escalate_to_town"): ("petition:at_village", {"reason": "村级未能化解"}),
    ("petition", "reply"): ("petition:accepted", {"opinion": "经核查，予以支持。", "result": "support"}),
    ("petition", "notify_extension"): ("petition:extended", {"comment": "已告知"}),
    ("petition", "request_review"): ("petition:replied", {"organ": "县人民政府"}),
    ("petition", "record_review"): ("petition:review_requested", {"answer": "维持。", "decision": "upheld"}),
    ("petition", "record_service"): ("petition:replied", lambda w, obj: {"served_on": w.today.isoformat()}),
    ("petition", "close"): ("petition:replied", {"note": "办结"}),
    ("mediation", "start"): ("mediation:registered", lambda w, obj: {"mediators": [w.m1.pk], "consent": True}),
    ("mediation", "fail"): ("mediation:registered", {"routes_told": ["court"], "reason": "一方拒绝调解"}),
    ("mediation", "reach_agreement"): ("mediation:mediating", lambda w, obj: agreement(w)),
    ("mediation", "record_confirmation"): ("mediation:agreed", lambda w, obj: {
        "court": "宝丰县人民法院", "applied_on": w.today.isoformat(), "ruled_on": w.today.isoformat()}),
    ("mediation", "record_performance"): ("mediation:agreed", {"note": "已履行完毕", "fully_performed": True}),
    ("mediation", "close"): ("mediation:failed", {"comment": "归档"}),
}


def _flow_classes():
    """Every flow class of the four flow modules, found by looking, not listed by hand."""
    import importlib

    found = {}
    for module_name in ("review.flows", "cases.flows", "petitions.flows", "mediation.flows"):
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseFlow) and value is not BaseFlow \
                    and value.__module__ == module_name:
                found[value.process] = value
    return found


def test_the_table_names_every_transition_of_every_flow():
    """A transition added to a flow without a row in the role table (or a row naming no transition) fails here;
    and the matrix below has a source state and a body for every row."""
    flows = _flow_classes()
    assert flows == FLOWS, flows
    in_flows = {(process, name) for process, flow in flows.items() for name in flow.transition_names()}
    assert in_flows - set(R.TRANSITION_ROLES) == set(), "transitions without a row in TRANSITION_ROLES"
    assert set(R.TRANSITION_ROLES) - in_flows == set(), "rows of TRANSITION_ROLES naming no transition"
    for process in flows:  # each is fired through the one service with the process's forms
        assert get_process(process).flow is flows[process]
        assert set(get_process(process).forms) == {n for p, n in in_flows if p == process}
    assert set(MATRIX) == set(R.TRANSITION_ROLES)


def snapshot(obj):
    """What a refused transition must leave as it was: the object's row, the audit trail, the documents issued and
    the object's deadlines."""
    model = type(obj)
    return {
        "row": model.objects.filter(pk=obj.pk).values().get(),
        "audit": AuditEntry.objects.count(),
        "issued": IssuedDocument.objects.count(),
        "deadlines": list(Deadline.objects.filter(object_type=model._meta.label_lower, object_id=str(obj.pk))
                          .order_by("id").values_list("kind", "status", "due_date")),
    }


def attempt(client, url, data, obj, expected, who):
    """POST the transition in a savepoint rolled back at once: a success writes the transition's audit entry, a
    refusal (the error format of CONTRACT §5) changes nothing."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    entries = AuditEntry.objects.filter(object_type=type(obj)._meta.label_lower, object_id=str(obj.pk),
                                        transition=name)
    with transaction.atomic():
        before, fired_before = snapshot(obj), entries.count()
        response = client.post(url, data, format="json")
        assert response.status_code in expected, (who, response.status_code, response.content[:800].decode())
        if response.status_code == 200:
            assert entries.count() == fired_before + 1, who
        else:
            body = response.json()
            assert isinstance(body.get("error"), str) and body.get("detail"), (who, body)
            assert snapshot(obj) == before, who
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize(("process", "transition"), sorted(R.TRANSITION_ROLES))
def test_each_role_on_each_transition(world, process, transition):
    key, body = MATRIX[(process, transition)]
    obj = type(world.objects[key]).objects.get(pk=world.objects[key].pk)
    data = body(world, obj) if callable(body) else dict(body)
    url = f"/api/v1/{KINDS[process]}/{obj.pk}/transitions/{transition}/"
    allowed = R.TRANSITION_ROLES[(process, transition)]
    attempt(APIClient(), url, data, obj, {401}, "anonymous")
    for role in R.ALL_ROLES:
        user = world.actors[role]
        expected = {200} if role in allowed else {403, 404}
        attempt(world.client(user), url, data, obj, expected, role)
    for role, outsider in world.outsiders.items():
        if role in allowed:  # the role may, but not on this object
            attempt(world.client(outsider), url, data, obj, {403, 404}, f"{role} {outsider.username}")


# ==================================================================================================================
# 2. Object visibility: detail, records, documents, attachments, pages, lists, inboxes, exports
# ==================================================================================================================

SECRETS = {
    "case": (CASE_NAME, CASE_ID, CASE_PHONE),
    "petition": (PETITION_NAME, PETITION_ID, PETITION_PHONE),
    "mediation": (MEDIATION_NAME, MEDIATION_ID, MEDIATION_PHONE),
    "draft": (DRAFT_TITLE, DRAFT_BODY),
}
# Who must see each planted object (the positive control: the endpoints below are the right ones) and who must not.
SEERS = {
    "case": lambda w: [w.town.u["o1"], w.town.u["chief"], w.town.u["judicial"], w.town.u["principal"], w.admin],
    "petition": lambda w: [w.office, w.m2_user, w.town.u["principal"], w.town.u["judicial"], w.admin],
    "mediation": lambda w: [w.m2_user, w.office, w.town.u["judicial"], w.town.u["principal"], w.admin],
    "draft": lambda w: [w.drafter, w.town.u["principal"], w.admin],
}
OUTSIDERS = {
    # roles that do not see cases at all (workflows.roles "case.view")
    "case": ["drafter", "secretary", "chair", "office", "mediator-shiqiao", "mediator-hekou"],
    # another village's mediator; roles without "petition.view"
    "petition": ["mediator-shiqiao", "drafter", "secretary", "chair", "chief", "officer-o1"],
    # another committee's mediator; roles without "mediation.view"; an officer with no link to it
    "mediation": ["mediator-shiqiao", "drafter", "secretary", "chair", "officer-o1"],
    # another drafter and every role but the principal and the admin
    "draft": ["drafter-2", "judicial", "secretary", "chair", "chief", "officer-o1", "office", "mediator-shiqiao"],
}
OWNER = {"case": "cases", "petition": "petitions", "mediation": "mediations", "draft": "decisions"}


def user_named(world, username):
    return next(user for user in world.users if user.username == username)


def the_object(world, kind):
    return world.objects[f"secret:{kind}"]


def object_urls(world, kind) -> list[tuple[str, str, str, dict | None]]:
    """Every URL that shows or acts on the planted object: (api | web, method, url, body)."""
    obj = the_object(world, kind)
    pk = obj.pk
    owner = OWNER[kind]
    attachment = {"case": world.case_attachment, "petition": world.petition_attachment,
                  "mediation": world.mediation_attachment, "draft": world.draft_attachment}[kind]
    urls = [
        ("api", "get", reverse("api-documents", kwargs={"owner": owner, "pk": pk}), None),
        ("api", "get", reverse("object-attachments", kwargs={"owner": owner, "pk": pk}), None),
        ("api", "get", reverse("attachment-download", kwargs={"pk": attachment.pk}), None),
        ("api", "get", reverse("attachment-thumbnail", kwargs={"pk": attachment.pk}), None),
        ("web", "get", reverse("attachments:upload", kwargs={"owner": owner, "pk": pk}), None),
    ]
    urls += document_urls(world, kind)
    if kind == "case":
        urls += [("api", "get", reverse(name, kwargs={"pk": pk}), None) for name in (
            "case-detail", "case-self-check", "case-inquiries", "case-inspections", "case-payments",
            "case-payment-plans", "case-correction-orders")]
        urls += [("api", "get", reverse("case-file", kwargs={"pk": pk, "fmt": fmt}), None) for fmt in ("pdf", "zip")]
        urls += [
            ("api", "get", reverse("payment-plan-detail", kwargs={"pk": world.case_plan.pk}), None),
            ("api", "get", reverse("correction-order-detail", kwargs={"pk": world.case_order.pk}), None),
            ("api", "get", reverse("deadline-detail", kwargs={"pk": world.case_deadline.pk}), None),
            ("web", "get", reverse("inbox:deadline", args=[world.case_deadline.pk]), None),
            ("web", "get", reverse("inbox:deadline_adjust", args=[world.case_deadline.pk, "extend"]), None),
            ("web", "get", reverse("inbox:case_correct_date", args=[pk]), None),
            ("web", "get", reverse("cases:cases:plan_decision", args=[pk, world.case_plan.pk]), None),
            ("web", "get", reverse("cases:cases:correction_check", args=[pk, world.case_order.pk]), None),
            ("web", "get", reverse("cases:cases:correction_acknowledge", args=[pk, world.case_order.pk]), None),
            ("web", "get", reverse("cases:cases:transition", args=[pk, "record_execution"]), None),
        ]
        urls += [("web", "get", reverse(f"cases:cases:{name}", args=[pk]), None) for name in (
            "detail", "inquiry", "inspection", "publicity", "publicity_withdraw", "payment", "payment_plan",
            "correction_order")]
    elif kind == "petition":
        urls += [
            ("api", "get", reverse("petition-detail", kwargs={"pk": pk}), None),
            ("api", "post", reverse("petition-extension", kwargs={"pk": pk}), {"reason": "情况复杂", "days": 30}),
            ("api", "get", reverse("deadline-detail", kwargs={"pk": world.petition_deadline.pk}), None),
            ("web", "get", reverse("inbox:deadline", args=[world.petition_deadline.pk]), None),
            ("web", "get", reverse("petitions:petitions:detail", args=[pk]), None),
            ("web", "get", reverse("petitions:petitions:transition", args=[pk, "escalate_to_town"]), None),
        ]
    elif kind == "mediation":
        urls += [
            ("api", "get", reverse("mediation-detail", kwargs={"pk": pk}), None),
            ("web", "get", reverse("mediation:mediations:detail", args=[pk]), None),
            ("web", "get", reverse("mediation:mediations:work_record", args=[pk]), None),
            ("web", "get", reverse("mediation:mediations:transition", args=[pk, "reach_agreement"]), None),
        ]
    else:
        urls += [
            ("api", "get", reverse("decision-detail", kwargs={"pk": pk}), None),
            ("api", "get", reverse("decision-archive", kwargs={"pk": pk}), None),
            ("api", "patch", reverse("decision-detail", kwargs={"pk": pk}), {"body": "改写的正文"}),
            ("api", "post", reverse("decision-preparation", kwargs={"pk": pk}),
             {"kind": "expert_argumentation", "summary": "专家论证"}),
            ("api", "post", reverse("decision-party-committee", kwargs={"pk": pk}), {"required": True}),
            ("api", "post", reverse("decision-party-committee-report", kwargs={"pk": pk}),
             {"reported_on": world.today.isoformat(), "reference": "石办〔2026〕1号"}),
        ]
        urls += [("web", "get", reverse(f"review:decisions:{name}", args=[pk]), None) for name in (
            "detail", "change", "preparation", "party_committee", "archive")]
        urls += [("web", "get", reverse("review:decisions:transition", args=[pk, "submit_for_review"]), None)]
    return urls


def document_urls(world, kind):
    """The object's documents as its documents list gives them (the seer's view): every Word, PDF and print URL
    of the API and of the pages, a per-record document once per record."""
    from documents import files

    obj, owner = the_object(world, kind), OWNER[kind]
    urls = []
    for row in files.documents_of(obj):
        for fmt in row["formats"]:
            urls.append(("api", "get", files.file_url(owner, obj.pk, row["kind"], row["record_id"], fmt), None))
            urls.append(("web", "get", files.file_url(owner, obj.pk, row["kind"], row["record_id"], fmt, api=False),
                         None))
        urls.append(("web", "get", files.print_url(owner, obj.pk, row["kind"], row["record_id"]), None))
    assert urls, kind
    return urls


def call(world, user, channel, method, url, body=None):
    if channel == "api":
        client = world.client(user) if user is not None else APIClient()
        return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)
    client = world.web[user.pk] if user is not None else Client()
    return getattr(client, method)(url, body or {})


def text_of(response) -> str:
    """What a user reads in the answer: the text of a page or JSON, every cell of a workbook, the raw bytes
    otherwise (a Word or PDF file or a ZIP, which a refusal never is)."""
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if content[:2] == b"PK" and "spreadsheetml" in response.get("Content-Type", ""):
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    return content.decode("utf-8", errors="replace")


def assert_no_secret(kind, text, where):
    for secret in SECRETS[kind]:
        assert secret not in text, (where, secret)


def refused_with_nothing(world, kind, user, channel, method, url, body=None):
    with transaction.atomic():
        response = call(world, user, channel, method, url, body)
        where = (user.username, method, url)
        assert response.status_code in (403, 404), (*where, response.status_code, text_of(response)[:300])
        assert_no_secret(kind, text_of(response), where)
        transaction.set_rollback(True)


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_who_may_see_the_object_sees_it(world, kind):
    """The positive control: the planted secret is where the refusals below look for it, and the URLs are right."""
    obj = the_object(world, kind)
    name = SECRETS[kind][0]
    detail = {"case": "case-detail", "petition": "petition-detail", "mediation": "mediation-detail",
              "draft": "decision-detail"}[kind]
    page = {"case": "cases:cases:detail", "petition": "petitions:petitions:detail",
            "mediation": "mediation:mediations:detail", "draft": "review:decisions:detail"}[kind]
    for user in SEERS[kind](world):
        assert name in text_of(call(world, user, "api", "get", reverse(detail, kwargs={"pk": obj.pk}))), user
    seer = SEERS[kind](world)[0]
    assert name in text_of(call(world, seer, "web", "get", reverse(page, args=[obj.pk])))
    for channel, method, url, _body in object_urls(world, kind):
        if method != "get" or "file." in url or ".pdf" in url or ".zip" in url or ".docx" in url:
            continue  # writes are not tried as the seer; files are not rendered here (test_case_file etc.)
        response = call(world, seer, channel, method, url)
        # 409: a document not available yet; 405: a page that only takes POST (correction_acknowledge)
        assert response.status_code in (200, 405, 409), (seer.username, url, response.status_code)
    attachment = {"case": world.case_attachment, "petition": world.petition_attachment,
                  "mediation": world.mediation_attachment, "draft": world.draft_attachment}[kind]
    download = call(world, seer, "api", "get", reverse("attachment-download", kwargs={"pk": attachment.pk}))
    assert b"".join(download.streaming_content) == png_bytes()


@pytest.mark.parametrize(("kind", "username"), [(kind, name) for kind in sorted(OUTSIDERS) for name in OUTSIDERS[kind]])
def test_who_may_not_see_the_object_gets_403_or_404_and_none_of_its_data(world, kind, username):
    user = user_named(world, username)
    for channel, method, url, body in object_urls(world, kind):
        refused_with_nothing(world, kind, user, channel, method, url, body)


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_anonymous_gets_nothing(world, kind):
    for channel, method, url, body in object_urls(world, kind):
        response = call(world, None, channel, method, url, body)
        expected = (401, 403) if channel == "api" else (302,)
        assert response.status_code in expected, (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url
        assert_no_secret(kind, text_of(response), url)


LISTS = {
    "case": [("api", "case-list"), ("web", "cases:cases:index")],
    "petition": [("api", "petition-list"), ("web", "petitions:petitions:index")],
    "mediation": [("api", "mediation-list"), ("web", "mediation:mediations:index")],
    "draft": [("api", "decision-list"), ("web", "review:decisions:index")],
}


def list_urls(kind):
    """The object's lists as JSON, page and XLSX export (`?format=xlsx` of the API, `export=xlsx` of the page), and
    every user's inbox (API and home page)."""
    urls = []
    for channel, name in LISTS[kind]:
        url = reverse(name)
        urls += [(channel, url), (channel, url + ("?format=xlsx" if channel == "api" else "?export=xlsx"))]
    if kind == "case":  # the publicity list (处罚法 Art 48) names the cases it manages
        urls.append(("api", reverse("publicity-list")))
    return urls + [("api", reverse("inbox")), ("web", reverse("inbox:index"))]


@pytest.mark.parametrize(("kind", "username"), [(kind, name) for kind in sorted(OUTSIDERS) for name in OUTSIDERS[kind]])
def test_lists_inboxes_and_exports_leave_out_what_a_user_may_not_see(world, kind, username):
    user = user_named(world, username)
    obj = the_object(world, kind)
    for channel, url in list_urls(kind):
        response = call(world, user, channel, "get", url)
        assert response.status_code in (200, 403, 404), (username, url, response.status_code)
        text = text_of(response)
        assert_no_secret(kind, text, (username, url))
        if response.status_code == 200 and channel == "api" and "format=" not in url and url != reverse("inbox"):
            data = response.json()
            rows = data["results"] if isinstance(data, dict) else data
            assert obj.pk not in [row.get("id", row.get("case")) for row in rows], (username, url)


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_lists_show_the_object_to_who_may_see_it_with_the_id_number_masked(world, kind):
    """The positive control of the lists, and CONTRACT §5 / DESIGN §3: ID numbers are masked in lists, so the full
    number of a party or petitioner never appears in a list, a page of the list or its export."""
    obj = the_object(world, kind)
    for user in SEERS[kind](world):
        for channel, url in list_urls(kind)[:4]:
            response = call(world, user, channel, "get", url)
            text = text_of(response)
            if channel == "api" and "format=" not in url:  # the JSON list: the row is there
                assert obj.pk in [row["id"] for row in response.json()["results"]], (user.username, url)
            else:  # the page and the exports name the party or the draft's title, or give the petition's number
                assert SECRETS[kind][0] in text or (kind == "petition" and obj.number in text), (user.username, url)
            if kind != "draft":
                assert SECRETS[kind][1] not in text, (user.username, url, "full ID number in a list")


PERSONAL_DATA_BLIND = ["drafter", "chair", "principal", "chief", "officer-o1"]  # not "network.personal_data"


def test_the_personal_data_of_the_legal_network_only_for_the_roles_that_see_it(world):
    """法律明白人 and advisers' phones (workflows.roles "network.personal_data"): hidden from the other roles in the
    API, its export and the register page with its export; shown to the judicial office."""
    detail = reverse("legal-literate-detail", kwargs={"pk": world.literate.pk})
    urls = [("api", detail), ("api", reverse("legal-literate-list")),
            ("api", reverse("legal-literate-list") + "?format=xlsx"),
            ("web", reverse("network:literates:index")), ("web", reverse("network:literates:index") + "?export=xlsx")]
    for username in PERSONAL_DATA_BLIND:
        user = user_named(world, username)
        for channel, url in urls:
            response = call(world, user, channel, "get", url)
            assert response.status_code == 200, (username, url, response.status_code)
            text = text_of(response)
            assert "孙明白" in text and LITERATE_PHONE not in text, (username, url)
    for channel, url in urls:
        assert LITERATE_PHONE in text_of(call(world, world.town.u["judicial"], channel, "get", url)), url


CASE_BLIND = ["drafter", "secretary", "chair", "office", "mediator-shiqiao"]  # no "case.view"


def test_the_officers_phones_only_for_the_roles_that_work_on_cases(world):
    """The officer list (API, its export, the page and its export) carries the officers' phones: 403 for a role
    that does not work on cases, as the page always was; shown to the brigade chief."""
    urls = [("api", reverse("officer-list")), ("api", reverse("officer-list") + "?format=xlsx"),
            ("web", reverse("cases:officers:index")), ("web", reverse("cases:officers:index") + "?export=xlsx")]
    for username in CASE_BLIND:
        user = user_named(world, username)
        for channel, url in urls:
            response = call(world, user, channel, "get", url)
            assert response.status_code == 403, (username, url, response.status_code)
            assert OFFICER_PHONE not in text_of(response), (username, url)
    for channel, url in urls:
        assert OFFICER_PHONE in text_of(call(world, world.town.u["chief"], channel, "get", url)), url


# --- every URL that takes an object id is checked above or exempted here, with the reason ---------------------

EXEMPT = {
    # The audited reveal of full ID numbers and phones (POST; each call writes an audit entry): who may and may not
    # call it, and that a refusal writes nothing, is tests/test_personal_data.py's (403 without the role, 404 for an
    # object the user cannot see, 401 anonymous).
    **{name: "POST reveal, tests/test_personal_data.py" for name in (
        "case-personal-data", "petition-personal-data", "mediation-personal-data", "cases:cases:personal_data",
        "petitions:petitions:personal_data", "mediation:mediations:personal_data")},
    "meeting-detail": "meetings are open to every signed-in user (review.documents.may_view)",
    "meeting-transitions": "meetings are open to every signed-in user; transitions: test_each_role_on_each_transition",
    "review:meetings:detail": "meetings are open to every signed-in user",
    "review:meetings:transition": "meetings are open to every signed-in user",
    "decision-transitions": "test_each_role_on_each_transition",
    "case-transitions": "test_each_role_on_each_transition",
    "petition-transitions": "test_each_role_on_each_transition",
    "mediation-transitions": "test_each_role_on_each_transition",
    "case-correct-date": "POST, the brigade chief only (403 before the input; tests/test_deadlines)",
    "case-publicity": "POST, case.publicity roles (service require)",
    "payment-plan-approve": "POST, the principal only (case.payment_plan.approve)",
    "payment-plan-reject": "POST, the principal only (case.payment_plan.approve)",
    "correction-order-acknowledge": "POST, the brigade chief only (case.correction_acknowledge)",
    "correction-order-verify": "POST, the case's officers only (case.correction_order)",
    "publicity-publish": "POST, case.publicity roles",
    "publicity-withdraw": "POST, case.publicity roles",
    "mediation-report": "POST, mediation.report_violation roles on a visible mediation (services.get_visible)",
    "mediation-work-records": "POST, mediation.work_record on a visible mediation (services.get_visible)",
    "violation-type-detail": "the violation catalogue: public reference data, no personal data",
    "deadline-rule-detail": "the deadline table: configuration, no object",
    "notification-read": "a user's own messages only (NotificationViewSet.get_queryset: recipient=user)",
    "inbox:message_read": "a user's own messages only (404 for another's)",
    "deadline-adjustments": "POST: asks on a deadline the user may see (_visible_deadline, checked via deadline-detail)",
    "deadline-adjustment-detail": "requests the user decides or made (DeadlineAdjustmentViewSet.get_queryset); no "
                                  "personal data",
    "deadline-adjustment-approve": "POST: the rule's escalation role decides (notifications.adjustments)",
    "deadline-adjustment-reject": "POST: the rule's escalation role decides (notifications.adjustments)",
    "inbox:deadline_decide": "the rule's escalation role decides (notifications.adjustments)",
    "legal-adviser-detail": "the legal network: every staff role (network.view); phones: test_the_personal_data_…",
    "activity-detail": "the legal network's activities: every staff role (network.view)",
    "network:advisers:edit": "network.edit roles; every staff role sees the register",
    "network:literates:edit": "network.edit roles; every staff role sees the register",
    "network:activities:detail": "every staff role (network.view)",
    "network:activities:edit": "activity.create roles",
    "reports:circular": "the weekly circular: supervision.view roles, figures only (no personal data)",
}
ID_GROUP = re.compile(r"<int:(pk|record|plan_pk|order_pk)>|\(\?P<(pk|record|plan_pk|order_pk)>")


def object_routes():
    """(view name with its namespaces, route) of every URL of the site that takes an object's id."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and entry.name and ID_GROUP.search(prefix + str(entry.pattern)):
                route = prefix + str(entry.pattern)
                if not route.startswith("admin/") and "<drf_format_suffix" not in route \
                        and r"\.(?P<format>" not in route:
                    found.append((namespace + entry.name, route))

    walk(get_resolver().url_patterns)
    return found


def test_every_object_url_is_checked_or_exempted(world):
    checked = set()
    for kind in SECRETS:
        for _channel, _method, url, _body in object_urls(world, kind):
            checked.add(resolve(url.split("?")[0]).view_name)
    checked.add("legal-literate-detail")
    routes = object_routes()
    assert len(routes) > 40, routes  # the walk found the site's routes
    missing = sorted({name for name, _route in routes} - checked - set(EXEMPT))
    assert missing == [], "URLs taking an object id, neither checked by this module nor exempted with a reason"
    assert not set(EXEMPT) & checked, "exempted and checked both"


# ==================================================================================================================
# 3. The API's schema and its Swagger UI: only after login
# ==================================================================================================================

@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/schema/?format=json", "/api/v1/docs/"])
def test_the_api_schema_and_docs_only_after_login(world, url):
    anonymous = Client().get(url)
    assert anonymous.status_code in (401, 403) or (
        anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")), anonymous.status_code
    assert b"/api/v1/cases/" not in anonymous.content and b"openapi" not in anonymous.content
    assert APIClient().get(url).status_code in (401, 403)
    assert world.client(world.drafter).get(url).status_code == 200  # token
    assert world.web[world.drafter.pk].get(url).status_code == 200  # the browser's session

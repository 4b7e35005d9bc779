"""People's mediation (人民调解) as a flow: registered → mediating → agreed (→ confirmed) | failed → closed.

Statute: 人民调解法 (2010). Each rule below names its article and whether the statute or local practice fixes it.
The states and the transitions are CONTRACT §8; who may fire them is workflows.roles.TRANSITION_ROLES, and a
mediator acts only on the mediations of their own committee (object_permission).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseState
from documents.services import issue
from notifications.deadlines import close_deadlines, open_deadline
from notifications.services import notify_users
from workflows import audit, roles
from workflows.base_flow import BaseFlow, model_state, refuse
from workflows.errors import InvalidInput, Message, NotPermitted, RuleViolation, bilingual

from .models import Mediation, MediationState as S, Mediator, PerformanceFollowUp

# Art 17 (statute): 当事人一方明确拒绝调解的，不得调解 — mediation needs every party's consent.
A17_NO_CONSENT = _("Every party must consent to mediation: if one party refuses, there is no mediation "
                   "(人民调解法 Art 17). Record the refusal with “Mediation failed” and tell the parties their routes.")
A19_NO_MEDIATOR = _("Name at least one mediator of this committee (人民调解法 Art 19).")
A19_WRONG_COMMITTEE = _("{name} is not an active mediator of {committee} or of the town committee "
                        "(人民调解法 Art 19).")
# Art 29 (statute): a written agreement states (1) the parties' basic details, (2) the main facts, the disputed
# matters and each party's responsibility, (3) the content agreed and the manner and deadline of performance.
A29_MISSING = _("A written mediation agreement must state {item} (人民调解法 Art 29).")
A29_ITEMS = {
    "facts": _("the main facts of the dispute and the disputed matters"),
    "responsibilities": _("each party's responsibility"),
    "terms": _("the content agreed"),
    "performance_manner": _("the manner of performance"),
    "performance_due_on": _("the deadline of performance"),
}
A29_PARTY_DETAILS = _("A written mediation agreement names each party's basic details: {name} has no address or "
                      "ID number (人民调解法 Art 29).")
# Art 28 (statute): an oral agreement is recorded by the mediator (the terms at least); Art 30: it takes effect
# when the parties reach it.
A28_ORAL_TERMS = _("Record the content of the oral agreement (人民调解法 Art 28).")
A30_ORAL_EFFECTIVE = _("An oral agreement takes effect on the day the parties reach it (人民调解法 Art 30).")
A29_EFFECTIVE = _("The agreement cannot take effect before it is reached or after today: it takes effect when the "
                  "parties and the mediator sign it and the committee seals it (人民调解法 Art 29 ¶2).")
PERFORMANCE_BEFORE_AGREEMENT = _("The performance date cannot lie before the agreement takes effect.")
DATE_IN_FUTURE = _("The date cannot lie in the future.")
DATE_BEFORE_START = _("The date cannot lie before the mediation started ({day}).")
# Art 26 (statute): 调解不成的，应当终止调解，并…告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利.
A26_ROUTES = _("Record which routes the parties were told of: arbitration, administrative handling or a lawsuit "
               "(人民调解法 Art 26).")
# Art 33 (statute): the joint application to the court within 30 days of the agreement's effect.
A33_ORAL = _("Judicial confirmation needs a written agreement: record the oral agreement in writing first "
             "(人民调解法 Art 33; 民事诉讼法 Art 205).")
A33_LATE = _("The application for judicial confirmation was made on {applied}, after the 30 days of Art 33 "
             "(last day {due}): the court does not confirm it; the parties may sue on the agreement (人民调解法 Art 33).")
A33_BEFORE_EFFECT = _("The application cannot precede the agreement's effect ({day}).")
RULING_BEFORE_APPLICATION = _("The ruling cannot precede the application.")
A31_PERFORMANCE_FIRST = _("The file is closed once a follow-up found the agreement performed in full, or a party "
                          "refusing to perform (人民调解法 Art 31-32): record that follow-up first.")
FOLLOW_UP_SETTLED = _("A follow-up already found the agreement performed in full, or a party refusing to perform: "
                      "close the file (人民调解法 Art 31).")
FOLLOW_UP_BEFORE_AGREEMENT = _("The follow-up cannot lie before the agreement took effect.")
PERFORMED_AND_REFUSED = _("A follow-up finds the agreement either performed in full or refused, not both.")
# Art 32 (statute): 经人民调解委员会调解达成调解协议后，当事人之间就调解协议的履行或者调解协议的内容发生争议的，
# 一方当事人可以向人民法院提起诉讼.
A32_ROUTES = _("A party refuses to perform: record which routes the parties were told of — a lawsuit over the "
               "agreement (人民调解法 Art 32), or enforcement of a confirmed agreement by the court (Art 33).")
NOT_YOUR_COMMITTEE = _("Only the mediators of {committee} act on this mediation.")

CASE_AGREED = _("People's mediation {number} reached an agreement: decide whether the violation is corrected "
                "(“Mediation succeeded”) — the agreement does not end the case by itself.")
CASE_FAILED = _("People's mediation {number} ended without agreement: continue the investigation "
                "(“Mediation failed”).")


def _mediator_user_committee(user):
    """The committee whose register names this user as an active mediator, or None."""
    mediator = Mediator.objects.filter(user=user, active=True).select_related("committee").first()
    return mediator.committee if mediator else None


def acts_on(user, mediation) -> bool:
    """Whether `user` is a mediator who acts on `mediation`: an active mediator of its committee, or one named on
    it (Art 19: the committee names its mediators; local practice lets the town committee's assist, 大事不出镇)."""
    committee = _mediator_user_committee(user)
    if committee is not None and committee.pk == mediation.committee_id:
        return True
    return mediation.mediators.filter(user=user, active=True).exists()


def sees_all(user) -> bool:
    """Roles that see every mediation (the judicial office guides people's mediation, 人民调解法 Art 5)."""
    return roles.has_role(user, roles.PETITION_OFFICE, roles.JUDICIAL_OFFICE, roles.PRINCIPAL, roles.ADMIN)


class MediationFlow(BaseFlow):
    process = "mediation"
    state = model_state(S, S.REGISTERED)

    @state.transition(source=S.REGISTERED, target=S.MEDIATING, label=_("Start mediation"),
                      permission=roles.permission("mediation", "start"))
    def start(self, mediators, consent, consent_note="", started_on=None):
        """Art 17 (statute): every party consents, else no mediation (409). Art 19: the committee names one or more
        mediators — of this committee, or of the town committee assisting (local practice: 大事不出镇)."""
        mediation = self.obj
        if consent is not True:
            raise RuleViolation(A17_NO_CONSENT, rule="人民调解法 Art 17")
        if not mediators:
            raise InvalidInput(A19_NO_MEDIATOR, fields={"mediators": [bilingual(A19_NO_MEDIATOR)]})
        for mediator in mediators:
            if not mediator.active or (mediator.committee_id != mediation.committee_id
                                       and mediator.committee.level != mediator.committee.Level.TOWN):
                message = Message(A19_WRONG_COMMITTEE, name=mediator.name, committee=mediation.committee)
                raise InvalidInput(message, fields={"mediators": [bilingual(message)]})
        started_on = started_on or timezone.localdate()
        self._not_future(started_on, "started_on")
        if started_on < mediation.registered_on:
            message = Message(DATE_BEFORE_START, day=mediation.registered_on.isoformat())
            raise InvalidInput(message, fields={"started_on": [bilingual(message)]})
        mediation.consent_note = consent_note or ""
        mediation.started_on = started_on
        mediation.mediators.set(mediators)

    @state.transition(source=S.MEDIATING, target=S.AGREED, label=_("Record the agreement"),
                      permission=roles.permission("mediation", "reach_agreement"))
    def reach_agreement(self, terms, oral=False, effective_on=None, performance_due_on=None, facts="",
                        responsibilities="", performance_manner="", agreed_on=None):
        """Art 28-30. A written agreement (oral false) states every item of Art 29 and names each party's details;
        it takes effect on `effective_on` (signed and sealed, Art 29 ¶2), which opens the 30 days of Art 33 for the
        joint application for judicial confirmation (deadline `mediation.confirmation`, rolled past a rest day). An
        oral agreement (Art 28) takes effect when reached (Art 30). `performance_due_on` opens
        `mediation.performance` (Art 31: the committee follows up the performance)."""
        mediation = self.obj
        agreed_on = agreed_on or timezone.localdate()
        self._not_future(agreed_on, "agreed_on")
        self._not_before_start(agreed_on, "agreed_on")
        if oral:
            if not (terms or "").strip():
                raise InvalidInput(A28_ORAL_TERMS, fields={"terms": [bilingual(A28_ORAL_TERMS)]})
            effective_on = effective_on or agreed_on
            if effective_on != agreed_on:
                raise InvalidInput(A30_ORAL_EFFECTIVE, fields={"effective_on": [bilingual(A30_ORAL_EFFECTIVE)]})
        else:
            given = {"facts": facts, "responsibilities": responsibilities, "terms": terms,
                     "performance_manner": performance_manner, "performance_due_on": performance_due_on}
            missing = {name: [bilingual(Message(A29_MISSING, item=A29_ITEMS[name]))]
                       for name, value in given.items() if not (str(value).strip() if value is not None else "")}
            if missing:
                first = next(iter(missing))
                raise InvalidInput(Message(A29_MISSING, item=A29_ITEMS[first]), rule="人民调解法 Art 29",
                                   fields=missing)
            for party in mediation.parties.all():
                if not (party.address.strip() or party.id_number.strip()):
                    raise RuleViolation(Message(A29_PARTY_DETAILS, name=party.name), rule="人民调解法 Art 29")
            effective_on = effective_on or agreed_on
            if effective_on < agreed_on or effective_on > timezone.localdate():
                raise InvalidInput(A29_EFFECTIVE, fields={"effective_on": [bilingual(A29_EFFECTIVE)]})
        if performance_due_on is not None and performance_due_on < effective_on:
            raise InvalidInput(PERFORMANCE_BEFORE_AGREEMENT,
                               fields={"performance_due_on": [bilingual(PERFORMANCE_BEFORE_AGREEMENT)]})
        mediation.oral = bool(oral)
        mediation.terms, mediation.facts = terms, facts or ""
        mediation.responsibilities, mediation.performance_manner = responsibilities or "", performance_manner or ""
        mediation.performance_due_on = performance_due_on
        mediation.agreed_on, mediation.effective_on = agreed_on, effective_on
        if not oral:  # Art 33: only a written agreement goes to the court for confirmation
            open_deadline(mediation, "mediation.confirmation", effective_on)
        if performance_due_on is not None:
            open_deadline(mediation, "mediation.performance", performance_due_on)

    @state.transition(source=[S.REGISTERED, S.MEDIATING], target=S.FAILED, label=_("Mediation failed"),
                      permission=roles.permission("mediation", "fail"))
    def fail(self, routes_told, reason, failed_on=None):
        """Art 26 (statute): mediation that fails ends, and the parties are told the routes of arbitration,
        administrative handling or a lawsuit (at least one recorded, else 400). From `registered` too: a party
        refused mediation (Art 17)."""
        if not routes_told:
            raise InvalidInput(A26_ROUTES, rule="人民调解法 Art 26", fields={"routes_told": [bilingual(A26_ROUTES)]})
        mediation = self.obj
        failed_on = failed_on or timezone.localdate()
        self._not_future(failed_on, "failed_on")
        if failed_on < mediation.registered_on:
            message = Message(DATE_BEFORE_START, day=mediation.registered_on.isoformat())
            raise InvalidInput(message, fields={"failed_on": [bilingual(message)]})
        mediation.routes_told = sorted(set(routes_told))
        mediation.failure_reason, mediation.failed_on = reason, failed_on

    @state.transition(source=S.AGREED, target=S.CONFIRMED, label=_("Record the judicial confirmation"),
                      conditions=[lambda flow: flow._written()],
                      permission=roles.permission("mediation", "record_confirmation"))
    def record_confirmation(self, court, applied_on, ruled_on, ruling_number=""):
        """Art 33 (statute): the parties applied jointly within 30 days of the agreement's effect and the court
        confirmed the agreement as valid (确认调解协议有效). An application after the 30 days is refused (409)."""
        mediation = self.obj
        self._not_future(ruled_on, "ruled_on")
        if applied_on < mediation.effective_on:
            message = Message(A33_BEFORE_EFFECT, day=mediation.effective_on.isoformat())
            raise InvalidInput(message, fields={"applied_on": [bilingual(message)]})
        if ruled_on < applied_on:
            raise InvalidInput(RULING_BEFORE_APPLICATION,
                               fields={"ruled_on": [bilingual(RULING_BEFORE_APPLICATION)]})
        due = self._confirmation_due()
        if due is not None and applied_on > due:
            raise RuleViolation(Message(A33_LATE, applied=applied_on.isoformat(), due=due.isoformat()),
                                rule="人民调解法 Art 33")
        mediation.confirmation_court, mediation.confirmation_applied_on = court, applied_on
        mediation.confirmation_ruled_on, mediation.confirmation_ruling_number = ruled_on, ruling_number or ""
        close_deadlines(mediation, "mediation.confirmation", closed_on=applied_on)

    @state.transition(source=[S.AGREED, S.CONFIRMED], label=_("Record a performance follow-up"),
                      conditions=[lambda flow: flow._not_yet_settled()],
                      permission=roles.permission("mediation", "record_performance"))
    def record_performance(self, note, followed_up_on=None, fully_performed=False, refused=False, routes_told=None):
        """Art 31 (statute): the committee supervises the performance of the agreement and urges the parties to
        perform. Each call records ONE follow-up (mediation.PerformanceFollowUp, kept in date order): the day of
        the follow-up `followed_up_on` (the API's older name `performed_on` is read as it), what was found (`note`),
        and `fully_performed` (yes/no, default no). The state does not change — the transition with a flag was
        chosen over a separate action so that every follow-up goes through the one role table, audit and history.

        - `fully_performed` true: the agreement is performed; `performed_on` is set to that day, the deadline
          `mediation.performance` closes and the file may be closed (`close`).
        - `refused` true (a party refuses to perform): needs `routes_told` (at least one; Art 32, statute: a party may
          sue over the performance or the content of the agreement; a judicially confirmed agreement may go to
          the court for enforcement, Art 33 ¶2). The committee's follow-up ends there: the deadline closes and the
          file may be closed (local practice: the committee does not keep supervising a refusal it cannot compel).
        - neither: the follow-up is recorded, the deadline stays open and `close` stays refused.

        Refuses: 400 for a date in the future or before the agreement took effect, both flags at once, or a refusal
        without routes; 409 once a follow-up found it performed in full or refused (no further follow-up)."""
        mediation = self.obj
        followed_up_on = followed_up_on or timezone.localdate()
        self._not_future(followed_up_on, "followed_up_on")
        if mediation.effective_on and followed_up_on < mediation.effective_on:
            raise InvalidInput(FOLLOW_UP_BEFORE_AGREEMENT,
                               fields={"followed_up_on": [bilingual(FOLLOW_UP_BEFORE_AGREEMENT)]})
        if fully_performed and refused:
            raise InvalidInput(PERFORMED_AND_REFUSED, fields={"refused": [bilingual(PERFORMED_AND_REFUSED)]})
        routes_told = sorted(set(routes_told or []))
        if refused and not routes_told:
            raise InvalidInput(A32_ROUTES, rule="人民调解法 Art 32", fields={"routes_told": [bilingual(A32_ROUTES)]})
        PerformanceFollowUp.objects.create(
            mediation=mediation, followed_up_on=followed_up_on, findings=note, fully_performed=bool(fully_performed),
            refused=bool(refused), routes_told=routes_told if refused else [], recorded_by=self.user)
        mediation.performance_note = note
        if fully_performed:
            mediation.performed_on = followed_up_on
        if fully_performed or refused:
            close_deadlines(mediation, "mediation.performance", closed_on=followed_up_on)

    @state.transition(source=[S.AGREED, S.CONFIRMED, S.FAILED], target=S.CLOSED, label=_("Close the file"),
                      conditions=[lambda flow: flow._performance_followed()],
                      permission=roles.permission("mediation", "close"))
    def close(self, comment=""):
        """The file is closed (Art 27: the committee keeps the mediation file). An agreement is closed once a
        follow-up found it performed in full, or a party refusing to perform with the routes told (Art 31-32;
        local practice: that follow-up is the condition); 409 before."""
        self.obj.closed_on = timezone.localdate()
        close_deadlines(self.obj, "mediation.confirmation", "mediation.performance", status="cancelled")

    # --- what follows a step ------------------------------------------------------------------------

    def after_transition(self, name):
        """The documents the step issues, and the news to the linked case or petition when the mediation ends."""
        mediation = self.obj
        if name == "reach_agreement":
            issue("oral_agreement_record" if mediation.oral else "mediation_agreement", mediation, user=self.user,
                  on=mediation.agreed_on, client_ip=self.client_ip, locked=True)  # fire_transition's lock
        if name in ("reach_agreement", "fail"):
            self._tell_links(agreed=name == "reach_agreement")

    def _tell_links(self, agreed: bool):
        """The source case or petition learns the outcome. A case (C8): the agreement settles the civil dispute
        but does not decide the administrative case; the entry goes into the case's history and its officers are
        told, and they fire `mediation_succeeded` (the violation corrected?) or `mediation_failed` themselves
        (处罚法: the agency decides the case, not the committee). A petition: petitions.services records it."""
        mediation = self.obj
        summary = mediation.terms if agreed else mediation.failure_reason
        case = mediation.case
        if case is not None:
            audit.record(case, transition="people_mediation_agreed" if agreed else "people_mediation_failed",
                         source=case.state, target=case.state, user=self.user, client_ip=self.client_ip,
                         fields={"mediation": mediation.pk, "number": mediation.number or ""}, comment=summary)
            if case.state == CaseState.MEDIATING:
                text = Message(CASE_AGREED if agreed else CASE_FAILED, number=mediation.number or "")
                notify_users(list(case.officers.filter(is_active=True)), str(text), link=case.page_path())
        if mediation.petition_id:
            record_petition_outcome(mediation.petition, agreed=agreed, summary=summary, user=self.user)

    # --- guards -----------------------------------------------------------------------------------

    def object_permission(self, transition, user) -> bool:
        """A mediator acts on the mediations of their own committee only; the judicial office on all."""
        if roles.has_role(user, roles.JUDICIAL_OFFICE):
            return True
        return acts_on(user, self.obj)

    def object_refusal(self, transition):
        return NotPermitted(Message(NOT_YOUR_COMMITTEE, committee=self.obj.committee), rule="roles")

    def _written(self):
        return refuse(not self.obj.oral, RuleViolation(A33_ORAL, rule="人民调解法 Art 33"))

    def _settled(self) -> bool:
        """Whether a follow-up found the agreement performed in full, or a party refusing to perform."""
        mediation = self.obj
        return mediation.performed_on is not None or mediation.follow_ups.filter(refused=True).exists()

    def _performance_followed(self):
        return refuse(self.obj.state == S.FAILED or self._settled(),
                      RuleViolation(A31_PERFORMANCE_FIRST, rule="人民调解法 Art 31"))

    def _not_yet_settled(self):
        return refuse(not self._settled(), RuleViolation(FOLLOW_UP_SETTLED, rule="人民调解法 Art 31"))

    def _confirmation_due(self):
        from notifications.models import Deadline

        deadline = (Deadline.objects.filter(object_type="mediation.mediation", object_id=self.obj.pk,
                                            kind="mediation.confirmation").order_by("-id").first())
        return deadline.due_date if deadline else None

    @staticmethod
    def _not_future(day, field):
        if day > timezone.localdate():
            raise InvalidInput(DATE_IN_FUTURE, fields={field: [bilingual(DATE_IN_FUTURE)]})

    def _not_before_start(self, day, field):
        started = self.obj.started_on
        if started and day < started:
            message = Message(DATE_BEFORE_START, day=started.isoformat())
            raise InvalidInput(message, fields={field: [bilingual(message)]})


def record_petition_outcome(petition, *, agreed: bool, summary: str, user) -> bool:
    """Tell the petitions app the outcome of a mediation opened from a petition, through
    petitions.services.record_mediation_outcome (the petitions app's service). Returns False, doing nothing,
    while that service does not exist yet (the petitions app is built in parallel)."""
    try:
        from petitions import services as petition_services
    except ImportError:
        return False
    record = getattr(petition_services, "record_mediation_outcome", None)
    if record is None:
        return False
    record(petition, agreed=agreed, summary=summary, user=user)
    return True


__all__ = ["MediationFlow", "Mediation", "acts_on", "record_petition_outcome", "sees_all"]

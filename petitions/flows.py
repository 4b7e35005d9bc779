"""The petition flow (信访, CONTRACT §8, DESIGN §11): received → accepted | not_accepted | forwarded; accepted →
at_village (village first) → handling (escalated to the town); → replied (信访处理意见书) → review_requested
(复查, then 复核) → reviewed → closed. Statute: 信访工作条例 (2022), "条例" below.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from documents.services import issue
from notifications.deadlines import close_deadlines, deadlines_of, open_deadline, reanchor
from notifications.models import Deadline
from notifications.services import notify_users
from workflows import roles
from workflows.base_flow import BaseFlow, model_state, refuse
from workflows.errors import InvalidInput, Message, NotPermitted, RuleViolation
from workflows.numbering import next_number

from .models import PetitionReview, PetitionState as S

# Rule texts, one place; each names its source (statute or local practice).
A36_FINAL = _("The same facts were re-reviewed already ({number}): a petition on them is not accepted again "
              "(条例 Art 36 ¶3).")
DATE_IN_FUTURE = _("{field} cannot lie in the future (today is {today}).")
DATE_BEFORE = _("{field} cannot lie before {event} ({day}).")
A35_WINDOW_PASSED = _("The petitioner's 30 days to ask for a review ran out on {due} (条例 Art 35–36): the request "
                      "made on {day} is late.")
A35_NOT_ANSWERED = _("The petition was never answered in writing: there is no answer to review (条例 Art 35).")
A36_NO_THIRD_ROUND = _("After the re-review (复核) the matter is final: there is no further review (条例 Art 36 ¶3).")
A34_NOT_EXTENDED = _("The handling period has not been extended: the principal approves an extension first "
                     "(条例 Art 34).")
A34_TOLD_ALREADY = _("The petitioner was told of the extension already.")
A34_NO_HANDLING = _("The handling period is not running: only a running period is extended (条例 Art 34).")
MEDIATOR_NOT_HERE = _("Only the mediator the petition was sent to, or the petition office, acts on it at the village.")
MEDIATOR_NOT_A_MEDIATOR = _("The village mediator must hold the mediator role.")

A35_NO_WINDOW = _("The petitioner's 30 days to ask for a review are not running: there is no answer awaiting "
                  "a request (条例 Art 35–36).")

REVIEW_WINDOW = "petition.review_request"
PETITION_NUMBER_FORMAT_DEFAULT = "{town}信〔{year}〕{seq}号"


def petition_number_format() -> str:
    """The registration number's pattern (a yearly series, scope "petition"; an admin may replace it)."""
    return getattr(settings, "PETITION_NUMBER_FORMAT", PETITION_NUMBER_FORMAT_DEFAULT)


def check_day(field_label, value: datetime.date, *, after: datetime.date | None = None, after_label="",
              input_name: str) -> datetime.date:
    """A business date of a step: not in the future, not before the event it follows. InvalidInput (400)."""
    today = timezone.localdate()
    if value > today:
        raise InvalidInput(Message(DATE_IN_FUTURE, field=field_label, today=today),
                           fields={input_name: [str(Message(DATE_IN_FUTURE, field=field_label, today=today))]})
    if after is not None and value < after:
        message = Message(DATE_BEFORE, field=field_label, event=after_label, day=after)
        raise InvalidInput(message, fields={input_name: [str(message)]})
    return value


def served_day(served_on, answered: datetime.date) -> datetime.date:
    """The day the petitioner received the written answer (条例 Art 35 ¶1, 36 ¶1: 收到书面答复之日): `served_on`,
    or the answer's day when empty (handed over on the spot). 400 before the answer or in the future."""
    return check_day(_("Received by the petitioner on"), served_on or answered, after=answered,
                     after_label=_("the written answer"), input_name="served_on")


def repeat_refusal(petition):
    """条例 Art 36 ¶3 (statute): a petition naming an earlier one whose facts were re-reviewed is not accepted."""
    earlier = petition.repeat_of
    while earlier is not None:
        if earlier.final:
            return RuleViolation(Message(A36_FINAL, number=earlier.number or f"#{earlier.pk}"), rule="Art 36")
        earlier = earlier.repeat_of
    return None


def open_review_window(petition) -> Deadline | None:
    return next((d for d in deadlines_of(petition).filter(kind=REVIEW_WINDOW)
                 if d.status == Deadline.Status.OPEN), None)


class PetitionFlow(BaseFlow):
    process = "petition"
    state = model_state(S, S.RECEIVED)

    # --- acceptance (条例 Art 21–23) ------------------------------------------------------------------

    @state.transition(source=S.RECEIVED, target=S.ACCEPTED, label=_("Accept"),
                      conditions=[lambda flow: refuse(repeat_refusal(flow.obj) is None, repeat_refusal(flow.obj))],
                      permission=roles.permission("petition", "accept"))
    def accept(self, accepted_on=None, comment=""):
        """条例 Art 23 (statute): the petitioner is told in writing within 15 days whether it is accepted; the
        60 days of Art 34 run from the acceptance."""
        petition = self.obj
        day = check_day(_("Accepted on"), accepted_on or timezone.localdate(), after=petition.received_on,
                        after_label=_("the day it was received"), input_name="accepted_on")
        petition.accepted_on = day
        close_deadlines(petition, "petition.acceptance", closed_on=day)
        open_deadline(petition, "petition.handling", day)
        self._documents = [("petition_acceptance_notice", day)]

    @state.transition(source=S.RECEIVED, target=S.NOT_ACCEPTED, label=_("Do not accept"),
                      permission=roles.permission("petition", "decline"))
    def decline(self, reason, declined_on=None):
        """条例 Art 23: the 不予受理告知书 with the reason, within the same 15 days."""
        petition = self.obj
        day = check_day(_("Declined on"), declined_on or timezone.localdate(), after=petition.received_on,
                        after_label=_("the day it was received"), input_name="declined_on")
        petition.decline_reason = reason
        close_deadlines(petition, "petition.acceptance", closed_on=day)
        self._documents = [("petition_non_acceptance_notice", day)]

    @state.transition(source=S.RECEIVED, target=S.FORWARDED, label=_("Forward"),
                      permission=roles.permission("petition", "forward"))
    def forward(self, to, forwarded_on=None, comment=""):
        """条例 Art 21–22: a matter outside the town's powers goes to the organ that has them (named in `to`)."""
        petition = self.obj
        day = check_day(_("Forwarded on"), forwarded_on or timezone.localdate(), after=petition.received_on,
                        after_label=_("the day it was received"), input_name="forwarded_on")
        petition.forwarded_to, petition.forwarded_on = to, day
        close_deadlines(petition, "petition.acceptance", "petition.handling", closed_on=day)

    # --- village first (条例 Art 15; local practice: 10 working days) ---------------------------------------

    @state.transition(source=S.ACCEPTED, target=S.AT_VILLAGE, label=_("Send to the village"),
                      permission=roles.permission("petition", "send_to_village"))
    def send_to_village(self, village, mediator=None, sent_on=None, comment=""):
        """条例 Art 15 (小事不出村): the village (its mediator, if named) tries first; the village period (local
        practice, petition.village) runs from `sent_on` (a business date: today when empty)."""
        petition = self.obj
        if mediator is not None and not roles.has_role(mediator, roles.MEDIATOR):
            raise InvalidInput(MEDIATOR_NOT_A_MEDIATOR, fields={"mediator": [str(MEDIATOR_NOT_A_MEDIATOR)]})
        day = check_day(_("Sent to the village on"), sent_on or timezone.localdate(), after=petition.accepted_on,
                        after_label=_("the acceptance"), input_name="sent_on")
        petition.village = village
        petition.village_mediator = mediator
        petition.sent_to_village_on = day
        open_deadline(petition, "petition.village", day)
        if mediator is not None:
            notify_users([mediator], _("A petition was sent to your village: {subject}").format(
                subject=petition.subject), link=petition.page_path())

    @state.transition(source=S.AT_VILLAGE, target=S.HANDLING, label=_("Escalate to the town"),
                      permission=roles.permission("petition", "escalate_to_town"))
    def escalate_to_town(self, reason, escalated_on=None):
        """What the village could not resolve goes up to the town (条例 Art 15, 大事不出镇), on `escalated_on` (today
        when empty); the village period closes that day."""
        petition = self.obj
        day = check_day(_("Escalated on"), escalated_on or timezone.localdate(), after=petition.sent_to_village_on,
                        after_label=_("the day it was sent to the village"), input_name="escalated_on")
        petition.escalated_on = day
        petition.escalation_reason = reason
        close_deadlines(petition, "petition.village", closed_on=day)

    # --- the answer (条例 Art 32–35) ------------------------------------------------------------------

    @state.transition(source=[S.ACCEPTED, S.AT_VILLAGE, S.HANDLING], target=S.REPLIED, label=_("Reply"),
                      permission=roles.permission("petition", "reply"))
    def reply(self, opinion, result, replied_on=None, served_on=None):
        """条例 Art 32–34: the 信访处理意见书 within 60 days of acceptance (+30 when extended); it tells the
        petitioner of the right to ask the next-higher organ for a review within 30 days of receiving it (Art 35).
        `served_on`: the day the petitioner received it (the reply day when empty: handed over on the spot); 400
        when before the reply or in the future. A later receipt is recorded with record_service."""
        petition = self.obj
        day = check_day(_("Replied on"), replied_on or timezone.localdate(), after=petition.accepted_on,
                        after_label=_("the acceptance"), input_name="replied_on")
        served = served_day(served_on, day)
        petition.opinion, petition.result, petition.replied_on, petition.served_on = opinion, result, day, served
        petition.replied_by = self.user
        close_deadlines(petition, "petition.handling", "petition.village", closed_on=day)
        open_deadline(petition, REVIEW_WINDOW, served)  # the petitioner's 30 days from receipt (Art 35)
        self._documents = [("petition_handling_opinion", day)]

    # --- 复查 and 复核 (条例 Art 35–36): decided by the next-higher organ ---------------------------------

    # A closed file takes the request too (条例 Art 35–36, statute): the 30 days are the petitioner's right, which the
    # office closing the file early does not take away; a file closed unanswered (declined, forwarded) takes none.
    @state.transition(source=[S.REPLIED, S.REVIEWED, S.CLOSED], target=S.REVIEW_REQUESTED,
                      label=_("Record a review request"),
                      conditions=[lambda flow: refuse(not flow.obj.final,
                                                      RuleViolation(A36_NO_THIRD_ROUND, rule="Art 36")),
                                  lambda flow: refuse(flow.obj.replied_on is not None,
                                                      RuleViolation(A35_NOT_ANSWERED, rule="Art 35"))],
                      permission=roles.permission("petition", "request_review"))
    def request_review(self, organ, requested_on=None, request=""):
        """Round 1 (复查) after the reply, round 2 (复核) after the review's answer; each within the petitioner's
        30 days (条例 Art 35 ¶1, 36 ¶1, statute; the last day rolls over a rest day, 民法典 Art 203), also when the
        office closed the file in the meantime (it reopens). The request is forwarded to `organ`, which decides it;
        the town has no answering deadline of its own. 409 after 复核 (Art 36 ¶3), for a petition never answered
        (Art 35) or a request after the 30 days."""
        petition = self.obj
        previous = petition.reviews.order_by("-round").first()
        answered = previous.answered_on if previous else petition.replied_on
        day = check_day(_("Requested on"), requested_on or timezone.localdate(), after=answered,
                        after_label=_("the written answer"), input_name="requested_on")
        window = open_review_window(petition)
        if window is None or day > window.due_date:
            due = window.due_date if window else answered
            raise RuleViolation(Message(A35_WINDOW_PASSED, due=due, day=day), rule="Art 35")
        PetitionReview.objects.create(petition=petition, round=(previous.round + 1) if previous else 1,
                                      requested_on=day, request=request, organ=organ, recorded_by=self.user)
        close_deadlines(petition, REVIEW_WINDOW, closed_on=day)
        petition.closed_on, petition.close_reason = None, ""  # a closed file reopens (its closing is in the history)

    @state.transition(source=S.REVIEW_REQUESTED, target=S.REVIEWED, label=_("Record the review answer"),
                      permission=roles.permission("petition", "record_review"))
    def record_review(self, answer, decision, answered_on=None, served_on=None):
        """The next-higher organ's answer (复查意见 / 复核意见) and its `decision` (upheld, revoked, changed). After 复核 the matter is final (Art 36 ¶3); after
        复查 the petitioner has 30 days from receiving it (`served_on`, the answer's day when empty; 400 before
        it or in the future) to ask for 复核 (Art 36 ¶1)."""
        petition = self.obj
        review = petition.reviews.order_by("-round").first()
        day = check_day(_("Answered on"), answered_on or timezone.localdate(), after=review.requested_on,
                        after_label=_("the request"), input_name="answered_on")
        served = served_day(served_on, day)
        review.answer, review.decision, review.answered_on, review.served_on = answer, decision, day, served
        review.save(update_fields=["answer", "decision", "answered_on", "served_on"])
        if review.round >= PetitionReview.Round.RE_REVIEW:
            petition.final = True
        else:
            open_deadline(petition, REVIEW_WINDOW, served)

    # A written answer sent by post is received later than it is dated: the receipt is recorded when it is known.
    @state.transition(source=[S.REPLIED, S.REVIEWED, S.CLOSED], label=_("Record when the answer was received"),
                      conditions=[lambda flow: refuse(open_review_window(flow.obj) is not None,
                                                      RuleViolation(A35_NO_WINDOW, rule="Art 35"))],
                      permission=roles.permission("petition", "record_service"))
    def record_service(self, served_on):
        """条例 Art 35 ¶1, 36 ¶1 (statute): the petitioner's 30 days run from receiving the written answer (the
        处理意见书, or the 复查意见 after a review). Records `served_on` for the latest answer and re-anchors the open
        review window on it. 400 before the answer's date or in the future; 409 when no window is open (never
        answered, re-reviewed, or the request made already)."""
        petition = self.obj
        review = petition.reviews.order_by("-round").first()
        answered = review.answered_on if review else petition.replied_on
        served = served_day(served_on, answered)
        if review is not None:
            review.served_on = served
            review.save(update_fields=["served_on"])
        else:
            petition.served_on = served
        reanchor(open_review_window(petition), served)

    @state.transition(source=[S.NOT_ACCEPTED, S.FORWARDED, S.REPLIED, S.REVIEWED], target=S.CLOSED,
                      label=pgettext_lazy("petition", "Close"), permission=roles.permission("petition", "close"))
    def close(self, note="", closed_on=None):
        """The file is closed (办结归档) on `closed_on` (today when empty), not before the last step it records.
        The petitioner's 30 days to ask for a review (条例 Art 35–36, statute) stay open: closing does not shorten
        them, and a request made within them reopens the file (request_review)."""
        petition = self.obj
        last = max(d for d in (petition.received_on, petition.forwarded_on, petition.replied_on,
                               *petition.reviews.values_list("answered_on", flat=True)) if d is not None)
        petition.closed_on = check_day(pgettext_lazy("petition", "Closed on"), closed_on or timezone.localdate(), after=last,
                                       after_label=_("the last step recorded"), input_name="closed_on")
        petition.close_reason = note

    # --- the extension of the handling period (条例 Art 34) ------------------------------------------------

    @state.transition(source=[S.ACCEPTED, S.AT_VILLAGE, S.HANDLING], label=_("Tell the petitioner of the extension"),
                      conditions=[lambda flow: flow._extension_to_tell()],
                      permission=roles.permission("petition", "notify_extension"))
    def notify_extension(self, comment=""):
        """条例 Art 34 (statute): an extension approved by the principal is told to the petitioner with its reason:
        the 延期办理告知书. The extension itself is asked for and approved through the deadline's adjustment
        (petitions.services.request_handling_extension; the principal approves it)."""
        self._documents = [("petition_extension_notice", timezone.localdate())]

    def _extension_to_tell(self):
        from documents.models import IssuedDocument

        handling = deadlines_of(self.obj).filter(kind="petition.handling").order_by("-id").first()
        if handling is None or not handling.extended_days:
            return refuse(False, RuleViolation(A34_NOT_EXTENDED, rule="Art 34"))
        told = IssuedDocument.objects.filter(kind="petition_extension_notice", owner_type="petitions",
                                             owner_id=self.obj.pk).exists()
        return refuse(not told, RuleViolation(A34_TOLD_ALREADY, rule="Art 34"))

    # --- the flow's hooks -----------------------------------------------------------------------------

    def object_permission(self, transition: str, user) -> bool:
        """A mediator who is not in the petition office acts only on a petition at the village stage that was
        sent to them."""
        if roles.has_role(user, roles.PETITION_OFFICE):
            return True
        if roles.has_role(user, roles.MEDIATOR):
            return self.obj.state == S.AT_VILLAGE and self.obj.village_mediator_id == user.pk
        return True

    def object_refusal(self, transition: str):
        return NotPermitted(MEDIATOR_NOT_HERE, rule="roles")

    def after_transition(self, name: str) -> None:
        for kind, day in getattr(self, "_documents", ()):
            issue(kind, self.obj, user=self.user, on=day, client_ip=self.client_ip,
                  locked=True)  # fire_transition holds the petition's row lock


def register_number(petition) -> str:
    """The registration number (登记编号) from the yearly series "petition" of the year it was received."""
    return next_number("petition", petition.received_on.year, petition_number_format())

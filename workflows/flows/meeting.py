"""Joint meeting (党政联席会议): planned → held (with minutes) → closed."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from review.models import AgendaItem, MeetingState as S

from .. import roles
from ..errors import RuleViolation
from ..numbering import next_number
from .base import BaseFlow, model_state, refuse

D9_NOT_YET = _("A meeting can be recorded as held only on or after its date.")
MINUTES_REQUIRED = _("Every agenda item needs an outcome (approve, reject or defer) before the meeting is closed.")


class MeetingFlow(BaseFlow):
    process = "meeting"
    state = model_state(S, S.PLANNED)

    @state.transition(
        source=S.PLANNED, target=S.HELD, label=_("Record as held"),
        conditions=[lambda flow: flow._date_has_come()],
        permission=roles.permission("meeting", "hold"),
    )
    def hold(self, minutes):
        from django.conf import settings

        meeting = self.obj
        meeting.minutes = minutes
        meeting.held_at = timezone.now()
        meeting.number = next_number("meeting", meeting.date.year, settings.MEETING_NUMBER_FORMAT)

    @state.transition(
        source=S.HELD, target=S.CLOSED, label=_("Close"),
        conditions=[lambda flow: flow._every_item_decided()],
        permission=roles.permission("meeting", "close"),
    )
    def close(self, comment=""):
        pass

    def _date_has_come(self):
        """D9: deliberation is recorded at the meeting, so not before its date."""
        return refuse(self.obj.date <= timezone.localdate(), RuleViolation(D9_NOT_YET, rule="D9"))

    def _every_item_decided(self):
        """条例 Art 30: the minutes record each item's outcome."""
        pending = self.obj.agenda_items.filter(outcome=AgendaItem.Outcome.PENDING).exists()
        return refuse(not pending, RuleViolation(MINUTES_REQUIRED, rule="条例 Art 30"))

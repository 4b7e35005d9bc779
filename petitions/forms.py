"""The fields each petition transition takes (CONTRACT §8). The UI and the API both validate with these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from cases.models import Village
from workflows import roles
from workflows.forms import IdChoiceField, TransitionForm
from workflows.models import User

from .models import Petition, PetitionReview, next_higher_organ

TODAY_IF_EMPTY = _("Leave empty for today.")
SERVED_HELP = _("Leave empty when handed over that day; the petitioner's 30 days run from receipt (条例 Art 35).")


class CommentForm(TransitionForm):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AcceptForm(CommentForm):
    accepted_on = forms.DateField(label=_("Accepted on"), required=False, help_text=TODAY_IF_EMPTY)


class DeclineForm(TransitionForm):
    reason = forms.CharField(label=_("Reason for not accepting"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Told to the petitioner in the 不予受理告知书 (条例 Art 23)."))
    declined_on = forms.DateField(label=_("Declined on"), required=False, help_text=TODAY_IF_EMPTY)


class ForwardForm(CommentForm):
    to = forms.CharField(label=_("Forwarded to (the competent organ)"), max_length=200)
    forwarded_on = forms.DateField(label=_("Forwarded on"), required=False, help_text=TODAY_IF_EMPTY)


class SendToVillageForm(CommentForm):
    village = IdChoiceField(label=_("Village"), queryset=Village.objects.all())
    mediator = IdChoiceField(label=_("Village mediator"), required=False,
                             queryset=User.objects.filter(groups__name=roles.MEDIATOR, is_active=True).distinct())
    sent_on = forms.DateField(label=_("Sent to the village on"), required=False, help_text=TODAY_IF_EMPTY)
    field_order = ["village", "mediator", "sent_on", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        petition = self.flow.obj if self.flow is not None else None
        if petition is not None and petition.village_id:
            self.fields["village"].initial = petition.village_id  # the petition's own village (条例 Art 15)


class EscalateForm(TransitionForm):
    reason = forms.CharField(label=_("Why the village could not resolve it"),
                             widget=forms.Textarea(attrs={"rows": 3}))
    escalated_on = forms.DateField(label=_("Escalated on"), required=False, help_text=TODAY_IF_EMPTY)


class ReplyForm(TransitionForm):
    opinion = forms.CharField(label=_("Handling opinion"), widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("The facts found, the law applied and the answer (条例 Art 32)."))
    result = forms.ChoiceField(label=_("Result"), choices=Petition.Result.choices)
    replied_on = forms.DateField(label=_("Replied on"), required=False, help_text=TODAY_IF_EMPTY)
    served_on = forms.DateField(label=_("Received by the petitioner on"), required=False, help_text=SERVED_HELP)


class RequestReviewForm(TransitionForm):
    organ = forms.CharField(label=_("The next-higher organ the request goes to"), max_length=200)
    request = forms.CharField(label=_("The petitioner's request"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    requested_on = forms.DateField(label=_("Requested on"), required=False, help_text=TODAY_IF_EMPTY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # 条例 Art 35 ¶1: the 复查 of the town's answer goes to the county's people's government.
        petition = self.flow.obj if self.flow is not None else None
        if petition is not None and not petition.reviews.exists():
            self.fields["organ"].initial = next_higher_organ()


class RecordReviewForm(TransitionForm):
    answer = forms.CharField(label=_("The organ's answer"), widget=forms.Textarea(attrs={"rows": 4}))
    decision = forms.ChoiceField(label=_("The organ's decision"), choices=PetitionReview.Decision.choices)
    answered_on = forms.DateField(label=_("Answered on"), required=False, help_text=TODAY_IF_EMPTY)
    served_on = forms.DateField(label=_("Received by the petitioner on"), required=False, help_text=SERVED_HELP)


class RecordServiceForm(TransitionForm):
    served_on = forms.DateField(label=_("Received by the petitioner on"),
                                help_text=_("The petitioner's 30 days run from this day (条例 Art 35–36)."))


class CloseForm(TransitionForm):
    note = forms.CharField(label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    closed_on = forms.DateField(label=pgettext_lazy("petition", "Closed on"), required=False, help_text=TODAY_IF_EMPTY)


PETITION_TRANSITION_FORMS = {
    "accept": AcceptForm,
    "decline": DeclineForm,
    "forward": ForwardForm,
    "send_to_village": SendToVillageForm,
    "escalate_to_town": EscalateForm,
    "reply": ReplyForm,
    "request_review": RequestReviewForm,
    "record_review": RecordReviewForm,
    "record_service": RecordServiceForm,
    "close": CloseForm,
    "notify_extension": CommentForm,
}

"""The fields each decision and meeting transition takes (CONTRACT §5). The UI and the API both validate with
these forms, so a field means the same thing everywhere."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.forms import FindingField, IdChoiceField, RawValueSelect, TransitionForm

from .models import Meeting


class CommentForm(TransitionForm):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SubmitForReviewForm(CommentForm):
    urgency_reason = forms.CharField(
        label=_("Urgency reason for a shortened public comment period"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the public comment period was shortened below 30 days because the matter is urgent; "
                    "the shortened period must still be recorded (条例 Art 15)."),
    )


class OpinionForm(TransitionForm):
    opinion = forms.CharField(
        label=_("Written review opinion"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Cite the law: authority, procedure and content (条例 Art 27)."),
    )
    # 条例 Art 27: the three checks. Passing needs all three answered yes; returning or failing names the one
    # (or ones) answered no (review.flows.DecisionFlow).
    authority_ok = FindingField(label=_("Within statutory authority"), required=False, widget=RawValueSelect)
    authority_note = forms.CharField(label=_("Note on authority"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    procedure_ok = FindingField(label=_("Procedure complete and lawful"), required=False, widget=RawValueSelect)
    procedure_note = forms.CharField(label=_("Note on procedure"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    content_ok = FindingField(label=_("Content lawful"), required=False, widget=RawValueSelect)
    content_note = forms.CharField(label=_("Note on content"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))


class ScheduleForm(TransitionForm):
    meeting = IdChoiceField(label=_("Joint meeting"), queryset=Meeting.objects.order_by("date", "id"))
    urgency_reason = forms.CharField(
        label=_("Urgency reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the meeting is fewer than 7 working days after the submission for review."),
    )


class OutcomeForm(CommentForm):
    dissent = forms.CharField(label=_("Dissenting opinions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(TransitionForm):
    published_on = forms.DateField(label=_("Published on"), required=False)
    channel = forms.CharField(label=_("Publication channel"), max_length=200)


class ReasonForm(TransitionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class MinutesForm(TransitionForm):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}))


DECISION_TRANSITION_FORMS = {
    "submit_for_review": SubmitForReviewForm,
    "return_for_revision": OpinionForm,
    "pass_review": OpinionForm,
    "fail_review": OpinionForm,
    "revise": CommentForm,
    "schedule": ScheduleForm,
    "defer": CommentForm,
    "approve": OutcomeForm,
    "reject": OutcomeForm,
    "sign": TransitionForm,
    "publish": PublishForm,
    "withdraw": ReasonForm,
}

MEETING_TRANSITION_FORMS = {
    "hold": MinutesForm,
    "close": CommentForm,
}

"""One page per transition of any process: the transition's form (the app's forms, shared with the API), fired
through workflows.services.fire_transition; a refusal (403 roles, 409 state or rule, 400 input) is shown on the
form page beside the fields. And the buttons an object page shows: the transitions the user may fire now."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from workflows.audit import client_ip
from workflows.errors import Refusal
from workflows.services import (
    available_transitions,
    fire_transition,
    get_process,
    transition_form,
    unmet_refusal,
)

from .base import PageMixin, error_status, show_refusal, single_values

# What each process's objects are called on a page (the transition page's title, the inbox rows).
KIND_LABELS = {
    "decision": _("Major decision"),
    "meeting": _("Joint meeting"),
    "case": _("Enforcement case"),
    "deadline_adjustment": _("Deadline change request"),
    "payment_plan": _("Payment plan"),
    "mediation": _("People's mediation"),
    "petition": _("Petition"),
}
DONE = _("“{label}” done.")


def transition_buttons(process_name: str, obj, user, url_name: str) -> list[dict]:
    """The transitions `user` may fire now, labelled exactly as available_transitions labels them."""
    return [
        {**t, "url": reverse(url_name, args=[obj.pk, t["name"]])}
        for t in available_transitions(process_name, obj, user)
    ]


class TransitionView(PageMixin, View):
    """GET shows the form of transition `name` on object `pk`; POST fires it. Subclasses name the process and
    the object page to return to, and may narrow the form (make_form) or add to the page (render)."""

    process_name = ""
    detail_url_name = ""

    def load(self, pk, name):
        self.process = get_process(self.process_name)
        if name not in self.process.forms or name not in self.process.flow.transition_names():
            raise Http404
        self.obj = get_object_or_404(self.process.model, pk=pk)
        self.name = name
        self.label = self.process.label(name)

    def make_form(self, data=None):
        flow = self.process.flow(self.obj, user=self.request.user)
        return transition_form(self.process, self.name, flow=flow, data=data)

    def page(self, form, refusal=None, status=200):
        available = {t["name"] for t in available_transitions(self.process_name, self.obj, self.request.user)}
        if refusal is None and self.name not in available:
            # The state and the user's roles allow the step but one of its rules refuses it now (e.g. the close
            # guard's self-check): say which, in the page's words, rather than the generic notice.
            refusal = unmet_refusal(self.process_name, self.obj, self.request.user, self.name)
        return self.render("web/transition.html", {
            "object": self.obj, "process": self.process_name, "name": self.name, "label": self.label,
            "form": form, "refusal": refusal, "available": self.name in available,
            "object_url": reverse(self.detail_url_name, args=[self.obj.pk]),
            "kind_label": KIND_LABELS[self.process_name],
        }, status=status)

    def get(self, request, pk, name):
        self.load(pk, name)
        return self.page(self.make_form())

    def post(self, request, pk, name):
        self.load(pk, name)
        try:
            fire_transition(self.process_name, self.obj.pk, name, request.user,
                            single_values(request.POST, self.make_form()), client_ip(request))
        except Refusal as refusal:
            self.obj.refresh_from_db()
            form = show_refusal(self.make_form(data=request.POST), refusal)
            return self.page(form, refusal, status=error_status(request, refusal.status))
        messages.success(request, str(DONE).format(label=self.label))
        return HttpResponseRedirect(reverse(self.detail_url_name, args=[self.obj.pk]))

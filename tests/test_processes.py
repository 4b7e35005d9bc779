"""The process registry (issue 11): each app registers its flows when Django starts (review.apps, cases.apps), and
fire_transition knows them by name; a second, different process under a taken name is refused at start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from cases.flows import CaseFlow
from cases.forms import CASE_TRANSITION_FORMS
from cases.models import Case
from review.flows import DecisionFlow, MeetingFlow
from review.models import Decision, Meeting
from workflows.services import get_process, register_process


def test_each_app_registers_its_own_processes():
    assert (get_process("decision").model, get_process("decision").flow) == (Decision, DecisionFlow)
    assert (get_process("meeting").model, get_process("meeting").flow) == (Meeting, MeetingFlow)
    assert (get_process("case").model, get_process("case").flow) == (Case, CaseFlow)


def test_registering_the_same_process_again_changes_nothing():
    register_process("case", Case, CaseFlow, CASE_TRANSITION_FORMS)  # e.g. ready() run twice
    assert get_process("case").flow is CaseFlow


def test_another_process_under_a_taken_name_is_refused():
    with pytest.raises(ImproperlyConfigured, match="case"):
        register_process("case", Decision, DecisionFlow, CASE_TRANSITION_FORMS)
    assert get_process("case").model is Case  # the first registration stands

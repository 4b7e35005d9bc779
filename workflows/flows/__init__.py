"""The state machines (viewflow.fsm flow classes), one per process, and their registry."""

from .case import CaseFlow
from .decision import DecisionFlow
from .meeting import MeetingFlow

FLOWS = {
    DecisionFlow.process: DecisionFlow,
    MeetingFlow.process: MeetingFlow,
    CaseFlow.process: CaseFlow,
}

__all__ = ["CaseFlow", "DecisionFlow", "MeetingFlow", "FLOWS"]

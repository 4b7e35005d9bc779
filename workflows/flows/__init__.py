"""The state machines (viewflow.fsm flow classes), one per process, and their registry."""

from .decision import DecisionFlow
from .meeting import MeetingFlow

FLOWS = {
    DecisionFlow.process: DecisionFlow,
    MeetingFlow.process: MeetingFlow,
}

__all__ = ["DecisionFlow", "MeetingFlow", "FLOWS"]

"""Test set-up for a town that chose its own local deadline rules (issue 12: a local rule is configurable).

Since issue 12 the legality review's target (`decision.review`) defaults to 15 working days, local practice; 条例
Art 26's 7 working days are the reviewer's minimum time, not the target. The calendar tests were written on a
7-working-day target: they keep it as a town that configured 7 (still a local rule, so allowed).
"""

from notifications.models import DeadlineRule


def set_review_target(days: int = 7) -> None:
    DeadlineRule.objects.filter(kind="decision.review").update(length=days, unit=DeadlineRule.Unit.WORKING_DAYS)

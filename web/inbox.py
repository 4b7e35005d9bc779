"""The inbox query: what a user must act on now, across processes, soonest deadline first (DESIGN §6). Each
app's selectors give the rows of its own processes as InboxParts (workflows.inbox): a count and the first rows,
sorted and cut in SQL from plain values; this module merges them into one page, and finishes only the rows of that
page. The home page (web.home) and `GET /api/v1/inbox/` (web.site_api) show it."""

import datetime
import heapq
import math
from dataclasses import dataclass

from django.utils import timezone

from cases.selectors import case_inbox_parts
from mediation.selectors import mediation_inbox_parts
from notifications.deadlines import soon_limit
from notifications.selectors import adjustment_inbox_parts
from petitions.selectors import petition_inbox_parts
from review.selectors import decision_inbox_parts
from workflows.inbox import InboxPart, Window, items_of, sort_key

PAGE_SIZE = 50  # at most this many rows a page (issue 18): the home page and the API alike
MAX_LIMIT = 2**31 - 1  # what any database's LIMIT takes: a page number beyond it asks for every row (the last page)


@dataclass
class InboxPage:
    """One page of a user's inbox: `items` (the page's rows, in order), `count` (all the rows), `number` (this
    page, from 1), `page_size`, `soonest_due_at` (the soonest due time of all the rows, or None), and with
    urgency asked for, `overdue` and `soon` (how many of all the rows are overdue or due soon)."""

    items: list[dict]
    count: int
    number: int
    page_size: int
    soonest_due_at: datetime.datetime | None
    overdue: int = 0
    soon: int = 0

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    # What web/pagination.html reads of a Django Page (page_obj.paginator.num_pages, …previous_page_number).
    @property
    def paginator(self):
        return self

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def inbox_parts(user, window: Window) -> list[InboxPart]:
    """Every process's InboxParts of `user`'s inbox for `window` (workflows.inbox.Window)."""
    return (decision_inbox_parts(user, window) + case_inbox_parts(user, window) + petition_inbox_parts(user, window)
            + mediation_inbox_parts(user, window) + adjustment_inbox_parts(user, window))


def inbox_page(user, number: int = 1, page_size: int = PAGE_SIZE, *, urgency: bool = False) -> InboxPage:
    """Page `number` (from 1; past the last page: the last page) of `user`'s inbox, `page_size` (1–PAGE_SIZE) rows
    a page, sorted by due time (none last), then kind and id. With `urgency`, also how many rows in all are overdue
    and due soon (web.urgency's amber limit). Refuses (ValueError) a number below 1 or a size out of range.

    Each process gives its first number × page_size rows and its count; the merge keeps the page's rows, and only
    those are finished. When the number is past the last page, the last page is read instead."""
    if number < 1 or not 1 <= page_size <= PAGE_SIZE:
        raise ValueError("page number from 1, page size from 1 to PAGE_SIZE")
    now = timezone.now()
    window = Window(limit=min(number * page_size, MAX_LIMIT))
    if urgency:
        limit_day = soon_limit(timezone.localdate(now)) + datetime.timedelta(days=1)
        window = Window(limit=window.limit, now=now, soon_until=timezone.make_aware(
            datetime.datetime.combine(limit_day, datetime.time.min)))
    parts = inbox_parts(user, window)
    count = sum(part.count for part in parts)
    last = max(1, math.ceil(count / page_size))
    if number > last:  # past the end: the last page (counts come first, so this is a second, short read)
        return inbox_page(user, last, page_size, urgency=urgency)
    merged = list(heapq.merge(*[[(sort_key(row), i, row) for row in part.rows] for i, part in enumerate(parts)]))
    soonest = merged[0][2]["due_at"] if merged else None
    chosen = merged[(number - 1) * page_size:number * page_size]
    for i, part in enumerate(parts):
        own = [row for _key, j, row in chosen if j == i]
        if own:
            part.finish(own)
    return InboxPage(items_of([row for _key, _i, row in chosen], now), count, number, page_size, soonest,
                     sum(part.overdue for part in parts), sum(part.soon for part in parts))


def inbox(user) -> list[dict]:
    """Every row of `user`'s inbox ([{kind, id, number, title, state, state_label, action, due_at, deadline_kind,
    overdue, url}]) sorted by due time (none last), then kind and id — for the few callers that need them all
    (tests, exports); pages use inbox_page."""
    parts = inbox_parts(user, Window())
    rows = sorted((row for part in parts for row in part.rows), key=sort_key)
    for part in parts:
        part.finish(part.rows)
    return items_of(rows)

"""The shape every process's inbox rows share (DESIGN §6: the inbox is a query), so that web.inbox can page across
processes without building every row: each app's selectors answer an InboxPart per kind of row — how many rows
there are, the first `limit` of them soonest deadline first (sorted and cut in SQL, built from plain values), and
a `finish` step that completes only the rows shown (what needs more than one row's columns, e.g. the link)."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

EPOCH = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def sort_key(row: dict) -> tuple:
    """The inbox order: due time (none last), then kind, id and the row's rank among the rows of one object."""
    return (row["due_at"] is None, row["due_at"] or EPOCH, row["kind"], row["id"], row.get("_rank", 0))


def _no_finish(rows: list[dict]) -> None:
    return None


@dataclass
class InboxPart:
    """One kind of inbox row of one process: `count` rows in all (`overdue` and `soon` of them when thresholds were
    asked for), `rows` the first of them in sort_key order, and `finish(rows)` completing, in place, those of
    `rows` that are shown."""

    count: int
    rows: list[dict]
    finish: Callable[[list[dict]], None] = field(default=_no_finish)
    overdue: int = 0
    soon: int = 0


@dataclass(frozen=True)
class Window:
    """What a page asks of every part: the first `limit` rows (None: all); with `now` and `soon_until` (the first
    instant after the amber limit of web.urgency) also how many are overdue and how many due soon."""

    limit: int | None = None
    now: datetime.datetime | None = None
    soon_until: datetime.datetime | None = None


def choice_labels(choices: Iterable) -> dict[str, str]:
    """{value: label} of a field's choices, translated once in the active language (not once per row)."""
    return {value: str(label) for value, label in choices}


def path_maker(viewname: str) -> Callable[[int], str]:
    """pk → the path of `viewname` for that object, reversing the URL once rather than once per row."""
    marker = 918273645
    template = reverse(viewname, args=[marker])
    head, tail = template.split(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"


def part_from(qs: QuerySet, window: Window, fields: Iterable[str], due: str = "due_at",
              build: Callable[[dict], dict | None] = lambda row: row,
              finish: Callable[[list[dict]], None] = _no_finish) -> InboxPart:
    """An InboxPart from a queryset annotated with its row's due time `due` (None: no deadline): one aggregate (the
    count, and the overdue/soon counts when the window asks) and one query for the first window.limit rows as plain
    values (`fields` and `due`), soonest first then by id, each turned into an item by `build`."""
    aggregates = {"count": Count("pk")}
    if window.now is not None:
        aggregates["overdue"] = Count("pk", filter=Q(**{f"{due}__lt": window.now}))
        aggregates["soon"] = Count("pk", filter=Q(**{f"{due}__gte": window.now, f"{due}__lt": window.soon_until}))
    counts = qs.order_by().aggregate(**aggregates)
    if counts["count"] == 0:
        return InboxPart(0, [], finish)
    ordered = qs.order_by(F(due).asc(nulls_last=True), "pk").values(*fields, due)
    if window.limit is not None:
        ordered = ordered[:window.limit]
    rows = [item for item in (build(row) for row in ordered) if item is not None]
    return InboxPart(counts["count"], rows, finish, counts.get("overdue", 0), counts.get("soon", 0))


def finished_items(parts: Iterable[InboxPart], now: datetime.datetime | None = None) -> list[dict]:
    """Every row of `parts`, finished (InboxPart.finish), as the inbox items: the fields of CONTRACT's inbox item
    with `overdue` (past due at `now`), the private keys (`_…`) dropped. Unsorted."""
    rows = []
    for part in parts:
        part.finish(part.rows)
        rows += part.rows
    return items_of(rows, now)


def items_of(rows: list[dict], now: datetime.datetime | None = None) -> list[dict]:
    """The finished `rows` as inbox items: `overdue` set, the private keys dropped."""
    now = now or timezone.now()
    items = []
    for row in rows:
        item = {key: value for key, value in row.items() if not key.startswith("_")}
        item["overdue"] = item["due_at"] is not None and item["due_at"] < now
        items.append(item)
    return items

"""What documents exist, for which objects, and who may see them (DESIGN §10, CONTRACT §6).

This module is the one interface between the document machinery (this app: numbers, templates, DOCX, print
view, PDF, attachments, the case file) and the apps that own the objects (review: decisions and meetings;
cases: enforcement cases; later petitions and mediations). The machinery never imports those apps: each app
registers, in its AppConfig.ready():

- one `Owner` per kind of object that has documents or attachments, under the URL segment of CONTRACT §6
  (`cases`, `decisions`, `meetings`, …), with how to load one object and whether a user may see it;
- one `DocumentKind` per document (`penalty_decision` 行政处罚决定书, …), with when it is available, what data
  it carries (its context) and, when it is numbered, its number series.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class Owner:
    """A kind of object that has documents and attachments.

    name: the URL segment of CONTRACT §6 (`cases`, `decisions`, `meetings`).
    model: the Django model.
    may_view(user, obj) -> bool: whether `user` may see `obj`, its documents and its attachments (False: 403).
    may_attach(user, obj) -> bool: whether `user` may upload an attachment to `obj` now.
    label(obj) -> str: how the object is named in file names and headings (its number, else "#id").
    url(obj) -> str: the object's page in the web UI.
    """

    name: str
    model: type[models.Model]
    may_view: Callable
    may_attach: Callable
    label: Callable
    url: Callable


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document (文书).

    name: machine name of CONTRACT §6 (`penalty_decision`).
    owner: the Owner's name (`cases`).
    title: translated title (行政处罚决定书).
    context(obj, record) -> dict: the data the templates fill in (see documents/README or the module docstring
        of documents.rendering for the keys every context carries).
    unavailable(obj, record) -> str | None: None when the document can be produced now, else the translated
        reason (shown in the list, answered with 409).
    records(obj) -> iterable | None: for a document that exists once per record (an inquiry record per
        inquiry), the records; None for a document that exists once per object.
    numbered: whether the document carries its own number from its own gap-free yearly series.
    number_pattern: the default pattern of that series (`{town}综执罚决字〔{year}〕{seq}号`); an admin may
        change it (workflows.NumberPattern).
    number_of(obj, record) -> str | None: for a document whose number is another record's (the on-the-spot
        decision carries the decision's own number), where to read it; None uses the issued number.
    order: position in the case file (案卷), procedure order.
    """

    name: str
    owner: str
    title: str
    context: Callable
    unavailable: Callable
    records: Callable | None = None
    numbered: bool = False
    number_pattern: str = ""
    number_of: Callable | None = None
    order: int = 100
    extra: dict = field(default_factory=dict)


_owners: dict[str, Owner] = {}
_kinds: dict[str, DocumentKind] = {}


def register_owner(owner: Owner) -> None:
    _owners[owner.name] = owner


def register(kind: DocumentKind) -> None:
    if kind.owner not in _owners:
        raise LookupError(f"register the owner {kind.owner!r} before its document kinds")
    _kinds[kind.name] = kind


def owner(name: str) -> Owner:
    """The registered owner `name`; LookupError if none (the API answers 404)."""
    try:
        return _owners[name]
    except KeyError:
        raise LookupError(name) from None


def owner_of(obj) -> Owner:
    for candidate in _owners.values():
        if isinstance(obj, candidate.model):
            return candidate
    raise LookupError(type(obj).__name__)


def kind(name: str) -> DocumentKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(name) from None


def kinds_for(owner_name: str) -> list[DocumentKind]:
    """The kinds of one owner in case-file (procedure) order."""
    return sorted((k for k in _kinds.values() if k.owner == owner_name), key=lambda k: (k.order, k.name))


def all_kinds() -> Iterable[DocumentKind]:
    return list(_kinds.values())

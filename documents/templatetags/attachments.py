"""`{% load attachments %}{% attachments_card obj user %}`: an object's attachments on its page (the case,
decision and meeting detail pages), with the upload form for users who may attach (DESIGN §10)."""

from django import template
from django.conf import settings

from documents import registry
from documents.attachment_pages import ACCEPT, AttachmentForm
from documents.attachments import attachments_of, human_size

register = template.Library()


def document_title(name: str) -> str:
    if not name:
        return ""
    try:
        return str(registry.kind(name).title)
    except LookupError:
        return name


@register.inclusion_tag("documents/attachments/card.html", takes_context=True)
def attachments_card(context, obj, user):
    """The card: nothing for a user who may not see the object (its files are evidence and personal data)."""
    try:
        owner = registry.owner_of(obj)
    except LookupError:
        return {"visible": False}
    if not owner.may_view(user, obj):
        return {"visible": False}
    rows = list(attachments_of(owner.name, obj))
    for row in rows:
        row.size_text = human_size(row.size)
        row.document_title = document_title(row.document_kind)
    may_attach = owner.may_attach(user, obj)
    return {
        "visible": True,
        "owner": owner,
        "obj": obj,
        "attachments": rows,
        "may_attach": may_attach,
        "form": AttachmentForm(owner_name=owner.name) if may_attach else None,
        "accept": ACCEPT,
        "max_mb": settings.ATTACHMENT_MAX_MB,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }

"""{% load documents %}{% documents_card obj user %}: the 文书 card of a case, decision or meeting page."""

from django import template

from documents import files, registry

register = template.Library()


@register.inclusion_tag("documents/card.html")
def documents_card(obj, user):
    """Each document of `obj`: title, number, print / Word / PDF links, or why it is not available yet, or why
    there is no PDF. Nothing when `user` may not see the object or it has no documents."""
    owner = registry.owner_of(obj)
    if not owner.may_view(user, obj):
        return {"rows": []}
    rows = []
    for row in files.documents_of(obj):
        record_id = row["record_id"]
        if not row["addressable"]:
            rows.append(row)
            continue
        row["print_url"] = files.print_url(owner.name, obj.pk, row["kind"], record_id)
        row["docx_url"] = files.file_url(owner.name, obj.pk, row["kind"], record_id, files.DOCX, api=False)
        row["pdf_url"] = "" if row["pdf_unavailable"] else files.file_url(
            owner.name, obj.pk, row["kind"], record_id, files.PDF, api=False)
        rows.append(row)
    return {"rows": rows, "pdf_unavailable": rows[0]["pdf_unavailable"] if rows else ""}

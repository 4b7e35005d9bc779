"""Reading the full ID number or phone of the people a case, petition or mediation is about (issue 17 item 4).

Pages, lists, exports and the API show them masked (workflows.masking). The full values come only from an explicit
reveal — `POST /api/v1/{cases|petitions|mediations}/{id}/personal-data/`, or the button 查看完整信息 on the object's
page — and each reveal appends one audit entry `read_personal_data` to the object's trail: the user, the time, the
client's address and which fields were read (`fields["read"]`, e.g. `["party.id_number", "party.phone"]`), never
the values. A POST, not a GET: a GET may be fetched without anyone reading it (Turbo prefetches a link on hover, a
proxy or a browser may repeat it), and would record reads nobody made.

Legal basis: 个人信息保护法 Art 51 (statute) obliges a handler of personal information to prevent unauthorised access
— (3) encryption, 去标识化 and other security measures, (4) reasonably set operating permissions; Art 33–34 make it
apply to a state organ, within what its statutory duties need. Art 55 (1) with Art 56 ¶2 (statute) require a record
of the processing of *sensitive* personal information, kept at least three years; whether an ID number is sensitive
is a reading (Art 28 names biometrics, specific identity, financial accounts… by example; the recommended national
standard GB/T 35273-2020, Annex B, lists 身份证件号码 as 个人敏感信息), and a phone number is not. Recording every
read in the audit trail, for ID numbers and phones alike, is therefore 本地做法 implementing Art 51, not a statute's
letter. Documents that must name the party in full (处罚决定书 and the other 文书 of a case, 人民调解协议书 Art 29)
keep the full values; issuing them is audited (documents.services.issue: `issue_document`), and so is every
hand-out of one — its print view, Word or PDF file, the case file — as `read_document` (documents.files.record_read).
"""

import datetime

from . import audit

READ_PERSONAL_DATA = "read_personal_data"


def reveal(obj, people, *, user, client_ip: str | None = None) -> dict:
    """The full personal data of `people` of `obj`, recorded as read by `user` from `client_ip`.

    `people` is a list of (key, person, field names), e.g. `("party", case.party, ("id_number", "phone"))`; the key
    prefixes the names the audit entry records (`party.id_number`, `petitioners.17.phone`). Returns
    `{"people": [{"key", "name", <field>: value…}], "fields": [the names read], "audit_entry": sequence or None,
    "read_at": datetime or None}`; only fields holding a value count as read, and when none does, nothing is
    recorded. The caller checks first that `user` may see `obj` (this function refuses nothing).
    """
    rows, read = [], []
    for key, person, names in people:
        row = {"key": key, "name": person.name}
        for name in names:
            value = getattr(person, name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            row[name] = value
            if value:
                read.append(f"{key}.{name}")
        rows.append(row)
    entry = None
    if read:
        entry = audit.record(obj, transition=READ_PERSONAL_DATA, user=user, client_ip=client_ip,
                             fields={"read": read})
    return {"people": rows, "fields": read, "audit_entry": entry.sequence if entry else None,
            "read_at": entry.at if entry else None}

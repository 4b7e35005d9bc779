"""Personal data as pages, lists and the API show it by default: masked (issue 17 item 4).

个人信息保护法 Art 51 (3) (statute): a handler of personal information takes security measures such as encryption and
去标识化 to prevent unauthorised access and leaks; showing an ID number or a phone masked, and the full value only on
an explicit, audited request (workflows.personal_data), is how lawflow does it (the masks themselves: 本地做法, the
usual 6+4 of a resident ID number and 3+4 of a mobile number).
"""


def mask_id(value: str) -> str:
    """An ID number or unified social credit code with its first 6 and last 4 characters shown: 410421********1234
    (the 8 hidden digits of a resident ID number are the date of birth, GB 11643). Up to 10 characters: all masked."""
    value = value or ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """A phone number with the first 3 digits (a landline: its area code) and the last 4 shown: 138****5678,
    0375-***4567. Up to 7 characters: all masked; empty stays empty."""
    value = (value or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    if "-" in value:
        area, number = value.split("-", 1)
        return f"{area}-{'*' * len(number)}" if len(number) <= 4 else f"{area}-{'*' * (len(number) - 4)}{number[-4:]}"
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class MaskedPersonalData:
    """A mixin for a model of a person with `id_number` and `phone` (a case's party, a petitioner, a party to a
    mediation): `masked_id_number` and `masked_phone`, as pages, lists and the API show them by default; the full
    values only through an audited reveal (workflows.personal_data)."""

    @property
    def masked_id_number(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

"""The logins table of the demo town 石桥镇, printed at the end of ``manage.py seed_demo``: every demo user
(``demo.people``) with the brigade's other officers (``demo.brigade``) right after zhifa01, their roles in English
and Chinese, names and posts; then the demo password and the site's address."""

import unicodedata

from django.conf import settings

from workflows import roles

from .brigade import OFFICERS
from .people import DEMO_PASSWORD, USERS

# The Chinese role names of CONTRACT §3, for the logins table (whatever language the catalogue is in).
ROLE_NAMES_ZH = {
    roles.DRAFTER: "承办人员", roles.JUDICIAL_OFFICE: "司法所", roles.OFFICE_SECRETARY: "党政办",
    roles.MEETING_CHAIR: "会议主持人", roles.PRINCIPAL: "镇长", roles.BRIGADE_CHIEF: "执法大队长",
    roles.ENFORCEMENT_OFFICER: "执法队员", roles.PETITION_OFFICE: "信访办", roles.MEDIATOR: "调解员",
    roles.ADMIN: "系统管理员",
}


def print_logins(out):
    rows = []
    # The brigade's other officers (demo.brigade) right after zhifa01.
    specs = list(USERS)
    after = next(i for i, spec in enumerate(specs) if spec.username == "zhifa01") + 1
    specs[after:after] = OFFICERS
    for spec in specs:
        role = ", ".join(f"{r} {ROLE_NAMES_ZH[r]}" for r in spec.roles)
        rows.append((spec.username, role, f"{spec.last_name}{spec.first_name}", spec.post))
    header = ("username", "role", "name", "post")
    widths = [max(_width(r[i]) for r in (*rows, header)) for i in range(len(header))]
    out.write("")
    out.write("Demo logins / 演示账号")
    out.write("  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip())
    out.write("  ".join("-" * w for w in widths))
    for row in rows:
        out.write("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    out.write("")
    out.write(f"password for every demo login / 演示密码: {DEMO_PASSWORD}")
    out.write(f"open {settings.SITE_URL}/")


def _width(text: str) -> int:
    """Terminal columns: CJK characters and full-width punctuation take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))

"""The kinds of administrative penalty (行政处罚法 2021 Art 9), as the codes a notice and a decision list
(CONTRACT §7, `GET /api/v1/penalty-measures/`). One table, read by the flow (Art 45 ¶2, Art 63), the API, the
forms and the pages.

`severity` orders the kinds from lightest to heaviest; it is the brigade's reading of Art 9's order (local
practice), used for Art 45 ¶2: a decision may not add a measure heavier than those the notice proposed.
`hearing` says how the kind entitles the party to a hearing (Art 63 ¶1, statutory):
- "always": the kind itself (Art 63 ¶1(2) 降低资质等级、吊销许可证件, (3) 责令停产停业、责令关闭、限制从业);
- "amount": from the violation type's threshold for the party's kind (Art 63 ¶1(1) 较大数额罚款, (2) 没收较大数额
  违法所得、没收较大价值非法财物; the thresholds are set per province: local);
- "heavy": `other` (其他行政处罚, Art 9(6)) when the notice marks it heavy (Art 63 ¶1(4) 其他较重的行政处罚), e.g. an
  order to demolish a building (限期拆除), which the brigade records as `other` marked heavy;
- "never": 警告、通报批评 (Art 9(1)), 暂扣许可证件 (Art 9(3), not named by Art 63);
- `restrict_business` (限制开展生产经营活动, Art 9(4)) is read as 其他较重的行政处罚 (Art 63 ¶1(4)) by local practice.
"""

from django.utils.translation import gettext_lazy as _

ALWAYS, AMOUNT, HEAVY, NEVER = "always", "amount", "heavy", "never"

# code: (label, severity, hearing)
MEASURES = {
    "warning": (_("Warning"), 1, NEVER),  # 警告
    "criticism": (_("Public criticism"), 2, NEVER),  # 通报批评
    "fine": (_("Fine"), 3, AMOUNT),  # 罚款
    "confiscate_gains": (_("Confiscation of illegal gains"), 4, AMOUNT),  # 没收违法所得
    "confiscate_property": (_("Confiscation of illegal property"), 4, AMOUNT),  # 没收非法财物
    "suspend_permit": (_("Suspension of a permit"), 5, NEVER),  # 暂扣许可证件
    "other": (_("Other administrative penalty"), 5, HEAVY),  # 其他行政处罚
    "lower_qualification": (_("Lowering of the qualification grade"), 6, ALWAYS),  # 降低资质等级
    "restrict_business": (_("Restriction of production or business activities"), 6, ALWAYS),  # local reading
    "suspend_production": (_("Order to suspend production or business"), 7, ALWAYS),  # 责令停产停业
    "restrict_practice": (_("Restriction of practice"), 7, ALWAYS),  # 限制从业
    "revoke_permit": (_("Revocation of a permit"), 8, ALWAYS),  # 吊销许可证件
    "close_down": (_("Order to close down"), 9, ALWAYS),  # 责令关闭
}
CODES = tuple(MEASURES)
CONFISCATIONS = ("confiscate_gains", "confiscate_property")
CHOICES = [(code, label) for code, (label, _severity, _hearing) in MEASURES.items()]


def label(code: str) -> str:
    return str(MEASURES[code][0])


def severity(code: str) -> int:
    return MEASURES[code][1]


def hearing_kind(code: str) -> str:
    return MEASURES[code][2]


def labels(codes) -> str:
    return "、".join(label(code) for code in codes or () if code in MEASURES)

"""The villages of the demo town 石桥镇 (DESIGN §7): the 28 administrative villages of the town's 2023 rule-of-law
report, each with a legal adviser, codes 01–28 in the order of VILLAGES. Idempotent: a village is found by name.
"""

from django.db import transaction

from cases.models import Village

# --------------------------------------------------------------------------------------------------
# Villages (the report: 28 administrative villages, each with a legal adviser)
# --------------------------------------------------------------------------------------------------

VILLAGES = (
    "石桥村", "东关村", "西街村", "南庄村", "北岗村", "大营村", "小营村", "前营村", "后营村", "柳林村",
    "枣园村", "寺沟村", "河口村", "龙泉村", "杨庄村", "李庄村", "王庄村", "张庄村", "郭庄村", "黄庄村",
    "高庙村", "白土岗村", "马岭村", "桃园村", "杏树沟村", "新集村", "岳庄村", "韩店村",
)


def seed_villages() -> int:
    """Create the villages that are missing, in one transaction; return the number created."""
    created_count = 0
    with transaction.atomic():
        for code, name in enumerate(VILLAGES, start=1):
            _village, created = Village.objects.get_or_create(name=name, defaults={"code": f"{code:02d}"})
            created_count += created
    return created_count

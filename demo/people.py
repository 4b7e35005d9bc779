"""The people of the demo town 石桥镇 (DESIGN §7): one user for every role of CONTRACT §3, loaded first.

Every demo login has the demo password ``lawflow-demo`` (DEMO_PASSWORD) and an address under a reserved domain
(``demo_email``); the brigade's other officers (``demo.brigade``) get the same. Idempotent: a user is found by
username; preferences are set on creation only, a missing role group is added.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from workflows import roles

DEMO_PASSWORD = "lawflow-demo"


# --------------------------------------------------------------------------------------------------
# Users (CONTRACT §3)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    roles: tuple[str, ...]
    last_name: str
    first_name: str
    post: str  # 职务, shown in the logins table
    phone: str
    legal_qualification: bool = False
    superuser: bool = False
    # Reminder preferences (DESIGN §5): channels besides in-app, quiet hours ("22:00", "07:00"), WeCom account.
    channels: tuple[str, ...] = ()
    quiet_hours: tuple[str, str] | None = None
    wecom_userid: str = ""

    @property
    def email(self) -> str:
        return demo_email(self.username)


def demo_email(username: str) -> str:
    """A real-looking address under a reserved domain (RFC 2606 .example): mail to it can reach no one."""
    return f"{username}@shiqiao.example"


# Phone numbers: 138000000xx (the brigade: 138000001xx), real-looking but not the staff's; no real SMS goes out
# unless an SMS provider is configured (SMS_BACKEND defaults to the console).
USERS = (
    DemoUser("zhangsan", (roles.DRAFTER,), "张", "三", "承办人员（农业农村办）", "13800000011"),
    DemoUser("lisi", (roles.DRAFTER,), "李", "四", "承办人员（党政办）", "13800000012"),
    # The judicial office wants SMS and e-mail, but no SMS between 22:00 and 07:00 (escalations excepted).
    DemoUser("sifa", (roles.JUDICIAL_OFFICE,), "陈", "静", "司法所所长", "13800000001", legal_qualification=True,
             channels=("sms", "email"), quiet_hours=("22:00", "07:00")),
    DemoUser("dangzhengban", (roles.OFFICE_SECRETARY,), "刘", "洋", "党政办主任", "13800000014"),
    DemoUser("shuji", (roles.MEETING_CHAIR,), "赵", "国强", "党委书记", "13800000015"),
    DemoUser("zhenzhang", (roles.PRINCIPAL,), "孙", "建华", "镇长", "13800000016"),
    DemoUser("daduizhang", (roles.BRIGADE_CHIEF,), "周", "磊", "综合行政执法大队大队长", "13800000002",
             channels=("sms",)),
    # An officer reached by WeCom app messages (企业微信应用消息) under his account in the town's directory.
    DemoUser("zhifa01", (roles.ENFORCEMENT_OFFICER,), "吴", "涛", "综合行政执法大队执法队员", "13800000101",
             channels=("wecom",), wecom_userid="WuTao"),
    # Issue 15: the petition office (信访办) and the town mediation committee's mediator (镇人民调解委员会),
    # who works in the judicial office; the village mediators are people of the mediation registers.
    DemoUser("xinfang", (roles.PETITION_OFFICE,), "王", "芳", "信访办主任", "13800000020"),
    DemoUser("tiaojie", (roles.MEDIATOR,), "何", "平", "镇人民调解委员会专职调解员", "13800000021"),
    DemoUser("admin", (roles.ADMIN,), "郑", "敏", "系统管理员", "13800000019", superuser=True),
)


def seed_users() -> tuple[dict, int]:
    """Create the users of USERS that are missing, in one transaction; return them by username and the number
    of objects created."""
    created_count = 0
    User = get_user_model()
    users = {}
    with transaction.atomic():
        for spec in USERS:
            user, created = User.objects.get_or_create(
                username=spec.username,
                defaults={
                    "first_name": spec.first_name, "last_name": spec.last_name, "phone": spec.phone,
                    "email": spec.email, "legal_qualification": spec.legal_qualification,
                    "is_staff": roles.ADMIN in spec.roles, "is_superuser": spec.superuser,
                    # Preferences are the user's own once created (PATCH /api/v1/me/): set on creation only.
                    "notification_channels": list(spec.channels), "wecom_userid": spec.wecom_userid,
                    "quiet_hours_start": _time(spec.quiet_hours[0]) if spec.quiet_hours else None,
                    "quiet_hours_end": _time(spec.quiet_hours[1]) if spec.quiet_hours else None,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created_count += 1
            missing = set(spec.roles) - set(user.groups.values_list("name", flat=True))
            if missing:
                user.groups.add(*Group.objects.filter(name__in=missing))
            users[spec.username] = user
    return users, created_count


def _time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


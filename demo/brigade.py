"""The enforcement brigade of the demo town 石桥镇 (DESIGN §7; the town's report: "16名执法队员均持证上岗").

The chief ``daduizhang`` and ``zhifa01`` are demo users (``demo.people``); here the other 15 officers, ``zhifa02``
to ``zhifa16``, get their users (the demo password, a demo address, the enforcement officer's role), and all 16
certified officers get an enforcement certificate recorded by ``cases.services.set_certificate`` as the chief: one
certificate expires within 20 days, one has expired (C1: that officer cannot be assigned to a case).

Idempotent: users by username, certificates by number.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from cases import services
from cases.models import OfficerCertificate
from workflows import roles

from .people import DEMO_PASSWORD, demo_email

# --------------------------------------------------------------------------------------------------
# The brigade: 16 certified officers (the report: "16名执法队员均持证上岗")
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoOfficer:
    """Same attributes as demo.people's DemoUser, so the logins table prints both."""

    username: str
    last_name: str
    first_name: str
    phone: str
    expires_in: int  # the certificate expires this many days from the day it is recorded (negative: expired)
    post: str = "综合行政执法大队执法队员"
    roles: tuple[str, ...] = (roles.ENFORCEMENT_OFFICER,)

    @property
    def certificate_number(self) -> str:
        # 豫 = Henan, 4104 = 平顶山市 (宝丰县 410421), then the year of issue and the officer's serial.
        return f"豫行执字第41042123{self.username[-2:]}号"


EXPIRING_IN = 12  # one certificate expires within 20 days (the officer.certificate reminder fires 30 days ahead)
EXPIRED_AGO = 15  # one expired 15 days ago

# zhifa01 (吴涛) is a demo user of demo.people; only his certificate is recorded here.
ZHIFA01 = DemoOfficer("zhifa01", "吴", "涛", "13800000101", expires_in=700)
OFFICERS = (
    DemoOfficer("zhifa02", "王", "强", "13800000102", expires_in=700),
    DemoOfficer("zhifa03", "李", "娜", "13800000103", expires_in=700),
    DemoOfficer("zhifa04", "刘", "伟", "13800000104", expires_in=700),
    DemoOfficer("zhifa05", "陈", "刚", "13800000105", expires_in=730),
    DemoOfficer("zhifa06", "杨", "帆", "13800000106", expires_in=730),
    DemoOfficer("zhifa07", "黄", "海", "13800000107", expires_in=730),
    DemoOfficer("zhifa08", "赵", "鹏", "13800000108", expires_in=730),
    DemoOfficer("zhifa09", "孙", "丽", "13800000109", expires_in=540),
    DemoOfficer("zhifa10", "马", "超", "13800000110", expires_in=540),
    DemoOfficer("zhifa11", "朱", "明", "13800000111", expires_in=540),
    DemoOfficer("zhifa12", "胡", "军", "13800000112", expires_in=540),
    DemoOfficer("zhifa13", "郭", "勇", "13800000113", expires_in=400),
    DemoOfficer("zhifa14", "何", "平", "13800000114", expires_in=400),
    DemoOfficer("zhifa15", "高", "峰", "13800000115", expires_in=EXPIRING_IN,
                post="综合行政执法大队执法队员（执法证即将到期，待换证）"),
    DemoOfficer("zhifa16", "罗", "斌", "13800000116", expires_in=-EXPIRED_AGO,
                post="综合行政执法大队执法队员（执法证已过期，不得办案）"),
)
CERTIFIED = (ZHIFA01, *OFFICERS)
# The demo certificates run three years from issue; the newest was issued ~13 months ago (700 days before expiry
# in 3 years), so that all 16 were held on 31 December of last year (the annual report counts that day).
CERTIFICATE_YEARS = 3


def seed_brigade(today: datetime.date) -> int:
    """Create the officers and certificates that are missing, in one transaction; certificates expire counted
    from ``today``. Return the number of objects created."""
    created_count = 0
    User = get_user_model()
    officer_group = Group.objects.get(name=roles.ENFORCEMENT_OFFICER)
    password = None  # hashed once: PBKDF2 takes a good fraction of a second per call
    with transaction.atomic():
        for spec in OFFICERS:
            user, created = User.objects.get_or_create(username=spec.username, defaults={
                "first_name": spec.first_name, "last_name": spec.last_name, "phone": spec.phone,
                "email": demo_email(spec.username),
            })
            if created:
                password = password or make_password(DEMO_PASSWORD)
                user.password = password
                user.save(update_fields=["password"])
                created_count += 1
            if not user.groups.filter(pk=officer_group.pk).exists():
                user.groups.add(officer_group)
        chief = User.objects.get(username="daduizhang")
        for spec in CERTIFIED:
            if OfficerCertificate.objects.filter(number=spec.certificate_number).exists():
                continue
            expires_on = today + datetime.timedelta(days=spec.expires_in)
            if spec.expires_in < 0:
                # Expired, but not before 31 December of last year: last year's report counts 16 certified
                # officers on that day (in the first days of January it expired "yesterday" at the latest).
                expires_on = max(expires_on, datetime.date(today.year - 1, 12, 31))
            services.set_certificate(
                officer=User.objects.get(username=spec.username), number=spec.certificate_number,
                expires_on=expires_on,
                issued_on=_years_before(expires_on, CERTIFICATE_YEARS), user=chief,
            )
            created_count += 1
    return created_count


def certificate_of(spec) -> OfficerCertificate:
    return OfficerCertificate.objects.get(number=spec.certificate_number)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


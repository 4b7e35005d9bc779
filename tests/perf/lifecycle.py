"""A whole enforcement case, report → closed, through the services and fire_transition, as the demo town drives
its "closed" case (demo.enforcement CaseSeeder.closed): filing, an inquiry, the notice, the waiver, the decision,
service, payment, execution, publicity, closing. Also the same case stopped just before `decide` (the transition
benchmark) and the base data every benchmark needs (users, villages, violation types, the brigade)."""

import datetime
import io
import itertools

from django.db import transaction
from django.utils import timezone

from cases import services
from cases.models import Case, ViolationType
from demo import brigade, catalogue, enforcement, people, villages

CLOSED_SPEC = next(spec for spec in enforcement.CASES if spec.drive == "closed")
_serial = itertools.count(1)


def seed_base() -> None:
    """The demo town's users, villages, violation types and enforcement brigade (idempotent)."""
    today = timezone.localdate()
    people.seed_users()
    villages.seed_villages()
    catalogue.seed_catalogue()
    brigade.seed_brigade(today)


class Driver(enforcement.CaseSeeder):
    """The demo's case seeder, used to drive cases; its dates count back from today."""

    def __init__(self):
        super().__init__(io.StringIO(), timezone.localdate())
        spec = self.spec = CLOSED_SPEC
        self.village = enforcement.Village.objects.get(name=spec.village)
        self.violation = ViolationType.objects.get(code=spec.violation)

    def report(self) -> Case:
        spec = CLOSED_SPEC
        with transaction.atomic():
            return services.create_case(
                user=self.user(spec.reporter), source=spec.source, description=f"{spec.description}（{next(_serial)}）",
                village=self.village, violation_type=self.violation,
                violation_date=self.today - datetime.timedelta(days=spec.occurred),
                party=spec.party(self.today) if callable(spec.party) else spec.party)

    def to_deciding(self) -> Case:
        """A reported case driven up to the principal's decision (state deciding, waiver signed)."""
        spec = CLOSED_SPEC
        case = self.report()
        self.file(case, spec, self.wd(5))
        self.inquiry(case, spec, self.wd(4), "袁小燕（当事人）", "问：村西坑塘边的生活垃圾是你倾倒的吗？\n答：是。")
        self.notify(case, spec, self.wd(2), facts="经查，当事人将生活垃圾倾倒在村西坑塘边，有现场照片及询问笔录为证。",
                    legal_basis="《中华人民共和国固体废物污染环境防治法》第四十九条、第一百一十一条第一款第（一）项、第二款",
                    fine="200", note="责令清理倾倒的生活垃圾")
        self.fire(case, "submit_decision", spec.officers[0], waiver=True)
        return case

    def to_executed(self) -> Case:
        """Decided, served, paid and executed: waiting for the brigade chief to close it."""
        spec = CLOSED_SPEC
        case = self.to_deciding()
        self.decide(case)
        self.fire(case, "serve", spec.officers[0], method="直接送达（当事人签收）")
        self.pay(case, spec.officers[0], "200", "豫财罚0001003")
        self.fire(case, "record_execution", spec.officers[0],
                  detail="当事人已缴纳罚款200元，倾倒的垃圾已清运至村垃圾收集点，执法队员现场复核确认。")
        services.record_publicity(case_pk=case.pk, user=self.user("daduizhang"),
                                  channel=enforcement.PUBLICITY_CHANNEL)
        return case

    def decide(self, case):
        return self.fire(case, "decide", "zhenzhang", outcome=Case.Outcome.PENALTY, fine="200",
                         measures_note="责令清理倾倒的生活垃圾")

    def whole_life(self) -> Case:
        """One case, report → closed (the demo's normal path)."""
        case = self.report()
        self.closed(case, CLOSED_SPEC)
        return case

"""The enforcement cases of the demo town 石桥镇 (DESIGN §7), loaded last: after the people, the decisions, the
villages, the violation catalogue and the brigade, whose users, villages and violation types they name.

What it loads, after the town's 2023 rule-of-law report (the "一米线" for street shops, 违建拆除 as a risk point,
the 500㎡ office with its 询问室 and 行政调解室): enforcement cases in every case state (CONTRACT §5), each moved
there only through ``create_case``, ``add_inquiry`` and ``workflows.services.fire_transition`` as the user whose
role acts, so that numbers, deadlines and the audit trail are real. Business dates (filing, inquiries, notice,
hearing request, mediation agreement) lie in the past where the story needs it; one case is past its 90-day
decision deadline, one close to it, one report close to its filing deadline. Parties have valid GB 11643 resident
IDs and GB 32100 credit codes.

Idempotent: cases by their description. A case and all its steps are created in one transaction, so a run
creates the whole case or none of it; a second run creates nothing and writes no audit entry.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.models import Case, FirstOffenceExemption, Party, Village, ViolationType
from cases.validators import ID_CHECK, ID_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS
from notifications import calendar
from notifications.deadlines import add_months, compute_due, reanchor
from notifications.models import Deadline, DeadlineRule
from workflows.audit import object_type_of
from workflows.services import fire_transition

from .brigade import OFFICERS, certificate_of

BAOFENG = "410421"  # 河南省平顶山市宝丰县, the county of 石桥镇 (GB/T 2260)

# --------------------------------------------------------------------------------------------------
# Parties: valid GB 11643 resident IDs and GB 32100 credit codes, computed with cases.validators' tables
# --------------------------------------------------------------------------------------------------


def resident_id(born: str, serial: int, region: str = BAOFENG) -> str:
    """18-character resident ID: region, YYYYMMDD, 3-digit serial (odd for men, even for women), check digit."""
    first17 = f"{region}{born.replace('-', '')}{serial:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


def credit_code(kind: str, body: str, region: str = BAOFENG) -> str:
    """18-character unified social credit code: kind ("91" company, "92" 个体工商户), region, 9-character body,
    check character."""
    first17 = f"{kind}{region}{body}"
    total = sum(USCC_CHARSET.index(ch) * weight for ch, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return first17 + USCC_CHARSET[(31 - total % 31) % 31]


def person(name, born, serial, phone, address) -> dict:
    return {"kind": Party.Kind.PERSON, "name": name, "id_number": resident_id(born, serial), "phone": phone,
            "address": address}


def minor(name, age_years, age_days, serial, phone, address):
    """A person aged `age_years` years and `age_days` days on the day the demo is seeded (a function of today, so
    that the demo's minor stays a minor whenever it is loaded)."""
    def party(today: datetime.date) -> dict:
        try:
            birthday = today.replace(year=today.year - age_years)
        except ValueError:  # 29 February
            birthday = today.replace(year=today.year - age_years, day=28)
        return person(name, (birthday - datetime.timedelta(days=age_days)).isoformat(), serial, phone, address)
    return party


def org(name, kind, body, phone, address) -> dict:
    return {"kind": Party.Kind.ORG, "name": name, "id_number": credit_code(kind, body), "phone": phone,
            "address": address}


# --------------------------------------------------------------------------------------------------
# Cases: content. `occurred` is the violation date in calendar days before today; `drive` names the method of
# CaseSeeder that moves the registered report to its state.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCase:
    drive: str
    violation: str
    village: str
    source: str
    occurred: int
    party: dict | Callable[[datetime.date], dict]
    description: str
    reporter: str
    officers: tuple[str, str] | None = None


PUBLICITY_CHANNEL = "石桥镇人民政府门户网站“行政执法公示”专栏"  # 处罚法 Art 48; 国办发〔2018〕118号

PATROL, COMPLAINT, REFERRAL, HOTLINE = (Case.Source.PATROL, Case.Source.COMPLAINT, Case.Source.REFERRAL,
                                         Case.Source.HOTLINE)

# In the order of their filing dates, oldest first, so that the case numbers of a fresh town follow the calendar.
CASES = (
    DemoCase(
        "paid_after_rolled_over_term", "QDLJ", "前营村", PATROL, 170,
        person("韩春生", "1975-03-18", 139, "13598721046", "石桥镇前营村二组"),
        "巡查发现前营村村民韩某某将自家翻修房屋产生的建筑垃圾及生活垃圾约3立方米倾倒在村南排水沟内，"
        "堵塞排水沟，影响汛期排水。",
        "zhifa05", ("zhifa05", "zhifa06"),
    ),
    DemoCase(
        "investigating_past_deadline", "HWGG", "新集村", PATROL, 104,
        org("宝丰县新集农资经营部", "92", "MA9DK6P3W", "13461875520", "石桥镇新集村省道路口"),
        "巡查发现新集农资经营部未经批准在新集村路口设置落地式大型广告牌一块（高约6米、面宽约8米），"
        "遮挡路口视线，影响市容。",
        "zhifa07", ("zhifa07", "zhifa08"),
    ),
    DemoCase(
        "investigating_near_deadline", "ZYDL", "东关村", PATROL, 86,
        org("宝丰县石桥镇宏达建材商行", "92", "MA9F3K2L1", "13937581206", "石桥镇振兴路东段88号"),
        "巡查发现宏达建材商行在振兴路东段人行道及部分车行道上堆放黄沙、石子约30立方米，占用道路约80平方米，"
        "未办理占用城市道路审批手续，影响车辆和行人通行。",
        "zhifa03", ("zhifa03", "zhifa04"),
    ),
    DemoCase(
        "deciding_after_hearing", "FSYH", "大营村", COMPLAINT, 60,
        org("宝丰县恒通再生资源回收有限公司", "91", "MA46QX8T2", "03756512388", "石桥镇大营村村东"),
        "大营村村民联名投诉：恒通再生资源回收有限公司多次在厂区空地露天焚烧废旧塑料和橡胶边角料，黑烟和恶臭飘入"
        "相邻居民区，距最近的农户不足100米。",
        "zhifa09", ("zhifa09", "zhifa10"),
    ),
    DemoCase(
        "decided_major", "WFJS", "北岗村", PATROL, 48,
        person("李红军", "1970-08-25", 235, "13592356108", "石桥镇北岗村二组"),
        "巡查发现北岗村村民李某某未取得乡村建设规划许可证，在原有两层住宅上加盖第三层，建筑面积约140平方米；"
        "执法队员当场责令停止建设，当事人仍连夜施工。",
        "zhifa01", ("zhifa01", "zhifa02"),
    ),
    DemoCase(
        "served_payment_due", "JGFS", "前营村", PATROL, 45,
        person("许二平", "1962-12-03", 117, "15837512290", "石桥镇前营村四组"),
        "“蓝天卫士”视频监控报警，经现场核实，前营村村民许某某在禁烧区内的自家承包地露天焚烧玉米秸秆约4亩，"
        "浓烟飘向村内。",
        "zhifa04", ("zhifa01", "zhifa04"),
    ),
    DemoCase(
        "legal_review_major", "FFZJ", "南庄村", REFERRAL, 70,
        person("冯国庆", "1966-10-01", 153, "13783756621", "石桥镇南庄村三组"),
        "镇自然资源所移交：南庄村村民冯某某未经批准，在村北承包耕地上建设两层砖混结构住宅一处，占地约210平方米；"
        "该户在村内已有宅基地一处。",
        "zhifa07", ("zhifa07", "zhifa08"),
    ),
    DemoCase(
        "transferred_gas", "RQAQ", "石桥村", REFERRAL, 32,
        org("宝丰县石桥镇鑫源饭店", "92", "MA9GT5R04", "13849587730", "石桥镇石桥村老街16号"),
        "镇应急管理办移交安全检查线索：石桥村老街鑫源饭店在地下储藏室存放液化石油气钢瓶12个，储藏室无通风设施，"
        "与厨房明火仅一墙之隔，不具备安全储存条件。",
        "zhifa05", ("zhifa05", "zhifa06"),
    ),
    DemoCase(
        "deciding_windows_passed", "JGFS", "柳林村", PATROL, 24,
        person("吕保军", "1958-04-18", 95, "15993788012", "石桥镇柳林村一组"),
        "“蓝天卫士”视频监控报警，经现场核实，柳林村村民吕某某在紧邻县道的自家承包地内露天焚烧玉米秸秆，"
        "过火面积约3亩，烟雾影响道路通行。",
        "zhifa13", ("zhifa13", "zhifa14"),
    ),
    DemoCase(
        "hearing_requested", "ZYDL", "北岗村", PATROL, 20,
        person("张建设", "1975-06-30", 271, "13603751849", "石桥镇北岗村五组"),
        "巡查发现个体施工队负责人张某某未经批准，在石桥大街北段横向开挖沟槽一道（长约12米、宽约1米），为沿街商户"
        "铺设自来水管道，施工完毕后未恢复路面，也未设置安全围挡和警示标志。",
        "zhifa05", ("zhifa05", "zhifa06"),
    ),
    DemoCase(
        "decided_minor_reduced", "QDLJ", "柳林村", PATROL, 18,
        minor("秦小龙", 16, 120, 357, "13703756642", "石桥镇柳林村二组（监护人：秦某某，其父）"),
        "巡查发现柳林村村民秦某某（16周岁，在校学生）在柳林村村口排水渠边多次焚烧收集来的生活垃圾和废旧塑料，"
        "浓烟影响过往行人。",
        "zhifa13", ("zhifa13", "zhifa14"),
    ),
    DemoCase(
        "executed", "LTLH", "石桥村", PATROL, 13,
        org("宝丰县锦程装饰工程有限公司", "91", "MA47KB3N6", "03756529017", "宝丰县城关镇建设路112号"),
        "巡查发现宝丰县锦程装饰工程有限公司在石桥大街、振兴路沿线的电线杆、墙面上张贴装修广告约60处，污损市容。",
        "zhifa14", ("zhifa13", "zhifa14"),
    ),
    DemoCase(
        "closed_by_mediation", "ZDJY", "石桥村", COMPLAINT, 15,
        person("刘建伟", "1979-01-21", 313, "13721859066", "石桥镇石桥村石桥大街41号（刘记烩面馆）"),
        "石桥大街便民超市经营者蔡某某投诉：相邻的刘记烩面馆将餐桌和炉灶摆放到门前“一米线”以外，占用超市门前"
        "人行道，顾客进出困难，油烟扰邻，双方多次争吵。",
        "zhifa01", ("zhifa01", "zhifa12"),
    ),
    DemoCase(
        "mediating", "LDLF", "西街村", COMPLAINT, 12,
        person("杜长林", "1963-09-12", 179, "15137561245", "石桥镇西街村集镇西街27号"),
        "西街村村民任某某投诉：邻居杜某某在两家之间的公共巷道内堆放砖块、沙子和柴草，占用巷道约15米，"
        "导致其家农用车无法通行，双方多次发生争执。",
        "zhifa11", ("zhifa11", "zhifa15"),
    ),
    DemoCase(
        "closed", "QDLJ", "西街村", COMPLAINT, 8,
        person("袁小燕", "1988-03-09", 246, "18237560935", "石桥镇西街村三组"),
        "群众举报：西街村村民袁某某多次将生活垃圾倾倒在村西坑塘边，堆放约2立方米，未投放至村内垃圾收集点。",
        "zhifa12", ("zhifa11", "zhifa12"),
    ),
    DemoCase(
        "notified", "ZDJY", "石桥村", PATROL, 9,
        person("宋红梅", "1980-02-14", 128, "13937571168", "石桥镇石桥村石桥大街23号（红梅水果店）"),
        "巡查发现石桥大街宋某某经营的水果店将货架和水果筐摆放到门前“一米线”以外约2.5米的人行道上经营，"
        "经三次劝导后仍反复占道。",
        "zhifa01", ("zhifa01", "zhifa02"),
    ),
    DemoCase(
        "not_filed", "ZDJY", "东关村", HOTLINE, 2,
        person("马桂芳", "1972-05-08", 162, "15903756673", "石桥镇东关村集市路口"),
        "12345热线转办：东关村集市路口有水果摊占道经营，影响行人通行。",
        "zhifa08",
    ),
    DemoCase(
        "reported_filing_due", "QDLJ", "南庄村", COMPLAINT, 25,
        person("郭秀兰", "1959-07-02", 204, "13781825507", "石桥镇南庄村三组"),
        "村民投诉：南庄村三组郭某某多次将生活垃圾倾倒在村东排水沟内，堵塞沟渠、散发异味。",
        "zhifa10",
    ),
    DemoCase(
        "reported_past_limitation", "SHSS", "东关村", REFERRAL, 2 * 365 + 75,
        person("韩志刚", "1985-11-20", 331, "13598472216", "宝丰县城关镇南环路9号"),
        "镇村镇建设办公室移交线索：调取的监控录像显示，韩某某驾驶货车在振兴路东段倒车时撞断路灯杆1根，至今未赔偿"
        "修复。违法行为发生已逾二年，立案前须核实是否超过追责时效（《中华人民共和国行政处罚法》第三十六条）。",
        "zhifa07",
    ),
    DemoCase(
        "reported", "HWGG", "石桥村", PATROL, 3,
        org("宝丰县石桥镇福满多超市", "92", "MA9H2WD7X", "13837592260", "石桥镇石桥村石桥大街58号"),
        "巡查发现石桥大街福满多超市未经批准在门店楼顶设置长约12米、高约3米的钢结构大型户外广告牌，"
        "固定不牢，影响市容且存在坠落隐患。",
        "zhifa09",
    ),
)


# --------------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------------


def seed_cases(stdout, today: datetime.date) -> int:
    """Load the enforcement cases, with dates counted from ``today``; return the number of objects created (0 on
    a second run)."""
    created = CaseSeeder(stdout, today).run()
    return created + seed_on_the_spot(stdout, today)


class CaseSeeder:
    def __init__(self, stdout, today: datetime.date):
        self.stdout = stdout
        self.today = today
        self.created = 0
        self.users = {}

    def run(self) -> int:
        new_cases = 0
        self.created += seed_first_offence_list(self.today)  # before the cases: one of them is decided on it
        for spec in CASES + ISSUE13_CASES:
            if Case.objects.filter(description=spec.description).exists():
                continue
            with transaction.atomic():
                case = services.create_case(
                    user=self.user(spec.reporter), source=spec.source, description=spec.description,
                    village=Village.objects.get(name=spec.village),
                    violation_type=ViolationType.objects.get(code=spec.violation),
                    violation_date=self.today - datetime.timedelta(days=spec.occurred),
                    party=spec.party(self.today) if callable(spec.party) else spec.party,
                )
                # the issue-13 cases are driven by the functions at the end of this module
                drive = getattr(self, spec.drive, None) or functools.partial(ISSUE13_DRIVES[spec.drive], self)
                drive(case, spec)
            new_cases += 1
        new_cases += paying_by_instalments(self)  # issue 13 (execution): called last
        new_cases += seed_execution_cases(self)
        self.created += new_cases
        if new_cases:
            expiring, expired = OFFICERS[-2], OFFICERS[-1]
            self.stdout.write(
                f"enforcement: {new_cases} cases; {expiring.username}'s certificate expires on "
                f"{certificate_of(expiring).expires_on}, {expired.username}'s expired on "
                f"{certificate_of(expired).expires_on}"
            )
        return self.created

    # --- helpers ----------------------------------------------------------------------------------

    def user(self, username):
        if username not in self.users:
            self.users[username] = get_user_model().objects.get(username=username)
        return self.users[username]

    def fire(self, case, name, username, **data):
        """Fire a transition with its fields as the API receives them (JSON: dates as ISO strings)."""
        data = {key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in data.items()}
        return fire_transition("case", case.pk, name, self.user(username), data)

    def pay(self, case, username, amount, receipt_number, paid_on=None):
        """The party paid the fine at the designated bank; the officer records the bank's receipt (罚缴分离, 处罚法
        Art 67) before recording the execution, so an executed case's payment card shows it paid."""
        services.record_payment(case_pk=case.pk, user=self.user(username), amount=Decimal(amount),
                                paid_on=paid_on or self.today, receipt_number=receipt_number,
                                bank="宝丰县农村商业银行石桥支行")

    def wd(self, n: int) -> datetime.date:
        """n working days before today (0: today)."""
        return calendar.add_working_days(self.today, -n).date

    def workday_on_or_before(self, day: datetime.date) -> datetime.date:
        while not calendar.is_workday(day):
            day -= datetime.timedelta(days=1)
        return day

    def file(self, case, spec, filed_on, comment="经审查，符合立案条件，予以立案。"):
        # A filing follows the violation and the report's registration (workflows.dates, 处罚法 Art 54). The
        # demo counts filings in working days and violations in calendar days, so across a holiday a violation
        # could land after its filing: the demo moves it to the day before, and dates the registration of the
        # report to the filing day.
        at = timezone.make_aware(datetime.datetime.combine(filed_on, datetime.time(8, 30)))
        Case.objects.filter(pk=case.pk, reported_at__gt=at).update(reported_at=at)
        Case.objects.filter(pk=case.pk, violation_date__gt=filed_on).update(
            violation_date=filed_on - datetime.timedelta(days=1))
        return self.fire(case, "file", "daduizhang", officers=[self.user(u).pk for u in spec.officers],
                         filed_on=filed_on, comment=comment)

    def inquiry(self, case, spec, day, subject, record, hour=9):
        held_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))
        return services.add_inquiry(case_pk=case.pk, user=self.user(spec.officers[0]),
                                    officers=[self.user(u) for u in spec.officers], subject_name=subject,
                                    record=record, held_at=held_at)

    def notify(self, case, spec, notified_on, facts, legal_basis, fine=None, measures=(), note="", **extra):
        """`measures` are codes of cases.measures (Art 9); `note` describes an `other` penalty and the orders
        that accompany the penalty (责令改正 is not a penalty, Art 28)."""
        data = {"facts": facts, "legal_basis": legal_basis, "proposed_measures": list(measures),
                "proposed_measures_note": note, "notified_on": notified_on, **extra}
        if fine is not None:
            data["proposed_fine"] = fine
        return self.fire(case, "notify", spec.officers[0], **data)

    def rolled_over_service_day(self) -> datetime.date:
        """A service day whose 15-day payment term (Art 67) ends on a rest day, moved to the next working day
        (民法典 Art 203): among the working days 25 to 140 days before today, the one whose last day moves
        furthest (a holiday such as National Day or the Spring Festival: 2026-09-16 → 2026-10-01 → 2026-10-08),
        the latest on a tie. The demo runs on any date, so the holiday is the one the calendar finds there."""
        rule = DeadlineRule.objects.get(kind="case.payment")
        best, best_roll = None, -1
        for back in range(140, 24, -1):
            day = self.today - datetime.timedelta(days=back)
            if not calendar.is_workday(day):
                continue
            roll = (compute_due(rule, day).date - (day + datetime.timedelta(days=rule.length))).days
            if roll >= best_roll:
                best, best_roll = day, roll
        return best

    # --- the cases, in the order of CASES ------------------------------------------------------

    def paid_after_rolled_over_term(self, case, spec):
        """Served on a day whose 15 days to pay (Art 67) end on a holiday: the term ran to the first working day
        after it (民法典 Art 203), and the party paid on that day, owing no surcharge (Art 72). Closed."""
        served_on = self.rolled_over_service_day()
        decided_on = calendar.add_working_days(served_on, -2).date
        notified_on = calendar.add_working_days(decided_on, -5).date
        self.file(case, spec, calendar.add_working_days(notified_on, -6).date)
        self.inquiry(case, spec, calendar.add_working_days(notified_on, -5).date, "韩春生（当事人）",
                     "问：村南排水沟里的建筑垃圾是谁倒的？\n答：是我家翻修房子拆下来的，图省事倒在沟里了。\n"
                     "问：你是否愿意清理？\n答：愿意，马上找车拉走。")
        self.notify(
            case, spec, notified_on,
            facts="经查，当事人将翻修房屋产生的建筑垃圾及生活垃圾约3立方米倾倒在前营村村南排水沟内，"
                  "有现场照片及询问笔录为证。",
            legal_basis="《中华人民共和国固体废物污染环境防治法》第四十九条、第一百一十一条第一款第（一）项、第二款",
            fine="200", note="责令清理倾倒的垃圾",
        )
        self.fire(case, "submit_decision", spec.officers[0], waiver=False)
        self.fire(case, "decide", "zhenzhang", outcome=Case.Outcome.PENALTY, fine="200",
                  measures_note="责令清理倾倒的垃圾", decided_on=decided_on)
        self.fire(case, "serve", spec.officers[0], method="直接送达（当事人签收）", served_on=served_on)
        payment = Deadline.objects.get(object_type=object_type_of(case), object_id=case.pk, kind="case.payment")
        last_day = served_on + datetime.timedelta(days=15)
        self.pay(case, spec.officers[0], "200", "豫财罚0000987", paid_on=payment.due_date)
        self.fire(case, "record_execution", spec.officers[0], executed_on=payment.due_date,
                  detail=(f"缴款期限第十五日（{_zh(last_day)}）为法定节假日或休息日，依法顺延至{_zh(payment.due_date)}"
                          f"（民法典第二百零三条）；当事人于{_zh(payment.due_date)}缴纳罚款200元，未逾期，不加处罚款。"
                          "倾倒的垃圾已清运，执法队员现场复核确认。"))
        services.record_publicity(case_pk=case.pk, user=self.user("daduizhang"), channel=PUBLICITY_CHANNEL,
                                  published_on=calendar.add_working_days(decided_on, 3).date)
        self.fire(case, "close", "daduizhang",
                  summary="罚款已在顺延后的缴款期限内缴纳，违法状态已消除，案卷材料齐全，予以结案。")


    def investigating_past_deadline(self, case, spec):
        """Filed 96 days ago: the 90-day period to decide (Art 60) has passed; the escalation goes to the brigade
        chief, and ``decide`` is refused until an approved extension is recorded."""
        filed_on = self.workday_on_or_before(self.today - datetime.timedelta(days=96))
        self.file(case, spec, filed_on)
        self.inquiry(case, spec, calendar.add_working_days(filed_on, 2).date, "韩某（新集农资经营部店员）",
                     "问：路口的广告牌是谁设置的？\n答：是老板安排人立的，老板在外地进货。\n问：是否办理了审批手续？"
                     "\n答：不清楚，要问老板。")

    def investigating_near_deadline(self, case, spec):
        """Filed about 80 days ago and still under investigation: the 90-day decision deadline (Art 60) is near."""
        filed_on = self.workday_on_or_before(self.today - datetime.timedelta(days=80))
        self.file(case, spec, filed_on)
        self.inquiry(case, spec, calendar.add_working_days(filed_on, 1).date, "孙宏达（宏达建材商行经营者）",
                     "问：你商行门前振兴路上堆放的黄沙、石子是否办理了占用道路的审批手续？\n答：没有办。店里院子小，"
                     "进货只能先卸在路边。\n问：堆放多长时间了？\n答：两个多月了，卖一些补一些。\n问：执法队员此前是否"
                     "劝导过你？\n答：劝过两次，我想等这批货卖完再收。")
        self.inquiry(case, spec, calendar.add_working_days(filed_on, 3).date, "王某某（振兴路沿街居民）",
                     "问：你对宏达建材商行门前堆放砂石的情况是否了解？\n答：了解，人行道全被占了，学生上学只能走"
                     "车行道，下雨天砂子冲得满路都是。", hour=15)

    def deciding_after_hearing(self, case, spec):
        """Hearing requested and held, legal review passed: a major case waiting for the principal (C5, C6)."""
        filed_on, notified_on = self.wd(40), self.wd(25)
        requested_on, hearing_notice_on, heard_on = self.wd(23), self.wd(22), self.wd(14)
        self.file(case, spec, filed_on)
        self.inquiry(case, spec, self.wd(39), "周志远（恒通再生资源回收有限公司法定代表人）",
                     "问：公司厂区东侧空地上的焚烧痕迹是怎么回事？\n答：工人把分拣剩下的碎塑料、胶皮集中烧了，"
                     "一个月烧过三四次。\n问：你是否知道在人口集中地区焚烧塑料、橡胶是违法的？\n答：知道不让烧，"
                     "以为量小没关系。")
        self.inquiry(case, spec, self.wd(37), "钱某某（大营村村民，投诉人之一）",
                     "问：你家离焚烧地点多远？\n答：不到一百米。烧的时候黑烟很大，味道刺鼻，孩子咳嗽，只能关窗。",
                     hour=15)
        self.notify(
            case, spec, notified_on,
            facts="经查，当事人于近两个月内多次在位于人口集中地区的厂区空地露天焚烧废旧塑料、橡胶边角料，产生有毒有害"
                  "烟尘和恶臭气体，有现场照片、无人机航拍影像、询问笔录及村民证言为证。",
            legal_basis="《中华人民共和国大气污染防治法》第八十二条第一款、第一百一十九条第二款",
            fine="60000", note="责令立即停止焚烧，清理焚烧残渣并交有资质单位处置",
        )
        self.fire(case, "request_hearing", spec.officers[0], requested_on=requested_on)
        # Art 64: the party is told 7 working days ahead; 胡军 presides, who did not investigate the case.
        self.fire(case, "schedule_hearing", spec.officers[0], presiding_officer=self.user("zhifa12").pk,
                  hearing_notice_on=hearing_notice_on, public=True,
                  hearing_at=timezone.make_aware(datetime.datetime.combine(heard_on, datetime.time(9, 0))).isoformat())
        self.fire(case, "finish_hearing", spec.officers[0], record_signed=True, hearing_record=(
            f"{_zh(heard_on)}在镇综合行政执法大队案件询问室公开举行听证。听证主持人：胡军（非本案调查人员），"
            "记录人：朱明。调查人员孙丽、马超出示现场照片、无人机航拍影像、询问笔录及村民证言；当事人委托代理人称"
            "焚烧物为厂区清扫杂物，数量较少，且已停止焚烧，请求从轻处罚。经质证，航拍影像显示焚烧物为成堆的废旧塑料"
            "和橡胶，焚烧不少于三次。当事人作最后陈述，表示认识到错误，已购置打包设备，分拣残料交有资质单位处置。"
        ))
        self.fire(case, "pass_legal_review", "sifa", opinion=(
            "经法制审核：一、执法主体合法，镇综合行政执法大队依赋权事项清单行使该项处罚权，两名执法人员均持有效执法证；"
            "二、事实清楚，证据确凿，有照片、航拍影像、询问笔录、证人证言相互印证；三、适用法律正确，即《中华人民共和国"
            "大气污染防治法》第八十二条第一款、第一百一十九条第二款；四、程序合法，已依法告知拟处罚内容及陈述、申辩和"
            "听证权利，并依当事人申请举行听证；五、拟罚款6万元在1万元至10万元法定幅度内，考虑当事人多次焚烧、邻近"
            "居民区，以及听证中认错并已整改，裁量适当。同意提交镇政府负责人集体讨论决定。"
        ))

    def decided_major(self, case, spec):
        """违建拆除 (the report's risk point): major, legal review by the judicial office, collective discussion."""
        self.file(case, spec, self.wd(30))
        self.inquiry(case, spec, self.wd(29), "李红军（当事人）",
                     "问：你家加盖第三层是否办理了乡村建设规划许可证？\n答：没有办，以为在自家宅基地上盖不用批。\n"
                     "问：执法队员责令你停止建设后，你为何继续施工？\n答：钢筋水泥都买了，怕放坏了，想赶紧封顶。")
        self.inquiry(case, spec, self.wd(27), "李某（北岗村村民委员会主任）",
                     "问：村委会是否受理过李红军的建房申请？\n答：没有。他家原有两层楼房，今年未向村里提出过建房申请，"
                     "村里发现后也劝他停工。", hour=15)
        self.notify(
            case, spec, self.wd(15),
            facts="经查，当事人未取得乡村建设规划许可证，在北岗村二组原有两层住宅上加盖第三层，建筑面积约140平方米，"
                  "经责令停止建设后仍继续施工，有现场勘验笔录、照片、询问笔录及村委会证明为证。",
            legal_basis="《中华人民共和国城乡规划法》第四十一条、第六十五条",
            measures=["other"], proposed_other_heavy=True,  # 限期拆除: a heavy other penalty (Art 63 ¶1(4))
            note="责令立即停止建设，限当事人于决定送达之日起30日内自行拆除违法加盖的第三层（约140平方米）；"
                 "逾期不拆除的，依法拆除。",
            major=True,
            major_reason="拟责令拆除房屋，直接关系当事人重大财产权益，且当事人拒不停工，案情复杂（《中华人民共和国"
                         "行政处罚法》第五十八条第一款）。",
        )
        self.fire(case, "submit_legal_review", spec.officers[0],
                  comment="陈述申辩期和听证申请期已满，当事人未提出陈述申辩，也未要求听证，提请法制审核。")
        self.fire(case, "pass_legal_review", "sifa", opinion=(
            "经法制审核：一、镇人民政府是《中华人民共和国城乡规划法》第六十五条规定的执法主体，执法人员均持证；"
            "二、当事人未取得乡村建设规划许可证进行建设的事实清楚，证据确凿；三、适用法律正确；四、已依法告知，"
            "当事人在期限内未陈述申辩；五、该违法建设无法通过补办手续改正，责令限期拆除适当。"
            "建议决定书写明逾期不拆除的后果及申请行政复议、提起行政诉讼的途径和期限。同意提交集体讨论。"
        ))
        self.fire(case, "decide", "zhenzhang", outcome=Case.Outcome.PENALTY, measures=["other"], measures_note=(
            "责令当事人立即停止建设，于本决定书送达之日起30日内自行拆除违法加盖的第三层（约140平方米）；"
            "逾期不拆除的，由镇人民政府依法拆除。"
        ), collective_discussion_attendees=["孙建华（镇长）", "分管副镇长", "周磊（综合行政执法大队大队长）",
                                            "陈静（司法所所长，列席）"],
            collective_discussion=(
            f"{_zh(self.today)}，镇人民政府负责人集体讨论。主持：镇长孙建华；参加：分管副镇长、综合行政执法大队大队长"
            "周磊；列席：司法所所长陈静。承办人员汇报案情、听取法制审核意见后，与会人员一致认为：事实清楚，证据确凿，"
            "程序合法，同意责令限期拆除；由执法大队做好送达和释法说理，村委会配合做好当事人思想工作。"
        ))

    def served_payment_due(self, case, spec):
        """Decided and served weeks ago: the 15 days to pay (Art 67) have run out, so the case page shows the
        3%-a-day late-payment surcharge (Art 72) and the payment deadline is overdue."""
        self.file(case, spec, self.wd(30))
        self.inquiry(case, spec, self.wd(29), "许二平（当事人）",
                     "问：村北承包地里焚烧的秸秆是谁点的？\n答：是我点的，秸秆太多，翻地翻不下去。\n问：村里广播和"
                     "禁烧告示你是否知道？\n答：知道，以为晚上烧没人管。")
        self.notify(
            case, spec, self.wd(24),
            facts="经查，当事人在禁烧区内的承包地露天焚烧玉米秸秆约4亩，有视频监控截图、现场照片及询问笔录为证。",
            legal_basis="《中华人民共和国大气污染防治法》第七十七条、第一百一十九条第一款",
            fine="1000", note="责令当事人改正违法行为",
        )
        self.fire(case, "submit_decision", spec.officers[0], waiver=False)
        self.fire(case, "decide", "zhenzhang", outcome=Case.Outcome.PENALTY, fine="1000", measures_note="责令当事人改正违法行为",
                  decided_on=self.wd(20))
        self.fire(case, "serve", spec.officers[0], method="直接送达（当事人在送达回证上签字）",
                  served_on=self.wd(18))

    def legal_review_major(self, case, spec):
        """A major case waiting for the judicial office's legal review (Art 58)."""
        self.file(case, spec, self.wd(28))
        self.inquiry(case, spec, self.wd(27), "冯国庆（当事人）",
                     "问：村北新建的两层楼房占用的是什么地？\n答：是我家的承包地。\n问：是否经过批准？\n答：没有批，"
                     "儿子要结婚，老宅太小。\n问：你家现有宅基地几处？\n答：村里老宅一处。")
        self.inquiry(case, spec, self.wd(25), "冯某（南庄村三组村民小组长）",
                     "问：冯国庆是否提出过宅基地申请？\n答：提过，组里讨论时因为他家已有一处宅基地，没有通过。",
                     hour=15)
        self.notify(
            case, spec, self.wd(12),
            facts="经查，当事人未经批准，在南庄村北承包耕地上建设两层砖混结构住宅一处，占地约210平方米，该户已有"
                  "宅基地一处，有现场勘测图、照片、询问笔录及镇自然资源所核查意见为证。",
            legal_basis="《中华人民共和国土地管理法》第六十二条、第七十八条",
            measures=["other"], proposed_other_heavy=True,  # 限期拆除: a heavy other penalty (Art 63 ¶1(4))
            note="责令退还非法占用的土地，限当事人于决定送达之日起60日内自行拆除在非法占用的土地上新建的房屋，"
                 "恢复土地原状。",
            major=True,
            major_reason="拟责令拆除房屋，直接关系当事人重大财产权益，且涉及耕地保护（《中华人民共和国行政处罚法》"
                         "第五十八条第一款）。",
        )
        self.fire(case, "submit_legal_review", spec.officers[0], comment="陈述申辩期和听证申请期已满，提请司法所法制审核。")

    def transferred_gas(self, case, spec):
        """Beyond the town's empowered list: transferred to the county authority."""
        self.file(case, spec, self.wd(20))
        self.inquiry(case, spec, self.wd(19), "赵鑫（鑫源饭店经营者）",
                     "问：地下储藏室的12个液化气钢瓶是做什么用的？\n答：店里用一部分，剩下的卖给集上几个小吃摊。\n"
                     "问：这些液化气从哪里购进？是否有燃气经营许可证？\n答：从外地一个充装站拉的，没有许可证。")
        self.fire(case, "transfer", "daduizhang", to="宝丰县住房和城乡建设局（县燃气管理部门）", reason=(
            "经调查，当事人除在不具备安全条件的地下储藏室存放液化石油气钢瓶外，还从外地购进液化石油气向周边摊点转售，"
            "涉嫌无燃气经营许可证从事燃气经营活动（《城镇燃气管理条例》第十五条、第四十五条），不属本镇赋权事项，"
            "依法移送县燃气管理部门处理。储存场所问题已当场责令整改，钢瓶已移至地面通风处。"
        ))

    def deciding_windows_passed(self, case, spec):
        """Statement window passed without a statement: waiting for the principal's decision."""
        self.file(case, spec, self.wd(16))
        self.inquiry(case, spec, self.wd(15), "吕保军（当事人）",
                     "问：县道边地里的秸秆是你烧的吗？\n答：是我烧的，想着烧了省事。\n问：你是否知道该区域禁止焚烧秸秆？"
                     "\n答：知道，村里发过明白纸。")
        self.notify(
            case, spec, self.wd(10),
            facts="经查，当事人在紧邻县道的禁烧区内露天焚烧玉米秸秆，过火面积约3亩，烟雾影响道路通行，"
                  "有视频监控截图、现场照片及询问笔录为证。",
            legal_basis="《中华人民共和国大气污染防治法》第七十七条、第一百一十九条第一款",
            fine="800", note="责令当事人改正违法行为",
        )
        self.fire(case, "submit_decision", spec.officers[0], waiver=False)

    def hearing_requested(self, case, spec):
        """A fine of 5,000 yuan or more on a citizen: the party asked for a hearing in time (Art 63, 64)."""
        self.file(case, spec, self.wd(12))
        self.inquiry(case, spec, self.wd(11), "张建设（当事人）",
                     "问：石桥大街北段的沟槽是谁挖的？\n答：是我的施工队挖的，给街边几家商户接自来水。\n问：是否办理了"
                     "挖掘城市道路的审批手续？\n答：没有办，想着一两天就完工。\n问：为何完工后没有恢复路面？\n"
                     "答：商户的钱还没结，就先放着了。")
        self.notify(
            case, spec, self.wd(4),
            facts="经查，当事人未经批准，在石桥大街北段横向开挖沟槽一道，长约12米、宽约1米，施工完毕后未恢复路面，"
                  "未设置安全围挡和警示标志，已造成一起电动车摔倒事故，有现场勘验笔录、照片及询问笔录为证。",
            legal_basis="《城市道路管理条例》第二十七条第（一）项、第四十二条",
            fine="8000", note="责令于7日内恢复路面原状",
        )
        self.fire(case, "request_hearing", spec.officers[0], requested_on=self.wd(2))
        # Art 64: notified of the hearing today, held 8 working days on, presided by 朱明 (not a case officer)
        hearing_day = calendar.add_working_days(self.today, 8).date
        self.fire(case, "schedule_hearing", spec.officers[0], presiding_officer=self.user("zhifa11").pk,
                  hearing_notice_on=self.today, public=True,
                  hearing_at=timezone.make_aware(datetime.datetime.combine(hearing_day, datetime.time(9, 0))).isoformat())

    def decided_minor_reduced(self, case, spec):
        """A 16-year-old (处罚法 Art 30: 应当从轻或者减轻): a reduced fine of 50 below the county's 100 minimum, with
        its ground (Art 32) and, as the county's discretion standard requires for 减轻, the leaders' collective
        discussion (a local rule)."""
        self.file(case, spec, self.wd(11))
        self.inquiry(case, spec, self.wd(10), "秦小龙（当事人，16周岁；其父秦某某作为监护人在场）",
                     "问：村口排水渠边焚烧的垃圾是你点的吗？\n答：是，我把家里和路边捡的垃圾拢在一起烧了。\n"
                     "问：你知道焚烧垃圾是违法的吗？\n答：不知道，以后不烧了，今天就把灰清掉。")
        self.notify(
            case, spec, self.wd(8),
            facts="经查，当事人秦某某（违法时已满十四周岁不满十八周岁）在柳林村村口排水渠边多次焚烧生活垃圾和废旧塑料，"
                  "有现场照片及询问笔录为证；当事人已主动清理焚烧残留物。",
            legal_basis="《中华人民共和国固体废物污染环境防治法》第四十九条、第一百一十一条第一款第（一）项、第二款；"
                        "《中华人民共和国行政处罚法》第三十条、第三十二条",
            fine="50", note="责令改正：清理焚烧残留物，不再焚烧垃圾", mitigation=Case.Mitigation.REDUCED,
            mitigation_ground=Case.MitigationGround.MINOR,
        )
        # The party and the guardian signed the notice and waived statement and defence in writing (Art 44-45).
        self.fire(case, "submit_decision", spec.officers[0], waiver=True)
        self.fire(case, "decide", "zhenzhang", outcome=Case.Outcome.PENALTY, fine="50", measures_note="责令当事人改正违法行为",
                  decided_on=self.wd(1), collective_discussion_attendees=["孙建华（镇长）", "分管副镇长", "周磊（综合行政执法大队大队长）"], collective_discussion=(
                      "镇政府负责人集体讨论（镇长主持，分管副镇长、执法大队长参加）：当事人违法时未满十八周岁，"
                      "依照《行政处罚法》第三十条应当从轻或者减轻处罚；其已主动清理，危害后果轻微。同意在法定最低额"
                      "以下减轻处罚，罚款50元，并告知监护人加强教育管理。"))

    def executed(self, case, spec):
        """Paid: waiting for the brigade chief to close the case."""
        self.file(case, spec, self.wd(10))
        self.inquiry(case, spec, self.wd(9), "邓某（锦程装饰工程有限公司业务经理）",
                     "问：石桥大街沿线电线杆和墙面上的装修广告是否是你公司张贴的？\n答：是公司业务员贴的，约60处。\n"
                     "问：是否经过批准？\n答：没有。")
        self.notify(
            case, spec, self.wd(6),
            facts="经查，当事人未经批准在石桥大街、振兴路沿线的电线杆、墙面上张贴装修广告约60处，污损市容，"
                  "有现场照片及询问笔录为证。",
            legal_basis="《城市市容和环境卫生管理条例》第十七条、第三十四条第（二）项",
            fine="400", note="责令清除所张贴的全部广告",
        )
        self.fire(case, "submit_decision", spec.officers[0], waiver=False)
        self.fire(case, "decide", "zhenzhang", outcome=Case.Outcome.PENALTY, fine="400",
                  measures_note="责令清除所张贴的全部广告")
        self.fire(case, "serve", spec.officers[0], method="直接送达（公司业务经理代收并签字）")
        self.pay(case, spec.officers[0], "400", "豫财罚0001011")
        self.fire(case, "record_execution", spec.officers[0],
                  detail="当事人已通过指定银行缴纳罚款400元，并已清除张贴的广告，执法队员现场复核确认。")
        services.record_publicity(case_pk=case.pk, user=self.user(spec.officers[0]), channel=PUBLICITY_CHANNEL)

    def closed_by_mediation(self, case, spec):
        """The report's 一米线: a shop and its neighbour settle; the violation is corrected, no penalty (C8)."""
        self.file(case, spec, self.wd(9))
        self.inquiry(case, spec, self.wd(8), "刘建伟（当事人，刘记烩面馆经营者）",
                     "问：你店门前的餐桌和炉灶摆放在什么位置？\n答：门口地上的黄线外面，大概两米多。\n问：你是否知道"
                     "“一米线”的规定？\n答：知道，中午人多，店里坐不下。")
        self.inquiry(case, spec, self.wd(8), "蔡某某（投诉人，便民超市经营者）",
                     "问：你的诉求是什么？\n答：只要他把桌子和炉子收回线内、别堵我家门口就行，不是非要罚他。",
                     hour=15)
        self.fire(case, "start_mediation", spec.officers[0],
                  comment="双方系相邻商户，纠纷源于门前通行，当事人同意整改，双方均同意在行政调解室由执法队员主持调解。")
        self.fire(case, "mediation_succeeded", spec.officers[0], concluded_on=self.wd(6), violation_corrected=True,
                  agreement=(
                      "经石桥镇综合行政执法大队主持调解，双方自愿达成如下协议：一、刘建伟自即日起将餐桌收回至本店门前"
                      "“一米线”以内，炉灶移入店内，不再占用便民超市门前人行道；二、两店之间留出不少于1.5米的通道，"
                      "各自落实门前“三包”；三、蔡某某不再就此事投诉。签订协议时刘建伟已完成整改，执法队员现场复核确认。"
                  ))
        # C8: the officers do not end the case; the agency head decides no penalty (Art 33 ¶1: minor, corrected in
        # time, no harm) and records the education given (Art 33 ¶3).
        self.fire(case, "decide", "zhenzhang", outcome=Case.Outcome.NO_PENALTY, decided_on=self.wd(5),
                  no_penalty_ground=Case.NoPenaltyGround.MINOR_CORRECTED,
                  education="执法队员向刘建伟讲解了《城市市容和环境卫生管理条例》和本镇“一米线”规定，当事人表示今后"
                            "在线内经营。")
        self.fire(case, "serve", spec.officers[0], served_on=self.wd(4), method="直接送达（当事人签收）")
        self.fire(case, "close", "daduizhang", summary="调解达成协议、违法行为已改正，镇长决定不予处罚，予以结案。")

    def mediating(self, case, spec):
        """A neighbours' dispute under the violation: mediation under way (C8)."""
        self.file(case, spec, self.wd(6))
        self.inquiry(case, spec, self.wd(5), "杜长林（当事人）",
                     "问：巷道里的砖块、沙子和柴草是你堆放的吗？\n答：是，准备翻修厨房用的，家里院子放不下。\n"
                     "问：你是否同意清理？\n答：同意，但要给我几天时间找地方。")
        self.inquiry(case, spec, self.wd(5), "任某某（投诉人，西街村村民）",
                     "问：你的诉求是什么？\n答：把巷道腾开，让我家的农用车能进出。", hour=15)
        self.fire(case, "start_mediation", spec.officers[0],
                  comment="双方均为西街村村民，因巷道通行发生纠纷，当事人表示愿意清理，双方同意由执法队员会同村调解委员会调解。")

    def closed(self, case, spec):
        """The normal path to the end: notice, waiver, decision, service, payment, closing."""
        self.file(case, spec, self.wd(5))
        self.inquiry(case, spec, self.wd(4), "袁小燕（当事人）",
                     "问：村西坑塘边的生活垃圾是你倾倒的吗？\n答：是，垃圾收集点离家远，图省事就倒在坑塘边了。\n"
                     "问：你是否愿意清理？\n答：愿意，今天就清走。")
        self.notify(
            case, spec, self.wd(2),
            facts="经查，当事人多次将生活垃圾倾倒在西街村村西坑塘边，堆放约2立方米，有现场照片及询问笔录为证。",
            legal_basis="《中华人民共和国固体废物污染环境防治法》第四十九条、第一百一十一条第一款第（一）项、第二款",
            fine="200", note="责令清理倾倒的生活垃圾",
        )
        # The party signed the notice and waived statement and defence in writing (处罚法 Art 44-45).
        self.fire(case, "submit_decision", spec.officers[0], waiver=True)
        self.fire(case, "decide", "zhenzhang", outcome=Case.Outcome.PENALTY, fine="200",
                  measures_note="责令清理倾倒的生活垃圾")
        self.fire(case, "serve", spec.officers[0], method="直接送达（当事人签收）")
        self.pay(case, spec.officers[0], "200", "豫财罚0001003")
        self.fire(case, "record_execution", spec.officers[0],
                  detail="当事人已缴纳罚款200元，倾倒的垃圾已清运至村垃圾收集点，执法队员现场复核确认。")
        services.record_publicity(case_pk=case.pk, user=self.user("daduizhang"), channel=PUBLICITY_CHANNEL)
        self.fire(case, "close", "daduizhang",
                  summary="罚款已缴纳，违法状态已消除，案卷材料齐全，予以结案。")

    def notified(self, case, spec):
        """Notified today: the party's statement window runs (C4)."""
        self.file(case, spec, self.wd(5))
        self.inquiry(case, spec, self.wd(4), "宋红梅（当事人，红梅水果店经营者）",
                     "问：执法队员此前是否劝导过你将货架收回“一米线”以内？\n答：劝过三次。\n问：为何仍摆放在线外？\n"
                     "答：线内摆不下，别家也往外摆。")
        self.notify(
            case, spec, self.today,
            facts="经查，当事人经营的水果店多次将货架、水果筐摆放至店门外“一米线”标线以外约2.5米，占用人行道经营；"
                  "执法队员先后三次劝导并下达《责令改正通知书》，当事人拒不改正。有现场照片、责令改正通知书及询问笔录为证。",
            legal_basis="《城市市容和环境卫生管理条例》第十四条、第三十六条第（二）项",
            fine="200", note="责令立即停止占道经营，清理占道物品",
        )

    def not_filed(self, case, spec):
        self.fire(case, "decline", "daduizhang", reason=(
            "经现场核查，马某某的水果摊位于东关村集市路口门店前“一米线”标线以内，未占用人行道和车行道，符合《石桥镇"
            "关于划定沿街商铺“一米线”经营范围的规定》第一条，不构成占道经营，不予立案。已向来电人反馈核查结果。"
        ))

    def reported_filing_due(self, case, spec):
        """A report whose filing deadline (Art 54) is two working days away.

        Demo data only: pretend the report was registered 13 working days ago, so that the inbox shows the
        filing deadline close. The deadline is recomputed from that anchor by its rule, as a corrected business
        date would be (notifications.deadlines.reanchor), and its reminders are planned anew for the moved due
        date, so the worker sends them."""
        deadline = Deadline.objects.get(object_type=object_type_of(case), object_id=case.pk, kind="case.filing",
                                        status=Deadline.Status.OPEN)
        reanchor(deadline, self.wd(13))

    def reported_past_limitation(self, case, spec):
        """Violation over two years old: the API shows the limitation warning (C3); filing needs a reason."""

    def reported(self, case, spec):
        """Registered today: waiting for the brigade chief to file, decline or transfer."""


def _zh(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------------------------------
# 简易程序: one on-the-spot decision (处罚法 Art 51–53, 68–71), loaded last
# --------------------------------------------------------------------------------------------------

SPOT_FACTS = ("当事人在前营村集市路口人行道上摆放水果摊位，占道约2平方米，影响行人通行；执法队员巡查时当场查实，"
              "当事人对事实无异议。")


def seed_on_the_spot(stdout, today: datetime.date) -> int:
    """A fruit stall fined 100 yuan on the spot on the seed day, the fine collected on the spot (Art 68(1), a small
    amount) against the official receipt (Art 70): executed, waiting for the brigade chief's filing (备案, Art 52)
    and for the officer's hand-over of the money within 2 working days (Art 71). Through
    cases.services.decide_on_the_spot, so its number, deadline and audit entry are real. Idempotent by its facts."""
    if Case.objects.filter(procedure=Case.Procedure.SIMPLE, facts=SPOT_FACTS).exists():
        return 0
    officer = get_user_model().objects.get(username="zhifa02")
    morning = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9, 30)))
    case = services.decide_on_the_spot(
        user=officer, party=person("孙某某", "1978-05-16", 37, "13937500188", "宝丰县前营村五组"),
        village=Village.objects.get(name="前营村"), violation_type=ViolationType.objects.get(code="ZDJY"),
        facts=SPOT_FACTS, legal_basis="《城市市容和环境卫生管理条例》第十四条、第三十六条第（二）项",
        officers=[officer], certificates_shown=True, fine="100", decided_at=min(morning, timezone.now()),
        party_statement="当事人称只是临时摆放，愿意立即收摊，接受处罚。", collected_on_spot=True,
        collection_ground=Case.CollectionGround.SMALL_AMOUNT, receipt_number="豫财罚字No.0041021",
        violation_place="前营村村委会门前道路", violation_time=datetime.time(9, 10) if morning <= timezone.now() else None,
    )
    stdout.write(f"enforcement: on-the-spot decision {case.number} (fine collected, hand-over pending)")
    return 1
# Issue 13 (execution): a fine paid by instalments (处罚法 Art 66 ¶2), seeded after the cases above
# --------------------------------------------------------------------------------------------------

INSTALMENT_CASE = DemoCase(
    "instalments", "JGFS", "南庄村", PATROL, 30,
    person("冯秀兰", "1958-04-22", 166, "13783751108", "石桥镇南庄村一组"),
    "巡查发现南庄村村民冯某某在禁烧区内的自家承包地露天焚烧小麦秸秆约2亩，浓烟影响省道通行。",
    "zhifa02", ("zhifa02", "zhifa03"),
)


def paying_by_instalments(seeder: CaseSeeder) -> int:
    """Served 3 working days ago with a fine of 1,000 yuan; the party, in real economic hardship, applied to pay
    in two instalments (Art 66 ¶2), the principal approved it today, and the first 500 yuan is paid at the bank
    (罚缴分离, Art 67) — the case page shows the balance and the second due date; 0 on a second run."""
    spec = INSTALMENT_CASE
    if Case.objects.filter(description=spec.description).exists():
        return 0
    with transaction.atomic():
        case = services.create_case(
            user=seeder.user(spec.reporter), source=spec.source, description=spec.description,
            village=Village.objects.get(name=spec.village),
            violation_type=ViolationType.objects.get(code=spec.violation),
            violation_date=seeder.today - datetime.timedelta(days=spec.occurred), party=spec.party)
        seeder.file(case, spec, seeder.wd(16))
        seeder.inquiry(case, spec, seeder.wd(15), "冯秀兰（当事人）",
                       "问：承包地里焚烧的秸秆是谁点的？\n答：是我点的，家里就我一个人种地，雇不起机器粉碎。")
        seeder.notify(case, spec, seeder.wd(12),
                      facts="经查，当事人在禁烧区内的承包地露天焚烧小麦秸秆约2亩，有现场照片及询问笔录为证。",
                      legal_basis="《中华人民共和国大气污染防治法》第七十七条、第一百一十九条第一款",
                      fine="1000", note="责令当事人改正违法行为")
        seeder.fire(case, "submit_decision", spec.officers[0], waiver=False)
        seeder.fire(case, "decide", "zhenzhang", outcome=Case.Outcome.PENALTY, fine="1000",
                    measures_note="责令当事人改正违法行为", decided_on=seeder.wd(5))
        seeder.fire(case, "serve", spec.officers[0], method="直接送达（当事人签收）", served_on=seeder.wd(3))
        officer = seeder.user(spec.officers[0])
        plan = services.apply_payment_plan(
            case_pk=case.pk, user=officer, kind="instalments", applied_on=seeder.wd(2),
            reason="当事人系独居老人，靠种地为生，一次缴纳1000元确有困难，村委会出具了经济困难证明。",
            instalments=[{"due_on": seeder.today + datetime.timedelta(days=15), "amount": Decimal("500")},
                         {"due_on": seeder.today + datetime.timedelta(days=45), "amount": Decimal("500")}])
        services.decide_payment_plan(plan_pk=plan.pk, user=seeder.user("zhenzhang"), approve=True,
                                     note="同意分两期缴纳，每期500元。")
        services.record_payment(case_pk=case.pk, user=officer, amount=Decimal("500"), paid_on=seeder.today,
                                receipt_number="豫财罚0001024", bank="宝丰县农村商业银行石桥支行")
    return 1
# Issue 13: the 首违不罚 list (处罚法 Art 33 ¶1), a first offence closed with education, and an open correction order
# (Art 28 ¶1). Loaded after the cases above (their numbers follow them).
# --------------------------------------------------------------------------------------------------

FIRST_OFFENCE_ENTRIES = (
    ("ZDJY", "首次违法；占道范围不超过“一米线”外1米、未影响通行；经责令改正后当场或者在改正期限内改正。", 1),
    ("LDLF", "首次违法；堆放物料未阻断通行、未造成安全隐患；在责令改正期限内清理完毕。", 3),
    ("LTLH", "首次违法；张贴、涂写数量在10处以下；在责令改正期限内清除。", 3),
)


def seed_first_offence_list(today: datetime.date) -> int:
    """The town's published 首违不罚 list (local practice after the province's list; the admin keeps it).
    Idempotent: one entry per violation type."""
    created = 0
    for code, conditions, days in FIRST_OFFENCE_ENTRIES:
        violation_type = ViolationType.objects.filter(code=code).first()
        if violation_type is None:
            continue
        _entry, new = FirstOffenceExemption.objects.get_or_create(
            violation_type=violation_type,
            defaults={"conditions": conditions, "correction_days": days, "active": True,
                      "published_on": today - datetime.timedelta(days=200)})
        created += new
    return created


ISSUE13_CASES = (
    DemoCase(
        "first_offence_closed", "ZDJY", "东关村", PATROL, 9,
        person("潘小丽", "1991-04-12", 268, "13703752946", "石桥镇东关村一组"),
        "巡查发现东关村村民潘某某首次在集市路口“一米线”外约1米处摆放水果筐经营，未影响车辆通行；"
        "执法队员当场责令改正，当事人当即将水果筐收回线内。",
        "zhifa05", ("zhifa05", "zhifa06"),
    ),
    DemoCase(
        "correction_order_open", "LDLF", "河口村", COMPLAINT, 6,
        person("常建设", "1968-09-30", 171, "15937521863", "石桥镇河口村五组"),
        "河口村村民投诉：常某某在村主干道边堆放建房用的红砖约2万块、沙子约10立方米，占用路面约一半，"
        "夜间无警示标志。",
        "zhifa07", ("zhifa07", "zhifa08"),
    ),
    DemoCase(
        "no_penalty_proposed", "LTLH", "北岗村", COMPLAINT, 12,
        person("王海军", "1985-02-19", 134, "13837566012", "石桥镇北岗村三组"),
        "北岗村村民投诉：王某某在村委会公告栏及周边墙面张贴大量小广告。",
        "zhifa03", ("zhifa03", "zhifa04"),
    ),
    DemoCase(
        "first_offence_notified", "LDLF", "南庄村", PATROL, 8,
        person("赵春生", "1979-11-05", 152, "13598762310", "石桥镇南庄村二组"),
        "巡查发现南庄村村民赵某某在村道边堆放木料约3立方米，占用路面约1米，未阻断通行。",
        "zhifa05", ("zhifa05", "zhifa06"),
    ),
)


def no_penalty_proposed(seeder, case, spec):
    """违法事实不能成立 (Art 57 ¶1(3)): the inquiries show the handbills were not the party's; the officers propose
    no penalty without a notice (Art 44 covers penalties only) and the case awaits the principal's decision."""
    seeder.file(case, spec, seeder.wd(8))
    seeder.inquiry(case, spec, seeder.wd(6), "王海军（被投诉人）",
                   "问：公告栏上的小广告是你张贴的吗？\n答：不是。广告上的电话是我以前的号码，去年已经停用，"
                   "营业厅出具了销号证明。")
    seeder.fire(case, "propose_no_penalty", spec.officers[0], ground=Case.NoPenaltyGround.FACTS_NOT_ESTABLISHED,
                reason="广告所留电话已于张贴前销号，现场监控及走访未能证实系王某某本人或其指使他人张贴，"
                       "违法事实不能成立。")


def first_offence_closed(seeder, case, spec):
    """首违不罚: a first violation on the list, corrected when ordered; the party is told no penalty is intended
    (不予行政处罚告知), waives its statement; the principal decides no penalty on the first-offence ground with the
    education given (Art 33 ¶1, ¶3); served and closed — no payment, no publicity (Art 48 covers penalties)."""
    seeder.file(case, spec, seeder.wd(6))
    seeder.inquiry(case, spec, seeder.wd(5), "潘小丽（当事人）",
                   "问：你以前是否因占道经营被处罚过？\n答：没有，这是第一次在集市上摆摊。\n问：执法队员责令你改正后"
                   "你是如何做的？\n答：当场把水果筐搬回线内了，以后不会再摆到线外。")
    officer = seeder.user(spec.officers[0])
    order = services.issue_correction_order(case, officer, "立即将摆放在“一米线”外的水果筐收回线内经营。",
                                            seeder.wd(5), issued_on=seeder.wd(5))
    services.verify_correction_order(order.pk, officer, True, checked_on=seeder.wd(5),
                                     note="当事人当场改正，水果筐已收回线内，执法队员现场复核确认。")
    seeder.notify(case, spec, seeder.wd(2),
                  facts="经查，当事人系首次在“一米线”外摆放水果筐经营，占道约1米，未影响通行，经责令改正后当场改正，"
                        "危害后果轻微，有现场照片、询问笔录及复查记录为证。",
                  legal_basis="《中华人民共和国行政处罚法》第三十三条第一款；《城市市容和环境卫生管理条例》第十四条；"
                              "石桥镇首违不罚事项清单第1项",
                  intent="no_penalty", no_penalty_ground=Case.NoPenaltyGround.FIRST_OFFENCE)
    seeder.fire(case, "submit_decision", spec.officers[0], waiver=True)
    seeder.fire(case, "decide", "zhenzhang", outcome=Case.Outcome.NO_PENALTY,
                no_penalty_ground=Case.NoPenaltyGround.FIRST_OFFENCE,
                education="执法队员向当事人讲解了《城市市容和环境卫生管理条例》和本镇“一米线”规定，当事人签署了"
                          "《守法经营承诺书》。")
    seeder.fire(case, "serve", spec.officers[0], method="直接送达（当事人签收）")
    seeder.fire(case, "close", "daduizhang", summary="首次违法、危害后果轻微并及时改正，已进行教育，不予行政处罚，予以结案。")


def correction_order_open(seeder, case, spec):
    """责令限期改正 under investigation: the order names its term (five days from today); the deadline
    case.correction falls due on it and reminds the case officers (Art 28 ¶1; the term is local practice)."""
    seeder.file(case, spec, seeder.wd(4))
    seeder.inquiry(case, spec, seeder.wd(3), "常建设（当事人）",
                   "问：路边的红砖和沙子是你堆放的吗？\n答：是，准备翻盖房子，院子里放不下。\n问：是否办理了占道手续？"
                   "\n答：没有办。")
    services.issue_correction_order(case, seeder.user(spec.officers[0]),
                                    "限期清理堆放在村主干道上的红砖和沙子，恢复道路通行；清理前设置夜间警示标志。",
                                    seeder.today + datetime.timedelta(days=5), issued_on=seeder.wd(2))


def first_offence_notified(seeder, case, spec):
    """拟不予行政处罚（告知） (Art 33 ¶1, 44): a first violation on the list, cleared within the order's term; the
    notice proposes no penalty on the first-offence ground (no fine, no measure, no hearing: Art 63) and the case
    waits for the party's statement."""
    seeder.file(case, spec, seeder.wd(6))
    seeder.inquiry(case, spec, seeder.wd(5), "赵春生（当事人）",
                   "问：路边的木料是你堆放的吗？以前是否因此被处罚过？\n答：是我放的，准备修猪圈用；以前没有被处罚过。")
    officer = seeder.user(spec.officers[0])
    order = services.issue_correction_order(case, officer, "三日内清理堆放在村道边的木料，恢复道路通行。",
                                            seeder.wd(2), issued_on=seeder.wd(5))
    services.verify_correction_order(order.pk, officer, True, checked_on=seeder.wd(3),
                                     note="木料已清理完毕，执法队员现场复核确认。")
    seeder.notify(case, spec, seeder.wd(1),
                  facts="经查，当事人系首次在村道边堆放木料，未阻断通行、未造成安全隐患，并在责令改正期限内清理完毕。",
                  legal_basis="《中华人民共和国行政处罚法》第三十三条第一款；石桥镇首违不罚事项清单第2项",
                  intent="no_penalty", no_penalty_ground=Case.NoPenaltyGround.FIRST_OFFENCE)


ISSUE13_DRIVES = {"first_offence_closed": first_offence_closed, "correction_order_open": correction_order_open,
                  "no_penalty_proposed": no_penalty_proposed, "first_offence_notified": first_offence_notified}


# --------------------------------------------------------------------------------------------------
# Execution by demand and court, and a reconsideration (issue 13; 行政强制法 Art 53-54, 行政复议法 Art 20)
# --------------------------------------------------------------------------------------------------

EXECUTION_CASES = (
    DemoCase(
        "demanded", "JGFS", "大营村", PATROL, 75,
        person("郭保国", "1968-04-11", 151, "13937510628", "石桥镇大营村五组"),
        "“蓝天卫士”视频监控报警，经现场核实，大营村村民郭某某在禁烧区内的自家承包地露天焚烧小麦秸秆约3亩，"
        "浓烟飘向省道。",
        "zhifa05", ("zhifa05", "zhifa06"),
    ),
    DemoCase(
        "court_enforcement_after_reconsideration", "QDLJ", "东关村", COMPLAINT, 240,
        person("曹金海", "1959-09-30", 173, "13603752271", "石桥镇东关村一组"),
        "东关村村民投诉：曹某某多次将自家养殖产生的垃圾和生活垃圾倾倒在东关村村东公路边沟内，经劝阻仍不清理，"
        "夏季恶臭。",
        "zhifa07", ("zhifa07", "zhifa08"),  # certified for over seven months (demo.brigade)
    ),
    DemoCase(
        "revoked_and_withdrawn", "QDLJ", "大营村", PATROL, 150,
        person("范玉成", "1972-03-08", 162, "13839071452", "石桥镇大营村二组"),
        "巡查发现大营村村民范某某将建筑垃圾倾倒在村西排水沟内，堵塞排水。",
        "zhifa07", ("zhifa07", "zhifa08"),
    ),
)


def seed_execution_cases(seeder) -> int:
    """Three cases on the execution path (called last by CaseSeeder.run; idempotent by description): one whose fine
    was not paid and whose demand (催告, 行政强制法 Art 54) was served three working days ago — its 10 working days
    run; one served seven months ago whose party sought reconsideration (upheld; the surcharge stood still while
    it was pending, Art 73 ¶3), did not pay after the demand, and for which the town applied to the court after
    the remedy periods ended (行政强制法 Art 53); one published and then revoked on reconsideration, its publicity
    withdrawn with the reason (处罚法 Art 48 ¶2)."""
    created = 0
    for spec in EXECUTION_CASES:
        if Case.objects.filter(description=spec.description).exists():
            continue
        with transaction.atomic():
            case = services.create_case(
                user=seeder.user(spec.reporter), source=spec.source, description=spec.description,
                village=Village.objects.get(name=spec.village),
                violation_type=ViolationType.objects.get(code=spec.violation),
                violation_date=seeder.today - datetime.timedelta(days=spec.occurred), party=spec.party,
            )
            if spec.drive == "demanded":
                served_on = seeder.wd(33)
                _served(seeder, case, spec, served_on, fine="1000", facts=(
                    "经查，当事人在禁烧区内的承包地露天焚烧小麦秸秆约3亩，有视频监控截图、现场照片及询问笔录为证。"),
                    legal_basis="《中华人民共和国大气污染防治法》第七十七条、第一百一十九条第一款")
                seeder.fire(case, "demand_payment", spec.officers[0], demand_served_on=seeder.wd(3),
                            method="直接送达（当事人在送达回证上签字）",
                            party_statement="当事人称秸秆系他人点燃，但未提供证据。")  # 行政强制法 Art 36
            elif spec.drive == "revoked_and_withdrawn":
                # Published, then revoked on reconsideration: withdrawn within 3 working days with the reason made
                # public (处罚法 Art 48 ¶2) — after the revocation closed the case.
                served_on = seeder.wd(60)
                _served(seeder, case, spec, served_on, fine="300", facts=(
                    "经查，当事人将建筑垃圾约3立方米倾倒在大营村村西排水沟内，有现场照片及询问笔录为证。"),
                    legal_basis="《城市市容和环境卫生管理条例》第三十六条")
                seeder.fire(case, "record_remedy", spec.officers[0], kind="reconsideration", filed_on=seeder.wd(50),
                            body="宝丰县人民政府", note="当事人称垃圾系他人倾倒，申请行政复议。")
                revoked_on = seeder.wd(12)
                seeder.fire(case, "record_remedy", spec.officers[0], remedy=case.remedies.get().pk,
                            outcome="revoked", decided_on=revoked_on,
                            note="宝丰县人民政府认为主要事实不清、证据不足，撤销原处罚决定。")
                services.withdraw_publication(
                    case_pk=case.pk, user=seeder.user("daduizhang"),
                    withdrawn_on=calendar.add_working_days(revoked_on, 2).date,
                    reason="该行政处罚决定已被宝丰县人民政府行政复议决定撤销（主要事实不清、证据不足），现撤回公示。")
            else:
                # Five months back: the upheld reconsideration leaves 15 days to sue (行政诉讼法 Art 45), and Art
                # 53's three months run from their end — the application below falls inside them.
                served_on = seeder.workday_on_or_before(add_months(seeder.today, -5))
                _served(seeder, case, spec, served_on, fine="500", facts=(
                    "经查，当事人多次将养殖垃圾和生活垃圾倾倒在东关村村东公路边沟内，约5立方米，有现场照片、"
                    "村委会证明及询问笔录为证。"),
                    legal_basis="《中华人民共和国固体废物污染环境防治法》第四十九条、第一百一十一条第一款第（一）项、"
                                "第二款")
                filed = seeder.workday_on_or_before(served_on + datetime.timedelta(days=20))
                seeder.fire(case, "record_remedy", spec.officers[0], kind="reconsideration", filed_on=filed,
                            body="宝丰县人民政府", note="当事人认为罚款过重，申请行政复议。")
                remedy = case.remedies.get()
                seeder.fire(case, "record_remedy", spec.officers[0], remedy=remedy.pk, outcome="upheld",
                            decided_on=seeder.workday_on_or_before(filed + datetime.timedelta(days=55)),
                            note="宝丰县人民政府作出行政复议决定，维持原处罚决定。")
                seeder.fire(case, "demand_payment", spec.officers[0],
                            demand_served_on=seeder.workday_on_or_before(filed + datetime.timedelta(days=70)),
                            method="留置送达（村委会干部见证）")
                seeder.fire(case, "apply_to_court", "daduizhang", applied_on=seeder.wd(5), court="宝丰县人民法院",
                            note="复议维持后当事人未起诉，催告期满仍未缴纳罚款及加处罚款。")
        created += 1
    return created


def _served(seeder, case, spec, served_on, *, fine, facts, legal_basis):
    """File, inquire, notify, decide and serve a fine, with dates counted back from `served_on`."""
    decided_on = calendar.add_working_days(served_on, -2).date
    notified_on = calendar.add_working_days(decided_on, -5).date
    seeder.file(case, spec, calendar.add_working_days(notified_on, -6).date)
    seeder.inquiry(case, spec, calendar.add_working_days(notified_on, -5).date, f"{spec.party['name']}（当事人）",
                   "问：执法队员现场查看的情况是否属实？\n答：属实。\n问：你是否愿意改正？\n答：愿意。")
    seeder.notify(case, spec, notified_on, facts=facts, legal_basis=legal_basis, fine=fine, note="责令当事人改正违法行为")
    seeder.fire(case, "submit_decision", spec.officers[0], waiver=False)
    seeder.fire(case, "decide", "zhenzhang", outcome=Case.Outcome.PENALTY, fine=fine, measures_note="责令当事人改正违法行为",
                decided_on=decided_on)
    seeder.fire(case, "serve", spec.officers[0], method="直接送达（当事人签收）", served_on=served_on)
    services.record_publicity(case_pk=case.pk, user=seeder.user("daduizhang"), channel=PUBLICITY_CHANNEL,
                              published_on=calendar.add_working_days(decided_on, 3).date)

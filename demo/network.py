"""The town's legal network (DESIGN §11) as the 2023 report describes it: 28 village legal advisers (覆盖率 100%),
159 法律明白人 (registered last year, after their training) and the rule-of-law activities of last year in full and
of this year so far — each year 12 meetings of the Party committee on rule-of-law work (会议研究部署法治建设工作), 12
study sessions of the Party committee's theory group (理论中心组学习), 6 legal trainings, 10 concentrated publicity
campaigns held by the town on the campaign days (12.4 宪法日, 6.26 国际禁毒日, 安全生产月, 《信访工作条例》宣传月 …), 84
平安法治宣传 activities in the villages, 52 普法戏曲汇演 and 12 legal lectures. Last year's report (reports.figures)
so counts the town's figures; this year's counts what was held by today.

Everything goes through network.services as the judicial office (司法所, the registers) or the Party and
government office (党政办, the meetings, study sessions and performances), so that the audit trail is real.
Activities are never dated after `today`.

Idempotent: an adviser is found by its village (a village that has one gets none), a 法律明白人 by village and name,
an activity by its title (the demo's titles are unique and name their year); each group is created in one
transaction.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from cases.models import Village
from network.models import Activity, ActivityKind, LegalAdviser, LegalLiterate
from network.services import save_activity, save_adviser, save_literate

from .villages import VILLAGES

FIRMS = ("河南宝丰明理律师事务所", "河南鹰城正和律师事务所", "河南父城律师事务所", "平顶山德润律师事务所",
         "河南应河律师事务所")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ("建国", "秀英", "志强", "丽娟", "海涛", "桂兰", "永刚", "红霞", "国庆", "春梅", "德胜", "玉兰", "晓东", "凤英",
         "振华", "淑珍", "明亮", "艳玲", "宏伟", "翠萍", "卫东", "金凤", "新民", "彩云", "立军", "美玲", "长江", "巧云")
LITERATES = 159  # the report: 全镇共配备159名法律明白人

# (month, day, campaign, title) — the campaign days of the report and of the national 普法 calendar.
CAMPAIGN_DAYS = (
    (12, 4, "国家宪法日", "“12·4”国家宪法日集中宣传活动"),
    (12, 1, "宪法宣传周", "宪法宣传周进村入户宣讲"),
    (6, 26, "国际禁毒日", "“6·26”国际禁毒日禁毒宣传活动"),
    (6, 16, "安全生产月", "“安全生产月”安全生产法宣传咨询日"),
    (5, 20, "《信访工作条例》宣传月", "《信访工作条例》宣传月集中宣传"),
    (5, 10, "民法典宣传月", "“美好生活·民法典相伴”民法典宣传月活动"),
    (4, 15, "全民国家安全教育日", "全民国家安全教育日法治宣传"),
    (3, 15, "消费者权益日", "“3·15”消费者权益保护法宣传"),
    (11, 9, "全国消防日", "“11·9”消防安全法治宣传"),
    (8, 15, "全民反诈", "反电信网络诈骗法集中宣传"),
)
VILLAGE_PUBLICITY = 84  # 平安法治宣传活动80余次: three rounds of the 28 villages
PERFORMANCES = 52  # 普法戏曲汇演50余次
LECTURES = 12  # 法律讲座10余次
MEETINGS = 12  # 会议研究部署法治建设工作12次: one a month
STUDY_SESSIONS = 12  # 党委理论中心组学习12次: one a month
TRAININGS = 6  # 专题法律培训6次: one every two months
MEETING_TOPICS = ("年度法治政府建设工作要点", "安全生产专项整治", "平安建设与矛盾纠纷排查", "综合行政执法队伍建设",
                  "信访积案化解", "防汛与应急管理法治保障", "宅基地审批管理", "赋权事项承接与执法规范化",
                  "重大行政决策合法性审查", "“八五”普法中期推进", "冬春火灾防控与安全生产", "年度法治建设述职与考核")
STUDY_TOPICS = ("习近平法治思想", "宪法", "行政处罚法", "行政复议法", "信访工作条例", "民法典", "安全生产法", "土地管理法",
                "重大行政决策程序暂行条例", "行政许可法", "人民调解法", "法治政府建设实施纲要（2021—2025年）")
TRAINING_TOPICS = ("村“两委”干部法律知识培训", "综合行政执法队员执法规范化培训", "法律明白人骨干培训",
                   "人民调解员业务培训", "网格员矛盾纠纷排查培训", "党员干部学法用法专题培训")
LECTURE_TOPICS = ("宅基地审批与农村土地法律知识", "婚姻家庭与继承法律讲座", "防范电信网络诈骗讲座", "食品安全法讲座",
                  "未成年人保护法进校园", "农民工工资支付保障讲座", "老年人权益保障与防范养老诈骗", "安全生产法讲座",
                  "反家庭暴力法讲座", "民法典合同编与农资购买", "禁毒法进校园", "信访工作条例解读")


def person_name(index: int) -> str:
    """A name for `index`; the 159 indices the demo uses give different names."""
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index // len(SURNAMES) + index) % len(GIVEN)]


def phone(index: int, prefix: str) -> str:
    return f"{prefix}{index:04d}"


def spread(year: int, index: int, count: int, offset: int = 0) -> datetime.date:
    """The `index`-th of `count` days spread evenly over `year` (from 1 January + `offset`)."""
    return datetime.date(year, 1, 1) + datetime.timedelta(days=offset + index * (365 - offset) // count)


def year_specs(villages: list, year: int) -> list[dict]:
    """The activities of one calendar year as the town's report counts them, each a dict for
    network.services.save_activity; titles name the year, so that each year's are different."""
    specs = []
    for i in range(MEETINGS):
        specs.append({"kind": ActivityKind.MEETING, "held_on": datetime.date(year, i + 1, 25), "village": None,
                      "title": f"党委会研究部署法治建设工作（{year}年第{i + 1}次）：{MEETING_TOPICS[i]}",
                      "attendance": 11 + i % 3, "campaign": ""})
    for i in range(STUDY_SESSIONS):
        specs.append({"kind": ActivityKind.STUDY, "held_on": datetime.date(year, i + 1, 10), "village": None,
                      "title": f"党委理论中心组学法（{year}年第{i + 1}次）：{STUDY_TOPICS[i]}",
                      "attendance": 15 + i % 4, "campaign": "理论中心组学法"})
    for i in range(TRAININGS):
        specs.append({"kind": ActivityKind.TRAINING, "held_on": datetime.date(year, 2 * i + 2, 20), "village": None,
                      "title": f"专题法律培训（{year}年）：{TRAINING_TOPICS[i]}", "attendance": 40 + 12 * i})
    for month, day, campaign, title in CAMPAIGN_DAYS:
        specs.append({"kind": ActivityKind.PUBLICITY, "held_on": datetime.date(year, month, day), "village": None,
                      "title": f"{year}年{title}", "attendance": 200 + 10 * day, "campaign": campaign})
    for i in range(VILLAGE_PUBLICITY):
        village = villages[i % len(villages)]
        specs.append({"kind": ActivityKind.PUBLICITY, "held_on": spread(year, i, VILLAGE_PUBLICITY, 2),
                      "village": village,
                      "title": f"{village.name}平安法治宣传（{year}年第{i // len(villages) + 1}轮）",
                      "attendance": 30 + (i * 13) % 70, "campaign": "平安法治宣传"})
    for i in range(PERFORMANCES):
        village = villages[(i * 5) % len(villages)]
        specs.append({"kind": ActivityKind.PERFORMANCE, "held_on": spread(year, i, PERFORMANCES, 3),
                      "village": village,
                      "title": f"“送戏下乡·送法下乡”普法戏曲汇演{year}年第{i + 1}场（{village.name}）",
                      "attendance": 120 + (i * 37) % 280, "campaign": "送法下乡"})
    for i in range(LECTURES):
        village = villages[(i * 3 + 1) % len(villages)]
        specs.append({"kind": ActivityKind.LECTURE, "held_on": datetime.date(year, i + 1, 15), "village": village,
                      "title": f"法律讲座：{LECTURE_TOPICS[i]}（{village.name}，{year}年）",
                      "attendance": 50 + (i * 11) % 60})
    return specs


def activity_specs(villages: list, today: datetime.date) -> list[dict]:
    """Last year's activities in full (the figures of last year's report) and this year's held by today."""
    return ([spec for spec in year_specs(villages, today.year - 1)]
            + [spec for spec in year_specs(villages, today.year) if spec["held_on"] <= today])


def literate_registered_at(trained_on: datetime.date) -> datetime.datetime:
    """When the demo's 法律明白人 trained on `trained_on` was put on the register: two weeks later, 09:30 town time."""
    day = trained_on + datetime.timedelta(days=14)
    return datetime.datetime(day.year, day.month, day.day, 9, 30, tzinfo=ZoneInfo(settings.TIME_ZONE))


def seed_network(users: dict, today: datetime.date) -> int:
    """Create what is missing of the advisers, the 法律明白人 and the activities; return the number created."""
    office, secretary = users["sifa"], users["dangzhengban"]
    villages = list(Village.objects.filter(name__in=VILLAGES).order_by("code", "name"))
    created = 0
    # Contracts of three years from the start of last year: every village covered today (100%).
    start, end = datetime.date(today.year - 1, 1, 1), datetime.date(today.year + 1, 12, 31)
    with transaction.atomic():
        for index, village in enumerate(villages):
            if LegalAdviser.objects.filter(village=village).exists():
                continue
            save_adviser(None, {"village": village, "name": person_name(index * 3 + 1), "firm": FIRMS[index % len(FIRMS)],
                                "phone": phone(index, "1390375"), "contract_start": start, "contract_end": end},
                         user=office)
            created += 1
    with transaction.atomic():
        for index in range(LITERATES):
            village = villages[index % len(villages)]
            name = person_name(index * 5 + 2)
            if LegalLiterate.objects.filter(village=village, name=name).exists():
                continue
            save_literate(None, {"village": village, "name": name, "phone": phone(index, "1593750"),
                                 "trained_on": datetime.date(today.year - 1, 1 + index % 9, 8)}, user=office)
            created += 1
        # The register counts a 法律明白人 from the moment registered (reports.figures): the demo's were put on it
        # last year, after their training, so last year's report counts all 159.
        backdated = []
        for literate in LegalLiterate.objects.filter(created_at__gte=datetime.datetime(
                today.year, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)), trained_on__year=today.year - 1,
                name__in={person_name(index * 5 + 2) for index in range(LITERATES)}):
            literate.created_at = literate_registered_at(literate.trained_on)
            backdated.append(literate)
        LegalLiterate.objects.bulk_update(backdated, ["created_at"])
    with transaction.atomic():
        existing = set(Activity.objects.values_list("title", flat=True))
        for spec in activity_specs(villages, today):
            if spec["title"] in existing:
                continue
            user = (secretary if spec["kind"] in (ActivityKind.MEETING, ActivityKind.STUDY, ActivityKind.PERFORMANCE)
                    else office)
            save_activity(None, spec, user=user)
            created += 1
    return created

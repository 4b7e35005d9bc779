"""The decisions and joint meetings of the demo town 石桥镇 (CONTRACT §2, DESIGN §7), loaded after the people.

What it loads, after the town's 2023 rule-of-law report (宝丰县石桥镇人民政府关于2023年法治政府建设情况的报告):

- major decisions and normative documents in every decision state (CONTRACT §5), each moved there only by
  ``workflows.services.fire_transition`` as the user whose role fires it, so that the audit trail, the
  deadlines and the document numbers are real: "未经审查不上会，未经审议不签发";
- a joint meeting (党政联席会议) dated today, held and closed, which approved, rejected and deferred items
  (the judicial office attends, 列席); a planned meeting at least two weeks ahead with one item scheduled;
- one decision whose legality-review deadline has passed (the inbox shows it overdue).

Idempotent: every object has a natural key (a decision's or a meeting's title). A decision that exists is left
alone; a meeting and the decisions deliberated on it are created together in one transaction, so a run either
creates the whole group or none of it. A second run creates nothing and writes no audit entry.
"""

import datetime
from dataclasses import dataclass, field

from django.core.management.base import CommandError
from django.db import transaction

from notifications import calendar
from notifications.deadlines import reanchor
from notifications.models import Deadline
from review import services as review_services
from review.flows import REVIEW_MINIMUM_WORKING_DAYS
from review.models import Decision, Meeting, PreparationRecord
from workflows.audit import object_type_of
from workflows.services import fire_transition

MAJOR = Decision.Category.MAJOR_DECISION
NORMATIVE = Decision.Category.NORMATIVE_DOCUMENT
PUBLIC_COMMENT = PreparationRecord.Kind.PUBLIC_COMMENT
EXPERT = PreparationRecord.Kind.EXPERT_ARGUMENTATION
RISK = PreparationRecord.Kind.RISK_ASSESSMENT


# --------------------------------------------------------------------------------------------------
# Decisions: content
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prep:
    """A preparation record; dates are days relative to today (negative = in the past)."""

    kind: str
    summary: str
    started: int | None = None
    ended: int | None = None


@dataclass(frozen=True)
class DemoDecision:
    title: str
    department: str
    category: str
    body: str
    drafter: str = "zhangsan"
    public_participation: bool = False
    expert_argumentation: bool = False
    risk_assessment: bool = False
    preparation: tuple[Prep, ...] = field(default_factory=tuple)
    # 条例 Art 14: public participation is the rule; a decision without it records the legal ground.
    exemption_ground: str = ""
    # 条例 Art 15: an urgent matter shortens (never removes) the comment period, the reason stated.
    urgency_reason: str = ""
    # 条例 Art 31: reported to the Party committee before issuance.
    party_committee_report: bool = False


# 条例 Art 14 (statute): public participation is the rule, "依法不予公开的决策事项除外". The demo keeps the exemption
# for one decision only, 村级法律顾问服务管理办法: the judicial office's internal rule for managing and assessing the
# advisers it contracts, which sets no right or duty of the public — its content is internal-affairs information
# (内部事务信息) that 《政府信息公开条例》Art 16 ¶1 allows to withhold. Every decision that affects the public holds
# a public comment period instead (Art 15: ≥ 30 days, ended before submission for review).
INTERNAL_GROUND = (
    "本办法仅规范镇司法所对所聘村级法律顾问的服务管理和考核续聘，属于行政机关内部工作制度，不设定公民、法人和其他组织的"
    "权利义务；其内容属于《中华人民共和国政府信息公开条例》第十六条第一款规定的内部事务信息，依法可以不予公开，"
    "故依《重大行政决策程序暂行条例》第十四条但书不向社会公开征求意见。"
)


OPINION_PASS = (
    "经审查：一、制定主体和权限。该事项属于镇人民政府法定职权范围，未超越权限。二、程序。已按规定履行{steps}程序，"
    "材料齐全。三、内容。未发现与《中华人民共和国宪法》、法律、法规及上级规范性文件相抵触的内容，未违法设定行政许可、"
    "行政处罚、行政强制等事项，未减损公民、法人和其他组织合法权益或者增加其义务。同意提交镇党政联席会议审议。"
)

RENJU = DemoDecision(
    title="石桥镇农村人居环境整治三年行动方案（2027—2029年）",
    department="农业农村办",
    category=MAJOR,
    public_participation=True, expert_argumentation=True, risk_assessment=True, party_committee_report=True,
    body=(
        "为深入贯彻落实党中央、国务院关于改善农村人居环境的决策部署，建设宜居宜业和美乡村，结合我镇28个行政村实际，"
        "制定本方案。\n\n"
        "一、总体目标。到2029年底，全镇农村生活垃圾收运处置体系行政村覆盖率保持100%，卫生厕所普及率达到95%以上，"
        "农村生活污水治理率达到60%以上，村容村貌明显改善，长效管护机制基本建立。\n\n"
        "二、重点任务。（一）推进农村生活垃圾分类减量，推行“户分类、村收集、镇转运、县处理”模式；（二）扎实推进农村"
        "厕所革命，新建改造户用卫生厕所1200户；（三）梯次推进农村生活污水治理，优先治理镇区周边和水源保护区内的村庄；"
        "（四）整治村庄公共空间，清理乱堆乱放、乱搭乱建；（五）健全村规民约，发挥“法律明白人”和网格员作用。\n\n"
        "三、保障措施。成立由镇长任组长的工作专班，镇财政每年安排专项资金，实行“月排名、季通报、年考核”，考核结果"
        "与村级评先评优挂钩。方案实施中涉及群众切身利益的事项，依法听取村民意见，不得强迫命令。"
    ),
    preparation=(
        Prep(PUBLIC_COMMENT, "在镇政府门户网站和28个村务公开栏公开征求意见，收到意见建议43条，采纳31条，"
                             "未采纳意见及理由已在门户网站反馈。", started=-60, ended=-25),
        Prep(EXPERT, "邀请县农业农村局、县生态环境局专家及镇法律顾问召开论证会，专家一致认为方案目标可行，"
                     "建议将污水治理率分年度设定。论证意见已吸收。", started=-22, ended=-22),
        Prep(RISK, "对方案实施可能引发的社会稳定风险进行评估：涉及拆除违建旱厕、清理房前屋后杂物，风险等级为低，"
                   "已制定“一村一策”化解预案。", started=-20, ended=-18),
    ),
)

YIMIXIAN = DemoDecision(
    title="关于划定沿街商铺“一米线”经营范围的规定",
    department="综合行政执法大队",
    category=NORMATIVE,
    drafter="lisi",
    public_participation=True,
    body=(
        "为规范集镇沿街商铺经营秩序，将柔性治理与刚性治理相结合，根据《城市市容和环境卫生管理条例》等规定，"
        "结合本镇实际，制定本规定。\n\n"
        "第一条 集镇主干道（石桥大街、振兴路）两侧沿街商铺，可以在店门外一米范围内（以地面标线为准）摆放商品、"
        "开展经营，不得超出标线占用人行道和车行道。\n\n"
        "第二条 “一米线”由镇综合行政执法大队会同所在村（社区）统一施划，并在显著位置公示。商户应保持线内整洁，"
        "落实门前“三包”责任。\n\n"
        "第三条 对超出“一米线”经营的，执法队员先行劝导、责令改正；拒不改正的，依法处理。\n\n"
        "第四条 本规定自公布之日起施行，有效期五年。"
    ),
    preparation=(
        Prep(PUBLIC_COMMENT, "在镇政府门户网站和集镇公示栏公开征求意见35日，走访沿街商户126户，收到意见18条，"
                             "采纳“节假日早市可临时延伸”等意见6条。", started=-55, ended=-20),
    ),
)

DIBAO = DemoDecision(
    title="石桥镇最低生活保障和特困人员供养申请审核办理规程",
    department="社会事务办",
    category=NORMATIVE,
    drafter="lisi",
    public_participation=True,
    preparation=(
        Prep(PUBLIC_COMMENT, "在镇政府门户网站和各村务公开栏公开征求意见30日，并在镇便民服务中心设置意见箱，收到意见14条，"
                             "采纳“评议结果公示期间公开监督电话”等意见5条。", started=-45, ended=-15),
    ),
    body=(
        "为规范低保、五保（特困人员供养）办理，防范办理过程中的风险点和法律隐患，依据《社会救助暂行办法》"
        "及省、市相关规定，制定本规程。\n\n"
        "一、受理。申请人向户籍所在地镇人民政府提出申请，也可委托村民委员会代为提出。镇便民服务中心实行一次性告知，"
        "材料齐全的当场受理。\n\n"
        "二、审核。镇人民政府自受理之日起组织入户调查、民主评议，调查人员不少于2人；评议结果在村务公开栏公示7日。\n\n"
        "三、监督。公开监督电话，建立办理台账，全过程留痕；对优亲厚友、违规办理的，依规依纪追究责任。"
    ),
)

FALVGUWEN = DemoDecision(
    title="石桥镇村级法律顾问服务管理办法",
    department="司法所",
    category=NORMATIVE,
    drafter="lisi",
    exemption_ground=INTERNAL_GROUND,  # the one internal working rule (条例 Art 14 but-clause)
    body=(
        "为巩固28个行政村法律顾问全覆盖成果，提高村级法律服务质量，制定本办法。\n\n"
        "一、服务内容。法律顾问为村“两委”重大事项决策、合同审查、矛盾纠纷调解提供法律意见，每月到村服务不少于1次。\n\n"
        "二、工作联动。法律顾问与159名“法律明白人”建立结对机制，配合“老娘舅茶室”等村级调解阵地开展工作，"
        "做到“小事不出村，大事不出镇”。\n\n"
        "三、考核。镇司法所每半年组织一次服务评议，评议结果作为续聘依据。"
    ),
)

TINGCHE = DemoDecision(
    title="关于在集镇主干道实行临时停车收费的方案",
    department="经济发展办",
    category=MAJOR,
    public_participation=True, risk_assessment=True,
    body=(
        "为缓解集镇逢集日停车难问题，拟在石桥大街、振兴路施划临时停车泊位260个，委托第三方实行分时段收费管理。\n\n"
        "一、收费标准。小型车首小时2元，之后每小时1元，逢集日上浮50%；新能源汽车首小时免费。\n\n"
        "二、收益使用。收费收入扣除运营成本后，全部用于集镇道路养护和公共停车场建设。\n\n"
        "三、实施步骤。经县发展改革部门核定收费标准后实施，设置三个月试运行期。"
    ),
    preparation=(
        Prep(PUBLIC_COMMENT, "公开征求意见32日，收到意见67条，其中反对收费的意见39条，主要集中在赶集群众负担和"
                             "收费主体资格。", started=-50, ended=-18),
        Prep(RISK, "社会稳定风险评估结论为中风险：集镇商户和赶集群众对收费反映较大，建议暂缓实施或先行建设"
                   "免费公共停车场。", started=-15, ended=-12),
    ),
)

ANQUAN = DemoDecision(
    title="石桥镇安全生产网格化监管实施方案",
    department="应急管理办",
    category=MAJOR,
    public_participation=True,
    urgency_reason="汛期和岁末年初安全生产形势严峻，县安委会要求本月底前完成网格划分，征求意见期缩短为10日（条例第15条）。",
    body=(
        "为压实安全生产属地管理责任，依据《中华人民共和国安全生产法》，将全镇划分为28个一级网格（行政村）"
        "和若干二级网格，实行“网格定人、人负其责”。\n\n"
        "一、网格职责。网格员每周巡查辖区内小作坊、小加工点、人员密集场所，发现隐患即时上报。\n\n"
        "二、分级处置。一般隐患由村级督促整改，重大隐患报镇安委会办公室挂牌督办，涉及行政执法的移交综合行政执法大队。\n\n"
        "三、宣传培训。结合“安全生产月”开展集中宣传，每年对网格员培训不少于2次。"
    ),
    preparation=(
        Prep(PUBLIC_COMMENT, "因情况紧急，公开征求意见缩短为10日，收到意见9条，采纳4条（网格员配备、培训频次）。",
             started=-12, ended=-2),
    ),
)

ZHAIJIDI = DemoDecision(
    title="石桥镇宅基地审批管理办法",
    department="农业农村办",
    category=NORMATIVE,
    public_participation=True, risk_assessment=True,
    body=(
        "为规范农村宅基地审批管理，保障农村村民“户有所居”，依据《中华人民共和国土地管理法》及其实施条例，"
        "结合宅基地改革审批工作实际，制定本办法。\n\n"
        "第一条 农村村民一户只能拥有一处宅基地，面积不得超过省规定的标准。\n\n"
        "第二条 村民申请宅基地，向村民小组提出书面申请，经村民小组会议讨论、村级组织审查公示后报镇人民政府。"
        "镇人民政府建立一个窗口对外受理、多部门内部联动运行的审批机制，自受理之日起20个工作日内作出审批决定。\n\n"
        "第三条 经批准使用宅基地的，实行“批前实地审查、批后丈量放样、竣工验收”三到场制度。\n\n"
        "第四条 对未批先建、超占面积的，依法责令改正。"
    ),
    preparation=(
        Prep(PUBLIC_COMMENT, "在镇政府门户网站及各村公开栏征求意见31日，召开村民代表座谈会3场，收到意见22条。",
             started=-45, ended=-13),
        Prep(RISK, "风险评估：审批条件收紧可能引发分户诉求矛盾，风险等级为低，已明确过渡期安排。",
             started=-12, ended=-10),
    ),
)

MINGBAIREN = DemoDecision(
    title="石桥镇“法律明白人”培养管理办法",
    department="综治中心",
    category=NORMATIVE,
    drafter="lisi",
    public_participation=True,
    preparation=(
        Prep(PUBLIC_COMMENT, "在镇政府门户网站和各村务公开栏公开征求意见30日，收到意见8条，采纳“优先选任退役军人”"
                             "等意见3条。", started=-40, ended=-10),
    ),
    body=(
        "为发挥全镇159名“法律明白人”在普法宣传、矛盾化解中的作用，制定本办法。\n\n"
        "一、选任。每个村民小组至少培养1名法律明白人，优先从村“两委”成员、网格员、人民调解员、退役军人中选任。\n\n"
        "二、培训。镇司法所每季度组织一次集中培训，结合“12.4宪法日”“《信访工作条例》宣传月”等节点开展实践活动。\n\n"
        "三、激励。对表现突出的，推荐参加“平安家庭示范户”等评选。"
    ),
)

NONGMAO = DemoDecision(
    title="石桥镇农贸市场摊位管理办法",
    department="经济发展办",
    category=NORMATIVE,
    public_participation=True,
    preparation=(
        Prep(PUBLIC_COMMENT, "在镇政府门户网站和农贸市场公示栏公开征求意见30日，召开经营户座谈会2场，收到意见26条，"
                             "其中对罚款条款提出异议的11条。", started=-42, ended=-12),
    ),
    body=(
        "为规范镇农贸市场经营秩序，制定本办法。\n\n"
        "第一条 市场摊位实行统一编号、公开竞价分配，每期两年。\n\n"
        "第二条 经营户应亮照经营、明码标价。\n\n"
        "第三条 经营户违反本办法的，由市场管理方处以200元至1000元罚款，并可收回摊位。"
    ),
)
NONGMAO_REVISED = (
    "为规范镇农贸市场经营秩序，制定本办法。\n\n"
    "第一条 市场摊位实行统一编号、公开竞价分配，每期两年，分配结果公示7日。\n\n"
    "第二条 经营户应亮照经营、明码标价，遵守《中华人民共和国食品安全法》等规定。\n\n"
    "第三条 经营户违反摊位租赁合同约定的，市场管理方依照合同处理；违反法律法规的，移交有关部门依法处理。"
)

WEISHENGFEI = DemoDecision(
    title="关于对拖欠卫生保洁费农户暂停发放惠农补贴的通知",
    department="农业农村办",
    category=NORMATIVE,
    public_participation=True,
    preparation=(
        Prep(PUBLIC_COMMENT, "在镇政府门户网站和各村务公开栏公开征求意见31日，收到意见19条，多数认为不应将保洁费与"
                             "惠农补贴挂钩。", started=-44, ended=-13),
    ),
    body=(
        "各村（社区）：\n\n"
        "为保障农村人居环境长效管护资金，经研究，自通知下发之日起，对拖欠村级卫生保洁费满6个月的农户，"
        "暂停发放耕地地力保护补贴等惠农补贴，待缴清后恢复发放。\n\n"
        "请各村于每月5日前将拖欠名单报镇农业农村办。"
    ),
)

MULU = DemoDecision(
    title="石桥镇2027年度重大行政决策事项目录",
    department="党政办",
    category=MAJOR,
    drafter="lisi",
    public_participation=True,
    body=(
        "根据《重大行政决策程序暂行条例》第四条、第三条第三款，经各办（所、站）申报、司法所合法性初审，"
        "拟将下列事项列入2027年度重大行政决策事项目录：\n\n"
        "一、石桥镇集镇区控制性详细规划修编（自然资源所，计划第二季度）；\n"
        "二、石桥镇农村生活污水治理项目实施方案（农业农村办，计划第一季度）；\n"
        "三、石桥镇公办幼儿园布局调整方案（社会事务办，计划第三季度）。\n\n"
        "目录经镇党政联席会议审议通过后向社会公布，并根据实际情况动态调整。"
    ),
    preparation=(
        Prep(PUBLIC_COMMENT, "目录草案已在镇政府门户网站公开征求意见，征求意见期30日，尚未结束。",
             started=-5, ended=25),
    ),
)

QIANYI = DemoDecision(
    title="石桥镇集镇农贸市场整体搬迁方案",
    department="经济发展办",
    category=MAJOR,
    public_participation=True, risk_assessment=True,
    preparation=(
        Prep(PUBLIC_COMMENT, "在镇政府门户网站和集镇公示栏公开征求意见35日，召开经营户、周边居民座谈会各1场，"
                             "收到意见58条，主要集中在过渡期安置和新址交通。", started=-60, ended=-25),
        Prep(RISK, "社会稳定风险评估结论为中风险：涉及经营户312户，建议明确过渡期临时市场和摊位优先选择办法。",
             started=-20, ended=-14),
    ),
    body=(
        "拟将现集镇农贸市场整体搬迁至振兴路东段新址，新建标准化市场用房8000平方米，"
        "原址改建为公共停车场和小游园。\n\n"
        "搬迁资金通过争取上级项目资金和引入社会资本解决，搬迁过渡期不超过6个月。"
    ),
)


def opinion(steps: str) -> str:
    return OPINION_PASS.format(steps=steps)


URGENCY = (
    "县委、县政府要求年底前完成部署，经镇长同意，提请今日党政联席会议审议；司法所已出具书面审查意见并列席会议"
    "（条例第26条但书）。"
)


# --------------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------------


def seed_decisions(users: dict, today: datetime.date, stderr) -> int:
    """Load the decisions and meetings, acting as ``users`` (``demo.people.seed_users``) with dates counted from
    ``today``; warnings go to ``stderr``. Return the number of objects created (0 on a second run)."""
    return DecisionSeeder(users, today, stderr).run()


class DecisionSeeder:
    def __init__(self, users: dict, today: datetime.date, stderr):
        self.users = users
        self.today = today
        self.stderr = stderr
        self.created = 0

    def run(self) -> int:
        self.seed_decisions()
        return self.created

    # --- decisions --------------------------------------------------------------------------------

    def seed_decisions(self):
        # Decisions that need no meeting, one transaction each.
        self.single(ZHAIJIDI, self.to_in_review)
        self.single(MINGBAIREN, self.to_in_review_overdue)
        self.single(NONGMAO, self.to_returned)
        self.single(WEISHENGFEI, self.to_review_failed)
        self.single(MULU, lambda d: None)  # stays a draft: its comment period is still running (D5)
        self.single(QIANYI, self.to_withdrawn)
        # The meeting held today and everything it deliberated, in one transaction.
        self.meeting_group(
            "党政联席会议（人居环境整治、集镇管理等议题）",
            [RENJU, YIMIXIAN, DIBAO, FALVGUWEN, TINGCHE],
            self.build_held_meeting,
        )
        # A planned meeting at least two weeks ahead with one decision on its agenda.
        self.meeting_group(
            "党政联席会议（安全生产网格化监管议题）",
            [ANQUAN],
            self.build_planned_meeting,
        )

    def single(self, spec: DemoDecision, drive):
        if Decision.objects.filter(title=spec.title).exists():
            return
        with transaction.atomic():
            decision = self.draft(spec)
            drive(decision)

    def meeting_group(self, title: str, specs: list[DemoDecision], build):
        if Meeting.objects.filter(title=title).exists():
            missing = [s.title for s in specs if not Decision.objects.filter(title=s.title).exists()]
            if missing:
                self.stderr.write(
                    f"warning: meeting “{title}” exists but these decisions are missing: {'；'.join(missing)}. "
                    "They were deliberated on that meeting and cannot be recreated on it; load the demo into a "
                    "fresh database to get them back."
                )
            return
        clash = [s.title for s in specs if Decision.objects.filter(title=s.title).exists()]
        if clash:
            raise CommandError(f"decisions {'；'.join(clash)} exist without their meeting “{title}”: "
                               "load the demo into a fresh database.")
        with transaction.atomic():
            build(title, specs)

    # --- steps ------------------------------------------------------------------------------------

    def user(self, username):
        return self.users[username]

    def fire(self, obj, name, username, **data):
        process = "meeting" if isinstance(obj, Meeting) else "decision"
        return fire_transition(process, obj.pk, name, self.user(username), data)

    def draft(self, spec: DemoDecision) -> Decision:
        drafter = self.user(spec.drafter)
        decision = review_services.create_decision(
            user=drafter, title=spec.title, body=spec.body, category=spec.category, department=spec.department,
            public_participation_required=spec.public_participation,
            participation_exemption_ground="" if spec.public_participation else spec.exemption_ground,
            participation_urgency_reason=spec.urgency_reason,
            party_committee_report_required=spec.party_committee_report,
            expert_argumentation_required=spec.expert_argumentation,
            risk_assessment_required=spec.risk_assessment,
        )
        self.created += 1
        for prep in spec.preparation:
            review_services.add_preparation_record(
                decision_pk=decision.pk, user=drafter, kind=prep.kind, summary=prep.summary,
                started_on=self.day(prep.started), ended_on=self.day(prep.ended),
            )
        return decision

    def day(self, offset):
        return None if offset is None else self.today + datetime.timedelta(days=offset)

    def submit(self, decision, comment="材料齐全，请司法所进行合法性审查。"):
        return self.fire(decision, "submit_for_review", decision.created_by.username, comment=comment)

    def passed(self, decision, steps="公众参与、专家论证、风险评估、合法性审查"):
        self.submit(decision)
        return self.fire(decision, "pass_review", "sifa", opinion=opinion(steps),
                         authority_ok=True, procedure_ok=True, content_ok=True)

    def to_in_review(self, decision):
        self.submit(decision)

    def to_in_review_overdue(self, decision):
        self.submit(decision, comment="请司法所审查。")
        # Demo data only: pretend the review was requested two working days more than the review period ago, so
        # that the review deadline (the reviewer's target, local practice) passed two working days ago: the inbox shows it overdue, and its
        # first escalation to the principal is due whatever the time of day. The deadline is recomputed from that
        # anchor by its rule, as a corrected business date would be (notifications.deadlines.reanchor), and its
        # reminders are planned anew for the moved due date, so the Celery worker sends them.
        deadline = Deadline.objects.get(object_type=object_type_of(decision), object_id=decision.pk,
                                        kind="decision.review", status=Deadline.Status.OPEN)
        reanchor(deadline, calendar.add_working_days(self.today, -(deadline.rule.length + 2)).date)

    def to_returned(self, decision):
        self.submit(decision)
        self.fire(
            decision, "return_for_revision", "sifa",
            opinion=(
                "经审查，该办法第三条规定由市场管理方“处以200元至1000元罚款”，市场管理方不是行政机关，"
                "规范性文件亦无权设定行政处罚（《中华人民共和国行政处罚法》第十四条、第十六条）。"
                "请删除该条或改为依照合同约定处理、移交有关部门依法处理后重新报送。"
            ),
            authority_ok=False, procedure_ok=True, content_ok=False,
        )

    def to_review_failed(self, decision):
        self.submit(decision)
        self.fire(
            decision, "fail_review", "sifa",
            opinion=(
                "经审查，耕地地力保护补贴等惠农补贴的发放条件由法律、法规和上级政策规定，镇人民政府无权以农户"
                "拖欠村级卫生保洁费为由暂停发放；该通知减损群众合法权益，违反《中华人民共和国立法法》第九十一条"
                "及规范性文件“不得减损公民、法人和其他组织合法权益或者增加其义务”的要求，审查不予通过。"
                "建议通过村规民约、村民议事会协商解决保洁费收缴问题。"
            ),
            authority_ok=False, procedure_ok=True, content_ok=False,
        )

    def to_withdrawn(self, decision):
        self.submit(decision)
        self.fire(decision, "withdraw", "zhenzhang",
                  reason="县级国土空间规划调整，新址用地性质待定，本方案撤回，待规划批复后重新研究。")

    # --- meetings ---------------------------------------------------------------------------------

    def attendees(self):
        return [self.user(u) for u in ("shuji", "zhenzhang", "sifa", "dangzhengban")]

    def build_held_meeting(self, title, specs):
        renju, yimixian, dibao, falvguwen, tingche = (self.draft(spec) for spec in specs)

        # 一米线: returned once, revised, resubmitted, then passed — the full review history.
        self.submit(yimixian)
        self.fire(yimixian, "return_for_revision", "sifa",
                  opinion="第三条“依法处理”应明确法律依据和执法主体；请补充“有效期五年”的施行条款后重新报送。",
                  authority_ok=True, procedure_ok=True, content_ok=False)
        review_services.update_decision(pk=yimixian.pk, user=self.user(yimixian.created_by.username), changes={
            "body": yimixian.body.replace(
                "拒不改正的，依法处理。",
                "拒不改正的，由镇综合行政执法大队依照《城市市容和环境卫生管理条例》第三十六条等规定处理。",
            ),
        })
        self.fire(yimixian, "submit_for_review", "lisi", comment="已按审查意见修改，请再次审查。")
        self.fire(yimixian, "pass_review", "sifa", opinion=opinion("公众参与、合法性审查"),
                  authority_ok=True, procedure_ok=True, content_ok=True)

        self.passed(renju)
        self.passed(dibao, steps="公众参与、合法性审查")
        self.passed(falvguwen, steps="合法性审查")
        self.passed(tingche, steps="公众参与、风险评估、合法性审查")

        meeting = review_services.create_meeting(
            user=self.user("dangzhengban"), title=title, date=self.today, chair=self.user("shuji"),
            attendees=self.attendees(),
        )
        self.created += 1
        for decision in (renju, yimixian, dibao, falvguwen, tingche):
            # Same-day meeting: the 7-working-day review lead time (D7, 条例 Art 26) needs a recorded urgency reason.
            # A demo limitation, not a practice to copy: the flow stamps submitted_at with the real now and a meeting
            # cannot be created in the past, so the seeder cannot give these drafts a submission ≥ 7 working days
            # before the meeting it holds today without forging the audit trail.
            self.fire(decision, "schedule", "dangzhengban", meeting=meeting.pk, urgency_reason=URGENCY)

        self.fire(meeting, "hold", "dangzhengban", minutes=(
            "会议由党委书记赵国强主持，镇长孙建华及班子成员出席，司法所所长陈静列席。会议逐项审议议题：\n"
            "一、《石桥镇农村人居环境整治三年行动方案（2027—2029年）》：同意。\n"
            "二、《关于划定沿街商铺“一米线”经营范围的规定》：同意。\n"
            "三、《石桥镇最低生活保障和特困人员供养申请审核办理规程》：同意。\n"
            "四、《石桥镇村级法律顾问服务管理办法》：待与县司法局聘用合同范本衔接后再议。\n"
            "五、《关于在集镇主干道实行临时停车收费的方案》：不同意。"
        ))
        self.fire(renju, "approve", "shuji", comment="同意，由农业农村办牵头组织实施，按季度通报进展。")
        self.fire(yimixian, "approve", "shuji", comment="同意，请执法大队做好施划和宣传，先劝导后处理。")
        self.fire(dibao, "approve", "shuji", comment="同意。")
        self.fire(falvguwen, "defer", "shuji", comment="待与县司法局村（居）法律顾问聘用合同范本衔接后，提交下次会议审议。")
        self.fire(tingche, "reject", "shuji",
                  comment="群众反对意见较多，风险评估为中风险，收费主体资格尚不明确，不同意实施。先行建设免费公共停车场。",
                  dissent="经济发展办负责同志认为可先在逢集日试行，保留意见。")
        self.fire(meeting, "close", "dangzhengban", comment="各议题均已形成结论。")

        # Signature assigns the document number (D8); 一米线 is then published, 低保 awaits publication.
        self.fire(yimixian, "sign", "zhenzhang")
        self.fire(yimixian, "publish", "dangzhengban", published_on=self.today.isoformat(),
                  channel="石桥镇人民政府门户网站、集镇政务公开栏")
        self.fire(dibao, "sign", "zhenzhang")
        # 人居环境 stays approved (awaiting the principal's signature); 法律顾问 is back to review_passed.

    def build_planned_meeting(self, title, specs):
        (anquan,) = (self.draft(spec) for spec in specs)
        self.passed(anquan, steps="合法性审查")
        # At least two weeks ahead and at least Art 26's minimum of 7 working days (D7) after today's submission,
        # so D7 needs no urgency reason; the first working day on or after that.
        review_days = REVIEW_MINIMUM_WORKING_DAYS
        two_weeks = calendar.add_working_days(self.today + datetime.timedelta(days=13), 1).date
        lead_time = calendar.add_working_days(self.today, review_days).date
        meeting = review_services.create_meeting(
            user=self.user("dangzhengban"), title=title, date=max(two_weeks, lead_time), chair=self.user("shuji"),
            attendees=self.attendees(),
        )
        self.created += 1
        self.fire(anquan, "schedule", "dangzhengban", meeting=meeting.pk)

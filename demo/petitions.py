"""The petitions (信访) of the demo town 石桥镇 (DESIGN §7, §11), loaded after the enforcement cases.

What it loads, after the town's 2023 rule-of-law report ("一年来，信访办接待来访事项175件"; "小事不出村，大事不出镇";
the village petition corner "老娘舅茶室"): a sample of about forty petitions received over the twelve months
before today, from every channel (visits most of all) and in every petition state (CONTRACT §8) — registered ones
waiting for the written acceptance notice (one two days from its 15-day limit, 信访工作条例 Art 23), accepted ones
(one near its 60-day handling limit, Art 34; a group visit of five representatives, Art 19, whose handling the
principal extended by 30 days, Art 34), one at the village with the town mediator (tiaojie, Art 15), two escalated to
the town, answered ones with the petitioner's 30 days to ask for a review running (Art 35), one whose review (复查)
the county government is deciding, one re-reviewed (复核) and so final (Art 36 ¶3) and its repeat that was not
accepted, forwarded and not accepted ones, and closed files.

Each petition is registered through ``petitions.services.create_petition`` and moved only through
``workflows.services.fire_transition`` as the user whose role acts (xinfang of the petition office; tiaojie, the
mediator; zhenzhang, the principal, approves the extension through ``notifications.adjustments``), so that
numbers, documents, deadlines and the audit trail are real. As in ``demo.enforcement``, the past is reached only
through the business dates the steps take (received_on, accepted_on, sent_on, escalated_on, replied_on,
requested_on, answered_on, closed_on …): the deadlines anchor on them; nothing else moves the clock. Every date lies
on or before today.

Idempotent: a petition is found by its content. A petition and all its steps are created in one transaction; a
second run creates nothing and writes no audit entry.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction

from cases.models import Village
from notifications import adjustments, calendar
from notifications.deadlines import deadlines_of
from petitions import services
from petitions.flows import petition_number_format
from petitions.models import Petition, Petitioner, PetitionState
from workflows.services import fire_transition

from .bulk import pro_rata, reserve_numbers, spread_days
from .enforcement import resident_id

VISIT, LETTER, PHONE, ONLINE, HOTLINE = (Petition.Channel.VISIT, Petition.Channel.LETTER, Petition.Channel.PHONE,
                                         Petition.Channel.ONLINE, Petition.Channel.HOTLINE)
SUPPORT, EXPLAIN, NOT_SUPPORT = Petition.Result.SUPPORT, Petition.Result.EXPLAIN, Petition.Result.NOT_SUPPORT

OFFICE, MEDIATOR, PRINCIPAL = "xinfang", "tiaojie", "zhenzhang"


def p(name, phone, address="", born=None, serial=None) -> dict:
    """A petitioner; with `born` and `serial` a valid GB 11643 resident ID (demo.enforcement.resident_id)."""
    return {"name": name, "phone": phone, "address": address,
            "id_number": resident_id(born, serial) if born else ""}


# --------------------------------------------------------------------------------------------------
# Petitions: content. `received` is the day received, in calendar days before today; `drive` names the method of
# PetitionSeeder that moves the registered petition on; `opinion` and `result` are the answer (信访处理意见书);
# `note` the reason not accepted, the organ it was forwarded to, or why the village could not resolve it.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPetition:
    drive: str
    received: int
    channel: str
    village: str | None
    subject: str
    content: str
    petitioners: tuple[dict, ...]
    opinion: str = ""
    result: str = ""
    note: str = ""


COUNTY = settings.COUNTY_NAME
RSJ = f"{COUNTY}人力资源和社会保障局"
ZRZYJ = f"{COUNTY}自然资源局"
A31_LITIGATION = "（《信访工作条例》第三十一条）"

# The re-reviewed petition and its repeat share their petitioner (a repeat names the earlier petition, Art 36 ¶3).
ZHAIJIDI_CONTENT = ("石桥村村民郭长顺来访反映：邻居郭某某2024年翻建房屋时向东扩出约0.5米，占用其宅基地约6平方米，"
                    "要求镇政府责令邻居拆除占地部分。")
GUO = p("郭长顺", "13937561208", "石桥镇石桥村三组", "1961-05-17", 131)

PETITIONS = (
    # --- closed files, oldest first --------------------------------------------------------------------------
    DemoPetition(
        "village_resolved_closed", 358, VISIT, "柳林村", "承包地地界纠纷",
        "柳林村村民秦书林来访反映：相邻承包户秦某某连续两年耕种时越过地界约半米，多次协商未果，要求恢复原地界。",
        (p("秦书林", "13598764102", "石桥镇柳林村四组", "1958-11-02", 113),),
        opinion="经柳林村人民调解委员会在“老娘舅茶室”组织双方调解，并会同镇农业农村办对照承包合同和地块四至图现场丈量，"
                "确认相邻户越界耕种属实。双方达成协议：按原承包合同恢复地界，重新埋设界桩，越界部分本季收成归信访人所有。"
                "双方已在调解协议上签字。",
        result=SUPPORT,
    ),
    DemoPetition(
        "closed_replied", 345, LETTER, "东关村", "对最低生活保障评定结果有异议",
        "东关村村民赵桂兰来信反映：其丈夫患尿毒症长期透析，家庭因病致贫，申请最低生活保障未获批准，对评定结果有异议。",
        (p("赵桂兰", "15037512366", "石桥镇东关村二组"),),
        opinion="经镇民政办会同东关村入户核查，信访人家庭共同生活成员3人，其子在外务工，家庭人均月收入高于本县农村低保标准，"
                "按规定不符合低保条件，评定程序合法。鉴于信访人家庭医疗支出较大，已为其办理临时救助2000元，"
                "并告知其可申请医疗救助和大病保险二次报销。",
        result=EXPLAIN,
    ),
    DemoPetition(
        "closed_replied", 333, HOTLINE, None, "集镇夜市噪音扰民",
        "12345热线转办：石桥大街居民反映集镇夜市烧烤摊位经营至凌晨，音响声、吆喝声扰民，影响休息。",
        (p("程丽", "13783750129", "石桥镇石桥大街南段"),),
        opinion="经镇综合行政执法大队和市场监管所联合检查，夜市个别摊位违规使用高音音响属实。已责令摊主停止使用音响，"
                "划定夜市经营区域，规定夜市经营至23时，并安排执法队员夜间巡查。",
        result=SUPPORT,
    ),
    DemoPetition(
        "declined_closed", 321, VISIT, "大营村", "要求镇政府追讨个人借款",
        "大营村村民马建国来访反映：2022年借给同村张某某5万元至今未还，要求镇政府出面追讨。",
        (p("马建国", "13461872047", "石桥镇大营村一组", "1969-02-14", 175),),
        note="信访人反映的是公民之间的借贷纠纷，属于应当通过诉讼途径解决的民事纠纷，不属于信访受理范围" + A31_LITIGATION
             + "。已告知信访人可以向人民法院起诉，或者申请大营村人民调解委员会调解。",
    ),
    DemoPetition(
        "closed_replied", 309, PHONE, "北岗村", "村内自来水管网漏水停水",
        "北岗村村民来电反映：村内自来水主管道漏水，五组、六组已停水三天，群众生活用水困难。",
        (p("李秀英", "13592351187", "石桥镇北岗村五组"),),
        opinion="接报后镇水利站当日组织维修，更换破损主管道12米，次日恢复供水；已督促北岗村建立管网巡查制度。",
        result=SUPPORT,
    ),
    DemoPetition(
        "forwarded_closed", 297, ONLINE, None, "企业职工养老保险待遇核定",
        "网上信访：退休职工许某反映其在原县化肥厂的工龄未计入视同缴费年限，养老金核定偏低，要求重新核定。",
        (p("许保成", "15993781206", "石桥镇西街村集镇西街9号"),),
        note=RSJ,
    ),
    DemoPetition(
        "reviewed_final", 285, VISIT, "石桥村", "宅基地使用权纠纷", ZHAIJIDI_CONTENT, (GUO,),
        opinion="经镇自然资源所调取双方宅基地审批档案并现场测量，邻居郭某某翻建房屋位于其1992年经批准的宅基地范围内，"
                "东侧墙基与原墙基一致，未占用信访人宅基地。信访人的请求缺乏事实依据，不予支持。",
        result=NOT_SUPPORT,
    ),
    DemoPetition(
        "closed_replied", 272, LETTER, "南庄村", "土地征收补偿款分配",
        "南庄村村民冯玉梅来信反映：村里分配省道拓宽土地征收补偿款时，未将其户内新生儿列入分配名单。",
        (p("冯玉梅", "13783759406", "石桥镇南庄村一组"),),
        opinion="经核查，南庄村补偿款分配方案经村民代表会议通过，以2023年12月31日为户籍截止日，信访人之子于截止日后出生，"
                "未列入分配符合方案规定；镇经管站已对方案的合法性进行审查，分配程序合法。",
        result=EXPLAIN,
    ),
    DemoPetition(
        "village_resolved_closed", 260, VISIT, "前营村", "邻里排水纠纷",
        "前营村村民韩秀琴来访反映：邻居修建院墙时堵塞了两家之间的排水沟，雨天积水倒灌进其院内。",
        (p("韩秀琴", "15838751204", "石桥镇前营村二组"),),
        opinion="经前营村人民调解委员会调解，邻居同意在院墙下预留排水口并疏通排水沟，工程已于调解后一周内完成，"
                "信访人表示满意。",
        result=SUPPORT,
    ),
    DemoPetition(
        "closed_replied", 248, HOTLINE, "新集村", "路灯损坏夜间出行不便",
        "12345热线转办：新集村村民反映村主干道路灯损坏十余盏，夜间出行不便，存在安全隐患。",
        (p("王新华", "13603758812", "石桥镇新集村"),),
        opinion="镇村建办已组织更换损坏路灯14盏，并将村主干道路灯纳入镇级统一维护。",
        result=SUPPORT,
    ),
    DemoPetition(
        "closed_replied", 236, VISIT, "后营村", "农村危房改造补助未发放",
        "后营村村民杜文学来访反映：其2024年列入农村危房改造计划，房屋已改造完毕并通过验收，补助资金至今未到账。",
        (p("杜文学", "15137569021", "石桥镇后营村三组", "1955-07-09", 193),),
        opinion="经查，因信访人提供的银行账户已销户，补助资金被退回。镇村建办已协助其重新办理“一卡通”账户，"
                "补助资金2.4万元已于本月发放到位。",
        result=SUPPORT,
    ),
    DemoPetition(
        "closed_replied", 224, ONLINE, None, "集镇道路拓宽征收补偿标准",
        "网上信访：振兴路沿街商户询问集镇道路拓宽工程的房屋征收补偿标准和安置方式。",
        (p("孙宏达", "13937581206", "石桥镇振兴路东段88号"),),
        opinion="振兴路拓宽工程的征收补偿方案尚在编制，将依法公开征求意见。已向信访人说明补偿标准的依据和公开征求意见的时间、"
                "方式，信访人表示理解。",
        result=EXPLAIN,
    ),
    DemoPetition(
        "forwarded_closed", 212, LETTER, "郭庄村", "不动产权证书办理",
        "郭庄村村民来信反映：其房地一体不动产登记申请已提交半年，权证至今未办理。",
        (p("郭志强", "13849581207", "石桥镇郭庄村"),),
        note=ZRZYJ,
    ),
    DemoPetition(
        "closed_replied", 200, VISIT, "枣园村", "养殖场粪污污染水渠",
        "枣园村村民来访反映：村东养猪场粪污直排灌溉水渠，水体发黑发臭，影响农田灌溉和周边群众生活。",
        (p("吕长河", "13603752219", "石桥镇枣园村东组", "1963-03-21", 157),),
        opinion="经镇生态环境保护办会同县生态环境分局现场检查，养殖场粪污直排属实，已移交县生态环境分局依法查处，"
                "养殖场已建设粪污储存池并清理水渠。",
        result=SUPPORT,
    ),
    DemoPetition(
        "closed_replied", 188, PHONE, "寺沟村", "城乡居民医保报销比例",
        "寺沟村村民来电反映：其在省城医院住院报销比例明显低于在县医院住院，认为报销不合理。",
        (p("任红霞", "15237561248", "石桥镇寺沟村"),),
        opinion="已向信访人解释：城乡居民医保对省级医院住院规定了较低的报销比例，未办理转诊备案的再降低比例，"
                "信访人的报销结算符合规定；已告知其今后异地就医前办理转诊备案。",
        result=EXPLAIN,
    ),
    DemoPetition(
        "village_resolved_closed", 176, VISIT, "河口村", "宅前公共通道被堵",
        "河口村村民来访反映：邻居在两家之间的公共通道上搭建棚子堆放杂物，通道被堵，车辆无法通行。",
        (p("杨建华", "13721857740", "石桥镇河口村二组"),),
        opinion="经河口村人民调解委员会调解，邻居已拆除所搭棚子，清理通道杂物，恢复通行。",
        result=SUPPORT,
    ),
    DemoPetition(
        "closed_replied", 164, HOTLINE, None, "集镇生活垃圾清运不及时",
        "12345热线转办：石桥大街北段居民反映垃圾桶满溢，垃圾清运不及时，气味难闻。",
        (p("周敏", "13503750096", "石桥镇石桥大街北段"),),
        opinion="镇环卫所已将集镇垃圾清运由每日一次调整为早晚各一次，并新增垃圾桶20个。",
        result=SUPPORT,
    ),
    DemoPetition(
        "declined_closed", 152, VISIT, "龙泉村", "不服法院民事判决",
        "龙泉村村民来访反映：对县人民法院就其与邻居相邻关系纠纷作出的民事判决不服，要求镇政府改变判决结果。",
        (p("黄满仓", "13592357713", "石桥镇龙泉村四组", "1957-12-30", 117),),
        note="信访人反映的事项已经人民法院判决，属于已经或者依法应当通过诉讼途径解决的事项，不属于信访受理范围"
             + A31_LITIGATION + "。已告知信访人可以依法申请再审。",
    ),
    DemoPetition(
        "closed_replied", 140, LETTER, "杨庄村", "村务公开不及时",
        "杨庄村村民来信反映：村集体资金收支情况已半年未公开，要求公开集体资金使用情况。",
        (p("杨春生", "15893751106", "石桥镇杨庄村"),),
        opinion="经镇经管站审计，杨庄村上半年集体资金收支账目清楚；已督促村委会在村务公开栏公开上半年收支明细，"
                "并建立每季度公开制度。",
        result=SUPPORT,
    ),
    DemoPetition(
        "closed_replied", 128, VISIT, "李庄村", "土地流转租金未按时支付",
        "李庄村12户村民委托代表来访反映：流转土地的种植合作社拖欠2025年度土地租金，共计6.8万元。",
        (p("李国强", "13803751176", "石桥镇李庄村二组", "1966-09-08", 155),),
        opinion="经镇农业农村办约谈合作社负责人，合作社已于约谈后十日内付清拖欠租金，并承诺今后按合同约定时间支付。",
        result=SUPPORT,
    ),
    DemoPetition(
        "closed_replied", 116, ONLINE, "王庄村", "道路硬化后排水不畅",
        "网上信访：王庄村村民反映村内道路硬化后路面高于宅基，雨水倒灌民宅。",
        (p("王秀云", "13733759982", "石桥镇王庄村"),),
        opinion="镇村建办已组织在村内道路两侧修建排水边沟300米，并设置过路涵管3处。",
        result=SUPPORT,
    ),
    DemoPetition(
        "forwarded_closed", 104, VISIT, "张庄村", "交通事故赔偿",
        "张庄村村民来访反映：其子在县道被货车撞伤，肇事方拖延赔偿，要求镇政府出面处理。",
        (p("张有福", "13849570221", "石桥镇张庄村", "1964-04-12", 231),),
        note=f"{COUNTY}公安局交通警察大队",
    ),
    DemoPetition(
        "repeat_declined", 100, VISIT, "石桥村", "再次反映宅基地被占用",
        "石桥村村民郭长顺再次来访，就邻居翻建房屋占用其宅基地一事，要求镇政府重新处理。",
        (GUO,),
        note="信访人反映的宅基地使用权纠纷，已经本机关书面答复、县人民政府复查和市人民政府复核，复核意见为终结意见；"
             "信访人以同一事实和理由再次提出，不再受理（《信访工作条例》第三十六条第三款）。",
    ),
    DemoPetition(
        "closed_replied", 92, HOTLINE, "黄庄村", "农田灌溉机井损坏",
        "12345热线转办：黄庄村村民反映村西两眼灌溉机井水泵损坏，正值小麦浇灌期，无法灌溉。",
        (p("黄建设", "13603759983", "石桥镇黄庄村"),),
        opinion="镇水利站已维修水泵两台、更换电缆80米，机井恢复使用。",
        result=SUPPORT,
    ),
    # --- open files ---------------------------------------------------------------------------------------------
    DemoPetition(
        "review_requested", 72, VISIT, "高庙村", "耕地地力保护补贴发放",
        "高庙村村民来访反映：其承包地被村里统一流转后，耕地地力保护补贴发给了流转方，要求将补贴发给承包户。",
        (p("高明亮", "15937560034", "石桥镇高庙村一组", "1967-01-25", 211),),
        opinion="经核查，依照县耕地地力保护补贴实施方案，补贴对象为拥有耕地承包权的种地农民，流转合同约定补贴归流转方的，"
                "从其约定；信访人与合作社签订的流转合同第六条约定补贴归合作社所有，补贴发放符合规定。",
        result=NOT_SUPPORT,
    ),
    DemoPetition(
        "accepted_near_deadline", 61, VISIT, "白土岗村", "集体林地承包费收取",
        "白土岗村村民来访反映：村委会提高集体林地承包费未经村民代表会议讨论，要求纠正。",
        (p("白振东", "13598760427", "石桥镇白土岗村三组"),),
    ),
    DemoPetition(
        "extended", 55, VISIT, "马岭村", "砂石厂运输车辆扬尘和压坏村道",
        "马岭村30余户村民集体来访，推选5名代表反映：村北砂石厂重型运输车辆昼夜通行，扬尘严重，压坏新修村道，"
        "要求整治扬尘、修复道路并限制通行时间。",
        (p("马德胜", "13569501174", "石桥镇马岭村一组", "1960-06-06", 137),
         p("马秀莲", "15937567705", "石桥镇马岭村一组"),
         p("刘国富", "13803758834", "石桥镇马岭村二组"),
         p("马天成", "13461879916", "石桥镇马岭村三组"),
         p("崔丽娟", "15036758845", "石桥镇马岭村三组")),
        note="涉及砂石厂扬尘治理、村道损坏鉴定和修复费用分担，需会同县交通运输局、县生态环境分局联合调查并委托第三方鉴定，"
             "60日内难以办结。",
    ),
    DemoPetition(
        "replied", 48, LETTER, "桃园村", "残疾人两项补贴停发",
        "桃园村村民来信反映：其女儿为二级肢体残疾，今年起困难残疾人生活补贴停发，要求恢复发放。",
        (p("桃桂芝", "13783752238", "石桥镇桃园村"),),
        opinion="经核查，因年度资格复核时信访人家庭未提交低保边缘家庭认定材料，补贴暂停发放。镇残联已协助其补交材料，"
                "自本月起恢复发放，暂停期间的补贴一并补发。",
        result=SUPPORT,
    ),
    DemoPetition(
        "escalated_by_office", 40, VISIT, "岳庄村", "相邻房屋建设遮挡采光",
        "岳庄村村民来访反映：邻居新建三层楼房距其住宅不足3米，严重遮挡其住宅采光。",
        (p("岳新民", "15838759907", "石桥镇岳庄村二组", "1972-10-19", 279),),
        note="岳庄村调解委员会两次组织调解，邻居不同意改变建设方案；涉及建房是否取得乡村建设规划许可，需由镇里调查处理。",
    ),
    DemoPetition(
        "replied", 36, ONLINE, "韩店村", "学生校车接送",
        "网上信访：韩店村家长反映村里小学撤并后，学生到镇中心小学上学路途远，要求开通校车。",
        (p("韩丽", "13523757741", "石桥镇韩店村"),),
        opinion="镇教育办已协调县交通运输局在上下学时段增开韩店村至镇中心小学的公交班次，并由学校安排教师随车护送；"
                "开通专用校车需经县教育局审批，已报送需求。",
        result=EXPLAIN,
    ),
    DemoPetition(
        "escalated_by_mediator", 32, VISIT, "西街村", "临街餐馆油烟扰民",
        "西街村居民来访反映：楼下新开的餐馆排烟管道直接对着居民窗户，油烟和噪声扰民。",
        (p("任丽华", "13673758820", "石桥镇西街村集镇西街31号"),),
        note="经镇人民调解委员会调解员在“老娘舅茶室”两次组织双方协商，餐馆经营者不同意改装排烟管道；"
             "涉及餐饮油烟排放是否达标，需由镇里组织执法检查。",
    ),
    DemoPetition(
        "replied", 28, HOTLINE, None, "集镇菜市场周边占道经营",
        "12345热线转办：群众反映集镇菜市场周边商贩占道经营，早晨道路拥堵。",
        (p("陈卫东", "13937569914", "石桥镇集镇"),),
        opinion="镇综合行政执法大队已在菜市场周边划定临时摊位区，早市时段安排执法队员疏导，占道经营现象明显减少。",
        result=SUPPORT,
    ),
    DemoPetition(
        "declined", 25, LETTER, "小营村", "要求确认房屋买卖合同效力",
        "小营村村民来信，要求镇政府确认其与同村村民签订的房屋买卖合同有效，并责令对方办理过户。",
        (p("宋建业", "15993752276", "石桥镇小营村"),),
        note="合同是否有效属于应当通过诉讼途径解决的民事纠纷，不属于信访受理范围" + A31_LITIGATION
             + "。已告知信访人可以向人民法院起诉。",
    ),
    DemoPetition(
        "forwarded", 20, PHONE, "杏树沟村", "拖欠农民工工资",
        "杏树沟村村民来电反映：其在县城某建筑工地务工，包工头拖欠8名工人工资共计9.6万元。",
        (p("张建军", "13849575563", "石桥镇杏树沟村"),),
        note=f"{RSJ}（劳动保障监察大队）",
    ),
    DemoPetition(
        "accepted", 18, VISIT, "南庄村", "村集体机动地承包",
        "南庄村村民来访反映：村集体机动地承包未公开竞价，由村干部亲属承包，要求重新公开发包。",
        (p("冯建设", "13783751109", "石桥镇南庄村三组"),),
    ),
    DemoPetition(
        "received_near_deadline", 13, LETTER, "北岗村", "农村客运班线停运",
        "北岗村村民来信反映：途经北岗村的农村客运班线停运两个月，村民出行困难，要求恢复班线。",
        (p("李保国", "13592350047", "石桥镇北岗村二组"),),
    ),
    DemoPetition(
        "at_village_with_mediator", 9, VISIT, "石桥村", "邻里房檐滴水纠纷",
        "石桥村村民来访反映：邻居新建房屋房檐伸出，雨水滴落到其院内，多次协商未果。",
        (p("刘桂英", "13721850012", "石桥镇石桥村五组"),),
    ),
    DemoPetition(
        "at_village", 8, ONLINE, "东关村", "村内坑塘安全隐患",
        "网上信访：东关村村民反映村南坑塘无护栏、无警示标志，夏季有儿童在附近玩耍，存在溺水隐患。",
        (p("刘建民", "15137560036", "石桥镇东关村"),),
    ),
    DemoPetition(
        "received", 5, LETTER, "大营村", "要求调整宅基地审批",
        "大营村村民来信反映：其分户后申请宅基地两年未获审批，要求加快审批。",
        (p("马小军", "13461870093", "石桥镇大营村二组"),),
    ),
    DemoPetition(
        "received", 1, HOTLINE, "柳林村", "村道被施工车辆损坏",
        "12345热线转办：柳林村村民反映高标准农田建设施工车辆压坏村内水泥路。",
        (p("秦红梅", "15036751192", "石桥镇柳林村"),),
    ),
)


# --------------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------------


def seed_petitions(users: dict, today: datetime.date) -> int:
    """Load the petitions as ``users`` (``demo.people.seed_users``: xinfang, tiaojie, zhenzhang), with dates counted
    from ``today``, none after it; return the number of petitions created (0 on a second run)."""
    return PetitionSeeder(users, today).run()


class PetitionSeeder:
    def __init__(self, users: dict, today: datetime.date):
        self.users = users
        self.today = today

    def run(self) -> int:
        created = 0
        for spec in PETITIONS:
            if Petition.objects.filter(content=spec.content).exists():
                continue
            with transaction.atomic():
                petition = services.create_petition(
                    user=self.user(OFFICE), channel=spec.channel, petitioners=[dict(x) for x in spec.petitioners],
                    subject=spec.subject, content=spec.content, received_on=self.received_on(spec),
                    village=Village.objects.get(name=spec.village) if spec.village else None,
                    group_visit=len(spec.petitioners) > 1, repeat_of=self.repeat_of(spec),
                )
                getattr(self, spec.drive)(petition, spec)
            created += 1
        return created

    # --- helpers ----------------------------------------------------------------------------------

    def user(self, username):
        if username not in self.users:
            self.users[username] = get_user_model().objects.get(username=username)
        return self.users[username]

    def fire(self, petition, name, username=OFFICE, **data):
        """Fire a transition with its fields as the API receives them (JSON: dates as ISO strings)."""
        data = {key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in data.items()}
        return fire_transition("petition", petition.pk, name, self.user(username), data)

    def workday_on_or_before(self, day: datetime.date) -> datetime.date:
        while not calendar.is_workday(day):
            day -= datetime.timedelta(days=1)
        return day

    def after(self, day: datetime.date, working_days: int) -> datetime.date:
        """`working_days` working days after `day`, never after today (the order of the steps is kept)."""
        return min(calendar.add_working_days(day, working_days).date, self.today)

    def received_on(self, spec) -> datetime.date:
        """Letters, calls and online petitions still waiting for acceptance keep their exact day (a rest day too);
        the others were received on a working day."""
        day = self.today - datetime.timedelta(days=spec.received)
        if spec.drive.startswith("received"):
            return day
        if spec.drive == "repeat_declined":  # after the re-review that made the earlier petition final
            final = self.earlier(spec).reviews.order_by("-round").first()
            day = max(day, final.answered_on + datetime.timedelta(days=20))
            return min(self.workday_on_or_before(day), self.today)
        return self.workday_on_or_before(day)

    def earlier(self, spec):
        return Petition.objects.get(content=ZHAIJIDI_CONTENT) if spec.drive == "repeat_declined" else None

    def repeat_of(self, spec):
        return self.earlier(spec)

    def review_window(self, petition):
        return deadlines_of(petition).filter(kind="petition.review_request").order_by("-id").first()

    def accept(self, petition, working_days=3):
        day = self.after(petition.received_on, working_days)
        self.fire(petition, "accept", accepted_on=day)
        petition.refresh_from_db()
        return day

    def reply(self, petition, spec, day):
        self.fire(petition, "reply", opinion=spec.opinion, result=spec.result, replied_on=day)
        petition.refresh_from_db()
        return day

    def close_after_window(self, petition, note):
        """The petitioner's 30 days to ask for a review (Art 35) ran out unused: the file is closed two working
        days later."""
        window = self.review_window(petition)
        self.fire(petition, "close", note=note, closed_on=self.after(window.due_date, 2))

    def send_to_village(self, petition, day, mediator=None):
        data = {"village": petition.village_id, "sent_on": day}
        if mediator:
            data["mediator"] = self.user(mediator).pk
        self.fire(petition, "send_to_village", **data)
        petition.refresh_from_db()

    # --- the drives, in the order of PETITIONS ---------------------------------------------------------

    def closed_replied(self, petition, spec):
        """Accepted, answered within the 60 days (Art 34), closed once the petitioner's 30 days ran out."""
        accepted = self.accept(petition)
        self.reply(petition, spec, self.after(accepted, 25))
        self.close_after_window(petition, "信访人未在规定期限内请求复查，办结归档。")

    def village_resolved_closed(self, petition, spec):
        """Village first (Art 15, 小事不出村): resolved by the village's mediation, the office answers, closed."""
        accepted = self.accept(petition, 2)
        sent = self.after(accepted, 1)
        self.send_to_village(petition, sent)
        self.reply(petition, spec, self.after(sent, 8))
        self.close_after_window(petition, "村级调解化解，信访人对处理意见无异议，办结归档。")

    def declined(self, petition, spec):
        """Not accepted, with the reason (Art 23, 31): the 不予受理告知书."""
        day = self.after(petition.received_on, 2)
        self.fire(petition, "decline", reason=spec.note, declined_on=day)
        return day

    def declined_closed(self, petition, spec):
        day = self.declined(petition, spec)
        self.fire(petition, "close", note="已书面告知信访人不予受理及其他法定途径，办结归档。", closed_on=self.after(day, 3))

    def forwarded(self, petition, spec):
        """Outside the town's powers: forwarded to the competent organ (Art 21–22)."""
        day = self.after(petition.received_on, 2)
        self.fire(petition, "forward", to=spec.note, forwarded_on=day, comment="已告知信访人转送情况。")
        return day

    def forwarded_closed(self, petition, spec):
        day = self.forwarded(petition, spec)
        self.fire(petition, "close", note=f"已转送{spec.note}办理并告知信访人，办结归档。", closed_on=self.after(day, 5))

    def reviewed_final(self, petition, spec):
        """Answered; the petitioner asked the county government for a review (复查, Art 35) and then the city
        government for a re-review (复核, Art 36), each within 30 days; both upheld the answer: final (Art 36 ¶3)."""
        accepted = self.accept(petition)
        replied = self.reply(petition, spec, self.after(accepted, 28))
        asked = min(replied + datetime.timedelta(days=15), self.review_window(petition).due_date, self.today)
        self.fire(petition, "request_review", organ=f"{COUNTY}人民政府", requested_on=asked,
                  request="信访人不服处理意见，请求县人民政府复查。")
        answered = self.after(asked, 20)
        self.fire(petition, "record_review", answer="经复查，石桥镇人民政府的处理意见认定事实清楚，处理恰当，予以维持。",
                  decision="upheld", answered_on=answered)
        asked = min(answered + datetime.timedelta(days=15), self.review_window(petition).due_date, self.today)
        self.fire(petition, "request_review", organ="平顶山市人民政府", requested_on=asked,
                  request="信访人不服复查意见，请求市人民政府复核。")
        self.fire(petition, "record_review", answer="经复核，维持宝丰县人民政府的复查意见。本复核意见为终结意见。",
                  decision="upheld", answered_on=self.after(asked, 20))

    def repeat_declined(self, petition, spec):
        """The same facts after the re-review: not accepted again (Art 36 ¶3; accept is refused, so declined)."""
        self.declined(petition, spec)

    def review_requested(self, petition, spec):
        """Answered; the petitioner asked the county government for a review within the 30 days (Art 35): the
        town recorded and forwarded the request; the county decides it (no town deadline)."""
        accepted = self.accept(petition)
        replied = self.reply(petition, spec, self.after(accepted, 20))
        asked = min(replied + datetime.timedelta(days=20), self.review_window(petition).due_date, self.today)
        self.fire(petition, "request_review", organ=f"{COUNTY}人民政府", requested_on=asked,
                  request="信访人认为流转合同关于补贴归属的约定系村委会代签，请求县人民政府复查。")

    def accepted_near_deadline(self, petition, spec):
        """Accepted 57 days ago (or on the first working day after, across a holiday): the 60-day handling period
        (Art 34) ends in a few days."""
        day = self.today - datetime.timedelta(days=57)
        while not calendar.is_workday(day):
            day += datetime.timedelta(days=1)
        day = max(petition.received_on, day)
        self.fire(petition, "accept", accepted_on=day)

    def extended(self, petition, spec):
        """A group visit of five representatives (Art 19): the handling period extended by 30 days — asked for by
        the petition office, approved by the principal (Art 34, never by the asker) — and the petitioner told
        (延期办理告知书)."""
        self.accept(petition)
        adjustment = services.request_handling_extension(petition, reason=spec.note, days=30, user=self.user(OFFICE))
        adjustments.decide_adjustment(adjustment, approve=True, user=self.user(PRINCIPAL),
                                      note="同意延期30日，抓紧会同有关部门调查处理。")
        self.fire(petition, "notify_extension", comment="已向信访人代表送达延期办理告知书。")

    def replied(self, petition, spec):
        """Answered within the last weeks: the petitioner's 30 days to ask for a review (Art 35) run."""
        accepted = self.accept(petition)
        self.reply(petition, spec, self.after(accepted, 15))

    def escalated_by_office(self, petition, spec):
        """Sent to the village, which could not resolve it: the petition office takes it up at the town."""
        accepted = self.accept(petition, 2)
        sent = self.after(accepted, 1)
        self.send_to_village(petition, sent)
        self.fire(petition, "escalate_to_town", reason=spec.note, escalated_on=self.after(sent, 9))

    def escalated_by_mediator(self, petition, spec):
        """Sent to the village with the town mediator, who could not resolve it and escalated it (大事不出镇)."""
        accepted = self.accept(petition, 2)
        sent = self.after(accepted, 1)
        self.send_to_village(petition, sent, MEDIATOR)
        self.fire(petition, "escalate_to_town", MEDIATOR, reason=spec.note, escalated_on=self.after(sent, 7))

    def accepted(self, petition, spec):
        self.accept(petition)

    def at_village_with_mediator(self, petition, spec):
        """At the village with the town mediator (Art 15): the village period (local practice) runs."""
        accepted = self.accept(petition, 1)
        self.send_to_village(petition, self.after(accepted, 1), MEDIATOR)

    def at_village(self, petition, spec):
        accepted = self.accept(petition, 1)
        self.send_to_village(petition, self.after(accepted, 1))

    def received_near_deadline(self, petition, spec):
        """Received 13 days ago: the written acceptance notice is due in two days (Art 23)."""

    def received(self, petition, spec):
        """Received in the last days: waiting for acceptance."""


# --------------------------------------------------------------------------------------------------
# The register of the year (信访登记簿): the rest of last year's petitions, and of this year's until two and a half
# months ago, as plain rows in their final state (answered and closed, not accepted, forwarded), so that last
# year's report counts the town's figure ("信访办接待来访事项175件") and this year's a like share. Loaded in bulk
# (demo.bulk), numbered in the yearly series after the petitions above. Idempotent: a row is found by its content.
# --------------------------------------------------------------------------------------------------

#: Petitions received in a year, by channel: visits as the report counts them; the other channels the demo's guess.
REGISTER_TARGETS = {VISIT: 175, LETTER: 18, PHONE: 24, ONLINE: 31, HOTLINE: 46}
#: This year's rows end this many days before today: all of them are closed by now (acceptance, 60-day answer,
#: the petitioner's 30 days to ask for a review, 条例 Art 23, 34, 35).
REGISTER_SETTLED_DAYS = 75
REGISTER_MATTERS = (
    ("宅基地界址纠纷", "与邻居宅基地界址不清，翻建房屋时发生争执，要求镇里出面确认界址。", SUPPORT,
     "经镇自然资源所现场测量并调取审批档案，确认界址，已组织双方签字认可。"),
    ("最低生活保障申请", "家庭困难，申请纳入最低生活保障。", EXPLAIN,
     "经入户核查，家庭人均收入高于本县农村低保标准，已解释政策并告知临时救助途径。"),
    ("农民工工资拖欠", "在建筑工地务工，工资被拖欠，要求协调支付。", SUPPORT,
     "经镇劳动保障所协调，施工方已足额支付拖欠工资。"),
    ("村内道路损坏", "村内道路破损积水，群众出行不便，要求维修。", SUPPORT,
     "已列入村内道路维修计划，村委会组织修补完毕。"),
    ("承包地流转费用", "土地流转费用未按合同按时支付，要求督促支付。", SUPPORT,
     "经镇农业农村办协调，流转方已支付全部流转费用。"),
    ("养殖污染", "邻近养殖场粪污处理不当，气味扰民。", SUPPORT,
     "经镇生态环境办检查，责令养殖场整改粪污处理设施，已复查合格。"),
    ("邻里排水纠纷", "邻居改建排水沟，雨水流入自家院内。", SUPPORT,
     "经村人民调解委员会调解，双方同意恢复原排水走向。"),
    ("医疗保险报销", "对住院费用报销比例有疑问。", EXPLAIN,
     "经镇医保服务站核对，报销比例符合本县城乡居民医保政策，已当面解释。"),
    ("集体经济收益分配", "对村集体经济收益分配方案有异议。", EXPLAIN,
     "经镇经管站审核，分配方案经村民代表会议讨论通过，程序合法，已向信访人解释。"),
    ("危房改造补助", "申请农村危房改造补助未获批准。", NOT_SUPPORT,
     "经住建部门鉴定，房屋不属于危房，不符合补助条件，不予支持，已告知复查途径。"),
    ("占道经营", "集镇街道商户占道经营，影响通行。", SUPPORT,
     "镇综合行政执法大队已责令商户在一米线内经营，并加强巡查。"),
    ("赡养纠纷", "子女不履行赡养义务，要求调解。", SUPPORT,
     "经村人民调解委员会调解，子女签订赡养协议，按月支付赡养费。"),
)
REGISTER_DECLINED = "信访人反映的是民间借贷纠纷，应当通过诉讼途径解决，不予受理" + A31_LITIGATION + "，已告知其可向人民法院起诉。"
REGISTER_FORWARDED = (RSJ, ZRZYJ)
CHANNEL_WORDS = {VISIT: "来访", LETTER: "来信", PHONE: "来电", ONLINE: "网上信访", HOTLINE: "12345热线转办"}


def _register_specs(year: int, start: datetime.date, end: datetime.date, counts: dict) -> list[dict]:
    """The rows of one year: `counts` per channel, received on working days spread from `start` to `end`."""
    village_names = list(Village.objects.order_by("code").values_list("name", flat=True))
    rows = []
    for channel, count in counts.items():
        for received_on in (spread_days(start, end, count) if count > 0 else []):
            serial = len(rows)
            village = village_names[serial % len(village_names)]
            name = _register_name(year, serial)
            subject, matter, result, opinion = REGISTER_MATTERS[serial % len(REGISTER_MATTERS)]
            rows.append({"channel": channel, "received_on": received_on, "village": village, "name": name,
                         "subject": subject, "result": result, "opinion": opinion, "variant": serial % 12,
                         "content": f"{received_on.year}年{received_on.month}月{received_on.day}日{CHANNEL_WORDS[channel]}："
                                    f"{village}村民{name}反映，{matter}"})
    return rows


def _register_name(year: int, serial: int) -> str:
    surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹", ("建军", "秀兰", "国强", "桂芳",
                                                                                   "志刚", "玉梅", "德明", "春花",
                                                                                   "永福", "小红", "新华", "凤琴")
    return surnames[(serial + year) % len(surnames)] + given[(serial // len(surnames)) % len(given)]


def _after(day: datetime.date, working_days: int, today: datetime.date) -> datetime.date:
    return min(calendar.add_working_days(day, working_days).date, today)


def _register_petition(row: dict, number: str, villages: dict, office, today: datetime.date) -> Petition:
    """One closed row: answered (accepted in 2 working days, answered within 15, closed once the petitioner's 30
    days ran out), or not accepted (1 in 12), or forwarded (1 in 12)."""
    received = row["received_on"]
    petition = Petition(number=number, channel=row["channel"], village=villages[row["village"]],
                        subject=row["subject"], content=row["content"], received_on=received, created_by=office,
                        state=PetitionState.CLOSED)
    if row["variant"] == 0:
        petition.decline_reason = REGISTER_DECLINED
        petition.closed_on = _after(received, 5, today)
        petition.close_reason = "已书面告知信访人不予受理及其他法定途径，办结归档。"
    elif row["variant"] == 1:
        petition.forwarded_to = REGISTER_FORWARDED[received.day % 2]
        petition.forwarded_on = _after(received, 2, today)
        petition.closed_on = _after(received, 7, today)
        petition.close_reason = f"已转送{petition.forwarded_to}办理并告知信访人，办结归档。"
    else:
        petition.accepted_on = _after(received, 2, today)
        petition.replied_on = petition.served_on = _after(petition.accepted_on, 15, today)
        petition.opinion, petition.result, petition.replied_by = row["opinion"], row["result"], office
        petition.closed_on = _after(petition.replied_on + datetime.timedelta(days=30), 2, today)
        petition.close_reason = "信访人未在规定期限内请求复查，办结归档。"
    return petition


def seed_petition_register(users: dict, today: datetime.date) -> int:
    """Fill the register of last year up to REGISTER_TARGETS per channel, and this year's up to the like share of
    the days until REGISTER_SETTLED_DAYS before today, counting the petitions already there; bulk rows, numbered
    in each year's series. Returns the number of petitions created (0 on a second run)."""
    office = users.get(OFFICE) or get_user_model().objects.get(username=OFFICE)
    villages = {v.name: v for v in Village.objects.all()}
    created = 0
    periods = [(today.year - 1, datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
               (today.year, datetime.date(today.year, 1, 1), today - datetime.timedelta(days=REGISTER_SETTLED_DAYS))]
    for year, start, end in periods:
        if end < start:
            continue
        have = dict(Petition.objects.filter(received_on__year=year).order_by().values_list("channel")
                    .annotate(n=models.Count("pk")))
        counts = {channel: max(0, pro_rata(target, start, end) if year == today.year else target) - have.get(channel, 0)
                  for channel, target in REGISTER_TARGETS.items()}
        rows = _register_specs(year, start, end, counts)
        known = set(Petition.objects.filter(content__in=[row["content"] for row in rows])
                    .values_list("content", flat=True))
        rows = sorted((row for row in rows if row["content"] not in known), key=lambda row: row["received_on"])
        if not rows:
            continue
        with transaction.atomic():
            numbers = reserve_numbers("petition", year, petition_number_format(), len(rows))
            petitions = Petition.objects.bulk_create(
                _register_petition(row, number, villages, office, today) for row, number in zip(rows, numbers, strict=True))
            Petitioner.objects.bulk_create(
                Petitioner(petition=petition, name=row["name"], phone=f"1383756{(created + i) % 10000:04d}",
                           address=f"石桥镇{row['village']}") for i, (petition, row) in enumerate(zip(petitions, rows, strict=True)))
        created += len(petitions)
    return created

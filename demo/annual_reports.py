"""Last year's annual reports of the demo town 石桥镇 (DESIGN §12, CONTRACT §9): the 法治政府建设年度报告 and the
行政执法统计年报 of `today.year - 1` opened with their deadlines (reports.services.open_year: submission by 1 March,
publication by 1 April; the statistics by 31 January), so that the report pages and the reminders show them, and
the parts a person writes kept: the report's five items adapted from the town's 2023 report, without its figures
(the report weaves in the figures computed from the data, reports.figures), and the statistics' 情况说明.

Idempotent: open_year changes nothing the second time; the narrative is saved (through
reports.services.save_narrative, as the judicial office, audited) only while the report has none.
"""

import datetime

from django.contrib.auth import get_user_model

from reports.models import AnnualReport
from reports.services import open_year, save_narrative

NARRATIVE = {
    "duty": (
        "石桥镇严格履行党政主要负责人推进法治建设第一责任人职责，全面贯彻落实中央、省、市、县关于法治建设的重大决策部署，"
        "党委书记靠前指挥，镇长全盘主抓，以提升法治意识、规范法治行为为目标，坚持法治建设，完善法治机制，创新法治举措，"
        "提升基层法治建设水平。党委会、镇政府常务会议定期研究部署法治建设工作，涵盖安全生产、平安建设等多方面，"
        "确保法治建设在基层落实落地。"),
    "measures": (
        "（一）以法治理论学习为基础，树牢法治思维。把习近平法治思想纳入理论中心组学习重要内容，定期分析研究法治重、难点问题，"
        "推进班子成员学法经常化、制度化；把习近平法治思想纳入干部教育培训必修课程，开展专题法律培训，凝聚全镇法治建设共识。\n"
        "（二）以法治政府创建为抓手，提供法治保障。推进综合行政执法大队实体化建设，科学设置案件询问室、行政调解室、"
        "执法装备室等“三室一库”，执法队员持证上岗；推进服务型行政执法，沿街商铺划定一米线经营，将柔性治理与刚性治理相结合；"
        "履行村级法治队伍职责，法律明白人和村法律顾问带动群众提高法律意识；涉及重大决策事项，邀请司法所所长列席镇党政联席会议，"
        "由司法所预先进行合法性审查，确保“未经审查不上会，未经审议不签发”。\n"
        "（三）以法治建设为载体，提升社会治理法治化水平。在“12·4”国家宪法日、“安全生产月”、“6·26”国际禁毒日、"
        "《信访工作条例》宣传月等时间节点组织法治集中宣传，发挥党员、网格员、志愿者、法律明白人等基层力量深入开展平安法治宣传；"
        "充分发挥村两委、调解员、网格员作用，打造“老娘舅茶室”等村级信访阵地，做到“小事不出村，大事不出镇”；"
        "开展普法戏曲汇演和法律讲座，“送戏下乡”“送法下乡”，推动乡风民风向善向上。"),
    "shortcomings": (
        "（一）法治氛围营造需进一步加强。部分群众咨询、学习法律往往持着“临时抱佛脚”的实用心态，全民学法的意识还不够浓厚。\n"
        "（二）法治思维运用需进一步提高。部分机关干部、村干部运用法治思维、法治手段解决问题的意识和能力还不够强。\n"
        "（三）执法行为规范需进一步严格。部分执法人员法律素养不高，存在执法态度生硬的现象。"),
    "plans": (
        "（一）加强普法教育，营造浓厚法治氛围。利用抖音、微信群等渠道增强普法宣传的针对性和有效性，"
        "围绕宅基地审批、安全生产及食品安全开展资料发放、广播宣传。\n"
        "（二）加强队伍建设，提升干部法治能力。对支部书记、村“两委”、党员干部定期开展法律知识培训，"
        "引进青年力量充实基层法律服务工作者、人民调解员队伍。\n"
        "（三）加强制度建设，推进法治政府建设。健全依法决策机制，加强规范性文件监管和行政执法监督检查，"
        "结合各行政村实际完善法治建设各项规章制度。"),
    "other": "无。",
}
EXPLANATION = (
    "本表数据由石桥镇综合行政执法大队根据本年度办结和作出的行政执法决定统计，行政处罚按决定作出日期计入年度，"
    "一案同时适用多种处罚的按最重的一种计入；赋权执法事项自承接之日起由大队实施，此前年度无可比数据。")


def seed_annual_reports(users: dict, today: datetime.date) -> int:
    """Open last year's two reports with their deadlines and keep their narrative when none is kept yet; return
    the number of reports created (0 on a second run)."""
    year = today.year - 1
    created = 0
    office = users.get("sifa") or get_user_model().objects.get(username="sifa")
    for kind, narrative in ((AnnualReport.Kind.RULE_OF_LAW, NARRATIVE),
                            (AnnualReport.Kind.STATISTICS, {"explanation": EXPLANATION})):
        existed = AnnualReport.objects.filter(kind=kind, year=year).exists()
        report = open_year(kind, year)
        created += not existed
        if not report.narrative:
            save_narrative(kind=kind, year=year, user=office, narrative=narrative)
    return created

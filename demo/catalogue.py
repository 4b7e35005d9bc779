"""The violation catalogue of the demo town 石桥镇 (DESIGN §7): the township's empowered items (赋权事项), each with
its legal basis, discretion range (裁量基准), hearing threshold, mediable flag and limitation period. Idempotent: a
violation type is found by its code.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from cases.models import ViolationType

# --------------------------------------------------------------------------------------------------
# The violation catalogue (赋权事项 of the township, with its 裁量基准)
# --------------------------------------------------------------------------------------------------
# Hearing thresholds (处罚法 Art 63 "较大数额罚款"): 《河南省行政处罚听证办法》(省政府令第204号, 2021) Art 4 — a
# fine of 5,000 yuan or more on a citizen, 50,000 or more on a legal person or other organisation. A type has one
# threshold: a type that applies to citizens and organisations alike takes 5,000, so that no one entitled to a
# hearing loses it (an organisation may get more than the minimum, never less); types that name organisations
# only take 50,000.
#
# Discretion ranges: where the statute fixes the amounts they are the statute's ("可以处2万元以下" → 0–20,000);
# where it says only "并可处以罚款" (城市市容和环境卫生管理条例) the range is the county's discretion standard —
# demo values, marked "裁量基准" in the legal basis. Types whose statute provides no fine (城乡规划法 Art 65,
# 土地管理法 Art 78) have the range 0–0: the intended penalty is a measure (责令限期拆除), never a fine.
#
# Mediable only where a civil dispute lies under the violation (DESIGN C8): shops and stalls against their
# neighbours (the 一米线 example), materials piled in a lane shared with a neighbour.


@dataclass(frozen=True)
class DemoViolation:
    code: str
    name: str
    legal_basis: str
    fine_min: str
    fine_max: str
    hearing_threshold: str
    mediable: bool = False
    limitation_years: int = 2


CITIZEN_HEARING = "5000"
ORG_HEARING = "50000"

CATALOGUE = (
    DemoViolation(
        "ZDJY", "占道经营",
        "《城市市容和环境卫生管理条例》第十四条、第三十六条第（二）项：未经批准擅自在街道两侧和公共场地堆放物料，"
        "搭建建筑物、构筑物或者其他设施，影响市容的，责令停止违法行为，限期清理、拆除或者采取其他补救措施，并可处以"
        "罚款；《石桥镇关于划定沿街商铺“一米线”经营范围的规定》第一条（“一米线”以内经营的不属占道）。"
        "罚款50元至500元（县裁量基准）。",
        "50", "500", CITIZEN_HEARING, mediable=True,
    ),
    DemoViolation(
        "LDLF", "乱堆乱放",
        "《城市市容和环境卫生管理条例》第十四条、第三十六条第（二）项：擅自在街道两侧和公共场地堆放物料，影响市容的，"
        "责令停止违法行为，限期清理或者采取其他补救措施，并可处以罚款。罚款50元至500元（县裁量基准）。",
        "50", "500", CITIZEN_HEARING, mediable=True,
    ),
    DemoViolation(
        "LTLH", "乱贴乱画",
        "《城市市容和环境卫生管理条例》第十七条、第三十四条第（二）项：在城市建筑物、设施以及树木上涂写、刻画或者"
        "未经批准张挂、张贴宣传品的，责令纠正违法行为、采取补救措施，可以并处警告、罚款。罚款50元至500元（县裁量基准）。",
        "50", "500", CITIZEN_HEARING,
    ),
    DemoViolation(
        "HWGG", "擅自设置大型户外广告",
        "《城市市容和环境卫生管理条例》第十一条、第三十六条第（一）项：未经同意擅自设置大型户外广告，影响市容的，"
        "责令停止违法行为，限期拆除，并可处以罚款。罚款200元至2000元（县裁量基准）。",
        "200", "2000", CITIZEN_HEARING,
    ),
    DemoViolation(
        "QDLJ", "随意倾倒、焚烧生活垃圾（个人）",
        "《中华人民共和国固体废物污染环境防治法》第四十九条、第一百一十一条第一款第（一）项、第二款：随意倾倒、"
        "抛撒、堆放或者焚烧生活垃圾的，责令改正；个人处一百元以上五百元以下的罚款。",
        "100", "500", CITIZEN_HEARING,
    ),
    DemoViolation(
        "JGFS", "露天焚烧秸秆",
        "《中华人民共和国大气污染防治法》第七十七条、第一百一十九条第一款：在禁烧区域露天焚烧秸秆、落叶等产生烟尘"
        "污染的物质的，责令改正，并可以处五百元以上二千元以下的罚款。",
        "500", "2000", CITIZEN_HEARING,
    ),
    DemoViolation(
        "FSYH", "焚烧塑料、橡胶等有毒有害物质（单位）",
        "《中华人民共和国大气污染防治法》第八十二条第一款、第一百一十九条第二款：在人口集中地区和其他依法需要特殊保护"
        "的区域内焚烧沥青、油毡、橡胶、塑料、皮革、垃圾以及其他产生有毒有害烟尘和恶臭气体的物质的，责令改正，"
        "对单位处一万元以上十万元以下的罚款。",
        "10000", "100000", ORG_HEARING,
    ),
    DemoViolation(
        "WFJS", "违法建设（乡村规划区）",
        "《中华人民共和国城乡规划法》第四十一条、第六十五条：在乡、村庄规划区内未依法取得乡村建设规划许可证或者未按照"
        "乡村建设规划许可证的规定进行建设的，由乡、镇人民政府责令停止建设、限期改正；逾期不改正的，可以拆除。"
        "（本条不设罚款。）",
        "0", "0", CITIZEN_HEARING,
    ),
    DemoViolation(
        "FFZJ", "未经批准占用土地建住宅",
        "《中华人民共和国土地管理法》第六十二条、第七十八条：农村村民未经批准或者采取欺骗手段骗取批准，非法占用土地"
        "建住宅的，责令退还非法占用的土地，限期拆除在非法占用的土地上新建的房屋；超过省、自治区、直辖市规定的标准，"
        "多占的土地以非法占用土地论处。（本条不设罚款。）",
        "0", "0", CITIZEN_HEARING,
    ),
    DemoViolation(
        "ZYDL", "擅自占用、挖掘城市道路",
        "《城市道路管理条例》第二十七条第（一）项、第四十二条：擅自占用或者挖掘城市道路的，责令限期改正，可以处以"
        "2万元以下的罚款；造成损失的，应当依法承担赔偿责任。",
        "0", "20000", CITIZEN_HEARING,
    ),
    DemoViolation(
        "SHSS", "损坏城市道路附属设施",
        "《城市道路管理条例》第二十七条第（七）项、第四十二条：损害、侵占城市道路及其附属设施（路灯、检查井盖等）的，"
        "责令限期改正，可以处以2万元以下的罚款；造成损失的，应当依法承担赔偿责任。",
        "0", "20000", CITIZEN_HEARING,
    ),
    # 处罚法 Art 36 ¶1: five years where the violation "涉及公民生命健康安全、金融安全且有危害后果". Of this catalogue
    # only the gas item touches life safety directly (a cylinder stored where it cannot be stored safely is how
    # restaurant explosions happen), so it carries the five-year outer bound. The five years need harmful
    # consequences as well: without them the two-year period applies, and the filing officer must say which
    # (the type-level figure is what C3 warns against). Selling substandard gas appliances was not chosen: that
    # is product-quality enforcement of the market regulator, not a township item.
    DemoViolation(
        "RQAQ", "在不具备安全条件的场所使用、储存燃气（单位）",
        "《城镇燃气管理条例》第二十八条第（五）项、第四十九条：燃气用户在不具备安全条件的场所使用、储存燃气的，"
        "责令限期改正；逾期不改正的，对单位可以处10万元以下罚款；造成损失的，依法承担赔偿责任。",
        "0", "100000", ORG_HEARING, limitation_years=5,
    ),
)


def seed_catalogue() -> int:
    """Create the violation types that are missing, in one transaction; return the number created."""
    created_count = 0
    with transaction.atomic():
        for spec in CATALOGUE:
            _type, created = ViolationType.objects.get_or_create(code=spec.code, defaults={
                "name": spec.name, "legal_basis": spec.legal_basis, "fine_min": Decimal(spec.fine_min),
                "fine_max": Decimal(spec.fine_max), "hearing_threshold": Decimal(spec.hearing_threshold),
                "mediable": spec.mediable, "limitation_years": spec.limitation_years,
            })
            created_count += created
    return created_count

"""People's mediation in the demo town 石桥镇 (DESIGN §11): the town committee and one committee per village, their
mediators, and some forty disputes over the year in every state — the town's report: 40+ disputes mediated by the
judicial office, “小事不出村，大事不出镇”. Everything goes through mediation.services and fire_transition, as the
committee would enter it. Idempotent: committees and mediators are found by name; the mediations are made once."""

import datetime

from django.db import transaction

from cases.models import Case, CaseState, Village
from mediation import services
from mediation.models import Mediation, MediationCommittee, Mediator
from workflows.services import fire_transition

from .villages import VILLAGES

TOWN_COMMITTEE = "石桥镇人民调解委员会"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
DISPUTES = [
    ("neighbour", "两户因排水沟改道、雨水流入邻家院内发生争执。"),
    ("land", "两户对承包地地界有争议，一方在地头栽树越界。"),
    ("family", "兄弟三人因老人赡养费分担发生纠纷。"),
    ("damage", "一方饲养的羊群啃食邻户麦苗，双方就赔偿数额争执不下。"),
    ("contract", "农资赊购欠款到期未还，双方对利息有争议。"),
    ("labour", "农民工在村内建房工地务工，工钱结算发生争议。"),
    ("neighbour", "宅基地翻建房屋，滴水檐伸入邻家院内。"),
]
NAMES = [("张建国", "李红梅"), ("王德胜", "刘桂兰"), ("陈志强", "赵秀英"), ("杨卫东", "孙玉芬"), ("周海波", "吴春燕"),
         ("郑小军", "冯丽娟"), ("何长青", "马凤英")]


def _party(name, village):
    return {"name": name, "address": f"石桥镇{village.name}", "phone": "", "id_number": ""}


def seed_committees(users) -> int:
    """The town committee (its mediator: the demo user `tiaojie`) and one committee per village, each with a
    mediator on the register (without an account)."""
    created = 0
    with transaction.atomic():
        town, made = MediationCommittee.objects.get_or_create(name=TOWN_COMMITTEE, defaults={"level": "town"})
        created += made
        tiaojie = users.get("tiaojie")
        if tiaojie is not None:
            _m, made = Mediator.objects.get_or_create(
                user=tiaojie, defaults={"name": str(tiaojie), "phone": tiaojie.phone or "", "committee": town})
            created += made
        for index, name in enumerate(VILLAGES):
            village = Village.objects.filter(name=name).first()
            if village is None:
                continue
            committee, made = MediationCommittee.objects.get_or_create(
                village=village, defaults={"name": f"{name}人民调解委员会", "level": "village"})
            created += made
            _m, made = Mediator.objects.get_or_create(
                committee=committee, name=f"{SURNAMES[index % len(SURNAMES)]}调解员",
                defaults={"phone": f"1390000{index + 1:04d}"})
            created += made
    return created


# The state each demo mediation ends in, youngest first (closed ones are the older part of the year).
PLAN = (["registered"] * 2 + ["mediating"] * 3 + ["agreed"] * 3 + ["failed", "confirmed"]
        + ["closed_written", "closed_oral", "closed_confirmed", "closed_failed"] * 7 + ["failed", "confirmed"])


def _age(index: int) -> int:
    return 2 + 3 * index if index < 10 else 30 + (index - 10) * 10


def seed_mediations(users, today) -> int:
    """Some forty mediations of the town committee over the past year, in every state; one referred from an
    enforcement case of the demo brigade when one is being investigated with a mediable violation."""
    tiaojie = users.get("tiaojie")
    if tiaojie is None or Mediation.objects.exists():
        return 0
    town = MediationCommittee.objects.get(name=TOWN_COMMITTEE)
    mediator = Mediator.objects.get(user=tiaojie)
    villages = list(Village.objects.order_by("code"))
    registrar = users.get("xinfang") or tiaojie
    created = 0
    for index, target in enumerate(PLAN):
        registered_on = today - datetime.timedelta(days=_age(index))
        kind, summary = DISPUTES[index % len(DISPUTES)]
        village = villages[index % len(villages)]
        first, second = NAMES[index % len(NAMES)]
        mediation = services.create_mediation(
            user=registrar if index % 3 == 0 else tiaojie, parties=[_party(first, village), _party(second, village)],
            village=village, committee=town, dispute_type=kind, summary=summary,
            source="application" if index % 2 else "referral",
            referred_by="" if index % 2 else "石桥村村民委员会", registered_on=registered_on)
        created += 1
        _drive(mediation, target, registered_on, mediator, tiaojie, today)
    case = (Case.objects.filter(state__in=[CaseState.INVESTIGATING, CaseState.MEDIATING],
                                violation_type__mediable=True).order_by("id").first())
    officer = case.officers.first() if case is not None else None
    if officer is not None:
        mediation = services.create_mediation(
            user=officer, parties=[_party(case.party.name, case.village), _party("沿街商户刘某", case.village)],
            committee=town, dispute_type="damage", summary="占道摊位损坏相邻商户门面，双方就赔偿发生争议。",
            source="case", case=case, registered_on=today)
        fire_transition("mediation", mediation.pk, "start", tiaojie,
                        {"mediators": [mediator.pk], "consent": True, "started_on": today})
        created += 1
    return created


def _drive(mediation, target, registered_on, mediator, user, today):
    def fire(name, **data):
        fire_transition("mediation", mediation.pk, name, user, data)

    if target == "registered":
        return
    fire("start", mediators=[mediator.pk], consent=True, consent_note="双方到调解室当面表示同意调解",
         started_on=registered_on)
    if target == "mediating":
        return
    if target in ("failed", "closed_failed"):
        fire("fail", routes_told=["court", "arbitration"] if target == "failed" else ["court"],
             reason="双方对赔偿数额分歧较大，经多次调解未能达成一致", failed_on=registered_on)
        if target == "closed_failed":
            fire("close")
        return
    agreed_on = min(registered_on + datetime.timedelta(days=1), today)
    if target == "closed_oral":
        fire("reach_agreement", oral=True, terms="一方当场赔礼道歉，另一方表示谅解，纠纷了结。", agreed_on=agreed_on)
    else:
        fire("reach_agreement", oral=False, agreed_on=agreed_on, effective_on=agreed_on,
             facts="双方因相邻关系发生争执，经调查核实，争议事项为损失赔偿。", responsibilities="一方负主要责任，另一方负次要责任。",
             terms="一方一次性赔偿另一方损失人民币800元，双方今后和睦相处。", performance_manner="现金当面交付，由调解员见证",
             performance_due_on=agreed_on + datetime.timedelta(days=10))
    if target in ("confirmed", "closed_confirmed") and (today - agreed_on).days >= 5:
        fire("record_confirmation", court="县人民法院", applied_on=agreed_on + datetime.timedelta(days=3),
             ruled_on=agreed_on + datetime.timedelta(days=5), ruling_number="调确字")
    if target.startswith("closed") and (today - agreed_on).days >= 4:
        fire("record_performance", note="电话回访：已付400元，余款约定三日内付清。",
             followed_up_on=agreed_on + datetime.timedelta(days=2))
        fire("record_performance", note="上门回访：已按约定履行完毕。", fully_performed=True,
             followed_up_on=agreed_on + datetime.timedelta(days=4))
        fire("close")


def seed_mediation(users, today) -> int:
    """The committees, mediators and mediations; returns the number of objects created (0 once loaded)."""
    return seed_committees(users) + seed_mediations(users, today)

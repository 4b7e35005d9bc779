"""People's mediation in the demo town 石桥镇 (DESIGN §11): the town committee and one committee per village, their
mediators, and some forty disputes over the year in every state — the town's report: 40+ disputes mediated by the
judicial office, “小事不出村，大事不出镇”. Everything goes through mediation.services and fire_transition, as the
committee would enter it. Idempotent: committees and mediators are found by name; the mediations are made once."""

import datetime

from django.db import transaction
from django.db.models import Count

from cases.models import Case, CaseState, Village
from mediation import services
from mediation.models import Mediation, MediationCommittee, MediationParty, MediationState, Mediator
from workflows.services import fire_transition

from .bulk import pro_rata, reserve_numbers, spread_days
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


# --------------------------------------------------------------------------------------------------
# The register of the year (调解登记簿): the rest of last year's mediations, and of this year's until a month ago,
# as plain closed rows, so that last year's report counts the town's figure ("司法所调解案件40余起", and the
# village committees' "小事不出村") and this year's a like share. Loaded in bulk (demo.bulk), numbered in the yearly
# series after the mediations above. Idempotent: a row is found by its summary.
# --------------------------------------------------------------------------------------------------

#: Mediations begun in a year: the town committee's (the judicial office's) and the 28 village committees'.
REGISTER_TARGETS = {"town": 43, "village": 96}
REGISTER_SETTLED_DAYS = 30  # this year's rows end a month before today: all agreed, performed and closed by now
REGISTER_NAMES = ("张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭")


def _register_rows(year, start, end, counts, villages):
    rows = []
    for level, count in counts.items():
        for index, day in enumerate(spread_days(start, end, count) if count > 0 else []):
            serial = len(rows)
            village = villages[serial % len(villages)]
            kind, summary = DISPUTES[serial % len(DISPUTES)]
            first = f"{REGISTER_NAMES[serial % len(REGISTER_NAMES)]}某{'甲乙丙丁'[index % 4]}"
            second = f"{REGISTER_NAMES[(serial + 5) % len(REGISTER_NAMES)]}某{'戊己庚辛'[index % 4]}"
            rows.append({"level": level, "day": day, "village": village, "kind": kind, "parties": (first, second),
                         "variant": serial % 8,
                         "summary": f"{day.year}年{day.month}月{day.day}日登记，{village.name}{first}与{second}：{summary}"})
    return rows


def _register_mediation(row, number, committee, registrar, today) -> Mediation:
    """One closed row: an agreement (written, or oral 1 in 4) performed in full, or no agreement (1 in 8) and the
    routes to court told (人民调解法 Art 26)."""
    day = row["day"]
    mediation = Mediation(
        number=number, state=MediationState.CLOSED, source="application" if row["variant"] % 2 else "referral",
        referred_by="" if row["variant"] % 2 else f"{row['village'].name}村民委员会", village=row["village"],
        committee=committee, dispute_type=row["kind"], summary=row["summary"], registered_on=day,
        registered_by=registrar, consent_note="双方到调解室当面表示同意调解", started_on=day)
    if row["variant"] == 7:
        mediation.failed_on = min(day + datetime.timedelta(days=3), today)
        mediation.failure_reason = "双方对赔偿数额分歧较大，经多次调解未能达成一致"
        mediation.routes_told = ["court"]
        mediation.closed_on = mediation.failed_on
        return mediation
    agreed = min(day + datetime.timedelta(days=1 + row["variant"] % 3), today)
    mediation.agreed_on = agreed
    if row["variant"] % 4 == 1:
        mediation.oral = True
        mediation.terms = "一方当场赔礼道歉，另一方表示谅解，纠纷了结。"
    else:
        mediation.effective_on = agreed
        mediation.facts = "双方因相邻关系发生争执，经调查核实，争议事项为损失赔偿。"
        mediation.responsibilities = "一方负主要责任，另一方负次要责任。"
        mediation.terms = "一方一次性赔偿另一方损失人民币600元，双方今后和睦相处。"
        mediation.performance_manner = "现金当面交付，由调解员见证"
        mediation.performance_due_on = agreed + datetime.timedelta(days=10)
    mediation.performed_on = min(agreed + datetime.timedelta(days=7), today)
    mediation.performance_note = "上门回访：已按约定履行完毕。"
    mediation.closed_on = min(agreed + datetime.timedelta(days=8), today)
    return mediation


def seed_mediation_register(users, today) -> int:
    """Fill the register of last year up to REGISTER_TARGETS per level (counting the mediations begun that year
    already there), and this year's up to the like share of the days until a month ago; bulk rows, numbered in
    each year's series, each with its two parties and its committee's mediator. Returns the number created."""
    tiaojie = users.get("tiaojie")
    if tiaojie is None:
        return 0
    town = MediationCommittee.objects.get(name=TOWN_COMMITTEE)
    committees = {c.village_id: c for c in MediationCommittee.objects.filter(level="village")}
    mediators = {m.committee_id: m for m in Mediator.objects.filter(active=True).order_by("pk")}
    villages = [v for v in Village.objects.order_by("code") if v.pk in committees]
    created = 0
    periods = [(today.year - 1, datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
               (today.year, datetime.date(today.year, 1, 1), today - datetime.timedelta(days=REGISTER_SETTLED_DAYS))]
    for year, start, end in periods:
        if end < start or not villages:
            continue
        have = dict(Mediation.objects.filter(started_on__year=year).order_by().values_list("committee__level")
                    .annotate(n=Count("pk")))
        counts = {level: max(0, (target if year < today.year else pro_rata(target, start, end)) - have.get(level, 0))
                  for level, target in REGISTER_TARGETS.items()}
        rows = _register_rows(year, start, end, counts, villages)
        known = set(Mediation.objects.filter(summary__in=[row["summary"] for row in rows])
                    .values_list("summary", flat=True))
        rows = sorted((row for row in rows if row["summary"] not in known), key=lambda row: row["day"])
        if not rows:
            continue
        with transaction.atomic():
            numbers = services_numbers(year, len(rows))
            made = Mediation.objects.bulk_create(
                _register_mediation(row, number, town if row["level"] == "town" else committees[row["village"].pk],
                                    tiaojie, today) for row, number in zip(rows, numbers, strict=True))
            MediationParty.objects.bulk_create(
                MediationParty(mediation=mediation, name=name, address=f"石桥镇{row['village'].name}")
                for mediation, row in zip(made, rows, strict=True) for name in row["parties"])
            Through = Mediation.mediators.through
            Through.objects.bulk_create(
                Through(mediation_id=mediation.pk, mediator_id=mediators[mediation.committee_id].pk)
                for mediation in made if mediation.committee_id in mediators)
        created += len(made)
    return created


def services_numbers(year: int, count: int) -> list[str]:
    """`count` registration numbers of the yearly series `mediation` (as mediation.services.create_mediation)."""
    return reserve_numbers("mediation", year, services.number_format(), count)


def seed_mediation(users, today) -> int:
    """The committees, mediators and mediations, then the rest of the year's register in bulk; returns the number
    of objects created (0 once loaded)."""
    return seed_committees(users) + seed_mediations(users, today) + seed_mediation_register(users, today)

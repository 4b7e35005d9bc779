"""A bulk loader of one year shaped like 石桥镇's own 2023 report (shiqiao-2023-rule-of-law-report.txt) for the
annual report's tests (issue 16): bulk_create, no services, no demo seeding. `load_year(year)` returns the
`Expected` counts the loaded rows must give, with edge rows just outside the year (31 December of the year
before, 1 January of the year after, 23:59:59 / 00:00 Beijing time) and rows of other kinds and channels that
must not be counted."""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group

from cases.models import Case, OfficerCertificate, Party, Village, ViolationType
from documents.models import IssuedDocument
from mediation.models import Mediation, MediationCommittee
from network.models import Activity, ActivityKind, LegalAdviser, LegalLiterate
from petitions.models import Petition
from review.models import Decision, ReviewOpinion
from workflows.models import User

BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass
class Expected:
    year: int
    activities: dict = field(default_factory=dict)  # kind (or publicity_town / publicity_village) -> count
    certified: int = 0
    brigade: int = 0
    first_penalty_on: datetime.date | None = None
    first_penalty_number: str = ""
    penalties: int = 0
    on_the_spot: int = 0
    reviews: dict = field(default_factory=dict)  # outcome -> count (major decisions)
    normative_reviews: int = 0
    villages: int = 0
    covered: int = 0
    literates: int = 0
    petitions: dict = field(default_factory=dict)  # channel -> count
    mediations_town: int = 0
    mediations_village: int = 0


def _day(year, month, day):
    return datetime.date(year, month, day)


def load_year(year: int) -> Expected:
    exp = Expected(year=year)
    before, after = _day(year - 1, 12, 31), _day(year + 1, 1, 1)
    clerk = User.objects.create_user(username=f"loader-clerk-{year}", password="pw-for-tests-123")

    # Villages: 28, as in the seed.
    villages = Village.objects.bulk_create([Village(name=f"载入村{i:02d}", code=f"L{i:02d}") for i in range(28)])
    exp.villages = Village.objects.count()

    # Activities: the seed's shape, each kind with one row on 31 Dec of the year before and one on 1 Jan after.
    shape = {ActivityKind.MEETING: 12, ActivityKind.STUDY: 12, ActivityKind.TRAINING: 6,
             ActivityKind.LECTURE: 11, ActivityKind.PERFORMANCE: 52, ActivityKind.OTHER: 3}
    rows = []
    for kind, n in shape.items():
        rows += [Activity(kind=kind, held_on=_day(year, 1 + i % 12, 1 + i % 28), title=f"{kind}{i}",
                          village=villages[i % 28] if kind == ActivityKind.PERFORMANCE and i % 2 else None)
                 for i in range(n)]
        rows += [Activity(kind=kind, held_on=before, title="edge"), Activity(kind=kind, held_on=after, title="edge")]
    town_campaigns, village_publicity = 11, 83
    rows += [Activity(kind=ActivityKind.PUBLICITY, held_on=_day(year, 12, 4) if i == 0 else _day(year, 6, 26),
                      title=f"集中宣传{i}") for i in range(town_campaigns - 1)]
    rows.append(Activity(kind=ActivityKind.PUBLICITY, held_on=_day(year, 12, 31), title="last day"))
    rows += [Activity(kind=ActivityKind.PUBLICITY, held_on=_day(year, 1, 1) if i == 0 else _day(year, 5, 1 + i % 28),
                      title=f"村宣传{i}", village=villages[i % 28]) for i in range(village_publicity)]
    rows += [Activity(kind=ActivityKind.PUBLICITY, held_on=before, title="edge", village=villages[0]),
             Activity(kind=ActivityKind.PUBLICITY, held_on=after, title="edge")]
    Activity.objects.bulk_create(rows)
    exp.activities = {**shape, "publicity_town": town_campaigns, "publicity_village": village_publicity}

    # Officers: 16 certified on 31 Dec (one certificate expiring that very day), one revoked on 31 Dec, one
    # certified only from 1 Jan, one expired on 30 Dec; all in the enforcement officer role.
    group = Group.objects.get(name="enforcement_officer")
    officers = [User.objects.create_user(username=f"loader-officer-{year}-{i}", password="pw-for-tests-123")
                for i in range(19)]
    group.user_set.add(*officers)
    certs = [OfficerCertificate(officer=o, number=f"L{year}-{i}", issued_on=_day(year - 2, 1, 1),
                                expires_on=_day(year, 12, 31) if i == 0 else _day(year + 3, 1, 1))
             for i, o in enumerate(officers[:16])]
    certs += [OfficerCertificate(officer=officers[16], number=f"L{year}-r", issued_on=_day(year - 2, 1, 1),
                                 expires_on=_day(year + 3, 1, 1), revoked_on=_day(year, 12, 31)),
              OfficerCertificate(officer=officers[17], number=f"L{year}-n", issued_on=after,
                                 expires_on=_day(year + 3, 1, 1)),
              OfficerCertificate(officer=officers[18], number=f"L{year}-x", issued_on=_day(year - 2, 1, 1),
                                 expires_on=_day(year, 12, 30))]
    OfficerCertificate.objects.bulk_create(certs)
    # The brigade chief leads the officers without a certificate of his own: not one of the 执法队员 counted.
    chief = User.objects.create_user(username=f"loader-chief-{year}", password="pw-for-tests-123")
    chief.groups.add(Group.objects.get(name="brigade_chief"))
    exp.certified, exp.brigade = 16, 19

    # Penalties: the first ever on 20 Nov (general procedure, its decision numbered), 5 more general and 3 on the
    # spot by 31 Dec; a no-penalty decision and a penalty on 1 Jan after, not counted.
    vt = ViolationType.objects.create(code=f"L{year}", name="占道经营", legal_basis="《城市市容和环境卫生管理条例》",
                                      fine_max=1000, hearing_threshold=10000)
    party = Party.objects.create(kind="person", name="张三")

    def case(number, decided_on, outcome=Case.Outcome.PENALTY, procedure=Case.Procedure.GENERAL):
        return Case(number=number, state="decided", source="patrol", description="d", village=villages[0],
                    violation_type=vt, violation_date=decided_on - datetime.timedelta(days=10), party=party,
                    reported_by=clerk, outcome=outcome, decided_on=decided_on, procedure=procedure, fine=100)

    first = case(f"石综执立〔{year}〕1号", _day(year, 11, 20))
    cases = [first] + [case(f"石综执立〔{year}〕{i + 2}号", _day(year, 12, 1 + i * 7)) for i in range(5)]
    cases += [case(f"石综执当罚〔{year}〕{i + 1}号", _day(year, 12, 31) if i == 0 else _day(year, 12, 20),
                   procedure=Case.Procedure.SIMPLE) for i in range(3)]
    cases += [case(f"L不罚{year}", _day(year, 12, 10), outcome=Case.Outcome.NO_PENALTY),
              case(f"L次年{year}", after)]
    Case.objects.bulk_create(cases)
    first = Case.objects.get(number=first.number)
    exp.first_penalty_number = f"石综执罚决字〔{year}〕1号"
    IssuedDocument.objects.create(kind="penalty_decision", owner_type="cases", owner_id=first.pk,
                                  number=exp.first_penalty_number, issued_on=first.decided_on)
    exp.first_penalty_on, exp.penalties, exp.on_the_spot = first.decided_on, 9, 3

    # Legality reviews: major decisions 3 passed (one at 31 Dec 23:59:59 Beijing), 1 returned, 1 failed; one
    # at 1 Jan 00:00 after and one at 31 Dec 23:59:59 of the year before (not counted); 2 normative documents.
    major = Decision.objects.create(title="重大决策", body="b", category="major_decision", department="党政办",
                                    created_by=clerk)
    normative = Decision.objects.create(title="规范性文件", body="b", category="normative_document",
                                        department="党政办", created_by=clerk)
    moments = [("passed", major, datetime.datetime(year, 3, 1, 9, tzinfo=BEIJING)),
               ("passed", major, datetime.datetime(year, 6, 1, 9, tzinfo=BEIJING)),
               ("passed", major, datetime.datetime(year, 12, 31, 23, 59, 59, tzinfo=BEIJING)),
               ("returned", major, datetime.datetime(year, 1, 1, 0, 0, tzinfo=BEIJING)),
               ("failed", major, datetime.datetime(year, 9, 1, 9, tzinfo=BEIJING)),
               ("passed", major, datetime.datetime(year + 1, 1, 1, 0, 0, tzinfo=BEIJING)),
               ("passed", major, datetime.datetime(year - 1, 12, 31, 23, 59, 59, tzinfo=BEIJING)),
               ("passed", normative, datetime.datetime(year, 4, 1, 9, tzinfo=BEIJING)),
               ("failed", normative, datetime.datetime(year, 5, 1, 9, tzinfo=BEIJING))]
    for outcome, decision, at in moments:
        opinion = ReviewOpinion.objects.create(decision=decision, outcome=outcome, opinion="o",
                                               content_fingerprint="f", reviewer=clerk)
        ReviewOpinion.objects.filter(pk=opinion.pk).update(created_at=at)
    exp.reviews, exp.normative_reviews = {"passed": 3, "returned": 1, "failed": 1}, 2

    # Advisers: 26 villages under contract through the year, one whose contract ends on 31 Dec (covered), one
    # with two advisers (counted once: it is among the 26), one whose contract starts 1 Jan after, one ended 30 Dec.
    advisers = [LegalAdviser(village=v, name=f"律师{i}", firm="平顶山律所", contract_start=_day(year, 1, 1),
                             contract_end=_day(year + 1, 12, 31)) for i, v in enumerate(villages[:26])]
    advisers += [LegalAdviser(village=villages[0], name="第二位", firm="律所", contract_start=_day(year, 6, 1),
                              contract_end=_day(year + 1, 5, 31)),
                 LegalAdviser(village=villages[26], name="到期", firm="律所", contract_start=_day(year - 1, 1, 1),
                              contract_end=_day(year, 12, 31)),
                 LegalAdviser(village=villages[27], name="次年", firm="律所", contract_start=after,
                              contract_end=_day(year + 2, 1, 1)),
                 LegalAdviser(village=villages[27], name="已满", firm="律所", contract_start=_day(year - 1, 1, 1),
                              contract_end=_day(year, 12, 30))]
    LegalAdviser.objects.bulk_create(advisers)
    exp.covered = 27

    # 法律明白人: 159 registered by 31 Dec 23:59:59 Beijing, one at 1 Jan 00:00 after.
    LegalLiterate.objects.bulk_create([LegalLiterate(village=villages[i % 28], name=f"明白人{i}")
                                       for i in range(160)])
    ids = list(LegalLiterate.objects.order_by("pk").values_list("pk", flat=True))
    LegalLiterate.objects.filter(pk__in=ids[:158]).update(created_at=datetime.datetime(year, 5, 1, tzinfo=BEIJING))
    LegalLiterate.objects.filter(pk=ids[158]).update(
        created_at=datetime.datetime(year, 12, 31, 23, 59, 59, tzinfo=BEIJING))
    LegalLiterate.objects.filter(pk=ids[159]).update(created_at=datetime.datetime(year + 1, 1, 1, tzinfo=BEIJING))
    exp.literates = 159

    # Petitions: 175 visits (one on 1 Jan, one on 31 Dec), other channels, edge visits outside.
    channels = {"visit": 175, "letter": 4, "phone": 6, "online": 3, "hotline": 9}
    petitions = []
    for channel, n in channels.items():
        petitions += [Petition(channel=channel, subject="s", content="c", created_by=clerk,
                               received_on=_day(year, 1, 1) if i == 0 else _day(year, 12, 31) if i == 1
                               else _day(year, 1 + i % 12, 1 + i % 28)) for i in range(n)]
    petitions += [Petition(channel="visit", subject="s", content="c", created_by=clerk, received_on=d)
                  for d in (before, after)]
    Petition.objects.bulk_create(petitions)
    exp.petitions = channels

    # Mediations: the town's committee 42 begun in the year, the villages' 15; one only registered, edge rows.
    town = MediationCommittee.objects.create(name=f"{year}镇人民调解委员会", level="town")
    village_committee = MediationCommittee.objects.create(name=f"{year}村调委会", level="village",
                                                          village=villages[1])

    def mediation(committee, started_on, registered_on=None):
        return Mediation(source="application", committee=committee, dispute_type="neighbour", summary="s",
                         registered_on=registered_on or started_on or _day(year, 6, 1), registered_by=clerk,
                         started_on=started_on, state="mediating" if started_on else "registered")

    rows = [mediation(town, _day(year, 1 + i % 12, 1 + i % 28)) for i in range(41)]
    rows += [mediation(town, _day(year, 12, 31), registered_on=_day(year, 12, 30))]
    rows += [mediation(village_committee, _day(year, 3, 1 + i)) for i in range(15)]
    rows += [mediation(town, None), mediation(town, after, registered_on=_day(year, 12, 31)),
             mediation(village_committee, before)]
    Mediation.objects.bulk_create(rows)
    exp.mediations_town, exp.mediations_village = 42, 15
    return exp

"""The figures of the 法治政府建设年度报告 (厅字〔2019〕28号; DESIGN §12), computed from the data each time.

`rule_of_law_figures(year)` returns the list of the year's figures, each a dict

    {"key": str, "label": str (translated), "value": int | float, "unit": str (translated: 次, 名, 件, %),
     "rule": str (translated: what is counted, in words), "parts": [{"key", "label", "value", "unit"}, …],
     "detail": {…} (only where a figure carries more than a number, e.g. the first penalty's date and number)}

in the order the report cites them (the seed's own order: meetings, study, training, officers, penalties, reviews,
advisers, 法律明白人, publicity, petitions, mediations, performances, lectures). Nothing here is typed by a person.

The year is the town's calendar year: a date field counts when it falls from 1 January to 31 December; a moment
(a review opinion's time, a 法律明白人's registration) counts when it falls from 1 January 00:00 to
31 December 23:59:59 in the town's time zone (settings.TIME_ZONE, Asia/Shanghai). A state "at the year end"
(officers certified, villages covered, 法律明白人 registered) is taken on 31 December.

The counting follows the seed's own words (DESIGN §12): petitions are the visits received (来访), with the other
channels shown separately; mediations of the town's committee (the judicial office's) and of the village
committees separately; publicity in concentrated campaigns held by the town and grassroots activities held in the
villages separately. These are local readings of the report's customary figures, not fixed by 厅字〔2019〕28号.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cases.models import Case, OfficerCertificate, Village
from documents.models import IssuedDocument
from mediation.models import Mediation, MediationCommittee
from network.models import Activity, ActivityKind, LegalAdviser, LegalLiterate
from petitions.models import Petition
from review.models import Decision, ReviewOpinion
from workflows import roles


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The town's year as [start, end) aware moments: 1 January 00:00 of `year` to 1 January 00:00 of the next
    year, in settings.TIME_ZONE (Asia/Shanghai)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return (datetime.datetime(year, 1, 1, tzinfo=zone), datetime.datetime(year + 1, 1, 1, tzinfo=zone))


def _item(key, label, value, unit, rule, parts=None, detail=None) -> dict:
    item = {"key": key, "label": str(label), "value": value, "unit": str(unit), "rule": str(rule),
            "parts": [{"key": k, "label": str(lab), "value": v, "unit": str(u)} for k, lab, v, u in parts or []]}
    if detail is not None:
        item["detail"] = detail
    return item


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _activities(year: int) -> dict:
    """kind → count of the activities held in `year`; publicity split by who held it (town / village)."""
    rows = (Activity.objects.filter(held_on__year=year).order_by()
            .values("kind").annotate(n=Count("pk"), in_villages=Count("pk", filter=Q(village__isnull=False))))
    counts = {kind: 0 for kind in ActivityKind.values}
    village_publicity = 0
    for row in rows:
        counts[row["kind"]] = row["n"]
        if row["kind"] == ActivityKind.PUBLICITY:
            village_publicity = row["in_villages"]
    counts["publicity_town"] = counts[ActivityKind.PUBLICITY] - village_publicity
    counts["publicity_village"] = village_publicity
    return counts


def _officers(day: datetime.date) -> tuple[int, int]:
    """(officers holding a valid enforcement certificate on `day`, officers of the brigade): a certificate is
    valid when issued on or before the day (or no issue date recorded), not revoked on or before it, and
    expiring on or after it (cases.models.OfficerCertificate.valid_on). The brigade are the active users in the
    role enforcement officer (执法队员, as the town's report counts "16名执法队员均持证上岗"), plus any other holder of
    a valid certificate (a brigade chief who holds one)."""
    valid = (OfficerCertificate.objects.filter(expires_on__gte=day)
             .filter(Q(issued_on__isnull=True) | Q(issued_on__lte=day))
             .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)))
    certified = set(valid.values_list("officer_id", flat=True).distinct())
    brigade = set(get_user_model().objects.filter(
        is_active=True, groups__name=roles.ENFORCEMENT_OFFICER)
        .values_list("pk", flat=True).distinct())
    return len(certified), len(certified | brigade)


def _decision_number(case: Case) -> str:
    """The number the party's decision carries: an on-the-spot decision's is the case's own (石综执当罚〔…〕号,
    the pre-printed form's number); a general-procedure decision's is the issued 行政处罚决定书's number."""
    if case.procedure == Case.Procedure.SIMPLE:
        return case.number or ""
    issued = (IssuedDocument.objects.filter(kind="penalty_decision", owner_type="cases", owner_id=case.pk)
              .exclude(number__isnull=True).order_by("issued_on", "pk").first())
    return issued.number if issued else ""


def rule_of_law_figures(year: int) -> list[dict]:
    """The figures of the 法治政府建设年度报告 of `year` (an int; the caller checks it), in the report's order.
    Each is {key, label, value, unit, rule, parts[, detail]} (module docstring); values are counts, except
    percentages (unit %). Reads every app below reports; changes nothing."""
    start, end = year_bounds(year)
    year_end = datetime.date(year, 12, 31)
    acts = _activities(year)
    figures = [
        _item("meetings", _("Meetings of the Party committee and the government studying rule-of-law work"),
              acts[ActivityKind.MEETING], _("times"),
              _("Activities in the activity log of the kind 'meeting on rule-of-law work' held from 1 January to "
                "31 December of the year.")),
        _item("study_sessions", _("Study sessions of the Party committee's theory group"),
              acts[ActivityKind.STUDY], _("times"),
              _("Activities in the activity log of the kind 'study session' held in the year.")),
        _item("trainings", _("Legal trainings"), acts[ActivityKind.TRAINING], _("times"),
              _("Activities in the activity log of the kind 'legal training' held in the year.")),
    ]
    certified, brigade = _officers(year_end)
    figures.append(_item(
        "certified_officers", _("Enforcement officers holding a valid certificate"), certified, _("persons"),
        _("Officers with an enforcement certificate valid on 31 December of the year (issued by then, not expired "
          "and not revoked); the rate divides them by the brigade: the active enforcement officers (执法队员) and "
          "any other holder of a valid certificate, as registered today."),
        parts=[("brigade", _("Officers of the brigade"), brigade, _("persons")),
               ("rate", _("Certification rate"), _percent(certified, brigade), "%")]))

    penalties = Case.objects.filter(outcome=Case.Outcome.PENALTY, decided_on__isnull=False)
    first = penalties.order_by("decided_on", "pk").first()
    first_in_year = first is not None and first.decided_on.year == year
    detail = ({"date": first.decided_on.isoformat(), "number": _decision_number(first), "case": first.number or ""}
              if first_in_year else None)
    figures.append(_item(
        "first_penalty", _("The town's first administrative penalty decision"), 1 if first_in_year else 0,
        _("decisions"),
        _("1 when the earliest penalty decision ever recorded (a case decided with the outcome 'penalty', by its "
          "decision date) was made in the year, else 0; its date and the decision's number are given."),
        detail=detail or {}))
    in_year = penalties.filter(decided_on__year=year)
    total = in_year.count()
    on_spot = in_year.filter(procedure=Case.Procedure.SIMPLE).count()
    figures.append(_item(
        "penalty_decisions", _("Administrative penalty decisions made"), total, _("decisions"),
        _("Cases decided with the outcome 'penalty' whose decision date falls in the year, each case once "
          "(decisions not to penalise are not counted; a decision later revoked on review still counts as made); "
          "on-the-spot decisions (simple procedure) shown separately."),
        parts=[("on_the_spot", _("On the spot"), on_spot, _("decisions")),
               ("general", _("General procedure"), total - on_spot, _("decisions"))]))

    opinions = ReviewOpinion.objects.filter(created_at__gte=start, created_at__lt=end)
    major = opinions.filter(decision__category=Decision.Category.MAJOR_DECISION)
    by_outcome = dict(major.order_by().values_list("outcome").annotate(n=Count("pk")))
    figures.append(_item(
        "legality_reviews", _("Legality reviews of major administrative decisions"), major.count(), _("times"),
        _("Review opinions the judicial office recorded in the year (by the time recorded, Beijing time) on "
          "decisions of the category 'major administrative decision'; a decision reviewed twice counts twice. "
          "By outcome: passed, returned for revision, failed."),
        parts=[(outcome, label, by_outcome.get(outcome, 0), _("times"))
               for outcome, label in ReviewOpinion.Outcome.choices]))
    figures.append(_item(
        "normative_reviews", _("Legality reviews of normative documents"),
        opinions.filter(decision__category=Decision.Category.NORMATIVE_DOCUMENT).count(), _("times"),
        _("Review opinions recorded in the year on decisions of the category 'normative document'.")))

    villages = Village.objects.count()
    covered = (LegalAdviser.objects.filter(contract_start__lte=year_end, contract_end__gte=year_end)
               .values("village").distinct().count())
    figures.append(_item(
        "advisers", _("Villages with a legal adviser"), covered, _("villages"),
        _("Villages with a legal adviser whose contract runs on 31 December of the year (start and end days "
          "included), of all villages registered; the coverage in percent."),
        parts=[("villages", _("Villages"), villages, _("villages")),
               ("coverage", _("Coverage"), _percent(covered, villages), "%")]))
    figures.append(_item(
        "legal_literates", _("Legal literates (法律明白人)"),
        LegalLiterate.objects.filter(created_at__lt=end).count(), _("persons"),
        _("法律明白人 on the register who were registered by 31 December of the year (Beijing time); one removed "
          "from the register is no longer counted, also for past years.")))

    figures.append(_item(
        "campaigns", _("Concentrated publicity campaigns"), acts["publicity_town"], _("times"),
        _("Activities of the kind 'publicity campaign' held by the town itself (no village named) in the year.")))
    figures.append(_item(
        "grassroots_publicity", _("Grassroots publicity activities"), acts["publicity_village"], _("times"),
        _("Activities of the kind 'publicity campaign' held in a village in the year.")))

    channels = dict(Petition.objects.filter(received_on__year=year).order_by()
                    .values_list("channel").annotate(n=Count("pk")))
    figures.append(_item(
        "petitions", _("Petition visits received"), channels.get(Petition.Channel.VISIT, 0), _("items"),
        _("Petitions registered with the channel 'visit in person' and received in the year (a group visit is one "
          "item); the other channels are shown separately and not added in."),
        parts=[(channel, label, channels.get(channel, 0), _("items"))
               for channel, label in Petition.Channel.choices if channel != Petition.Channel.VISIT]))

    mediations = dict(Mediation.objects.filter(started_on__year=year).order_by()
                      .values_list("committee__level").annotate(n=Count("pk")))
    figures.append(_item(
        "mediations_town", _("Disputes mediated by the town's committee (judicial office)"),
        mediations.get(MediationCommittee.Level.TOWN, 0), _("cases"),
        _("Mediations of the town's people's mediation committee that began in the year (the parties consented "
          "and mediation started; a dispute only registered is not counted), whatever their result.")))
    figures.append(_item(
        "mediations_village", _("Disputes mediated by the village committees"),
        mediations.get(MediationCommittee.Level.VILLAGE, 0), _("cases"),
        _("Mediations of the village people's mediation committees that began in the year, whatever their "
          "result.")))

    figures.append(_item("performances", _("Law-themed performances"), acts[ActivityKind.PERFORMANCE], _("times"),
                         _("Activities of the kind 'performance' held in the year, by the town or in villages.")))
    figures.append(_item("lectures", _("Legal lectures"), acts[ActivityKind.LECTURE], _("times"),
                         _("Activities of the kind 'lecture' held in the year, by the town or in villages.")))
    return figures


def by_key(figures: list[dict]) -> dict:
    """The figures keyed by their key, each part reachable as figure["part"][part key] → value."""
    out = {}
    for figure in figures:
        out[figure["key"]] = {**figure, "part": {p["key"]: p["value"] for p in figure["parts"]}}
    return out

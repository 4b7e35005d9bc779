"""The reports' place in the document machinery (documents.registry, DESIGN §10): an annual report
(`AnnualReport`, owner `annual-reports`) has the document `rule_of_law_report`, the 法治政府建设年度报告 as the town
sends it to the county (厅字〔2019〕28号): the title, the five items in the seed's order (the heads' duty first),
each item opening with the figures computed for the year (reports.figures; never typed by a person) and followed
by the narrative a person wrote for that part (reports.services.save_narrative). Rendered by docxtpl from the
official template like every other document; a replaced template (documents admin) gets the same context plus
`figures` (the list of reports.figures) and `year`.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy

from documents import registry
from documents.rendering import chinese_date
from workflows import roles

from .figures import by_key, rule_of_law_figures
from .models import AnnualReport
from .services import DOCUMENT_KIND as KIND, title_of

# The five items' headings (厅字〔2019〕28号's list in the seed's order: the heads' duty first).
HEADINGS = {
    "duty": gettext_lazy("{n}. How the Party and government heads performed their duty as first responsible person "
                         "for building the rule of law in {year}"),
    "measures": gettext_lazy("{n}. Main measures and results of building a rule-of-law government in {year}"),
    "shortcomings": gettext_lazy("{n}. Shortcomings of building a rule-of-law government in {year} and their "
                                 "causes"),
    "plans": gettext_lazy("{n}. Main plans for building a rule-of-law government in {next}"),
    "other": gettext_lazy("{n}. Other matters to report"),
}
NUMERALS = "一二三四五"
NOTHING_WRITTEN = gettext_lazy("(Not yet written.)")


def _fmt(value) -> str:
    """A figure as the report prints it: an integer without decimals, a percentage with at most one."""
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def figure_paragraphs(year: int, figures: list[dict]) -> dict[str, list[str]]:
    """The sentences carrying the computed figures, by the part of the report they open: `duty` names the
    meetings; `measures` the study sessions, trainings, officers, penalties, reviews, advisers, 法律明白人,
    publicity, petitions, mediations, performances and lectures. Every number comes from `figures`."""
    f = by_key(figures)

    def v(key, part=None):
        return _fmt(f[key]["part"][part] if part else f[key]["value"])

    measures = [
        _("In {year} the Party committee's theory group held {study} study sessions on the law, and {trainings} "
          "legal trainings were held for the cadres.").format(
            year=year, study=v("study_sessions"), trainings=v("trainings")),
        _("{certified} of the {brigade} enforcement officers held a valid enforcement certificate at the end of "
          "the year (certification rate {rate}%).").format(
            certified=v("certified_officers"), brigade=v("certified_officers", "brigade"),
            rate=v("certified_officers", "rate")),
    ]
    first = f["first_penalty"]
    if first["value"]:
        day = datetime.date.fromisoformat(first["detail"]["date"])
        measures.append(_("On {date} the town made its first administrative penalty decision ({number}).").format(
            date=chinese_date(day), number=first["detail"]["number"] or first["detail"]["case"]))
    measures += [
        _("{total} administrative penalty decisions were made in the year, {spot} of them on the spot.").format(
            total=v("penalty_decisions"), spot=v("penalty_decisions", "on_the_spot")),
        _("The judicial office reviewed major administrative decisions for legality {n} times ({passed} passed, "
          "{returned} returned for revision, {failed} failed) and normative documents {normative} times.").format(
            n=v("legality_reviews"), passed=v("legality_reviews", "passed"),
            returned=v("legality_reviews", "returned"), failed=v("legality_reviews", "failed"),
            normative=v("normative_reviews")),
        _("The town has {literates} legal literates (法律明白人); {covered} of its {villages} villages have a legal "
          "adviser, a coverage of {coverage}%.").format(
            literates=v("legal_literates"), covered=v("advisers"), villages=v("advisers", "villages"),
            coverage=v("advisers", "coverage")),
        _("{campaigns} concentrated publicity campaigns on the law were held, and {grassroots} publicity "
          "activities in the villages.").format(campaigns=v("campaigns"), grassroots=v("grassroots_publicity")),
        _("The petition office received {visits} petition visits (besides {letters} letters, {calls} telephone "
          "calls, {online} online petitions and {hotline} from the 12345 hotline); the town's mediation committee "
          "(judicial office) mediated {town} disputes and the village committees {village}.").format(
            visits=v("petitions"), letters=v("petitions", "letter"), calls=v("petitions", "phone"),
            online=v("petitions", "online"), hotline=v("petitions", "hotline"), town=v("mediations_town"),
            village=v("mediations_village")),
        _("{performances} law-themed performances and {lectures} legal lectures were held.").format(
            performances=v("performances"), lectures=v("lectures")),
    ]
    return {
        "duty": [_("In {year} meetings studied and planned the rule-of-law work {n} times.").format(
            year=year, n=v("meetings"))],
        "measures": measures,
    }


def report_context(report: AnnualReport, record=None) -> dict:
    """The document's own context (documents.rendering): `doc_title`, `sections` (the five items, figures first
    then the narrative), `signatures` (the town government), `date` (the submission day, if recorded), plus
    `year` and `figures` for a replaced template."""
    figures = rule_of_law_figures(report.year)
    opening = figure_paragraphs(report.year, figures)
    sections = []
    for index, part in enumerate(("duty", "measures", "shortcomings", "plans", "other")):
        text = (report.narrative or {}).get(part, "")
        paragraphs = [*opening.get(part, []), text] if text else [*opening.get(part, [])]
        if not paragraphs:
            paragraphs = [str(NOTHING_WRITTEN)]
        sections.append({"heading": str(HEADINGS[part]).format(n=NUMERALS[index], year=report.year,
                                                             next=report.year + 1),
                         "paragraphs": paragraphs})
    return {
        "doc_title": title_of(report.year),
        "sections": sections,
        "signatures": [f"{settings.TOWN_NAME}人民政府"],
        "date": chinese_date(report.submitted_on) if report.submitted_on else "",
        "year": report.year,
        "figures": figures,
    }


def unavailable(report, record=None):
    """Every rule-of-law report can be printed (a year still running prints its figures so far)."""
    if report.kind != AnnualReport.Kind.RULE_OF_LAW:
        return str(_("Only the annual report on building a rule-of-law government has this document."))
    return None


def register() -> None:
    registry.register_owner(registry.Owner(
        name="annual-reports", model=AnnualReport,
        may_view=lambda user, report: roles.may("report.view", user),
        may_attach=lambda user, report: roles.may("report.edit", user),
        label=lambda report: f"{report.year}-{report.kind}",
        url=lambda report: reverse("reports:rule_of_law", args=[report.year]),
    ))
    registry.register(registry.DocumentKind(
        name=KIND, owner="annual-reports", title=gettext_lazy("Annual report on building a rule-of-law government"),
        context=report_context, unavailable=unavailable,
    ))

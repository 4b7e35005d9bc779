"""Issue 16, trying to break it: bad input to the reports, supervision and publicity endpoints (never a 500,
nothing stored on refusal), the roles, and redaction leaks on the public page /public/penalties/."""

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from cases.models import Publication
from reports.models import AnnualReport, Circular

from .case_fixtures import (  # noqa: F401 (town_fixture: the `town` fixture)
    ok,
    resident_id_with_check,
    town_fixture,
)
from .test_publicity import PUBLIC_PAGE, PUBLICITY, decided_case, publish, withdraw

ROL = "/api/v1/reports/rule-of-law/"
STATS = "/api/v1/reports/enforcement-statistics/"
CIRCULARS = "/api/v1/supervision/circulars/"


def refused(response, *statuses):
    assert response.status_code in statuses, (response.status_code, getattr(response, "content", b"")[:300])


def bad_years(today):
    return ["2026x", "0", "99999", "-1", str(today.year + 1), "9" * 12, "1999", " ", "２０２６x"]


# --- years ----------------------------------------------------------------------------------------


def test_bad_years_are_refused_everywhere(town, today):
    api = town.api("principal")
    for year in bad_years(today):
        for url in (f"{ROL}{year}/", f"{ROL}{year}.docx", f"{STATS}{year}/", f"{STATS}{year}.xlsx"):
            refused(api.get(url), 400, 404)
        refused(api.patch(f"{ROL}{year}/", {"narrative": {}}, format="json"), 400, 404)
        refused(api.post(f"{ROL}{year}/submission/", {}, format="json"), 400, 404)
        refused(api.put(f"{STATS}{year}/narrative/", {"explanation": "x"}, format="json"), 400, 404)
        refused(api.post(f"{STATS}{year}/publication/", {}, format="json"), 400, 404)
    assert not AnnualReport.objects.exists()


# --- narrative ------------------------------------------------------------------------------------


@pytest.mark.parametrize("narrative", [{"nonsense": "x"}, {"explanation": 5}, {"explanation": ["a"]},
                                       {"explanation": "字" * 100_001}, {"explanation": None}])
def test_bad_statistics_narrative_is_a_400_and_keeps_nothing(town, today, narrative):
    year = today.year - 1
    response = town.api("judicial").put(f"{STATS}{year}/narrative/", narrative, format="json")
    refused(response, 400)
    assert not AnnualReport.objects.filter(narrative__gt={}).exists()


@pytest.mark.parametrize("body", [{"narrative": {"nonsense": "x"}}, {"narrative": ["x"]}, {"narrative": "x"},
                                  {"narrative": {"overview": 3}}, ["x"], {"narrative": None}])
def test_bad_rule_of_law_narrative_is_a_400(town, today, body):
    response = town.api("judicial").patch(f"{ROL}{today.year - 1}/", body, format="json")
    refused(response, 400)
    assert not AnnualReport.objects.filter(narrative__gt={}).exists()


def test_statistics_narrative_as_a_list_is_a_400(town, today):
    refused(town.api("judicial").put(f"{STATS}{today.year - 1}/narrative/", ["x"], format="json"), 400)


# --- recording days -------------------------------------------------------------------------------


def test_report_days_in_the_future_or_inside_the_year_are_refused(town, today):
    api, year = town.api("judicial"), today.year - 1
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    for day in (tomorrow, f"{year}-12-31", f"{year}-06-01", "2026-13-01", "x", 20270101, ["2027-01-01"], {"a": 1}):
        refused(api.post(f"{ROL}{year}/submission/", {"day": day}, format="json"), 400)
        refused(api.post(f"{ROL}{year}/publication/", {"day": day}, format="json"), 400)
        refused(api.post(f"{STATS}{year}/publication/", {"published_on": day}, format="json"), 400)
    assert not AnnualReport.objects.exclude(submitted_on=None).exists()
    assert not AnnualReport.objects.exclude(published_on=None).exists()
    # The running year's report cannot be recorded either: every day up to today lies inside it.
    refused(api.post(f"{ROL}{today.year}/submission/", {}, format="json"), 400)


# --- circulars ------------------------------------------------------------------------------------


def test_bad_circular_weeks_are_400(town, today):
    api = town.api("judicial")
    last_monday = today - datetime.timedelta(days=today.weekday() + 7)
    for week in ((last_monday + datetime.timedelta(days=1)).isoformat(), "0001-01-01", "x", 12345, ["2026-01-05"],
                 {"a": 1}, "9999-12-27", (today - datetime.timedelta(days=today.weekday())).isoformat()):
        refused(api.post(CIRCULARS, {"week_start": week}, format="json"), 400)
    assert not Circular.objects.exists()


# --- roles ----------------------------------------------------------------------------------------


def test_roles_of_the_new_endpoints(town, today):
    year = today.year - 1
    reads = [f"{ROL}{year}/", f"{STATS}{year}/", f"{STATS}{year}.xlsx", "/api/v1/supervision/", CIRCULARS,
             PUBLICITY]
    anonymous = APIClient()
    for url in reads:
        refused(anonymous.get(url), 401, 403)
    for url in reads[:3]:
        refused(town.api("o1").get(url), 403)
        refused(town.api("chief").get(url), 403)
    for url in reads[3:5]:
        refused(town.api("o1").get(url), 403)
        refused(town.api("drafter").get(url), 403)
    refused(town.api("drafter").get(PUBLICITY), 403)
    refused(town.api("principal").post(CIRCULARS, {}, format="json"), 403)
    refused(anonymous.post(CIRCULARS, {}, format="json"), 401, 403)
    refused(town.api("chief").put(f"{STATS}{year}/narrative/", {"explanation": "x"}, format="json"), 403)
    refused(anonymous.put(f"{STATS}{year}/narrative/", ["x"], format="json"), 401, 403)
    refused(town.api("o1").patch(f"{ROL}{year}/", {"narrative": {}}, format="json"), 403)
    assert not Circular.objects.exists() and not AnnualReport.objects.filter(narrative__gt={}).exists()
    assert Client().get(PUBLIC_PAGE).status_code == 200


def test_pages_need_a_login_but_the_public_one(town, today):
    anonymous = Client()
    for url in ("/reports/", f"/reports/rule-of-law/{today.year - 1}/"):
        response = anonymous.get(url)
        assert response.status_code in (302, 403, 404), url
    assert anonymous.get(PUBLIC_PAGE).status_code == 200


# --- publicity ------------------------------------------------------------------------------------


def test_publish_refusals(town, today):
    case = decided_case(town)
    refused(publish(town, case["id"], channel=""), 400)
    refused(publish(town, case["id"], channel="网" * 201), 400)
    refused(publish(town, case["id"], channel=["网站"]), 400)
    refused(publish(town, case["id"], published_on=(today + datetime.timedelta(days=1)).isoformat()), 400)
    refused(publish(town, case["id"], published_on=(today - datetime.timedelta(days=400)).isoformat()), 400)
    refused(publish(town, case["id"], published_on="x"), 400)
    refused(publish(town, 999999), 404)
    refused(publish(town, case["id"], who="judicial"), 403)
    refused(APIClient().post(f"{PUBLICITY}{case['id']}/publish/", {"channel": "网"}, format="json"), 401, 403)
    assert not Publication.objects.exists()
    ok(publish(town, case["id"]), 201)
    refused(publish(town, case["id"]), 409)
    assert Publication.objects.count() == 1


def test_a_no_penalty_decision_and_a_minors_are_not_published(town):
    no_penalty = town.decided("no_penalty", fine=None)
    refused(publish(town, no_penalty["id"]), 409)
    minor_id = resident_id_with_check("41042120100101123")  # 16 at the violation
    minor = decided_case(town, name="李小明", id_number=minor_id,
                         mitigation="lighter", mitigation_ground="minor")
    refused(publish(town, minor["id"]), 409)
    assert not Publication.objects.exists()


def test_withdraw_refusals(town):
    case = decided_case(town)
    refused(withdraw(town, case["id"], reason="已撤销"), 409)  # nothing published
    ok(publish(town, case["id"]), 201)
    refused(withdraw(town, case["id"], reason=""), 400)
    refused(withdraw(town, case["id"], reason="   "), 400)
    refused(withdraw(town, case["id"]), 400)
    refused(withdraw(town, case["id"], reason=["x"]), 400)
    refused(withdraw(town, case["id"], reason="字" * 100_001), 400)
    refused(withdraw(town, case["id"], reason="已撤销", withdrawn_on="2000-01-01"), 400)
    refused(withdraw(town, case["id"], reason="已撤销", who="judicial"), 403)
    assert not Publication.objects.exclude(withdrawn_on=None).exists()
    ok(withdraw(town, case["id"], reason="复议机关撤销"))
    refused(withdraw(town, case["id"], reason="again"), 409)


# --- redaction on the public page -----------------------------------------------------------------


def test_redaction_leaks(town):
    id_x = resident_id_with_check("41042119800101301")
    if not id_x.endswith("X"):
        id_x = id_x[:-1] + "X"
    old = "410421800101301"
    facts = (f"经查，欧阳娜娜（身份证号{id_x}，旧证{old}，手机139-1234-5678，另一手机139 8765 4321）在石桥村占道经营，"
             "欧阳娜娜拒不改正。<script>alert(1)</script>")
    case = decided_case(town, name="欧阳娜娜", id_number=resident_id_with_check("41042119800101301"),
                        phone="13912345678", facts=facts)
    ok(publish(town, case["id"]), 201)
    org = decided_case(town, name="石桥镇某某商贸有限公司（电话13955556666）", kind="org", id_number="",
                       facts="石桥镇某某商贸有限公司占道经营，联系人手机13955556666。")
    ok(publish(town, org["id"]), 201)
    html = Client().get(PUBLIC_PAGE).content.decode()
    for secret in ("欧阳娜娜", id_x, id_x.lower(), old, "139-1234-5678", "139 8765 4321", "13912345678",
                   "13955556666", "<script>alert(1)"):
        assert secret not in html, secret
    assert "欧阳某某" in html and "&lt;script&gt;" in html

"""The enforcement-case web UI (CONTRACT §4-5, DESIGN §3): the case list with masked ID numbers and filters, the
case page with its state chart and allowed actions, transition forms that go through fire_transition and show
refusals (C1), inquiry records, publicity, the officers' certificates, "my cases" for officers, no outside
assets, and never a 500."""

import datetime
import re
from html import unescape

import pytest
from django.utils import timezone, translation
from django.utils.html import escape as html_escape

from cases.flows import C1_TOO_FEW
from cases.models import Case, InquiryRecord
from notifications.models import Deadline
from workflows.services import available_transitions

from .case_fixtures import (  # noqa: F401 - town_fixture is the `town` fixture
    VALID_ID,
    VALID_ID_MASKED,
    certify,
    days_ago,
    today,
    town_fixture,
    years_ago,
)
from .conftest import make_user
from .test_ui import ASSET, NASTY, button, field_tag, html_of, language_of

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

CASES = "/cases/cases/"
RECORD = "问：你是否在石桥村主干道摆摊？答：是的，已经摆了一周。"


def case_page(pk):
    return f"{CASES}{pk}/"


def transition_page(pk, name):
    return f"{CASES}{pk}/transitions/{name}/"


def inquiry_page(pk):
    return f"{CASES}{pk}/inquiries/add/"


def login(client, user):
    client.force_login(user)
    return client


def row_ids(html) -> set[int]:
    """The case ids listed in the case table."""
    table = html[html.index('id="cases"'):]
    return {int(pk) for pk in re.findall(r'<tr data-id="(\d+)"', table)}


def local_minute(moment=None) -> str:
    return timezone.localtime(moment or timezone.now()).strftime("%Y-%m-%d %H:%M")


# --------------------------------------------------------------------------------------------------
# The case list
# --------------------------------------------------------------------------------------------------


def test_case_list_masks_id_numbers_and_filters_by_state_and_village(client, town):
    reported = town.report()
    investigating = town.investigating(village=town.village2.pk)
    login(client, town.u["chief"])

    response = client.get(CASES)
    assert response.status_code == 200
    html = html_of(response)
    assert row_ids(html) == {reported["id"], investigating["id"]}
    assert f'href="{case_page(reported["id"])}"' in html
    assert VALID_ID not in html  # party ID numbers are masked in lists
    assert VALID_ID_MASKED in html
    assert investigating["number"] in html

    assert row_ids(html_of(client.get(f"{CASES}?state=investigating"))) == {investigating["id"]}
    assert row_ids(html_of(client.get(f"{CASES}?state=reported"))) == {reported["id"]}
    assert row_ids(html_of(client.get(f"{CASES}?village={town.village.pk}"))) == {reported["id"]}
    assert row_ids(html_of(client.get(f"{CASES}?village={town.village2.pk}&state=reported"))) == set()
    assert row_ids(html_of(client.get(f"{CASES}?officer={town.u['o1'].pk}"))) == {investigating["id"]}
    assert row_ids(html_of(client.get(f"{CASES}?violation_type=WFJS"))) == set()
    assert row_ids(html_of(client.get(f"{CASES}?q=王某某"))) == {reported["id"], investigating["id"]}
    response = client.get(f"{CASES}?state=nonsense&village=abc")  # an invalid filter is ignored, not a 500
    assert response.status_code == 200
    assert row_ids(html_of(response)) == {reported["id"], investigating["id"]}


def test_enforcement_officer_sees_own_cases_by_default(client, town):
    others = town.investigating()  # officers o1 and o2, registered by o1
    mine = town.investigating(officers=[town.u["o2"], town.u["o3"]])
    registered = town.report(who="o3")  # not filed yet, registered by o3
    login(client, town.u["o3"])

    html = html_of(client.get(CASES))
    assert row_ids(html) == {mine["id"], registered["id"]}
    assert 'data-scope="mine"' in html
    assert 'href="?scope=all"' in html  # the toggle to see all cases
    html = html_of(client.get(f"{CASES}?scope=all"))
    assert row_ids(html) == {others["id"], mine["id"], registered["id"]}
    html = html_of(client.get(f"{CASES}?scope=mine&state=investigating"))
    assert row_ids(html) == {mine["id"]}

    # the inbox (across processes) lists the officer's investigating case and links to its page
    html = html_of(client.get("/inbox/"))
    assert f'href="{case_page(mine["id"])}"' in html
    assert f'href="{case_page(others["id"])}"' not in html

    # someone who is not an officer sees every case, with no "my cases" default
    login(client, town.u["chief"])
    html = html_of(client.get(CASES))
    assert row_ids(html) == {others["id"], mine["id"], registered["id"]}
    assert 'data-scope="mine"' not in html


# --------------------------------------------------------------------------------------------------
# The case page
# --------------------------------------------------------------------------------------------------


def test_case_page_shows_state_and_the_file_button_for_the_chief_only(client, town):
    case = town.report()
    url = transition_page(case["id"], "file")
    login(client, town.u["chief"])
    response = client.get(case_page(case["id"]))
    assert response.status_code == 200
    html = html_of(response)
    obj = Case.objects.get(pk=case["id"])
    with translation.override(language_of(response)):
        state_label = str(obj.get_state_display())
        expected = available_transitions("case", obj, town.u["chief"])
    assert state_label in html
    assert {t["name"] for t in expected} == {"file", "decline", "transfer"}
    for transition in expected:  # every allowed action is a button labelled as the API labels it
        button(html, transition_page(case["id"], transition["name"]), transition["label"])
    file_label = next(t["label"] for t in expected if t["name"] == "file")
    assert file_label in ("立案", "File the case")
    assert button(html, url) == file_label
    # the party masked on the case page (in full only on an audited request: issue 17, tests/test_personal_data.py),
    # the violation type's basis and range, the deadline with its basis
    assert VALID_ID not in html and VALID_ID[:6] + "********" + VALID_ID[-4:] in html
    assert "《城市市容和环境卫生管理条例》第三十六条" in html
    assert re.search(r"2,?000\.00", html)  # the discretion range's upper end
    filing = Deadline.objects.get(object_type="cases.case", object_id=case["id"], kind="case.filing")
    assert filing.basis in html
    assert "&quot;reported&quot; [color=" in html  # the current state is marked in the chart's DOT
    assert 'class="lf-chart"' in html

    login(client, town.u["o1"])
    html = html_of(client.get(case_page(case["id"])))
    assert state_label in html
    assert button(html, url) is None
    assert "data-transition=" not in html


def test_case_page_warns_about_the_limitation_period(client, town):
    case = town.report(violation_date=years_ago(2, extra_days=10).isoformat())
    login(client, town.u["chief"])
    html = html_of(client.get(case_page(case["id"])))
    assert 'data-warning="limitation"' in html
    html = html_of(client.get(transition_page(case["id"], "file")))
    assert 'data-warning="limitation"' in html  # beside the filing form too


# --------------------------------------------------------------------------------------------------
# Filing (C1, C2) through the form
# --------------------------------------------------------------------------------------------------


def test_file_form_shows_each_officers_certificate_validity(client, town):
    case = town.report()
    login(client, town.u["chief"])
    response = client.get(transition_page(case["id"], "file"))
    assert response.status_code == 200
    # The Material select carries its options as JSON, with non-ASCII text as \uXXXX escapes.
    options = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)),
                     unescape(field_tag(html_of(response), "officers")))
    for number in ("CERT-001", "CERT-002", "CERT-003", "CERT-EXP", "CERT-REV"):
        assert number in options, options
    with translation.override(language_of(response)):
        from cases.selectors import certificate_status

        expired = str(certificate_status(town.u["expired"]).label)
        valid = str(certificate_status(town.u["o1"]).label)
    assert expired in options and valid in options
    assert days_ago(1).isoformat() in expired  # "expired on <yesterday>"


def test_chief_files_a_case_with_two_certified_officers(client, town):
    case = town.report()
    login(client, town.u["chief"])
    response = client.post(transition_page(case["id"], "file"), {
        "officers": [town.u["o1"].pk, town.u["o2"].pk], "comment": "予以立案",
    })
    assert response.status_code == 302, html_of(response)[:3000]
    assert response["Location"] == case_page(case["id"])
    obj = Case.objects.get(pk=case["id"])
    assert obj.state == "investigating"
    assert obj.number and obj.filed_on == today()
    assert set(obj.officers.all()) == {town.u["o1"], town.u["o2"]}

    response = client.get(response["Location"])
    html = html_of(response)
    assert obj.number in html
    with translation.override(language_of(response)):
        assert str(obj.get_state_display()) in html
    assert "lf-banner--success" in html
    assert "予以立案" in html  # the comment in the history
    assert 'id="case-officers"' in html and "CERT-001" in html and "CERT-002" in html


def test_filing_with_one_officer_shows_the_c1_refusal(client, town):
    case = town.report()
    login(client, town.u["chief"])
    response = client.post(transition_page(case["id"], "file"), {"officers": [town.u["o1"].pk]})
    assert response.status_code == 409
    html = html_of(response)
    assert 'data-refusal-status="409"' in html and 'role="alert"' in html
    # The page speaks its reader's language only, in a clerk's words: no rule code, no second language (the API
    # carries both).
    with translation.override(language_of(response)):
        assert html_escape(str(C1_TOO_FEW)) in html
    assert language_of(response) == "zh-hans"
    assert "[C1" not in html and "At least two different certified officers" not in html
    obj = Case.objects.get(pk=case["id"])
    assert obj.state == "reported" and obj.number is None and not obj.officers.exists()

    response = client.post(transition_page(case["id"], "file"),
                           {"officers": [town.u["o1"].pk, town.u["expired"].pk]})
    assert response.status_code == 409
    assert "officer-expired" in html_of(response)  # names the officer whose certificate is not valid
    assert Case.objects.get(pk=case["id"]).state == "reported"

    response = client.post(transition_page(case["id"], "file"), {})
    assert response.status_code == 400
    assert re.search(r'\berror="[^"]+"', field_tag(html_of(response), "officers"))


def test_officer_may_not_file(client, town):
    case = town.report()
    login(client, town.u["o1"])
    response = client.post(transition_page(case["id"], "file"),
                           {"officers": [town.u["o1"].pk, town.u["o2"].pk]})
    assert response.status_code == 403
    assert 'data-refusal-status="403"' in html_of(response)
    assert Case.objects.get(pk=case["id"]).state == "reported"


def test_notify_outside_the_discretion_range_is_refused(client, town):
    case = town.investigating()
    login(client, town.u["o1"])
    html = html_of(client.get(case_page(case["id"])))
    assert button(html, transition_page(case["id"], "notify")) is not None
    response = client.post(transition_page(case["id"], "notify"), {
        "facts": "占道经营属实。", "legal_basis": "《城市市容和环境卫生管理条例》第三十六条", "proposed_fine": "5000",
    })
    assert response.status_code == 409
    html = html_of(response)
    assert "5,000.00" in html and "裁量基准" in html and "[C7]" not in html and "outside the discretion" not in html
    assert Case.objects.get(pk=case["id"]).state == "investigating"
    response = client.post(transition_page(case["id"], "notify"), {
        "facts": "占道经营属实。", "legal_basis": "《城市市容和环境卫生管理条例》第三十六条", "proposed_fine": "500",
    })
    assert response.status_code == 302, html_of(response)[:3000]
    assert Case.objects.get(pk=case["id"]).state == "notified"
    assert "占道经营属实。" in html_of(client.get(case_page(case["id"])))


# --------------------------------------------------------------------------------------------------
# Inquiry records, reports, publicity
# --------------------------------------------------------------------------------------------------


def test_officer_records_an_inquiry_through_the_form(client, town):
    case = town.investigating()
    login(client, town.u["o1"])
    html = html_of(client.get(case_page(case["id"])))
    assert f'href="{inquiry_page(case["id"])}"' in html
    response = client.get(inquiry_page(case["id"]))
    assert response.status_code == 200
    for name in ("officers", "subject_name", "record", "held_at"):
        field_tag(html_of(response), name)

    response = client.post(inquiry_page(case["id"]), {
        "officers": [town.u["o1"].pk, town.u["o2"].pk], "subject_name": "王某某", "record": RECORD,
        "held_at": local_minute(),
    })
    assert response.status_code == 302, html_of(response)[:3000]
    assert response["Location"] == case_page(case["id"])
    inquiry = InquiryRecord.objects.get(case_id=case["id"])
    assert set(inquiry.officers.all()) == {town.u["o1"], town.u["o2"]}
    assert inquiry.recorded_by == town.u["o1"]
    html = html_of(client.get(case_page(case["id"])))
    assert RECORD in html and "lf-banner--success" in html

    # one officer is refused by C1 and writes nothing
    response = client.post(inquiry_page(case["id"]), {
        "officers": [town.u["o1"].pk], "subject_name": "王某某", "record": RECORD, "held_at": local_minute(),
    })
    assert response.status_code == 409
    html = html_of(response)
    assert html_escape(str(C1_TOO_FEW)) in html and "[C1" not in html
    assert InquiryRecord.objects.filter(case_id=case["id"]).count() == 1

    # an officer not assigned to the case may not record its inquiries
    login(client, town.u["o3"])
    response = client.post(inquiry_page(case["id"]), {
        "officers": [town.u["o1"].pk, town.u["o3"].pk], "subject_name": "王某某", "record": RECORD,
        "held_at": local_minute(),
    })
    assert response.status_code == 403
    assert InquiryRecord.objects.filter(case_id=case["id"]).count() == 1


def test_officer_registers_a_report_through_the_form(client, town):
    fields = {
        "source": "complaint", "village": town.village2.pk, "violation_type": "ZDJY",
        "violation_date": days_ago(3).isoformat(), "description": "群众投诉河口村桥头占道摆摊。",
        "party_name": "李某", "party_kind": "person", "party_id_number": VALID_ID, "party_phone": "13800138000",
        "party_address": "河口村一组",
    }
    login(client, town.u["o1"])
    assert client.get(f"{CASES}add/").status_code == 200
    response = client.post(f"{CASES}add/", {**fields, "party_id_number": "110105194912310021"})
    assert response.status_code == 400  # the check digit is wrong (GB 11643)
    assert re.search(r'\berror="[^"]+"', field_tag(html_of(response), "party_id_number"))
    assert not Case.objects.filter(party__name="李某").exists()

    response = client.post(f"{CASES}add/", fields)
    assert response.status_code == 302, html_of(response)[:3000]
    case = Case.objects.get(party__name="李某")
    assert response["Location"] == case_page(case.pk)
    assert case.state == "reported" and case.reported_by == town.u["o1"] and case.party.id_number == VALID_ID

    login(client, town.u["drafter"])
    response = client.post(f"{CASES}add/", {**fields, "party_name": "越权登记"})
    assert response.status_code == 403
    assert not Case.objects.filter(party__name="越权登记").exists()


def test_publicity_of_a_penalty_decision(client, town):
    case = town.decided()
    login(client, town.u["o1"])
    html = html_of(client.get(case_page(case["id"])))
    assert f'href="{CASES}{case["id"]}/publicity/"' in html
    response = client.post(f"{CASES}{case['id']}/publicity/", {"channel": "石桥镇人民政府网站",
                                                                 "published_on": today().isoformat()})
    assert response.status_code == 302, html_of(response)[:3000]
    obj = Case.objects.get(pk=case["id"])
    assert obj.published_on == today() and obj.publicity_channel == "石桥镇人民政府网站"
    html = html_of(client.get(case_page(case["id"])))
    assert "石桥镇人民政府网站" in html
    assert f'href="{CASES}{case["id"]}/publicity/"' not in html  # recorded: no button any more


# --------------------------------------------------------------------------------------------------
# Officers
# --------------------------------------------------------------------------------------------------


def officer_row(html, user) -> str:
    match = re.search(r'<tr class="([^"]*)" data-officer="%d"[^>]*>(.*?)</tr>' % user.pk, html, re.S)
    assert match, f"no row for {user}"
    return match.group(0)


def test_officers_page_shows_certificate_validity(client, town):
    soon = make_user("enforcement_officer", username="officer-soon")
    certify(soon, "CERT-SOON", expires_on=today() + datetime.timedelta(days=10))
    login(client, town.u["chief"])
    response = client.get("/cases/officers/")
    assert response.status_code == 200
    html = html_of(response)

    expired = officer_row(html, town.u["expired"])
    assert 'data-certificate-valid="false"' in expired and "lf-row--invalid" in expired
    assert "CERT-EXP" in expired and days_ago(1).isoformat() in expired
    assert "lf-cert--expired" in expired
    revoked = officer_row(html, town.u["revoked"])
    assert 'data-certificate-valid="false"' in revoked and "lf-cert--revoked" in revoked
    assert 'data-certificate-valid="false"' in officer_row(html, town.u["uncertified"])
    valid = officer_row(html, town.u["o1"])
    assert 'data-certificate-valid="true"' in valid and "CERT-001" in valid and "lf-cert--valid" in valid
    expiring = officer_row(html, soon)
    assert 'data-certificate-valid="true"' in expiring and "lf-row--expiring" in expiring
    assert ".lf-cert--expired" in html and "#c62828" in html  # red
    assert ".lf-cert--expiring" in html and "#e65100" in html  # amber


# --------------------------------------------------------------------------------------------------
# Offline, login, odd input
# --------------------------------------------------------------------------------------------------


def test_case_pages_reference_no_external_assets(client, town):
    case = town.investigating()
    login(client, town.u["o1"])
    pages = {}
    for url in (CASES, case_page(case["id"]), transition_page(case["id"], "notify"), inquiry_page(case["id"]),
                f"{CASES}add/", "/cases/officers/", f"{CASES}{case['id']}/publicity/"):
        pages[url] = client.get(url)
    assets = set()
    for url, response in pages.items():
        assert response.status_code == 200, url
        html = html_of(response)
        for ref in ASSET.findall(html):
            assert not re.match(r"(?i)^(https?:)?//", ref), (url, ref)
            assets.add(ref)
        assert not re.search(r"(?i)url\(\s*['\"]?(https?:)?//", html), url
        assert "@import" not in html, url
    assert any("vis-network" in ref for ref in assets)  # the state chart is drawn with the packaged library


def test_case_pages_need_login(client, town):
    case = town.report()
    for url in (CASES, case_page(case["id"]), transition_page(case["id"], "file"), f"{CASES}add/",
                "/cases/officers/", inquiry_page(case["id"])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), response["Location"]
    response = client.post(transition_page(case["id"], "file"), {"officers": [town.u["o1"].pk, town.u["o2"].pk]})
    assert response.status_code == 302
    assert Case.objects.get(pk=case["id"]).state == "reported"


def test_unknown_case_or_transition_is_404(client, town):
    case = town.report()
    login(client, town.u["chief"])
    assert client.get(transition_page(case["id"], "explode")).status_code == 404
    assert client.post(transition_page(case["id"], "explode"), {}).status_code == 404
    assert client.get(case_page(99999)).status_code == 404
    assert client.get(inquiry_page(99999)).status_code == 404


def test_odd_input_never_gives_a_500(client, town):
    reported = town.report()
    investigating = town.investigating()
    decided = town.decided()
    huge = "99999999999999999999999999"
    for who, url, fields in [
        ("chief", transition_page(reported["id"], "file"), ("officers", "filed_on", "limitation_override_reason")),
        ("o1", transition_page(investigating["id"], "notify"), ("facts", "legal_basis", "proposed_fine", "major")),
        ("o1", inquiry_page(investigating["id"]), ("officers", "subject_name", "record", "held_at")),
        ("o1", f"{CASES}add/", ("source", "village", "violation_type", "violation_date", "description",
                                "party_name", "party_kind", "party_id_number", "party_phone")),
        ("o1", f"{CASES}{decided['id']}/publicity/", ("published_on", "channel")),
        ("principal", transition_page(decided["id"], "decide"), ("outcome", "fine")),
    ]:
        login(client, town.u[who])
        for value in NASTY:
            response = client.post(url, {field: value for field in fields})
            assert response.status_code < 500, (url, value, response.status_code)
        response = client.post(url, {"officers": ["1", huge, "abc"]})
        assert response.status_code < 500, url
    login(client, town.u["o1"])
    for url in (case_page(huge), transition_page(huge, "file"), inquiry_page(huge),
                f"{CASES}?page=abc&state=%00&village={huge}&officer=%00&violation_type=%00&q=%00",
                f"{CASES}?scope=<b>&page=-3", f"{CASES}{reported['id']}/transitions/{'a' * 300}/"):
        assert client.get(url).status_code < 500, url
    assert Case.objects.get(pk=reported["id"]).state == "reported"


def test_roles_that_do_not_work_on_cases_cannot_open_them(client, town):
    """Cases carry ID numbers and phones: a drafter gets 403 on every case page and no menu entry."""
    case = town.report()
    drafter = make_user("drafter")
    login(client, drafter)
    for url in ("/cases/cases/", f"/cases/cases/{case['id']}/", f"/cases/cases/{case['id']}/transitions/file/",
                "/cases/officers/", "/cases/cases/add/"):
        assert client.get(url).status_code == 403, url
    inbox = html_of(client.get("/inbox/", follow=True))
    assert "/cases/cases/" not in inbox
    assert town.u["o1"].username  # the officer still sees them:
    client.logout()
    login(client, town.u["o1"])
    assert client.get(f"/cases/cases/{case['id']}/").status_code == 200


def test_the_403_page_speaks_chinese_and_names_the_user_in_chinese_order(client, town):
    """The drafter's 403 (the finding: "三 张 have no rights to access this page / LOG IN AS ANOTHER USER") is our
    page: Chinese, 张三 in Chinese order, a way back to the inbox."""
    case = town.report()
    drafter = make_user("drafter", last_name="张", first_name="三")
    login(client, drafter)
    response = client.get(f"/cases/cases/{case['id']}/")
    html = html_of(response)
    assert response.status_code == 403 and 'data-page="403"' in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "张三，您无权查看此页面" in text and "返回我的待办" in text and "换一个账号登录" in text
    assert "三 张" not in text and "have no rights" not in html and "Access Forbidden" not in html
    assert "Log in as another user" not in html

"""报告与监督 in the site menu (reports.pages, reports/templatetags/reports_menu.py): each role finds the reports
pages its roles open (CONTRACT §9: reports for the principal, the judicial office and the admin; supervision for
the judicial office, the principal and the brigade chief), and nobody else finds the menu or gets in."""

import pytest
from django.test import Client

from .conftest import make_user

pytestmark = pytest.mark.django_db

SUPERVISION, REPORT, STATISTICS = "/reports/supervision/", "/reports/rule-of-law/", "/reports/statistics/"


def browser(*roles):
    client = Client()
    client.force_login(make_user(*roles))
    return client


@pytest.mark.parametrize("role, links", [
    ("judicial_office", [SUPERVISION, REPORT, STATISTICS]),
    ("principal", [SUPERVISION, REPORT, STATISTICS]),
    ("brigade_chief", [SUPERVISION]),
    ("admin", [REPORT, STATISTICS]),
])
def test_the_menu_lists_the_pages_a_role_opens(role, links):
    client = browser(role)
    response = client.get("/reports/")
    assert response.status_code == 302 and response.url == links[0]
    html = client.get(links[0], follow=True).content.decode()
    assert "报告与监督" in html
    for path in (SUPERVISION, REPORT, STATISTICS):
        assert (f'href="{path}"' in html) == (path in links), path
    for path in links:
        assert client.get(path, follow=True).status_code == 200, path


@pytest.mark.parametrize("role", ["drafter", "enforcement_officer", "petition_office", "mediator", "office_secretary"])
def test_other_roles_neither_see_nor_open_the_reports(role):
    client = browser(role)
    home = client.get("/", follow=True).content.decode()
    assert "报告与监督" not in home
    assert client.get("/reports/").status_code == 403
    for path in (SUPERVISION, REPORT, STATISTICS):
        assert client.get(path, follow=True).status_code == 403, path


def test_an_anonymous_visitor_is_sent_to_the_login_page():
    response = Client().get("/reports/")
    assert response.status_code == 302 and "/accounts/login/" in response.url

"""The database lost in the middle of a request (issue 17 item 6): the API answers 503 in its error format, a page
the plain Chinese 503 page, never a 500. In-process, with the database error staged; the real PostgreSQL restart
and crash are tests/test_faults_postgres.py."""

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory

from config.api_errors import api_server_error

from .conftest import client_for, make_user


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


LOST = OperationalError("consuming input failed: server closed the connection unexpectedly")
CLOSED = InterfaceError("connection already closed")


def raising(error):
    def fail(*_args, **_kwargs):
        raise error
    return fail


def assert_api_503(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"].startswith("application/json") and response["Retry-After"] == "5"
    body = json.loads(response.content)
    assert body["error"] == "database_unavailable"
    assert body["detail"].startswith("数据库暂时没有响应，请稍后再试。如果刚才正在保存，请先查看是否已经保存")
    assert "try again in a little while" in body["detail"]  # the English half, as every API error has


def assert_page_503(response):
    assert response.status_code == 503 and response["Content-Type"].startswith("text/html")
    text = response.content.decode("utf-8")
    assert "<h1>系统暂时无法使用</h1>" in text and "数据库暂时没有响应，请稍后再试。" in text
    assert "Traceback" not in text and "OperationalError" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("error", [LOST, CLOSED], ids=["lost", "closed"])
def test_a_transition_that_loses_the_database_answers_503_in_the_api_format(monkeypatch, error):
    monkeypatch.setattr("web.api.fire_transition", raising(error))
    client = client_for(make_user("drafter"))
    assert_api_503(client.post("/api/v1/decisions/1/transitions/submit_for_review/", {}, format="json"))


def test_a_page_that_loses_the_database_answers_the_chinese_503_page(monkeypatch):
    monkeypatch.setattr("cases.selectors.first_offence_list", raising(LOST))
    # The test client raises what reaches Django's 500 handling: the page answers before it does.
    assert_page_503(Client().get("/public/first-offence-list/"))


@pytest.mark.parametrize("path", ["/api/v1/decisions/", "/review/"])
def test_the_database_lost_outside_a_view_answers_503_too(path):
    """Django's 500 handler (a session read or saved by a middleware): 503 JSON under /api/, the page elsewhere."""
    request = RequestFactory().get(path)
    try:
        raise LOST
    except OperationalError:
        response = api_server_error(request)
    (assert_api_503 if path.startswith("/api/") else assert_page_503)(response)

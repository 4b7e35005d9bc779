"""Shared fixtures: one user per role, API clients authenticated by token, a decision ready for review."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from workflows.models import User

_counter = itertools.count(1)


def make_user(*role_names, username=None, **extra):
    username = username or f"{'-'.join(role_names) or 'user'}-{next(_counter)}"
    user = User.objects.create_user(username=username, password="pw-for-tests-123", **extra)
    for role in role_names:
        user.groups.add(Group.objects.get(name=role))
    return user


def client_for(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def users(db):
    return {
        "drafter": make_user("drafter"),
        "judicial": make_user("judicial_office"),
        "secretary": make_user("office_secretary"),
        "chair": make_user("meeting_chair"),
        "principal": make_user("principal"),
        "admin": make_user("admin"),
        "officer": make_user("enforcement_officer"),
    }


@pytest.fixture
def judicial(users):
    """The judicial office's user, with e-mail and SMS chosen besides in-app."""
    user = users["judicial"]
    user.email, user.phone, user.notification_channels = "sifa@shiqiao.example", "13800000001", ["email", "sms"]
    user.save()
    return user


@pytest.fixture
def api(users):
    """api['drafter'] etc.: APIClient authenticated as that role's user."""
    return {name: client_for(user) for name, user in users.items()}


@pytest.fixture
def today():
    return timezone.localdate()


def far_meeting_date():
    """A date far enough ahead that the 7-working-day review lead time (D7) never blocks."""
    return timezone.localdate() + datetime.timedelta(days=30)


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"lawflow: database backend {engine}"

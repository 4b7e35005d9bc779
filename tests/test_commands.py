"""Management commands (CONTRACT §2): create_user, verify_audit, seed_demo."""

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import OfficerCertificate
from notifications.models import Deadline, Notification
from review import services as review_services
from review.models import AgendaItem, Decision, DecisionState, Meeting, PreparationRecord, ReviewOpinion
from workflows.audit import verify_chain
from workflows.models import AuditChain, AuditEntry, User
from workflows.services import fire_transition

from .audit_helpers import tampering

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

PROJECT = Path(__file__).resolve().parent.parent


def run(name, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def last_line(text):
    return text.rstrip("\n").splitlines()[-1]


# --------------------------------------------------------------------------------------------------
# create_user
# --------------------------------------------------------------------------------------------------


def test_create_user_creates_with_roles_and_prints_token_alone_on_last_line():
    out, _ = run("create_user", "wangwu", "--role", "drafter", "--role", "judicial_office",
                 "--phone", "13812345678", "--email", "wangwu@example.gov.cn",
                 "--first-name", "五", "--last-name", "王", "--legal-qualification")
    user = User.objects.get(username="wangwu")
    assert set(user.groups.values_list("name", flat=True)) == {"drafter", "judicial_office"}
    assert (user.phone, user.email, user.first_name, user.last_name) == ("13812345678", "wangwu@example.gov.cn", "五", "王")
    assert user.legal_qualification
    assert not user.has_usable_password()  # no --password on create
    assert not user.is_staff and not user.is_superuser
    assert last_line(out) == Token.objects.get(user=user).key
    assert len(last_line(out)) == 40


def test_create_user_updates_replacing_roles_and_keeps_token():
    first, _ = run("create_user", "zhaoliu", "--role", "drafter", "--password", "correct-horse-9")
    second, _ = run("create_user", "zhaoliu", "--role", "office_secretary", "--role", "admin")
    user = User.objects.get(username="zhaoliu")
    assert set(user.groups.values_list("name", flat=True)) == {"office_secretary", "admin"}
    assert user.check_password("correct-horse-9")  # kept: no --password on update
    assert user.is_staff and not user.is_superuser  # admin role opens the Django admin
    assert last_line(first) == last_line(second)
    assert User.objects.filter(username="zhaoliu").count() == 1

    run("create_user", "zhaoliu", "--role", "drafter")
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == ["drafter"]
    assert not user.is_staff


def test_create_user_token_authenticates_the_api():
    out, _ = run("create_user", "sunqi", "--role", "principal", "--phone", "13912345678")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {last_line(out)}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "sunqi"
    assert "principal" in str(response.json()["roles"])
    assert response.json()["phone"] == "13912345678"
    assert APIClient().get("/api/v1/me/").status_code in (401, 403)


def test_create_user_bad_role_lists_valid_roles():
    with pytest.raises(CommandError) as refused:
        run("create_user", "nobody", "--role", "mayor")
    assert "mayor" in str(refused.value)
    assert "judicial_office" in str(refused.value) and "enforcement_officer" in str(refused.value)
    assert not User.objects.filter(username="nobody").exists()


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "0375-1234567", "abc"])
def test_create_user_rejects_phone_that_is_not_a_mainland_mobile(phone):
    with pytest.raises(CommandError, match="mobile"):
        run("create_user", "badphone", "--role", "drafter", "--phone", phone)
    assert not User.objects.filter(username="badphone").exists()


def test_create_user_certificate_options():
    with pytest.raises(CommandError, match="both or neither"):
        run("create_user", "zhifa99", "--role", "enforcement_officer", "--certificate", "41042100099")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("create_user", "zhifa99", "--role", "enforcement_officer", "--certificate", "41042100099",
            "--certificate-expires", "2027/12/31")
    with pytest.raises(CommandError, match="enforcement officer"):
        run("create_user", "zhifa99", "--role", "drafter", "--certificate", "41042100099",
            "--certificate-expires", "2027-12-31")
    assert not User.objects.filter(username="zhifa99").exists()

    out, _ = run("create_user", "zhifa99", "--role", "enforcement_officer", "--certificate", "41042100099",
                 "--certificate-expires", "2027-12-31")
    user = User.objects.get(username="zhifa99")
    certificate = OfficerCertificate.objects.get(number="41042100099")
    assert certificate.officer == user and certificate.expires_on.isoformat() == "2027-12-31"
    assert last_line(out) == Token.objects.get(user=user).key


def test_create_user_rejects_short_password():
    with pytest.raises(CommandError, match="Password"):
        run("create_user", "shortpw", "--role", "drafter", "--password", "abc")
    assert not User.objects.filter(username="shortpw").exists()


# --------------------------------------------------------------------------------------------------
# verify_audit
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def actors(db):
    """A drafter and a judicial-office user without passwords (hashing is slow and not needed here)."""
    def make(username, role):
        user = User.objects.create(username=username)
        user.groups.add(Group.objects.get(name=role))
        return user

    return {"drafter": make("cmd-drafter", "drafter"), "judicial": make("cmd-judicial", "judicial_office")}


def make_history(users):
    """A few real transitions: create, record preparation, submit, return, resubmit."""
    decision = review_services.create_decision(
        user=users["drafter"], title="石桥镇宅基地审批管理办法", body="第一条 一户一宅。", category="normative_document",
        department="农业农村办", public_participation_required=False, participation_exemption_ground="涉及国家秘密，依法不予公开（保守国家秘密法第2条）。",
    )
    fire_transition("decision", decision.pk, "submit_for_review", users["drafter"], {"comment": "请审查"})
    fire_transition("decision", decision.pk, "return_for_revision", users["judicial"], {"opinion": "请补充依据", "procedure_ok": False})
    fire_transition("decision", decision.pk, "submit_for_review", users["drafter"], {"comment": "已修改"})
    return decision


def test_verify_audit_intact_after_transitions(actors):
    make_history(actors)
    count = AuditEntry.objects.count()
    assert count >= 4
    out, _ = run("verify_audit")
    assert out.strip() == f"audit chain intact: {count} entries"


def test_verify_audit_names_a_tampered_entry(actors):
    make_history(actors)
    entry = AuditEntry.objects.get(transition="return_for_revision")
    with tampering():  # PostgreSQL: past the append-only trigger, as DDL rights allow (tests/audit_helpers.py)
        AuditEntry.objects.filter(pk=entry.pk).update(comment="x")  # QuerySet.update bypasses the model's save()
    with pytest.raises(CommandError) as broken:
        run("verify_audit")
    assert broken.value.returncode == 1
    assert f"entry {entry.sequence}:" in str(broken.value)
    assert "hash" in str(broken.value)


def test_verify_audit_detects_a_deleted_entry(actors):
    make_history(actors)
    middle = AuditEntry.objects.order_by("sequence")[1]
    with tampering():
        AuditEntry.objects.filter(pk=middle.pk).delete()  # QuerySet.delete bypasses the model's delete()
    with pytest.raises(CommandError) as broken:
        run("verify_audit")
    assert broken.value.returncode == 1
    assert f"entry {middle.sequence}:" in str(broken.value)


def test_verify_audit_detects_the_last_entry_deleted(actors):
    make_history(actors)
    last = AuditChain.objects.get(pk=1).length
    with tampering():
        AuditEntry.objects.filter(sequence=last).delete()
    with pytest.raises(CommandError) as broken:
        run("verify_audit")
    assert broken.value.returncode == 1
    assert f"entry {last}:" in str(broken.value) and "removed" in str(broken.value)


def test_verify_audit_exit_codes_in_a_real_process(tmp_path):
    """manage.py verify_audit as an operator runs it: exit 0 when whole, 1 and the entry on stderr when not."""
    db = tmp_path / "verify-audit.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "config.settings"}

    def manage(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True,
                              text=True, timeout=120)

    migrated = manage("migrate", "-v0", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    made = manage("shell", "-c", (
        "from workflows import audit; from workflows.models import User; "
        "u = User.objects.create(username='auditor'); "
        "[audit.record(u, transition=f'step{i}', user=u, comment=f'第{i}步') for i in range(1, 4)]"
    ))
    assert made.returncode == 0, made.stderr

    intact = manage("verify_audit")
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.strip() == "audit chain intact: 3 entries"

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE workflows_auditentry SET comment = 'x' WHERE sequence = 2")
    broken = manage("verify_audit")
    assert broken.returncode == 1, (broken.stdout, broken.stderr)
    assert "entry 2:" in broken.stderr
    assert "intact" not in broken.stdout


# --------------------------------------------------------------------------------------------------
# seed_demo
# --------------------------------------------------------------------------------------------------


SEEDED_MODELS = (User, Decision, Meeting, AgendaItem, PreparationRecord, ReviewOpinion, Deadline, Notification,
                 AuditEntry, Token)


def counts():
    return {model.__name__: model.objects.count() for model in SEEDED_MODELS}


def test_seed_demo_loads_every_state_once_and_keeps_the_chain():
    out, _ = run("seed_demo")
    states = set(Decision.objects.values_list("state", flat=True))
    assert states == set(DecisionState.values)
    assert "lawflow-demo" in out and "http://127.0.0.1:8000/" in out

    # One user per role (CONTRACT §3), password known; admin is staff and superuser.
    for role in ("drafter", "judicial_office", "office_secretary", "meeting_chair", "principal", "brigade_chief",
                 "enforcement_officer", "admin"):
        assert Group.objects.get(name=role).user_set.exists(), role
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.check_password("lawflow-demo")
    assert User.objects.get(username="sifa").legal_qualification

    # Signed and published decisions carry document numbers; the planned meeting lies ≥ 2 weeks ahead.
    assert all(d.number for d in Decision.objects.filter(state__in=["signed", "published"]))
    today = timezone.localdate()
    planned = Meeting.objects.get(state="planned")
    assert (planned.date - today).days >= 14
    assert planned.decisions.filter(state="scheduled").exists()
    # 条例 Art 14-15: only the internal working rule goes without public participation; every other decision that
    # went to review held a comment period of at least 30 days that had ended before its submission.
    exempt = Decision.objects.filter(public_participation_required=False)
    assert list(exempt.values_list("title", flat=True)) == ["石桥镇村级法律顾问服务管理办法"]
    for decision in Decision.objects.filter(public_participation_required=True).exclude(state="draft"):
        shortened = bool(decision.participation_urgency_reason.strip())
        assert decision.counted_comment_days() >= (10 if shortened else 30), decision.title
    # One review is overdue (demo data); the judicial office attends every meeting (D6).
    assert Deadline.objects.filter(kind="decision.review", status="open", due_date__lt=today).exists()
    for meeting in Meeting.objects.all():
        assert meeting.attendees.filter(groups__name="judicial_office").exists()

    assert verify_chain().intact
    out, _ = run("verify_audit")
    assert out.startswith("audit chain intact:")

    before = counts()
    again, _ = run("seed_demo")
    assert counts() == before
    assert "demo data already loaded" in again
    assert "zhangsan" in again and "lawflow-demo" in again
    assert verify_chain().intact

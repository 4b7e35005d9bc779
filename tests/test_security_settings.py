"""Authentication and deployment (issue 17 item 5; README "Security"): login throttling (django-axes), the
password rules, idle sessions, the Content-Security-Policy, the production settings and headers that
`manage.py check --deploy` asks for, and the image's unprivileged user. The CSRF walk over every URL is in
tests/test_csrf_everywhere.py."""

import base64
import datetime
import json
import os
import re
import secrets
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.test import APIClient

from workflows.models import User

from .conftest import client_for, make_user

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pw-for-tests-123"  # tests/conftest.py make_user
WRONG = "not-the-password-1"
LOGIN = "/accounts/login/"
MINUTE = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def html_of(response) -> str:
    return response.content.decode("utf-8")


def log_in(client, username, password, *, url=LOGIN, address="127.0.0.1", **headers):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def logged_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def locked_out(response) -> bool:
    """The lockout page (templates/registration/lockout.html): status 429, in Chinese, nobody logged in."""
    if response.status_code != 429:
        return False
    html = html_of(response)
    assert "登录已锁定" in html and "连续5次密码错误" in html and "请在30分钟后再试" in html, html[:3000]
    assert "系统管理员" in html  # who to ask
    assert not response.wsgi_request.user.is_authenticated
    return True


def lock(client, username, *, url=LOGIN, address="127.0.0.1", **headers):
    """Four wrong passwords are shown the form again; the fifth locks the user name at that address."""
    for attempt in range(1, 5):
        response = log_in(client, username, WRONG, url=url, address=address, **headers)
        assert response.status_code == 200, (attempt, response.status_code)
        assert "登录已锁定" not in html_of(response)
    assert locked_out(log_in(client, username, WRONG, url=url, address=address, **headers))


# --------------------------------------------------------------------------------------------------
# Login throttling (django-axes, config/settings.py AXES_*)
# --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_fifth_wrong_password_locks_that_user_name_at_that_address(client, clock):
    clock.freeze()
    user, colleague = make_user("drafter"), make_user("drafter")
    lock(client, user.username)
    # Now even the right password is refused here, with the same page.
    assert locked_out(log_in(client, user.username, PASSWORD))
    # The pair is locked, not the user nor the address: the same user at another PC, a colleague at this one.
    assert logged_in(log_in(Client(), user.username, PASSWORD, address="10.0.0.2"))
    assert logged_in(log_in(Client(), colleague.username, PASSWORD))


@pytest.mark.django_db
def test_the_lock_lifts_thirty_minutes_after_the_last_attempt_and_each_attempt_restarts_it(client, clock):
    clock.freeze()
    user = make_user("drafter")
    lock(client, user.username)
    clock.shift(30 * MINUTE - SECOND)
    assert locked_out(log_in(client, user.username, PASSWORD))  # a second short of 30 minutes; the wait restarts
    clock.shift(2 * SECOND)
    assert locked_out(log_in(client, user.username, PASSWORD))  # would be free had the last try not restarted it
    clock.shift(30 * MINUTE + SECOND)
    assert logged_in(log_in(client, user.username, PASSWORD))


@pytest.mark.django_db
def test_a_successful_login_forgets_the_earlier_failures(client, clock):
    clock.freeze()
    user = make_user("drafter")
    for _ in range(4):
        assert log_in(client, user.username, WRONG).status_code == 200
    assert logged_in(log_in(client, user.username, PASSWORD))
    client.post("/accounts/logout/")
    lock(client, user.username)  # four more failures are not five: the count started again


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(client, clock):
    clock.freeze()
    admin = make_user("admin", is_staff=True)
    lock(client, admin.username, url="/admin/login/")
    assert locked_out(log_in(client, admin.username, PASSWORD, url="/admin/login/"))
    assert locked_out(log_in(client, admin.username, PASSWORD))  # and the site's login: the same user, same PC


@pytest.mark.django_db
def test_an_administrator_lifts_the_lock_with_axes_reset_username(client, clock):
    clock.freeze()
    user = make_user("drafter")
    lock(client, user.username)
    call_command("axes_reset_username", user.username, stdout=open(os.devnull, "w"))
    assert logged_in(log_in(client, user.username, PASSWORD))


@pytest.mark.django_db
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, clock, settings):
    clock.freeze()
    settings.TRUSTED_PROXY_COUNT = 1  # nginx in front, on the same host (REMOTE_ADDR 127.0.0.1 for everyone)
    user = make_user("drafter")
    lock(client, user.username, HTTP_X_FORWARDED_FOR="10.1.1.1")
    # What the client itself writes into X-Forwarded-For (left of the proxy's entry) does not unlock it...
    assert locked_out(log_in(Client(), user.username, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9, 10.1.1.1"))
    # ...and another PC behind the same proxy is another address.
    assert logged_in(log_in(Client(), user.username, PASSWORD, HTTP_X_FORWARDED_FOR="10.1.1.2"))


@pytest.mark.django_db
def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, clock):
    clock.freeze()
    user = make_user("drafter")
    lock(client, user.username, HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert locked_out(log_in(Client(), user.username, PASSWORD, HTTP_X_FORWARDED_FOR="10.1.1.2"))


@pytest.mark.django_db
def test_the_api_has_no_password_login_to_throttle(client, clock):
    """Tokens come from `create_user` (CONTRACT §2); the API takes a token or the browser's session, never a
    password, so nothing there bypasses the throttling. A token keeps working while its user's web login is
    locked (the token is not a login attempt)."""
    clock.freeze()

    def views(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from views(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                yield getattr(entry.callback, "cls", None) or getattr(entry.callback, "view_class", None)

    assert not [view for view in views(get_resolver().url_patterns)
                if isinstance(view, type) and issubclass(view, ObtainAuthToken)]
    assert django_settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
    user = make_user("drafter")
    basic = APIClient()
    basic.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode())
    assert basic.get("/api/v1/me/").status_code == 401
    lock(client, user.username)
    assert client_for(user).get("/api/v1/me/").json()["username"] == user.username


# --------------------------------------------------------------------------------------------------
# Passwords (AUTH_PASSWORD_VALIDATORS: all four of Django's, at least 10 characters)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("password, message", [
    ("short-pw1", "密码太短，至少需要10个字符。"),  # 9 characters
    ("password123", "这个密码太常见了。"),
    ("20261130095501", "密码只包含数字。"),
    ("zhangsan2026", "密码跟 用户名 太相似了。"),
])
def test_weak_passwords_are_refused_in_chinese(password, message):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        password_validation.validate_password(password, User(username="zhangsan", first_name="三", last_name="张"))
    assert message in refused.value.messages


def test_ten_characters_are_enough():
    password_validation.validate_password("short-pw12", User(username="zhangsan"))


@pytest.mark.django_db
def test_create_user_refuses_a_weak_password_and_takes_a_good_one():
    with pytest.raises(CommandError, match="Password rejected"):
        call_command("create_user", "lisi", "--role", "drafter", "--password", "lisi-2026", stdout=open(os.devnull, "w"))
    assert not User.objects.filter(username="lisi").exists()
    call_command("create_user", "lisi", "--role", "drafter", "--password", "qiaotou-village-7", stdout=open(os.devnull, "w"))
    assert User.objects.get(username="lisi").check_password("qiaotou-village-7")


def test_the_demo_password_passes_for_every_demo_user():
    """`make demo` sets the demo password without the validators (demo/people.py), but it would pass them."""
    from demo.brigade import OFFICERS
    from demo.people import DEMO_PASSWORD, USERS, demo_email

    for spec in [*USERS, *OFFICERS]:
        password_validation.validate_password(DEMO_PASSWORD, User(
            username=spec.username, first_name=spec.first_name, last_name=spec.last_name,
            email=demo_email(spec.username)))


# --------------------------------------------------------------------------------------------------
# Sessions end after 30 idle minutes and when the browser closes
# --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_idle_session_ends_after_thirty_minutes_and_activity_keeps_it(client, clock):
    clock.freeze()
    user = make_user("drafter")
    response = log_in(client, user.username, PASSWORD)
    assert logged_in(response)
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # gone when the browser closes
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    for _ in range(3):  # an hour and a half of work, never idle for 30 minutes
        clock.shift(30 * MINUTE - SECOND)
        response = client.get("/inbox/")
        assert response.status_code == 200 and response.wsgi_request.user == user
    clock.shift(30 * MINUTE)
    response = client.get("/inbox/")
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=/inbox/"
    assert not response.wsgi_request.user.is_authenticated


# --------------------------------------------------------------------------------------------------
# Content-Security-Policy and the other headers (development serves the same policy as production)
# --------------------------------------------------------------------------------------------------


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_strict_policy(header: str):
    policy = directives(header)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval, nothing from elsewhere
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]  # config/settings.py says why
    assert policy["img-src"] == ["'self'", "data:"]
    assert set(policy["connect-src"]) == {"'self'"} and set(policy["font-src"]) == {"'self'"}
    return policy


@pytest.mark.django_db
def test_pages_files_and_the_api_carry_the_policy_and_refuse_framing(client):
    for url in (LOGIN, "/api/v1/health/", "/public/first-offence-list/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy(response["Content-Security-Policy"])
        assert "Content-Security-Policy-Report-Only" not in response
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


NOT_THE_PROJECT = {".venv", ".git", "test-artifacts", "staticfiles", "var", "node_modules", "__pycache__"}


def project_files(suffix: str) -> list[Path]:
    """lawflow's own files ending in `suffix` (not the virtualenv's, nor generated ones)."""
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(d for d in subfolders if d not in NOT_THE_PROJECT and not d.startswith("."))
        found += [Path(folder) / name for name in sorted(files) if name.endswith(suffix)]
    return found


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=[\"']application/(?:ld\+)?json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
SCRIPT_URL = re.compile(r"""\b(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


def inline_code(html: str) -> list[str]:
    return [m.group(0)[:120] for pattern in (INLINE_SCRIPT, INLINE_HANDLER, SCRIPT_URL) for m in pattern.finditer(html)]


def test_the_detector_finds_inline_code():
    assert inline_code('<script>alert(1)</script><script src="/static/x.js"></script>') == ["<script>"]
    assert inline_code('<button type="button" onclick="window.print()">') != []
    assert inline_code('<a href="javascript:history.back()">') != []
    assert inline_code('<script type="application/json" id="d">{}</script><a data-lf-back href="/">') == []


def test_no_template_of_lawflow_has_inline_script():
    """The policy refuses inline scripts, inline event handlers and javascript: links: none of lawflow's templates
    may carry one (viewflow's and Swagger UI's pages are checked in a real browser, tests/browser)."""
    templates = project_files(".html")
    assert ROOT / "web" / "templates" / "web" / "chart.html" in templates and len(templates) > 50
    found = [f"{path.relative_to(ROOT)}: {code}" for path in templates
             for code in inline_code(path.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_the_swagger_ui_loads_its_start_up_script_as_a_file(api):
    html = html_of(api["drafter"].get("/api/v1/docs/"))
    assert inline_code(html) == []
    start_up = re.search(r'<script src="([^"]*\?script=[^"]*)"', html)
    assert start_up, html[:2000]
    script = api["drafter"].get(unescape(start_up.group(1)))
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


# --------------------------------------------------------------------------------------------------
# Production: the settings, the headers, and `manage.py check --deploy`
# --------------------------------------------------------------------------------------------------


def production_env(tmp_path, **overrides) -> dict[str, str]:
    """The environment of a production server behind a TLS proxy at https://example.gov.cn."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "CSP_", "AXES_"))
                   and k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "HTTPS", "DATABASE_URL",
                                 "REDIS_URL", "SESSION_IDLE_MINUTES", "TRUSTED_PROXY_COUNT", "CSRF_COOKIE_SECURE",
                                 "SESSION_COOKIE_SECURE")}
    secret = secrets.token_urlsafe(50)  # 67 characters
    assert len(secret) >= 50
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false", SECRET_KEY=secret, ALLOWED_HOSTS="example.gov.cn",
        SITE_URL="https://example.gov.cn", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", TRUSTED_PROXY_COUNT="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}", LAWFLOW_BROKER_DIR=str(tmp_path / "broker"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    environment.update(overrides)
    return environment


PRODUCTION_PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST="example.gov.cn")
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
health = client.get("/api/v1/health/")
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT",
         "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER",
         "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS", "SESSION_COOKIE_AGE",
         "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SESSION_SAVE_EVERY_REQUEST", "AXES_FAILURE_LIMIT", "TRUSTED_PROXY_COUNT"]
print(json.dumps({
    "settings": {name: getattr(settings, name) for name in names},
    "cooloff_minutes": settings.AXES_COOLOFF_TIME.total_seconds() / 60,
    "plain": [plain.status_code, plain.get("Location")],
    "health": health.status_code,
    "secure": [secure.status_code, dict(secure.items()), secure.cookies["csrftoken"].output()],
}))
"""


def test_production_settings_and_headers(tmp_path):
    result = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=production_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["settings"] == {
        "DEBUG": False, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True, "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_CONTENT_TYPE_NOSNIFF": True, "SECURE_REFERRER_POLICY": "same-origin", "X_FRAME_OPTIONS": "DENY",
        "SESSION_COOKIE_AGE": 1800, "SESSION_EXPIRE_AT_BROWSER_CLOSE": True, "SESSION_SAVE_EVERY_REQUEST": True,
        "AXES_FAILURE_LIMIT": 5, "TRUSTED_PROXY_COUNT": 1,
    }
    assert probe["cooloff_minutes"] == 30
    assert probe["plain"] == [301, "https://example.gov.cn/accounts/login/"]  # HTTP goes to HTTPS
    assert probe["health"] == 200  # the health check may ask over HTTP (docker/healthcheck.py)
    status, headers, csrf_cookie = probe["secure"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = assert_strict_policy(headers["Content-Security-Policy"])
    assert "upgrade-insecure-requests" in policy
    assert (headers["X-Frame-Options"], headers["X-Content-Type-Options"], headers["Referrer-Policy"]) == (
        "DENY", "nosniff", "same-origin")
    assert "; Secure" in csrf_cookie and "SameSite=Lax" in csrf_cookie


def test_the_cool_off_and_the_idle_time_come_from_the_environment(tmp_path):
    probe = ("import django; django.setup(); from django.conf import settings as s; "
             "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.SESSION_COOKIE_AGE)")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env=production_env(tmp_path, AXES_FAILURE_LIMIT="3", AXES_COOLOFF_MINUTES="60",
                                               SESSION_IDLE_MINUTES="15"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["3", "3600.0", "900"]


ISSUE = re.compile(r"^\S*: \(([\w.]+)\) ", re.M)
# drf-spectacular registers its schema generation as a deploy check: its warnings are about the API schema's names
# and type hints (the API fuzzing item of issue 17), not about deployment. They are listed, not silenced.
SCHEMA_QUALITY = {"drf_spectacular.W001", "drf_spectacular.W002"}


def check_deploy(tmp_path, *args, **env) -> tuple[int, list[str], str]:
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", *args], cwd=ROOT,
                            env=production_env(tmp_path, **env), capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    return result.returncode, ISSUE.findall(output), output


def test_check_deploy_is_clean_in_production(tmp_path):
    returncode, issues, output = check_deploy(tmp_path, "--tag", "security", "--fail-level", "WARNING")
    assert returncode == 0 and issues == [], output[-5000:]
    assert "System check identified no issues (0 silenced)." in output
    returncode, issues, output = check_deploy(tmp_path)
    assert returncode == 0 and set(issues) <= SCHEMA_QUALITY, output[-5000:]
    if issues:
        print(f"\ncheck --deploy: {len(issues)} API schema warnings (drf-spectacular), no others")


def test_check_deploy_would_see_a_plain_http_deployment(tmp_path):
    """The check above can fail: on a plain-HTTP intranet (HTTPS=false) it names what is missing."""
    returncode, issues, output = check_deploy(tmp_path, "--tag", "security", "--fail-level", "WARNING",
                                              HTTPS="false")
    assert returncode != 0
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= set(issues), output[-5000:]


# --------------------------------------------------------------------------------------------------
# The production image (docker/Dockerfile; not built here: no registry is reachable)
# --------------------------------------------------------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), (line.split(None, 1) + [""])[1].strip())
            for line in joined.splitlines() if line.strip()]


def final_stage(instructions):
    start = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[start:]


def test_the_image_runs_as_an_unprivileged_user():
    stage = final_stage(dockerfile_instructions((ROOT / "docker" / "Dockerfile").read_text()))
    users = [(i, args) for i, (name, args) in enumerate(stage) if name == "USER"]
    assert users, "the final stage never leaves root"
    last_at, last_user = users[-1]
    assert last_user.split(":")[0] not in {"root", "0"}
    # Nothing after it switches back or runs as root at build time; the container's command runs as that user.
    assert [name for name, _ in stage[last_at + 1:] if name == "RUN"] == []
    assert any(name == "CMD" for name, _ in stage[last_at + 1:])
    # The user exists, and owns what it writes (var/: attachments, the beat schedule, the embedded broker).
    runs = " ".join(args for name, args in stage if name == "RUN")
    assert re.search(rf"\buseradd\b.*\b{re.escape(last_user)}\b", runs)
    assert re.search(rf"chown -R {re.escape(last_user)}:{re.escape(last_user)} var\b", runs)


def test_the_image_collects_its_static_files_and_checks_its_health():
    stage = final_stage(dockerfile_instructions((ROOT / "docker" / "Dockerfile").read_text()))
    names = [name for name, _ in stage]
    collect = next(i for i, (name, args) in enumerate(stage) if name == "RUN" and "collectstatic" in args)
    # collectstatic refuses to run without STATIC_ROOT (the image's build failed without it).
    assert any(name == "ENV" and "STATIC_ROOT=" in args for name, args in stage[:collect])
    assert "HEALTHCHECK" in names
    healthcheck = next(args for name, args in stage if name == "HEALTHCHECK")
    assert "docker/healthcheck.py" in healthcheck
    assert (ROOT / "docker" / "healthcheck.py").is_file()
    assert "^api/v1/health/$" in django_settings.SECURE_REDIRECT_EXEMPT


def test_the_health_check_asks_with_a_host_django_accepts(monkeypatch):
    import runpy

    host_header = runpy.run_path(str(ROOT / "docker" / "healthcheck.py"), run_name="healthcheck")["host_header"]
    monkeypatch.setenv("SITE_URL", "https://fazhi.shiqiao.gov.cn")
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    assert host_header() == "fazhi.shiqiao.gov.cn"  # settings allow SITE_URL's host when ALLOWED_HOSTS is unset
    monkeypatch.setenv("ALLOWED_HOSTS", ".shiqiao.gov.cn")
    assert host_header() == "fazhi.shiqiao.gov.cn"
    monkeypatch.setenv("ALLOWED_HOSTS", "*, 10.1.2.3")
    assert host_header() == "fazhi.shiqiao.gov.cn"
    monkeypatch.setenv("ALLOWED_HOSTS", "10.1.2.3,lawflow.internal")
    assert host_header() == "10.1.2.3"

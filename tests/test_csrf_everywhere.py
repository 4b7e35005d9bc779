"""CSRF on every form (issue 17 item 5): walk every URL pattern of config/urls.py (the web UI, the documents and
attachments pages, the admin, the API, set_language) and send each, from a logged-in browser that holds its CSRF
cookie, a POST without the token, as another site's page would: every one is refused with 403 before any view
runs, and nothing changes.

No view is csrf_exempt except the health check (GET only, no login, no session: a POST is 405 and can ride on
nobody's session). DRF's views are csrf_exempt to Django by design: DRF checks the token itself when the session
authenticates the request (SessionAuthentication), which is what this walk sees; a request authenticated by an API
token is not CSRF-bound, since a browser never sends the token by itself.
"""

import re
import re._parser as sre_parse  # the regular expression parser of the standard library (sre_parse)
from re._constants import (
    ANY,
    AT,
    BRANCH,
    CATEGORY,
    CATEGORY_DIGIT,
    CATEGORY_NOT_DIGIT,
    CATEGORY_NOT_SPACE,
    CATEGORY_NOT_WORD,
    CATEGORY_SPACE,
    CATEGORY_WORD,
    IN,
    LITERAL,
    MAX_REPEAT,
    MIN_REPEAT,
    NEGATE,
    NOT_LITERAL,
    RANGE,
    SUBPATTERN,
)

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from review.models import Decision
from workflows.models import AuditEntry, User

from .test_decision_flow import create_decision

# The only views that take an unsafe method without the CSRF check, and why (path -> status of the forged POST).
JUSTIFIED = {
    "/api/v1/health/": 405,  # web.site_api.HealthView: GET only, authentication_classes = [] (no session)
}
# Refused (403) with a page that does not say why: the Swagger page renders DRF's refusal with the site's 403 page
# (templates/403.html). The view lets anybody in (drf-spectacular's SERVE_PERMISSIONS), so only CSRF refuses.
REFUSED_WITHOUT_REASON = {"/api/v1/docs/"}

@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CATEGORY_SAMPLE = {CATEGORY_DIGIT: "0", CATEGORY_WORD: "a", CATEGORY_SPACE: " ", CATEGORY_NOT_DIGIT: "a",
                   CATEGORY_NOT_WORD: "-", CATEGORY_NOT_SPACE: "a"}


def sample(regex: str, at_least: int = 0) -> str:
    """The shortest string a URL pattern's regular expression matches (first branch, first character of a class,
    fewest repeats, at least `at_least` of each); enough to reach the view (the CSRF check runs before the view
    looks anything up)."""
    parsed = sre_parse.parse(regex)
    fixed = {number: GROUP_SAMPLE[name] for name, number in parsed.state.groupdict.items() if name in GROUP_SAMPLE}
    return _emit(parsed, at_least, fixed)


# Named groups whose shortest match the view refuses before anything else (DRF's `.json` format suffix).
GROUP_SAMPLE = {"format": "json"}


def _emit(parsed, at_least: int = 0, fixed=None) -> str:
    fixed = fixed or {}
    out = []
    for op, arg in parsed:
        if op is LITERAL:
            out.append(chr(arg))
        elif op is NOT_LITERAL:
            out.append("a" if arg != ord("a") else "b")
        elif op is ANY:
            out.append("a")
        elif op is IN:
            out.append(_first_of_class(arg))
        elif op is CATEGORY:
            out.append(CATEGORY_SAMPLE[arg])
        elif op in (MAX_REPEAT, MIN_REPEAT):
            low, _high, sub = arg
            out.append(_emit(sub, at_least, fixed) * max(low, at_least))
        elif op is SUBPATTERN:
            natural = _emit(arg[-1], at_least, fixed)
            # DRF's format suffix `(?P<format>[a-z0-9]+)` or `(?P<format>\.[a-z0-9]+/?)`: `json`, `.json`.
            out.append(re.sub(r"[a-z0-9]+", fixed[arg[0]], natural, count=1) if arg[0] in fixed else natural)
        elif op is BRANCH:
            out.append(_emit(arg[1][0], at_least, fixed))
        elif op is AT:
            continue
        else:  # pragma: no cover - a construct no URL pattern here uses
            raise ValueError(f"cannot sample {op} in a URL pattern")
    return "".join(out)


def _first_of_class(items) -> str:
    if items and items[0][0] is NEGATE:
        excluded = {chr(v) for op, v in items[1:] if op is LITERAL}
        return next(c for c in "a0-_x" if c not in excluded)
    op, value = items[0]
    if op is LITERAL:
        return chr(value)
    if op is RANGE:
        return chr(value[0])
    return CATEGORY_SAMPLE[value]


def url_patterns(patterns=None, prefix="", at_least=0):
    """(a path, the pattern) for every URL pattern of the site: the shortest path the patterns match, or with one
    of each repeat where an earlier pattern takes the shortest one (`admin/(?P<url>.*)$` after `admin/`)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        here = prefix + sample(entry.pattern.regex.pattern, at_least)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, here, at_least)
        elif isinstance(entry, URLPattern):
            path = "/" + here
            if at_least == 0 and resolve(path).func is not entry.callback:
                path = "/" + prefix + sample(entry.pattern.regex.pattern, 1)
            yield path, entry


def accepts_unsafe_methods(callback) -> bool:
    """Whether the view takes POST, PUT, PATCH or DELETE (a function view is assumed to)."""
    actions = getattr(callback, "actions", None)  # a DRF viewset's route
    if actions is not None:
        return bool({"post", "put", "patch", "delete"} & set(actions))
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view is None:
        return True
    allowed = {m for m in getattr(view, "http_method_names", ()) if hasattr(view, m)}
    return bool({"post", "put", "patch", "delete"} & allowed)


def test_the_sampler_reaches_the_patterns():
    assert sample(r"^(?P<owner>[a-z][a-z_-]{0,39})/(?P<pk>[0-9]{1,18})/documents/$") == "a/0/documents/"
    assert sample(r"^cases/(?P<pk>[0-9]{1,18})/case-file\.(?P<fmt>pdf|zip)$") == "cases/0/case-file.pdf"
    assert sample(r"^calendar/days/(?P<day>[0-9-]{1,12})/\Z") == "calendar/days/0/"
    assert sample(r"^(?P<app_label>auth|workflows)/$") == "auth/"
    assert sample(r"^decisions\.(?P<format>[a-z0-9]+)/?$") == "decisions.json"
    assert sample(r"^(?P<format>\.[a-z0-9]+/?)\Z") == ".json"


@pytest.mark.django_db
def test_every_unsafe_request_from_a_session_needs_the_csrf_token():
    walked = list(url_patterns())
    assert [path for path, entry in walked if resolve(path).func is not entry.callback] == []  # each view reached

    admin = User.objects.create_superuser("csrf-walker", password="pw-for-tests-123")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    assert browser.get("/accounts/login/").cookies.get("csrftoken"), "the browser holds its CSRF cookie"
    audit_before = AuditEntry.objects.count()

    refused, not_refused, unsafe = 0, {}, 0
    for path, entry in walked:
        unsafe += accepts_unsafe_methods(entry.callback)
        response = browser.post(path, {"title": "forged", "comment": "forged"})
        if response.status_code == 403 and (b"CSRF" in response.content or path in REFUSED_WITHOUT_REASON):
            refused += 1
        else:
            not_refused[path] = response.status_code
    print(f"\n{len(walked)} URL patterns ({unsafe} take an unsafe method); {refused} refused the forged POST")

    assert not_refused == JUSTIFIED
    assert unsafe > 100 and refused == len(walked) - len(JUSTIFIED)
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_the_refusal_is_a_page_in_chinese_and_json_in_the_api():
    admin = User.objects.create_superuser("csrf-walker", password="pw-for-tests-123")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    browser.get("/accounts/login/")
    page = browser.post("/review/decisions/add/", {"title": "forged"})
    assert page.status_code == 403 and "CSRF验证失败" in page.content.decode(), page.content.decode()[:2000]
    api = browser.post("/api/v1/decisions/", {"title": "forged"})
    assert api.status_code == 403 and api["Content-Type"].startswith("application/json")
    assert api.json() == {"error": "forbidden", "detail": "该请求来自浏览器会话，但缺少CSRF令牌：请刷新页面后重试，或改用API令牌。 / "
                          "The request came from a browser session without its CSRF token: reload the page and "
                          "try again, or send an API token."}  # not "your roles may not do this"


@pytest.mark.django_db
def test_an_error_of_the_schema_endpoint_is_not_a_500(api):
    """Found by the walk: the schema endpoint writes YAML, which could not write the error's text (500)."""
    response = api["drafter"].post("/api/v1/schema/", {})
    assert response.status_code == 405
    assert b"error: method_not_allowed" in response.content


@pytest.mark.django_db
def test_the_login_form_needs_the_token_too():
    """Login CSRF: another site must not log a browser in under an account of its choosing."""
    User.objects.create_user("victim", password="pw-for-tests-123")
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/accounts/login/", {"username": "victim", "password": "pw-for-tests-123"})
    assert response.status_code == 403
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_an_api_token_is_not_csrf_bound(api):
    """A script with its token (Authorization header, which a browser never adds by itself) needs no CSRF token."""
    decision = create_decision(api["drafter"])  # 201 with the token alone
    assert Decision.objects.get(pk=decision["id"]).title == decision["title"]


def test_no_view_of_lawflow_is_csrf_exempt():
    """Only the health check (JUSTIFIED) skips Django's CSRF middleware apart from DRF's views, which check the token
    themselves for a session (above); lawflow's own code never marks a view csrf_exempt."""
    from .test_security_settings import ROOT, project_files

    offenders = [str(path.relative_to(ROOT)) for path in project_files(".py")
                 if path.relative_to(ROOT).parts[0] != "tests"
                 and re.search(r"\bcsrf_exempt\b", path.read_text(encoding="utf-8"))]
    assert offenders == []

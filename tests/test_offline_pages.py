"""Nothing from outside the server (issue 5: "no asset, font or script from outside the server").

The demo town (`seed_demo`) is loaded; every demo role's user, an anonymous visitor (the login page) and the
Swagger docs page are crawled: from `/`, every same-site `<a href>` is followed (GET only, a few samples per
URL pattern, see `crawl`). Each HTML page is checked for references to another origin (`find_external_refs`),
then every local CSS and JS file those pages load is fetched through the test client (WhiteNoise serves the
packaged assets, WHITENOISE_USE_FINDERS) and checked too (`find_external_css_refs`, `find_external_js_loads`).

What counts as an outside reference:

- HTML: any src, href, action, formaction, srcset, poster, data, background or xlink:href attribute, and any
  `<meta http-equiv="refresh">` target, whose URL is absolute (`http:`, `https:`, `ftp:`, `ws:`…) or
  protocol-relative (`//host/...`) and not on this server; in inline `<style>` blocks and style="" attributes,
  CSS `url(...)` and `@import`; in inline `<script>` blocks, the JS heuristic below. Links to the outside
  (`<a href="https://...">`) count as well: on a township intranet without internet they lead nowhere.
  `xmlns` attributes (e.g. http://www.w3.org/2000/svg) are names, not loads, and are not checked.
- CSS files: `url(...)` and `@import` targets and a `sourceMappingURL` comment; the local ones (fonts, imported
  style sheets) are fetched in turn and must be served (200), like every local file a page loads.
- JS files (heuristic): a minified library carries URLs in licence headers, comments, error messages and XML
  namespaces that it never loads, so only what is plainly loaded is flagged: an absolute `sourceMappingURL`,
  an ES module `import ... from "https://..."` / `import("https://...")`, `importScripts("https://...")`, and
  any URL on a well-known asset host (Google Fonts, jsDelivr, unpkg, cdnjs, code.jquery.com, the Font Awesome
  and Bootstrap CDNs, pygal's tooltip script on kozea.github.io, or any host named `cdn.*` or `*.cdn.*`).
- The Swagger page: Swagger UI's default "online validator" badge (an image from validator.swagger.io) is a
  default inside the library, invisible to that heuristic; `swagger_validator_badge` reads the page's settings.

The detector is tested on its own (`test_detector_flags_*`), so that the check can fail.
"""

import io
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.clock  # the demo town's dates, deadlines and overdue marks count from today

# --------------------------------------------------------------------------------------------------
# The demo users (demo/people.py USERS and demo/brigade.py OFFICERS), one per role
# --------------------------------------------------------------------------------------------------

DEMO_ROLE_USERS = {
    "drafter": "zhangsan",
    "judicial_office": "sifa",
    "office_secretary": "dangzhengban",
    "meeting_chair": "shuji",
    "principal": "zhenzhang",
    "brigade_chief": "daduizhang",
    "enforcement_officer": "zhifa01",
}

# --------------------------------------------------------------------------------------------------
# The crawler: same-site GET pages reachable by links, a few samples per URL pattern
# --------------------------------------------------------------------------------------------------

# Not crawled: the admin and the API (other tests), logging out (it ends the session), static files (checked
# separately), the language switch (a POST form) and anything whose name says it changes something.
SKIP_PREFIXES = ("/admin/", "/api/", "/accounts/logout/", "/static/", "/media/", "/i18n/")
STATE_CHANGING = re.compile(r"(?i)/(logout|delete|remove|read-all|read)/?(\?|$)")
HTML_LINK = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I | re.S)
SERVER_HOSTS = {"testserver", "localhost", "127.0.0.1"}


@dataclass
class Crawled:
    url: str
    key: str  # the URL pattern: url_name, the non-id URL arguments, the query's parameter names
    status: int
    response: object = field(repr=False)
    found_on: str = ""


def page_key(url: str) -> str | None:
    """The URL pattern a URL stands for: `cases:case:transition[name=notify]?state`; None if not ours."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    arguments = ",".join(f"{k}={v}" for k, v in sorted(match.kwargs.items()) if k not in ("pk", "id")
                         and not str(v).isdigit())
    query = ",".join(sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair}))
    return match.view_name + (f"[{arguments}]" if arguments else "") + (f"?{query}" if query else "")


def local_links(html: str, base: str) -> list[str]:
    """The same-site GET links of a page, absolute paths with their query, no fragment."""
    links = []
    for double, single in HTML_LINK.findall(html):
        href = unescape(double or single).strip()
        if not href or href.startswith(("#", "//", "javascript:", "mailto:", "tel:", "data:")):
            continue
        parts = urlsplit(urljoin(base, href))
        if parts.scheme or parts.netloc:
            if parts.netloc not in SERVER_HOSTS:
                continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url.startswith(SKIP_PREFIXES) or STATE_CHANGING.search(parts.path):
            continue
        links.append(url)
    return links


def crawl(client, start: str = "/", per_pattern: int = 3, limit: int = 500) -> list[Crawled]:
    """Breadth-first from `start`: every page once, at most `per_pattern` URLs of each URL pattern (the first
    found), at most `limit` pages. A local redirect (`/` → the inbox) is followed and listed too."""
    queue, seen, taken, pages = [(start, "")], {start}, Counter(), []
    while queue and len(pages) < limit:
        url, found_on = queue.pop(0)
        response = client.get(url)
        pages.append(Crawled(url, page_key(url) or url, response.status_code, response, found_on))
        targets = []
        if response.status_code in (301, 302, 303, 307, 308):
            target = urlsplit(urljoin(url, response["Location"]))
            if not target.netloc or target.netloc in SERVER_HOSTS:
                targets = [target.path + (f"?{target.query}" if target.query else "")]
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            targets = local_links(response.content.decode("utf-8"), url)
        for target in targets:
            if target in seen:
                continue
            seen.add(target)
            key = page_key(target)
            if key is None:  # a link to a page that does not exist: crawled, so that the 404 shows
                key = target
            if taken[key] >= per_pattern:
                continue
            taken[key] += 1
            queue.append((target, url))
    return pages


def demo_town():
    """Loads the demo town into the test database; returns {role: user}."""
    from workflows.models import User

    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    return {role: User.objects.get(username=username) for role, username in DEMO_ROLE_USERS.items()}


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --------------------------------------------------------------------------------------------------
# The detector
# --------------------------------------------------------------------------------------------------

URL_ATTRIBUTES = {"src", "href", "action", "formaction", "srcset", "poster", "data", "background", "xlink:href",
                  "imagesrcset", "manifest", "longdesc", "ping", "cite"}
ABSOLUTE = re.compile(r"^\s*(?:(?P<scheme>[a-z][a-z0-9+.-]*):)?//(?P<host>[^/?#\s'\")]*)", re.I)
LOADED_LINKS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "apple-touch-icon"}
NOT_LOADED_SCHEMES = {"mailto", "tel", "data", "javascript", "about", "blob"}
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.I)
SOURCE_MAP = re.compile(r"[#@]\s*sourceMappingURL\s*=\s*(\S+)")
ASSET_HOSTS = re.compile(
    r"""(?ix) (?:https?:)?//(?:
        fonts\.googleapis\.com | fonts\.gstatic\.com | ajax\.googleapis\.com | (?:[\w-]+\.)*jsdelivr\.net
      | unpkg\.com | cdnjs\.cloudflare\.com | code\.jquery\.com | use\.fontawesome\.com | kit\.fontawesome\.com
      | (?:stackpath|maxcdn)\.bootstrapcdn\.com | kozea\.github\.io | cdn\.[\w.-]+ | [\w-]+\.cdn\.[\w.-]+
    )[^\s'"`)<>]*""")
JS_LOADS = re.compile(
    r"""(?x) (?: \bimport\s*\(\s* | \bimport\b[^;'"`]*?\bfrom\s* | \bimport\s+ | \bimportScripts\s*\(\s* )
        ["'`] ((?:https?:)?//[^"'`]+) ["'`]""")


def is_outside(url: str) -> bool:
    """An absolute or protocol-relative URL on another host (anything but this server)."""
    match = ABSOLUTE.match(unescape(url))
    if match is None:
        return False
    if (match.group("scheme") or "").lower() in NOT_LOADED_SCHEMES:
        return False
    return match.group("host").split(":")[0].lower() not in SERVER_HOSTS


def find_external_css_refs(css: str) -> list[str]:
    """The outside url(...) / @import / sourceMappingURL targets of a style sheet (or a style attribute)."""
    refs = ["".join(groups) for groups in CSS_URL.findall(css)] + CSS_IMPORT.findall(css) + SOURCE_MAP.findall(css)
    return sorted({f"css {ref}" for ref in refs if is_outside(ref)})


def find_external_js_loads(js: str) -> list[str]:
    """What a script plainly loads from outside (the heuristic of the module docstring)."""
    refs = [f"js sourceMappingURL {ref}" for ref in SOURCE_MAP.findall(js) if is_outside(ref)]
    refs += [f"js import {ref}" for ref in JS_LOADS.findall(js) if is_outside(ref)]
    refs += [f"js asset host {match.group(0)}" for match in ASSET_HOSTS.finditer(js)]
    return sorted(set(refs))


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs, self.assets = [], []  # outside references; local CSS/JS files the page loads
        self._in, self._text = None, []

    def handle_starttag(self, tag, attrs):
        attrs = [(name.lower(), value or "") for name, value in attrs]
        values = dict(attrs)
        for name, value in attrs:
            if name in URL_ATTRIBUTES:
                urls = [part.strip().split()[0] for part in value.split(",") if part.strip()] \
                    if name.endswith("srcset") else [value]
                self.refs += [f"<{tag} {name}={url}>" for url in urls if is_outside(url)]
            elif name == "style":
                self.refs += [f"<{tag} style> {ref}" for ref in find_external_css_refs(value)]
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = values.get("content", "").partition("url=")[2] or values.get("content", "").partition("URL=")[2]
            if is_outside(target.strip("'\" ")):
                self.refs.append(f"<meta refresh {target}>")
        local = None
        if tag in ("script", "img") and values.get("src"):
            local = values["src"]
        elif tag == "link" and LOADED_LINKS & set(values.get("rel", "").lower().split()) and values.get("href"):
            local = values["href"]
        if local and not is_outside(local) and not local.startswith("data:"):
            self.assets.append(local)
        if tag in ("script", "style"):
            self._in, self._text = tag, []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == self._in:
            text = "".join(self._text)
            found = find_external_css_refs(text) if tag == "style" else find_external_js_loads(text)
            self.refs += [f"<{tag}> {ref}" for ref in found]
            self._in = None


def find_external_refs(html: str) -> tuple[list[str], list[str]]:
    """(outside references of a page, the local CSS/JS URLs it loads)."""
    parser = _Refs()
    parser.feed(html)
    parser.close()
    # What an HTML parser would not see as markup (e.g. an @import written in a template outside <style>).
    parser.refs += [f"@import {ref}" for ref in CSS_IMPORT.findall(html) if is_outside(ref)
                    and not any(ref in seen for seen in parser.refs)]
    return parser.refs, parser.assets


SWAGGER_SETTINGS = re.compile(r"const swaggerSettings = (\{.*?\});", re.S)


def swagger_validator_badge(html: str) -> list[str]:
    """Swagger UI draws an "online validator" badge, an <img> from https://validator.swagger.io/validator, on any
    host but localhost, in its StandaloneLayout, unless validatorUrl is null or "none". That URL is a default
    inside the library, which the JS heuristic cannot tell from a comment, so the page's configuration is read:
    the BaseLayout (drf-spectacular's) or a validatorUrl turned off is fine."""
    settings = SWAGGER_SETTINGS.search(html)
    if settings is None:
        return ["Swagger UI settings not found (cannot tell whether it loads validator.swagger.io)"]
    if re.search(r"""layout:\s*["']BaseLayout["']""", html) or re.search(
            r""""validatorUrl":\s*(null|"none")""", settings.group(1)):
        return []
    return ["Swagger UI would load its validator badge from https://validator.swagger.io"]


# --------------------------------------------------------------------------------------------------
# The detector can fail
# --------------------------------------------------------------------------------------------------


def test_detector_flags_an_outside_script():
    refs, assets = find_external_refs('<html><head><script src="https://cdn.example.com/x.js"></script>'
                                      '<script src="/static/local.js"></script></head></html>')
    assert refs == ["<script src=https://cdn.example.com/x.js>"]
    assert assets == ["/static/local.js"]


def test_detector_flags_every_kind_of_outside_reference():
    html = """
      <link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">
      <img srcset="/static/a.png 1x, https://img.example.org/a@2x.png 2x">
      <form action="http://evil.example/post"></form>
      <div style="background: url('https://img.example.org/bg.png')"></div>
      <style>@import "https://example.org/x.css"; .a { background: url(/static/ok.png) }</style>
      <script>const s = document.createElement("script"); s.src = "https://unpkg.com/lib@1/x.js";</script>
      <svg xmlns="http://www.w3.org/2000/svg"><script xlink:href="https://kozea.github.io/pygal.js/t.js"/></svg>
      <meta http-equiv="refresh" content="0; url=https://example.org/">
      <a href="/cases/">ok</a> <a href="http://testserver/ok/">ok</a> <a href="mailto:a@b.example">ok</a>
    """
    refs, _ = find_external_refs(html)
    text = "\n".join(refs)
    for outside in ("//fonts.googleapis.com/css", "https://img.example.org/a@2x.png", "http://evil.example/post",
                    "https://img.example.org/bg.png", "https://example.org/x.css", "https://unpkg.com/lib@1/x.js",
                    "https://kozea.github.io/pygal.js/t.js", "https://example.org/"):
        assert outside in text, (outside, refs)
    assert "w3.org" not in text and "testserver" not in text and "mailto" not in text and "/static/" not in text


def test_detector_reads_css_and_js_files():
    css = ('@import url("https://fonts.googleapis.com/css2?family=Roboto"); @font-face { src: url(../fonts/a.woff2)'
           ' format("woff2"), url(https://fonts.gstatic.com/a.woff2) } /*# sourceMappingURL=a.css.map */')
    assert find_external_css_refs(css) == ["css https://fonts.googleapis.com/css2?family=Roboto",
                                           "css https://fonts.gstatic.com/a.woff2"]
    js = ('/*! lib v1 | MIT | https://github.com/lib/lib */ var ns="http://www.w3.org/2000/svg";'
          'throw Error("see https://reactjs.org/docs/error-decoder.html");'
          'import x from "https://esm.example.com/x.js"; //# sourceMappingURL=https://maps.example.com/x.map')
    assert find_external_js_loads(js) == ["js import https://esm.example.com/x.js",
                                          "js sourceMappingURL https://maps.example.com/x.map"]
    assert find_external_js_loads('var f="https://fonts.googleapis.com/icon?family=Material+Icons"') == [
        "js asset host https://fonts.googleapis.com/icon?family=Material+Icons"]


def test_detector_reads_the_swagger_settings():
    page = '<script>const swaggerSettings = {"deepLinking": true};\nconst ui = SwaggerUIBundle({layout: "%s"});'
    assert swagger_validator_badge(page % "BaseLayout") == []
    assert swagger_validator_badge(page % "StandaloneLayout") != []
    assert swagger_validator_badge(page.replace("true", 'true, "validatorUrl": "none"') % "StandaloneLayout") == []


# --------------------------------------------------------------------------------------------------
# The pages of the demo town
# --------------------------------------------------------------------------------------------------

PAGES_PER_PATTERN = 2


def crawl_everyone(users) -> dict[str, list[Crawled]]:
    """{who: crawled pages}: each role's user from `/`, an anonymous visitor from the login page, and the
    API's Swagger page (its own static files, from drf-spectacular-sidecar)."""
    crawled = {role: crawl(client_as(user), "/", PAGES_PER_PATTERN) for role, user in users.items()}
    crawled["anonymous"] = crawl(Client(), "/accounts/login/", PAGES_PER_PATTERN)
    docs = client_as(users["judicial_office"]).get("/api/v1/docs/")
    crawled["api docs"] = [Crawled("/api/v1/docs/", "docs", docs.status_code, docs)]
    return crawled


def fetch(client, url) -> tuple[int, str]:
    """A static file through the test client (WhiteNoise): (status, text; "" for binary files)."""
    response = client.get(url)
    if response.status_code != 200:
        return response.status_code, ""
    if not url.endswith((".css", ".js", ".mjs")):
        return 200, ""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return 200, body.decode("utf-8", errors="replace")


def check_static_files(loaded_by: dict[str, set[str]], client: Client) -> tuple[list[str], set[str]]:
    """Fetches every local file the pages load (and, for style sheets, the files they load in turn: @import
    and url() targets such as fonts); returns (problems, the files fetched). A file must be served (200) and
    must load nothing from outside."""
    problems, fetched = [], set()
    pending = sorted(loaded_by)
    while pending:
        url = pending.pop()
        if url in fetched:
            continue
        fetched.add(url)
        status, text = fetch(client, url)
        where = f"{url} (loaded by {sorted(loaded_by[url])[0]})"
        if status != 200:
            problems.append(f"{where}: status {status}")
        elif url.endswith(".css"):
            problems += [f"{where}: {ref}" for ref in find_external_css_refs(text)]
            refs = ["".join(groups) for groups in CSS_URL.findall(text)] + CSS_IMPORT.findall(text)
            for ref in refs:
                if ref and not is_outside(ref) and not ref.startswith(("data:", "#")):
                    target = urlsplit(urljoin(url, ref)).path
                    loaded_by[target].add(url)
                    pending.append(target)
        elif url.endswith((".js", ".mjs")):
            problems += [f"{where}: {ref}" for ref in find_external_js_loads(text)]
    return problems, fetched


@pytest.mark.django_db
def test_no_page_loads_anything_from_outside_the_server():
    started = time.perf_counter()
    users = demo_town()
    crawled = crawl_everyone(users)
    problems, loaded_by = [], defaultdict(set)  # local file -> the pages that load it
    for who, pages in crawled.items():
        for page in pages:
            where = f"{who} {page.url}"
            if page.status in (301, 302):
                continue
            if page.status != 200:
                problems.append(f"{where}: status {page.status}")
                continue
            if "html" not in page.response.get("Content-Type", ""):
                continue
            html = page.response.content.decode("utf-8")
            refs, loaded = find_external_refs(html)
            problems += [f"{where}: {ref}" for ref in refs]
            for url in loaded:
                loaded_by[urlsplit(urljoin(page.url, url)).path].add(where)
    # Signed in: Swagger UI's start-up script (/api/v1/docs/?script) is served only after login, as the page is.
    file_problems, fetched = check_static_files(loaded_by, client_as(users["judicial_office"]))
    problems += file_problems

    # Swagger UI's settings are in its start-up script, a file of its own (`/api/v1/docs/?script`: the
    # Content-Security-Policy allows no inline script).
    docs_html = crawled["api docs"][0].response.content.decode("utf-8")
    start_up = re.search(r'<script src="([^"]*\?script=[^"]*)"', docs_html)
    assert start_up, docs_html[:1000]
    start_up_script = client_as(users["judicial_office"]).get(unescape(start_up.group(1))).content.decode("utf-8")
    problems += [f"/api/v1/docs/: {ref}" for ref in swagger_validator_badge(docs_html + start_up_script)]

    counts = {who: len(pages) for who, pages in crawled.items()}
    seconds = time.perf_counter() - started
    print(f"\npages crawled {counts}; {len(fetched)} static files fetched; {seconds:.1f} s")
    assert all(counts[role] >= 5 for role in DEMO_ROLE_USERS), counts  # the crawl found the pages
    assert any("/static/viewflow/" in url for url in fetched) and any(url.endswith(".woff2") for url in fetched)
    assert not problems, "references to outside the server (page or file: reference):\n" + "\n".join(problems)

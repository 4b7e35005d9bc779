"""Page speed, run on demand (`make bench`), not in CI (issue 5: "every page answers in under 300 ms on the demo
data").

The demo town (`seed_demo`) is loaded into the test database; each demo role's user logs in and the pages they
can reach are found by crawling from `/` (same-site `<a href>` links, GET only, at most PAGES_PER_PATTERN URLs of
each URL pattern: see tests/test_offline_pages.py `crawl`, the crawler the offline check uses too). Each page is
then requested RUNS more times (warm: the crawl was the first request) and timed in-process through Django's test
client — the server's time, middleware and template rendering included, no network — and its SQL queries are
counted once. A report is printed, slowest first; the test asserts that every page answers 200 and that no
page's median exceeds BUDGET_MS.

Redirects met on the way (`/` → the inbox, an application's root → its first page) are followed, not timed.
"""

import statistics
import time
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.test_offline_pages import DEMO_ROLE_USERS, client_as, crawl, demo_town

BUDGET_MS = 300
RUNS = 7
PAGES_PER_PATTERN = 3
REDIRECTS = (301, 302, 303, 307, 308)


def measure(client, url):
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    queries, sql_seconds = 0, 0.0

    def timed(execute, sql, params, many, context):
        nonlocal queries, sql_seconds
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries += 1
            sql_seconds += time.perf_counter() - start

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        client.get(url)
    assert queries == len(captured)
    return statistics.median(timings), max(timings), queries, sql_seconds * 1000


@pytest.mark.django_db
@pytest.mark.timeout(1800)
def test_every_page_answers_within_budget(capsys):
    started = time.perf_counter()
    users = demo_town()
    seeded = time.perf_counter() - started
    rows, crawled, redirects, failures = [], {}, [], []
    for role, user in users.items():
        client = client_as(user)
        pages = crawl(client, "/", PAGES_PER_PATTERN)
        crawled[role] = pages
        for page in pages:
            if page.status in REDIRECTS:
                target = page.response["Location"]
                redirects.append(f"{page.url} → {target}")
                if "/accounts/login/" in target:
                    failures.append(f"{DEMO_ROLE_USERS[role]} {page.url}: redirected to the login page")
                continue
            if page.status != 200:
                failures.append(f"{DEMO_ROLE_USERS[role]} {page.url} (linked from {page.found_on}): "
                                f"status {page.status}")
                continue
            median, worst, queries, sql_ms = measure(client, page.url)
            rows.append((median, worst, queries, sql_ms, DEMO_ROLE_USERS[role], page.url, page.key))
    rows.sort(reverse=True)

    lines = [f"{connection.vendor}: demo town seeded in {seeded:.1f} s; {len(rows)} pages timed, median and max of "
             f"{RUNS} warm runs, queries and their SQL time counted once; budget {BUDGET_MS} ms",
             "pages crawled per user: " + ", ".join(
                 f"{DEMO_ROLE_USERS[role]} ({role}) {sum(p.status == 200 for p in pages)}"
                 for role, pages in crawled.items()),
             "redirects followed: " + ", ".join(sorted(set(redirects))),
             "",
             f"{'median ms':>9} {'max ms':>8} {'queries':>7} {'sql ms':>7}  {'user':12} page"]
    for median, worst, queries, sql_ms, username, url, _ in rows:
        lines.append(f"{median:9.1f} {worst:8.1f} {queries:7d} {sql_ms:7.1f}  {username:12} {url}")

    by_pattern = defaultdict(list)
    for row in rows:
        by_pattern[row[6]].append(row)
    lines += ["", "by URL pattern (the slowest sample of each):",
              f"{'median ms':>9} {'max ms':>8} {'queries':>7} {'sql ms':>7} {'samples':>7}  pattern (slowest sample)"]
    for key, samples in sorted(by_pattern.items(), key=lambda item: -max(row[0] for row in item[1])):
        slowest = max(samples)
        lines.append(f"{slowest[0]:9.1f} {max(row[1] for row in samples):8.1f} "
                     f"{max(row[2] for row in samples):7d} {slowest[3]:7.1f} {len(samples):7d}  {key} ({slowest[4]} {slowest[5]})")
    if rows:
        top = rows[0]
        lines += ["", f"overall: slowest median {top[0]:.1f} ms ({top[4]} {top[5]}), slowest single request "
                      f"{max(row[1] for row in rows):.1f} ms, most queries {max(row[2] for row in rows)}; "
                      f"benchmark took {time.perf_counter() - started:.0f} s"]
    with capsys.disabled():
        print("\n" + "\n".join(lines))

    assert all(sum(p.status == 200 for p in pages) >= 5 for pages in crawled.values()), "the crawl found no pages"
    assert not failures, "pages that did not answer 200:\n" + "\n".join(failures)
    slow = [f"{username} {url}: median {median:.0f} ms, max {worst:.0f} ms, {queries} queries"
            for median, worst, queries, _, username, url, _ in rows if median > BUDGET_MS]
    assert not slow, f"pages over the {BUDGET_MS} ms budget:\n" + "\n".join(slow)

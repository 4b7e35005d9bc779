"""Fuzzing the API (issue 17): every operation of /api/v1/schema/ (drf-spectacular) with schemathesis, on the demo
town, as a user who holds every role (token auth), on PostgreSQL (the production database: CI's PostgreSQL pass).

What a user of the API relies on, for every request schemathesis makes of it — valid data, and data that breaks
the schema (negative mode: wrong types, out-of-range numbers, NUL bytes, missing fields):
- no 5xx (`not_a_server_error`);
- the status code is one the operation declares (`status_code_conformance`: the error answers of every operation
  are declared once, web/api_schema.py);
- the body has a declared media type and conforms to the declared schema (`content_type_conformance`,
  `response_schema_conformance`).

Paths with ids name real rows most of the time (one case per state, the decisions, meetings, petitions,
mediations, the network, deadlines, documents with their kinds and records, a stored photo), random ones
otherwise (404). Each example runs in a savepoint rolled back after it, so every request meets the same demo town
and a failure replays exactly; the sequences of `test_linked_operations_…` keep their state for one scenario.

Links: drf-spectacular writes no OpenAPI links; schemathesis infers them from the schema (a response's ids to the
operations that take them), and the state machine of `schema.as_state_machine()` chains them.

Deterministic: hypothesis derandomized, no example database (nothing is written under .hypothesis/), no deadline.
"""

import collections
import io
import logging
import os
import traceback

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from workflows import roles

from .conftest import make_user

# The whole fuzzing takes ~2-4 minutes: more than the suite's 300 s guard against a hang allows on a busy machine.
pytestmark = [pytest.mark.postgres, pytest.mark.clock, pytest.mark.django_db, pytest.mark.xdist_group("api-fuzz"),
              pytest.mark.timeout(900)]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation: ~117 operations, a few thousand requests in all. LAWFLOW_FUZZ_EXAMPLES=80 searches deeper by hand
# (some 8,000 requests, ~8 minutes).
EXAMPLES = int(os.environ.get("LAWFLOW_FUZZ_EXAMPLES") or 25)
FILE_EXAMPLES = 5  # per operation that renders a file (PDF, DOCX, ZIP, XLSX: seconds each)
MIN_EXAMPLES = 2000
SCENARIOS, STEPS = 30, 8  # the linked sequences
SAMPLE = 6  # real rows per resource (one per state first)
CONFIG = schemathesis.Config.from_dict({
    "seed": 17,
    "generation": {"deterministic": True, "database": "none", "with-security-parameters": False},
})


def settings_for(examples):
    return hypothesis_settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                               suppress_health_check=list(HealthCheck), print_blob=False)


def renders_a_file(path):
    return any(part in path for part in ("case-file", "documents/{kind}", ".{fmt}", ".xlsx"))


# --- the application, the user, the real rows --------------------------------------------------------------------


@pytest.fixture(scope="module")
def wsgi_app():
    """Django's WSGI application, served in this process and thread, so inside the test's transaction: the
    handler's close_old_connections (which would close the test's connection) is kept away, as Django's own test
    client does."""
    from django.core.wsgi import get_wsgi_application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def town(demo_town, wsgi_app, django_db_blocker, tmp_path_factory):
    """The demo town, a user holding every role with a token, three notifications of theirs, a stored photo on
    the first case, the schema as /api/v1/schema/ serves it and the real path parameters (real_path_parameters)."""
    from django.test.utils import override_settings
    from rest_framework.authtoken.models import Token

    from notifications.models import Notification

    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("fuzz-media")))
    media.enable()
    request_logger = logging.getLogger("django.request")
    level = request_logger.level
    request_logger.setLevel(logging.ERROR)  # 4xx by the thousand; a 5xx is still logged
    try:
        with django_db_blocker.unblock():
            user = make_user(*roles.ALL_ROLES, username="fuzz-all-roles")
            for i in range(3):
                Notification.objects.create(recipient=user, title=f"提醒 {i}", body="正文", link="/")
            attach_a_photo(user)
            headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
            # The schema is served only after login (issue 17: the API's description is not public).
            schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, config=CONFIG, headers=headers)
            yield {"headers": headers, "schema": schema, "real": real_path_parameters(user)}
    finally:
        request_logger.setLevel(level)
        media.disable()


def attach_a_photo(user):
    """A photo on the first case, so that attachments/{id}/download/ and …/thumbnail/ reach a stored file."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from cases.models import Case
    from documents.attachments import store_attachment

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, "JPEG")
    store_attachment("cases", Case.objects.order_by("pk").first(), category="photo", title="现场照片", user=user,
                     file=SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg"))


def spread(queryset, field=None, n=SAMPLE):
    """Up to `n` pks as strings, in pk order; with `field`, one row per value of it first (one case per state)."""
    rows = list(queryset.order_by("pk").values_list("pk", *([field] if field else [])))
    chosen, values = [], set()
    for row in rows if field else ():
        if row[1] not in values:
            values.add(row[1])
            chosen.append(row[0])
    chosen += [row[0] for row in rows if row[0] not in chosen][:max(0, n - len(chosen))]
    return [str(pk) for pk in chosen]


def real_path_parameters(user):
    """{path template: [path parameters that name real rows]}; `{prefix}/{resource}/{id}/*` serves every route
    under a resource's id."""
    from cases.models import Case, CorrectionOrder, PaymentPlan, Publication, ViolationType
    from documents import files, registry
    from documents.models import Attachment
    from mediation.models import Mediation
    from network.models import Activity, LegalAdviser, LegalLiterate
    from notifications.models import CalendarDay, Deadline, DeadlineAdjustment, DeadlineRule, Notification
    from petitions.models import Petition
    from review.models import Decision, Meeting
    from workflows.services import get_process

    ids = {
        "cases": spread(Case.objects, "state", 24), "decisions": spread(Decision.objects, "state", 10),
        "meetings": spread(Meeting.objects, "state"), "petitions": spread(Petition.objects, "state", 10),
        "mediations": spread(Mediation.objects, "state", 8), "activities": spread(Activity.objects),
        "legal-advisers": spread(LegalAdviser.objects), "legal-literates": spread(LegalLiterate.objects),
        "correction-orders": spread(CorrectionOrder.objects, "status"),
        "payment-plans": spread(PaymentPlan.objects, "status"), "deadlines": spread(Deadline.objects, "status"),
        "deadline-adjustments": spread(DeadlineAdjustment.objects, "status"),
        "notifications": spread(Notification.objects.filter(recipient=user)),
        "publicity": [str(pk) for pk in Publication.objects.order_by("pk").values_list("case_id", flat=True)[:4]]
        + spread(Case.objects.filter(state__in=["served", "executed", "closed"]), n=4),
        "attachments": spread(Attachment.objects),
    }
    prefix = "/api/v1"
    real = collections.defaultdict(list)
    for resource, pks in ids.items():
        real[f"{prefix}/{resource}/{{id}}/"] = real[f"{prefix}/{resource}/{{id}}/*"] = [{"id": pk} for pk in pks]
    for process, resource in [("case", "cases"), ("decision", "decisions"), ("meeting", "meetings"),
                              ("petition", "petitions"), ("mediation", "mediations")]:
        names = sorted(get_process(process).forms)
        real[f"{prefix}/{resource}/{{id}}/transitions/{{name}}/"] = [
            {"id": pk, "name": name} for i, pk in enumerate(ids[resource]) for name in names[i % 3::3]]
    real[f"{prefix}/cases/{{id}}/case-file.{{fmt}}"] = [{"id": ids["cases"][0], "fmt": "zip"},
                                                         {"id": ids["cases"][-1], "fmt": "pdf"}]
    for owner_name in ("cases", "decisions", "meetings", "petitions", "mediations"):
        owner = registry.owner(owner_name)
        for pk in ids[owner_name][:4]:
            real[f"{prefix}/{{owner}}/{{id}}/attachments/"].append({"owner": owner_name, "id": pk})
            real[f"{prefix}/{{owner}}/{{id}}/documents/"].append({"owner": owner_name, "id": pk})
        for pk in ids[owner_name][:3]:
            for row in files.documents_of(owner.model.objects.get(pk=pk)):
                params = {"owner": owner_name, "id": pk, "kind": row["kind"], "fmt": "docx"}
                if row["record_id"] is None:
                    real[f"{prefix}/{{owner}}/{{id}}/documents/{{kind}}.{{fmt}}"].append(params)
                else:
                    real[f"{prefix}/{{owner}}/{{id}}/documents/{{kind}}/{{record}}.{{fmt}}"].append(
                        {**params, "record": str(row["record_id"])})
    overrides = CalendarDay.objects.order_by("date").values_list("date", flat=True)[:SAMPLE]
    real[f"{prefix}/calendar/days/{{day}}/"] = [{"day": day} for day in [
        *(d.isoformat() for d in overrides), "2026-06-10", "2026-10-01", "2031-10-01"]]
    real[f"{prefix}/deadline-rules/{{kind}}/"] = [
        {"kind": kind} for kind in DeadlineRule.objects.order_by("kind").values_list("kind", flat=True)]
    real[f"{prefix}/violation-types/{{code}}/"] = [
        {"code": code} for code in ViolationType.objects.order_by("code").values_list("code", flat=True)[:SAMPLE]]
    years = [{"year": year} for year in ("2024", "2025", "2026")]
    for template in ("enforcement-statistics/{year}/", "enforcement-statistics/{year}.xlsx",
                     "enforcement-statistics/{year}/narrative/", "enforcement-statistics/{year}/publication/",
                     "rule-of-law/{year}/", "rule-of-law/{year}/publication/", "rule-of-law/{year}/submission/"):
        real[f"{prefix}/reports/{template}"] = years
    real[f"{prefix}/reports/rule-of-law/{{year}}.{{fmt}}"] = [{"year": "2025", "fmt": "docx"}]
    return real


def parameters_for(real, path):
    """The real path parameters of an operation's path template ([] when it has none)."""
    if path in real:
        return real[path]
    head, _, tail = path.partition("{id}/")
    return real.get(f"{head}{{id}}/*", []) if tail else []


def cases_of(operation, real):
    """Random and schema-breaking data, and the same with real rows in the path (twice as often)."""
    branches = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    reals = parameters_for(real, operation.path)
    if reals:
        for mode in (GenerationMode.POSITIVE, GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            branches.append(st.sampled_from(reals).flatmap(
                lambda params, mode=mode: operation.as_strategy(mode, path_parameters=params)))
    return st.one_of(branches), bool(reals)


class Tally:
    """Per operation: the status codes answered, and the first failure seen (kept even when hypothesis, replaying
    it, calls the test flaky)."""

    def __init__(self):
        self.codes = collections.defaultdict(collections.Counter)
        self.first_failure = {}

    def call(self, label, case, headers):
        try:
            response = case.call(headers=headers)
            self.codes[label][response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, FailureGroup) as error:
            reason = "".join(traceback.format_exception_only(error))[-3000:]
            self.first_failure.setdefault(label, f"{case.as_curl_command()}\n{reason}")
            raise


def explained(error):
    """The failure's text, and the traceback of what hypothesis saw first when it calls the test flaky."""
    text = str(error)[:2500]
    for inner in getattr(error, "exceptions", ()):
        if not isinstance(inner, FailureGroup):
            text += "\n" + "".join(traceback.format_exception(inner))[-2500:]
    return text


def fuzz(operation, strategy, tally, headers):
    """Run the operation's examples; raises what the first failing example raised (after shrinking)."""

    @settings_for(FILE_EXAMPLES if renders_a_file(operation.path) else EXAMPLES)
    @given(case=strategy)
    def request(case):
        with transaction.atomic():  # every example meets the same town
            try:
                tally.call(operation.label, case, headers)
            finally:
                transaction.set_rollback(True)

    request()


def test_every_operation_answers_as_its_schema_says(town):
    schema, headers, real = town["schema"], town["headers"], town["real"]
    tally, failures, without_real_rows = Tally(), {}, []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        strategy, has_real = cases_of(operation, real)
        if "{" in operation.path and not has_real:
            without_real_rows.append(operation.label)
        try:
            fuzz(operation, strategy, tally, headers)
        except (Exception, FailureGroup) as error:
            failures[operation.label] = f"{explained(error)}\nfirst seen:\n{tally.first_failure.get(operation.label, '')}"

    answered = {label: sum(codes.values()) for label, codes in tally.codes.items()}
    total = sum(answered.values())
    reached = [label for label, codes in tally.codes.items() if any(200 <= code < 300 for code in codes)]
    summary = (f"{len(operations)} operations, {total} requests, {len(reached)} operations answered 2xx; "
               f"by status: {sorted(sum(tally.codes.values(), collections.Counter()).items())}; never 2xx: "
               f"{sorted(set(answered) - set(reached))}")
    print(summary)
    assert not failures, "\n\n".join(f"=== {label}\n{text}" for label, text in failures.items()) + "\n" + summary
    assert not without_real_rows, without_real_rows
    assert set(answered) == {operation.label for operation in operations}  # every operation was fuzzed
    assert total >= MIN_EXAMPLES, summary
    # The token works everywhere (a vacuous run of 401s would pass the checks: 401 is declared).
    assert not [label for label, codes in tally.codes.items() if 401 in codes]
    # Reach: with the real rows every read succeeds at least once (the writes meet the business rules: 400, 409).
    assert not [label for label in answered if label.startswith("GET ") and label not in reached], summary


def test_linked_operations_in_sequence_answer_as_the_schema_says(town):
    """The state machine chains the links schemathesis infers (drf-spectacular writes none): a list's ids into
    the detail, the transitions, the records of that object. Each scenario runs in a savepoint rolled back."""
    schema, headers = town["schema"], town["headers"]
    written = sum(1 for path in schema.raw_schema["paths"].values() for operation in path.values()
                  if isinstance(operation, dict) for response in operation.get("responses", {}).values()
                  if "links" in response)
    assert written == 0  # what drf-spectacular gives; the links below are inferred
    machine = schema.as_state_machine()
    assert schema.statistic.transitions.total > 100, schema.statistic.transitions.total
    steps = collections.Counter()

    class Scenario(machine):
        def setup(self):
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            steps[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

    Scenario.run(settings=hypothesis_settings(settings_for(SCENARIOS), stateful_step_count=STEPS))
    print(f"linked sequences: {SCENARIOS} scenarios, {sum(steps.values())} requests, {sorted(steps.items())}")
    assert sum(steps.values()) >= SCENARIOS * 2
    assert any(200 <= code < 300 for code in steps)


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("export", ["", "&format=xlsx"])
def test_a_nul_character_in_a_search_is_refused_saying_so(town, wsgi_app, export):
    """Found by the fuzzing: PostgreSQL stores no NUL in text, so a search for one fails in the database. The
    answer is a 400 that says so (it said "a number or id is out of range"); an XLSX export that fails so closes
    its sheet (it was left to fail again at garbage collection)."""
    import gc

    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=town["headers"]["Authorization"])
    response = client.get(f"/api/v1/cases/?search=a%00b{export}")
    gc.collect()
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json() == {"error": "invalid", "detail": "不允许包含空字符。 / Null characters are not allowed."}

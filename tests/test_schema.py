"""The web desk's API against its own OpenAPI schema: schemathesis finds no 5xx and no drift.

schemathesis 4.32's pytest loader (`from_fixture`) reads `Function._nodeid`, which pytest 9 no
longer has, so each operation's cases are drawn with `operation.as_strategy()` inside an
ordinary hypothesis test; the schema is still loaded in-process over ASGI from /openapi.json.
"""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from newsfuse.serve import create_app

pytestmark = [pytest.mark.slow, pytest.mark.issue(6)]

TOKEN = "schema-test-token"
# No 5xx, and every answer is one the schema documents: its status, content type and body.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
LISTS = ["/api/events", "/api/timeline", "/api/map"]
RECORDS = ["/api/events/{event_id}", "/api/articles/{article_id}"]
# Bounded so the whole file stays well under a minute on two shared cores.
EXAMPLES = 40
POSTS = 15


def _run(operation, mode, examples, headers=None):
    """Draw `examples` cases of one operation and check every response."""
    seen = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        seen.append(response.status_code)

    check()
    return seen


# Function-scoped: schemathesis's pytest plugin ends every ASGI app's lifespan when a test ends,
# and the desk closes its index at lifespan shutdown.
@pytest.fixture
def read_schema(web_db):
    """The read-only desk's schema, loaded in-process over ASGI."""
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(str(web_db)))


@pytest.fixture
def write_schema(web_db, tmp_path):
    """A writable desk over a copy of the store, so posted articles reach no other test."""
    db = tmp_path / "writable.db"
    shutil.copy(web_db, db)
    app = create_app(str(db), allow_writes=True, token=TOKEN)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_every_get_operation_is_fuzzed(read_schema):
    operations = [result.ok() for result in read_schema.get_all_operations()]
    gets = sorted(op.path for op in operations if op.method.lower() == "get")
    assert gets == sorted(LISTS + RECORDS)
    raw = read_schema.raw_schema
    assert "HTTPValidationError" not in str(raw)  # the desk answers 400, never FastAPI's 422
    for path in LISTS + RECORDS:
        responses = raw["paths"][path]["get"]["responses"]
        assert {"200", "400"} <= set(responses) and "422" not in responses


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_list_operations_answer_as_documented(read_schema, path, mode):
    statuses = _run(read_schema[path]["GET"], mode, EXAMPLES)
    assert len(statuses) >= EXAMPLES // 2
    if mode is GenerationMode.POSITIVE:
        assert 200 in statuses  # the fuzzing reached the query code, not only validation


@pytest.mark.parametrize("path", RECORDS)
def test_record_operations_answer_as_documented(read_schema, path):
    # Path parameters are free strings, so only positive cases exist; nearly all are 404s.
    statuses = _run(read_schema[path]["GET"], GenerationMode.POSITIVE, EXAMPLES)
    assert set(statuses) <= {200, 404} and 404 in statuses


@pytest.mark.parametrize("path", RECORDS)
def test_real_records_conform_to_the_schema(read_schema, path):
    listing = read_schema["/api/events"]["GET"].Case(query={"limit": 200}).call().json()
    event_id = listing["events"][0]["id"]
    params = {"event_id": event_id}
    if "article" in path:
        event = read_schema[RECORDS[0]]["GET"].Case(path_parameters=params).call().json()
        params = {"article_id": event["event"]["articles"][0]}
    case = read_schema[path]["GET"].Case(path_parameters=params)
    assert case.call_and_validate(checks=CHECKS).status_code == 200


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_posted_articles_never_cause_a_5xx(write_schema, mode):
    operation = write_schema["/api/articles"]["POST"]
    statuses = _run(operation, mode, POSTS, headers={"Authorization": f"Bearer {TOKEN}"})
    assert statuses
    if mode is GenerationMode.POSITIVE:
        assert set(statuses) & {200, 201}  # generated articles went through the pipeline


def test_posting_without_the_token_is_refused_as_documented(write_schema):
    operation = write_schema["/api/articles"]["POST"]
    case = operation.Case(body={"id": "no-token", "text": "A quay crane fell on Monday."},
                          media_type="application/json")
    assert case.call_and_validate(checks=CHECKS).status_code == 401
    wrong = case.call_and_validate(headers={"Authorization": "Bearer wrong"}, checks=CHECKS)
    assert wrong.status_code == 401

"""Property-based fuzzing of the whole API against its own OpenAPI document (schemathesis).

Every operation gets a bounded number of generated calls, valid and invalid, as a command-centre user and as a
grid worker. No call may end in a server error; every status, content type and body must be the one the
document promises; every 4xx is JSON that names the field it refuses."""

import collections
import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fangkong.accounts.services import create_token

EXAMPLES_PER_OPERATION = int(os.environ.get("FANGKONG_FUZZ_EXAMPLES", "8"))  # per mode and persona: < 90 s
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def refusals_name_their_field(response) -> None:
    if 400 <= response.status_code < 500:
        body = json.loads(response.content)
        assert body["errors"], response.content
        assert all(problem["field"] and problem["message"] for problem in body["errors"]), response.content


@pytest.fixture
def connection_kept_open():
    """As Django's test client does: the WSGI app must not close the connection that holds the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db(transaction=False)
def test_generated_calls_get_the_answers_the_document_promises(connection_kept_open, commander, grid_worker, person):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    tokens = {"command": create_token(commander.username), "grid": create_token(grid_worker.username)}
    calls, failures, server_errors = collections.Counter(), [], set()
    operations = [result.ok() for result in schema.get_all_operations()]

    def fuzz(operation, mode, persona, token):
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case):
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            calls[operation.label] += 1
            if response.status_code >= 500:
                server_errors.add(operation.label)
            try:
                case.validate_response(response, checks=CHECKS)
                refusals_name_their_field(response)
            except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - all are collected, shown below
                found = [line.strip() for line in str(failure).splitlines() if line.strip().startswith("- ")]
                failures.append(f"{persona} {operation.label} -> {response.status_code}: "
                                f"{'; '.join(found) or str(failure)[:200]}")

        try:
            call()
        except Unsatisfiable:  # nothing in this operation can be made invalid (negative mode): no call
            pass

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for persona, token in tokens.items():
                fuzz(operation, mode, persona, token)
    print(f"\nfuzz: {len(operations)} operations, {sum(calls.values())} calls, {len(failures)} failures, "
          f"server errors in {len(server_errors)} operations")
    assert not failures, "\n".join(sorted(set(failures))[:40])

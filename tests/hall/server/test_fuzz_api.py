"""Every documented HTTP endpoint, fuzzed from the server's own /openapi.json (schemathesis):
with the admin token, with a device's token and with none, no request makes the server fail
(a 5xx) and no response breaks the schema the document gives it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from hall.server.openapi import openapi_document
from tests.support.server import ADMIN_TOKEN, CLERK, HallSetup, ServerProcess, mint, new_hall

CALLERS = ("admin", "kiosk", "nobody")


@pytest.fixture(scope="module")
def fuzzed(server: ServerProcess) -> dict[str, Any]:
    """The hall the fuzzer aims at, and a token per caller."""
    hall = new_hall(server, HallSetup(staff=(CLERK,)))
    tokens = {"admin": ADMIN_TOKEN, "kiosk": mint(server, hall, "kiosk")}
    return {"hall": hall, "tokens": tokens, "url": server.url}


schema = schemathesis.openapi.from_dict(openapi_document())
"""The document the server serves at /openapi.json (a test below checks it is the same)."""


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_endpoint_fails_or_breaks_its_schema(case: Any, fuzzed: dict[str, Any]) -> None:
    if "hall" in (case.path_parameters or {}) and hash(case.path_parameters["hall"]) % 4:
        case.path_parameters["hall"] = fuzzed["hall"]  # mostly the real hall, sometimes not
    for who in CALLERS:
        token = fuzzed["tokens"].get(who)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        case.call_and_validate(
            base_url=fuzzed["url"],
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance],
        )


def test_the_fuzzed_document_is_the_one_the_server_serves(server: ServerProcess) -> None:
    assert httpx.get(f"{server.url}/openapi.json").json() == openapi_document()

"""A failure shows schemathesis' reproducing curl line, and never the credentials it was sent with."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
from schemathesis import Case, CheckContext, Response
from schemathesis.core.failures import FailureGroup

from .schemas import first_case, in_process_schema
from .summary import TALLY

SECRET = "s3cret-Pa55word-never-printed"


def _always_fails(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    raise AssertionError("forced failure, to see what a report prints")


@pytest.mark.parametrize(
    ("api", "path", "method"), [("mash", "/orders/{orderId}", "GET"), ("mycashflow", "/products/{productID}", "GET")]
)
def test_a_failure_report_has_a_curl_line_without_credentials(api: str, path: str, method: str) -> None:
    schema = in_process_schema(api, username="contract-user", password=SECRET)
    # Drawn from the schema's strategy, as in a real run: that is where the configured auth is applied.
    case = first_case(schema[path][method])
    assert case.headers.get("Authorization", "").startswith("Basic ")
    # A forced failure is not part of the run's summary. A deep copy: when this operation's own test ran earlier in
    # the process, the hooks add to its existing counts in place (a shallow copy kept them, and the summary then
    # depended on which tests shared a worker: a 2-shard merge differed from the unsharded run by this one case).
    before = copy.deepcopy(TALLY.operations)
    with pytest.raises(FailureGroup) as failure:
        case.call_and_validate(checks=[_always_fails])
    TALLY.operations = before
    report = str(failure.value)
    token = base64.b64encode(f"contract-user:{SECRET}".encode()).decode()
    assert "curl -X GET" in report and "Authorization: [Filtered]" in report
    assert SECRET not in report and token not in report and token[:20] not in report

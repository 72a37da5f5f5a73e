"""Not collected by default: passed to a sandbox-mode contract run by test_sandbox_readonly.py.

It plays a write that slipped past every selection, then swallows the refusal, to show that the wire guard
stops the request, lists it in the run's summary and fails the run even when no test reports it.
"""

from __future__ import annotations

import os

import requests

from contract_tests.wire_guard import RequestRefused


def test_a_write_that_slipped_through_is_stopped_on_the_wire() -> None:
    try:
        requests.post(os.environ["MYCASHFLOW_BASE_URL"] + "/brands", json={"name": "slipped"}, timeout=10)
    except RequestRefused:
        pass  # swallowed on purpose: the run must fail anyway

"""Not collected by default: passed to a sandbox-mode contract run by test_sandbox_run.py.

It creates a Mash order through the run's own (recorded) target, as a contract test would, then stops the
session as Ctrl-C does (SANDBOX_TEST_STOP=interrupt), or waits to be sent SIGTERM (=wait): the run's cleanup
must still cancel the order.
"""

from __future__ import annotations

import json
import os
import time

import requests

from contract_tests.session import current
from contract_tests.targets import Target


def test_an_order_is_created_then_the_run_is_interrupted() -> None:
    target = current().targets["mash"]
    assert isinstance(target, Target)
    body = json.loads(os.environ["SANDBOX_TEST_ORDER"])
    answer = requests.post(f"{target.base_url}/orders", json=body, auth=(target.username, target.password), timeout=30)
    assert answer.status_code == 200, answer.text
    if os.environ["SANDBOX_TEST_STOP"] == "interrupt":
        raise KeyboardInterrupt
    time.sleep(120)  # until the test that started this run sends SIGTERM

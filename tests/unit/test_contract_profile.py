"""The contract profile's breakdowns: a py-spy sample goes to its first phase, or to the owner of its innermost
frame that has one (library frames go to their caller); idle samples count for neither."""

from __future__ import annotations

from benchmarks.contract_profile import ENGINES, GLUE, UNDER_TEST, breakdown, owner_packages, owners
from specforge.apis import load_apis

_RAW = "\n".join(
    [
        # drawing a case: hypothesis under schemathesis' test
        "main (pytest/__main__.py:9);test_operation (schemathesis/x.py:1);draw (hypothesis/core.py:2) 5",
        # the simulator answering, through httpx and starlette (libraries: their caller owns them)
        "test_operation (schemathesis/x.py:1);send (contract_tests/in_process.py:3);"
        "handle (httpx/_t.py:4);__call__ (simulators/_serving/app.py:5);route (starlette/routing.py:6) 3",
        # schemathesis preparing the request with requests: our transport
        "call (schemathesis/generation/case.py:1);prepare (requests/models.py:2);parse (urllib/parse.py:3) 2",
        # a generated client decoding, under our test
        "test (contract_tests/test_client_decodes.py:1);from_dict (mash_client/models/order.py:2) 4",
        # nobody's
        "<module> (json/decoder.py:1) 1",
        # the event loop waiting: idle, not counted
        "run (asyncio/base_events.py:1);EpollSelector.select (selectors.py:2) 50",
    ]
)


def test_each_sample_goes_to_the_owner_of_its_innermost_owned_frame() -> None:
    assert owners(_RAW) == {ENGINES: 5, UNDER_TEST: 3 + 4, GLUE: 2, "other": 1}


def test_every_registered_apis_client_and_sdk_is_under_test() -> None:
    under_test = dict(owner_packages())[UNDER_TEST]
    for api in load_apis().values():
        assert api.package in under_test
        assert api.sdk is None or api.sdk.client.split(":")[0] in under_test


def test_phases_skip_idle_samples_too() -> None:
    phases = breakdown(_RAW)
    assert sum(phases.values()) == 15
    assert phases["in-process call (transport, ASGI hop, simulator)"] == 2

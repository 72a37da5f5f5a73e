"""The SDK's retry policy against a served simulator with injected faults, over real HTTP (a free port).

GETs recover, a POST is never repeated (the journal and the store show one create), Retry-After is
honoured (the wait is measured), and the retry budget is respected.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from mash_client.api.orders_and_invoicing import create_order, get_order
from mash_client.models import CreateOrderRequest, OrderResult
from mycashflow_client.api.products import list_products

from mash_sdk import Mash, MashError
from mycashflow_sdk import MyCashflow
from sdk_runtime import RetryPolicy
from simulators._serving import running_in_thread
from simulators.mash import DEFAULT_MERCHANT, create_app
from simulators.mycashflow import create_app as create_store
from simulators.mycashflow.serve import SIMULATOR
from simulators.testing import SimulatorControl

from ._orders import order

FAST = RetryPolicy(backoff=0.01, max_backoff=0.05)


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with running_in_thread(create_app(control=True)) as root:
        yield root


@pytest.fixture
def sim(served: str) -> Iterator[SimulatorControl]:
    with SimulatorControl(served) as control:
        control.faults.clear()
        control.journal.clear()
        yield control
        control.faults.clear()


def _mash(root: str, retry: RetryPolicy = FAST, timeout: float = 5.0) -> Mash:
    username, password = DEFAULT_MERCHANT.username, DEFAULT_MERCHANT.password
    return Mash(
        username=username, password=password, base_url=root + "/api", allow_insecure=True, retry=retry,
        timeout=httpx.Timeout(timeout),
    )  # fmt: skip


def _created(mash: Mash, client_order_id: str) -> str:
    result = create_order.sync(client=mash, body=CreateOrderRequest.from_dict(order(client_order_id)))
    assert isinstance(result, OrderResult)
    return str(result.order_id)


def test_a_get_recovers_from_two_503s(served: str, sim: SimulatorControl) -> None:
    with _mash(served) as mash:
        order_id = _created(mash, "E2E-503")
        sim.faults.add("op=getOrder,kind=status,status=503,times=2")
        fetched = get_order.sync(order_id=order_id, client=mash)
    assert isinstance(fetched, OrderResult) and fetched.client_order_id == "E2E-503"
    assert [e["status"] for e in sim.journal.requests(operation="getOrder")] == [503, 503, 200]


def test_a_get_recovers_from_a_reset_connection_and_a_503_without_body(served: str, sim: SimulatorControl) -> None:
    with _mash(served) as mash:
        order_id = _created(mash, "E2E-RESET")
        sim.faults.add("op=getOrder,kind=reset,times=1", "op=getOrder,kind=status,status=502,body=no,times=1")
        fetched = get_order.sync(order_id=order_id, client=mash)
    assert isinstance(fetched, OrderResult)
    assert [(e["status"], e["fault"]) for e in sim.journal.requests(operation="getOrder")] == [
        (None, "reset"), (502, "status"), (200, None),
    ]  # fmt: skip


def test_a_get_recovers_from_an_answer_that_never_comes(served: str, sim: SimulatorControl) -> None:
    with _mash(served, timeout=0.5) as mash:
        order_id = _created(mash, "E2E-HANG")
        sim.faults.add("op=getOrder,kind=hang,ms=5000,times=1")
        fetched = get_order.sync(order_id=order_id, client=mash)
    assert isinstance(fetched, OrderResult)
    assert sim.journal.count(operation="getOrder") == 2


def test_a_body_that_stops_half_way_ends_in_the_clients_read_timeout(served: str, sim: SimulatorControl) -> None:
    with _mash(served, retry=RetryPolicy(max_retries=1, backoff=0.01), timeout=0.5) as mash:
        order_id = _created(mash, "E2E-PARTIAL")
        sim.faults.add("op=getOrder,kind=hang,partial=yes,ms=3000")
        started = time.monotonic()
        with pytest.raises(httpx.TimeoutException):
            get_order.sync(order_id=order_id, client=mash)
        assert time.monotonic() - started < 3.0  # the client's own timeout ended it, not the server's bound
    assert sim.journal.count(operation="getOrder") >= 1


def test_a_create_whose_answer_is_lost_is_not_repeated_and_happened_once(served: str, sim: SimulatorControl) -> None:
    sim.faults.add("op=createOrder,kind=reset,when=after")
    with _mash(served) as mash, pytest.raises(httpx.TransportError):
        _created(mash, "E2E-LOST")
    sim.journal.verify(operation="createOrder", body_matching={"clientOrderId": "E2E-LOST"}, times=1)
    # The state changed although the client never heard: the order exists on the server.
    found = httpx.get(f"{served}/_sim/client-orders/E2E-LOST")
    assert found.status_code == 200 and found.json()["clientOrderId"] == "E2E-LOST"


def test_a_create_refused_with_503_before_the_change_is_not_repeated(served: str, sim: SimulatorControl) -> None:
    sim.faults.add("op=createOrder,kind=status,status=503,when=before")
    with _mash(served) as mash, pytest.raises(MashError) as raised:
        _created(mash, "E2E-503-POST")
    assert raised.value.status_code == 503
    sim.journal.verify(operation="createOrder", status=503, times=1)
    assert httpx.get(f"{served}/_sim/client-orders/E2E-503-POST").status_code == 404  # nothing was created


def test_retry_after_is_honoured(served: str, sim: SimulatorControl) -> None:
    with _mash(served) as mash:
        order_id = _created(mash, "E2E-429")
        sim.faults.add("op=getOrder,kind=status,status=429,retry_after=1,times=1")
        started = time.monotonic()
        fetched = get_order.sync(order_id=order_id, client=mash)
        waited = time.monotonic() - started
    assert isinstance(fetched, OrderResult)
    assert waited >= 1.0  # the backoff alone would have waited at most 0.01 s
    first, second = sim.journal.requests(operation="getOrder")
    assert first["status"] == 429 and second["status"] == 200


def test_the_retry_count_is_respected(served: str, sim: SimulatorControl) -> None:
    with _mash(served, retry=RetryPolicy(max_retries=2, backoff=0.01, max_backoff=0.05)) as mash:
        order_id = _created(mash, "E2E-BUDGET")
        sim.faults.add("op=getOrder,kind=status,status=503")
        with pytest.raises(MashError) as raised:
            get_order.sync(order_id=order_id, client=mash)
    assert raised.value.status_code == 503
    assert sim.journal.count(operation="getOrder", status=503) == 3  # the first attempt and two retries


def test_a_retry_after_beyond_the_wait_budget_is_not_waited_for(served: str, sim: SimulatorControl) -> None:
    with _mash(served, retry=RetryPolicy(max_wait=1.0, backoff=0.01)) as mash:
        order_id = _created(mash, "E2E-WAIT")
        sim.faults.add("op=getOrder,kind=status,status=429,retry_after=30")
        started = time.monotonic()
        with pytest.raises(MashError) as raised:
            get_order.sync(order_id=order_id, client=mash)
        waited = time.monotonic() - started
    assert raised.value.status_code == 429 and waited < 30
    assert sim.journal.count(operation="getOrder") == 1


def test_a_seeded_rate_repeats_the_same_faults(served: str, sim: SimulatorControl) -> None:
    def statuses() -> list[int]:
        sim.faults.clear()
        sim.journal.clear()
        sim.faults.add("op=getOrder,kind=status,status=503,rate=0.5,seed=7")
        for _ in range(12):
            httpx.get(f"{served}/api/orders/{order_id}", auth=AUTH, headers={"Accept": "application/json"})
        return [e["status"] for e in sim.journal.requests(operation="getOrder")]

    with _mash(served) as mash:
        order_id = _created(mash, "E2E-SEED")
    first = statuses()
    assert first == statuses()
    assert 503 in first and 200 in first


AUTH = (DEFAULT_MERCHANT.username, DEFAULT_MERCHANT.password)


def test_mycashflow_reads_recover_from_429_with_retry_after() -> None:
    with running_in_thread(create_store(seed=0, https_only=False, control=True)) as root, SimulatorControl(root) as sim:
        sim.faults.add("op=listProducts,kind=status,status=429,retry_after=1,times=1")
        username, key = SIMULATOR.credentials
        started = time.monotonic()
        with MyCashflow(base_url=root + "/api/v1", username=username, api_key=key, allow_insecure=True,
                        retry=FAST) as store:  # fmt: skip
            listed = list_products.sync_detailed(client=store)
        waited = time.monotonic() - started
        statuses = [e["status"] for e in sim.journal.requests(operation="listProducts")]
    assert listed.status_code == 200 and waited >= 1.0
    assert statuses == [429, 200]


def test_a_get_whose_body_stops_half_way_is_repeated_and_recovers(served: str, sim: SimulatorControl) -> None:
    with _mash(served, timeout=0.5) as mash:
        order_id = _created(mash, "E2E-PARTIAL-ONCE")
        sim.faults.add("op=getOrder,kind=hang,partial=yes,ms=3000,times=1")
        fetched = get_order.sync(order_id=order_id, client=mash)
    assert isinstance(fetched, OrderResult) and fetched.client_order_id == "E2E-PARTIAL-ONCE"
    assert sim.journal.count(operation="getOrder") == 2


def test_an_async_get_whose_body_stops_half_way_is_repeated(served: str, sim: SimulatorControl) -> None:
    with _mash(served, timeout=0.5) as mash:
        order_id = _created(mash, "E2E-PARTIAL-ASYNC")
    sim.faults.add("op=getOrder,kind=hang,partial=yes,ms=3000,times=1")

    async def fetch() -> object:
        async with _mash(served, timeout=0.5) as mash:
            return await get_order.asyncio(order_id=order_id, client=mash)

    fetched = asyncio.run(fetch())
    assert isinstance(fetched, OrderResult) and fetched.client_order_id == "E2E-PARTIAL-ASYNC"
    assert sim.journal.count(operation="getOrder") == 2

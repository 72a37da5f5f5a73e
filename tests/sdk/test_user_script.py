"""tests/sdk/user_script.py (a user's script with no `Unset` check, type-checked by `nox -s lint`) runs
against both simulators in-process and reads what it promises."""

from __future__ import annotations

import datetime

import httpx
from mash_client.models import OrderStatus
from starlette.testclient import TestClient

import simulators.mash
import simulators.mycashflow
from mash_sdk import Mash
from mycashflow_sdk import MyCashflow
from sdk_runtime import RetryPolicy

from .user_script import mash_order, mycashflow_catalog


def test_user_script_against_the_mash_simulator() -> None:
    merchant = simulators.mash.DEFAULT_MERCHANT
    with TestClient(simulators.mash.create_app()) as server:
        mash = Mash(
            username=merchant.username,
            password=merchant.password,
            transport=httpx.MockTransport(server.send),
            retry=RetryPolicy.disabled(),
            strict=True,
        )
        client_order_id, status, longest = mash_order(mash, merchant.merchant_id)
    assert client_order_id == "USER-1"
    assert isinstance(status, OrderStatus) and not status.is_unknown
    assert longest > 0


def test_user_script_against_the_mycashflow_simulator() -> None:
    user = simulators.mycashflow.DEFAULT_USER
    with TestClient(simulators.mycashflow.create_app(seed=3, products=5)) as server:
        store = MyCashflow(
            "example-store",
            username=user.email,
            api_key=user.api_key,
            transport=httpx.MockTransport(server.send),
            retry=RetryPolicy.disabled(),
            strict=True,
        )
        brand_id, created, ids, page_count = mycashflow_catalog(store)
    assert brand_id > 0 and isinstance(created, datetime.datetime)
    assert len(ids) == 5 and len(set(ids)) == 5
    assert page_count == 3

"""`python -m simulators serve mash`: the default merchant's flags and the start-up banner."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

from starlette.types import ASGIApp

from .._serving import ServeOptions, Simulator
from .app import DEFAULT_MERCHANT, create_app
from .redirect import REDIRECT_PATH
from .scoring import CREDIT_LIMIT
from .state import EXPIRY, MerchantSeed

__all__ = ["SIMULATOR"]


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--merchant-id", type=int, default=DEFAULT_MERCHANT.merchant_id)
    parser.add_argument("--merchant-name", default=DEFAULT_MERCHANT.name)
    parser.add_argument("--username", default=DEFAULT_MERCHANT.username, help="API username of the default merchant")
    parser.add_argument("--password", default=DEFAULT_MERCHANT.password, help="API password of the default merchant")


def _build(args: argparse.Namespace, options: ServeOptions) -> tuple[ASGIApp, list[str]]:
    merchant = MerchantSeed(
        args.merchant_id, args.merchant_name, args.username, args.password, DEFAULT_MERCHANT.also_acts_for
    )
    app = create_app(
        control=options.control,
        max_records=options.max_records,
        max_store_bytes=options.max_store_bytes,
        max_record_bytes=options.max_record_bytes,
        merchants=(merchant,),
        harness=options.harness(),
    )
    base = f"http://{options.host}:{options.port}"
    # A simulator's keys are not secrets: printing them is how a tester learns them.
    return app, [
        f"Mash simulator: API {base}/api, web redirect form {base}{REDIRECT_PATH}",
        f"default merchant: merchantId={merchant.merchant_id} username={merchant.username} "
        f"password={merchant.password}"
        + (
            f"; it may also act for merchantId {', '.join(map(str, merchant.also_acts_for))}"
            if merchant.also_acts_for
            else ""
        ),
        "test identities (HETU or personnummer), hundreds digit of the individual number: "
        f"0,1,5-8 Approved; 2 Pending; 3 Denied; 4 credit limit {CREDIT_LIMIT} EUR (20026); 9 20020",
        f"approved orders expire after {EXPIRY.days} days (simulated clock); control endpoints "
        + (f"at {base}/_sim/" if options.control else "off (--control)"),
        f"store cap: {options.max_records} records per kind, {options.max_store_bytes} bytes in all, "
        f"{options.max_record_bytes} bytes per record; request bodies up to 1 MiB",
    ]


def _environment(args: argparse.Namespace, options: ServeOptions, ca: Path | None) -> Mapping[str, str]:
    return {
        "MASH_BASE_URL": f"http://{options.host}:{options.port}/api",
        "MASH_USERNAME": args.username,
        "MASH_PASSWORD": args.password,
        "MASH_ALLOW_INSECURE": "1",
    }


SIMULATOR = Simulator(
    description="Mash eCommerce API v1.2 (generated/mash/openapi.yaml)",
    add_arguments=_add_arguments,
    build=_build,
    environment=_environment,
    credentials=(DEFAULT_MERCHANT.username, DEFAULT_MERCHANT.password),
    default_app=create_app,
    contract_app=lambda https_only: create_app(control=True),
)

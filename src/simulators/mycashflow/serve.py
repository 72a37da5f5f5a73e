"""`python -m simulators serve mycashflow`: the store's flags and the start-up banner (API user included)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

from starlette.types import ASGIApp

from .._serving import ServeOptions, Simulator
from .._serving.harness import Harness
from .._serving.webhooks import Outbox
from .app import DEFAULT_PRODUCTS, create_app
from .auth import DEFAULT_USER, ApiUser
from .listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .state import StoreSettings

__all__ = ["SIMULATOR"]


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--storename", default=StoreSettings.storename, help="STORENAME of STORENAME.mycashflow.fi")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated store (default 0)")
    parser.add_argument("--products", type=int, default=DEFAULT_PRODUCTS, help="products in the seeded store")
    parser.add_argument("--empty", action="store_true", help="start with an empty store instead of a seeded one")
    parser.add_argument("--api-user", default=DEFAULT_USER.email, help="e-mail address of the default API user")
    parser.add_argument("--api-key", default=DEFAULT_USER.api_key, help="API key of the default API user")


def _names(args: argparse.Namespace) -> Sequence[str]:
    return [f"{args.storename}.mycashflow.fi"]


def _build(args: argparse.Namespace, options: ServeOptions) -> tuple[ASGIApp, list[str]]:
    user = ApiUser(args.api_user, args.api_key)
    settings = StoreSettings(storename=args.storename)
    app = create_app(
        seed=None if args.empty else args.seed,
        products=args.products,
        users=(user,),
        settings=settings,
        https_only=options.https,
        control=options.control,
        max_records=options.max_records,
        max_store_bytes=options.max_store_bytes,
        max_record_bytes=options.max_record_bytes,
        harness=options.harness(),
    )
    scheme = "https" if options.https else "http"
    base = f"{scheme}://{options.host}:{options.port}"
    # A simulator's key is not a secret: printing it is how a tester learns it.
    return app, [
        f"MyCashflow store simulator: {base}/api/v1 (store host {args.storename}.mycashflow.fi; "
        "loopback names are accepted too)",
        f"API user (HTTP Basic): e-mail {user.email}  API key {user.api_key}",
        "store: "
        + ("empty" if args.empty else f"seed {args.seed}, {args.products} products")
        + f"; page_size default {DEFAULT_PAGE_SIZE}, max {MAX_PAGE_SIZE}",
        f"store cap: {options.max_records} records per resource, {options.max_store_bytes} bytes in all, "
        f"{options.max_record_bytes} bytes per record; request bodies up to 1 MiB",
        ("plain HTTP accepted (--insecure)" if not options.https else "HTTPS only: plain HTTP gets 400")
        + "; control endpoints "
        + (f"at {base}/_sim/" if options.control else "off (--control)"),
    ]


def _environment(args: argparse.Namespace, options: ServeOptions, ca: Path | None) -> Mapping[str, str]:
    scheme = "https" if options.https else "http"
    variables = {
        "MYCASHFLOW_BASE_URL": f"{scheme}://{options.host}:{options.port}/api/v1",
        "MYCASHFLOW_USERNAME": args.api_user,
        "MYCASHFLOW_API_KEY": args.api_key,
    }
    if ca is not None:
        variables["MYCASHFLOW_CA_FILE"] = str(ca)
    else:
        variables["MYCASHFLOW_ALLOW_INSECURE"] = "1"
    return variables


SIMULATOR = Simulator(
    description="MyCashflow API v1 store (generated/mycashflow/openapi.yaml), HTTPS with a test CA",
    add_arguments=_add_arguments,
    build=_build,
    certificate_names=_names,
    environment=_environment,
    credentials=(DEFAULT_USER.email, DEFAULT_USER.api_key),
    default_app=create_app,
    # Contract runs record webhook deliveries but send none (fuzzed subscriptions name arbitrary loopback URLs).
    contract_app=lambda https_only: create_app(
        seed=0, https_only=https_only, control=True, harness=Harness(outbox=Outbox(sending=False))
    ),
)

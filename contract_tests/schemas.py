"""schemathesis schemas for each API's patched spec, configured for a target, a profile and the exceptions."""

from __future__ import annotations

import copy
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, find, settings
from schemathesis import APIOperation, BaseSchema, Case, CheckContext, Response
from schemathesis.core.result import Ok

from specforge.apis import find_root, load_apis
from specforge.openapi import METHODS, iter_operations
from specforge.patched import load_patched

from .exceptions import Decisions, operations_config
from .profiles import PROFILES, Profile
from .resolved_config import resolve_once
from .targets import NotSelected, Target, TargetError, in_process_target
from .wire_guard import SAFE_METHODS

__all__ = [
    "API_KEY",
    "build_schema",
    "documented_error_code",
    "first_case",
    "in_process_schema",
    "lasting_creates",
    "operation_count",
    "selected_operations",
]

API_KEY = "x-contract-api"  # which API a case belongs to, for the per-operation summary


def operation_count(document: dict[str, Any]) -> int:
    return sum(1 for _ in iter_operations(document))


def first_case(operation: APIOperation[Any, Any, Any, Any]) -> Case[Any]:
    """One case drawn from `operation`'s strategy, where a run's auth is applied, and nothing more.

    hypothesis' `find` goes on to shrink what it found (about a hundred more draws): it cost a second a call, five
    seconds of the fast run in the tests that only need some case (issue 21).
    """
    once = settings(database=None, suppress_health_check=list(HealthCheck), derandomize=True, phases=[Phase.generate])
    return find(operation.as_strategy(), lambda case: True, settings=once)


def build_schema(api: str, target: Target | NotSelected, profile: Profile, decisions: Decisions) -> BaseSchema:
    """The patched spec (refused unless it matches its STAMP), every check and phase on, real credentials."""
    document = copy.deepcopy(load_patched(api).document)
    document[API_KEY] = api
    read_only = isinstance(target, Target) and target.read_only
    config: dict[str, Any] = {
        "checks": {"enabled": True, "documented_error_code": {"enabled": True}},
        "phases": {
            "examples": {"enabled": True},
            # A read-only target gets no probes with methods the spec does not declare (PUT, TRACE, QUERY...).
            "coverage": {"enabled": True, **({"unexpected-methods": []} if read_only else {})},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True, "max-steps": profile.stateful_steps},
        },
        "generation": {
            "mode": "all",
            "max-examples": profile.max_examples(api, operation_count(document)),
            "deterministic": profile.derandomize,
        },
        "operations": operations_config(decisions, api, _safe_operations(document) if read_only else None),
        # Redacted in every failure report and curl line; schemathesis' defaults cover Authorization too.
        "output": {"sanitization": {"enabled": True}},
    }
    if isinstance(target, Target):
        config["base-url"] = target.base_url
        config["auth"] = {"basic": {"username": target.username, "password": target.password}}
        config["tls-verify"] = target.verify
    schema: BaseSchema = schemathesis.openapi.from_dict(document, config=schemathesis.Config.from_dict(config))
    resolve_once(schema.config)
    if isinstance(target, Target) and target.app is not None:
        schema.app = target.app
    lasting = lasting_creates(api, target)
    if lasting:
        schema = schema.exclude(operation_id=sorted(lasting))
    if read_only:
        # An `include` would be OR-ed with the per-operation entries' own filters (that let every write through):
        # exclude instead, and check the result.
        schema = schema.exclude(method=[m.upper() for m in METHODS if m.upper() not in SAFE_METHODS])
        unsafe = sorted(label for label, method in selected_operations(schema) if method not in SAFE_METHODS)
        if unsafe:
            raise TargetError(f"{api} is read-only, yet the selection still holds {', '.join(unsafe)}")
    return schema


def in_process_schema(
    api: str, app: Any = None, *, username: str = "", password: str = "", decisions: Decisions | None = None
) -> BaseSchema:
    """`api`'s fast-profile schema on its simulator in this process (`app`, or a fresh one): what the suite's own
    tests draw cases from and call. No exceptions are applied unless `decisions` are given."""
    target = in_process_target(api, app, username=username, password=password)
    return build_schema(api, target, PROFILES["fast"], decisions or Decisions((), ()))


def selected_operations(schema: BaseSchema) -> list[tuple[str, str]]:
    """(label, METHOD) of every operation the schema will test; one that does not even load is a TargetError."""
    selected: list[tuple[str, str]] = []
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            raise TargetError(f"an operation does not load: {result.err()}")
        selected.append((result.ok().label, result.ok().method.upper()))
    return selected


def lasting_creates(api: str, target: Target | NotSelected) -> set[str]:
    """Creates a writable sandbox is not sent: no operation removes what they make (the registry's cleanup rules
    without `undo`, e.g. Mash's addMerchant), so the run would leave them behind. CONTRACT_SANDBOX_ALLOW_LEFTOVERS=1
    sends them anyway (the cleanup report then lists each item left)."""
    if not isinstance(target, Target) or target.kind != "sandbox" or target.read_only or target.leftovers_allowed:
        return set()
    contract = load_apis(find_root())[api].contract
    return {rule.create for rule in (contract.cleanup if contract is not None else ()) if rule.undo is None}


def _safe_operations(document: dict[str, Any]) -> set[str]:
    """operationIds of the GET/HEAD operations: the only ones a read-only target may be sent."""
    safe = tuple(method.lower() for method in SAFE_METHODS)
    return {str(operation.node.get("operationId")) for operation in iter_operations(document, safe)}


def _error_codes(case: Case[Any]) -> dict[int, int] | None:
    schemas = case.operation.schema.raw_schema.get("components", {}).get("schemas", {})
    for schema in schemas.values():
        table = schema.get("x-error-codes") if isinstance(schema, dict) else None
        if table:
            return {int(row["code"]): int(row["status"]) for row in table}
    return None


@schemathesis.check
def documented_error_code(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """An error body's errorCode is in the spec's x-error-codes table, with the status documented for it.

    schemathesis reads a truthy return as "skipped": True where there is nothing to check, None once checked.
    """
    table = _error_codes(case)
    if table is None or response.status_code < 400:
        return True
    try:
        body = response.json()
    except ValueError:
        return True
    code = body.get("errorCode") if isinstance(body, dict) else None
    if code is None:
        return True
    if code not in table:
        raise AssertionError(f"errorCode {code} is not in the documented error table (x-error-codes)")
    if response.status_code not in (table[code], 404, 405):  # 404/405 keep their HTTP meaning, body 10002
        raise AssertionError(f"errorCode {code} came with HTTP {response.status_code}, documented {table[code]}")
    return None

"""Per-API bindings below `generated/`: what the SDK, simulator, contract and README-example code needs to know.

Read from `codegen/apis.yaml` with the rest of an API's entry. Only data lives here (dotted names, variable
names, hosts); the code that uses them imports what they name. An API may declare that it has no SDK client or
no simulator (`sdk: null`, `simulator: null`); `BINDINGS` lists what every entry must declare, and
tests/unit/test_registry.py fails for an entry that leaves one out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SpecforgeError

__all__ = ["BINDINGS", "CleanupRule", "ContractBinding", "ReadmeBinding", "SdkBinding", "parse_bindings"]

BINDINGS = ("sdk", "simulator", "contract", "readme")


@dataclass(frozen=True)
class SdkBinding:
    """The hand-written client: `module:Class` names, and how tests build it with a username and password."""

    client: str  # e.g. mash_sdk:Mash
    error: str  # the API's base error, root of its error families, e.g. mash_sdk:MashError
    arguments: Mapping[str, str]  # constructor keyword → value; "{username}" / "{password}" are filled in
    smoke: tuple[str, Mapping[str, Any]]  # the simplest GET (operationId, its arguments) for transport tests

    def build_arguments(self, username: str, password: str) -> dict[str, str]:
        return {key: value.format(username=username, password=password) for key, value in self.arguments.items()}


@dataclass(frozen=True)
class CleanupRule:
    """What a sandbox run's successful `create` left behind and how it is undone (contract_tests/cleanup.py).

    `id` is a JSON pointer into the create answer's body. `undo` is an operationId of `undo_api` (default: the
    same API) whose one path parameter takes the id, sent with `undo_body` as JSON when it is set; None when
    the API offers no way back (`reason` says why).
    With `state`, the item is read first (`state.read`, the value at `state.pointer`): undone only when the value
    is in `state.undo_when`, already undone when it is in `state.done_when`, left alone otherwise.
    """

    create: str
    id: str
    undo: str | None = None
    undo_api: str | None = None
    undo_body: Any = None
    reason: str = ""
    state_read: str | None = None
    state_pointer: str = ""
    undo_when: tuple[str, ...] = ()
    done_when: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class ContractBinding:
    """Where the contract tests find the API: the in-process URL, the sandbox variables, production hosts.

    Data only: the one guard that reads it (a sandbox URL from the variables, "is this production?") is
    contract_tests/targets.py, and tests/unit/test_registry.py checks that guard against these fields.
    """

    in_process_url: str
    https: bool  # the simulator serves HTTPS (with its own test CA) over HTTP
    sandbox_url_variable: str  # a full base URL
    sandbox_credentials: tuple[str, str]  # variable names: user, password
    sandbox_store_variable: str | None = None  # a store name, put into `sandbox_store_url`
    sandbox_store_url: str | None = None  # e.g. https://{store}.mycashflow.fi/api/v1
    production_domains: tuple[str, ...] = ()  # these hosts and their subdomains are production...
    test_hosts_variable: str | None = None  # ...except those this comma list names
    test_hosts_match: str = "host"  # "host": the whole host name; "store": its first label (a store name)
    production_hosts: tuple[str, ...] = ()  # production whatever the test-hosts list says
    production_source: str = ""  # where the production hosts are documented
    writes_need_permission: bool = False  # a real store: GET only unless CONTRACT_ALLOW_WRITES=1
    cleanup: tuple[CleanupRule, ...] = ()  # what a sandbox run creates and how it is undone
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sandbox_url_variables(self) -> str:
        """How the sandbox URL is given, for the "not selected" reason."""
        if self.sandbox_store_variable:
            return f"{self.sandbox_store_variable} (or {self.sandbox_url_variable})"
        return self.sandbox_url_variable


@dataclass(frozen=True)
class ReadmeBinding:
    """What the generated package's README examples must call (operationIds), and fake-backend overrides."""

    must_call: frozenset[str]
    fake_overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # operationId → fields


def _mapping(value: Any, path: Path, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SpecforgeError(path, "expected a mapping", location=where)
    return value


def _sdk(raw: Any, path: Path, where: str) -> SdkBinding | None:
    if raw is None:
        return None
    data = _mapping(raw, path, where)
    try:
        smoke = _mapping(data["smoke"], path, f"{where}.smoke")
        return SdkBinding(
            client=str(data["client"]),
            error=str(data["error"]),
            arguments={str(k): str(v) for k, v in _mapping(data["arguments"], path, f"{where}.arguments").items()},
            smoke=(str(smoke["operation"]), dict(smoke.get("arguments") or {})),
        )
    except KeyError as err:
        raise SpecforgeError(path, f"missing key {err}", location=where) from None


def _test_hosts_match(test_hosts: Mapping[str, Any], path: Path, where: str) -> str:
    match = str(test_hosts.get("match", "host"))
    if match not in ("host", "store"):
        raise SpecforgeError(path, f"expected host or store, got {match!r}", location=where)
    return match


def _contract(raw: Any, path: Path, where: str) -> ContractBinding | None:
    if raw is None:
        return None
    data = dict(_mapping(raw, path, where))
    try:
        sandbox = _mapping(data.pop("sandbox"), path, f"{where}.sandbox")
        test_hosts = _mapping(data.pop("test_hosts", None) or {}, path, f"{where}.test_hosts")
        credentials = sandbox["credentials"]
        return ContractBinding(
            in_process_url=str(data.pop("in_process_url")),
            https=bool(data.pop("https", False)),
            sandbox_url_variable=str(sandbox["url"]),
            sandbox_credentials=(str(credentials[0]), str(credentials[1])),
            sandbox_store_variable=sandbox.get("store"),
            sandbox_store_url=sandbox.get("store_url"),
            production_domains=tuple(str(d) for d in data.pop("production_domains", None) or ()),
            test_hosts_variable=test_hosts.get("variable"),
            test_hosts_match=_test_hosts_match(test_hosts, path, f"{where}.test_hosts.match"),
            production_hosts=tuple(str(h) for h in data.pop("production_hosts", None) or ()),
            production_source=str(data.pop("production_source", "")),
            writes_need_permission=bool(data.pop("writes_need_permission", False)),
            cleanup=_cleanup(data.pop("cleanup", None) or (), path, f"{where}.cleanup"),
            extra=data,
        )
    except (KeyError, IndexError, TypeError) as err:
        raise SpecforgeError(path, f"malformed contract binding: {err}", location=where) from None


def _cleanup(raw: Any, path: Path, where: str) -> tuple[CleanupRule, ...]:
    if not isinstance(raw, list | tuple):
        raise SpecforgeError(path, "expected a list of {create, id, undo | reason}", location=where)
    rules = []
    for index, item in enumerate(raw):
        here = f"{where}[{index}]"
        data = dict(_mapping(item, path, here))
        state = dict(_mapping(data.pop("state", None) or {}, path, f"{here}.state"))
        try:
            rule = CleanupRule(
                create=str(data.pop("create")),
                id=str(data.pop("id")),
                undo=None if data.get("undo") is None else str(data.pop("undo")),
                undo_api=None if data.get("undo_api") is None else str(data.pop("undo_api")),
                undo_body=data.pop("undo_body", None),
                reason=str(data.pop("reason", "")),
                state_read=None if state.get("read") is None else str(state.pop("read")),
                state_pointer=str(state.pop("pointer", "")),
                undo_when=tuple(str(v) for v in state.pop("undo_when", None) or ()),
                done_when=tuple(str(v) for v in state.pop("done_when", None) or ()),
                source=str(data.pop("source", "")),
            )
        except KeyError as err:
            raise SpecforgeError(path, f"missing key {err}", location=here) from None
        data.pop("undo", None)
        data.pop("undo_api", None)
        if data or state:
            raise SpecforgeError(path, f"unknown key(s) {', '.join(sorted({*data, *state}))}", location=here)
        if not rule.id.startswith("/"):
            raise SpecforgeError(path, f"id {rule.id!r} is not a JSON pointer", location=f"{here}.id")
        if rule.undo is None and not rule.reason:
            raise SpecforgeError(path, "without an undo, say why (reason)", location=here)
        if rule.state_read and not rule.state_pointer.startswith("/"):
            raise SpecforgeError(path, "state.pointer must be a JSON pointer", location=f"{here}.state")
        rules.append(rule)
    return tuple(rules)


def _readme(raw: Any, path: Path, where: str) -> ReadmeBinding | None:
    if raw is None:
        return None
    data = _mapping(raw, path, where)
    overrides = _mapping(data.get("fake_overrides") or {}, path, f"{where}.fake_overrides")
    return ReadmeBinding(
        must_call=frozenset(str(op) for op in data.get("must_call") or ()),
        fake_overrides={str(k): dict(_mapping(v, path, f"{where}.fake_overrides.{k}")) for k, v in overrides.items()},
    )


def parse_bindings(entry: Mapping[str, Any], path: Path, name: str) -> dict[str, Any]:
    """The binding fields of one registry entry, parsed; `declared` names the bindings the entry spells out."""
    where = f"apis.{name}"
    simulator = entry.get("simulator")
    if simulator is not None and not isinstance(simulator, str):
        raise SpecforgeError(path, "expected a module name or null", location=f"{where}.simulator")
    return {
        "sdk": _sdk(entry.get("sdk"), path, f"{where}.sdk"),
        "simulator": simulator,
        "contract": _contract(entry.get("contract"), path, f"{where}.contract"),
        "readme": _readme(entry.get("readme"), path, f"{where}.readme"),
        "declared": frozenset(key for key in BINDINGS if key in entry),
    }

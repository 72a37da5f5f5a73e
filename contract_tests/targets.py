"""Which server each API's contract is checked against, chosen by environment variables (see docs/contract-tests.md).

`CONTRACT_TARGET` picks the kind for every API: `in-process` (default: the simulator as an ASGI app, no
sockets), `http` (the simulator over real HTTP: `CONTRACT_<API>_URL`, or one started here on a free loopback
port) or `sandbox` (a vendor test environment from the SDK's own variables). A sandbox whose variables are
missing is not selected, with the reason; one that looks like production is refused unless forced.
"""

from __future__ import annotations

import os
import ssl
import tempfile
from collections.abc import Callable, Collection, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
import requests

from sdk_runtime import ConfigurationError, Origin, parse_origin, redact_url
from simulators._serving import running_in_thread
from simulators._serving.tls import issue_test_certificate
from simulators.registry import load as load_simulator
from specforge.apis import load_apis
from specforge.bindings import ContractBinding
from strict_url import is_dns_label

from .in_process import InProcessClient

__all__ = [
    "API_TARGETS",
    "KINDS",
    "ApiTarget",
    "NotSelected",
    "Production",
    "Target",
    "TargetError",
    "from_environment",
    "in_process_target",
    "production_guard",
    "resolve",
]

KINDS = ("in-process", "http", "sandbox")
FORCE_PRODUCTION = "CONTRACT_ALLOW_PRODUCTION"
ALLOW_WRITES = "CONTRACT_ALLOW_WRITES"
ALLOW_LEFTOVERS = "CONTRACT_SANDBOX_ALLOW_LEFTOVERS"  # let a sandbox run call creates it cannot undo
_TRUE = frozenset({"1", "true", "yes"})
_FALSE = frozenset({"", "0", "false", "no"})


class TargetError(Exception):
    """The variables ask for something the suite refuses to do (e.g. production); the message says how to force it."""


@dataclass(frozen=True)
class Target:
    """A server to check one API against; `app` is set for in-process targets, `read_only` limits to GET."""

    api: str
    kind: str
    base_url: str
    username: str
    password: str = field(repr=False)
    read_only: bool = False
    verify: bool | str = True  # a CA bundle path for a simulator's own test CA
    app: Any = field(default=None, repr=False)
    reset: Callable[[], None] | None = field(default=None, repr=False)  # a simulator's state back to start-up
    upstream: str = ""  # a sandbox behind the run's recording proxy (base_url): the sandbox's own base URL
    leftovers_allowed: bool = False  # a sandbox may be sent creates whose items no operation can remove

    @property
    def label(self) -> str:
        where = f"{self.upstream} (recorded through {self.base_url})" if self.upstream else self.base_url
        return f"{self.api} {self.kind} {where}" + (" (read-only: GET and HEAD only)" if self.read_only else "")

    @property
    def origin(self) -> Origin:
        return parse_origin(self.base_url)

    @property
    def origins(self) -> tuple[Origin, ...]:
        """Where the run's requests for this target may go: its base URL, and the sandbox behind a proxy."""
        return (self.origin, parse_origin(self.upstream)) if self.upstream else (self.origin,)


@dataclass(frozen=True)
class NotSelected:
    """An API whose tests are deselected, and why (reported, never counted as passed or skipped)."""

    api: str
    reason: str


@dataclass(frozen=True)
class Production:
    """Where an API's real systems live: every host under its `domains`, minus the test environments named in
    `allow_variable` (`host`: full host names; `store`: MyCashflow store names, STORENAME.<domain>).
    `never_allowed` hosts are production whatever the allow-list says: only CONTRACT_ALLOW_PRODUCTION=1 reaches them.
    The one guard, built from the API's contract binding in codegen/apis.yaml (`_production`).
    """

    domains: tuple[str, ...]
    allow_variable: str
    allow_kind: Literal["host", "store"]
    never_allowed: tuple[str, ...] = ()
    source: str = ""
    store_url: Callable[[str], str] | None = None  # store name → base URL (allow_kind "store")

    def test_hosts(self, env: Mapping[str, str]) -> set[str]:
        """The allow-list's hosts, each in its one accepted spelling; a malformed entry is a TargetError."""
        hosts: set[str] = set()
        listed = env.get(self.allow_variable, "") if self.allow_variable else ""
        for entry in (e.strip() for e in listed.split(",")):
            if not entry:
                continue
            try:
                url = self.store_url(entry) if self.store_url else f"https://{entry}/"
                host = parse_origin(url).host
            except ConfigurationError as err:
                raise TargetError(
                    f"{self.allow_variable}: entry {entry!r} is not a {self.allow_kind} name ({err})"
                ) from None
            if self.allow_kind == "host" and host != entry:
                raise TargetError(f"{self.allow_variable}: write {host!r}, not {entry!r}")
            if host in self.never_allowed:
                raise TargetError(
                    f"{self.allow_variable}: {host} is the production host; only {FORCE_PRODUCTION}=1 runs against it"
                )
            hosts.add(host)
        return hosts

    def covers(self, origin: Origin, env: Mapping[str, str]) -> bool:
        """`origin` is a real system of this API (not a test environment named in the allow-list)."""
        in_production = any(origin.within(domain) for domain in self.domains)
        return in_production and origin.host not in self.test_hosts(env)


@dataclass(frozen=True)
class ApiTarget:
    """What differs between APIs when picking a target: the simulator, its credentials, the sandbox variables."""

    api: str
    simulator: Callable[[bool], Any] | None  # https_only → ASGI app; None: the API has no simulator
    username: str
    password: str = field(repr=False)
    production: Production | None = None
    in_process_url: str = ""
    https: bool = False  # the simulator serves HTTPS (with its own test CA) when run over HTTP
    sandbox_url: Callable[[Mapping[str, str]], str | None] = lambda env: None
    sandbox_credentials: tuple[str, str] = ("", "")  # env var names: user, password
    sandbox_url_variables: str = ""  # how the sandbox URL is given, for the "not selected" reason
    writes_need_permission: bool = False  # a real store: GET only unless CONTRACT_ALLOW_WRITES=1


def _in_process_reset(app: Any, base_url: str) -> Callable[[], None]:
    """POST /_sim/reset through the client the tests call the app with: one event loop, on this thread."""
    client = InProcessClient(app, base_url=base_url)
    return lambda: _expect_ok(client.post("/_sim/reset"))


def _http_reset(origin: str, verify: bool | str) -> Callable[[], None]:
    context: Any = ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify
    return lambda: _expect_ok(httpx.post(origin + "/_sim/reset", verify=context))


def _expect_ok(response: httpx.Response | requests.Response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"simulator reset answered {response.status_code}: {response.text[:200]}")


def _store_url(binding: ContractBinding, store: str) -> str:
    """A sandbox store's base URL from its name: a DNS label only (`evil.example/?` would otherwise become the host)."""
    if not binding.sandbox_store_url or not is_dns_label(store):
        raise ConfigurationError(f"not a store name (one DNS label): {store!r}")
    return binding.sandbox_store_url.format(store=store.lower())


def _sandbox_url(binding: ContractBinding) -> Callable[[Mapping[str, str]], str | None]:
    """The sandbox base URL from the environment: a full URL or a store name, never both (as the SDK)."""

    def read(env: Mapping[str, str]) -> str | None:
        store_variable = binding.sandbox_store_variable
        store = env.get(store_variable) if store_variable else None
        base_url = env.get(binding.sandbox_url_variable)
        if store and base_url:
            raise TargetError(f"set {store_variable} or {binding.sandbox_url_variable}, not both")
        if store:
            try:
                return _store_url(binding, store)
            except ConfigurationError as err:
                raise TargetError(f"{store_variable}: {err}") from None
        return base_url or None

    return read


def production_guard(binding: ContractBinding) -> Production | None:
    """The guard for an API with production domains; without a test-hosts variable every host there is production."""
    if not binding.production_domains:
        return None
    kind: Literal["host", "store"] = "store" if binding.test_hosts_match == "store" else "host"
    return Production(
        binding.production_domains,
        binding.test_hosts_variable or "",
        kind,
        binding.production_hosts,
        binding.production_source,
        store_url=(lambda store: _store_url(binding, store)) if kind == "store" else None,
    )


def _api_targets() -> dict[str, ApiTarget]:
    """One target description per API, from its `contract` and `simulator` bindings in codegen/apis.yaml."""
    targets: dict[str, ApiTarget] = {}
    for name, api in load_apis().items():
        binding = api.contract
        if binding is None:
            continue
        entry = load_simulator(name) if api.simulator else None
        username, password = entry.credentials if entry else ("", "")
        targets[name] = ApiTarget(
            api=name,
            simulator=entry.contract_app if entry else None,
            username=username,
            password=password,
            in_process_url=binding.in_process_url,
            https=binding.https,
            sandbox_url=_sandbox_url(binding),
            sandbox_credentials=binding.sandbox_credentials,
            sandbox_url_variables=binding.sandbox_url_variables,
            production=production_guard(binding),
            writes_need_permission=binding.writes_need_permission,
        )
    return targets


API_TARGETS: dict[str, ApiTarget] = _api_targets()


def resolve(api: ApiTarget, env: Mapping[str, str], stack: ExitStack | None = None) -> Target | NotSelected:
    """The target `env` selects for `api`; `stack` keeps simulators started here running (kind `http`, no URL)."""
    kind = env.get("CONTRACT_TARGET", "in-process").strip().lower() or "in-process"
    if kind not in KINDS:
        raise TargetError(f"CONTRACT_TARGET={kind!r}: expected one of {', '.join(KINDS)}")
    if kind in ("in-process", "http") and api.simulator is None:
        return NotSelected(api.api, "not simulated (codegen/apis.yaml gives it no simulator)")
    if kind == "in-process":
        return _in_process(api)
    if kind == "http":
        return _http(api, env, stack)
    return _sandbox(api, env)


def in_process_target(api: str, app: Any = None, *, username: str = "", password: str = "") -> Target:
    """`api`'s simulator as an in-process target, as CONTRACT_TARGET=in-process resolves it: its own fresh app unless
    `app` is given, its credentials unless others are."""
    return _in_process(API_TARGETS[api], app, username=username, password=password)


def _in_process(api: ApiTarget, app: Any = None, *, username: str = "", password: str = "") -> Target:
    if app is None:
        if api.simulator is None:
            raise TargetError(f"{api.api} is not simulated (codegen/apis.yaml gives it no simulator)")
        app = api.simulator(True)
    origin = api.in_process_url.split("/api", 1)[0]
    return Target(
        api.api, "in-process", api.in_process_url, username or api.username, password or api.password,
        app=app, reset=_in_process_reset(app, origin),
    )  # fmt: skip


def _flag(env: Mapping[str, str], name: str) -> bool:
    """A yes/no variable; anything but 1/true/yes/0/false/no (or unset) is bad input, never a silent "no"."""
    value = env.get(name, "").strip().lower()
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    raise TargetError(f"{name}={redact_url(value)}: expected 1, true, yes, 0, false or no")


def _origin(variable: str, url: str) -> Origin:
    """Where `url` goes, refused unless httpx, requests and our parser all read the same host and port."""
    try:
        origin = parse_origin(url)
    except ConfigurationError as err:
        raise TargetError(f"{variable}: {err}") from None
    # schemathesis sends through requests (urllib3): it must read the same origin as the guard did.
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, None)
    seen = urlsplit(prepared.url or "")
    if (seen.scheme, (seen.hostname or "").rstrip("."), seen.port or (443 if seen.scheme == "https" else 80)) != (
        origin.scheme,
        origin.host,
        origin.port,
    ):
        raise TargetError(f"{variable}: {redact_url(url)} is read differently by requests; write it plainly")
    if "?" in url or "#" in url:
        raise TargetError(f"{variable}: {redact_url(url)} is a base URL: no query or fragment")
    return origin


def _http(api: ApiTarget, env: Mapping[str, str], stack: ExitStack | None) -> Target:
    variable = f"CONTRACT_{api.api.upper()}_URL"
    url = env.get(variable)
    verify: bool | str = env.get(f"CONTRACT_{api.api.upper()}_CA") or True
    if url:
        origin = _origin(variable, url)
        if not origin.is_loopback:
            raise TargetError(f"{variable}={redact_url(url)}: the http target is a local simulator (a loopback host)")
        return Target(api.api, "http", url.rstrip("/"), api.username, api.password, verify=verify)
    if stack is None:
        raise TargetError(f"{variable} is unset and no simulator can be started here")
    base, verify = _start_simulator(api, stack)
    path = urlsplit(api.in_process_url).path
    reset = _http_reset(base, verify)
    return Target(api.api, "http", base + path, api.username, api.password, verify=verify, reset=reset)


def _start_simulator(api: ApiTarget, stack: ExitStack) -> tuple[str, bool | str]:
    assert api.simulator is not None  # resolve() does not start what does not exist
    if not api.https:
        return stack.enter_context(running_in_thread(api.simulator(False))), True
    directory = stack.enter_context(tempfile.TemporaryDirectory(prefix=f"contract-{api.api}-"))
    tls = issue_test_certificate(Path(directory))
    return stack.enter_context(running_in_thread(api.simulator(True), tls=tls)), str(tls.ca_cert)


def _sandbox(api: ApiTarget, env: Mapping[str, str]) -> Target | NotSelected:
    url = api.sandbox_url(env)
    user_var, password_var = api.sandbox_credentials
    missing = [
        name for name, value in ((user_var, env.get(user_var)), (password_var, env.get(password_var))) if not value
    ]
    if url is None:
        missing.insert(0, api.sandbox_url_variables)
    if missing:
        return NotSelected(api.api, f"sandbox target needs {', '.join(missing)}")
    assert url is not None
    origin = _origin(f"{api.api} sandbox URL", url)
    if origin.scheme != "https" and not origin.is_loopback:
        raise TargetError(f"{api.api}: sandbox URL {origin} is not HTTPS")
    if origin.ip is not None and not origin.is_loopback:
        raise TargetError(
            f"{api.api}: sandbox URL {origin} is an IP address, which cannot be told apart from production: "
            "use the test environment's host name"
        )
    forced = _flag(env, FORCE_PRODUCTION)
    if api.production is not None and api.production.covers(origin, env) and not forced:
        allow = api.production.allow_variable
        name_it = f"name a test host/store in {allow}" if allow else "codegen/apis.yaml names no test hosts for it"
        raise TargetError(
            f"{api.api}: {origin.host} looks like production; {name_it} (see docs/contract-tests.md) "
            f"or set {FORCE_PRODUCTION}=1 to run anyway"
        )
    read_only = api.writes_need_permission and not _flag(env, ALLOW_WRITES)
    return Target(
        api.api, "sandbox", url.rstrip("/"), env[user_var], env[password_var], read_only=read_only,
        leftovers_allowed=_flag(env, ALLOW_LEFTOVERS),
    )  # fmt: skip


def from_environment(stack: ExitStack, apis: Collection[str] = ()) -> dict[str, Target | NotSelected]:
    """Every API's target (or those in `apis`: the others' simulators are not started) for this environment."""
    return {name: resolve(api, os.environ, stack) for name, api in API_TARGETS.items() if not apis or name in apis}

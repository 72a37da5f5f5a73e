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
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.testclient import TestClient

import simulators.mash as mash_simulator
import simulators.mycashflow as mycashflow_simulator
from simulators._serving import running_in_thread
from simulators._serving.tls import issue_test_certificate

__all__ = [
    "API_TARGETS",
    "KINDS",
    "ApiTarget",
    "NotSelected",
    "Target",
    "TargetError",
    "from_environment",
    "resolve",
]

KINDS = ("in-process", "http", "sandbox")
FORCE_PRODUCTION = "CONTRACT_ALLOW_PRODUCTION"
ALLOW_WRITES = "CONTRACT_ALLOW_WRITES"
_TRUE = frozenset({"1", "true", "yes"})
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


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

    @property
    def label(self) -> str:
        return f"{self.api} {self.kind} {self.base_url}" + (" (read-only: GET only)" if self.read_only else "")


@dataclass(frozen=True)
class NotSelected:
    """An API whose tests are deselected, and why (reported, never counted as passed or skipped)."""

    api: str
    reason: str


@dataclass(frozen=True)
class ApiTarget:
    """What differs between APIs when picking a target: the simulator, its credentials, the sandbox variables."""

    api: str
    simulator: Callable[[bool], Any]  # https_only → ASGI app
    username: str
    password: str = field(repr=False)
    in_process_url: str = ""
    https: bool = False  # the simulator serves HTTPS (with its own test CA) when run over HTTP
    sandbox_url: Callable[[Mapping[str, str]], str | None] = lambda env: None
    sandbox_credentials: tuple[str, str] = ("", "")  # env var names: user, password
    sandbox_url_variables: str = ""  # how the sandbox URL is given, for the "not selected" reason
    production: Callable[[str, Mapping[str, str]], bool] = lambda host, env: False
    writes_need_permission: bool = False  # a real store: GET only unless CONTRACT_ALLOW_WRITES=1


# Control endpoints on, so that each stateful scenario can start from the start-up state (/_sim/reset):
# hypothesis replays a scenario to shrink it, and a replay against a changed store draws differently.
def _mash_app(https_only: bool) -> Any:
    return mash_simulator.create_app(control=True)


def _mycashflow_app(https_only: bool) -> Any:
    return mycashflow_simulator.create_app(seed=0, https_only=https_only, control=True)


def _in_process_reset(app: Any, base_url: str) -> Callable[[], None]:
    client = TestClient(app, base_url=base_url)
    return lambda: _expect_ok(client.post("/_sim/reset"))


def _http_reset(origin: str, verify: bool | str) -> Callable[[], None]:
    context: Any = ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify
    return lambda: _expect_ok(httpx.post(origin + "/_sim/reset", verify=context))


def _expect_ok(response: httpx.Response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"simulator reset answered {response.status_code}: {response.text[:200]}")


def _mycashflow_sandbox_url(env: Mapping[str, str]) -> str | None:
    if env.get("MYCASHFLOW_BASE_URL"):
        return env["MYCASHFLOW_BASE_URL"]
    store = env.get("MYCASHFLOW_STORE")
    return f"https://{store}.mycashflow.fi/api/v1" if store else None


def _mycashflow_is_production(host: str, env: Mapping[str, str]) -> bool:
    # Every *.mycashflow.fi store is a real shop; a test store must be named in CONTRACT_MYCASHFLOW_TEST_STORES.
    allowed = {s.strip().lower() for s in env.get("CONTRACT_MYCASHFLOW_TEST_STORES", "").split(",") if s.strip()}
    host = host.lower()
    return (host == "mycashflow.fi" or host.endswith(".mycashflow.fi")) and host.split(".", 1)[0] not in allowed


def _mash_is_production(host: str, env: Mapping[str, str]) -> bool:
    # The spec's production server (servers[0], https://fi.mash.com/api) and anything else on mash.com
    # except a host named in CONTRACT_MASH_TEST_HOSTS (the test host was lost from the docs' capture).
    allowed = {h.strip().lower() for h in env.get("CONTRACT_MASH_TEST_HOSTS", "").split(",") if h.strip()}
    host = host.lower()
    return (host == "mash.com" or host.endswith(".mash.com")) and host not in allowed


def _api_targets() -> dict[str, ApiTarget]:
    mash_user, mash_password = mash_simulator.DEFAULT_MERCHANT.username, mash_simulator.DEFAULT_MERCHANT.password
    mcf_user, mcf_key = mycashflow_simulator.DEFAULT_USER.email, mycashflow_simulator.DEFAULT_USER.api_key
    return {
        "mash": ApiTarget(
            api="mash",
            simulator=_mash_app,
            username=mash_user,
            password=mash_password,
            in_process_url="http://mash.test/api",
            sandbox_url=lambda env: env.get("MASH_BASE_URL") or None,
            sandbox_credentials=("MASH_USERNAME", "MASH_PASSWORD"),
            sandbox_url_variables="MASH_BASE_URL",
            production=_mash_is_production,
        ),
        "mycashflow": ApiTarget(
            api="mycashflow",
            simulator=_mycashflow_app,
            username=mcf_user,
            password=mcf_key,
            # The store answers plain HTTP with 400: in-process requests say https too.
            in_process_url="https://example-store.mycashflow.fi/api/v1",
            https=True,
            sandbox_url=_mycashflow_sandbox_url,
            sandbox_credentials=("MYCASHFLOW_USERNAME", "MYCASHFLOW_API_KEY"),
            sandbox_url_variables="MYCASHFLOW_STORE (or MYCASHFLOW_BASE_URL)",
            production=_mycashflow_is_production,
            writes_need_permission=True,
        ),
    }


API_TARGETS: dict[str, ApiTarget] = _api_targets()


def resolve(api: ApiTarget, env: Mapping[str, str], stack: ExitStack | None = None) -> Target | NotSelected:
    """The target `env` selects for `api`; `stack` keeps simulators started here running (kind `http`, no URL)."""
    kind = env.get("CONTRACT_TARGET", "in-process").strip().lower() or "in-process"
    if kind not in KINDS:
        raise TargetError(f"CONTRACT_TARGET={kind!r}: expected one of {', '.join(KINDS)}")
    if kind == "in-process":
        app = api.simulator(True)
        origin = api.in_process_url.split("/api", 1)[0]
        return Target(
            api.api, kind, api.in_process_url, api.username, api.password, app=app, reset=_in_process_reset(app, origin)
        )
    if kind == "http":
        return _http(api, env, stack)
    return _sandbox(api, env)


def _http(api: ApiTarget, env: Mapping[str, str], stack: ExitStack | None) -> Target:
    url = env.get(f"CONTRACT_{api.api.upper()}_URL")
    verify: bool | str = env.get(f"CONTRACT_{api.api.upper()}_CA") or True
    if url:
        host = urlsplit(url).hostname or ""
        if host not in _LOOPBACK:
            raise TargetError(f"CONTRACT_{api.api.upper()}_URL={url!r}: the http target is a local simulator")
        return Target(api.api, "http", url.rstrip("/"), api.username, api.password, verify=verify)
    if stack is None:
        raise TargetError(f"CONTRACT_{api.api.upper()}_URL is unset and no simulator can be started here")
    base, verify = _start_simulator(api, stack)
    path = urlsplit(api.in_process_url).path
    reset = _http_reset(base, verify)
    return Target(api.api, "http", base + path, api.username, api.password, verify=verify, reset=reset)


def _start_simulator(api: ApiTarget, stack: ExitStack) -> tuple[str, bool | str]:
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
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https" and host not in _LOOPBACK:
        raise TargetError(f"{api.api}: sandbox URL {parts.scheme}://{host} is not HTTPS")
    forced = env.get(FORCE_PRODUCTION, "").lower() in _TRUE
    if api.production(host, env) and not forced:
        raise TargetError(
            f"{api.api}: {host} looks like production; name a test host/store in the allow-list variable "
            f"(see docs/contract-tests.md) or set {FORCE_PRODUCTION}=1 to run anyway"
        )
    read_only = api.writes_need_permission and env.get(ALLOW_WRITES, "").lower() not in _TRUE
    return Target(api.api, "sandbox", url.rstrip("/"), env[user_var], env[password_var], read_only=read_only)


def from_environment(stack: ExitStack, apis: Collection[str] = ()) -> dict[str, Target | NotSelected]:
    """Every API's target (or those in `apis`: the others' simulators are not started) for this environment."""
    return {name: resolve(api, os.environ, stack) for name, api in API_TARGETS.items() if not apis or name in apis}

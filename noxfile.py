"""The front door: every task is a session. `nox` alone runs the whole test suite (lint, tests, contract, drift)."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.reuse_venv = "yes"  # local speed; CI always starts from a clean clone
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
GENERATED_CLIENTS = sorted(str(path) for path in ROOT.glob("generated/*/*-client") if path.is_dir())
CLIENT_INSTALLS = [arg for path in GENERATED_CLIENTS for arg in ("-e", path)]  # every generated client, editable


@nox.session(default=False)
def generate(session: nox.Session) -> None:
    """Regenerate patched specs and clients for every API from specs/ + overlays/ + codegen/."""
    session.install("-e", ".")
    session.run("python", "-m", "specforge", "generate", *session.posargs)


@nox.session
def drift(session: nox.Session) -> None:
    """Fail if anything under generated/ differs from what the inputs produce."""
    session.install("-e", ".")
    session.run("python", "-m", "specforge", "drift", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Unit, quirk-ledger, generated-client and security tests (tests/security drives the contract suite)."""
    session.install("-e", ".[test,sim,contract]", *CLIENT_INSTALLS)
    session.run("pytest", *session.posargs)


@nox.session
def contract(session: nox.Session) -> None:
    """Contract tests for every API: schemathesis, business-rule models, client decoding (`-- --contract-profile …`)."""
    session.install("-e", ".[test,sim,contract]", *CLIENT_INSTALLS)
    session.run("pytest", "contract_tests", "--junitxml=build/contract-junit.xml", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy --strict on our code; mypy --strict on every generated client."""
    session.install("-e", ".[test,lint,sim,contract]", *CLIENT_INSTALLS)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    for client in GENERATED_CLIENTS:
        session.run("mypy", "--strict", str(Path(client) / Path(client).name.replace("-", "_")))


@nox.session(default=False)
def validate(session: nox.Session) -> None:
    """Report raw-spec findings (fixed by overlays) and check every patched spec and its examples."""
    session.install("-e", ".")
    session.run("python", "-m", "specforge", "validate", *session.posargs)


@nox.session(default=False)
def review(session: nox.Session) -> None:
    """Review spec/overlay/codegen changes against a git base (`-- --base origin/main`): Markdown + exit code."""
    session.install("-e", ".")
    session.run("python", "-m", "specforge", "review", *session.posargs)


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Serve a stateful simulator (`-- mash --port 8080`, `-- mycashflow --port 8443` over HTTPS; `--control`)."""
    session.install("-e", ".[sim]")
    session.run("python", "-m", "simulators", "serve", *session.posargs)


@nox.session(name="fetch-specs", default=False)
def fetch_specs(session: nox.Session) -> None:
    """Download vendored specs (e.g. `-- mycashflow --url URL`), record provenance, report overlay health."""
    session.install("-e", ".")
    session.run("python", "-m", "specforge", "fetch", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks side by side with their anchors (`-- --quick` in CI, `-- --write-markdown` to publish)."""
    session.install("-e", ".[test,sim,contract]", *CLIENT_INSTALLS)
    session.run("python", "-m", "benchmarks.run", *session.posargs)

"""The front door: every task is a session. `nox` alone runs the whole test suite (lint, tests, contract, drift)."""

from __future__ import annotations

import os
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
    """Unit, quirk-ledger, client, simulator and security tests; run whole, under branch coverage with floors."""
    session.install("-e", ".[test,sim,contract,coverage]", *CLIENT_INSTALLS)
    if session.posargs:  # a selection while you work: no coverage, no floors
        session.run("pytest", "--hypothesis-profile=tests", *session.posargs)
    else:
        _covered(session, floors=True)


@nox.session
def contract(session: nox.Session) -> None:
    """Contract tests for every API: schemathesis, business-rule models, client decoding (`-- --contract-profile …`)."""
    session.install("-e", ".[test,sim,contract]", *CLIENT_INSTALLS)
    # The contract profile names the hypothesis one (contract-fast / contract-thorough, root conftest.py);
    # CONTRACT_PROFILE or `-- --contract-profile thorough` picks another.
    profile = f"--contract-profile={os.environ.get('CONTRACT_PROFILE', 'fast')}"
    session.run("pytest", "contract_tests", profile, "--junitxml=build/contract-junit.xml", *session.posargs)


# Branch-coverage floors (percent) per package, checked when `nox -s tests` runs the whole suite (as `nox` and CI
# do; settings in pyproject.toml [tool.coverage]). Each is the figure the suite reached, rounded down, minus 2 points
# so that an unrelated change does not trip it; raise a floor when its package's figure rises.
COVERAGE_FLOORS = {  # 2026-12-02, the whole suite: 91.7, 92.7, 86.6, 96.2, 98.7, 93.0
    "specforge": 89,
    "sdk_runtime": 90,
    "strict_url": 84,
    "mash_sdk": 94,
    "mycashflow_sdk": 96,
    "simulators": 91,
}


def _covered(session: nox.Session, *pytest_args: str, floors: bool) -> None:
    """pytest under branch coverage, a report per package, and (`floors`) a failure for one below its floor."""
    (ROOT / "build").mkdir(exist_ok=True)
    session.run("coverage", "erase")
    session.run("coverage", "run", "-m", "pytest", "--hypothesis-profile=tests", *pytest_args)
    session.run("coverage", "combine", "--quiet", success_codes=[0, 1])  # subprocesses' data, if any
    for package, floor in COVERAGE_FLOORS.items():
        fail_under = [f"--fail-under={floor}"] if floors else []
        session.log(f"{package}: branch coverage" + (f", floor {floor}%" if floors else ""))
        session.run("coverage", "report", f"--include=src/{package}/*", "--format=total", *fail_under)


@nox.session(default=False)
def coverage(session: nox.Session) -> None:
    """Branch coverage of a pytest selection, per package (`-- tests/unit`); the whole suite is `nox -s tests`."""
    session.install("-e", ".[test,sim,contract,coverage]", *CLIENT_INSTALLS)
    _covered(session, *session.posargs, floors=not session.posargs)
    session.run("coverage", "report", "--skip-covered", "--skip-empty", "--sort=cover")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, mypy --strict and the import contracts on our code; mypy --strict on every generated client."""
    session.install("-e", ".[test,lint,sim,contract]", *CLIENT_INSTALLS)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("lint-imports", env={"PYTHONPATH": os.pathsep.join(("src", "."))})
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

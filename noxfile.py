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
    """Unit, quirk-ledger, generated-client and security tests (tests/security drives the contract suite)."""
    session.install("-e", ".[test,sim,contract]", *CLIENT_INSTALLS)
    session.run("pytest", "--hypothesis-profile=tests", *session.posargs)


def _contract_args(posargs: list[str]) -> list[str]:
    """Profile, workers and reports of a contract run, then the caller's own pytest arguments (which win).

    CONTRACT_PROFILE or `-- --contract-profile thorough` picks the budget (contract_tests/profiles.py);
    CONTRACT_WORKERS or `-- -n N` the worker count (`-n 0`: one process); worksteal keeps every core busy when a
    few long model tests meet many short ones. The JUnit and summary files are what `contract-merge` reads.
    """
    return [
        f"--contract-profile={os.environ.get('CONTRACT_PROFILE', 'fast')}",
        *("-n", os.environ.get("CONTRACT_WORKERS", "auto"), "--dist=worksteal"),
        "--junitxml=build/contract-junit.xml",
        "--contract-summary=build/contract-summary.json",
        *posargs,
    ]


@nox.session
def contract(session: nox.Session) -> None:
    """Contract tests for every API on every core (`-- -n 0` for one process, `-- --contract-shard 1/2`)."""
    session.install("-e", ".[test,sim,contract]", *CLIENT_INSTALLS)
    session.run("pytest", "contract_tests", *_contract_args(session.posargs))


@nox.session(name="contract-merge", default=False)
def contract_merge(session: nox.Session) -> None:
    """Merge N shards' reports (`-- DIR…`, each with contract-junit.xml + contract-summary.json) into build/."""
    session.install("-e", ".[test,sim,contract]", *CLIENT_INSTALLS)
    session.run("python", "-m", "contract_tests.merge", "--into", "build", *session.posargs)


# Branch-coverage floors (percent) per package under `nox -s coverage`: the minimum for the tooling and the
# client runtime. Not yet measured on a quiet machine, so CI does not run this session yet (issue 17 follow-up):
# measure, raise each floor to what the tests reach, add the other packages, then add it to .ci/run.
COVERAGE_FLOORS = {"specforge": 85, "sdk_runtime": 85}


@nox.session(default=False)
def coverage(session: nox.Session) -> None:
    """Branch coverage of src/, package by package, under the tests session's tests; fails below a floor."""
    session.install("-e", ".[test,sim,coverage]", *CLIENT_INSTALLS)
    data = f"--data-file={ROOT / 'build' / '.coverage'}"
    (ROOT / "build").mkdir(exist_ok=True)
    session.run(
        "coverage",
        "run",
        data,
        "--branch",
        "--source=src",
        "-m",
        "pytest",
        "--hypothesis-profile=tests",
        "-q",
        *session.posargs,
    )
    session.run("coverage", "report", data, "--skip-covered", "--skip-empty", "--sort=cover")
    for package, floor in COVERAGE_FLOORS.items():
        session.log(f"{package}: branch coverage, floor {floor}%")
        session.run("coverage", "report", data, f"--include=src/{package}/*", f"--fail-under={floor}", "--format=total")


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

"""The front door: every task is a session. `nox` alone runs the whole test suite (lint, tests, contract, drift)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import nox

nox.options.reuse_venv = "yes"  # local speed; CI always starts from a clean clone
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
GENERATED_CLIENTS = sorted(str(path) for path in ROOT.glob("generated/*/*-client") if path.is_dir())
CLIENT_INSTALLS = [arg for path in GENERATED_CLIENTS for arg in ("-e", path)]  # every generated client, editable

# Every session runs in ONE virtualenv, .nox/shared, with everything any session needs: `nox -s generate`
# then `nox` build it once, not once per session, and it is reinstalled only when what it installs changes
# (pyproject.toml, the set of generated clients), so no session re-runs `pip install` (what `-R` gives
# ordinary nox sessions, here by default). nox has no shared-venv option, hence venv_backend "none" + this helper.
SHARED_VENV = ROOT / ".nox" / "shared"
SHARED_INSTALL = ["-e", ".[test,lint,sim,contract,coverage,dist,docs]", *CLIENT_INSTALLS]


def _shared(session: nox.Session) -> dict[str, str]:
    """Make or refresh .nox/shared; the environment that runs commands inside it."""
    bin_dir = SHARED_VENV / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    stamp = SHARED_VENV / "installed.sha256"
    inputs = [ROOT / "pyproject.toml", *(Path(client) / "pyproject.toml" for client in GENERATED_CLIENTS)]
    digest = hashlib.sha256(" ".join(SHARED_INSTALL).encode())
    for path in inputs:
        digest.update(path.read_bytes())
    if not python.exists():
        session.run_install(sys.executable, "-m", "venv", str(SHARED_VENV), external=True)
    installed = stamp.read_text(encoding="utf-8") if stamp.exists() else ""
    if installed != digest.hexdigest():
        session.run_install(str(python), "-m", "pip", "install", "--quiet", *SHARED_INSTALL, external=True)
        stamp.write_text(digest.hexdigest(), encoding="utf-8")
    return {"VIRTUAL_ENV": str(SHARED_VENV), "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}


def _run(session: nox.Session, program: str, *args: str, extra_env: dict[str, str] | None = None) -> None:
    """`program` from the shared venv (`python` is its interpreter)."""
    env = _shared(session) | (extra_env or {})
    bin_dir = Path(env["PATH"].split(os.pathsep, 1)[0])
    session.run(str(bin_dir / program), *args, env=env, external=True)


@nox.session(default=False, venv_backend="none")
def generate(session: nox.Session) -> None:
    """Regenerate patched specs and clients for every API from specs/ + overlays/ + codegen/."""
    _run(session, "python", "-m", "specforge", "generate", *session.posargs)


@nox.session(venv_backend="none")
def drift(session: nox.Session) -> None:
    """Fail if anything under generated/ differs from what the inputs produce."""
    _run(session, "python", "-m", "specforge", "drift", *session.posargs)


# The Mash redirect page is tested in a real headless browser: Debian's chromium + chromedriver, never one
# selenium-manager downloads. The tests session brings it itself when it may (root, apt-get, and CI or the opt-in
# variable set), else stops before pytest with the command to run: a missing browser is never a skip.
BROWSER_TESTS = "tests/**/test_*_browser.py"  # every module driving the browser is named so
BROWSER_PROGRAMS = ("chromium", "chromedriver")
BROWSER_INSTALL = ("apt-get", "install", "-y", "--no-install-recommends", "chromium", "chromium-driver")
BROWSER_OPT_IN = "SPECFORGE_INSTALL_BROWSER"
_VALUED = {"-k", "-m", "-p", "-o", "-c", "--deselect", "--ignore", "--ignore-glob", "--rootdir", "--basetemp"}


def browser_needed(posargs: Sequence[str], root: Path = ROOT) -> bool:
    """Whether this pytest run collects the browser tests: no path given, or a path holding them (or inside them)."""
    values = {i + 1 for i, arg in enumerate(posargs) if arg in _VALUED}  # `-k tests`: "tests" is no path
    args = [arg for i, arg in enumerate(posargs) if not arg.startswith("-") and i not in values]
    paths = [path for path in ((root / arg.split("::", 1)[0]).resolve() for arg in args) if path.exists()]
    targets = [target.resolve() for target in root.glob(BROWSER_TESTS)]
    return not paths or any(path == target or path in target.parents for path in paths for target in targets)


def browser_plan(
    env: Mapping[str, str], which: Callable[[str], str | None], is_root: bool
) -> tuple[str, list[list[str]]]:
    """("ready"|"install"|"stop", commands): install only when permitted; otherwise the commands a person runs."""
    if all(which(program) for program in BROWSER_PROGRAMS):
        return "ready", []
    commands = [["apt-get", "update", "-qq"], list(BROWSER_INSTALL)]
    permitted = is_root and which("apt-get") is not None and bool(env.get("CI") or env.get(BROWSER_OPT_IN))
    return ("install" if permitted else "stop"), commands


def _ensure_browser(session: nox.Session) -> None:
    """Install chromium + chromedriver when missing and permitted, else stop with the exact command."""
    if not browser_needed(session.posargs):
        return
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    verdict, commands = browser_plan(os.environ, shutil.which, is_root)
    if verdict == "install":
        for command in commands:
            session.run(*command, external=True, env={"DEBIAN_FRONTEND": "noninteractive"})
    elif verdict == "stop":
        shown = " && ".join(("" if is_root else "sudo ") + " ".join(command) for command in commands)
        session.error(
            f"the browser tests ({BROWSER_TESTS}) need Debian's chromium and chromedriver.\n"
            f"Run: {shown}\n"
            f"(or, as root, set {BROWSER_OPT_IN}=1 and nox -s tests installs them itself)"
        )


@nox.session(venv_backend="none")
def tests(session: nox.Session) -> None:
    """Unit, quirk-ledger, client, simulator and security tests; run whole, under branch coverage with floors."""
    _ensure_browser(session)
    if session.posargs:  # a selection while you work: no coverage, no floors
        _run(session, "pytest", "--hypothesis-profile=tests", *session.posargs)
    else:
        _covered(session, floors=True)


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


# pytest rewrites the asserts of every module of an entry-point plugin (schemathesis: 440 modules) and caches the
# result as bytecode, unless PYTHONDONTWRITEBYTECODE is set (CI images, shared machines): then each process of a
# contract run (controller, xdist workers, the suite's child pytest runs) pays ~1.5 CPU-s to rewrite them again
# (issue 21). An empty value unsets the flag; the bytecode goes under .nox/pycache, never next to the sources.
# benchmarks/contract.py runs the suite with the same variables.
CONTRACT_ENV = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(ROOT / ".nox" / "pycache")}


@nox.session(venv_backend="none")
def contract(session: nox.Session) -> None:
    """Contract tests for every API on every core (`-- -n 0` for one process, `-- --contract-shard 1/2`)."""
    _run(session, "pytest", "contract_tests", *_contract_args(session.posargs), extra_env=CONTRACT_ENV)


@nox.session(name="contract-merge", default=False, venv_backend="none")
def contract_merge(session: nox.Session) -> None:
    """Merge N shards' reports (`-- DIR…`, each with contract-junit.xml + contract-summary.json) into build/."""
    _run(session, "python", "-m", "contract_tests.merge", "--into", "build", *session.posargs)


# Branch-coverage floors (percent) per package, checked when `nox -s tests` runs the whole suite (as `nox` and CI
# do; settings in pyproject.toml [tool.coverage]). Each floor is what the suite reached
# so that an unrelated change does not trip it (the figure minus 2, rounded down); raise a floor as its figure rises.
COVERAGE_FLOORS = {  # reached 2026-12-02 05:00 (the whole suite on main as merged) → floor
    "specforge": 89,  # 91.8
    "sdk_runtime": 90,  # 92.0
    "strict_url": 86,  # 88.7
    "mash_sdk": 94,  # 96.6
    "mycashflow_sdk": 92,  # 94.4 (98.8 before _webhooks.py, 80.4 %)
    "simulators": 90,  # 92.9
    "trafficcheck": 81,  # 83.9
    "docsite": 86,  # 88.1, measured on its own tests (tests/website, tests/unit/test_docsite_markdown.py), 2026-12-02
}


def _covered(session: nox.Session, *pytest_args: str, floors: bool) -> None:
    """pytest under branch coverage, a report per package, and (`floors`) a failure for one below its floor."""
    (ROOT / "build").mkdir(exist_ok=True)
    _run(session, "coverage", "erase")
    _run(session, "coverage", "run", "-m", "pytest", "--hypothesis-profile=tests", *pytest_args)
    _run(session, "coverage", "combine", "--quiet")  # this process's data and its subprocesses' (parallel = true)
    for package, floor in COVERAGE_FLOORS.items():
        fail_under = [f"--fail-under={floor}"] if floors else []
        session.log(f"{package}: branch coverage" + (f", floor {floor}%" if floors else ""))
        _run(session, "coverage", "report", f"--include=src/{package}/*", "--format=total", *fail_under)


@nox.session(default=False, venv_backend="none")
def coverage(session: nox.Session) -> None:
    """Branch coverage of a pytest selection, per package (`-- tests/unit`); the whole suite is `nox -s tests`."""
    _covered(session, *session.posargs, floors=not session.posargs)
    _run(session, "coverage", "report", "--skip-covered", "--sort=cover")


@nox.session(venv_backend="none")
def lint(session: nox.Session) -> None:
    """ruff, mypy --strict and the import contracts on our code; mypy --strict on every generated client."""
    _run(session, "ruff", "check", ".")
    _run(session, "ruff", "format", "--check", ".")
    _run(session, "mypy")
    _run(session, "lint-imports", extra_env={"PYTHONPATH": os.pathsep.join(("src", "."))})
    for client in GENERATED_CLIENTS:
        _run(session, "mypy", "--strict", str(Path(client) / Path(client).name.replace("-", "_")))


@nox.session(default=False, venv_backend="none")
def validate(session: nox.Session) -> None:
    """Report raw-spec findings (fixed by overlays) and check every patched spec and its examples."""
    _run(session, "python", "-m", "specforge", "validate", *session.posargs)


@nox.session(default=False, venv_backend="none")
def review(session: nox.Session) -> None:
    """Review spec/overlay/codegen changes against a git base (`-- --base origin/main`): Markdown + exit code."""
    _run(session, "python", "-m", "specforge", "review", *session.posargs)


@nox.session(default=False, venv_backend="none")
def serve(session: nox.Session) -> None:
    """Serve a stateful simulator (`-- mash --port 8080`, `-- mycashflow --port 8443` over HTTPS; `--control`)."""
    _run(session, "python", "-m", "simulators", "serve", *session.posargs)


@nox.session(default=False, venv_backend="none")
def proxy(session: nox.Session) -> None:
    """Validating proxy (`-- mash --upstream URL --port 8081`): forwards, checks, records a cassette and a report."""
    _run(session, "python", "-m", "trafficcheck", "proxy", *session.posargs)


@nox.session(default=False, venv_backend="none")
def replay(session: nox.Session) -> None:
    """Replay a cassette against its API's simulator (`-- CASSETTE`): per exchange, status and body shape."""
    _run(session, "python", "-m", "trafficcheck", "replay", *session.posargs)


@nox.session(name="fetch-specs", default=False, venv_backend="none")
def fetch_specs(session: nox.Session) -> None:
    """Download vendored specs (e.g. `-- mycashflow --url URL`), record provenance, report overlay health."""
    _run(session, "python", "-m", "specforge", "fetch", *session.posargs)


@nox.session(default=False, venv_backend="none")
def bench(session: nox.Session) -> None:
    """Benchmarks side by side with their anchors (`-- --quick` in CI, `-- --write-markdown` to publish)."""
    _run(session, "python", "-m", "benchmarks.run", *session.posargs)


DIST_DIR = ROOT / "build" / "dist"


@nox.session(default=False, venv_backend="none")
def build(session: nox.Session) -> None:
    """sdist + wheel of every distribution, `twine check`, then all wheels in a fresh venv and smoke-tested there."""
    staging = ROOT / "build" / "dist-src"
    for folder in (DIST_DIR, staging):
        shutil.rmtree(folder, ignore_errors=True)
    _run(session, "python", "-m", "specforge.dist", "assemble", "--into", str(staging))
    for project in sorted(path for path in staging.iterdir() if path.is_dir()):
        _run(session, "python", "-m", "build", "--no-isolation", "--outdir", str(DIST_DIR), str(project), "--quiet")
    _run(session, "twine", "check", "--strict", *sorted(str(path) for path in DIST_DIR.iterdir()))
    wheels = sorted(DIST_DIR.glob("*.whl"))
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            metadata = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
            requires = [
                line[15:] for line in archive.read(metadata).decode().splitlines() if line.startswith("Requires-Dist: ")
            ]
        session.log(f"{wheel.name}: {wheel.stat().st_size / 1024:.0f} KiB; requires {', '.join(requires) or 'nothing'}")
    # A fresh venv outside the repository (a temporary folder), nothing of the checkout on sys.path: only what the
    # wheels and their dependencies bring.
    with tempfile.TemporaryDirectory(prefix="specforge-smoke-") as scratch:
        smoke = Path(scratch)
        session.run(sys.executable, "-m", "venv", str(smoke / "venv"), external=True)
        python = smoke / "venv" / ("Scripts" if os.name == "nt" else "bin") / "python"
        session.run(str(python), "-m", "pip", "install", "--quiet", *map(str, wheels), external=True)
        shutil.copyfile(ROOT / "packaging" / "smoke.py", smoke / "smoke.py")
        outer = {key: os.environ[key] for key in ("HOME", "TMPDIR", "LANG") if key in os.environ}
        env = outer | {"PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        with session.chdir(smoke):
            session.run(str(python), "smoke.py", str(ROOT), env=env, include_outer_env=False, external=True)


DOCS_SITE = ROOT / "build" / "docs-site"


@nox.session(default=False, venv_backend="none")
def docs(session: nox.Session) -> None:
    """The docs site (mkdocs.yml): `mkdocs build --strict` into build/docs-site, then tests/website against it."""
    _ensure_browser(session)  # tests/website/test_site_browser.py drives the headless browser
    quiet = {"NO_MKDOCS_2_WARNING": "1"}  # Material's end-of-life banner, printed on every build
    _run(session, "mkdocs", "build", "--strict", "--site-dir", str(DOCS_SITE), extra_env=quiet)
    _run(
        session,
        "pytest",
        "--hypothesis-profile=tests",
        "tests/website",
        *session.posargs,
        extra_env={"DOCS_SITE": str(DOCS_SITE)},
    )


@nox.session(default=False, venv_backend="none")
def release(session: nox.Session) -> None:
    """`-- API --base REF`: apply `nox -s review`'s suggested bump to the client's version and its CHANGELOG.md."""
    args = list(session.posargs)
    if len(args) != 3 or args[1] != "--base":
        session.error("usage: nox -s release -- API --base REF   (REF: the commit of the last release)")
    report = ROOT / "build" / f"review-{args[0]}.json"
    report.parent.mkdir(exist_ok=True)
    _run(
        session,
        "python",
        "-m",
        "specforge",
        "review",
        args[0],
        "--base",
        args[2],
        "--format",
        "json",
        "-o",
        str(report),
    )
    _run(session, "python", "-m", "specforge.dist", "release", args[0], "--review", str(report))

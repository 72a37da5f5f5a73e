"""`nox -s tests` brings the browser its browser tests need, or stops with the command to run (issue 18 point 3)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import noxfile

ROOT = Path(noxfile.__file__).parent
BROWSER_TEST = "tests/simulators/mash/test_redirect_browser.py"


def _which(present: set[str]) -> Callable[[str], str | None]:
    return lambda program: f"/usr/bin/{program}" if program in present else None


ALL = {"chromium", "chromedriver", "apt-get"}


def test_a_present_browser_needs_nothing() -> None:
    assert noxfile.browser_plan({}, _which(ALL), is_root=False) == ("ready", [])


@pytest.mark.parametrize("env", [{"CI": "true"}, {noxfile.BROWSER_OPT_IN: "1"}])
def test_root_with_apt_in_ci_or_opted_in_installs_debian_chromium(env: dict[str, str]) -> None:
    verdict, commands = noxfile.browser_plan(env, _which({"apt-get"}), is_root=True)
    assert verdict == "install"
    assert commands[-1][:2] == ["apt-get", "install"]
    assert {"chromium", "chromium-driver"} <= set(commands[-1])


@pytest.mark.parametrize(
    ("env", "present", "is_root"),
    [
        ({}, {"apt-get"}, True),  # root, but nobody said installing is fine
        ({"CI": "true"}, {"apt-get"}, False),  # not root
        ({"CI": "true"}, set(), True),  # no apt-get: not Debian
        ({"CI": "true"}, {"apt-get", "chromium"}, False),  # half there is missing
    ],
)
def test_otherwise_it_stops_with_the_commands(env: dict[str, str], present: set[str], is_root: bool) -> None:
    verdict, commands = noxfile.browser_plan(env, _which(present), is_root=is_root)
    assert verdict == "stop"
    assert ["apt-get", "update", "-qq"] in commands


@pytest.mark.parametrize(
    ("posargs", "needed"),
    [
        ([], True),
        (["-x", "-q"], True),
        (["tests"], True),
        (["tests/simulators"], True),
        ([f"{BROWSER_TEST}::test_a_customer_cancels_and_returns_to_cancel_url", "-q"], True),
        (["tests/ledger"], False),
        (["tests/unit/test_cli.py", "-k", "tests"], False),
        (["tests/simulators/mycashflow"], False),
        (["tests/simulators/mash/test_console_browser.py"], True),  # every *_browser.py module, not one file
        (["tests/simulators", "--ignore", "tests/simulators/mash"], True),  # over-asks: never under-asks
    ],
)
def test_only_runs_that_collect_the_browser_tests_need_the_browser(posargs: list[str], needed: bool) -> None:
    assert noxfile.browser_needed(posargs, ROOT) is needed


def test_the_session_stops_before_pytest_and_prints_the_command(tmp_path: Path) -> None:
    """The real nox session, with chromium off PATH and no permission to install: exit 1 and the exact command."""
    nox_bin = tmp_path / "bin"
    nox_bin.mkdir()
    (nox_bin / "python").symlink_to(sys.executable)
    env = {key: value for key, value in os.environ.items() if key not in ("CI", noxfile.BROWSER_OPT_IN)}
    env["PATH"] = str(nox_bin)
    nox = [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "--envdir", str(tmp_path / "envs")]
    result = subprocess.run(
        [*nox, "-s", "tests", "--", BROWSER_TEST],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "apt-get install -y --no-install-recommends chromium chromium-driver" in result.stderr
    assert "passed" not in result.stdout + result.stderr  # pytest never ran

"""Subset runs: `--api mash` runs one API without starting the other's simulator; a URL with nothing behind it
is one line saying how to start the simulator, not a connection trace per test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from simulators._serving.runner import free_port

ROOT = Path(__file__).parents[2]
# The modules whose tests belong to one API (the others are API-neutral or in-process only).
MODULES = [
    "contract_tests/test_server_contract.py",
    "contract_tests/test_mash_rules.py",
    "contract_tests/test_mycashflow_rules.py",
]
DEADLINE_S = 300


def _pytest(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "PYTEST_"))}
    command = [sys.executable, "-m", "pytest", *MODULES, "-p", "no:cacheprovider", *args]
    return subprocess.run(
        command, cwd=ROOT, env={**environ, **env}, capture_output=True, text=True, timeout=DEADLINE_S, check=False
    )


def test_api_mash_collects_only_mash_and_starts_no_mycashflow_simulator() -> None:
    run = _pytest("--api", "mash", "--collect-only", CONTRACT_TARGET="http")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    targets = [line for line in run.stdout.splitlines() if line.startswith("contract target:")]
    assert len(targets) == 1 and targets[0].startswith("contract target: mash http http://127.0.0.1:"), targets
    collected = [line.strip() for line in run.stdout.splitlines() if line.strip().startswith("<")]
    assert any("test_operation[mash]" in line for line in collected), collected
    assert any("TestMashRules" in line or "test_mash" in line.lower() for line in collected)
    assert not [line for line in collected if "mycashflow" in line.lower()]


def test_nothing_listening_at_the_url_is_one_line_saying_how_to_start_it() -> None:
    url = f"http://127.0.0.1:{free_port()}/api"
    run = _pytest("--api", "mash", "-q", CONTRACT_TARGET="http", CONTRACT_MASH_URL=url)
    output = run.stdout + run.stderr
    assert run.returncode != 0
    hits = [line for line in output.splitlines() if "nothing listens at CONTRACT_MASH_URL" in line]
    assert len(hits) == 1 and "nox -s serve -- mash --port" in hits[0], output[-2000:]
    assert "Traceback" not in output and "ConnectError" not in output and "Connection refused" not in output

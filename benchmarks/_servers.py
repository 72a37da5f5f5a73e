"""Start a server process, wait for its port with a deadline (no sleeps), stop it; install the anchors' tools."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from simulators._serving.runner import free_port

__all__ = ["WrkResult", "cpu_seconds", "ensure_prism", "ensure_wrk", "free_port", "rss_mib", "running", "wrk"]

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / ".bench-tools"
PRISM_VERSION = "5.16.0"


def _wait_for_port(port: int, process: subprocess.Popen[bytes], deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)  # polling a port with a deadline, not waiting for a guess
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {deadline_s}s")


@contextmanager
def running(command: Sequence[str], port: int, *, env: dict[str, str] | None = None) -> Iterator[int]:
    """Run `command` until the block ends; yields its pid once `port` accepts connections."""
    process = subprocess.Popen(
        list(command), env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_port(port, process, 60)
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rss_mib(pid: int) -> float:
    """Resident set size of a process (Linux /proc), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) a process has used so far (Linux /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": the comm may hold spaces
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5), in clock ticks
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def ensure_wrk() -> str | None:
    """wrk from Debian (installed here when missing and we are root); None with no way to get it."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    return shutil.which("wrk")


def ensure_prism() -> Path | None:
    """Prism from npm into .bench-tools/ (pinned); None when npm is missing or the install fails."""
    binary = TOOLS / "prism" / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary
    if not shutil.which("npm"):
        return None
    subprocess.run(
        ["npm", "install", "--prefix", str(TOOLS / "prism"), "--no-audit", "--no-fund",
         f"@stoplight/prism-cli@{PRISM_VERSION}"],
        check=False, capture_output=True,
    )  # fmt: skip
    return binary if binary.exists() else None


@dataclass
class WrkResult:
    """What one wrk run measured."""

    requests_per_s: float
    requests: int
    p50_ms: float
    p99_ms: float
    non_2xx: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def wrk(url: str, script: str, seconds: float, env: dict[str, str], connections: int = 16) -> WrkResult:
    """wrk with 2 threads (one per core) and `connections` connections; parses req/s and latency."""
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", str(ROOT / "benchmarks" / "wrk" / script), url],
        env={**os.environ, **env}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = done.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    p50 = re.search(r"\s50%\s+(\S+)", out)
    p99 = re.search(r"\s99%\s+(\S+)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if not (rate and total and p50 and p99):
        raise RuntimeError(f"could not read wrk output:\n{out}\n{done.stderr}")
    return WrkResult(float(rate[1]), int(total[1]), _ms(p50[1]), _ms(p99[1]), int(errors[1]) if errors else 0)

"""Smoke test of the installed wheels, run by `nox -s build` with a fresh venv's Python, outside the repository.

It proves the wheels stand alone: every package is imported from site-packages (never the checkout given as
argv[1]), each client package re-exports its hand-written layer, and each installed `<api>-simulator` console
script serves its shipped spec to one call through the installed client (`sdk.smoke` of codegen/apis.yaml; an
answer or the API's own typed error both prove the wire). Exit 1 on the first failure.
"""

from __future__ import annotations

import importlib
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import simulators.scripts
from specforge.apis import load_apis
from specforge.clients import load_object, operation_module

START_TIMEOUT = 60.0  # seconds for a simulator to print its `listening on` line


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _settings(script: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """Start the console script on a free port; its `export` line as a mapping."""
    args = [script, "--port", str(_free_port())]
    if "--no-plain-http" in subprocess.run([script, "--help"], capture_output=True, text=True, check=True).stdout:
        args.append("--no-plain-http")
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    settings: dict[str, str] = {}
    deadline = time.monotonic() + START_TIMEOUT
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("export "):
            settings = dict(word.split("=", 1) for word in shlex.split(line)[1:])
        if line.startswith("listening on"):
            return process, settings
    process.kill()
    raise SystemExit(f"{script} did not start within {START_TIMEOUT:.0f}s")


def main(checkout: str) -> int:
    repo = Path(checkout).resolve()
    shipped = simulators.scripts.SHIPPED
    for module in (simulators, importlib.import_module("specforge")):
        assert repo not in Path(module.__file__ or "").resolve().parents, f"{module.__name__} from the checkout"
    for api in load_apis(shipped).values():
        if api.sdk is None:
            continue
        package = importlib.import_module(api.package)
        assert repo not in Path(package.__file__ or "").resolve().parents, f"{api.package} from the checkout"
        sdk = importlib.import_module(api.sdk.client.split(":")[0])
        missing = [name for name in sdk.__all__ if getattr(package, name, None) is not getattr(sdk, name)]
        assert not missing, f"{api.package} does not re-export {missing}"
        client_class: Any = load_object(api.sdk.client)
        name = api.sdk.client.split(":")[1]
        print(f"{api.project}: `from {api.package} import {name}` ok, with the other {len(sdk.__all__) - 1} SDK names")
        script = shutil.which(f"{api.name.replace('_', '-')}-simulator")
        if script is None:
            continue
        process, settings = _settings(script)
        try:
            operation, arguments = api.sdk.smoke
            with client_class.from_env(settings) as client:
                try:
                    result = operation_module(api.package, operation).sync(**arguments, client=client)
                    assert result is not None, f"{operation}: no typed body (an undocumented status?)"
                    outcome = type(result).__name__
                except load_object(api.sdk.error) as error:
                    outcome = type(error).__name__
            print(f"{api.project}: {operation} against {Path(script).name} → {outcome}")
        finally:
            process.terminate()
            process.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

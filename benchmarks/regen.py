"""Regeneration: the whole pipeline vs the bare generator, and how it grows with spec size."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from specforge.openapi import iter_operations
from specforge.patched import load_patched

from ._measure import Figure, Stats, repeat

__all__ = ["output_check_cost", "regeneration", "scaling"]

ROOT = Path(__file__).resolve().parents[1]
_BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


# `generate` with its output check (specforge.generate._check_output: the import of every generated module in
# a child process, the syntax-tree and README checks) replaced by a no-op. The CLI has no switch to skip a safety
# check, on purpose, so only this measurement turns it off.
_WITHOUT_CHECK = (
    "import sys, specforge.generate as g; from specforge.cli import main; "
    "g._check_output = lambda apis, out_root: None; sys.exit(main(sys.argv[1:]))"
)


def _pipeline(root: Path, *, check: bool = True) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "specforge"] if check else [sys.executable, "-c", _WITHOUT_CHECK]
        started = time.perf_counter()
        done = subprocess.run(
            [*command, "generate", "--into", str(Path(tmp) / "out")],
            cwd=root, env={**_env(), "SPECFORGE_ROOT": str(root)}, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"pipeline failed in {root}:\n{done.stdout}{done.stderr}")
        return time.perf_counter() - started


def _bare(specs: list[Path]) -> float:
    """openapi-python-client as its README runs it, default ruff post-hooks, one spec after another."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        for index, spec in enumerate(specs):
            config = Path(tmp) / f"config{index}.yaml"
            config.write_text(f"project_name_override: c{index}\npackage_name_override: c{index}\n")
            subprocess.run(
                [str(_BIN / "openapi-python-client"), "generate", "--path", str(spec), "--meta", "uv",
                 "--output-path", str(Path(tmp) / f"c{index}"), "--config", str(config)],
                env=_env(), check=True, capture_output=True,
            )  # fmt: skip
        return time.perf_counter() - started


def regeneration(runs: int) -> Figure:
    """Both clients: overlays + validation + generation + formatting vs bare generation of the same patched specs."""
    specs = sorted(ROOT.glob("generated/*/openapi.yaml"))
    ours = repeat(lambda: _pipeline(ROOT), runs)
    anchor = repeat(lambda: _bare(specs), runs)
    figure = Figure(
        name=f"regenerate {len(specs)} clients (overlays + checks + generation + formatting)",
        unit="s",
        ours=ours,
        anchor_name="bare `openapi-python-client generate` on the same patched specs",
        anchor=anchor,
        target="≤ 1.1×",
    )
    figure.met = figure.ratio is not None and figure.ratio <= 1.1
    return figure


def output_check_cost(runs: int) -> Figure:
    """What the output check adds to `generate` (issue 13): the same pipeline with and without it, runs interleaved."""
    with_check: list[float] = []
    without: list[float] = []
    _pipeline(ROOT)  # warm-up (file caches), discarded
    for _ in range(runs):
        with_check.append(_pipeline(ROOT))
        without.append(_pipeline(ROOT, check=False))
    clients = len(list(ROOT.glob("generated/*/openapi.yaml")))
    ours, anchor = Stats.of(with_check), Stats.of(without)
    return Figure(
        name=f"regenerate {clients} clients with the output check (every module imported in a child process)",
        unit="s", ours=ours, anchor_name="the same `generate` with the check replaced by a no-op", anchor=anchor,
        target="report",
        note=f"the check adds {ours.median - anchor.median:.2f} s (median) to `nox -s generate`",
    )  # fmt: skip


def _synthetic(document: dict[str, Any], copies: int) -> dict[str, Any]:
    """`copies` renamed copies of every path, schema and tag: models and endpoints both scale."""
    text = json.dumps(document)
    names = sorted(document.get("components", {}).get("schemas", {}), key=len, reverse=True)
    result: dict[str, Any] = {
        **document,
        "paths": {},
        "tags": [],
        # The original components stay too: shared responses and parameters refer to them by name.
        "components": json.loads(json.dumps(document["components"])),
    }
    for copy in range(copies):
        replaced = text
        for name in names:
            replaced = replaced.replace(f'"#/components/schemas/{name}"', f'"#/components/schemas/{name}X{copy}"')
        clone = json.loads(replaced)
        for path, item in clone["paths"].items():
            for operation in item.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    operation["operationId"] += f"X{copy}"
                    operation["tags"] = [f"{tag} {copy}" for tag in operation.get("tags", [])]
            result["paths"][f"/copy{copy}{path}"] = item
        result["tags"] += [{**tag, "name": f"{tag['name']} {copy}"} for tag in clone.get("tags", [])]
        for name, schema in clone["components"]["schemas"].items():
            result["components"]["schemas"][f"{name}X{copy}"] = schema
    return result


def scaling(factors: list[int], runs: int) -> list[Figure]:
    """Pipeline time for a synthetic API made of N copies of the patched Mash spec."""
    mash = load_patched("mash").document
    operations = sum(1 for _ in iter_operations(mash))
    figures: list[Figure] = []
    base: Stats | None = None
    for factor in factors:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            shutil.copytree(ROOT / "codegen" / "templates", root / "codegen" / "templates")
            shutil.copy(ROOT / "codegen" / "openapi-python-client.yaml", root / "codegen")
            (root / "codegen" / "apis.yaml").write_text(
                "apis:\n  synthetic: {spec: spec.yaml, overlays: overlays, package: synthetic_client, "
                "project: synthetic-client}\n"
            )
            (root / "spec.yaml").write_text(json.dumps(_synthetic(mash, factor)))
            stats = repeat(functools.partial(_pipeline, root), runs if factor < 100 else 1, warmup=0)
        base = base or stats
        figure = Figure(
            name=f"regenerate a synthetic spec of {factor}× Mash ({factor * operations} operations)",
            unit="s",
            ours=stats,
            anchor_name=f"the 1× run ({factors[0]}×), scaled linearly",
            anchor=Stats(base.median * factor / factors[0], 0, 0, 1),
            target="no worse than linear",
        )
        figure.met = figure.ratio is not None and figure.ratio <= 1.0 + 0.1
        figures.append(figure)
    return figures

"""`mash-simulator`, `mycashflow-simulator`: the console scripts of the simulators' wheel (specforge.dist).

The script's own name says which API (`<api>-simulator`, `-` for `_`), so one entry point serves every
simulator and adding one is data (its codegen/apis.yaml entry). Installed from a wheel, far from a checkout,
the simulator serves the patched specs shipped beside this file (_data/: codegen/apis.yaml and each
generated/<api>/openapi.yaml + STAMP.json); in a checkout SPECFORGE_ROOT or the working directory wins.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .cli import main as cli_main

__all__ = ["SHIPPED", "api_of", "main"]

SHIPPED = Path(__file__).parent / "_data"


def api_of(script: str) -> str:
    """`/venv/bin/mycashflow-simulator` → `mycashflow`."""
    return Path(script).name.removesuffix(".exe").removesuffix("-simulator").replace("-", "_")


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the API the script is named after; every argument is `python -m simulators serve API`'s."""
    if (SHIPPED / "codegen" / "apis.yaml").is_file() and "SPECFORGE_ROOT" not in os.environ:
        os.environ["SPECFORGE_ROOT"] = str(SHIPPED)
    return cli_main(["serve", api_of(sys.argv[0]), *(sys.argv[1:] if argv is None else argv)])

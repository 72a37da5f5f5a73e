"""`python -m specforge.dist assemble --into DIR` | `release API --review FILE`: what `nox -s build|release` run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..apis import find_root, load_apis
from ..errors import SpecforgeError
from .assemble import assemble, distributions
from .release import release


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m specforge.dist", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("assemble", help="write one project folder per distribution")
    build.add_argument("--into", required=True, help="folder for the project folders (each replaced)")
    rel = commands.add_parser("release", help="bump a client's version and changelog from a review report")
    rel.add_argument("api")
    rel.add_argument("--review", required=True, help="`specforge review --format json` output")
    args = parser.parse_args(argv)
    try:
        root = find_root()
        if args.command == "assemble":
            for dist in distributions(root):
                print(f"{dist.name} {dist.version} {assemble(dist, Path(args.into))}")
            return 0
        apis = load_apis(root)
        if args.api not in apis or apis[args.api].sdk is None:
            known = ", ".join(name for name, api in apis.items() if api.sdk)
            raise SpecforgeError(
                "codegen/apis.yaml", f"no client distribution for {args.api!r}", hint=f"known: {known}"
            )
        print(f"{apis[args.api].project} {release(apis[args.api], Path(args.review))}")
        return 0
    except SpecforgeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""Command line: argument parsing and error rendering only; the work happens in the modules it calls."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import _yaml
from .apis import API, find_root, load_apis
from .document import load_json_document
from .draft import draft_overlay, pending_drafts_markdown
from .drift import check_drift
from .errors import SpecforgeError
from .fetch import refresh
from .generate import build, regenerate
from .health import overlay_health
from .output_check import GenerationCheckError
from .pipeline import load_raw, patch, patch_checked
from .review import RULES, run_review, to_json, to_markdown
from .validate import example_findings, openapi_findings

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _select(names: Sequence[str]) -> list[API]:
    apis = load_apis(find_root())
    unknown = [name for name in names if name not in apis]
    if unknown:
        raise SpecforgeError(
            "codegen/apis.yaml", f"unknown API(s): {', '.join(unknown)}", hint=f"known: {', '.join(apis)}"
        )
    return [apis[name] for name in names] if names else list(apis.values())


def _cmd_generate(args: argparse.Namespace) -> int:
    apis = _select(args.apis)
    started = time.perf_counter()
    if args.into:
        # Build elsewhere (a preview, or a benchmark): generated/ is not touched.
        into = Path(args.into)
        if into.is_symlink() or (into.exists() and (not into.is_dir() or any(into.iterdir()))):
            raise SpecforgeError(into, "--into must be a new or empty folder; nothing was written")
        reports = build(apis, into)
    else:
        reports = regenerate(apis, apis[0].root)
    for report in reports:
        print(
            f"{report.api}: {report.actions} overlay actions applied, {report.files} Python files "
            f"generated ({report.seconds.get('generate', 0):.2f}s generator)"
        )
    print(f"regenerated {len(reports)} API(s) in {time.perf_counter() - started:.2f}s")
    return EXIT_OK


def _cmd_draft_overlay(args: argparse.Namespace) -> int:
    report = Path(args.report)
    if not report.is_file():
        raise SpecforgeError(report, "no such deviation report")
    out, drafted, skipped = draft_overlay(report, find_root())
    for reason in skipped:
        print(f"not drafted: {reason}")
    print(f"{drafted} deviation(s) drafted into {out}" if drafted else "nothing to draft")
    return EXIT_OK


def _cmd_drift(args: argparse.Namespace) -> int:
    apis = _select(args.apis)
    report = check_drift(apis, apis[0].root)
    print(report.summary())
    return EXIT_OK if report.clean else EXIT_FAILED


def _cmd_patch(args: argparse.Namespace) -> int:
    (api,) = _select([args.api])
    patched = patch(api, strict=not args.lenient)
    for item in patched.result.unmatched:
        print(f"{item.action.source}: {item.action.label}: matched nothing ({item.action.target})", file=sys.stderr)
    if args.output:
        _yaml.dump(patched.document, Path(args.output))
    else:
        sys.stdout.write(_yaml.dumps(patched.document))
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for api in _select(args.apis):
        raw = load_raw(api)
        raw_problems = openapi_findings(raw) + example_findings(raw)
        print(
            f"{api.name}: raw spec {api.rel(api.spec_path)}: {len(raw_problems)} finding(s) "
            "(the raw spec is faithful to its source; the overlays must fix these)"
        )
        for problem in raw_problems:
            print(f"  {problem}")
        try:
            patch_checked(api)
        except SpecforgeError as err:
            print(f"{api.name}: patched spec: FAILED\n{err}")
            status = EXIT_FAILED
        else:
            print(f"{api.name}: patched spec: valid OpenAPI, every example matches its schema")
    return status


def _cmd_fetch(args: argparse.Namespace) -> int:
    apis = [api for api in _select(args.apis) if api.provenance_path is not None]
    if not apis:
        raise SpecforgeError("codegen/apis.yaml", "no vendored API selected (none has a `provenance:` entry)")
    for api in apis:
        health = refresh(api, args.url, timeout=args.timeout)
        print(f"{api.name}: {api.rel(api.spec_path)} refreshed; provenance written beside it")
        print(health.render())
    print("next: `nox -s generate`, then review and commit specs/ and generated/ together")
    return EXIT_OK


def _cmd_health(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for api in _select(args.apis):
        previous = load_json_document(api.patched_spec_path) if api.patched_spec_path.is_file() else None
        health = overlay_health(api, load_raw(api), previous)
        print(health.render())
        status = EXIT_FAILED if health.unmatched else status
    return status


def _cmd_review(args: argparse.Namespace) -> int:
    if args.rules:
        for rule in RULES.values():
            print(f"{rule.id:32} {rule.severity:8} {rule.rationale}")
        return EXIT_OK
    if not args.base:
        raise SpecforgeError("review", "--base REF is required", hint="e.g. --base origin/main or --base HEAD~1")
    review = run_review(find_root(), args.base, args.apis)
    text = to_json(review) if args.format == "json" else to_markdown(review) + pending_drafts_markdown(find_root())
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{review.verdict}\n(report: {args.output}; {len(review.apis)} API(s) in {review.seconds:.1f}s)")
    else:
        sys.stdout.write(text)
    return review.exit_code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="specforge", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="patch specs and regenerate clients into generated/")
    generate.add_argument("apis", nargs="*", help="API names (default: all in codegen/apis.yaml)")
    generate.add_argument("--into", metavar="DIR", help="build into this empty folder instead of generated/")
    generate.set_defaults(run=_cmd_generate)
    drift = commands.add_parser("drift", help="fail if generated/ differs from what the inputs produce")
    drift.add_argument("apis", nargs="*")
    drift.set_defaults(run=_cmd_drift)
    patch_cmd = commands.add_parser("patch", help="print (or write) one API's patched spec")
    patch_cmd.add_argument("api")
    patch_cmd.add_argument("--output", "-o", help="write to this file instead of stdout")
    patch_cmd.add_argument("--lenient", action="store_true", help="report unmatched targets instead of failing")
    patch_cmd.set_defaults(run=_cmd_patch)
    validate = commands.add_parser("validate", help="validate raw and patched specs and their examples")
    validate.add_argument("apis", nargs="*")
    validate.set_defaults(run=_cmd_validate)
    fetch = commands.add_parser("fetch", help="refresh vendored specs from their download URL (with provenance)")
    fetch.add_argument("apis", nargs="*", help="vendored API names (default: every vendored API)")
    fetch.add_argument("--url", help="download from this URL instead of the registry's fetch_url")
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds (default 30)")
    fetch.set_defaults(run=_cmd_fetch)
    health = commands.add_parser("health", help="which overlay actions still apply to the current specs")
    health.add_argument("apis", nargs="*")
    health.set_defaults(run=_cmd_health)
    draft = commands.add_parser(
        "draft-overlay", help="turn a trafficcheck deviation report into drafted overlay actions (never applied)"
    )
    draft.add_argument("report", help="deviations.json written by the validating proxy")
    draft.set_defaults(run=_cmd_draft_overlay)
    review = commands.add_parser("review", help="what a spec/overlay/codegen change does, against a git base")
    review.add_argument("apis", nargs="*", help="review these APIs even if unchanged (default: every changed API)")
    review.add_argument("--base", help="git ref to compare the working tree with (e.g. origin/main, HEAD~1)")
    review.add_argument("--format", choices=("markdown", "json"), default="markdown")
    review.add_argument("--output", "-o", help="write the report here; print only the verdict")
    review.add_argument("--rules", action="store_true", help="list the lint rules and exit")
    review.set_defaults(run=_cmd_review)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a SpecforgeError is printed as one message (no traceback) and exits 2."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except GenerationCheckError as err:  # the inputs were readable, the output failed its checks
        print(f"error: {err}", file=sys.stderr)
        return EXIT_FAILED
    except SpecforgeError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT

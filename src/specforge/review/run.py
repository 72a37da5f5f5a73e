"""Runs a review: finds the APIs whose inputs changed since a git ref, and checks each one at head.

The base's patched spec is made by re-patching the base's spec and overlays (read from git) with
the head's applier, not read from the base's committed `generated/<api>/openapi.yaml`: the head side
is patched from the working tree the same way (the reviewer may not have regenerated yet), so both
sides go through one tool and the diff shows exactly what the input change does. The base's
committed generated package is still what the public-API diff compares against, because that is
what users of the published client have.
"""

from __future__ import annotations

import copy
import hashlib
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from referencing.exceptions import Unresolvable

from ..apis import API, REGISTRY_FILE, load_apis
from ..document import to_json_data
from ..errors import SpecforgeError
from ..health import overlay_health
from ..overlay import Overlay, apply_overlays
from ..pipeline import load_overlays, load_raw
from ..stamp import STAMP_NAME, read_stamp, shared_inputs
from ..validate import example_findings, iter_examples, openapi_findings, ref_findings
from ._git import GitSnapshot, snapshot
from .acknowledge import Acknowledgement, load_acknowledgements
from .breaking import diff_specs
from .guidance import find_usages
from .report import ActionStatus, ApiReview, ClientDiff, Review, Validity
from .rules import LintInput, Source, lint
from .surface import diff_surfaces, public_api

__all__ = ["run_review"]


def run_review(root: Path, base_ref: str, names: Sequence[str] = ()) -> Review:
    """Review every API (or the named ones) whose spec, overlays or codegen changed since `base_ref`."""
    started = time.perf_counter()
    head_apis = load_apis(root)
    unknown = [name for name in names if name not in head_apis]
    if unknown:
        raise SpecforgeError(
            REGISTRY_FILE, f"unknown API(s): {', '.join(unknown)}", hint=f"known: {', '.join(head_apis)}"
        )
    acks = load_acknowledgements(root, set(head_apis))
    registry = snapshot(root, base_ref, (REGISTRY_FILE.parent.as_posix(),))
    if REGISTRY_FILE.as_posix() not in registry.files:
        raise SpecforgeError(
            f"{base_ref}:{REGISTRY_FILE.as_posix()}", "does not exist at the base", hint="pick a later base"
        )
    with tempfile.TemporaryDirectory(prefix="specforge-review-") as tmp:
        base_root = Path(tmp)
        registry.write(base_root)
        with _at_base(base_root, base_ref):
            base_apis = load_apis(base_root)
        prefixes = {
            *(api.rel(api.spec_path) for api in base_apis.values()),
            *(api.rel(api.overlay_dir) for api in base_apis.values()),
            *(api.rel(api.generated_dir) for api in base_apis.values()),
        }
        base = snapshot(root, base_ref, tuple(sorted(prefixes)))
        base.write(base_root)
        reviews: list[ApiReview] = []
        unchanged: list[str] = []
        used: set[int] = set()
        for name, api in head_apis.items():
            if names and name not in names:
                continue
            base_api = base_apis.get(name)
            changed = _changed_inputs(api, base_api, base_root)
            if not changed and not names:
                unchanged.append(name)
                continue
            reviews.append(_review_api(api, base_api, base_root, base=base, changed=changed, acks=acks, used=used))
    unused = [ack for ack in acks if ack.index not in used]
    return Review(base_ref, base.commit, reviews, unchanged, unused, time.perf_counter() - started)


@contextmanager
def _at_base(base_root: Path, ref: str) -> Iterator[None]:
    """Errors while reading base files name `REF:path`, not the temporary folder they were copied to."""
    try:
        yield
    except SpecforgeError as err:
        path = Path(err.path)
        try:
            shown = f"{ref}:{path.resolve().relative_to(base_root.resolve()).as_posix()}"
        except ValueError:
            shown = f"{ref}: {err.path}"
        raise SpecforgeError(shown, err.message, err.location, err.hint) from err


def _inputs(api: API) -> dict[str, bytes]:
    paths = [api.spec_path, *api.overlay_files(), *shared_inputs(api.root)]
    return {api.rel(path): path.read_bytes() for path in paths if path.is_file()}


def _changed_inputs(api: API, base_api: API | None, base_root: Path) -> list[str]:
    head = _inputs(api)
    if base_api is None:
        return sorted(head)
    base = _inputs(base_api)
    return sorted(path for path in head.keys() | base.keys() if head.get(path) != base.get(path))


def _review_api(
    api: API,
    base_api: API | None,
    base_root: Path,
    *,
    base: GitSnapshot,
    changed: list[str],
    acks: list[Acknowledgement],
    used: set[int],
) -> ApiReview:
    notes: list[str] = []
    raw = load_raw(api)  # bad YAML at head: SpecforgeError naming the file (exit 2)
    overlays = load_overlays(api)
    base_doc: dict[str, Any] = {"openapi": raw.get("openapi"), "paths": {}}
    base_lint: set[tuple[str, str]] = set()
    if base_api is not None:
        if not base_api.spec_path.is_file():
            raise SpecforgeError(
                f"{base.ref}:{base_api.rel(base_api.spec_path)}",
                "does not exist at the base, although the base's registry lists it",
                hint=f"the base's {REGISTRY_FILE.as_posix()} and specs/ disagree; pick another base",
            )
        with _at_base(base_root, base.ref):
            base_raw = load_raw(base_api)
            base_result = apply_overlays(base_raw, load_overlays(base_api), strict=False, source="base spec")
        base_doc = base_result.document
        if base_result.unmatched:
            notes.append(f"at the base, {len(base_result.unmatched)} overlay action(s) matched nothing")
        base_lint = {f.key for f in lint(LintInput(base_doc, _sources(base_api)))}
    else:
        notes.append(f"new API: not in {REGISTRY_FILE.as_posix()} at {base.ref}; every operation counts as added")

    health = overlay_health(api, raw, base_doc if base_api is not None else None)
    head_doc = health.patched
    effective = _effective_actions(raw, overlays)
    actions = [
        ActionStatus(api.rel(r.action.source), r.action.label, r.action.target, r.matched, effective[i])
        for i, r in enumerate(health.reports)
    ]
    findings = lint(LintInput(head_doc, _sources(api)))
    raw_lint = {f.key for f in lint(LintInput(raw))}
    changes = diff_specs(base_doc, head_doc)

    review = ApiReview(
        name=api.name,
        status="changed" if base_api is not None else "new",
        changed_inputs=changed,
        validity=Validity(_validity(raw), _validity(head_doc), sum(1 for _ in iter_examples(head_doc))),
        lint=findings,
        lint_preexisting=base_lint,
        lint_fixed_by_overlays=len(raw_lint - {f.key for f in findings}),
        actions=actions,
        spec_changes=health.changes,
        changes=changes,
        client=_client_diff(api, base_api, base_root),
        notes=notes,
    )
    if review.client.stale:
        notes.append(
            f"generated/{api.name}/ does not match its inputs ({STAMP_NAME}): the client diff is of the committed "
            "output; run `nox -s generate`"
        )
    review.usages = find_usages(api.root, review.client.diff.removed, review.client.remaining)
    for key in [*((c.rule, c.location) for c in changes if c.breaking), *(f.key for f in review.new_lint)]:
        for ack in acks:
            if ack.matches(api.name, *key):
                review.acknowledged[key] = ack
                used.add(ack.index)
                break
    return review


def _sources(api: API) -> tuple[Source, ...]:
    return tuple(
        Source(api.rel(path), path.read_text(encoding="utf-8"))
        for path in (api.spec_path, *api.overlay_files())
        if path.is_file()
    )


def _effective_actions(raw: dict[str, Any], overlays: list[Overlay]) -> list[bool]:
    """For each action in order: did applying it change the document? (A matching no-op is a fixed quirk.)"""
    document = copy.deepcopy(raw)
    effective: list[bool] = []
    for overlay in overlays:
        for action in overlay.actions:
            single = Overlay(overlay.path, overlay.title, (action,))
            after = apply_overlays(document, [single], strict=False).document
            effective.append(after != document)
            document = after
    return effective


def _validity(document: dict[str, Any]) -> list[str]:
    """Unresolvable `$ref`s first (the validators can't run past them), then OpenAPI and example findings."""
    document = to_json_data(document, "spec")
    refs = [str(finding) for finding in ref_findings(document)]
    if refs:
        return [*refs, "(OpenAPI and example validation skipped until every $ref resolves)"]
    try:
        return [str(f) for f in (*openapi_findings(document), *example_findings(document))]
    except Unresolvable as err:
        return [f"$ref does not resolve: {err}"]


def _client_diff(api: API, base_api: API | None, base_root: Path) -> ClientDiff:
    package_dir = api.client_dir / api.package
    head_files = {
        path.relative_to(api.client_dir).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(package_dir.rglob("*.py"))
    }
    base_files: dict[str, str] = {}
    if base_api is not None:
        base_dir = base_api.client_dir / base_api.package
        base_files = {
            path.relative_to(base_api.client_dir).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(base_dir.rglob("*.py"))
        }
    head = public_api(head_files)
    return ClientDiff(api.package, diff_surfaces(public_api(base_files), head), _stale(api), sorted(head))


def _stale(api: API) -> bool:
    stamp_path = api.generated_dir / STAMP_NAME
    if not stamp_path.is_file():
        return True
    recorded = read_stamp(stamp_path).get("inputs", {})
    current = {rel: "sha256:" + hashlib.sha256(data).hexdigest() for rel, data in _inputs(api).items()}
    return bool(recorded != current)

"""Reading files as they are at a git ref: one `ls-tree` and one `cat-file --batch`, never a checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import SpecforgeError

__all__ = ["GitSnapshot", "snapshot"]


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        completed = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, check=False)
    except FileNotFoundError as err:
        raise SpecforgeError(root, "git is not installed", hint="the review reads the base from git") from err
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SpecforgeError(root, f"git {args[0]} failed: {message[-1] if message else completed.returncode}")
    return completed.stdout


class GitSnapshot:
    """The files under a repository root at one commit, as bytes keyed by root-relative POSIX path."""

    def __init__(self, ref: str, commit: str, files: dict[str, bytes]) -> None:
        self.ref, self.commit, self.files = ref, commit, files

    def under(self, prefix: str) -> dict[str, bytes]:
        """Files whose path starts with `prefix/` (or is `prefix`)."""
        return {p: b for p, b in self.files.items() if p == prefix or p.startswith(prefix.rstrip("/") + "/")}

    def write(self, target: Path) -> None:
        """Lay the files out under `target`, so the pipeline can read them as a repository root."""
        for path, data in self.files.items():
            out = target / path
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)


def snapshot(root: Path, ref: str, prefixes: tuple[str, ...]) -> GitSnapshot:
    """The files under `prefixes` (root-relative) at `ref`; an unknown ref is a SpecforgeError."""
    try:
        toplevel = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    except SpecforgeError as err:
        raise SpecforgeError(root, "not inside a git repository", hint="the review compares against a git ref") from err
    probe = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0 or not ref or ref.startswith("-"):
        raise SpecforgeError(
            f"--base {ref}", "unknown git ref", hint="pass a branch, tag or commit, e.g. --base origin/main or HEAD~1"
        )
    commit = probe.stdout.decode().strip()
    inside = root.resolve().relative_to(toplevel.resolve()).as_posix()
    lead = "" if inside == "." else inside + "/"
    specs = [lead + prefix for prefix in prefixes]
    listing = _git(toplevel, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *specs)
    wanted: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.decode("utf-8", "surrogateescape").split("\t", 1)
        _mode, kind, sha = meta.split()
        if kind == "blob":
            wanted.append((path.removeprefix(lead), sha))
    if not wanted:
        return GitSnapshot(ref, commit, {})
    batch = _git(toplevel, "cat-file", "--batch", stdin="".join(f"{sha}\n" for _, sha in wanted).encode())
    files: dict[str, bytes] = {}
    offset = 0
    for path, _sha in wanted:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        files[path] = batch[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1  # content is followed by a newline
    return GitSnapshot(ref, commit, files)

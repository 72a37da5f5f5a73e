"""YAML/JSON inputs are bounded: alias bombs, deep nesting, huge files and reference cycles are exit 2.

Each attack goes through the real command line in a child process with a memory cap (`_inputs.run_cli`),
so an attack that still works fails the test instead of taking the machine down.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from specforge import _yaml
from specforge.errors import SpecforgeError

from ._inputs import OVERLAY, REPO, SPEC, make_repo, run_cli, snapshot


def _bomb(levels: int = 9) -> str:
    """A "billion laughs" mapping: 9 aliases per level, 9**levels strings once expanded (~400 bytes)."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"l{n}: &l{n} [{','.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


BOMBED_SPEC = SPEC.replace('info: {title: Demo, version: "1.0"}', 'info:\n  title: Demo\n  version: "1.0"\n  x-bomb:\n')
BOMBED_SPEC = BOMBED_SPEC.replace("  x-bomb:\n", "  x-bomb:\n" + _indent(_bomb(), 4))
BOMBED_OVERLAY = OVERLAY.replace("info: {title: demo fixes, version: 1.0.0}", "info:\n  title: x\n  version: 1.0.0\n")
BOMBED_OVERLAY = BOMBED_OVERLAY.replace("  version: 1.0.0\n", "  version: 1.0.0\n  x-bomb:\n" + _indent(_bomb(), 4))


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


class _Serve(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def bomb_server() -> Iterator[str]:
    handler = type("BombHandler", (_Serve,), {"body": BOMBED_SPEC.encode()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/openapi.yaml"
    httpd.shutdown()


def _assert_refused(result: subprocess.CompletedProcess[str], file: str, limit: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 2, (result.returncode, result.stdout[-500:], result.stderr[-2000:])
    assert file in result.stderr and limit in result.stderr, result.stderr


@pytest.mark.parametrize("command", ["validate", "generate", "patch"])
def test_alias_bomb_in_a_spec_is_refused(command: str, tmp_path: Path) -> None:
    root = make_repo(tmp_path, spec=BOMBED_SPEC)
    args = [command, "demo"] if command == "patch" else [command]
    result = run_cli(root, *args)
    _assert_refused(result, "specs/demo/openapi.yaml", "alias expansion limit")
    assert not (root / "generated").exists() or not snapshot(root / "generated")


@pytest.mark.parametrize("command", ["patch", "generate"])
def test_alias_bomb_in_an_overlay_is_refused(command: str, tmp_path: Path) -> None:
    root = make_repo(tmp_path, overlay=BOMBED_OVERLAY)
    result = run_cli(root, *([command, "demo"] if command == "patch" else [command]))
    _assert_refused(result, "overlays/demo/10-fix.yaml", "alias expansion limit")


def test_alias_bomb_from_fetch_is_refused_and_nothing_is_replaced(bomb_server: str, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    before = snapshot(root / "specs")
    result = run_cli(root, "fetch", "demo", "--url", bomb_server)
    _assert_refused(result, bomb_server, "alias expansion limit")
    assert snapshot(root / "specs") == before


def test_alias_bomb_in_review_is_refused(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    (root / "specs" / "demo" / "openapi.yaml").write_text(BOMBED_SPEC)
    result = run_cli(root, "review", "--base", "HEAD")
    _assert_refused(result, "openapi.yaml", "alias expansion limit")


def test_recursive_alias_is_refused_with_its_position(tmp_path: Path) -> None:
    spec = SPEC.replace("  schemas:\n", "  x-loop: &loop [1, *loop]\n  schemas:\n")
    result = run_cli(make_repo(tmp_path, spec=spec), "validate")
    _assert_refused(result, "specs/demo/openapi.yaml", "recursive alias")
    assert re.search(r"openapi\.yaml: 15:11: recursive alias", result.stderr), result.stderr


def test_json_nested_900_deep_is_refused_with_its_position(tmp_path: Path) -> None:
    deep = '{"openapi": "3.1.0", "info": {"title": "x", "version": "1", "x-deep": ' + "[" * 900 + "]" * 900 + "}}"
    result = run_cli(make_repo(tmp_path, spec=deep), "generate")
    _assert_refused(result, "specs/demo/openapi.yaml", "nesting deeper than 128 levels")
    assert re.search(r"openapi\.yaml: 1:\d+: nesting", result.stderr), result.stderr


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    with (root / "specs" / "demo" / "openapi.yaml").open("r+b") as handle:  # sparse: no disk, never read
        handle.truncate(_yaml.LIMITS.max_bytes + 1)
    result = run_cli(root, "validate")
    _assert_refused(
        result, "specs/demo/openapi.yaml", f"input size limit exceeded: larger than {_yaml.LIMITS.max_bytes}"
    )


def test_limits_apply_to_text_and_name_the_source() -> None:
    small = _yaml.Limits(max_bytes=100, max_depth=3, max_alias_nodes=10)
    with pytest.raises(SpecforgeError, match="input size limit exceeded: larger than 100 bytes"):
        _yaml.loads("x: " + "y" * 200, "big.yaml", small)
    with pytest.raises(SpecforgeError, match="nesting deeper than 3 levels") as deep:
        _yaml.loads("a: {b: {c: {d: 1}}}", "deep.yaml", small)
    assert deep.value.path == "deep.yaml" and deep.value.location == "1:12"
    with pytest.raises(SpecforgeError, match="alias expansion limit exceeded: aliases add more than 10 nodes"):
        _yaml.loads("a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n", "alias.yaml", small)
    assert _yaml.loads("a: &a [1, 2, 3, 4]\nb: [*a]\n", "alias.yaml", small) == {"a": [1, 2, 3, 4], "b": [[1, 2, 3, 4]]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1: one\ntrue: yes-key\n", {"1": "one", "true": "yes-key"}),
        (
            "0: zero\nfalse: no-key\n~: null-key\n1.5: x\n",
            {"0": "zero", "false": "no-key", "null": "null-key", "1.5": "x"},
        ),
    ],
)
def test_keys_equal_only_in_python_are_not_duplicates(text: str, expected: dict[str, str]) -> None:
    assert _yaml.loads(text, "keys.yaml") == expected


def test_keys_equal_in_json_are_duplicates() -> None:
    with pytest.raises(SpecforgeError, match="duplicate key '200' \\(first at line 1\\)") as raised:
        _yaml.loads("200: a\n'200': b\n", "keys.yaml")
    assert raised.value.location == "2:1"


def test_a_collection_as_a_key_is_an_error_not_a_traceback() -> None:
    with pytest.raises(SpecforgeError, match="a mapping key must be a plain value"):
        _yaml.loads("? [1, 2]\n: x\n", "keys.yaml")


@pytest.mark.parametrize(
    ("schemas", "pointer"),
    [
        ("    Loop: {$ref: '#/components/schemas/Loop'}\n", "/components/schemas/Loop"),
        ("    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n", "/components/schemas/"),
        ("    Mix:\n      allOf: [{$ref: '#/components/schemas/Mix'}, {type: object}]\n", "/components/schemas/Mix"),
    ],
)
def test_a_schema_defined_as_itself_is_exit_2_naming_it(schemas: str, pointer: str, tmp_path: Path) -> None:
    root = make_repo(tmp_path, spec=SPEC + schemas)
    result = run_cli(root, "generate")
    _assert_refused(result, "specs/demo/openapi.yaml", "circular reference with no structure")
    assert pointer in result.stderr
    assert not (root / "generated" / "demo").exists()


def test_a_recursive_schema_through_properties_still_generates(tmp_path: Path) -> None:
    node = "    Node:\n      type: object\n      properties:\n        next: {$ref: '#/components/schemas/Node'}\n"
    result = run_cli(make_repo(tmp_path, spec=SPEC + node), "generate")
    assert result.returncode == 0, result.stderr[-2000:]


LOADER_CALL = re.compile(r"\byaml\.(safe_load|load|full_load|unsafe_load|compose|safe_load_all|load_all)\(|CSafeLoader")


def test_every_yaml_read_goes_through_the_one_loader() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for folder in ("src", "tests", "contract_tests", "benchmarks", "scripts")
        for path in sorted((REPO / folder).rglob("*.py"))
        if path != REPO / "src" / "specforge" / "_yaml.py" and path != Path(__file__)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if LOADER_CALL.search(line)
    ]
    noxfile = (REPO / "noxfile.py").read_text(encoding="utf-8")
    assert not LOADER_CALL.search(noxfile)
    assert offenders == [], "read YAML with specforge._yaml.load/loads/compose (size, depth and alias limits)"

"""`generate` checks its output before swapping it in: a client that would not import, or that would
silently lose what the spec says, is exit 1 naming the schema, and generated/ stays exactly as it was."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from specforge.output_check import import_problems

from ._inputs import SPEC, make_repo, run_cli, snapshot

PARAMETERS = "      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n"


@pytest.fixture(scope="module")
def generated_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo repository generated once from a clean spec: the state a failed run must leave alone."""
    root = make_repo(tmp_path_factory.mktemp("clean") / "repo")
    result = run_cli(root, "generate")
    assert result.returncode == 0, result.stderr[-3000:]
    return root


def _with_spec(generated_repo: Path, tmp_path: Path, spec: str) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(generated_repo, root)
    (root / "specs" / "demo" / "openapi.yaml").write_text(spec)
    return root


SCHEMA_CASES = {
    "infinite default": (
        "    Big:\n      type: object\n      properties:\n        size: {type: number, default: 1.0e+400}\n",
        "/components/schemas/Big/properties/size/default: inf is not a finite number: the spec's value is beyond the "
        "largest float",
    ),
    "quoted default of a nullable string": (
        "    Quote:\n      type: object\n      properties:\n"
        '        q: {type: [string, "null"], default: "say \\"hi\\""}\n',
        "/components/schemas/Quote/properties/q/default: the client would hold 'say \\\\\"hi\\\\\"', not 'say \"hi\"'",
    ),
    "backslash const": (
        '    Path:\n      type: object\n      properties:\n        p: {type: string, const: "C:\\\\temp"}\n',
        "/components/schemas/Path/properties/p/const: the client would hold",
    ),
    "enum values equal after sanitising": (
        "    Dash:\n      type: string\n      enum: [a-b, a_b]\n",
        "/components/schemas/Dash/enum/1: enum values 'a-b' and 'a_b' both become member A_B",
    ),
    "enum value with a line break": (
        '    Lines:\n      type: string\n      enum: ["line\\nbreak", "line break"]\n',
        "/components/schemas/Lines/enum/0: the client would hold 'linebreak', not 'line\\nbreak'",
    ),
    "documented UNKNOWN": (
        "    Status:\n      type: string\n      enum: [KNOWN, UNKNOWN]\n",
        "/components/schemas/Status/enum/1: enum value 'UNKNOWN' becomes member UNKNOWN",
    ),
    "property named to_dict": (
        "    Clash:\n      type: object\n      properties:\n        to_dict: {type: string}\n"
        "        additional_properties: {type: string}\n",
        "demo/demo-client/demo_client/models/clash.py:",
    ),
    "schema named Unset": (
        "    Unset:\n      type: object\n      properties:\n        x: {type: string}\n",
        "demo/demo-client/demo_client/models/unset.py:",
    ),
}


@pytest.mark.parametrize("case", sorted(SCHEMA_CASES))
def test_a_lossy_or_broken_client_is_exit_1_and_generated_is_untouched(
    case: str, generated_repo: Path, tmp_path: Path
) -> None:
    extra, expected = SCHEMA_CASES[case]
    root = _with_spec(generated_repo, tmp_path, SPEC + extra)
    before = snapshot(root / "generated")
    result = run_cli(root, "generate")
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 1, (result.returncode, result.stderr[-3000:])
    assert expected in result.stderr, result.stderr
    assert "generated/ is unchanged" in result.stderr
    assert snapshot(root / "generated") == before


def test_the_class_collisions_are_named(generated_repo: Path, tmp_path: Path) -> None:
    extra = SCHEMA_CASES["property named to_dict"][0] + SCHEMA_CASES["schema named Unset"][0]
    result = run_cli(_with_spec(generated_repo, tmp_path, SPEC + extra), "generate")
    assert result.returncode == 1, result.stderr[-3000:]
    assert "class Clash: `to_dict` is defined twice" in result.stderr
    assert "class Clash: `additional_properties` is defined twice" in result.stderr
    assert "models/unset.py:" in result.stderr and "`Unset` is defined twice at module level" in result.stderr


@pytest.mark.parametrize("name", ["params", "headers"])
def test_a_parameter_the_template_overwrites_is_exit_1(name: str, generated_repo: Path, tmp_path: Path) -> None:
    extra = f"        - {{name: {name}, in: query, schema: {{type: string}}}}\n"
    # The request's own `headers` dict exists only when the operation has header parameters.
    extra += "        - {name: X-Trace, in: header, schema: {type: string}}\n"
    listed = "      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n"
    spec = SPEC.replace(PARAMETERS, listed + extra)
    root = _with_spec(generated_repo, tmp_path, spec)
    before = snapshot(root / "generated")
    result = run_cli(root, "generate")
    assert result.returncode == 1, result.stderr[-3000:]
    assert f"parameter `{name}` is overwritten in the body" in result.stderr
    assert "api/default/get_thing.py:" in result.stderr
    assert snapshot(root / "generated") == before


def test_a_module_that_fails_to_import_is_named(tmp_path: Path) -> None:
    package = tmp_path / "client" / "broken_client"
    (package / "models").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "models" / "__init__.py").write_text("")
    (package / "models" / "big.py").write_text("class Big:\n    size: float = inf\n")
    (package / "models" / "fine.py").write_text("X = 1\n")
    assert import_problems([(tmp_path / "client", "broken_client")]) == [
        "broken_client.models.big: NameError: name 'inf' is not defined"
    ]


def test_an_import_that_never_ends_is_stopped(tmp_path: Path) -> None:
    package = tmp_path / "client" / "slow_client"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "spin.py").write_text("while True:\n    pass\n")
    assert import_problems([(tmp_path / "client", "slow_client")], timeout=3) == [
        "importing the generated modules took more than 3s"
    ]


def test_generate_into_an_existing_folder_is_refused_before_writing(generated_repo: Path, tmp_path: Path) -> None:
    into = tmp_path / "preview"
    (into / "demo").mkdir(parents=True)
    (into / "demo" / "keep.txt").write_text("mine")
    result = run_cli(generated_repo, "generate", "--into", str(into))
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr[-3000:]
    assert "--into must be a new or empty folder; nothing was written" in result.stderr
    assert snapshot(into) == {"demo/keep.txt": b"mine"}


# Strings a default may hold that the generator's own escaping mangles (`\\` and `"` doubled), and more of the
# same family: a quote of the other kind, a line break, a tab, a non-BMP character, and text that would be
# code if it escaped its literal. YAML double-quoted scalars, so the spec holds exactly DEFAULTS' values.
DEFAULTS = {
    "quote": 'say "hi"',
    "backslash": "C:\\temp\\new",
    "mixed": 'it\'s \\"both"\n\ttabbed \U0001f600',
    "injection": '"); import os; os.system("true"); ("',
}


def _yaml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def test_string_defaults_with_quotes_and_backslashes_are_generated_as_the_spec_says(
    generated_repo: Path, tmp_path: Path
) -> None:
    properties = "".join(
        f"        {name}: {{type: string, default: {_yaml_string(value)}}}\n" for name, value in DEFAULTS.items()
    )
    extra = "    Quote:\n      type: object\n      properties:\n" + properties
    listed = "      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n"
    listed += (
        f"        - {{name: q, in: query, schema: {{type: string, default: {_yaml_string(DEFAULTS['mixed'])}}}}}\n"
    )
    root = _with_spec(generated_repo, tmp_path, SPEC.replace(PARAMETERS, listed) + extra)
    result = run_cli(root, "generate")
    assert result.returncode == 0, result.stderr[-3000:]
    # A fresh interpreter imports the generated client: the defaults as Python holds them, as JSON sends them.
    probe = (
        "import inspect, json\n"
        "from demo_client.models.quote import Quote\n"
        "from demo_client.api.default import get_thing\n"
        "print(json.dumps({'model': Quote().to_dict(),"
        " 'parameter': inspect.signature(get_thing.sync).parameters['q'].default}))\n"
    )
    client = root / "generated" / "demo" / "demo-client"
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(client)!r})\n" + probe],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout) == {"model": DEFAULTS, "parameter": DEFAULTS["mixed"]}

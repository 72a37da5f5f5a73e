"""Replay a cassette against an API's simulator: does the simulator answer as the recorded service did?

Exchanges are sent in cassette order to the simulator in-process (its `default_app`, fresh, as its default
user: the cassette's credentials are redacted). Ids the recorded service gave to what the cassette created
are mapped to the ids the simulator gives, in later paths, query values and bodies. Per exchange the report
says whether the status and the body's shape (types and keys, not values) match.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import httpx

from simulators.registry import load as load_simulator
from specforge.apis import find_root, load_apis

from .check import json_type
from .report import counted

if TYPE_CHECKING:
    from starlette.testclient import TestClient

__all__ = ["MAX_CASSETTE_BYTES", "Replayed", "load_cassette", "replay", "to_markdown"]

MAX_CASSETTE_BYTES = 20 * 1024 * 1024
MAX_SHAPE_DIFFERENCES = 20
SHOWN_DIFFERENCES = 6  # per exchange in the Markdown report (the JSON-able Replayed keeps up to 20)
MAX_DEPTH = 64


@dataclass(frozen=True)
class Replayed:
    """One exchange: recorded vs replayed status, and where the body shapes differ."""

    entry: int
    label: str
    recorded_status: int | None
    replayed_status: int
    differences: tuple[str, ...]

    @property
    def same(self) -> bool:
        return self.recorded_status == self.replayed_status and not self.differences


def load_cassette(path: Path) -> list[dict[str, Any]]:
    """The cassette's entries, in order; ValueError naming the line for anything that is not one."""
    if path.stat().st_size > MAX_CASSETTE_BYTES:
        raise ValueError(f"{path}: larger than {MAX_CASSETTE_BYTES} bytes")
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc})") from exc
        if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict) or "api" not in entry:
            raise ValueError(f"{path}:{number}: not a cassette entry (api, request, response)")
        entries.append(entry)
    if not entries:
        raise ValueError(f"{path}: no entries")
    return entries


def replay(entries: list[dict[str, Any]]) -> list[Replayed]:
    """Send every entry to a fresh simulator of the cassette's API, in order."""
    api = str(entries[0]["api"])
    apis = load_apis(find_root())
    if api not in apis or apis[api].simulator is None:
        raise ValueError(f"{api!r} has no simulator in codegen/apis.yaml")
    contract = apis[api].contract
    origin = urlsplit(contract.in_process_url if contract is not None else "http://simulator.test")
    simulator = load_simulator(api)
    assert simulator.default_app is not None, f"{api}'s simulator has no default app"
    # Imported here: with httpx (not httpx2) installed, importing it warns, and the proxy, which imports this module,
    # never replays.
    from starlette.testclient import TestClient  # noqa: PLC0415 (why: the comment above)

    ids: dict[str, Any] = {}
    results = []
    with TestClient(simulator.default_app(), base_url=f"{origin.scheme}://{origin.netloc}") as client:
        client.auth = simulator.credentials
        for position, entry in enumerate(entries, start=1):
            results.append(_one(client, entry, position, ids))
    return results


def _one(client: TestClient, entry: Mapping[str, Any], position: int, ids: dict[str, Any]) -> Replayed:
    request = entry["request"]
    path = "/".join(str(ids.get(part, part)) for part in str(request["path"]).split("/"))
    path = quote(path, safe="/:@!$&'()*+,;=~")  # the cassette holds the decoded path: fuzzed ones hold "\x17" &c.
    query = [(name, str(ids.get(value, value))) for name, value in request.get("query") or []]
    body = request.get("body") or {}
    content = None
    if "json" in body:
        content = json.dumps(_substitute(body["json"], ids)).encode()
    elif "text" in body:
        content = str(body["text"]).encode()
    headers = {"content-type": "application/json"} if content is not None and "json" in body else {}
    answer: httpx.Response = client.request(
        str(request["method"]), path, params=query, content=content, headers={**headers, "accept": "application/json"}
    )
    recorded = entry.get("response") or None
    replayed_body = _decoded(answer.content)
    recorded_body = _recorded_body(recorded)
    if recorded is not None and str(request["method"]).upper() == "POST" and answer.is_success:
        _learn_ids(recorded_body, replayed_body, ids)
    differences = tuple(_shape_differences(recorded_body, replayed_body, ""))[:MAX_SHAPE_DIFFERENCES]
    return Replayed(
        int(entry.get("entry", position)),
        str(entry.get("label", f"{request['method']} {request['path']}")),
        None if recorded is None else int(recorded["status"]),
        answer.status_code,
        differences if recorded is not None else ("no recorded answer",),
    )


def _recorded_body(recorded: Mapping[str, Any] | None) -> Any:
    body = (recorded or {}).get("body") or {}
    if "json" in body:
        return body["json"]
    return _NotJson() if "text" in body else None


class _NotJson:
    """A body that was not JSON: its shape is "text"."""


def _decoded(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return _NotJson()


def _learn_ids(recorded: Any, replayed: Any, ids: dict[str, Any], depth: int = 0) -> None:
    """Id fields of a created resource (`id`, `…Id`, `…ID`, `…_id`), at the top or one object down (MyCashflow's
    `{"data": {...}}` envelope): recorded value → replayed value."""
    if not isinstance(recorded, dict) or not isinstance(replayed, dict):
        return
    for key, value in recorded.items():
        if depth == 0 and isinstance(value, dict):
            _learn_ids(value, replayed.get(key), ids, depth + 1)
        is_id = key == "id" or key.endswith(("Id", "ID", "_id"))
        other = replayed.get(key)
        if is_id and isinstance(value, str | int) and isinstance(other, str | int) and str(value) != str(other):
            ids[str(value)] = other


def _substitute(value: Any, ids: Mapping[str, Any], depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {key: _substitute(item, ids, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, ids, depth + 1) for item in value]
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value) in ids:
        mapped = ids[str(value)]
        return type(value)(mapped) if isinstance(value, str) or str(mapped).lstrip("-").isdigit() else mapped
    return value


def _shape(value: Any) -> str:
    return "text" if isinstance(value, _NotJson) else ("absent" if value is None else json_type(value))


def _shape_differences(recorded: Any, replayed: Any, where: str, depth: int = 0) -> Iterator[str]:
    """Where the two bodies differ in type or keys (values are expected to differ: ids, timestamps)."""
    if depth > MAX_DEPTH:
        return
    a, b = _shape(recorded), _shape(replayed)
    if {a, b} <= {"integer", "number"}:
        return
    if a != b:
        yield f"{where or '/'}: recorded {a}, simulator {b}"
        return
    if isinstance(recorded, dict):
        for key in sorted(recorded.keys() - replayed.keys()):
            yield f"{where}/{key}: only in the recording"
        for key in sorted(replayed.keys() - recorded.keys()):
            yield f"{where}/{key}: only from the simulator"
        for key in sorted(recorded.keys() & replayed.keys()):
            if recorded[key] is None or replayed[key] is None:
                if (recorded[key] is None) != (replayed[key] is None):
                    yield f"{where}/{key}: recorded {_null(recorded[key])}, simulator {_null(replayed[key])}"
                continue
            yield from _shape_differences(recorded[key], replayed[key], f"{where}/{key}", depth + 1)
    elif isinstance(recorded, list) and recorded and replayed:
        yield from _shape_differences(recorded[0], replayed[0], f"{where}/0", depth + 1)


def _null(value: Any) -> str:
    return "null" if value is None else json_type(value)


def to_markdown(results: list[Replayed], cassette: str) -> str:
    same = sum(result.same for result in results)
    lines = [
        f"# Replay of `{cassette}` against the simulator",
        "",
        f"{counted(len(results), 'exchange')}, {same} answered alike, {len(results) - same} differ",
        "",
        "| entry | operation | recorded | simulator | body shape |",
        "|---|---|---|---|---|",
    ]
    for result in results:
        shown = list(result.differences[:SHOWN_DIFFERENCES])
        if len(result.differences) > SHOWN_DIFFERENCES:
            shown.append(f"… {len(result.differences) - SHOWN_DIFFERENCES} more")
        shape = "same" if not shown else "; ".join(shown).replace("|", "\\|")
        recorded = "no answer" if result.recorded_status is None else str(result.recorded_status)
        lines.append(f"| #{result.entry} | {result.label} | {recorded} | {result.replayed_status} | {shape} |")
    return "\n".join(lines) + "\n"

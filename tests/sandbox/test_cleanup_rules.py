"""The cleanup knowledge is registry data (codegen/apis.yaml `contract.cleanup`): it must name real operations."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests.cleanup import Operations, resolve_pointer
from specforge._yaml import loads
from specforge.apis import load_apis
from specforge.bindings import CleanupRule, parse_bindings
from specforge.errors import SpecforgeError

APIS = load_apis()
RULES = [(name, rule) for name, api in APIS.items() if api.contract for rule in api.contract.cleanup]


@pytest.mark.parametrize(("api", "rule"), RULES, ids=[f"{api}-{rule.create}" for api, rule in RULES])
def test_every_rule_names_operations_of_the_patched_specs(api: str, rule: CleanupRule) -> None:
    assert rule.create in Operations.of(api).by_id
    if rule.undo is not None:
        method, path = Operations.of(rule.undo_api or api).url(rule.undo, 7)
        assert "{" not in path and "7" in path, (method, path)  # exactly one path parameter, filled
    if rule.state_read is not None:
        assert Operations.of(api).by_id[rule.state_read][0] == "GET"


def test_every_create_of_both_apis_has_a_rule() -> None:
    """A new create operation without a cleanup rule would leave its items behind silently."""
    for api in ("mash", "mycashflow"):
        creates = {
            op for op, (method, path) in Operations.of(api).by_id.items() if method == "POST" and "{" not in path
        }
        contract = APIS[api].contract
        assert contract is not None
        assert creates - {"getPricing"} == {rule.create for rule in contract.cleanup}, api


@pytest.mark.parametrize(
    ("cleanup", "message"),
    [
        ("{create: x}", "expected a list"),
        ("[{create: x}]", "missing key .id."),
        ("[{create: x, id: data/id, undo: y}]", "not a JSON pointer"),
        ("[{create: x, id: /id}]", "say why"),
        ("[{create: x, id: /id, undo: y, state: {read: z}}]", "state.pointer"),
        ("[{create: x, id: /id, undo: y, colour: red}]", "unknown key"),
    ],
)
def test_a_malformed_rule_is_refused_with_its_location(cleanup: str, message: str) -> None:
    contract = {
        "in_process_url": "u",
        "sandbox": {"url": "U", "credentials": ["A", "B"]},
        "cleanup": loads(cleanup, "cleanup"),
    }
    with pytest.raises(SpecforgeError, match=message) as raised:
        parse_bindings({"contract": contract}, Path("codegen/apis.yaml"), "third")
    assert "apis.third.contract.cleanup" in str(raised.value)


def test_pointers_resolve_as_rfc_6901_says() -> None:
    document = {"data": {"id": 5, "a/b": [1, {"~x": 2}]}}
    assert resolve_pointer(document, "/data/id") == 5
    assert resolve_pointer(document, "/data/a~1b/1/~0x") == 2
    with pytest.raises(KeyError):
        resolve_pointer(document, "/data/missing")

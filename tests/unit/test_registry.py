"""codegen/apis.yaml holds every per-API binding: an API that leaves one out fails here, naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdk_runtime import APIError, BaseClient
from simulators.registry import load as load_simulator
from specforge.apis import load_apis
from specforge.bindings import BINDINGS
from specforge.clients import load_object
from specforge.errors import SpecforgeError
from specforge.openapi import iter_operations
from specforge.patched import load_patched

APIS = load_apis()


def _operation_ids(api: str) -> set[str]:
    return {op.operation_id for op in iter_operations(load_patched(api).document) if op.operation_id}


@pytest.mark.parametrize("api", sorted(APIS))
def test_every_api_declares_every_binding(api: str) -> None:
    """`null` is a declaration (this API has no simulator); leaving the key out is a gap."""
    missing = [key for key in BINDINGS if key not in APIS[api].declared]
    assert missing == [], f"codegen/apis.yaml: apis.{api} has no {', '.join(missing)} binding"


def test_an_entry_without_a_binding_is_caught(tmp_path: Path) -> None:
    (tmp_path / "codegen").mkdir()
    (tmp_path / "codegen" / "apis.yaml").write_text(
        "apis:\n  third: {spec: s.yaml, overlays: o, package: third_client, project: third-client, sdk: null}\n"
    )
    third = load_apis(tmp_path)["third"]
    assert third.declared == frozenset({"sdk"})
    assert [key for key in BINDINGS if key not in third.declared] == ["simulator", "contract", "readme"]


def test_a_malformed_binding_is_bad_input_naming_the_entry(tmp_path: Path) -> None:
    (tmp_path / "codegen").mkdir()
    (tmp_path / "codegen" / "apis.yaml").write_text(
        "apis:\n  third: {spec: s.yaml, overlays: o, package: third_client, project: third-client, sdk: {client: x}}\n"
    )
    with pytest.raises(SpecforgeError, match=r"apis\.third\.sdk"):
        load_apis(tmp_path)


@pytest.mark.parametrize("api", sorted(name for name, api in APIS.items() if api.sdk))
def test_the_sdk_binding_names_a_client_its_error_root_and_a_real_operation(api: str) -> None:
    binding = APIS[api].sdk
    assert binding is not None
    assert issubclass(load_object(binding.client), BaseClient)
    assert issubclass(load_object(binding.error), APIError)
    assert binding.smoke[0] in _operation_ids(api)


@pytest.mark.parametrize("api", sorted(name for name, api in APIS.items() if api.simulator))
def test_the_simulator_binding_names_a_serve_entry_with_credentials(api: str) -> None:
    simulator = load_simulator(api)
    assert all(simulator.credentials) and simulator.default_app and simulator.contract_app


@pytest.mark.parametrize("api", sorted(name for name, api in APIS.items() if api.readme))
def test_the_readme_binding_names_real_operations(api: str) -> None:
    readme = APIS[api].readme
    assert readme is not None and readme.must_call
    assert readme.must_call <= _operation_ids(api)
    assert set(readme.fake_overrides) <= _operation_ids(api)


def test_production_hosts_and_test_stores_come_from_the_contract_binding() -> None:
    mash, mycashflow = APIS["mash"].contract, APIS["mycashflow"].contract
    assert mash is not None and mycashflow is not None
    assert mash.is_production("fi.mash.com", {}) and not mash.is_production("test.example", {})
    assert not mash.is_production("fi.mash.com", {"CONTRACT_MASH_TEST_HOSTS": "fi.mash.com"})
    assert mycashflow.is_production("shop.mycashflow.fi", {})
    assert not mycashflow.is_production("shop.mycashflow.fi", {"CONTRACT_MYCASHFLOW_TEST_STORES": "shop"})
    assert mycashflow.sandbox_url({"MYCASHFLOW_STORE": "shop"}) == "https://shop.mycashflow.fi/api/v1"
    assert mycashflow.sandbox_url_variables == "MYCASHFLOW_STORE (or MYCASHFLOW_BASE_URL)"

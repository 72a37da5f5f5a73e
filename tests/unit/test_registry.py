"""codegen/apis.yaml holds every per-API binding: an API that leaves one out fails here, naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests.targets import API_TARGETS, TargetError, production_guard
from sdk_runtime import APIError, BaseClient, parse_origin
from simulators.registry import load as load_simulator
from specforge.apis import load_apis
from specforge.bindings import BINDINGS, ContractBinding
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


CONTRACT_APIS = sorted(name for name, api in APIS.items() if api.contract and api.contract.production_domains)


def _test_host(binding: ContractBinding, domain: str) -> tuple[str, str]:
    """An allow-list entry in the binding's spelling, and the host it names."""
    return ("sandbox", f"sandbox.{domain}") if binding.test_hosts_match == "store" else (f"sandbox.{domain}",) * 2


@pytest.mark.parametrize("api", CONTRACT_APIS)
def test_the_production_guard_is_the_contract_binding(api: str) -> None:
    """contract_tests.targets holds the one guard; every host and variable it judges by comes from the registry."""
    binding = APIS[api].contract
    production = API_TARGETS[api].production
    assert binding is not None and production is not None and binding.test_hosts_variable
    for domain in binding.production_domains:
        entry, host = _test_host(binding, domain)
        assert production.covers(parse_origin(f"https://{domain}/"), {})
        assert production.covers(parse_origin(f"https://{host}/"), {})
        assert not production.covers(parse_origin(f"https://{host}/"), {binding.test_hosts_variable: entry})
    assert not production.covers(parse_origin("https://test.example/"), {})
    for host in binding.production_hosts:  # never a test host, whatever the allow-list says
        entry = host.split(".", 1)[0] if binding.test_hosts_match == "store" else host
        with pytest.raises(TargetError, match="production host"):
            production.test_hosts({binding.test_hosts_variable: entry})


def test_every_production_domain_is_guarded_even_without_a_test_hosts_variable() -> None:
    binding = ContractBinding(
        in_process_url="https://third.example/api",
        https=True,
        sandbox_url_variable="THIRD_BASE_URL",
        sandbox_credentials=("THIRD_USER", "THIRD_PASSWORD"),
        production_domains=("third.example", "third.test"),
    )
    production = production_guard(binding)
    assert production is not None
    assert production.covers(parse_origin("https://api.third.test/"), {})
    assert production.covers(parse_origin("https://third.example/"), {"": "third.example"})


def test_a_test_hosts_match_other_than_host_or_store_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "codegen").mkdir()
    contract = "{in_process_url: u, sandbox: {url: U, credentials: [A, B]}, test_hosts: {variable: T, match: stores}}"
    entry = f"{{spec: s.yaml, overlays: o, package: third_client, project: third-client, contract: {contract}}}"
    (tmp_path / "codegen" / "apis.yaml").write_text(f"apis:\n  third: {entry}\n")
    with pytest.raises(SpecforgeError, match=r"apis\.third\.contract\.test_hosts\.match"):
        load_apis(tmp_path)


def test_the_sandbox_variables_are_named_from_the_binding() -> None:
    mycashflow = APIS["mycashflow"].contract
    assert mycashflow is not None
    assert mycashflow.sandbox_url_variables == "MYCASHFLOW_STORE (or MYCASHFLOW_BASE_URL)"
    sandbox_url = API_TARGETS["mycashflow"].sandbox_url
    assert sandbox_url({"MYCASHFLOW_STORE": "shop"}) == "https://shop.mycashflow.fi/api/v1"
    with pytest.raises(TargetError, match="not a store name"):
        sandbox_url({"MYCASHFLOW_STORE": "\u212aauppa"})  # the Kelvin sign: `[a-z]` under IGNORECASE alone takes it

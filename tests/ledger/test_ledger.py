"""The quirk ledger: every overlay quirk is present in the raw spec and gone from the patched one.

Probes live next to this file as probes_<api>.py; adding an API adds a probe module, not a test.
"""

from __future__ import annotations

import importlib
import sys
from functools import cache
from typing import Any

import pytest

from specforge.apis import load_apis
from specforge.document import load_json_document
from specforge.ledger import ProbeRegistry
from specforge.overlay import Overlay
from specforge.pipeline import PatchedSpec, load_overlays, patch

APIS = load_apis()


@cache
def _probes(api: str) -> ProbeRegistry:
    registry = importlib.import_module(f"probes_{api}").PROBES
    assert isinstance(registry, ProbeRegistry)
    return registry


@cache
def _patched(api: str) -> PatchedSpec:
    return patch(APIS[api])


# Overlays whose info says `x-purpose: links` add what the vendor never documented for our tools'
# sake (OpenAPI links for stateful testing): not quirks, so no x-quirk and no probe, but still a reason.
NOT_QUIRKS = frozenset({"links"})


def _purpose(overlay: Overlay) -> str | None:
    purpose = load_json_document(overlay.path)["info"].get("x-purpose")
    return None if purpose is None else str(purpose)


def _quirk_overlays(api: str) -> list[Overlay]:
    return [overlay for overlay in load_overlays(APIS[api]) if _purpose(overlay) not in NOT_QUIRKS]


def _overlay_quirks(api: str) -> set[str]:
    return {action.quirk for overlay in _quirk_overlays(api) for action in overlay.actions if action.quirk}


def _cases() -> list[Any]:
    # Only probed quirks: a quirk without a probe is reported once, by the test below, not again as
    # "not found in the raw spec" (which would send its author looking for a spec problem).
    return [pytest.param(api, quirk, id=f"{api}:{quirk}") for api in APIS for quirk in sorted(_probes(api).probes)]


@pytest.mark.parametrize("api", list(APIS))
def test_every_overlay_quirk_has_exactly_one_probe(api: str) -> None:
    quirks, probed = _overlay_quirks(api), set(_probes(api).probes)
    assert not quirks - probed, f"no probe for {sorted(quirks - probed)}: add one to tests/ledger/probes_{api}.py"
    assert not probed - quirks, (
        f"probes for {sorted(probed - quirks)} in tests/ledger/probes_{api}.py: no overlay names them"
    )


def test_a_quirk_without_a_probe_is_reported_once_as_a_missing_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    api = next(iter(APIS))
    real = _overlay_quirks
    monkeypatch.setattr(sys.modules[__name__], "_overlay_quirks", lambda name: real(name) | {"ZZ-Q99"})
    assert "ZZ-Q99" not in {case.values[1] for case in _cases()}
    with pytest.raises(AssertionError, match=rf"no probe for \['ZZ-Q99'\]: add one to tests/ledger/probes_{api}\.py"):
        test_every_overlay_quirk_has_exactly_one_probe(api)


@pytest.mark.parametrize("api", list(APIS))
def test_every_action_names_its_quirk_and_says_why(api: str) -> None:
    for overlay in load_overlays(APIS[api]):
        exempt = _purpose(overlay) in NOT_QUIRKS
        for action in overlay.actions:
            assert exempt or action.quirk, f"{overlay.path.name} {action.label}: no x-quirk"
            assert not (exempt and action.quirk), f"{overlay.path.name} {action.label}: a quirk in a non-quirk overlay"
            assert len(action.description) >= 40, f"{overlay.path.name} {action.label}: description too thin"


@pytest.mark.parametrize("api", list(APIS))
def test_only_known_overlay_purposes_are_exempt(api: str) -> None:
    purposes = {purpose for overlay in load_overlays(APIS[api]) if (purpose := _purpose(overlay)) is not None}
    assert purposes <= NOT_QUIRKS, f"unknown x-purpose {sorted(purposes - NOT_QUIRKS)}: a quirk overlay has none"


@pytest.mark.parametrize(("api", "quirk"), _cases())
def test_quirk_is_in_the_raw_spec(api: str, quirk: str) -> None:
    assert _probes(api).present(quirk, _patched(api).raw), f"{quirk} not found in the raw {api} spec"


@pytest.mark.parametrize(("api", "quirk"), _cases())
def test_quirk_is_gone_from_the_patched_spec(api: str, quirk: str) -> None:
    assert not _probes(api).present(quirk, _patched(api).document), f"{quirk} survives the {api} overlays"

"""The probe registry: an id without a probe says so instead of reading as "quirk absent"."""

from __future__ import annotations

import pytest

from specforge.ledger import ProbeRegistry


def test_an_unregistered_quirk_is_a_lookup_error_naming_it() -> None:
    registry = ProbeRegistry("demo")
    with pytest.raises(LookupError, match="no probe registered for quirk 'DEMO-Q01'"):
        registry.present("DEMO-Q01", {})


def test_a_probe_tripping_over_a_missing_key_means_absent() -> None:
    registry = ProbeRegistry("demo")
    registry.quirk("DEMO-Q01")(lambda spec: spec["paths"]["/x"] is not None)
    assert registry.present("DEMO-Q01", {}) is False

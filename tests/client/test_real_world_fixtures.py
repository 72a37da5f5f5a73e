"""Response shapes that public MyCashflow integrations handle (tests/client/real_world/mycashflow/, each with
its source in PROVENANCE.yaml) decode with the patched client, with exactly the deviations listed there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from mycashflow_client.api.products import list_products
from mycashflow_client.client import Client

from specforge import _yaml

HERE = Path(__file__).parent / "real_world" / "mycashflow"
PROVENANCE: dict[str, Any] = _yaml.load(HERE / "PROVENANCE.yaml")["fixtures"]
ENDPOINTS = {"GET /products": list_products}


def test_every_fixture_has_provenance() -> None:
    assert sorted(path.name for path in HERE.glob("*.json")) == sorted(PROVENANCE)
    for name, entry in PROVENANCE.items():
        assert entry["source"] and entry["evidence"], name


@pytest.mark.parametrize("name", sorted(PROVENANCE))
def test_real_world_shape_decodes(name: str) -> None:
    entry = PROVENANCE[name]
    method, path = entry["operation"].split()[:2]
    body = json.loads((HERE / name).read_text(encoding="utf-8"))
    request = httpx.Request(method, "https://example-store.mycashflow.fi/api/v1" + path)
    response = httpx.Response(200, json=body, request=request)
    parsed, deviations, fits = ENDPOINTS[f"{method} {path}"]._parse_response(
        client=Client(base_url="https://example-store.mycashflow.fi/api/v1"), response=response
    )
    assert fits and parsed is not None
    assert [str(deviation) for deviation in deviations] == entry["deviations"]
    assert len(parsed.data) == len(body["data"]), "the whole page decodes"

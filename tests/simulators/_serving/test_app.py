"""The API-agnostic core serves any spec: a two-operation fixture API with a few lines of binding, no vendor.

Each step of a request (route → authenticate → Accept → parameters → Content-Type → body → handler) and each
way the core refuses one, as the API's own `render_failure` renders it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from simulators._serving import ApiBinding, Call, Failure, Reply, Spec, build_app
from specforge.document import load_json_document

FIXTURE = Path(__file__).resolve().parents[2] / "contract_harness" / "fixtures" / "parcels" / "openapi.yaml"
AUTH = {"Authorization": "Basic " + base64.b64encode(b"user:secret").decode(), "Accept": "application/json"}


class ParcelMissing(Exception):
    """The fixture API's one domain error."""


def _spec() -> Spec:
    return Spec(api="parcels", path=FIXTURE, document=load_json_document(FIXTURE), sha256="sha256:fixture")


def _get(call: Call) -> Reply:
    if call.path_params["parcelId"] == "P9":
        raise ParcelMissing("P9")
    return 200, {"id": call.path_params["parcelId"], "weight": 1.5, "status": "sent"}


def _create(call: Call) -> Reply:
    return 201, {"id": "P2", "weight": call.body["weight"], "status": "sent"}


def _binding(**changes: Any) -> ApiBinding:
    def authenticate(headers: Mapping[bytes, bytes]) -> object | None:
        return "user" if headers.get(b"authorization") == AUTH["Authorization"].encode() else None

    values: dict[str, Any] = {
        "spec": _spec(),
        "handlers": {"getParcel": _get, "createParcel": _create},
        "authenticate": authenticate,
        "render_failure": lambda failure, detail, body: (
            {Failure.NOT_FOUND: 404, Failure.METHOD_NOT_ALLOWED: 405, Failure.UNAUTHENTICATED: 401}.get(failure, 400),
            {"message": f"{failure.name}: {detail}"},
        ),
        "domain_error": ParcelMissing,
        "render_error": lambda error: (404, {"message": f"no parcel {error}"}),
        **changes,
    }
    return ApiBinding(**values)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(build_app(_binding()), base_url="https://parcels.example.invalid") as test_client:
        yield test_client


def test_a_valid_request_reaches_its_handler(client: TestClient) -> None:
    response = client.get("/api/parcels/P1", headers=AUTH)
    assert (response.status_code, response.json()["id"]) == (200, "P1")
    created = client.post("/api/parcels", headers=AUTH, json={"weight": 2.25})
    assert (created.status_code, created.json()["weight"]) == (201, 2.25)


def test_a_domain_error_is_rendered_by_the_api(client: TestClient) -> None:
    response = client.get("/api/parcels/P9", headers=AUTH)
    assert (response.status_code, response.json()) == (404, {"message": "no parcel P9"})


Refusal = tuple[str, str, dict[str, str], bytes | None, int, str]  # method, path, headers, body, status, says


@pytest.mark.parametrize(
    "refusal",
    [
        ("GET", "/api/nowhere", AUTH, None, 404, "NOT_FOUND"),
        ("DELETE", "/api/parcels/P1", AUTH, None, 405, "METHOD_NOT_ALLOWED"),
        ("GET", "/api/parcels/P1", {"Accept": "application/json"}, None, 401, "UNAUTHENTICATED"),
        ("GET", "/api/parcels/P1", {**AUTH, "Accept": "text/html"}, None, 400, "Accept"),
        ("GET", "/api/parcels/" + "P" * 40, AUTH, None, 400, "parcelId"),
        ("POST", "/api/parcels", AUTH, b'{"weight": 1}', 400, "Content-Type"),
        ("POST", "/api/parcels", {**AUTH, "Content-Type": "application/json"}, b"{", 400, "not valid JSON"),
        ("POST", "/api/parcels", {**AUTH, "Content-Type": "application/json"}, b'{"weight": -1}', 400, "weight"),
    ],
)
def test_the_core_refuses_in_the_apis_own_format(client: TestClient, refusal: Refusal) -> None:
    method, path, headers, body, status, says = refusal
    response = client.request(method, path, headers=headers, content=body)
    assert response.status_code == status
    assert says in response.json()["message"]


def test_a_405_lists_the_methods_served(client: TestClient) -> None:
    assert client.delete("/api/parcels", headers=AUTH).headers["allow"] == "POST"


def test_handlers_must_match_the_spec_operations() -> None:
    with pytest.raises(ValueError, match=r"operations without a handler \['createParcel'\]"):
        build_app(_binding(handlers={"getParcel": _get}))
    with pytest.raises(ValueError, match="control endpoints asked for"):
        build_app(_binding(), control=True)


def test_an_oversized_body_is_refused() -> None:
    app = build_app(_binding(max_body_bytes=8))
    with TestClient(app, base_url="https://parcels.example.invalid") as client:
        response = client.post("/api/parcels", headers=AUTH, json={"weight": 123456789})
    assert response.status_code == 400 and "larger than 8 bytes" in response.json()["message"]

"""The front door: HTTPS only, the store's own host, HTTP Basic, JSON, no trailing slash."""

from __future__ import annotations

from starlette.testclient import TestClient

from simulators.mycashflow import create_app

from .conftest import AUTH, BASE, Api


def test_plain_http_is_a_400_that_says_use_https() -> None:
    client = TestClient(create_app(), base_url="http://example-store.mycashflow.fi")
    response = client.get("/api/v1/products", auth=AUTH)
    assert response.status_code == 400
    assert "HTTPS" in response.json()["errors"]["scheme"][0]


def test_a_forwarded_plain_http_request_is_a_400_too(api: Api) -> None:
    assert api("GET", "/products", headers={"X-Forwarded-Proto": "http"}).status_code == 400


def test_insecure_mode_accepts_plain_http() -> None:
    client = TestClient(create_app(https_only=False), base_url="http://127.0.0.1:8080")
    assert client.get("/api/v1/products", auth=AUTH).status_code == 200


def test_trailing_slash_is_an_error_that_explains_itself(api: Api) -> None:
    response = api("GET", "/products/")
    assert response.status_code == 404
    assert response.json() == {
        "errors": {"path": ["Do not include a trailing slash in the request URL: use /api/v1/products."]}
    }


def test_missing_or_wrong_credentials_are_401_with_a_basic_challenge(client: TestClient) -> None:
    for auth in (None, (AUTH[0], "wrong-key"), ("someone@else.fi", AUTH[1])):
        response = client.get("/api/v1/products", auth=auth)
        assert response.status_code == 401, auth
        assert response.headers["www-authenticate"] == 'Basic realm="MyCashflow API"'
        assert "authorization" in response.json()["errors"]


def test_unknown_paths_ask_for_credentials_before_saying_anything(client: TestClient) -> None:
    assert client.get("/api/v1/no-such-thing").status_code == 401
    assert client.get("/api/v1/no-such-thing", auth=AUTH).status_code == 404


def test_the_api_user_email_is_case_insensitive_the_key_is_not(client: TestClient) -> None:
    assert client.get("/api/v1/products", auth=(AUTH[0].upper(), AUTH[1])).status_code == 200
    assert client.get("/api/v1/products", auth=(AUTH[0], AUTH[1].upper())).status_code == 401


def test_custom_domains_are_ignored_loopback_names_work() -> None:
    app = create_app()
    assert TestClient(app, base_url="https://shop.example.com").get("/api/v1/products", auth=AUTH).status_code == 404
    assert TestClient(app, base_url="https://other.mycashflow.fi").get("/api/v1/products", auth=AUTH).status_code == 404
    for base in ("https://127.0.0.1:8443", "https://localhost:8443", BASE.upper()):
        assert TestClient(app, base_url=base).get("/api/v1/products", auth=AUTH).status_code == 200, base


def test_accept_that_excludes_json_is_406_missing_accept_is_fine(api: Api) -> None:
    assert api("GET", "/products", headers={"Accept": "text/html"}).status_code == 406
    assert api("GET", "/products", headers={"Accept": "text/html, application/json;q=0.9"}).status_code == 200
    response = api("GET", "/products")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)


def test_only_v1_and_the_v0_order_and_campaign_apis_are_served(client: TestClient) -> None:
    assert client.get("/api/v0/orders", auth=AUTH).status_code == 200  # what public integrations read (issue 15)
    assert client.get("/api/v0/campaigns", auth=AUTH).status_code == 200  # T1 reads them there
    assert client.get("/api/v0/products", auth=AUTH).status_code == 404
    response = client.get("/api/v2/orders", auth=AUTH)
    assert response.status_code == 404
    assert "/api/v1" in response.json()["errors"]["path"][0]


def test_a_body_is_json_whatever_its_content_type(api: Api) -> None:
    response = api("POST", "/brands", content=b'{"name": "Marimekko"}', headers={"Content-Type": "text/plain"})
    assert response.status_code == 201
    assert response.json()["data"]["name"] == "Marimekko"


def test_malformed_json_is_a_400(api: Api) -> None:
    response = api("POST", "/brands", content=b"{nope", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "JSON" in response.json()["errors"]["request"][0]


def test_delete_answers_204_without_a_body_or_content_headers(api: Api) -> None:
    brand = api("POST", "/brands", json={"name": "Iittala"}).json()["data"]
    response = api("DELETE", f"/brands/{brand['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert "content-type" not in response.headers

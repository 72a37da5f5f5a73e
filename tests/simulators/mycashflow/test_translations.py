"""Root-level translatable fields are the store language's text; `translations` holds every language."""

from __future__ import annotations

from .conftest import Api

GROUP = {
    "code": "group-code",
    "title": "My banner group",
    "translations": [{"language": "en", "title": "My banner group"}, {"language": "fi", "title": "Banneriryhmä"}],
}


def test_when_both_are_given_the_root_wins_for_the_store_language(api: Api) -> None:
    data = api("POST", "/banner-groups", json=GROUP).json()["data"]
    assert data["title"] == "My banner group"
    assert data["translations"] == [
        {"language": "fi", "title": "My banner group"},
        {"language": "en", "title": "My banner group"},
    ]


def test_a_translation_in_the_store_language_sets_the_root(api: Api) -> None:
    data = api("POST", "/banner-groups", json={"translations": [{"language": "fi", "title": "Etusivu"}]}).json()["data"]
    assert data["title"] == "Etusivu"
    patched = api("PATCH", f"/banner-groups/{data['id']}", json={"translations": [{"language": "fi", "title": "Uusi"}]})
    assert patched.json()["data"]["title"] == "Uusi"


def test_updates_merge_per_language_and_field(api: Api) -> None:
    product = api(
        "POST",
        "/products",
        json={"name": "Pipo", "translations": [{"language": "sv", "name": "Mössa", "description": "Varm"}]},
    ).json()["data"]
    api(
        "PATCH",
        f"/products/{product['id']}",
        json={"name": "Pipo musta", "translations": [{"language": "sv", "name": "Svart mössa"}]},
    )
    texts = api("GET", f"/products/{product['id']}?expand=translations").json()["data"]["translations"]
    by_language = {t["language"]: t for t in texts}
    assert (by_language["fi"]["name"], by_language["sv"]["name"], by_language["sv"]["description"]) == (
        "Pipo musta",
        "Svart mössa",
        "Varm",
    )


def test_reads_show_translations_only_when_expanded(api: Api) -> None:
    created = api("POST", "/banner-groups", json=GROUP).json()["data"]
    assert "translations" not in api("GET", f"/banner-groups/{created['id']}").json()["data"]
    listed = api("GET", "/banner-groups?expand=translations").json()["data"][0]
    assert listed["translations"] == created["translations"]


def test_unsupported_or_repeated_languages_are_422(api: Api) -> None:
    response = api("POST", "/banner-groups", json={"translations": [{"language": "de", "title": "Gruppe"}]})
    assert response.status_code == 422 and "translations.0.language" in response.json()["errors"]
    twice = [{"language": "sv", "title": "a"}, {"language": "sv", "title": "b"}]
    assert api("POST", "/banner-groups", json={"translations": twice}).status_code == 422

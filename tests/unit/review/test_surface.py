"""The generated package's public API, from source, and its diff."""

from __future__ import annotations

from specforge.review.surface import diff_surfaces, public_api

BASE = {
    "pkg/__init__.py": "from .client import Client\n__all__ = ['Client']\n",
    "pkg/client.py": (
        "class Client:\n    token: str\n    def __init__(self, token: str) -> None: ...\n"
        "    def _private(self) -> None: ...\n"
    ),
    "pkg/models/status.py": (
        "from enum import Enum\nclass Status(str, Enum):\n    OPEN = 'Open'\n    CLOSED = 'Closed'\n"
    ),
    "pkg/api/get_thing.py": "def sync(id: str, *, client: Client) -> Thing | None: ...\n",
    "pkg/_internal.py": "def helper() -> None: ...\n",
}


def test_public_api_lists_modules_classes_functions_and_attributes() -> None:
    api = public_api(BASE)
    assert api["pkg.Client"] == "re-export from .client"
    assert api["pkg.client.Client.token"] == "str"
    assert api["pkg.client.Client.__init__"] == "def(self, token: str) -> None"
    assert api["pkg.models.status.Status.OPEN"] == "= 'Open'"
    assert api["pkg.api.get_thing.sync"] == "def(id: str, *, client: Client) -> Thing | None"
    assert not [name for name in api if "_private" in name or "_internal" in name]


def test_diff_names_added_removed_and_changed() -> None:
    head = dict(BASE)
    head["pkg/client.py"] = "class Client:\n    username: str\n    def __init__(self, username: str) -> None: ...\n"
    head["pkg/models/status.py"] = BASE["pkg/models/status.py"].replace("'Closed'", "'Done'")
    del head["pkg/api/get_thing.py"]
    head["pkg/api/list_things.py"] = "def sync(*, client: Client) -> list[Thing]: ...\n"
    diff = diff_surfaces(public_api(BASE), public_api(head))
    assert diff.removed == ["pkg.api.get_thing", "pkg.client.Client.token"]
    assert diff.added == ["pkg.api.list_things", "pkg.client.Client.username"]
    assert [name for name, _, _ in diff.changed] == ["pkg.client.Client.__init__", "pkg.models.status.Status.CLOSED"]


def test_identical_sources_give_an_empty_diff() -> None:
    assert diff_surfaces(public_api(BASE), public_api(dict(BASE))).empty

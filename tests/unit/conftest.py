from __future__ import annotations

from pathlib import Path

import pytest

from ._demo import make_demo_repo


@pytest.fixture
def demo_repo(tmp_path: Path) -> Path:
    """A repository root with the real codegen/ settings and one small API named `demo`."""
    return make_demo_repo(tmp_path)

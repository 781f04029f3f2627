"""Shared fixtures: local replicas of news sites on 127.0.0.1; tests marked `alone` are left
to a run of their own when pytest-xdist runs tests side by side."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from tests.support.paths import SCHEMA_PATH


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `alone` hold wall-clock bounds that tests beside them can break: in an
    xdist worker they are skipped (`make test` runs them afterwards, one at a time)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    alone = pytest.mark.skip(reason="marked alone: `make test` runs it after the others")
    for item in items:
        if item.get_closest_marker("alone"):
            item.add_marker(alone)


@pytest.fixture(scope="session")
def article_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def shz_site(tmp_path: Path) -> Path:
    """A private, editable copy of the shz.de replica."""
    return Path(shutil.copytree(SITES_DIR / "shz", tmp_path / "shz"))


@pytest.fixture
def shz_server(shz_site: Path) -> Iterator[ReplicaServer]:
    with ReplicaServer(shz_site) as server:
        yield server

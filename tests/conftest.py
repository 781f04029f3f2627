"""Shared fixtures: local replicas of news sites on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from tests.support.paths import SCHEMA_PATH


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

"""Scrapyd: the project deploys with `scrapyd-deploy`, a job scheduled with `schedule.json`
crawls a local replica, and its items land in Scrapyd's items_dir (Scrapyd sets FEEDS) or,
without one, in our default layout under the NEWSCRAWLER_OUTPUT_DIR the job is given; a
second job is incremental (the state lives next to the items)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from urllib.request import urlopen

import pytest

from newscrawler.demo.server import ReplicaServer
from tests.support.paths import PROJECT_ROOT
from tests.support.replica import REPLICA_ARTICLES
from tests.support.scale import ScrapydServer

pytestmark = pytest.mark.slow

DEPLOYED_CONTACT = "https://example.org/deployed-egg"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project as a user has it, its settings marked: the job's User-Agent then
    shows that Scrapyd runs the deployed egg, not the checkout installed in this environment."""
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(PROJECT_ROOT / "newscrawler", copy / "newscrawler", ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "scrapy.cfg", "README.md", "LICENSE"):
        shutil.copy(PROJECT_ROOT / name, copy / name)
    settings = copy / "newscrawler" / "settings.py"
    text = settings.read_text(encoding="utf-8")
    marked = text.replace(
        'NEWSCRAWLER_CONTACT_URL = "https://github.com/newscrawler/newscrawler"',
        f'NEWSCRAWLER_CONTACT_URL = "{DEPLOYED_CONTACT}"',
    )
    assert marked != text
    settings.write_text(marked, encoding="utf-8")
    return copy


@pytest.fixture(params=["items_dir", "output_dir"])
def scrapyd(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ScrapydServer]:
    items_dir = tmp_path / "items" if request.param == "items_dir" else None
    server = ScrapydServer(tmp_path / "scrapyd", items_dir=items_dir).start()
    try:
        yield server
    finally:
        server.stop()


def api(server: ScrapydServer, endpoint: str, data: list[tuple[str, str]] | None = None) -> Any:
    body = urlencode(data).encode() if data is not None else None
    with urlopen(server.url + endpoint, data=body, timeout=30) as response:
        answer = json.loads(response.read())
    assert answer["status"] == "ok", answer
    return answer


def wait_finished(server: ScrapydServer, job: str, timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = api(server, "listjobs.json?project=newscrawler")
        for finished in jobs["finished"]:
            if finished["id"] == job:
                return dict(finished)
        time.sleep(0.3)
    raise AssertionError(f"job {job} did not finish in {timeout}s")


def schedule(server: ScrapydServer, site: ReplicaServer, archive: Path) -> str:
    answer = api(server, "schedule.json", [
        ("project", "newscrawler"),
        ("spider", "shz"),
        ("base_url", site.url),  # a spider argument
        ("setting", "DOWNLOAD_DELAY=0"),  # settings, as with -s
        ("setting", "AUTOTHROTTLE_ENABLED=0"),
        # where our default output goes when Scrapyd sets no FEEDS (no items_dir)
        ("setting", f"NEWSCRAWLER_OUTPUT_DIR={archive}"),
    ])  # fmt: skip
    return str(answer["jobid"])


def test_deploy_schedule_and_read_the_items(
    project: Path, scrapyd: ScrapydServer, shz_server: ReplicaServer, tmp_path: Path
) -> None:
    config = project / "scrapy.cfg"
    config.write_text(
        config.read_text().replace("url = http://localhost:6800/", f"url = {scrapyd.url}"),
        encoding="utf-8",
    )
    deployed = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "--version", "r1"],
        cwd=project, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert deployed.returncode == 0, deployed.stderr
    assert json.loads(deployed.stdout)["spiders"] >= 10
    spiders = api(scrapyd, "listspiders.json?project=newscrawler")["spiders"]
    assert {"shz", "news"} <= set(spiders)

    archive = tmp_path / "archive"
    first = schedule(scrapyd, shz_server, archive)
    assert wait_finished(scrapyd, first)
    if scrapyd.items_dir is not None:  # Scrapyd's FEEDS: one file per job
        folder = scrapyd.items_dir / "newscrawler" / "shz"
        [items_file] = folder.glob("*.jl")
        assert items_file.name == f"{first}.jl"
        assert not archive.exists()
    else:  # our default feed, under NEWSCRAWLER_OUTPUT_DIR
        folder = archive / "shz"
        [items_file] = folder.glob("*.jsonl")
    items = [json.loads(line) for line in items_file.read_text(encoding="utf-8").splitlines()]
    assert {urlsplit(item["url"]).path for item in items} == REPLICA_ARTICLES
    assert any(DEPLOYED_CONTACT in agent for agent in shz_server.user_agents)
    logs = tmp_path / "scrapyd" / "logs" / "newscrawler" / "shz"
    log = (logs / f"{first}.log").read_text()
    assert "'finish_reason': 'finished'" in log
    assert "ERROR" not in log, log[-3000:]
    # The state and the run summary live next to the items.
    state = folder.parent / ".state" if scrapyd.items_dir is None else folder / ".state"
    assert f"State sqlite://{state / 'shz.sqlite'} (incremental)" in log
    [summary] = folder.glob("*.summary.json")
    assert json.loads(summary.read_text())["files"] == [str(items_file)]

    # The next job emits only what is new: nothing.
    second = schedule(scrapyd, shz_server, archive)
    assert wait_finished(scrapyd, second)
    second_log = (logs / f"{second}.log").read_text()
    assert "'incremental/leads_skipped_known': 5" in second_log
    assert "item_scraped_count" not in second_log

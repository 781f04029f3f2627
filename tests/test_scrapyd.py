"""Scrapyd: the project deploys with `scrapyd-deploy`, a job scheduled with `schedule.json`
crawls a local replica, and its items land in Scrapyd's items_dir (Scrapyd sets FEEDS) or,
without one, in our default layout under the NEWSCRAWLER_OUTPUT_DIR the job is given; a
second job is incremental (the state lives next to the items).

Scrapyd runs as README's scrapyd.conf has it, with basic authentication: deploying and
scheduling need its credentials (from a netrc file, as README says), anonymous clients are
refused, and neither its password nor a Redis password given in its environment shows in a
log, a summary or its API."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

import pytest

from newscrawler.demo.server import ReplicaServer
from newscrawler.redis_access import acl_setuser
from tests.support.paths import PROJECT_ROOT
from tests.support.replica import REPLICA_ARTICLES
from tests.support.scale import RedisServer, ScrapydServer

pytestmark = pytest.mark.slow

DEPLOYED_CONTACT = "https://example.org/deployed-egg"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project as a user has it, its settings marked: the job's User-Agent then
    shows that Scrapyd runs the deployed egg, not the checkout installed in this environment."""
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(PROJECT_ROOT / "newscrawler", copy / "newscrawler", ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "scrapy.cfg", "README.md"):
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
    request = Request(server.url + endpoint, data=body)
    request.add_header("Authorization", server.authorization())
    with urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    assert answer["status"] == "ok", answer
    return answer


def deploy(project: Path, server: ScrapydServer, home: Path) -> dict[str, Any]:
    """`scrapyd-deploy` from the project, its credentials in `~/.netrc` (never in the
    project's scrapy.cfg)."""
    config = project / "scrapy.cfg"
    config.write_text(
        config.read_text().replace("url = http://localhost:6800/", f"url = {server.url}"),
        encoding="utf-8",
    )
    assert server.password not in config.read_text()
    home.mkdir(exist_ok=True)
    server.netrc(home)
    deployed = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "--version", "r1"],
        cwd=project, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "HOME": str(home)},
    )  # fmt: skip
    assert deployed.returncode == 0, deployed.stderr
    answer: dict[str, Any] = json.loads(deployed.stdout)
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


def schedule(
    server: ScrapydServer, site: ReplicaServer, archive: Path, *more: tuple[str, str]
) -> str:
    answer = api(server, "schedule.json", [
        ("project", "newscrawler"),
        ("spider", "shz"),
        ("base_url", site.url),  # a spider argument
        ("setting", "DOWNLOAD_DELAY=0"),  # settings, as with -s
        ("setting", "AUTOTHROTTLE_ENABLED=0"),
        # where our default output goes when Scrapyd sets no FEEDS (no items_dir)
        ("setting", f"NEWSCRAWLER_OUTPUT_DIR={archive}"),
        *more,
    ])  # fmt: skip
    return str(answer["jobid"])


def test_deploy_schedule_and_read_the_items(
    project: Path, scrapyd: ScrapydServer, shz_server: ReplicaServer, tmp_path: Path
) -> None:
    assert deploy(project, scrapyd, tmp_path / "home")["spiders"] >= 10
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


def anonymous_post(server: ScrapydServer, endpoint: str, data: dict[str, str]) -> int:
    """The HTTP status of a POST without credentials."""
    try:
        with urlopen(server.url + endpoint, data=urlencode(data).encode(), timeout=30) as answer:
            return int(answer.status)
    except HTTPError as error:
        return error.code


def test_scrapyd_refuses_anonymous_clients(tmp_path: Path) -> None:
    """Whoever reaches the port without the credentials can neither upload an egg (code that
    Scrapyd runs) nor start a job; curl with README's netrc file gets through."""
    server = ScrapydServer(tmp_path / "scrapyd").start()
    try:
        egg = {"project": "newscrawler", "version": "evil", "egg": "not really an egg"}
        assert anonymous_post(server, "addversion.json", egg) == 401
        job = {"project": "newscrawler", "spider": "shz"}
        assert anonymous_post(server, "schedule.json", job) == 401
        wrong = ScrapydServer(tmp_path / "unused", password="guessed")
        wrong.port = server.port
        with pytest.raises(HTTPError) as refused:
            api(wrong, "daemonstatus.json")
        assert refused.value.code == 401
        assert api(server, "daemonstatus.json")["running"] == 0
        curl = shutil.which("curl")
        if curl is not None:  # README's cron lines
            netrc = server.netrc(tmp_path)
            listed = subprocess.run(
                [curl, "-s", "--netrc-file", str(netrc), f"{server.url}listprojects.json"],
                capture_output=True, text=True, timeout=30, check=True,
            )  # fmt: skip
            answer = json.loads(listed.stdout)
            assert (answer["status"], answer["projects"]) == ("ok", [])
    finally:
        server.stop()


REDIS_USER, REDIS_PASSWORD = "newscrawler", "redis-test-secret"


def test_secrets_stay_out_of_logs_summaries_and_the_api(
    project: Path, shz_server: ReplicaServer, tmp_path: Path
) -> None:
    """README's set-up: the node's Scrapyd has the Redis password in its environment, the
    job's Redis state URL names only the user; the crawlers' Redis user has README's ACL. The
    job uses the Redis state, and no password shows in Scrapyd's log, the job's log, the run
    summary or Scrapyd's API."""
    user = acl_setuser(REDIS_USER, "newscrawler", REDIS_PASSWORD).replace("ACL SETUSER", "user")
    with RedisServer.running(tmp_path / "redis", users=[user]) as redis_server:
        scrapyd = ScrapydServer(
            tmp_path / "scrapyd", env={"NEWSCRAWLER_REDIS_PASSWORD": REDIS_PASSWORD}
        ).start()
        try:
            deploy(project, scrapyd, tmp_path / "home")
            archive = tmp_path / "archive"
            state = ("setting", f"NEWSCRAWLER_STATE_URL={redis_server.url(user=REDIS_USER)}")
            job = schedule(scrapyd, shz_server, archive, state)
            wait_finished(scrapyd, job)
            jobs_answer = json.dumps(api(scrapyd, "listjobs.json?project=newscrawler"))
        finally:
            scrapyd.stop()
        recorded = redis_server.client().hkeys("newscrawler:state:shz:articles")
    log = (tmp_path / "scrapyd" / "logs" / "newscrawler" / "shz" / f"{job}.log").read_text()
    public = f"redis://{REDIS_USER}@127.0.0.1:{redis_server.port}/0?spider=shz"
    assert f"State {public} (incremental)" in log
    assert "'finish_reason': 'finished'" in log
    assert len(recorded) >= len(REPLICA_ARTICLES)
    [summary] = (archive / "shz").glob("*.summary.json")
    assert json.loads(summary.read_text())["state"] == public
    scrapyd_log = (tmp_path / "scrapyd" / "scrapyd.out").read_text()
    assert f"job='{job}'" in scrapyd_log or job in scrapyd_log
    for text in (log, scrapyd_log, summary.read_text(), jobs_answer):
        assert REDIS_PASSWORD not in text
        assert scrapyd.password not in text

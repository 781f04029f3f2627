"""Each article fetched once across runs sharing a state, in real `scrapy crawl news` runs of
the unseen replica grown to 65 articles (and its two section fronts), with the polite defaults:
two runs at once over one Redis or one SQLite state split the work; a run killed with SIGKILL
while the other runs loses nothing and duplicates nothing once a third run has run; a second
cron run over an unchanged site fetches no section front and no article again. The figures
are printed (`pytest -s`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo.server import RehostedReplica
from newscrawler.extensions.outcome import ExitStatus
from tests.support.cron import run_cron
from tests.support.scale import RedisServer, Worker, audit, start_worker, wait_for_log
from tests.support.unseen import ORIGIN, UNSEEN, cases, grow_unseen

pytestmark = pytest.mark.slow

POLITE = {
    # the project's defaults (the tests' crawls are otherwise fast: see tests.support.crawl)
    "DOWNLOAD_DELAY": "1.0",
    "AUTOTHROTTLE_ENABLED": "1",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
}
SLOW_SITE = {"CONCURRENT_REQUESTS_PER_DOMAIN": "2"}
"""Without the delays, against a replica answering in a quarter of a second: long enough to kill
a run mid-crawl, short enough for the suite."""
SECTION_FRONTS = set(cases()["fetched_not_emitted"])


@pytest.fixture
def big_site(tmp_path: Path) -> tuple[Path, set[str]]:
    """A copy of the replica with 55 more articles: 65 articles, by path."""
    site = Path(shutil.copytree(UNSEEN, tmp_path / "site"))
    return site, {urlsplit(path).path for path in grow_unseen(site, 55)}


@pytest.fixture(params=["redis", "sqlite"])
def shared_state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        (tmp_path / "shared").mkdir()
        yield f"sqlite://{tmp_path}/shared/state.sqlite"
        return
    with RedisServer.running(tmp_path / "redis") as server:
        yield server.url()


def start_run(
    server: RehostedReplica, folder: Path, state: str, *, batch: int = 200, polite: bool = True
) -> Worker:
    return start_worker(
        "news",
        folder,
        args={"sitemap": f"{server.url}/sitemap.xml"},
        settings={**(POLITE if polite else SLOW_SITE), "NEWSCRAWLER_STATE_URL": state},
        batch=batch,
    )


def backend(state_url: str) -> str:
    return state_url.split(":", maxsplit=1)[0]


def downloads(server: RehostedReplica, paths: set[str]) -> int:
    return sum(1 for path in server.requests if urlsplit(path).path in paths)


def test_two_runs_at_once_split_the_work(
    big_site: tuple[Path, set[str]], shared_state: str, tmp_path: Path
) -> None:
    site, articles = big_site
    with RehostedReplica(site, origin=ORIGIN) as server:
        runs = [start_run(server, tmp_path / f"run-{n}", shared_state) for n in (1, 2)]
        codes = [run.wait(timeout=240) for run in runs]
        fetched = downloads(server, articles)
    result = audit([run.folder for run in runs], articles)
    skipped = [run.stat("fetch_once/skipped_leased") for run in runs]
    print(result.table(f"{backend(shared_state)} state, two runs at once"))
    print(f"  article downloads {fetched} for {len(articles)} articles;"
          f" leads skipped as leased by the other run: {skipped}")  # fmt: skip
    assert codes == [ExitStatus.OK, ExitStatus.OK], [run.log[-3000:] for run in runs]
    assert (result.duplicates, result.missing, result.unexpected) == (0, set(), set())
    assert all(per_run > 0 for per_run in result.per_folder)  # both emit
    assert fetched <= 1.1 * len(articles)


def test_a_run_killed_while_the_other_runs_loses_nothing(
    big_site: tuple[Path, set[str]], shared_state: str, tmp_path: Path
) -> None:
    site, articles = big_site
    with RehostedReplica(site, origin=ORIGIN, delay=0.25) as server:
        killed, survivor = (
            start_run(server, tmp_path / f"run-{n}", shared_state, batch=4, polite=False)
            for n in (1, 2)
        )
        wait_for_log(killed, "Scraped from", count=6, timeout=120)
        killed.process.kill()  # SIGKILL: leases, claims and a file half written stay behind
        killed.process.wait()
        assert survivor.wait(timeout=240) == ExitStatus.OK, survivor.log[-3000:]
        third = run_cron(
            "news",
            killed.folder,
            args={"sitemap": f"{server.url}/sitemap.xml"},
            settings={**SLOW_SITE, "NEWSCRAWLER_STATE_URL": shared_state},
            timeout=240,
        )
    assert third.returncode == ExitStatus.OK, third.log[-3000:]
    result = audit([killed.folder, survivor.folder], articles)
    print(
        result.table(
            f"{shared_state.split(':', maxsplit=1)[0]} state, one run killed, a third after"
        )
    )
    assert (result.duplicates, result.missing, result.unexpected) == (0, set(), set())


def test_second_cron_run_fetches_no_section_front_and_no_article(tmp_path: Path) -> None:
    paths = {urlsplit(path).path for path in cases()["articles"]}
    with RehostedReplica(UNSEEN, origin=ORIGIN) as server:
        args = {"sitemap": f"{server.url}/sitemap.xml"}
        first = run_cron("news", tmp_path, args=args)
        asked_first = list(server.requests)
        second = run_cron("news", tmp_path, args=args)
        asked_second = server.requests[len(asked_first) :]
    assert (first.returncode, second.returncode) == (ExitStatus.OK, ExitStatus.OK), second.log
    assert first.summary is not None and second.summary is not None
    assert set(asked_first) >= SECTION_FRONTS and len(first.items) == len(paths)
    assert first.summary["counts"]["non_articles_remembered"] == len(SECTION_FRONTS)
    # the second run fetches the listing only
    assert [p for p in asked_second if urlsplit(p).path in paths | SECTION_FRONTS] == []
    assert "/sitemap.xml" in asked_second
    assert second.items == []
    assert second.summary["counts"]["skipped_non_article"] == len(SECTION_FRONTS)
    assert second.summary["counts"]["skipped_known"] == len(paths)

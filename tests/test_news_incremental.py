"""The generic spider in cron use: a run belongs to its site (output folder, state, run lock),
and an article asked for with `-a url=` is always fetched."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo import GENERIC_ORIGIN, GENERIC_SITE, SITES_DIR
from newscrawler.demo.server import RehostedReplica
from newscrawler.extensions.outcome import ExitStatus
from newscrawler.state import acquire_run_lock
from tests.support.cron import run_cron

pytestmark = pytest.mark.slow

KITA = "/politik/landtag-beschliesst-kita-gesetz-id48213377.html"


@pytest.fixture(scope="module")
def replica() -> RehostedReplica:
    with RehostedReplica(SITES_DIR / GENERIC_SITE, origin=GENERIC_ORIGIN) as server:
        yield server


def test_an_article_asked_for_again_is_fetched_and_not_emitted_twice(
    replica: RehostedReplica, tmp_path: Path
) -> None:
    url = f"{replica.url}{KITA}"
    first = run_cron("news", tmp_path, args={"url": url})
    assert first.returncode == ExitStatus.OK, first.log[-3000:]
    assert first.paths() == [KITA]
    # the site's own folder and state, not a "news" one shared by every site
    assert first.summary is not None and first.summary["spider"] == "127.0.0.1"
    assert all(Path(name).parent == tmp_path / "127.0.0.1" for name in first.summary["files"])
    assert (tmp_path / ".state" / "127.0.0.1.sqlite").exists()

    again = run_cron("news", tmp_path, args={"url": url})
    assert again.returncode == ExitStatus.OK, again.log[-3000:]  # not "site unreachable"
    assert again.items == []
    assert "Unchanged since emitted, not emitted again (-a incremental=0 emits it anyway)" in (
        again.log
    )
    assert again.summary is not None and again.summary["counts"]["dropped"] == {"unchanged": 1}


def test_runs_for_two_sites_do_not_block_each_other(
    replica: RehostedReplica, tmp_path: Path
) -> None:
    # A run for 127.0.0.1 holds its lock; one for "localhost" (another site) is not blocked,
    # a second one for 127.0.0.1 is.
    lock = acquire_run_lock(tmp_path / ".state" / "127.0.0.1.lock")
    try:
        other_site = f"http://localhost:{replica.port}{KITA}"
        other = run_cron("news", tmp_path, args={"url": other_site})
        assert other.returncode == ExitStatus.OK, other.log[-3000:]
        assert [urlsplit(item["url"]).hostname for item in other.items] == ["localhost"]
        same_site = run_cron("news", tmp_path, args={"url": f"{replica.url}{KITA}"})
        assert same_site.returncode == ExitStatus.LOCKED, same_site.log[-3000:]
        assert "spider '127.0.0.1' is running: another run holds the lock" in same_site.log
    finally:
        lock.release()

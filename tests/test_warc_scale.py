"""Many WARC files as parallel jobs (one per file, as Scrapyd runs them, each with its own output
folder) sharing a Redis state: an article found in two months' files is emitted once."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.extensions.outcome import ExitStatus
from tests.support.scale import RedisServer, audit, start_worker
from tests.support.warc import CcNewsWarc, replica_articles

pytestmark = pytest.mark.slow


def test_two_months_files_in_parallel_jobs_emit_each_article_once(tmp_path: Path) -> None:
    shz = list(replica_articles("shz"))
    ndr = list(replica_articles("ndr"))
    months = {"01": shz[:4] + ndr[:2], "02": shz[1:] + ndr[2:]}  # three articles in both
    files = []
    for month, pages in months.items():
        warc = CcNewsWarc(tmp_path / f"CC-NEWS-2022{month}21120000-00001.warc.gz")
        warc.date = f"2022-{month}-21T12:00:00Z"
        warc.warcinfo()
        for url, html, _ in pages:
            warc.page(url, html)
        files.append(warc.write())
    with RedisServer.running(tmp_path / "redis") as redis:
        jobs = [
            start_worker(
                "warc",
                tmp_path / f"job-{number}",
                args={"path": str(path), "site": "shz"},
                settings={"NEWSCRAWLER_STATE_URL": redis.url()},
            )
            for number, path in enumerate(files)
        ]
        assert [job.wait() for job in jobs] == [ExitStatus.OK, ExitStatus.OK]
        again = start_worker(
            "warc",
            tmp_path / "job-again",
            args={"path": str(tmp_path), "site": "shz"},
            settings={"NEWSCRAWLER_STATE_URL": redis.url()},
        )
        assert again.wait() == ExitStatus.OK
    expected = {urlsplit(url).path for url, _, _ in shz}
    result = audit([job.folder for job in [*jobs, again]], expected)
    print(result.table("WARC files as parallel jobs over one Redis state"))
    assert (result.duplicates, result.missing, result.unexpected) == (0, set(), set())
    assert result.per_folder[2] == 0  # every article was emitted already

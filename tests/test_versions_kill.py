"""A revisit run killed (SIGKILL) at the worst steps of publishing a new version loses and
duplicates nothing: across every published file the changed article has exactly one version 1
line and one version 2 line, and later revisits find version 2 committed (a 304, no line).
Killed with the file written but not sealed (the next run deletes it and emits version 2
again), and renamed but not committed (the next run commits the version it published); a kill
after the seal and before the rename takes the second path (tests/test_incremental_kill.py
covers every step for first emissions)."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from tests.support.crawl import read_jsonl
from tests.support.cron import published_files, run_cron, temp_files
from tests.support.faults import CRASH_AT_ENV
from tests.support.replica import REPLICA_ARTICLES, list_in_sitemap, write_article
from tests.support.versions import FAST_REVISITS, add_paragraph

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("step", ["written", "renamed"])
def test_kill_during_a_revisit_run(step: str, tmp_path: Path) -> None:
    site = Path(shutil.copytree(SITES_DIR / "shz", tmp_path / "site"))
    changed = write_article(site, 1)
    list_in_sitemap(site, changed)
    folder = tmp_path / "output"
    with ReplicaServer(site, conditional=True) as server:
        args = {"base_url": server.url}
        first = run_cron("shz", folder, args=args, settings=FAST_REVISITS)
        assert first.returncode == 0, first.log[-3000:]
        add_paragraph(site, 1)
        time.sleep(1.2)
        killed = run_cron("shz", folder, args=args, settings=FAST_REVISITS,
                          env={CRASH_AT_ENV: step})  # fmt: skip
        assert killed.returncode == -9, killed.log[-3000:]
        after = run_cron("shz", folder, args=args, settings=FAST_REVISITS)
        assert after.returncode == 0, after.log[-3000:]
        time.sleep(1.2)
        served = len(server.statuses)
        # an age every second: every article is due again (checked over a second ago)
        every_second = ",".join(f"{n}s" for n in range(1, 300))
        later = run_cron("shz", folder, args=args, settings={
            **FAST_REVISITS, "NEWSCRAWLER_REVISIT_AGES": every_second})  # fmt: skip
        assert later.returncode == 0, later.log[-3000:]
        later_statuses = dict(server.statuses[served:])
    assert later.items == []  # version 2 is committed: nothing changed since
    assert later_statuses[changed] == 304
    lines = [line for path in published_files(folder) for line in read_jsonl(path)]
    versions = Counter((urlsplit(line["url"]).path, line["version"]) for line in lines)
    assert versions[(changed, 1)] == 1 and versions[(changed, 2)] == 1, versions
    assert {path for path, _ in versions} == REPLICA_ARTICLES | {changed}
    assert all(count == 1 for count in versions.values()), versions
    (v2,) = [line for line in lines if line["version"] == 2]
    assert v2["changed_fields"] == ["body"]
    assert temp_files(folder) == []

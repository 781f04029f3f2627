"""The publication journal on its own, over a SQLite state: a batch of several files, the
progress signal, and the recovery of a batch a run left half done."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from scrapy.signalmanager import SignalManager

from newscrawler.publish.journal import PendingFile, PublicationJournal, publication_progress
from newscrawler.state.sqlite import SqliteState
from tests.support.state import T1, emission

STARTED = datetime(2022, 1, 21, 10, tzinfo=timezone.utc)


def journal_of(
    store: SqliteState,
    owner: str,
    *,
    records_articles: bool = True,
    signals: SignalManager | None = None,
) -> PublicationJournal:
    store.begin_run(owner, T1)
    return PublicationJournal(
        store, owner, started_at=STARTED, records_articles=records_articles, signals=signals
    )


def write(file: PendingFile, data: bytes) -> None:
    file.final.parent.mkdir(parents=True, exist_ok=True)
    file.temp.write_bytes(data)


def test_a_batch_of_two_kinds_of_files_is_published_together(tmp_path: Path) -> None:
    store = SqliteState(f"sqlite://{tmp_path}/shz.sqlite")
    signals = SignalManager()
    steps: list[tuple[str, str]] = []

    def progress(step: str, file: PendingFile) -> None:
        steps.append((step, file.final.name))

    signals.connect(progress, signal=publication_progress)  # (held weakly: a named function)
    journal = journal_of(store, "host:1:aaaaaa", signals=signals)
    assert store.claim("host:1:aaaaaa", emission("https://x/1"))
    lines = journal.begin(tmp_path / "out" / "a.jsonl")
    archive = journal.begin(tmp_path / "out" / "a.archive")
    write(lines, b'{"url": "https://x/1"}\n')
    write(archive, b"records of https://x/1")
    journal.seal(archive)  # records no article
    journal.seal(lines, lambda path: {"https://x/1"})  # the file whose articles count
    assert not lines.final.exists() and not archive.final.exists()
    journal.publish(lines, archive)
    assert lines.final.read_bytes() == b'{"url": "https://x/1"}\n'
    assert archive.final.read_bytes() == b"records of https://x/1"
    assert journal.published == [str(lines.final), str(archive.final)]
    assert journal.committed == {"new": 1}
    assert set(store.lookup(["https://x/1"])) == {"https://x/1"}
    assert steps == [
        ("written", "a.archive"), ("sealed", "a.archive"),
        ("written", "a.jsonl"), ("sealed", "a.jsonl"),
        ("renamed", "a.jsonl"), ("renamed", "a.archive"),
    ]  # fmt: skip
    store.close()


def test_a_run_killed_before_the_last_seal_publishes_no_article(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/shz.sqlite"
    dead = SqliteState(url)
    journal = journal_of(dead, "host:1:aaaaaa")
    assert dead.claim("host:1:aaaaaa", emission("https://x/1"))
    lines = journal.begin(tmp_path / "a.jsonl")
    archive = journal.begin(tmp_path / "a.archive")
    write(lines, b'{"url": "https://x/1"}\n')
    write(archive, b"records")
    journal.seal(archive)
    dead.close()  # killed before sealing the JSON lines

    store = SqliteState(url)
    next_run = journal_of(store, "host:2:bbbbbb")
    next_run.recover()
    assert archive.final.exists() and not lines.temp.exists() and not lines.final.exists()
    assert store.lookup(["https://x/1"]) == {}  # comes again in this run
    assert next_run.recovered == [str(archive.final)]
    store.close()


def test_without_recording_articles_files_are_still_journaled(tmp_path: Path) -> None:
    store = SqliteState(f"sqlite://{tmp_path}/shz.sqlite")
    journal = journal_of(store, "host:1:aaaaaa", records_articles=False)
    assert store.claim("host:1:aaaaaa", emission("https://x/1"))
    lines = journal.begin(tmp_path / "a.jsonl")
    write(lines, b'{"url": "https://x/1"}\n')
    journal.seal(lines, lambda path: {"https://x/1"})
    journal.publish(lines)
    assert lines.final.exists() and journal.published == [str(lines.final)]
    assert journal.committed == {} and store.lookup(["https://x/1"]) == {}
    store.close()

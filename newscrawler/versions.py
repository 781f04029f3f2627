"""Versions of an article: what changed since the version last published, and the item's
`version`, `previous_fingerprint` and `changed_fields`.

The incremental middleware asks `VersionBook.revise` whether a fetched article differs from the
version the state holds (in any of `items.VERSIONED_FIELDS`), and stages the new version when it
claims the article (`stage`). A staged version is committed with the file that publishes it
(`StateStore.commit_versions`, called by the publication journal before the articles), so a run
killed at any point neither loses a version nor numbers one twice: the next run finds the page
changed against the committed version and emits it again, as the same version number.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from newscrawler.items import VERSIONED_FIELDS
from newscrawler.request_meta import REVISIT_META_KEY
from newscrawler.state.base import VersionRecord

if TYPE_CHECKING:
    from itemadapter import ItemAdapter
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from newscrawler.state.base import ArticleRecord, StateStore


def digest(value: Any) -> str:
    """A short stable hash of a field's value (titles and author lists are compared, not kept)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def header(response: Response | None, name: str) -> str | None:
    value = response.headers.get(name) if response is not None else None
    return value.decode("latin-1") if value else None


@dataclass(frozen=True)
class Revision:
    """A fetched article against the committed version: `current` is the version it would be
    (its number one more than `previous`'s), `changed` the fields that differ."""

    current: VersionRecord
    previous: VersionRecord | None
    previous_fingerprint: str | None
    changed: list[str]


def fields_changed(current: VersionRecord, previous: VersionRecord) -> list[str]:
    values = {
        "title": (current.title_digest, previous.title_digest),
        "body": (current.fingerprint, previous.fingerprint),
        "authors": (current.authors_digest, previous.authors_digest),
        "date_modified": (current.date_modified, previous.date_modified),
        "is_paywalled": (current.is_paywalled, previous.is_paywalled),
    }
    return [name for name in VERSIONED_FIELDS if values[name][0] != values[name][1]]


def legacy_changes(current: VersionRecord, record: ArticleRecord) -> list[str]:
    """What changed since an article emitted before versions were recorded: only its body and
    `date_modified` are known."""
    changed = []
    if current.fingerprint != record.fingerprint:
        changed.append("body")
    if current.date_modified is not None and current.date_modified != record.date_modified:
        changed.append("date_modified")
    return changed


class VersionBook:
    """The incremental middleware's view of article versions in the state."""

    def __init__(self, store: StateStore, stats: StatsCollector):
        self.store = store
        self.stats = stats

    def revise(
        self,
        versions: dict[str, VersionRecord],
        adapter: ItemAdapter,
        fingerprint: str,
        response: Response | None,
        known: dict[str, ArticleRecord],
    ) -> Revision:
        """The fetched article against the committed versions (`StateStore.version_records`)
        and article records of its keys."""
        previous = max(versions.values(), key=lambda v: v.version, default=None)
        record = next(iter(known.values()), None)
        first_seen = (
            previous.first_seen if previous is not None
            else record.first_emitted if record is not None
            else str(adapter.get("crawled_at") or "")
        )  # fmt: skip
        current = version_of(adapter, fingerprint, response, first_seen)
        if previous is not None:
            number = previous.version + 1
            changed, before = fields_changed(current, previous), previous.fingerprint
        elif record is not None:  # emitted before versions were recorded: call that one 1
            number, changed, before = 2, legacy_changes(current, record), record.fingerprint
        else:
            number, changed, before = 1, [], None
        return Revision(replace(current, version=number), previous, before, changed)

    def keep_validators(
        self, keys: list[str], revision: Revision, response: Response | None
    ) -> None:
        """An unchanged version: remember the site's new validators, if any."""
        self._count_revisit(response, "unchanged")
        previous = revision.previous
        current = revision.current
        if previous is not None and (current.etag, current.last_modified) != (
            previous.etag,
            previous.last_modified,
        ):
            self.store.update_validators(keys, current.etag, current.last_modified)

    def stage(
        self, owner: str, adapter: ItemAdapter, revision: Revision, response: Response | None
    ) -> None:
        """The article is claimed: stamp the item with its version and stage it."""
        adapter["version"] = revision.current.version
        adapter["previous_fingerprint"] = revision.previous_fingerprint
        adapter["changed_fields"] = list(revision.changed)
        self.store.stage_version(owner, str(adapter["url"]), revision.current)
        self._count_revisit(response, "new_versions")

    def _count_revisit(self, response: Response | None, outcome: str) -> None:
        if response is not None and response.meta.get(REVISIT_META_KEY):
            self.stats.inc_value(f"revisits/{outcome}")


def version_of(
    adapter: ItemAdapter, fingerprint: str, response: Response | None, first_seen: str
) -> VersionRecord:
    return VersionRecord(
        url=str(adapter["url"]),
        version=1,
        fingerprint=fingerprint,
        title_digest=digest(adapter.get("title")),
        authors_digest=digest(list(adapter.get("authors") or [])),
        date_modified=adapter.get("date_modified"),
        is_paywalled=bool(adapter.get("is_paywalled")),
        etag=header(response, "ETag"),
        last_modified=header(response, "Last-Modified"),
        first_seen=first_seen,
    )

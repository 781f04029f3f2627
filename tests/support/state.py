"""What the state-store tests share: instants and the emission of a test article."""

from __future__ import annotations

from newscrawler.state import Emission

T1, T2, T3 = "2022-01-21T10:00:00+00:00", "2022-01-21T11:00:00+00:00", "2022-01-21T12:00:00+00:00"


def emission(
    url: str,
    *,
    fingerprint: str = "f1",
    kind: str = "new",
    extra_keys: tuple[str, ...] = (),
    modified: str | None = None,
) -> Emission:
    """An article fetched at T1, about to be emitted under `url` (and `extra_keys`)."""
    return Emission(
        keys=(url, *extra_keys),
        item_url=url,
        kind=kind,
        fingerprint=fingerprint,
        date_published="2022-01-21T09:00:00+01:00",
        date_modified=modified,
        crawled_at=T1,
    )

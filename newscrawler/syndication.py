"""Copies across sites: the same text (a dpa story, a sister paper's article) published on
several sites, with regional edits. Pure functions; the index that remembers earlier copies is
the state store's (`StateStore.record_copy`), and the pipeline that asks it is
`newscrawler.pipelines.syndication`.

- A body becomes a MinHash signature over its word 4-grams (rensa's `RMinHash`, 128
  permutations; measured 2.4× faster than datasketch's `MinHash` on an article, see
  benchmarks/syndication.py). It is computed in the extraction workers, never on the reactor.
- Candidates come from LSH band tables in the state: 51 bands of 2 rows, datasketch's optimum
  (`MinHashLSH(threshold=0.15, num_perm=128)`): a copy that shares a quarter of its 4-grams
  with an earlier one is a candidate with 96 % probability. The threshold is applied to the
  candidates, on their signatures.
- The decision measure is the *overlap*: the share of the shorter text's 4-grams found in the
  other, estimated from the signatures' Jaccard similarity and the two texts' 4-gram counts.
  A shortened copy shares a small part of the original's 4-grams (Jaccard 0.3) but nearly all
  of its own (overlap 0.8 and more); two stories on the same event share names and quotes but
  few 4-grams (overlap under 0.1 on our sample, benchmarks/syndication_threshold.py).
- Signatures are stored with the scheme that made them (`SCHEME`: library, permutations,
  shingle size, and a probe's signature): a library that hashes differently after an upgrade
  starts a new index instead of comparing incomparable signatures.
"""

from __future__ import annotations

import hashlib
import re
import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import rensa

NUM_PERM = 128
SHINGLE_WORDS = 4
SEED = 18
BANDS, ROWS = 51, 2
"""LSH bands and rows per band: `datasketch.MinHashLSH(threshold=0.15, num_perm=128)`'s
optimum (tests/test_syndication.py checks it)."""
MIN_SHINGLES = 20
"""Texts with fewer 4-grams (a photo caption, a paywall's first lines) are not indexed: their
signatures say little, and short texts repeat everywhere ("Die Polizei ermittelt.")."""
DEFAULT_THRESHOLD = 0.5
"""Overlap from which two texts are copies (NEWSCRAWLER_SYNDICATION_THRESHOLD), chosen on the
labelled sample (benchmarks/syndication_threshold.py)."""
MIN_THRESHOLD = 0.3
"""Below this, LSH misses candidates (a short copy's Jaccard similarity falls under the bands'
floor) and same-event stories come close: the setting is refused."""

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Signature:
    """A text's MinHash signature and its number of distinct 4-grams."""

    hashes: bytes
    """NUM_PERM unsigned 32-bit values, little-endian."""
    shingles: int

    def values(self) -> array[int]:
        values = array("I", self.hashes)
        if sys.byteorder == "big":
            values.byteswap()
        return values


def shingles(text: str) -> set[str]:
    """The text's word 4-grams, case-folded, punctuation ignored."""
    words = _WORD.findall(text.casefold())
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def _pack(values: Iterable[int]) -> bytes:
    packed = array("I", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def signature(text: str) -> Signature | None:
    """The text's signature; None for a text too short to compare (`MIN_SHINGLES`)."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    minhash = rensa.RMinHash(NUM_PERM, SEED)
    minhash.update(sorted(grams))
    return Signature(_pack(minhash.digest()), len(grams))


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two texts' 4-gram sets: the share of equal values."""
    return sum(x == y for x, y in zip(a.values(), b.values(), strict=True)) / NUM_PERM


def equal_values(sig: Signature, others: list[Signature]) -> list[int]:
    """How many of `sig`'s values each of `others` shares, compared in one numpy operation: a
    copy of a widely syndicated story has dozens of candidates, and comparing them one by one
    in Python cost about 10 µs each (half of the index call's CPU in the crawl process,
    benchmarks/crawl_throughput.py)."""
    if not others:
        return []
    # (equality of the raw 32-bit words: the byte order does not matter)
    table = np.frombuffer(b"".join(o.hashes for o in others), dtype=np.uint32)
    query = np.frombuffer(sig.hashes, dtype=np.uint32)
    counts: list[int] = (table.reshape(len(others), NUM_PERM) == query).sum(axis=1).tolist()
    return counts


def overlap(a: Signature, b: Signature) -> float:
    """Estimated share of the shorter text's 4-grams found in the other: |A∩B| = J(|A|+|B|)
    / (1+J), divided by the smaller set's size."""
    return _overlap(jaccard(a, b), a, b)


def _overlap(j: float, a: Signature, b: Signature) -> float:
    return min(1.0, j * (a.shingles + b.shingles) / ((1 + j) * min(a.shingles, b.shingles)))


def own_share(copy: Signature, first: Signature) -> float:
    """Estimated share of `copy`'s 4-grams not in `first`: how much of a copy is its own (a
    local paragraph added to an agency story)."""
    j = jaccard(copy, first)
    common = j * (copy.shingles + first.shingles) / (1 + j)
    return round(max(0.0, min(1.0, 1 - common / copy.shingles)), 3)


def band_keys(sig: Signature) -> list[int]:
    """The signature's LSH bucket in each band, as signed 64-bit integers (band number mixed
    in, so one table holds every band)."""
    width = ROWS * 4
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(
            sig.hashes[band * width : (band + 1) * width],
            digest_size=8,
            person=band.to_bytes(2, "little"),
        ).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def article_id(state_key: str) -> int:
    """A copy's id in the index: a signed 64-bit hash of its state key (canonical URL)."""
    digest = hashlib.blake2b(state_key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def cluster_name(first_id: int) -> str:
    """The public cluster id: the first copy's id in 16 hex digits (stable across runs and
    sites sharing the state, and the same for every state that saw the same first copy)."""
    return f"{first_id & 0xFFFF_FFFF_FFFF_FFFF:016x}"


def _probe() -> str:
    probe = signature(
        "Die Landesregierung hat am Dienstag in Kiel den Entwurf für den Haushalt des kommenden"
        " Jahres vorgestellt. Die Opposition kritisierte die Pläne als mutlos und kündigte"
        " Änderungsanträge an, über die der Landtag im Dezember abstimmen will."
    )
    assert probe is not None
    return hashlib.blake2b(probe.hashes, digest_size=4).hexdigest()


SCHEME = f"rensa-p{NUM_PERM}-w{SHINGLE_WORDS}-b{BANDS}r{ROWS}-{_probe()}"
"""What makes signatures comparable; an index keeps the scheme its signatures were made with."""
SCHEME_ID = hashlib.blake2b(SCHEME.encode(), digest_size=4).hexdigest()
"""`SCHEME` in 8 hex digits, for key names."""


@dataclass(frozen=True)
class Copy:
    """One article's text as the index keeps it."""

    id: int
    url: str
    site: str
    seen: str
    """When the crawler first saw it (its `crawled_at`)."""
    signature: Signature
    cluster: int = 0
    """The id of its cluster's first copy (its own id for a first copy)."""


@dataclass(frozen=True)
class CopyMatch:
    """An article's earlier copy: the first of its cluster, and how the two compare."""

    cluster: str
    first: Copy
    similarity: float
    """Overlap with the first copy (see `overlap`)."""
    own_share: float

    def as_item(self) -> dict[str, object]:
        """The item's `syndication` field."""
        return {
            "cluster": self.cluster,
            "first_url": self.first.url,
            "first_site": self.first.site,
            "first_seen": self.first.seen,
            "similarity": self.similarity,
            "own_share": self.own_share,
        }


def best_match(sig: Signature, candidates: Iterable[Copy], threshold: float) -> Copy | None:
    """The candidate the text overlaps most, at least `threshold`; on a tie the earliest."""
    candidates = list(candidates)
    counts = equal_values(sig, [c.signature for c in candidates])
    scored = [
        (_overlap(count / NUM_PERM, sig, c.signature), c)
        for count, c in zip(counts, candidates, strict=True)
    ]
    eligible = [(value, c) for value, c in scored if value >= threshold]
    if not eligible:
        return None
    return min(eligible, key=lambda pair: (-pair[0], pair[1].seen, pair[1].id))[1]


def place(copy: Copy, known: Copy | None, candidates: Iterable[Copy], threshold: float) -> Copy:
    """The copy as the index keeps it: as first indexed if it is `known` (cluster ids never
    change), else in the cluster of its best earlier copy, or a cluster of its own."""
    if known is not None:
        return known
    match = best_match(copy.signature, candidates, threshold)
    return replace(copy, cluster=match.cluster if match else copy.id)


def compare(copy: Copy, first: Copy) -> CopyMatch:
    """How `copy` compares with its cluster's first copy."""
    return CopyMatch(
        cluster=cluster_name(first.id),
        first=first,
        similarity=round(overlap(copy.signature, first.signature), 3),
        own_share=own_share(copy.signature, first.signature),
    )

"""What syndication costs per article, measured side by side in one run:

1. the signature (word 4-grams → MinHash, 128 permutations) in the extraction worker: rensa
   beside datasketch on the same texts, next to the extraction of a replica page;
2. the index (`StateStore.record_copy`: LSH lookup, comparison of candidates, insert) in the
   SQLite state and a local redis-server, after 10k, 100k and 1M stored signatures
   (synthetic: random signatures, loaded in bulk into the index's own tables), for new texts
   and for copies of stored ones; and the index's size per stored article (SQLite: file
   bytes; Redis: used_memory growth).

    python benchmarks/syndication.py [SIZES]     # e.g. 10000,100000 (default 10k,100k,1M)
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from redis_server import redis_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support

from newscrawler import syndication
from newscrawler.demo import SITES_DIR
from newscrawler.extract import extract_page
from newscrawler.state.redis import BAND_SHARD_BITS, RedisState, copy_json
from newscrawler.state.sqlite import INDEX_FILE, SqliteState
from newscrawler.syndication import Copy, Signature
from tests.support.syndication import load_sample

SIZES = (
    [int(s) for s in sys.argv[1].split(",")] if len(sys.argv) > 1 else [10_000, 100_000, 1_000_000]
)
PROBES = 400
SEEN = "2024-11-12T10:00:00+00:00"
rng = random.Random(18)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f}"


# --- 1. the signature --------------------------------------------------------------------------


def signature_costs() -> None:
    from datasketch import MinHash

    texts = [d.text for d in load_sample()]
    words = statistics.mean(len(t.split()) for t in texts)

    def with_datasketch(text: str) -> None:
        minhash = MinHash(num_perm=syndication.NUM_PERM, seed=syndication.SEED)
        minhash.update_batch([s.encode() for s in sorted(syndication.shingles(text))])

    article = "eu-senkt-heringsquote-fuer-die-westliche-ostsee-42996101.html"
    page = (
        SITES_DIR / "svz/deutschland-welt/mecklenburg-vorpommern/artikel" / article
    ).read_bytes()
    url = "https://www.svz.de/deutschland-welt/mecklenburg-vorpommern/artikel/x-42996101"
    rows = []
    for name, work, items in (
        (
            "extraction of a replica page (extract_page)",
            lambda _: extract_page(page, url),
            [0] * 40,
        ),
        ("4-grams only", syndication.shingles, texts * 10),
        ("signature, rensa RMinHash (ours)", syndication.signature, texts * 10),
        ("signature, datasketch MinHash", with_datasketch, texts * 10),
    ):
        for item in items[:5]:
            work(item)
        started = time.perf_counter()
        for item in items:
            work(item)
        rows.append((name, (time.perf_counter() - started) / len(items)))
    print(f"Per article ({words:.0f} words on average), ms of one core:")
    for name, seconds in rows:
        print(f"  {name:46} {ms(seconds):>8}")


# --- 2. the index --------------------------------------------------------------------------------


def random_signature() -> Signature:
    return Signature(rng.randbytes(syndication.NUM_PERM * 4), rng.randint(150, 900))


def near_copy(signature: Signature) -> Signature:
    """A copy with regional edits: a fifth of the MinHash values differ."""
    values = bytearray(signature.hashes)
    for slot in rng.sample(range(syndication.NUM_PERM), syndication.NUM_PERM // 5):
        values[slot * 4 : slot * 4 + 4] = rng.randbytes(4)
    return Signature(bytes(values), signature.shingles)


def synthetic(n: int, kind: str = "meldung") -> Copy:
    url = f"https://www.example-{n % 40}.de/artikel/{kind}-{n}"
    copy_id = syndication.article_id(url)
    return Copy(copy_id, url, f"site{n % 40}", SEEN, random_signature(), cluster=copy_id)


def load_sqlite(store: SqliteState, copies: list[Copy], buckets: list[list[int]]) -> None:
    index = store._index_db()
    index.execute("PRAGMA cache_size=-1000000")
    index.execute("BEGIN")
    index.executemany(
        "INSERT INTO copies VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(c.id, c.cluster, c.url, c.site, c.seen, c.signature.shingles, c.signature.hashes)
         for c in copies],
    )  # fmt: skip
    index.executemany(
        "INSERT OR IGNORE INTO bands VALUES (?, ?)",
        ((bucket, c.id) for c, keys in zip(copies, buckets, strict=True) for bucket in keys),
    )
    index.execute("COMMIT")


def load_redis(store: RedisState, copies: list[Copy], buckets: list[list[int]]) -> None:
    from newscrawler.state.redis import _hex_id

    client = store._client
    pipe = client.pipeline(transaction=False)
    pipe.hset(
        store._index_k("copies"),
        mapping={_hex_id(c.id): copy_json(c) for c in copies},
    )
    shards: dict[str, dict[str, str]] = {}
    bits = 64 - BAND_SHARD_BITS
    prefix = store._index_k("b", "")
    for c, keys in zip(copies, buckets, strict=True):
        own = _hex_id(c.id)
        for bucket in keys:  # as RedisState.band_fields
            unsigned = bucket & 0xFFFF_FFFF_FFFF_FFFF
            shard = shards.setdefault(prefix + str(unsigned >> bits), {})
            shard[f"{unsigned & ((1 << bits) - 1):x}"] = own  # random buckets never collide
    for n, (key, fields) in enumerate(shards.items()):
        pipe.hset(key, mapping=fields)
        if n % 5000 == 4999:
            pipe.execute()
    pipe.execute()


def probe(
    store: SqliteState | RedisState, stored: list[Copy], size: int
) -> tuple[list[float], list[float]]:
    """Seconds of each record_copy, for new texts and for copies of stored ones."""
    timings: dict[bool, list[float]] = {False: [], True: []}
    for n in range(PROBES):
        is_copy = n % 2 == 1
        base = synthetic(size * PROBES + n, kind="probe")
        if is_copy:
            original = stored[rng.randrange(len(stored))]
            base = Copy(base.id, base.url, base.site, SEEN, near_copy(original.signature))
        started = time.perf_counter()
        match = store.record_copy(base, syndication.DEFAULT_THRESHOLD)
        timings[is_copy].append(time.perf_counter() - started)
        assert (match is not None) == is_copy
    return timings[False], timings[True]


def redis_memory(store: RedisState) -> int:
    return int(store._client.info("memory")["used_memory"])


def index_costs() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        sqlite = SqliteState(f"sqlite://{base}/state/bench.sqlite")
        with redis_server(base, "--appendonly", "no") as url:
            redis = RedisState(f"{url}?spider=bench")
            empty = redis_memory(redis)
            stored: list[Copy] = []
            for size in SIZES:
                started = time.perf_counter()
                batch = [synthetic(n) for n in range(len(stored), size)]
                for start in range(0, len(batch), 100_000):
                    chunk = batch[start : start + 100_000]
                    buckets = [syndication.band_keys(c.signature) for c in chunk]
                    load_sqlite(sqlite, chunk, buckets)
                    load_redis(redis, chunk, buckets)
                stored += batch
                sqlite._index_db().execute("PRAGMA wal_checkpoint(TRUNCATE)")
                print(f"  loaded {size} signatures in {time.perf_counter() - started:.0f} s",
                      file=sys.stderr)  # fmt: skip
                file_bytes = sum(p.stat().st_size for p in (base / "state").glob(INDEX_FILE + "*"))
                memory = redis_memory(redis) - empty
                for name, store, bytes_used in (
                    ("SQLite", sqlite, file_bytes),
                    ("Redis", redis, memory),
                ):
                    new, copy = probe(store, stored, size)
                    rows.append((size, name, new, copy, bytes_used / size))
            redis.close()
        sqlite.close()
    print("Index: ms per record_copy (lookup, comparison, insert: median / mean / 95th")
    print("percentile) and size per stored article")
    print(f"  {'stored':>9}  {'state':6}  {'new text':>22}  {'copy':>22}  {'bytes/article':>13}")
    for size, name, new, copy, per_article in rows:
        print(f"  {size:>9}  {name:6}  {spread(new):>22}  {spread(copy):>22}  {per_article:>13.0f}")


def spread(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[int(len(ordered) * 0.95)]
    return f"{ms(statistics.median(ordered))} / {ms(statistics.mean(ordered))} / {ms(p95)}"


def main() -> None:
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    print(json.dumps({"cpus": os.cpu_count(), "scheme": syndication.SCHEME}))
    signature_costs()
    index_costs()


if __name__ == "__main__":
    main()

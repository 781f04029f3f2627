"""What a state operation costs the crawl: microseconds per call, SQLite against Redis.

The state store is called synchronously on the reactor thread (a few calls per article), so
each call must stay short. Measured side by side in one run against a local redis-server
(started here on a free port, files in a temporary folder) without persistence and with an
append-only file synced on every write (the configuration the README recommends for crash
safety), and the default SQLite file. A remote Redis adds the network round trip (typically
100-500 µs in one data centre) to every call.

    python benchmarks/state_latency.py [ARTICLES]
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from redis_server import redis_server

from newscrawler.state import ArticleRecord, Emission, StateStore, open_state

ARTICLES = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
BATCH = 200  # articles per published file (the default feed's batch)
OWNER = f"{socket.gethostname()}:{os.getpid()}:bench1"
T = "2022-01-21T10:00:00+00:00"


def keys(n: int) -> tuple[str, ...]:
    url = f"https://www.shz.de/lokales/kiel/artikel/meldung-{n}-{42000000 + n}"
    return (url, url + "-print", f"https://www.shz.de/a/{n}")


def emission(n: int) -> Emission:
    return Emission(keys(n), keys(n)[0], "new", f"fp{n}", T, None, T)


def per_call(calls: int, run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) / calls * 1e6


def measure(store: StateStore) -> dict[str, float]:
    store.begin_run(OWNER, T)
    n = ARTICLES
    figures = {
        "lookup, unknown (1 key)": per_call(n, lambda: [store.lookup(keys(i)[:1])
                                                        for i in range(n)]),
        "claim (3 keys)": per_call(n, lambda: [store.claim(OWNER, emission(i))
                                               for i in range(n)]),
    }  # fmt: skip

    def publish_all() -> None:
        for start in range(0, n, BATCH):
            urls = [keys(i)[0] for i in range(start, min(n, start + BATCH))]
            publication = store.begin_publication(OWNER, "/tmp/.x.part", "/tmp/x.jsonl")
            store.seal_publication(publication, urls)
            store.finish_publication(publication, T)

    files = -(-n // BATCH)
    figures[f"publish a file of {BATCH} (begin+seal+finish)"] = per_call(files, publish_all)
    figures["lookup, known (3 keys)"] = per_call(
        n, lambda: [store.lookup(keys(i)) for i in range(n)]
    )
    record = ArticleRecord(keys(0)[0], "fp0", T, None, T, T, T)
    figures["note unchanged (3 keys)"] = per_call(
        n, lambda: [store.note_unchanged(keys(i), record, T) for i in range(n)]
    )
    store.end_run(OWNER)
    store.close()
    return figures


def main() -> None:
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        results["SQLite"] = measure(open_state(f"sqlite://{folder}/bench.sqlite"))
        (folder / "r1").mkdir()
        with redis_server(folder / "r1", "--appendonly", "no") as url:
            results["Redis"] = measure(open_state(f"{url}?spider=bench"))
        (folder / "r2").mkdir()
        with redis_server(folder / "r2", "--appendonly", "yes", "--appendfsync", "always") as url:
            results["Redis+AOF"] = measure(open_state(f"{url}?spider=bench"))
    names = list(results)
    print(f"State operations, µs per call ({ARTICLES} articles, local redis-server)")
    print(f"{'operation':44}" + "".join(f"{name:>12}" for name in names) + f"{'Redis/SQLite':>14}")
    for operation in results["SQLite"]:
        row = [results[name][operation] for name in names]
        ratio = results["Redis"][operation] / results["SQLite"][operation]
        print(f"{operation:44}" + "".join(f"{v:12.0f}" for v in row) + f"{ratio:14.2f}")
    publish = f"publish a file of {BATCH} (begin+seal+finish)"
    cost = {
        # a new article: a lookup for its lead, one for the item, its claim, its share of a file
        name: 2 * r["lookup, unknown (1 key)"] + r["claim (3 keys)"] + r[publish] / BATCH
        for name, r in results.items()
    }
    print("State cost per new article:", ", ".join(f"{n} {c:.0f} µs" for n, c in cost.items()))


if __name__ == "__main__":
    main()

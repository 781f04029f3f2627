"""Each page fetched once across the runs that share a state, and pages that are no articles
remembered for a while.

- A *fetch lease*: before an article lead is downloaded, the run leases its URL in the state
  (`StateStore.lease_fetch`). Another run sharing the state skips a URL leased by a live run,
  or claimed by one (its article is being emitted), and takes the next. A lease lives as long
  as the run holding it (its liveness is renewed by a thread of its own: the SQLite row in
  `live_runs`, the Redis run lease of `newscrawler.redis_client.Lease`), so a killed run's
  leases expire with it and the next run fetches those URLs again. The holder releases a lease
  once the page's fate is recorded: its article claimed (the claim then keeps other runs away
  until the article is published, and the record after that), found unchanged, remembered as
  no article, or failed; at the end of the run it releases whatever is left.
- *Non-articles*: a lead fetched and judged no article (a section front a sitemap lists) is
  remembered with an expiry (`NEWSCRAWLER_NON_ARTICLE_TTL`), so cron runs every few hours do
  not fetch it again. Listings (feeds, sitemaps, start pages) are never leads: always fetched.

Pure data and helpers here; the stores implement the operations, the fetch-once middlewares
(`newscrawler.middlewares.fetch_once`) use them.
"""

from __future__ import annotations

import os
import socket

LEASED = "leased"
"""`lease_fetch`'s answer: another live run is downloading the URL."""
CLAIMED = "claimed"
"""`lease_fetch`'s answer: another run is emitting the URL's article (claimed, not yet
published)."""

RUN_LEASE_SECONDS = 30.0
"""How long a SQLite run stays alive without renewing its row (a run on the same machine whose
process is gone is dead at once)."""


def run_host(owner: str) -> str:
    """The machine in a run id (`host:pid:random`)."""
    return owner.split(":", 1)[0]


def run_pid(owner: str) -> int | None:
    """The process id in a run id (`host:pid:random`, `newscrawler.state.new_owner_id`)."""
    parts = owner.split(":")
    return int(parts[1]) if len(parts) >= 3 and parts[1].isdigit() else None


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def owner_process_may_live(owner: str, host: str | None = None) -> bool:
    """False when the run's process is known gone: it ran on this machine and its pid is free
    (or is ours, in another run's id: that earlier process is gone)."""
    if run_host(owner) != (host or socket.gethostname()):
        return True
    pid = run_pid(owner)
    if pid is None:
        return True
    return pid != os.getpid() and process_exists(pid)

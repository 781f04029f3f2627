"""The Redis state store against a real redis-server: what sharing adds (runs that overlap,
leases, machines, a server that goes away). The operations every store offers are tested
against it in test_state_contract.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawler.publish.files import temp_path_for
from newscrawler.publish.layout import run_lock_path, state_url
from newscrawler.state import StateError, StateLost, open_state, public_url, with_key_prefix
from newscrawler.state.redis import RedisState, split_state_url
from tests.support.scale import RedisServer, free_port, wait_until
from tests.support.state import T1, T2, emission

HOST = socket.gethostname()


def run_id(name: str, *, host: str = HOST, pid: int | None = None) -> str:
    return f"{host}:{pid or os.getpid()}:{name}"


def lease_gone(store: RedisState, owner: str) -> bool:
    return not store._client.exists(store._k("alive", owner))


def renewals(store: RedisState) -> int:
    return store._lease.renewals if store._lease is not None else 0


# Runs of this process (alive while their store renews their lease), and of another machine.
RUN_A, RUN_B = run_id("aaaaaa"), run_id("bbbbbb")
ELSEWHERE = run_id("cccccc", host="other-machine", pid=4242)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with RedisServer.running(tmp_path_factory.mktemp("redis")) as running:
        yield running


@pytest.fixture
def url(server: RedisServer) -> str:
    server.client().flushall()
    return f"{server.url()}?spider=shz"


# --- What sharing adds ------------------------------------------------------------------------


def test_a_dead_runs_claims_free_themselves_when_its_lease_expires(url: str) -> None:
    """A machine that dies stops renewing its lease: its unsealed claims become free; its
    sealed ones stay (its next run publishes that file)."""
    elsewhere = RedisState(url + "&lease=1")
    elsewhere.begin_run(ELSEWHERE, T1)
    assert elsewhere.claim(ELSEWHERE, emission("https://x/claimed"))
    assert elsewhere.claim(ELSEWHERE, emission("https://x/sealed"))
    sealed = elsewhere.begin_publication(ELSEWHERE, "/o/.1.jsonl.0000abcd.part", "/o/1.jsonl")
    elsewhere.seal_publication(sealed, ["https://x/sealed"])
    elsewhere.close()  # the machine dies: no more renewals, no end_run

    here = RedisState(url)
    here.begin_run(RUN_A, T2)
    assert not here.claim(RUN_A, emission("https://x/claimed"))  # lease still running
    wait_until(lambda: lease_gone(here, ELSEWHERE), 5, "the dead run's lease to expire")
    assert here.claim(RUN_A, emission("https://x/claimed"))
    assert not here.claim(RUN_A, emission("https://x/sealed"))
    # Its files are on the other machine: this one neither recovers nor reports them.
    assert here.orphaned_publications(RUN_A) == []
    assert here.take_unreported_files(RUN_A) == []
    here.close()


def test_a_live_run_on_another_machine_keeps_its_claims(url: str) -> None:
    """The heartbeat renews the lease: after several lease periods the claims still hold."""
    elsewhere = RedisState(url + "&lease=1")
    elsewhere.begin_run(ELSEWHERE, T1)
    assert elsewhere.claim(ELSEWHERE, emission("https://x/1"))
    here = RedisState(url)
    here.begin_run(RUN_A, T1)
    # six renewals, one every third of the lease: two lease periods
    wait_until(lambda: renewals(elsewhere) >= 6, 10, "two lease periods of renewals")
    assert not here.claim(RUN_A, emission("https://x/1"))
    assert here.release_orphaned_claims(RUN_A) == 0
    elsewhere.close()
    here.close()


def test_a_run_whose_lease_expired_may_claim_nothing_more(url: str) -> None:
    """Cut off from Redis longer than its lease, a run must not emit what another run may
    have claimed meanwhile: its claims fail and it reports the loss once."""
    store = RedisState(url)
    lost: list[StateError] = []
    store.on_lost(lost.append)
    store.begin_run(RUN_A, T1)
    assert store.claim(RUN_A, emission("https://x/1"))
    store._stop_lease()
    store._client.delete(store._k("alive", RUN_A))  # the lease ran out
    with pytest.raises(StateLost, match="lease"):
        store.claim(RUN_A, emission("https://x/2"))
    with pytest.raises(StateLost):
        store.lookup(["https://x/2"])
    assert len(lost) == 1
    store.close()


def test_the_heartbeat_notices_an_expired_lease(url: str) -> None:
    """The renewal finds the lease gone: the next call of the run fails and reports it."""
    store = RedisState(url + "&lease=1")
    lost: list[StateError] = []
    store.on_lost(lost.append)
    store.begin_run(RUN_A, T1)
    store._client.delete(store._k("alive", RUN_A))
    wait_until(lambda: store._lost is not None, 5, "the next renewal")
    assert lost == []  # reported on the reactor thread, by the next call
    with pytest.raises(StateLost, match=r"lease of run .* expired"):
        store.lookup(["https://x/1"])
    assert len(lost) == 1
    store.close()


def test_a_file_with_claims_taken_by_another_run_is_not_sealed(url: str) -> None:
    slow = RedisState(url + "&lease=1")
    slow.begin_run(RUN_B, T1)
    assert slow.claim(RUN_B, emission("https://x/1"))
    publication = slow.begin_publication(RUN_B, "/o/.1.jsonl.0000abcd.part", "/o/1.jsonl")
    slow._stop_lease()  # stalled longer than its lease ...
    other = RedisState(url)
    other.begin_run(ELSEWHERE, T1)
    wait_until(lambda: lease_gone(other, RUN_B), 5, "the stalled run's lease to expire")
    assert other.claim(ELSEWHERE, emission("https://x/1"))  # ... so another run took over
    with pytest.raises(StateError, match="lost its claim on https://x/1"):
        slow.seal_publication(publication, ["https://x/1"])
    slow.close()
    other.close()


def test_a_dead_run_of_this_machine_is_recovered_at_once(url: str) -> None:
    """Its process is gone: the next run here need not wait for the lease to expire."""
    gone_pid = int(subprocess.check_output([sys.executable, "-c", "import os; print(os.getpid())"]))
    dead = run_id("dddddd", pid=gone_pid)
    crashed = RedisState(url)
    crashed.begin_run(dead, T1)
    crashed.claim(dead, emission("https://x/sealed"))
    crashed.claim(dead, emission("https://x/unsealed"))
    sealed = crashed.begin_publication(dead, "/o/.1.jsonl.0000abcd.part", "/o/1.jsonl")
    crashed.seal_publication(sealed, ["https://x/sealed"])
    writing = crashed.begin_publication(dead, "/o/.2.jsonl.0000abcd.part", "/o/2.jsonl")
    crashed._stop_lease()
    crashed.close()  # (its lease is still running in Redis)

    store = RedisState(url)
    store.begin_run(RUN_A, T2)
    orphans = store.orphaned_publications(RUN_A)
    assert [(p.id, p.owner, p.sealed) for p in orphans] == [
        (sealed, dead, True),
        (writing, dead, False),
    ]
    # Taken over: a second recoverer (another output folder of this machine) gets none.
    store.begin_run(RUN_B, T2)
    assert store.orphaned_publications(RUN_B) == []
    assert store.release_orphaned_claims(RUN_A) == 1
    store.abandon_publication(writing)
    assert store.finish_publication(sealed, T2) == {"new": 1}
    assert store.take_unreported_files(RUN_A) == ["/o/1.jsonl"]
    assert store.take_unreported_files(RUN_B) == []  # RUN_A, alive, reports it
    assert set(store.lookup(["https://x/sealed", "https://x/unsealed"])) == {"https://x/sealed"}
    assert store.claim(RUN_B, emission("https://x/unsealed"))
    store.end_run(RUN_A)
    assert store._publications() == []
    store.close()


def test_a_planted_publication_never_makes_recovery_touch_other_files(
    url: str, server: RedisServer, tmp_path: Path
) -> None:
    """Whoever can write to the shared Redis may plant publications of a dead run of this
    machine: recovery deletes or renames only the journal's own temporary files."""
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me", encoding="utf-8")
    gone_pid = int(subprocess.check_output([sys.executable, "-c", "import os; print(os.getpid())"]))
    dead = run_id("eeeeee", pid=gone_pid)
    store = RedisState(url)
    admin = server.client()
    planted = {  # unsealed: recovery would delete temp_path; sealed: rename it
        1: {"temp_path": str(victim), "final_path": str(tmp_path / "x.jsonl"), "sealed": "0"},
        2: {"temp_path": str(victim), "final_path": str(tmp_path / "y.jsonl"), "sealed": "1"},
        3: {"temp_path": "/o/.a.jsonl.0000abcd.part", "final_path": "/o/../etc/a.jsonl"},
        4: {"final_path": "/o/a.jsonl"},
    }
    for number, fields in planted.items():
        admin.hset(
            store._k("pub", str(number)),
            mapping={"owner": dead, "holder": dead, "sealed": "0", "published": "0", **fields},
        )
        admin.sadd(store._k("pubs"), number)  # fmt: skip
    honest = str(temp_path_for(tmp_path / "z.jsonl"))
    admin.hset(
        store._k("pub", "5"),
        mapping={
            "owner": dead,
            "holder": dead,
            "sealed": "0",
            "published": "0",
            "temp_path": honest,
            "final_path": str(tmp_path / "z.jsonl"),
        },
    )
    admin.sadd(store._k("pubs"), 5)  # fmt: skip
    store.begin_run(RUN_A, T2)
    assert [p.id for p in store.orphaned_publications(RUN_A)] == [5]
    assert store.take_unreported_files(RUN_A) == []
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert admin.smembers(store._k("pubs")) == {"5"}  # the planted ones are gone
    store.close()


def test_concurrent_claims_from_two_processes(url: str, tmp_path: Path) -> None:
    """Two processes claim the same 300 articles at full speed: each is claimed once."""
    script = textwrap.dedent("""
        import os, socket, sys
        from newscrawler.state import Emission, open_state
        store = open_state(sys.argv[1])
        owner = f"{socket.gethostname()}:{os.getpid()}:{sys.argv[2]}"
        store.begin_run(owner, "2022-01-21T10:00:00+00:00")
        print("ready", flush=True)
        sys.stdin.readline()  # start together
        won = [n for n in range(300) if store.claim(owner, Emission(
            keys=(f"https://x/{n}", f"https://x/alias/{n}"), item_url=f"https://x/{n}",
            kind="new", fingerprint="f", date_published=None, date_modified=None,
            crawled_at="2022-01-21T10:00:00+00:00"))]
        print(" ".join(map(str, won)))
        store.close()
    """)
    racers = [
        subprocess.Popen([sys.executable, "-c", script, url, name], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
        for name in ("p1", "p2")
    ]  # fmt: skip
    for racer in racers:  # both connected
        assert racer.stdout is not None and racer.stdout.readline().strip() == "ready"
    for racer in racers:
        assert racer.stdin is not None
        racer.stdin.write("go\n")
        racer.stdin.flush()
    won = [set(map(int, racer.communicate(timeout=60)[0].split())) for racer in racers]
    assert won[0] | won[1] == set(range(300))
    assert won[0] & won[1] == set()


# --- Failures and URLs --------------------------------------------------------------------------


def test_unreachable_redis_is_a_clear_error() -> None:
    started = time.monotonic()
    with pytest.raises(StateError, match=r"cannot use the Redis state redis://127\.0\.0\.1"):
        open_state(f"redis://127.0.0.1:{free_port()}/0?spider=shz")
    assert time.monotonic() - started < 5


def test_a_lost_server_fails_fast_and_is_reported_once(tmp_path: Path) -> None:
    with RedisServer.running(tmp_path / "redis") as server:
        store = RedisState(f"{server.url()}?spider=shz")
        lost: list[StateError] = []
        store.on_lost(lost.append)
        store.begin_run(RUN_A, T1)
        assert store.claim(RUN_A, emission("https://x/1"))
        server.kill()
        with pytest.raises(StateLost, match="unreachable"):
            store.lookup(["https://x/1"])
        started = time.monotonic()
        for _ in range(100):
            with pytest.raises(StateLost):
                store.claim(RUN_A, emission("https://x/2"))
        assert time.monotonic() - started < 0.5  # no reconnecting per call
        assert len(lost) == 1
        store.close()


def test_urls(server: RedisServer) -> None:
    with pytest.raises(StateError, match="names no spider"):
        RedisState(server.url())
    settings = Settings({"NEWSCRAWLER_STATE_URL": "redis://:secret@db:6379/2"})
    assert state_url(settings, "shz") == "redis://:secret@db:6379/2?spider=shz"
    assert public_url(state_url(settings, "shz")) == "redis://:***@db:6379/2?spider=shz"
    assert run_lock_path(state_url(settings, "shz"), settings, "shz").name == "shz.lock"
    frontier = Settings({"NEWSCRAWLER_FRONTIER_URL": "redis://db:6379/0?socket_timeout=1"})
    assert state_url(frontier, "shz") == "redis://db:6379/0?socket_timeout=1&spider=shz"
    assert split_state_url("redis://db/0?socket_timeout=1&spider=shz&lease=9") == (
        "redis://db/0?socket_timeout=1",
        {"spider": "shz", "lease": "9"},
    )
    store = RedisState(f"{server.url(3)}?spider=svz&prefix=archive")
    assert store._k("articles") == "archive:state:svz:articles"
    store.close()
    with pytest.raises(StateError, match=r"key_prefix= is gone .* NEWSCRAWLER_REDIS_PREFIX"):
        RedisState(f"{server.url(3)}?spider=svz&key_prefix=archive")
    with pytest.raises(StateError, match="not a key prefix"):
        RedisState(f"{server.url(3)}?spider=svz&prefix=a*")
    assert with_key_prefix(f"{server.url()}?spider=shz", "archive").endswith("&prefix=archive")
    assert with_key_prefix(f"{server.url()}?spider=shz", "newscrawler").endswith("spider=shz")
    assert with_key_prefix("sqlite:///x.sqlite", "archive") == "sqlite:///x.sqlite"
    socket_url = state_url(
        Settings({"NEWSCRAWLER_STATE_URL": f"unix://{server.socket}?db=1"}), "shz"
    )
    assert socket_url == f"unix://{server.socket}?db=1&spider=shz"
    over_socket = open_state(socket_url + "&lease=1")
    over_socket.begin_run(RUN_A, T1)
    assert over_socket.claim(RUN_A, emission("https://x/1"))
    # renewed over the socket too, for longer than the lease (four thirds of it)
    wait_until(lambda: renewals(over_socket) >= 4, 5, "renewals over the socket")
    assert over_socket.lookup(["https://x/1"]) == {}
    assert server.client(1).exists(f"newscrawler:state:shz:alive:{RUN_A}")
    over_socket.close()
    assert server.client(1).hkeys("newscrawler:state:shz:claims") == ["https://x/1"]

"""Network failures read as one line each (robots.txt, DNS, TLS, refused connections: the URL
and the reason), never as tracebacks; a site that cannot be reached is given up once one
request's retries are spent; a slow site keeps its retries."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from newscrawler.demo.server import ReplicaServer, Reply
from newscrawler.extensions.outcome import ExitStatus
from newscrawler.middlewares.network import (
    HostUnreachable,
    UnreachableHostMiddleware,
    network_failure,
)
from tests.support.cron import Run, run_cron
from tests.support.offline import OFFLINE_SETTINGS

NETWORK_REASONS = ("dns_lookup_failed", "connection_refused", "tls_error")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_one_line_each(run: Run, reason: str) -> list[str]:
    """Every WARNING is one line naming the reason and a URL; no traceback, no ERROR but the
    verdict; the summary counts that one error. The WARNING lines."""
    assert "Traceback" not in run.log, run.log[-3000:]
    messages = [line for line in run.log.splitlines() if line[:4].isdigit()]  # not the stats
    assert not any("CannotResolveHostError" in line for line in messages)  # the README's names
    errors = [line for line in run.log.splitlines() if "] ERROR:" in line]
    assert len(errors) == 1 and "Site unreachable: none of the 5 start points answered" in errors[0]
    warnings = [line for line in run.log.splitlines() if "] WARNING:" in line]
    assert warnings, run.log[-3000:]
    for line in warnings:
        assert f"({reason}" in line and "://" in line, line
    assert run.summary is not None and run.summary["counts"]["errors"] == 1
    assert run.summary["counts"]["failed"]["discovery"] == {reason: 5}
    return warnings


@pytest.mark.slow
def test_a_live_crawl_without_network(tmp_path: Path) -> None:
    """`scrapy crawl shz` on a machine without network (a resolver that resolves nothing)."""
    started = time.monotonic()
    run = run_cron("shz", tmp_path, settings=OFFLINE_SETTINGS)
    took = time.monotonic() - started
    assert run.returncode == ExitStatus.SITE_UNREACHABLE, run.log[-3000:]
    warnings = assert_one_line_each(run, "dns_lookup_failed")
    robots = [line for line in warnings if "robots.txt not fetched" in line]
    assert len(robots) == 1 and robots[0].endswith(": https://www.shz.de/robots.txt"), robots
    assert "DNS lookup failed" in robots[0]
    assert len(warnings) == 6  # robots.txt, and each of the 5 start points once
    # One request's retries (RETRY_TIMES=3), not each start point's: the others are not sent.
    assert run.summary is not None and run.summary["counts"]["pages_fetched"] == 0
    assert "'retry/count': 3" in run.log
    assert "'newscrawler/requests_not_sent/host_unreachable': 5" in run.log
    assert took < 60  # (a bound against hanging, not a measurement: see the closing note)


@pytest.mark.slow
def test_refused_connections(tmp_path: Path) -> None:
    run = run_cron("shz", tmp_path, args={"base_url": f"http://127.0.0.1:{closed_port()}"})
    assert run.returncode == ExitStatus.SITE_UNREACHABLE, run.log[-3000:]
    warnings = assert_one_line_each(run, "connection_refused")
    assert any("robots.txt not fetched (connection_refused" in line for line in warnings)


@pytest.mark.slow
def test_tls_failures(shz_server: ReplicaServer, tmp_path: Path) -> None:
    """https to a server that speaks plain HTTP: the TLS handshake fails."""
    run = run_cron("shz", tmp_path, args={"base_url": f"https://127.0.0.1:{shz_server.port}"})
    assert run.returncode == ExitStatus.SITE_UNREACHABLE, run.log[-3000:]
    warnings = assert_one_line_each(run, "tls_error")
    assert any("tls_error: TLS failed: " in line for line in warnings)


@pytest.mark.slow
def test_a_slow_site_keeps_its_retries(shz_site: Path, tmp_path: Path) -> None:
    """Timeouts never give a host up: the feed times out on every try, the rest is crawled."""

    def too_slow(path: str) -> Reply:
        time.sleep(1.5)
        return Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>")

    with ReplicaServer(shz_site, routes={"/rss": too_slow}) as server:
        run = run_cron(
            "shz",
            tmp_path,
            args={"base_url": server.url},
            settings={"DOWNLOAD_TIMEOUT": "0.5", "RETRY_TIMES": "1"},
        )
        assert server.requests.count("/rss") == 2  # tried, and retried
    assert run.returncode == ExitStatus.OK, run.log[-3000:]
    assert len(run.items) == 5
    failed = [line for line in run.log.splitlines() if "WARNING: Start point or listing" in line]
    assert len(failed) == 1 and "(timeout: " in failed[0] and failed[0].endswith("/rss")


# --- The pieces -----------------------------------------------------------------------------


def test_network_failure_names() -> None:
    wrapped = CannotResolveHostError("DNS lookup failed: no results for hostname lookup: x.de.")
    wrapped.__cause__ = DNSLookupError("x.de")
    assert network_failure(wrapped) == (
        "dns_lookup_failed",
        "DNS lookup failed: no results for hostname lookup: x.de.",
    )
    assert network_failure(DownloadTimeoutError("took longer than 30.0 seconds"))[0] == "timeout"  # type: ignore[index]
    assert network_failure(ValueError("no network error")) is None


def test_a_host_that_answered_once_is_never_given_up() -> None:
    middleware = UnreachableHostMiddleware(get_crawler())
    dns = CannotResolveHostError("DNS lookup failed")
    answered, silent = Request("https://a.de/1"), Request("https://b.de/1")
    middleware.process_response(answered, Response(answered.url, status=500))
    middleware.process_exception(Request("https://a.de/2"), dns)
    middleware.process_request(Request("https://a.de/3"))  # still sent
    middleware.process_exception(silent, dns)
    with pytest.raises(HostUnreachable, match=r"not sent: https://b\.de/1 failed before"):
        middleware.process_request(Request("https://b.de/2"))
    timeout = UnreachableHostMiddleware(get_crawler())
    timeout.process_exception(silent, DownloadTimeoutError("slow"))
    timeout.process_request(Request("https://b.de/2"))  # a slow host keeps its requests

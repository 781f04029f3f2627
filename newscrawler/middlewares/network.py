"""Network failures in a few words, and a host that cannot be reached given up at once.

- `network_failure(error)`: why a download failed at the network level, as a stable name the
  log, the stats and the README share (`dns_lookup_failed`, `connection_refused`, `tls_error`,
  `timeout`, `connection_lost`, `connection_failed`) and a short detail.
- Scrapy's robots.txt middleware logs a robots.txt it could not download as an ERROR with a
  traceback (and names the page that was waiting for it). `RobotsFailureAsWarning` turns that
  record into one WARNING line with the robots.txt URL and the reason: a robots.txt that cannot
  be fetched is the site's problem, not the run's (Scrapy then treats every URL as allowed).
- `UnreachableHostMiddleware`: once a request to a host has failed for good (its retries spent)
  because the host name does not resolve, the connection is refused or TLS fails, and that host
  has not answered once in this run, the requests still waiting for it fail at once with the
  same reason instead of each going through its own retries. A run without network gives up
  after one request's retries, not after every start point's. Timeouts never count: a slow site
  keeps its retries. Not one request more is sent, so this costs no politeness.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.http import Request
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as twisted_errors

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from typing_extensions import Self

logger = logging.getLogger(__name__)

ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"

UNREACHABLE = frozenset({"dns_lookup_failed", "connection_refused", "tls_error"})
"""Failures that say the host cannot be reached at all (unlike a timeout)."""

_BY_TYPE: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    ((CannotResolveHostError, twisted_errors.DNSLookupError), "dns_lookup_failed"),
    ((DownloadConnectionRefusedError, twisted_errors.ConnectionRefusedError), "connection_refused"),
    (
        (DownloadTimeoutError, twisted_errors.TimeoutError, twisted_errors.TCPTimedOutError),
        "timeout",
    ),
    (
        (
            ResponseDataLossError,
            DownloadFailedError,
            twisted_errors.ConnectionLost,
            twisted_errors.ConnectionDone,
        ),
        "connection_lost",
    ),
    (twisted_errors.ConnectError, "connection_failed"),
)


class HostUnreachable(Exception):
    """A request not sent: its host failed for good before (`reason`, on `first_url`)."""

    def __init__(self, reason: str, detail: str, first_url: str):
        super().__init__(f"not sent: {first_url} failed before")
        self.reason = reason
        self.detail = detail
        self.first_url = first_url


def _causes(error: BaseException) -> list[Any]:
    """The error and what it wraps: its `__cause__` chain and the failures Twisted's
    `ResponseFailed` keeps in `reasons` (where a TLS error hides)."""
    found: list[Any] = []
    pending: list[Any] = [error]
    while pending and len(found) < 20:
        current = pending.pop(0)
        found.append(current)
        pending += [getattr(reason, "value", reason) for reason in getattr(current, "reasons", [])]
        if current.__cause__ is not None:
            pending.append(current.__cause__)
    return found


def _is_tls_error(error: BaseException) -> bool:
    module = type(error).__module__
    return module.startswith("OpenSSL") or type(error).__name__ in (
        "SSLError",
        "SSLZeroReturnError",
    )


def network_failure(error: BaseException) -> tuple[str, str] | None:
    """(reason, detail) of a download that failed at the network level, else None."""
    if isinstance(error, HostUnreachable):
        return error.reason, str(error)
    causes = _causes(error)
    tls = next((cause for cause in causes if _is_tls_error(cause)), None)
    if tls is not None:
        return "tls_error", f"TLS failed: {_tls_text(tls)}"
    for kinds, reason in _BY_TYPE:
        if isinstance(error, kinds):
            return reason, " ".join(str(error).split()) or type(error).__name__
    return None


def _tls_text(error: Any) -> str:
    """OpenSSL's reason ("wrong version number") rather than its list of tuples."""
    args = getattr(error, "args", ())
    entries = args[0] if args and isinstance(args[0], list) else []
    texts = [entry[-1] for entry in entries if isinstance(entry, tuple) and entry and entry[-1]]
    return "; ".join(texts) or str(error) or type(error).__name__


class RobotsFailureAsWarning(logging.Filter):
    """Scrapy's "Error downloading <the page waiting>" with a traceback, for a robots.txt it
    could not fetch, as one WARNING: the robots.txt URL and the reason."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, dict) else {}
        error = args.get("f_exception")
        request = args.get("request")
        if not (
            str(record.msg).startswith("Error downloading")
            and isinstance(error, Exception)
            and isinstance(request, Request)
        ):
            return True
        failure = network_failure(error)
        reason, detail = failure or (type(error).__name__, str(error))
        page = urlparse_cached(request)  # (the page that waited for the robots.txt)
        robots = f"{page.scheme}://{page.netloc}/robots.txt"
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = "robots.txt not fetched (%s: %s): %s"
        record.args = (reason, detail, robots)
        record.exc_info = record.exc_text = None
        return True


class UnreachableHostMiddleware:
    """Downloader middleware (after the retries, see the module's docstring): requests to a
    host that failed for good without ever answering fail at once with `HostUnreachable`."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.answered: set[str] = set()
        self.unreachable: dict[str, HostUnreachable] = {}
        self.robots_filter = RobotsFailureAsWarning()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        logging.getLogger(ROBOTS_LOGGER).addFilter(middleware.robots_filter)
        crawler.signals.connect(middleware.engine_stopped, signal=signals.engine_stopped)
        return middleware

    def engine_stopped(self) -> None:
        logging.getLogger(ROBOTS_LOGGER).removeFilter(self.robots_filter)

    def process_request(self, request: Request) -> None:
        given_up = self.unreachable.get(urlparse_cached(request).netloc)
        if given_up is not None:
            self.crawler.stats.inc_value("newscrawler/requests_not_sent/host_unreachable")
            raise HostUnreachable(given_up.reason, given_up.detail, given_up.first_url)

    def process_response(self, request: Request, response: Response) -> Response:
        self.answered.add(urlparse_cached(request).netloc)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Called once a request's retries are spent (or for an error never retried)."""
        host = urlparse_cached(request).netloc
        failure = network_failure(exception)
        if failure is None or failure[0] not in UNREACHABLE or host in self.answered:
            return
        if host not in self.unreachable and not isinstance(exception, HostUnreachable):
            reason, detail = failure
            self.unreachable[host] = HostUnreachable(reason, detail, request.url)
            logger.info("Host %s unreachable (%s): its other requests are not sent", host, reason)

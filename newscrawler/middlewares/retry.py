"""Retries with exponential backoff: a site that answers 429 or 503 gets time to recover."""

from __future__ import annotations

import asyncio
import email.utils
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import response_status_message

if TYPE_CHECKING:
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def parse_retry_after(value: bytes | None, *, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or HTTP date); None if absent/bad."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, waiting `base * 2**(attempt-1)` seconds (at most `max`, or what
    `Retry-After` asks within that bound) before a retry is handed back to the scheduler."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("NEWSCRAWLER_RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("NEWSCRAWLER_RETRY_BACKOFF_MAX", 120.0)

    def backoff_delay(self, attempt: int, retry_after: float | None = None) -> float:
        delay = self.backoff_base * 2 ** max(attempt - 1, 0)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.backoff_max)

    async def _wait(self, retry: Request, retry_after: float | None = None) -> None:
        delay = self.backoff_delay(retry.meta.get("retry_times", 1), retry_after)
        if delay > 0:
            self.crawler.stats.inc_value("retry/backoff_seconds", int(delay))
            await asyncio.sleep(delay)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(retry, parse_retry_after(response.headers.get(b"Retry-After")))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get(
            "dont_retry", False
        ):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._wait(retry)
        return retry

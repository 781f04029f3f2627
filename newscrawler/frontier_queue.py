"""The shared frontier's request queue in Redis: requests as JSON, never pickles.

scrapy-redis 0.9.1 pickles the requests it queues by default, so whoever can write to its Redis
runs code in every worker that pops one. Here a request is Scrapy's `Request.to_dict(spider=)`
(callbacks and errbacks by name) written as JSON. JSON lacks a few types a request carries;
those are tagged objects of one key: bytes `{"$bytes": base64}` (body, headers),
`{"$datetime": ISO 8601}`, `{"$tuple": [...]}`, `{"$dict": [[key, value], ...]}` (a dict whose
keys are not plain strings: the headers), and `{"$lead": {...}}` (the `ArticleLead` of an
article request). Nothing else is rebuilt: no class or function is looked up by a name read
from Redis, except Scrapy's own request classes and the spider's public methods.

This module is scrapy-redis's serializer (`SCHEDULER_SERIALIZER`: `loads` and `dumps`), and
`JsonPriorityQueue` the queue (`SCHEDULER_QUEUE_CLASS`), which uses this serializer whatever
the settings say. A value in the queue that is not our JSON (a pickle, garbage, a request
naming an unknown class or callback) is dropped, never unpickled or run: a warning, the stat
`frontier/requests_dropped/unreadable`, and the worker takes the next request. A request
that cannot be written as JSON (a component put an object in its meta) is not queued: an
error and the stat `frontier/requests_dropped/not_serializable`.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import re
import sys
from datetime import datetime
from typing import Any

from scrapy import Request
from scrapy.http import FormRequest, JsonRequest, XmlRpcRequest
from scrapy.utils.request import request_from_dict
from scrapy_redis.queue import PriorityQueue

from newscrawler.discovery import ArticleLead

logger = logging.getLogger(__name__)

FORMAT = "newscrawler-request/1"
"""Marks our JSON: `{"format": FORMAT, "request": {...}}`."""

REQUEST_CLASSES = frozenset(
    f"{cls.__module__}.{cls.__name__}" for cls in (FormRequest, JsonRequest, XmlRpcRequest)
)
"""The only `_class` names a queued request may give (plain `Request`s give none)."""

_METHOD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_LEAD_FIELDS = frozenset(field.name for field in dataclasses.fields(ArticleLead))
DROPPED_UNREADABLE = "frontier/requests_dropped/unreadable"
DROPPED_NOT_SERIALIZABLE = "frontier/requests_dropped/not_serializable"


class UnreadableRequest(ValueError):
    """A queued value that is not a request in our JSON."""


# --- Writing --------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    """`value` as JSON data, with the tags of the module docstring."""
    if isinstance(value, (list, tuple, dict)):
        return _encode_container(value)
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, ArticleLead):
        return {"$lead": {name: _encode(getattr(value, name)) for name in _LEAD_FIELDS}}
    raise TypeError(f"a {type(value).__name__} cannot be queued in the shared frontier")


def _encode_container(value: list[Any] | tuple[Any, ...] | dict[Any, Any]) -> Any:
    if isinstance(value, tuple):
        return {"$tuple": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if all(isinstance(key, str) and not key.startswith("$") for key in value):
        return {key: _encode(item) for key, item in value.items()}
    return {"$dict": [[_encode(key), _encode(item)] for key, item in value.items()]}


def dumps(request: dict[str, Any]) -> str:
    """A request's dict (`Request.to_dict`) as our JSON; `TypeError` for a value JSON
    cannot carry."""
    return json.dumps({"format": FORMAT, "request": _encode(request)}, separators=(",", ":"))


# --- Reading --------------------------------------------------------------------------------


def _tagged(tag: str, body: Any) -> Any:
    if tag == "$bytes" and isinstance(body, str):
        return base64.b64decode(body, validate=True)
    if tag == "$datetime" and isinstance(body, str):
        return datetime.fromisoformat(body)
    if tag == "$tuple" and isinstance(body, list):
        return tuple(_decode(item) for item in body)
    if tag == "$dict" and isinstance(body, list):
        return {_decode(key): _decode(item) for key, item in body}
    if tag == "$lead" and isinstance(body, dict) and set(body) <= _LEAD_FIELDS:
        return _lead({name: _decode(item) for name, item in body.items()})
    raise UnreadableRequest(f"bad {tag} value")


def _lead(fields: dict[str, Any]) -> ArticleLead:
    url, source = fields.get("url"), fields.get("source")
    dates = [fields.get("published"), fields.get("modified")]
    if not isinstance(url, str) or not isinstance(source, str):
        raise UnreadableRequest("a lead without url or source")
    if not all(date is None or isinstance(date, datetime) for date in dates):
        raise UnreadableRequest("a lead with dates that are not dates")
    return ArticleLead(url, source, *dates)


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1:
            [(key, body)] = value.items()
            if key.startswith("$"):
                return _tagged(key, body)
        return {key: _decode(item) for key, item in value.items()}
    return value


def _check_request(request: Any) -> dict[str, Any]:
    if not isinstance(request, dict) or not isinstance(request.get("url"), str):
        raise UnreadableRequest("not a request")
    if "_class" in request and request["_class"] not in REQUEST_CLASSES:
        raise UnreadableRequest(f"unknown request class {str(request['_class'])[:80]!r}")
    for name in ("callback", "errback"):
        method = request.get(name)
        if method is not None and not (isinstance(method, str) and _METHOD_NAME.fullmatch(method)):
            raise UnreadableRequest(f"{name} {str(method)[:80]!r} is not a public method name")
    return request


def loads(data: bytes | str) -> dict[str, Any]:
    """A request's dict from our JSON; `UnreadableRequest` for anything else (a pickle
    included: it is never unpickled)."""
    try:
        envelope = json.loads(data)
    except (ValueError, RecursionError):  # (UnicodeDecodeError is a ValueError)
        raise UnreadableRequest("not JSON") from None
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise UnreadableRequest("JSON that is not a newscrawler request")
    try:
        return _check_request(_decode(envelope.get("request")))
    except UnreadableRequest:
        raise
    except (TypeError, ValueError, RecursionError) as error:  # (bad base64 is a ValueError)
        raise UnreadableRequest(f"malformed: {error}") from None


# --- The queue ------------------------------------------------------------------------------

_DROPPED = object()


class JsonPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue (a sorted set), reading and writing only our JSON."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None):
        # Ours whatever SCHEDULER_SERIALIZER says: scrapy-redis falls back to pickle.
        super().__init__(server, spider, key, serializer=sys.modules[__name__])

    def _stat(self, key: str) -> None:
        crawler = getattr(self.spider, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(key)

    def push(self, request: Request) -> None:
        try:
            data = self._encode_request(request)
        except (TypeError, ValueError) as error:  # (a callback that is no spider method)
            logger.error("Frontier: cannot queue %s, dropped: %s", request, error)
            self._stat(DROPPED_NOT_SERIALIZABLE)
            return
        self.server.execute_command("ZADD", self.key, -request.priority, data)

    def _decode_request(self, encoded_request: bytes) -> Any:
        try:
            return request_from_dict(loads(encoded_request), spider=self.spider)
        except (UnreadableRequest, TypeError, ValueError) as error:
            logger.warning(
                "Frontier: dropped a queued value that is not a newscrawler request (%s;"
                " %d bytes, starting %r): it is neither unpickled nor run",
                error, len(encoded_request), encoded_request[:16],
            )  # fmt: skip
            self._stat(DROPPED_UNREADABLE)
            return _DROPPED

    def pop(self, timeout: int = 0) -> Request | None:
        """The next readable request (unreadable ones are dropped on the way), or None."""
        request = super().pop(timeout)
        while request is _DROPPED:
            request = super().pop(timeout)
        return request

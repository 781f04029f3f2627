"""A small HTTP server for site replicas on 127.0.0.1 (tests, the demo, benchmarks).

Paths map to files the way the real sites' URLs look: `/rss` serves `rss.xml`,
`/lokales/kiel` serves `lokales/kiel/index.html`, `/.../artikel/x-41250311` serves
`.../artikel/x-41250311.html`, and `X.xml.gz` is `X.xml` gzipped on the fly.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit


@dataclass
class Reply:
    """A response a route returns: status, headers and body."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


Route = Callable[[str], Reply]
"""Computes the reply for a request path (with query string)."""

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/x-gzip",
    ".json": "application/json",
    # pages of CMSs whose URLs keep the script's or template's ending
    ".php": "text/html; charset=utf-8",
    ".cms": "text/html; charset=utf-8",
    ".ece": "text/html; charset=utf-8",
    ".amp": "text/html; charset=utf-8",
}


def resolve(root: Path, path: str) -> Path | None:
    """The replica file for a URL path, or None."""
    relative = unquote(path).lstrip("/")
    base = (root / relative).resolve()
    if not base.is_relative_to(root.resolve()):
        return None
    candidates = [base, base.with_name(base.name + ".html"), base / "index.html"]
    candidates.append(base.with_name(base.name + ".xml"))
    return next((c for c in candidates if c.is_file()), None)


def file_reply(root: Path, path: str) -> Reply:
    found = resolve(root, path)
    if found is not None:
        content_type = CONTENT_TYPES.get(found.suffix, "application/octet-stream")
        if found.name.endswith("rss.xml"):
            content_type = "application/rss+xml; charset=utf-8"
        return Reply(200, {"Content-Type": content_type}, found.read_bytes())
    if path.endswith(".gz"):
        plain = resolve(root, path[: -len(".gz")])
        if plain is not None:
            return Reply(200, {"Content-Type": CONTENT_TYPES[".gz"]},
                         gzip.compress(plain.read_bytes(), mtime=0))  # fmt: skip
    return Reply(404, {"Content-Type": CONTENT_TYPES[".html"]}, b"<h1>404 Not Found</h1>")


LAST_MODIFIED = "Fri, 21 Jan 2022 09:00:00 GMT"
"""The `Last-Modified` of every page of a conditional replica (the ETag tells versions apart)."""


def conditional_reply(reply: Reply, if_none_match: str | None) -> Reply:
    """A page's reply with validators, or 304 Not Modified when the client holds this body."""
    if reply.status != 200:
        return reply
    etag = f'"{hashlib.sha1(reply.body).hexdigest()[:16]}"'
    headers = {**reply.headers, "ETag": etag, "Last-Modified": LAST_MODIFIED}
    if if_none_match is not None and etag in (tag.strip() for tag in if_none_match.split(",")):
        return Reply(304, {"ETag": etag, "Last-Modified": LAST_MODIFIED}, b"")
    return Reply(200, headers, reply.body)


class ReplicaServer:
    """Serves a replica folder on 127.0.0.1 in a background thread.

    `routes` answer chosen paths (exact path, without query) instead of files; `delay` slows
    every response (for tests that interrupt a crawl). `requests` lists every path served,
    `user_agents` the User-Agent headers seen. `conditional` serves validators (`ETag`, a hash
    of the body, and `Last-Modified`) and answers 304 to a request whose `If-None-Match` names
    the current body; `statuses` lists (path, status) of every reply.
    """

    def __init__(
        self,
        root: Path,
        *,
        port: int = 0,
        delay: float = 0.0,
        routes: dict[str, Route] | None = None,
        conditional: bool = False,
    ):
        self.root = Path(root)
        self.conditional = conditional
        self.statuses: list[tuple[str, int]] = []
        self.delay = delay
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[str] = []
        self.user_agents: set[str] = set()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reply(self, path: str) -> Reply:
        route = self.routes.get(urlsplit(path).path)
        return route(path) if route else file_reply(self.root, urlsplit(path).path)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append(self.path)
                    server.user_agents.add(self.headers.get("User-Agent", ""))
                if server.delay:
                    time.sleep(server.delay)
                reply = server.reply(self.path)
                if server.conditional:
                    reply = conditional_reply(reply, self.headers.get("If-None-Match"))
                with server._lock:
                    server.statuses.append((self.path, reply.status))
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                # The client may give up early (a size limit): nothing to do then.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # tests and the demo read `server.requests` instead

        return Handler

    def start(self) -> ReplicaServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class RehostedReplica(ReplicaServer):
    """A replica whose pages, feeds and sitemaps name their real site with absolute URLs
    (`origin`, e.g. the generic replica's www.foerde-kurier.de): served with those URLs pointing
    to this server, as a real site's point to itself."""

    def __init__(self, root: Path, *, origin: str, **kwargs: Any):
        super().__init__(root, **kwargs)
        self.origin = origin.rstrip("/")

    def reply(self, path: str) -> Reply:
        reply = super().reply(path)
        if reply.status != 200:
            return reply
        here = self.url.encode()
        if reply.body[:2] == b"\x1f\x8b":
            plain = gzip.decompress(reply.body).replace(self.origin.encode(), here)
            reply.body = gzip.compress(plain, mtime=0)
        else:
            reply.body = reply.body.replace(self.origin.encode(), here)
        return reply

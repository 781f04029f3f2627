"""A fast HTTP server for crawl benchmarks: N article pages from memory, listed in a sitemap.

    python benchmarks/page_server.py --n 1500 [--pages DIR]

Serves the pages `extraction.load_pages` loads (the dev set's real pages when it is there),
repeated under distinct URLs `/a00000/<the page's own path>` ... up to N, `/sitemap.xml` listing
them and `/robots.txt`. Every response is rendered once, at start, and written from memory on a
keep-alive connection by an asyncio protocol without an HTTP library: a few syscalls per page,
so the server is not what limits a crawl (the benchmark reports its CPU time per page). Prints
`port <number>` when it listens and runs until stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction import ROOT, load_pages

NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def article_path(index: int, url: str) -> str:
    """The local path of the page with this index: distinct per index, the page's own path
    after it (what the extractor and the spiders see looks like an article URL)."""
    return f"/a{index:05d}{quote(urlsplit(url).path or '/')}"


def render(body: bytes, content_type: str) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def site(pages: list[tuple[str, bytes]], n: int, origin: str) -> dict[bytes, bytes]:
    """Path -> the whole response, for every URL the server answers."""
    rendered = [render(body, "text/html; charset=utf-8") for _, body in pages]
    responses: dict[bytes, bytes] = {}
    locs = []
    for index in range(n):
        url, _ = pages[index % len(pages)]
        path = article_path(index, url)
        responses[path.encode()] = rendered[index % len(pages)]  # shared, not copied
        locs.append(f"<url><loc>{escape(origin + path)}</loc></url>")
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(locs)
        + "\n</urlset>\n"
    )
    responses[b"/sitemap.xml"] = render(sitemap.encode(), "application/xml; charset=utf-8")
    responses[b"/robots.txt"] = render(b"User-agent: *\nAllow: /\n", "text/plain")
    return responses


class PageProtocol(asyncio.Protocol):
    """HTTP/1.1 GET with keep-alive, answered from `responses`; no request bodies."""

    def __init__(self, responses: dict[bytes, bytes]) -> None:
        self.responses = responses
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
            parts = head.split(b" ", 2)
            target = parts[1].split(b"?", 1)[0] if len(parts) > 1 else b""
            self.transport.write(self.responses.get(target, NOT_FOUND))


async def serve(pages: list[tuple[str, bytes]], n: int) -> None:
    loop = asyncio.get_running_loop()
    holder: dict[bytes, bytes] = {}
    server = await loop.create_server(lambda: PageProtocol(holder), "127.0.0.1", 0, backlog=512)
    port = server.sockets[0].getsockname()[1]
    holder.update(site(pages, n, f"http://127.0.0.1:{port}"))
    print(f"port {port}", flush=True)
    await loop.run_in_executor(None, sys.stdin.read)  # until the benchmark closes our stdin
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "devset")
    args = parser.parse_args()
    pages = load_pages(args.pages)
    asyncio.run(serve(pages, args.n))


if __name__ == "__main__":
    main()

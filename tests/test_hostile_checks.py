"""The cheap checks that keep hostile pages away from the extractor (pure functions)."""

from __future__ import annotations

import codecs
import gzip
import random

import pytest

from newscrawler.page_checks import count_tags, is_html_content_type, looks_binary, media_type


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        (b"text/html; charset=utf-8", True),
        ("TEXT/HTML", True),
        (b"application/xhtml+xml", True),
        (None, True),  # no header: the body decides
        (b"", True),
        (b"text/plain; charset=utf-8", False),
        (b"application/pdf", False),
        (b"application/octet-stream", False),
        (b"video/mp4", False),
        (b"application/xml", False),
    ],
)
def test_html_content_types(header: bytes | str | None, allowed: bool) -> None:
    assert is_html_content_type(header) is allowed


def test_media_type() -> None:
    assert media_type(b"Text/HTML ; charset=ISO-8859-1") == "text/html"
    assert media_type(None) == ""


def test_binary_bodies() -> None:
    assert looks_binary(random.Random(1).randbytes(5000))
    assert looks_binary(gzip.compress(b"<html>" * 1000))
    assert looks_binary(b"%PDF-1.4\n" + bytes(100))
    assert looks_binary(b"\x01\x02\x03\x04 some text after control bytes" * 2)


def test_text_bodies() -> None:
    assert not looks_binary(b"")
    assert not looks_binary("<p>Schöne Grüße aus Eckernförde</p>\r\n\t".encode("latin-1"))
    assert not looks_binary("<p>Schöne Grüße</p>".encode())
    # UTF-16 has NUL bytes, but its byte-order mark says it is text.
    assert not looks_binary(codecs.BOM_UTF16_LE + "<html>Grüße</html>".encode("utf-16-le"))


def test_count_tags() -> None:
    assert count_tags(b"<html><body><p>a</p></body></html>") == 6
    assert count_tags(b"no markup") == 0
    assert count_tags(b"") == 0
    page = random.Random(7).randbytes(100_003)  # every byte value, an odd length
    assert count_tags(page) == page.count(b"<")


def test_failure_reasons() -> None:
    from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
    from scrapy.http import Request, Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    from newscrawler.spiders.base import failure_reason

    def failure(error: Exception, **meta: object) -> Failure:
        result = Failure(error)
        result.request = Request("https://x.de/a-12345678", meta=meta)  # as Scrapy sets it
        return result

    not_found = Response("https://x.de/a-12345678", status=404)
    assert failure_reason(failure(HttpError(not_found, "Ignoring"))) == "http_404"
    assert failure_reason(failure(DownloadCancelledError("over maxsize"))) == "too_large"
    decompression = IgnoreRequest(
        "... exceeded DOWNLOAD_MAXSIZE (16777216 B) during decompression."
    )
    assert failure_reason(failure(decompression)) == "too_large"
    redirects = IgnoreRequest("max redirections reached")
    assert failure_reason(failure(redirects, redirect_ttl=0, redirect_times=20)) == (
        "too_many_redirects"
    )
    assert failure_reason(failure(IgnoreRequest("Forbidden by robots.txt"))) is None
    assert failure_reason(failure(TimeoutError())) == "TimeoutError"

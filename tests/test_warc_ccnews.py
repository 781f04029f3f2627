"""`scrapy crawl warc` over a WARC file in Common Crawl's CC-NEWS layout, built here from the
replicas' article pages under their real URLs: several sites, one gzip member per record,
request/response/metadata records, a non-HTML record, a revisit record, a page stored chunked
and gzip-encoded, and a last record cut off. The chosen site's articles come out, the damage is
a warning, the run exits 0; without `-a site=` every site's articles come out, named by site.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from newscrawler.extensions.outcome import ExitStatus
from tests.support.crawl import run_crawl
from tests.support.warc import CcNewsWarc, read_pointer, replica_articles

pytestmark = pytest.mark.slow

SITES = ("shz", "ndr", "abendblatt", "kn")


@pytest.fixture(scope="module")
def cc_news(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    """The WARC file, and the articles it holds whole, by URL (with the site and title the
    replica's expected.json gives)."""
    folder = tmp_path_factory.mktemp("cc-news")
    warc = CcNewsWarc(folder / "CC-NEWS-20220121120000-00042.warc.gz")
    warc.warcinfo()
    pages = {site: list(replica_articles(site)) for site in SITES}
    whole: dict[str, dict[str, Any]] = {}
    # the sites interleaved, as in a crawl of many sites
    for number in range(max(len(p) for p in pages.values())):
        for site in SITES:
            if number < len(pages[site]) - (site == "shz"):
                url, html, expected = pages[site][number]
                if site == "ndr" and number == 0:  # stored as another crawler received it
                    payload = CcNewsWarc.chunked(gzip.compress(html))
                    codings = [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
                    warc.page(url, html, payload=payload, extra_headers=codings)
                else:
                    warc.page(url, html)
                whole[url] = {"site": site, "title": expected["title"]}
    photo = "https://www.shz.de/img/lokales/foto-41250312.jpg"
    warc.page(photo, b"\xff\xd8\xff", content_type="image/jpeg")
    warc.revisit(pages["shz"][0][0])
    last_url, last_html, _ = pages["shz"][-1]
    warc.page(last_url, last_html)
    response, metadata = warc.records[-2], warc.records[-1]
    return warc.write(cut_last=len(metadata) + len(response) // 2), whole


def check_pointers(items: list[dict[str, Any]], folder: Path) -> None:
    for item in items:
        record = read_pointer(folder, item["warc"])
        assert record.warc_headers["WARC-Type"] == "response"
        assert record.warc_headers["WARC-Record-ID"] == item["warc"]["record_id"]
        assert record.warc_headers["WARC-Target-URI"] == item["url"]
        assert record.one_member


def test_the_chosen_sites_articles_with_a_warning_for_the_damage(
    cc_news: tuple[Path, dict[str, dict[str, Any]]], tmp_path: Path, article_schema: Any
) -> None:
    warc, whole = cc_news
    output = tmp_path / "shz.jsonl"
    result = run_crawl("warc", output=output, args={"path": str(warc), "site": "shz"})
    assert result.returncode == ExitStatus.OK, result.log[-3000:]
    shz = {url: page for url, page in whole.items() if page["site"] == "shz"}
    assert {item["url"] for item in result.items} == set(shz)
    for item in result.items:
        assert item["site"] == "shz"
        assert item["title"] == shz[item["url"]]["title"]
        assert item["crawled_at"] == "2022-01-21T12:00:00+00:00"  # the WARC-Date
    check_pointers(result.items, tmp_path)
    damage = [line for line in result.log_lines("WARNING") if "Damaged WARC file" in line]
    assert len(damage) == 1 and "truncated" in damage[0], damage
    assert result.stat("newscrawler/warc/skipped/not_html") == 1
    assert result.stat("newscrawler/warc/skipped/revisit") == 1
    assert result.stat("newscrawler/warc/damaged") == 1
    assert result.stat("newscrawler/warc/skipped/other_site") == len(whole) - len(shz)
    import jsonschema

    for item in result.items:
        jsonschema.validate(item, article_schema)


def test_every_sites_articles_named_as_a_news_run_names_them(
    cc_news: tuple[Path, dict[str, dict[str, Any]]], tmp_path: Path
) -> None:
    warc, whole = cc_news
    output = tmp_path / "all" / "items.jsonl"
    result = run_crawl("warc", output=output, args={"path": str(warc.parent)})
    assert result.returncode == ExitStatus.OK, result.log[-3000:]
    found = {item["url"]: item for item in result.items}
    assert set(found) == set(whole)
    for url, page in whole.items():
        assert (found[url]["site"], found[url]["title"]) == (page["site"], page["title"])
    check_pointers(result.items, output.parent)
    # the run is named `warc`: its state is its own
    assert (tmp_path / "all" / ".state" / "warc.sqlite").exists()


def test_a_path_without_warc_files_is_an_invalid_argument(tmp_path: Path) -> None:
    result = run_crawl("warc", output=tmp_path / "x.jsonl", args={"path": str(tmp_path)})
    assert result.returncode == ExitStatus.NOT_STARTED
    assert "names no WARC file" in result.log

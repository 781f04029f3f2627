"""The public interface: extract_article / extract_page, purity, layers and their order."""

from __future__ import annotations

import json
import logging
import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import lxml.html

from newscrawler import NewsArticle, extract_article
from newscrawler.extract import ExtractedPage, extract_page
from newscrawler.extract.metadata import select_texts
from newscrawler.extract.page import own_article

CRAWLED = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)
FIXTURE = Path(__file__).parent / "fixtures" / "graph_article.html"
URL = "https://www.example-zeitung.de/lokales/nordfriesland/artikel/neue-faehre-fuer-amrum-12345678"
PARAGRAPH = (
    "<p>Die Gemeinde hat am Dienstag beschlossen, die Sporthalle zu sanieren. Die Arbeiten "
    "sollen im Herbst beginnen und ein Jahr dauern, die Vereine weichen so lange aus.</p>"
)


def _page(head: str, body: str = PARAGRAPH) -> str:
    return (
        f'<html lang="de"><head><meta charset="utf-8">{head}</head>'
        f"<body><article>{body}</article></body></html>"
    )


def _ld(**fields: str) -> str:
    data = json.dumps({"@type": "NewsArticle", **fields})
    return f'<script type="application/ld+json">{data}</script>'


def test_extract_article_is_the_article_of_extract_page() -> None:
    html = FIXTURE.read_bytes()
    article = extract_article(html, URL, crawled_at=CRAWLED)
    assert isinstance(article, NewsArticle)
    assert article == extract_page(html, URL, crawled_at=CRAWLED).article


def test_same_input_same_output() -> None:
    html = FIXTURE.read_bytes()
    first = extract_page(html, URL, crawled_at=CRAWLED)
    assert extract_page(html, URL, crawled_at=CRAWLED) == first
    assert extract_page(html.decode("utf-8"), URL, crawled_at=CRAWLED) == first


def test_crawled_at_defaults_to_now_utc() -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    crawled = datetime.fromisoformat(extract_article("<p>x</p>", "https://x.de/a").crawled_at)
    assert crawled.utcoffset() == timezone.utc.utcoffset(None)
    assert before <= crawled <= datetime.now(timezone.utc)


def test_picklable_and_runs_in_a_process_pool() -> None:
    page = extract_page(FIXTURE.read_bytes(), URL, crawled_at=CRAWLED)
    assert pickle.loads(pickle.dumps(page)) == page
    with ProcessPoolExecutor(max_workers=1) as pool:
        remote = pool.submit(extract_page, FIXTURE.read_bytes(), URL, crawled_at=CRAWLED).result()
    assert isinstance(remote, ExtractedPage)
    assert remote == page


def test_empty_and_garbage_input_never_raises() -> None:
    for html in (b"", "<html><body></body></html>"):
        page = extract_page(html, "https://x.de/a", crawled_at=CRAWLED)
        assert page.article.body == ""
        assert page.article.title is None
        assert not page.is_article
    for garbage in (b"<<<>>>" * 1000, bytes(range(256)) * 50):
        page = extract_page(garbage, "https://x.de/a", crawled_at=CRAWLED)
        assert page.page_type == "unknown"
        assert not page.is_article


def test_implausible_dates_fall_through_to_the_next_layer() -> None:
    head = _ld(headline="H", datePublished="2099-01-01T00:00:00Z") + (
        '<meta property="article:published_time" content="2024-06-30T10:00:00+02:00">'
    )
    article = extract_article(_page(head), "https://x.de/a", crawled_at=CRAWLED)
    assert article.date_published == "2024-06-30T10:00:00+02:00"
    placeholder = _ld(headline="H", datePublished="0001-01-01T00:00:00Z")
    assert (
        extract_article(_page(placeholder), "https://x.de/a", crawled_at=CRAWLED).date_published
        is None
    )


def test_a_modified_date_is_never_the_published_date() -> None:
    head = _ld(headline="H", dateModified="2024-06-30T10:00:00+02:00")
    article = extract_article(_page(head), "https://x.de/sport/halle", crawled_at=CRAWLED)
    assert article.date_published is None
    assert article.date_modified == "2024-06-30T10:00:00+02:00"


SEO = "SEO-Fassung der Überschrift"
SHOWN = "Die Überschrift der Zeitung"
HEADLINES = _ld(headline=SEO) + f'<meta property="og:title" content="{SHOWN}">'


def test_the_title_is_the_headline_most_sources_agree_on() -> None:
    shown = _page(HEADLINES, f"<h1>{SHOWN}</h1>{PARAGRAPH}")
    article = extract_article(shown, "https://x.de/a", crawled_at=CRAWLED)
    assert article.title == SHOWN  # og:title and <h1> against JSON-LD
    assert article.headlines == {"shown": SHOWN, "declared": SEO, "social": SHOWN}
    declared = _page(HEADLINES, f"<h1>{SEO}</h1>{PARAGRAPH}")
    assert extract_article(declared, "https://x.de/a", crawled_at=CRAWLED).title == SEO
    tie = extract_article(_page(HEADLINES), "https://x.de/a", crawled_at=CRAWLED)
    assert tie.title == SHOWN  # one against one: the social headline
    assert tie.headlines == {"shown": None, "declared": SEO, "social": SHOWN}


def test_a_site_profile_names_its_headline_of_record() -> None:
    page = _page(HEADLINES, f"<h1>{SHOWN}</h1>{PARAGRAPH}")
    faz = "https://www.faz.net/aktuell/politik/beispiel-123.html"  # "social"
    assert extract_article(page, faz, crawled_at=CRAWLED).title == SHOWN
    abendblatt = "https://www.abendblatt.de/hamburg/article242367890/beispiel.html"  # "declared"
    assert extract_article(page, abendblatt, crawled_at=CRAWLED).title == SEO


def test_the_kicker_is_read_from_markup_or_from_a_glued_headline() -> None:
    marked = '<h1><span class="headline-kicker">Kieler Woche</span> Das Programm steht</h1>'
    article = extract_article(
        _page(_ld(headline="Kieler Woche: Das Programm steht"), marked + PARAGRAPH),
        "https://x.de/a",
        crawled_at=CRAWLED,
    )
    assert article.kicker == "Kieler Woche"
    assert article.headlines["shown"] == "Das Programm steht"
    glued = _page(
        _ld(headline="Neue Leipziger Schule: Judy Lybke, ein Leben"),
        "<h1>Judy Lybke, ein Leben</h1>" + PARAGRAPH,
    )
    assert extract_article(glued, "https://x.de/a", crawled_at=CRAWLED).kicker == (
        "Neue Leipziger Schule"
    )


def test_a_broken_site_selector_is_ignored() -> None:
    assert select_texts(lxml.html.fromstring("<p>x</p>"), "p[[[") == []


def test_field_sources_are_logged_at_debug(caplog) -> None:  # type: ignore[no-untyped-def]
    head = _ld(headline="H", datePublished="2024-06-30T10:00:00+02:00")
    with caplog.at_level(logging.DEBUG, logger="newscrawler.extract"):
        page = extract_page(_page(head), "https://x.de/a", crawled_at=CRAWLED)
    assert ("title", "jsonld") in page.field_sources
    assert any("title from jsonld" in r.getMessage() for r in caplog.records)


def test_a_bare_day_gets_its_time_from_a_later_layer() -> None:
    head = _ld(headline="H", datePublished="2024-06-30") + (
        '<meta property="article:published_time" content="2024-06-30T08:15:00Z">'
    )
    article = extract_article(_page(head), "https://x.de/a", crawled_at=CRAWLED)
    assert article.date_published == "2024-06-30T10:15:00+02:00"
    assert article.date_published_raw == "2024-06-30T08:15:00Z"
    other_day = _ld(headline="H", datePublished="2024-06-30") + (
        '<meta property="article:published_time" content="2024-06-01T08:15:00Z">'
    )
    assert extract_article(
        _page(other_day), "https://x.de/a", crawled_at=CRAWLED
    ).date_published == ("2024-06-30")


def test_a_truncated_headline_is_completed_from_og_title() -> None:
    head = _ld(headline="Gemeinde beschließt die Sanierung der…") + (
        '<meta property="og:title" content="Gemeinde beschließt die Sanierung der Sporthalle">'
    )
    article = extract_article(_page(head), "https://x.de/a", crawled_at=CRAWLED)
    assert article.title == "Gemeinde beschließt die Sanierung der Sporthalle"


def test_removed_blocks_are_reported_with_their_reason() -> None:
    page = extract_page(FIXTURE.read_bytes(), URL, crawled_at=CRAWLED)
    dropped = {text: reason for reason, text in page.dropped_blocks}
    assert dropped["Foto: dpa"] == "furniture"
    assert dropped["Weiterlesen nach der Anzeige"] == "furniture"
    assert all(text not in page.article.body for text in dropped)


def test_inline_svg_labels_are_not_page_text() -> None:
    # icon labels inside inline SVG ("Camera Icon") read as text would glue onto the caption
    icon = '<svg viewBox="0 0 24 24"><title>Camera Icon</title><path d="M0 0h24v24H0z"/></svg>'
    body = (
        f'<figure><img src="/bild.jpg" alt=""><figcaption>{icon}Die neue Sporthalle.'
        f"</figcaption></figure>{PARAGRAPH * 3}"
    )
    page = extract_page(_page('<meta property="og:image" content="/bild.jpg">', body), URL)
    assert page.article.image_caption == "Die neue Sporthalle."
    assert "Camera Icon" not in page.article.body


_TOP_ARTICLES_WITH_H1 = "//article[not(ancestor::article)][.//h1]"


def _own_article_by_xpath(
    tree: lxml.html.HtmlElement, heading: lxml.html.HtmlElement
) -> lxml.html.HtmlElement | None:
    """own_article's definition: of two or more top-level articles with an h1, the heading's."""
    articles = tree.xpath(_TOP_ARTICLES_WITH_H1)
    if len(articles) < 2:
        return None
    return next((a for a in articles if heading in a.iterdescendants()), None)


def test_own_article_is_the_top_article_with_an_h1_around_the_heading() -> None:
    shapes = [
        "<h1>A</h1><p>x</p>",
        "<article><h1>A</h1></article>",
        "<article><h1>A</h1></article><article><h1>B</h1><p>y</p></article>",
        "<article><h1>A</h1><h1>A2</h1></article><article><h2>teaser</h2></article>",
        "<article><article><h1>A</h1></article></article><article><div><h1>B</h1></div></article>",
        "<h1>Site</h1><article><h1>A</h1></article><article><h2>B</h2></article>",
        "<main><article><header><h1>A</h1></header><article><h2>card</h2></article></article>"
        "<section><article><h1>B</h1></article><article><h1>C</h1></article></section></main>",
        "<article><h2>A</h2><p>z</p></article><article><h1>B</h1></article><h1>C</h1>",
    ]
    pages = [lxml.html.fromstring(f"<html><body>{shape}</body></html>") for shape in shapes]
    fixtures = sorted((Path(__file__).parent / "fixtures").glob("*.html"))
    pages += [lxml.html.fromstring(path.read_bytes()) for path in fixtures]
    compared = 0
    for tree in pages:
        for heading in tree.iter("h1", "h2", "article", "p"):
            expected = _own_article_by_xpath(tree, heading)
            assert own_article(tree, heading) is expected, lxml.html.tostring(tree)[:200]
            compared += expected is not None
    assert compared >= 5  # the comparison met pages with an own article, not only None
    assert own_article(pages[0], None) is None

"""Per-site extraction rules (`ExtractionRules`): selectors as data, applied where the general
signals are not enough."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest

from newscrawler.extract import ExtractionRules, extract_page_with_rules
from newscrawler.sites.rules import NO_RULES

CRAWLED = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)
SENTENCE = "Die Gemeinde hat am Dienstag beschlossen, die Sporthalle im Herbst zu sanieren. "
PAGE = f"""<html lang="de"><head><meta charset="utf-8">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "SEO-Titel",
 "author": {{"@type": "Organization", "name": "Redaktion"}},
 "datePublished": "2024-06-01T10:00:00+02:00"}}</script></head><body>
<div class="sidebar"><p>{SENTENCE * 6}</p></div>
<article class="story">
  <h1 class="story-title">Die Sporthalle wird saniert</h1>
  <span class="story-author">Von Anna Muster</span>
  <span class="story-date" data-ts="x">Erschienen am 02.06.2024</span>
  <div class="story-text">
    <p>{SENTENCE * 2}</p>
    <p class="promo-box">Jetzt den Stadt-Podcast hören, jeden Freitag neu.</p>
    <p>Die Arbeiten sollen ein Jahr dauern; die Vereine weichen so lange in die Nachbarorte aus.</p>
    <p>Premium: Ihr Stadtanzeiger, jeden Tag neu.</p>
    <div class="plus-box"><p>Der Rest des Artikels ist für Abonnenten.</p></div>
  </div>
</article></body></html>"""


def test_rules_override_every_field() -> None:
    rules = ExtractionRules(
        title=".story-title",
        authors=".story-author",
        date_published=".story-date",
        body=".story-text",
        remove=(".promo-box",),
        paywall=(".plus-box",),
        boilerplate=(r"^Premium: Ihr Stadtanzeiger",),
    )
    page = extract_page_with_rules(PAGE, "https://x.de/a", rules, crawled_at=CRAWLED)
    article = page.article
    assert article.title == "Die Sporthalle wird saniert"
    assert article.authors == ["Anna Muster"]
    assert article.date_published is not None and article.date_published.startswith("2024-06-02")
    assert article.date_published_raw == "Erschienen am 02.06.2024"
    assert "Podcast" not in article.body and "Premium" not in article.body
    assert "Abonnenten" not in article.body and article.is_paywalled
    assert article.body.startswith(SENTENCE.strip())
    assert article.body.endswith("in die Nachbarorte aus.")
    assert ("title", "rules") in page.field_sources


def test_without_rules_the_general_signals_apply() -> None:
    article = extract_page_with_rules(
        PAGE, "https://x.de/a", ExtractionRules(), crawled_at=CRAWLED
    ).article
    assert article.title == "SEO-Titel"
    assert article.authors == ["Anna Muster"]  # the byline's person over the desk
    assert article.date_published == "2024-06-01T10:00:00+02:00"


@pytest.mark.parametrize(
    "broken",
    [{"title": "h1[[["}, {"body": ":::"}, {"remove": ("]]",)}, {"paywall": ("div..x",)},
     {"boilerplate": ("(unclosed",)}],
)  # fmt: skip
def test_a_broken_rule_fails_when_the_profile_is_loaded(broken: dict[str, Any]) -> None:
    (value,) = broken.values()
    shown = value[0] if isinstance(value, tuple) else value
    with pytest.raises(ValueError, match=re.escape(repr(shown))):
        ExtractionRules(**broken)


def test_a_page_selector_cssselect_cannot_read_costs_only_itself() -> None:
    # A page's own JSON-LD names the paywalled part with a selector we cannot read.
    page = PAGE.replace(
        '"headline": "SEO-Titel",',
        '"headline": "SEO-Titel", "isAccessibleForFree": false, "hasPart": {"@type": '
        '"WebPageElement", "isAccessibleForFree": false, "cssSelector": "div[[["},',
    )
    article = extract_page_with_rules(page, "https://x.de/a", NO_RULES, crawled_at=CRAWLED).article
    assert article.is_paywalled
    assert "Nachbarorte" in article.body

"""`python -m newscrawler extract`: one page in, one JSON line out."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.explain import explanation
from newscrawler.extract import extract_page_with_rules
from newscrawler.sites.rules import ExtractionRules

FIXTURE = Path(__file__).parent / "fixtures" / "graph_article.html"
URL = "https://www.example-zeitung.de/lokales/nordfriesland/artikel/neue-faehre-fuer-amrum-12345678"


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawler", "extract", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_gzipped_file_with_explain(tmp_path: Path) -> None:
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    result = _run("--url", URL, "--explain", str(page))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1
    item = json.loads(lines[0])
    assert item["title"] == "Neue Fähre für Amrum: Reederei tauft „Uthlande II“"
    assert item["url"] == URL
    stderr = result.stderr.decode("utf-8")
    assert "page type: article" in stderr
    assert "title" in stderr and "from jsonld" in stderr
    assert "dropped (furniture): Foto: dpa" in stderr


def test_stdin() -> None:
    result = _run("--url", URL, "-", stdin=FIXTURE.read_bytes())
    assert result.returncode == 0, result.stderr
    item = json.loads(result.stdout)
    assert item["url"] == URL and item["site"] == "example-zeitung.de"  # from the URL's host
    assert item["authors"] == ["Jana Möller", "Piet Kruse"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "extract needs --url URL, the page's address (http or https)"),
        (("--url", "not-a-url"), "--url 'not-a-url' is not an http(s) URL with a host"),
        (("--url", "file:///tmp/page.html"), "is not an http(s) URL with a host"),
    ],
)
def test_a_missing_or_malformed_url_is_refused(args: tuple[str, ...], message: str) -> None:
    """Without a URL the item's `site` would be empty, which the published schema rejects."""
    result = _run(*args, str(FIXTURE))
    assert result.returncode == 2
    assert message in result.stderr.decode("utf-8")
    assert result.stdout == b""


REPLICA_PAGES = {
    "shz": "deutschland-welt/politik/artikel/"
    "blinken-und-lawrow-in-genf-letzte-chance-fuer-deeskalation-41250311",
    "noz": "lokales/osnabrueck/artikel/"
    "fahrradstrasse-am-wall-freigegeben-radverkehr-hat-vorrang-43012345",
}


@pytest.mark.parametrize("site", sorted(REPLICA_PAGES))
def test_explain_shows_where_the_page_furniture_went(site: str) -> None:
    """The replica's "zur Startseite" and comment box never reach the body: --explain says
    that trafilatura left them out, besides what the extraction removed itself."""
    path = REPLICA_PAGES[site]
    page = SITES_DIR / site / f"{path}.html"
    result = _run("--url", f"https://www.{site}.de/{path}", "--explain", str(page))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["site"] == site
    stderr = result.stderr.decode("utf-8").splitlines()
    left_out = [line.split(": ", 1)[1] for line in stderr if "left out by trafilatura" in line]
    assert {"zur Startseite", "Diskutieren Sie mit.", "Leserkommentare anzeigen"} <= set(left_out)
    body = json.loads(result.stdout)["body"]
    assert not any(text in body for text in left_out)  # nothing of the body is listed


def test_explain_lists_every_removed_element_and_block() -> None:
    """A paywalled replica page: the prompt and the scrambled text are removed before
    trafilatura reads the page, the "Foto:" credit by the cleanup; each with its reason."""
    path = "lokales/kieler-nachrichten/kiel-bekommt-neue-radwege-entlang-der-hoern-id34567890.html"
    result = _run("--url", f"https://www.shz.de/{path}", "--explain", str(SITES_DIR / "shz" / path))
    stderr = result.stderr.decode("utf-8")
    assert "  dropped (byline): Veröffentlicht am 14.10.2021 um 09:15 Uhr von Lars Janßen" in stderr
    assert "  dropped (furniture): Foto: Frank Peter" in stderr
    paywalled = (
        "lokales/melle/artikel/traditionsbaeckerei-in-melle-schliesst-nach-120-jahren-43011111"
    )
    result = _run(
        "--url", f"https://www.noz.de/{paywalled}", "--explain",
        str(SITES_DIR / "noz" / f"{paywalled}.html"),
    )  # fmt: skip
    unreadable = [line for line in result.stderr.decode().splitlines() if "(unreadable)" in line]
    assert len(unreadable) == 2 and "Weiterlesen mit noz+" in unreadable[0]


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = _run("--url", URL, str(tmp_path / "nope.html"))
    assert result.returncode == 2
    assert b"cannot read" in result.stderr
    assert result.stdout == b""


def test_explain_names_elements_a_site_rule_removed() -> None:
    """Elements a site profile's `remove` rule takes away before trafilatura reads the page are
    listed with their reason, like the rest (no replica's profile has such a rule yet)."""
    path = "lokales/osnabrueck/artikel/fahrradstrasse-am-wall-freigegeben-radverkehr-hat-vorrang"
    html = (SITES_DIR / "noz" / f"{path}-43012345.html").read_bytes()
    url = f"https://www.noz.de/{path}-43012345"
    page = extract_page_with_rules(html, url, ExtractionRules(remove=("footer.article-footer",)))
    lines = list(explanation(html, page))
    rule = [line for line in lines if line.startswith("  dropped (site rule): ")]
    assert len(rule) == 1 and rule[0].startswith("  dropped (site rule): zur Startseite Disku")
    assert not any(
        "left out by trafilatura (not main text): zur Startseite" in line for line in lines
    )

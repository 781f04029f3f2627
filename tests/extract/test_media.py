"""Lead image: URL, caption and credit."""

from __future__ import annotations

import lxml.html
import pytest

from newscrawler.extract.media import lead_image, split_credit
from newscrawler.extract.meta import read_meta


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Die Fähre. Foto: Marcus Dewanger", ("Die Fähre.", "Marcus Dewanger")),
        ("Einsatz. © DPA Images | C. Soeder", ("Einsatz.", "DPA Images | C. Soeder")),
        ("Voigt und Höcke (AfD)Quelle: H. Albert/dpa", ("Voigt und Höcke (AfD)", "H. Albert/dpa")),
        ("Vor Gericht. (Bild: Tobias K./Golem.de)", ("Vor Gericht.", "Tobias K./Golem.de")),
        ("Ein Bild ohne Angabe.", ("Ein Bild ohne Angabe.", None)),
    ],
)  # fmt: skip
def test_split_credit(caption: str, expected: tuple[str, str | None]) -> None:
    assert split_credit(caption) == expected


def test_caption_of_the_figure_showing_the_lead_image() -> None:
    html = """<html><head><meta property="og:image" content="https://x.de/img/lead.jpg?w=1200">
    </head><body>
    <figure><img src="https://x.de/img/autor.jpg"><figcaption>Von Anna Muster</figcaption></figure>
    <figure><img data-src="https://x.de/img/lead.jpg?w=800"><figcaption>
    <span class="caption-text">Blinken und Lawrow begrüßen sich.</span>
    <span class="image-credit">Author: dpa/Pool AP</span></figcaption></figure>
    </body></html>"""
    tree = lxml.html.fromstring(html)
    image = lead_image(tree, None, read_meta(tree), "https://x.de/a")
    assert image.url == "https://x.de/img/lead.jpg?w=1200"
    assert image.caption == "Blinken und Lawrow begrüßen sich."
    assert image.credit == "dpa/Pool AP"


def test_json_ld_image_object_with_escaped_url() -> None:
    article = {
        "image": {
            "@type": "ImageObject",
            "url": "/img/a.jpg?q=80&amp;w=1200",
            "caption": "Die Synode tagt.",
            "copyrightHolder": {"@type": "Organization", "name": "picture alliance/dpa"},
        }
    }
    tree = lxml.html.fromstring("<html><body></body></html>")
    image = lead_image(tree, article, read_meta(tree), "https://www.br.de/nachrichten/x")
    assert image.url == "https://www.br.de/img/a.jpg?q=80&w=1200"
    assert (image.caption, image.credit) == ("Die Synode tagt.", "picture alliance/dpa")

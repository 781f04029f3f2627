"""The kind of page: the evidence of a section front whose teaser list was taken for text."""

from __future__ import annotations

from newscrawler.extract.pagetype import teasers_in_body

PAGE = "https://www.example-zeitung.de/lokales/"
SUMMARY = "Die Gemeinde saniert die Sporthalle, die Vereine weichen bis zum Herbst aus"


def test_teasers_the_body_repeats_are_counted_once_per_other_page() -> None:
    body = f"Lokales\n\n{SUMMARY} und mehr.\n\nAnderer   Text\n\nKurz gesagt: gar nichts."
    teasers = [
        ("/lokales/sporthalle-1.html", SUMMARY),  # relative to the page
        ("https://www.example-zeitung.de/lokales/sporthalle-1.html", f"  {SUMMARY}\n"),  # again
        ("sporthalle-2.html", SUMMARY.replace(" die ", "\n die ", 1)),  # other page, same text
        ("", SUMMARY),  # the page itself
        ("/lokales/kurz.html", "Kurz gesagt: gar nichts."),  # too short to tell
        ("/lokales/anders.html", "Ein Text, den der Body nicht wiederholt, ganz sicher nicht"),
    ]
    assert teasers_in_body(teasers, PAGE, body) == 2
    assert teasers_in_body(teasers, PAGE, "") == 0

"""Agencies and datelines: a table of byline, dateline and credit forms as German, Austrian and
Swiss papers (and a few international ones) write them, with the agencies and places each must
give. `test_table_pass_rate` prints the pass rate; every row must pass."""

from __future__ import annotations

import pytest

from newscrawler.extract.newsroom import (
    agency_line,
    byline_agencies,
    credit_agencies,
    read_dateline,
)

# (kind, German page, text, agencies, dateline places)
# kind "text": the text's first paragraph; "byline": an author value; "line": a closing line.
FORMS: list[tuple[str, bool, str, list[str], list[str]]] = [
    # -- agency-only datelines
    (
        "text",
        True,
        "(dpa) - Die Bundesregierung will das Gesetz noch im Mai beschließen.",
        ["dpa"],
        [],
    ),
    ("text", True, "(AFP) Die Zahl der Asylanträge ist im März gestiegen.", ["AFP"], []),
    ("text", True, "(dpa/lno) – Auf der A7 hat es am Morgen gekracht.", ["dpa"], []),
    ("text", True, "(epd) Die Kirchen laden zum ökumenischen Gottesdienst.", ["epd"], []),
    ("text", True, "(KNA) Der Papst hat einen neuen Bischof ernannt.", ["KNA"], []),
    ("text", True, "(sid) Der HSV hat seinen Trainer entlassen.", ["SID"], []),
    ("text", True, "(dts) Die Inflationsrate ist leicht gesunken.", ["dts"], []),
    ("text", True, "(APA) Die Regierung in Wien plant eine Steuerreform.", ["APA"], []),
    ("text", True, "(sda) Der Bundesrat hat die Vorlage verabschiedet.", ["Keystone-SDA"], []),
    ("text", True, "(rtr) Die Ölpreise haben am Montag nachgegeben.", ["Reuters"], []),
    # -- place and agency
    (
        "text",
        True,
        "Kiel (dpa) – Die Landesregierung hat den Haushalt vorgestellt.",
        ["dpa"],
        ["Kiel"],
    ),
    (
        "text",
        True,
        "Kiel (dpa/lno) - Die Landesregierung hat den Haushalt vorgestellt.",
        ["dpa"],
        ["Kiel"],
    ),
    (
        "text",
        True,
        "Hamburg (dpa/lno) – Im Hafen ist ein Containerschiff auf Grund gelaufen.",
        ["dpa"],
        ["Hamburg"],
    ),
    (
        "text",
        True,
        "Düsseldorf (dpa/lnw) - Der Landtag debattiert über Schulen.",
        ["dpa"],
        ["Düsseldorf"],
    ),
    ("text", True, "Stuttgart (dpa/lsw) – Der Neckar führt Hochwasser.", ["dpa"], ["Stuttgart"]),
    ("text", True, "München (dpa/lby) - Auf der Wiesn ist Anstich.", ["dpa"], ["München"]),
    ("text", True, "Hannover (dpa/lni) – Der VW-Betriebsrat warnt.", ["dpa"], ["Hannover"]),
    ("text", True, "Schwerin (dpa/mv) – Die Ostsee bleibt kalt.", ["dpa"], ["Schwerin"]),
    ("text", True, "Rostock (lmv) – Die Hanse Sail beginnt am Donnerstag.", ["dpa"], ["Rostock"]),
    ("text", True, "Essen (lnw) Die Ruhrgebietsstädte klagen über Schulden.", ["dpa"], ["Essen"]),
    ("text", True, "Freiburg (lsw) - Am Schauinsland liegt Schnee.", ["dpa"], ["Freiburg"]),
    ("text", True, "Berlin (AFP) - Die Ampel streitet über den Haushalt.", ["AFP"], ["Berlin"]),
    (
        "text",
        True,
        "Brüssel (Reuters) - Die EU-Kommission legt Zölle fest.",
        ["Reuters"],
        ["Brüssel"],
    ),
    (
        "text",
        True,
        "Washington (AP) - Der Kongress hat den Etat gebilligt.",
        ["AP"],
        ["Washington"],
    ),
    ("text", True, "Frankfurt (dpa-AFX) - Der Dax hat zugelegt.", ["dpa-AFX"], ["Frankfurt"]),
    ("text", True, "Köln (KNA) – Das Erzbistum verkauft Immobilien.", ["KNA"], ["Köln"]),
    ("text", True, "Hannover (epd) – Die Landeskirche spart.", ["epd"], ["Hannover"]),
    ("text", True, "Dortmund (SID) - Der BVB gewinnt das Derby.", ["SID"], ["Dortmund"]),
    ("text", True, "Berlin (dts) – Die Union legt in Umfragen zu.", ["dts"], ["Berlin"]),
    (
        "text",
        True,
        "Berlin (RND) – Die Koalition einigt sich beim Bürgergeld.",
        ["RND"],
        ["Berlin"],
    ),
    (
        "text",
        True,
        "Kiel (dpa) Die Landesregierung hat den Haushalt vorgestellt.",
        ["dpa"],
        ["Kiel"],
    ),
    (
        "text",
        True,
        "Kiel (dpa). Die Landesregierung hat den Haushalt vorgestellt.",
        ["dpa"],
        ["Kiel"],
    ),
    (
        "text",
        True,
        "KIEL (dpa) – Die Landesregierung hat den Haushalt vorgestellt.",
        ["dpa"],
        ["Kiel"],
    ),
    # -- several agencies, initials
    (
        "text",
        True,
        "Paris (AFP/dpa) – Frankreich wählt ein neues Parlament.",
        ["AFP", "dpa"],
        ["Paris"],
    ),
    (
        "text",
        True,
        "Moskau (dpa/AFP/Reuters) - Der Kreml weist Vorwürfe zurück.",
        ["dpa", "AFP", "Reuters"],
        ["Moskau"],
    ),
    ("text", True, "Genf (AFP/dpa/aerz) – Die WHO warnt vor Masern.", ["AFP", "dpa"], ["Genf"]),
    ("text", True, "Kiew (dpa, AFP) – Die Ukraine meldet Angriffe.", ["dpa", "AFP"], ["Kiew"]),
    (
        "text",
        True,
        "Bern (sda/dpa) – Die Schweiz verschärft das Waffenrecht.",
        ["Keystone-SDA", "dpa"],
        ["Bern"],
    ),
    # -- Austria and Switzerland
    ("text", True, "Wien (APA) – Die Regierung hat das Budget vorgelegt.", ["APA"], ["Wien"]),
    ("text", True, "Graz (APA) - In der Steiermark schneit es.", ["APA"], ["Graz"]),
    ("text", True, "Innsbruck (APA/dpa) – Lawinengefahr in Tirol.", ["APA", "dpa"], ["Innsbruck"]),
    ("text", True, "Wien (Kathpress) - Die Bischöfe tagen.", ["Kathpress"], ["Wien"]),
    (
        "text",
        True,
        "Zürich (Keystone-SDA) – Die Credit Suisse baut Stellen ab.",
        ["Keystone-SDA"],
        ["Zürich"],
    ),
    ("text", True, "Bern (sda) Der Nationalrat stimmt zu.", ["Keystone-SDA"], ["Bern"]),
    ("text", True, "Lausanne (ats) Le Conseil d'Etat a décidé.", ["Keystone-SDA"], ["Lausanne"]),
    ("text", True, "WIEN. Die Regierung hat das Budget vorgelegt.", [], ["Wien"]),
    ("text", True, "LINZ – Die Voest baut ein neues Werk.", [], ["Linz"]),
    # -- places with slashes, hyphens, "Bad", "St."
    (
        "text",
        True,
        "Flensburg/Husum | Die Kreise planen einen gemeinsamen Busverkehr.",
        [],
        ["Flensburg", "Husum"],
    ),
    (
        "text",
        True,
        "Hamburg/Berlin (dpa) – Die Reederei verlegt ihren Sitz.",
        ["dpa"],
        ["Hamburg", "Berlin"],
    ),
    (
        "text",
        True,
        "Wiesbaden/Frankfurt (dpa/lhe) - Der Flughafen wächst.",
        ["dpa"],
        ["Wiesbaden", "Frankfurt"],
    ),
    ("text", True, "Frankfurt/Main (dpa) – Die EZB hält die Zinsen.", ["dpa"], ["Frankfurt/Main"]),
    (
        "text",
        True,
        "Frankfurt/Oder (dpa) – An der Grenze wird kontrolliert.",
        ["dpa"],
        ["Frankfurt/Oder"],
    ),
    (
        "text",
        True,
        "Halle (Saale) (dpa/lah) - Die Uni wählt einen Rektor.",
        ["dpa"],
        ["Halle (Saale)"],
    ),
    (
        "text",
        True,
        "Bad Segeberg (dpa/lno) – Die Karl-May-Spiele beginnen.",
        ["dpa"],
        ["Bad Segeberg"],
    ),
    ("text", True, "Bad Oldesloe | Der Kreis Stormarn baut eine Schule.", [], ["Bad Oldesloe"]),
    (
        "text",
        True,
        "St. Peter-Ording (dpa/lno) – Am Strand wird wieder gebaut.",
        ["dpa"],
        ["St. Peter-Ording"],
    ),
    ("text", True, "ST. PETER-ORDING. Am Strand wird wieder gebaut.", [], ["St. Peter-Ording"]),
    (
        "text",
        True,
        "Garmisch-Partenkirchen (dpa/lby) – Die Zugspitzbahn fährt wieder.",
        ["dpa"],
        ["Garmisch-Partenkirchen"],
    ),
    (
        "text",
        True,
        "Rheda-Wiedenbrück (dpa/lnw) – Tönnies baut um.",
        ["dpa"],
        ["Rheda-Wiedenbrück"],
    ),
    (
        "text",
        True,
        "Frankfurt am Main (dpa) – Die Börse schließt fester.",
        ["dpa"],
        ["Frankfurt am Main"],
    ),
    (
        "text",
        True,
        "Mülheim an der Ruhr (dpa/lnw) – Die Stadt spart.",
        ["dpa"],
        ["Mülheim an der Ruhr"],
    ),
    (
        "text",
        True,
        "Sankt Augustin (dpa/lnw) - Die Hochschule wächst.",
        ["dpa"],
        ["Sankt Augustin"],
    ),
    ("text", True, "BAD SEGEBERG. Die Karl-May-Spiele beginnen.", [], ["Bad Segeberg"]),
    # -- places without agency
    ("text", True, "GENF. Die Außenminister treffen sich am Freitag.", [], ["Genf"]),
    (
        "text",
        True,
        "Berlin. Die Feuerwehr kämpft gegen einen Brand in Lichterfelde.",
        [],
        ["Berlin"],
    ),
    (
        "text",
        True,
        "Hamburg. Wie das Wetter zur Herausforderung wurde, zeigt der Marathon.",
        [],
        ["Hamburg"],
    ),
    ("text", True, "Flensburg | Die Förde bekommt einen neuen Anleger.", [], ["Flensburg"]),
    # -- international
    (
        "text",
        False,
        "MEXICO CITY (AP) — Mexico’s economy grew by 1.1% in the first quarter.",
        ["AP"],
        ["Mexico City"],
    ),
    (
        "text",
        False,
        "LA CROSSE, Wis. (AP) — After a summer of historic tumult, the race is open.",
        ["AP"],
        ["La Crosse"],
    ),
    (
        "text",
        False,
        "KATHMANDU, April 25 (Reuters) - Nepal's civil aviation authority disputed it.",
        ["Reuters"],
        ["Kathmandu"],
    ),
    (
        "text",
        False,
        "BEIRUT/THE HAGUE, March 7 (Reuters) - An Israeli tank crew killed a reporter.",
        ["Reuters"],
        ["Beirut", "The Hague"],
    ),
    ("text", False, "PARIS (AFP) - France's president met unions on Monday.", ["AFP"], ["Paris"]),
    ("text", False, "DUBLIN — Independent socialist Catherine Connolly won.", [], ["Dublin"]),
    # -- bylines: person + agency, agency only
    ("byline", True, "Von Anna Muster, dpa", ["dpa"], []),
    ("byline", True, "Anna Muster und Max Beispiel, dpa", ["dpa"], []),
    ("byline", True, "dpa", ["dpa"], []),
    ("byline", True, "dpa/lno", ["dpa"], []),
    ("byline", True, "AFP", ["AFP"], []),
    ("byline", True, "Reuters", ["Reuters"], []),
    ("byline", True, "Anna Muster/RND", ["RND"], []),
    ("byline", True, "epd", ["epd"], []),
    ("byline", True, "KNA", ["KNA"], []),
    ("byline", True, "Von Max Beispiel (dpa)", ["dpa"], []),
    ("byline", True, "Von Anna Muster, dpa | 21.01.2022, 12:31 Uhr", ["dpa"], []),
    ("byline", True, "dpa Deutsche Presse-Agentur GmbH", ["dpa"], []),
    ("byline", False, "Associated Press", ["AP"], []),
    ("byline", False, "Agence France-Presse", ["AFP"], []),
    # -- credit, source and tag lines
    ("line", True, "Mit Material von dpa", ["dpa"], []),
    ("line", True, "Mit Material von dpa und AFP.", ["dpa", "AFP"], []),
    (
        "line",
        True,
        "Mit Material der Nachrichtenagenturen dpa, Reuters und AFP",
        ["dpa", "Reuters", "AFP"],
        [],
    ),
    ("line", True, "Quelle: epd", ["epd"], []),
    ("line", True, "Quellen: dpa, KNA", ["dpa", "KNA"], []),
    ("line", True, "mit Agenturmaterial von dpa", ["dpa"], []),
    ("line", True, "Dieser Text entstand mit Material der Deutschen Presse-Agentur.", ["dpa"], []),
    ("line", True, "(dpa)", ["dpa"], []),
    ("line", True, "AFP/dpa/aerz", ["AFP", "dpa"], []),
    ("line", True, "dpa/lno", ["dpa"], []),
    ("line", True, "Das sagte der Sprecher am Abend. (dpa)", ["dpa"], []),
    ("line", False, "(AP)", ["AP"], []),
    # -- false friends: no agency, no dateline
    ("byline", True, "Sid Meier", [], []),
    ("byline", True, "Von Max Reuter", [], []),
    ("byline", True, "Von Dana Dpaschke", [], []),
    ("byline", True, "Apollonia Apel", [], []),
    ("text", True, "Apotheken in Kiel bleiben am Sonntag geschlossen, sagt die Kammer.", [], []),
    ("text", True, "Wie AFP berichtet, hat die Regierung den Plan gestoppt.", [], []),
    (
        "text",
        True,
        "Laut der Deutschen Presse-Agentur (dpa) hat die Regierung den Plan gestoppt.",
        [],
        [],
    ),
    ("text", True, "Die Polizei (Foto: dpa) sperrte die Straße am Hafen.", [], []),
    ("text", True, "Endlich. Die Saison beginnt am Wochenende.", [], []),
    ("text", True, "Olaf Scholz – der Kanzler zieht Bilanz.", [], []),
    ("text", True, "Schleswig-Holstein hat einen neuen Haushalt beschlossen.", [], []),
    ("text", True, "Der Kap-Verde-Urlaub wird teurer, meldet der Reiseverband.", [], []),
    ("text", True, "Halle (Saale) ist die größte Stadt Sachsen-Anhalts.", [], []),
    (
        "text",
        False,
        "Berlin. The capital is growing.",
        [],
        [],
    ),  # mixed case without agency: German only
    ("text", False, "Update: The road is closed again.", [], []),
    ("text", True, "EILMELDUNG: Die A7 ist gesperrt.", [], []),
    ("line", True, "Foto: dpa", [], []),
    ("line", True, "Foto: Christian Charisius/dpa", [], []),
    ("line", True, "so die dpa", [], []),
    ("line", True, "Quelle: eigene Recherche", [], []),
    ("line", False, "With material from dpa", [], []),  # German phrase: German pages only
    ("line", False, "Mit Material von dpa", [], []),  # the same words on a non-German page
]


def read(kind: str, german: bool, text: str) -> tuple[list[str], list[str]]:
    if kind == "text":
        found = read_dateline(text, german=german)
        return (list(found.agencies), list(found.places)) if found else ([], [])
    if kind == "byline":
        return byline_agencies(text), []
    lines = agency_line(text) + credit_agencies(text, german=german)
    return list(dict.fromkeys(lines)), []


def test_the_table_is_large_and_varied() -> None:
    assert len(FORMS) >= 80
    kinds = {kind for kind, *_ in FORMS}
    assert kinds == {"text", "byline", "line"}
    assert sum(1 for *_, agencies, places in FORMS if not agencies and not places) >= 20


@pytest.mark.parametrize(("kind", "german", "text", "agencies", "places"), FORMS)
def test_form(kind: str, german: bool, text: str, agencies: list[str], places: list[str]) -> None:
    assert read(kind, german, text) == (agencies, places)


def test_table_pass_rate(capsys: pytest.CaptureFixture[str]) -> None:
    passed = sum(read(k, g, t) == (a, p) for k, g, t, a, p in FORMS)
    with capsys.disabled():
        print(f"\nagency/dateline forms: {passed}/{len(FORMS)} pass")
    assert passed == len(FORMS)


def test_the_dateline_leaves_the_sentence() -> None:
    found = read_dateline("Kiel (dpa) – Die Landesregierung hat getagt.", german=True)
    assert found is not None
    assert found.rest == "Die Landesregierung hat getagt."
    assert found.prefix == "Kiel (dpa) – "

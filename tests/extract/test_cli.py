"""`python -m newscrawler extract`: one page in, one JSON line out."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

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


def test_stdin_without_url() -> None:
    result = _run("-", stdin=FIXTURE.read_bytes())
    assert result.returncode == 0, result.stderr
    item = json.loads(result.stdout)
    assert item["url"] == "about:blank"
    assert item["authors"] == ["Jana Möller", "Piet Kruse"]


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "nope.html"))
    assert result.returncode == 2
    assert b"cannot read" in result.stderr
    assert result.stdout == b""

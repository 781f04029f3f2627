"""Opening a local page in headless Chromium (Playwright driving the system's Chromium, which
.ci/run installs), with what a test checks: console errors, requests that failed, a screenshot."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str:
    """The Chromium to drive; a skip outside CI when there is none (CI installs it)."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("no Chromium installed (.ci/run installs chromium-headless-shell)")
    pytest.skip("no Chromium installed (apt-get install chromium-headless-shell)")


@dataclass
class OpenedPage:
    text: str
    svg_count: int
    screenshot: Path
    distinct_colours: int
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    """Every URL the page loaded (the page itself included)."""


def open_page(path: Path, screenshot: Path) -> OpenedPage:
    """Load `path` (file://) in headless Chromium, full-page screenshot to `screenshot`."""
    from PIL import Image
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    failed: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(path.as_uri(), wait_until="load")
            text = page.inner_text("body")
            svg_count = page.locator("svg").count()
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    with Image.open(screenshot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    return OpenedPage(text, svg_count, screenshot, len(colours), errors, failed, requests)

"""The review page in a real headless Chromium: highlights, card <-> span linking, no console errors.

Selenium drives the Debian `chromium` through the Debian `chromedriver` (same build, so the protocol
always matches); the driver path is given explicitly, so Selenium Manager never downloads anything.
Playwright was not used: its Python package pins one Chromium revision and is not guaranteed to
drive whatever version Debian ships.

Set KHULASA_UPDATE_SCREENSHOT=1 to refresh docs/review-page.png (shown in the README).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures_briefings import english_briefing, seed_article

from toolkit.render import render_review

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "review-page.png"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian chromium + chromium-driver at /usr/bin (run .ci/install-browser.sh)",
    ),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (dev extra)")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1300",
]

# Text of every mark carrying a claim id, joined in document order (a claim split by overlaps has
# several marks).
JS_CLAIM_TEXT = """
return Array.from(document.querySelectorAll('mark.ev'))
  .filter(m => m.dataset.claims.split(' ').includes(arguments[0]))
  .map(m => m.textContent).join('');
"""

# The same for a role: 'who' (speaker mention, data-who) or 'cue' (data-cue).
JS_ROLE_TEXT = """
return Array.from(document.querySelectorAll('article mark[data-' + arguments[1] + ']'))
  .filter(m => m.getAttribute('data-' + arguments[1]).split(' ').includes(arguments[0]))
  .map(m => m.textContent).join('');
"""


def _driver(tmp_path: Path, *extra: str) -> Any:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


@pytest.fixture
def page(tmp_path: Path) -> Path:
    target = tmp_path / "review.html"
    target.write_text(render_review(english_briefing(), seed_article()), encoding="utf-8")
    return target


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    driver = _driver(tmp_path)
    try:
        yield driver
    finally:
        driver.quit()


def _severe(driver: Any) -> list[dict[str, Any]]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_highlights_match_offsets_and_cards_link_both_ways(browser: Any, page: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    b, article = english_briefing(), seed_article()
    browser.get(page.as_uri())
    assert browser.execute_script("return document.documentElement.className") == "js"
    assert browser.execute_script("return document.querySelector('article').textContent") == article
    for c in b.claims:
        assert browser.execute_script(JS_CLAIM_TEXT, c.id) == article[c.evidence.start : c.evidence.end], c.id

    for c in b.claims:  # who and said: the toolkit's mention and cue spans, cut from the same offsets
        assert c.speaker.mention is not None
        assert browser.execute_script(JS_ROLE_TEXT, c.id, "who") == c.speaker.mention.text, c.id
        assert browser.execute_script(JS_ROLE_TEXT, c.id, "cue") == (c.cue.text if c.cue else ""), c.id
    # Mentions and cues have their own styles: an underline, no evidence fill outside evidence.
    style = browser.execute_script(
        "var m = document.querySelector('article mark.who:not(.ev)'); var s = getComputedStyle(m);"
        "return [s.textDecorationLine, s.textDecorationStyle, s.backgroundColor];"
    )
    assert style[:2] == ["underline", "solid"] and style[2] in ("rgba(0, 0, 0, 0)", "transparent")
    cue_style = browser.execute_script(
        "return getComputedStyle(document.querySelector('article mark.cue')).textDecorationStyle"
    )
    assert cue_style == "dotted"

    # Card -> who and said: clicking c5's card lights its mention and its cue as well.
    browser.find_element(By.ID, "card-c5").click()
    assert all("active" in m.get_attribute("class") for m in browser.find_elements(By.CSS_SELECTOR, 'mark[data-who~="c5"]'))
    assert all("active" in m.get_attribute("class") for m in browser.find_elements(By.CSS_SELECTOR, 'mark[data-cue~="c5"]'))
    # Mention -> card.
    browser.find_element(By.CSS_SELECTOR, 'mark.who[data-who~="c7"]').click()
    assert "active" in browser.find_element(By.ID, "card-c7").get_attribute("class")
    # The flag is visible on its card.
    assert "not in the evidence" in browser.find_element(By.ID, "card-c1").text

    # Card -> spans: every mark of c2 (split by the overlap with c3) becomes active, nothing else.
    browser.find_element(By.ID, "card-c2").click()
    def roles(m: Any) -> list[str]:
        return " ".join(m.get_attribute(a) or "" for a in ("data-claims", "data-who", "data-cue")).split()

    active = browser.find_elements(By.CSS_SELECTOR, "article mark.active")
    assert active and all("c2" in roles(m) for m in active)  # its evidence, mention and cue, nothing else
    evidence = browser.find_elements(By.CSS_SELECTOR, 'mark.ev[data-claims~="c2"]')
    assert evidence and all("active" in m.get_attribute("class") for m in evidence)
    assert "active" in browser.find_element(By.ID, "card-c2").get_attribute("class")

    # Span -> card.
    browser.find_element(By.ID, "ev-c6").click()
    assert "active" in browser.find_element(By.ID, "card-c6").get_attribute("class")
    assert "active" not in browser.find_element(By.ID, "card-c2").get_attribute("class")

    browser.find_element(By.ID, "card-c4").click()  # a visible highlight in the picture
    time.sleep(1.0)  # let the smooth scroll finish, then show the page from the top
    browser.execute_script("window.scrollTo(0, 0); document.querySelector('.article-col').scrollTo(0, 0)")
    shot = tmp_path / "review-page.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("KHULASA_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
    assert _severe(browser) == []


def test_static_highlights_without_javascript(page: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = _driver(tmp_path, "--blink-settings=scriptEnabled=false")
    try:
        driver.get(page.as_uri())
        # The page's own script never ran: the no-js class is still there.
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("class") == "no-js"
        marks = driver.find_elements(By.CSS_SELECTOR, "article mark.ev")
        assert len(marks) >= len(english_briefing().claims)
        colours = {m.value_of_css_property("background-color") for m in marks}
        assert colours and not colours & {"rgba(0, 0, 0, 0)", "transparent"}
        assert _severe(driver) == []
    finally:
        driver.quit()

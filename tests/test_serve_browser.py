"""The web pages in a real headless Chromium (Debian chromium + chromedriver, as the review-page test).

Over a live server whose store holds the 12 seeds' briefings by the offline engine (with assigned
dates, see serve_seeded.py): search for a speaker, open their page, open an article from a result,
log in with the token, and no console errors anywhere. Set KHULASA_UPDATE_SCREENSHOT=1 to refresh
docs/serve-speaker-page.png (shown in the README).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

pytest.importorskip("fastapi", reason="needs the serve extra")

from serve_seeded import seeded_server
from servers.khulasa_http import LiveServer
from test_review_browser import CHROMEDRIVER, CHROMIUM, _driver, _severe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian chromium + chromium-driver at /usr/bin (run .ci/install-browser.sh)",
    ),
]
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "serve-speaker-page.png"
TOKEN = "browser-test-token"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with seeded_server(tmp_path_factory.mktemp("browser"), token=TOKEN) as server:
        yield server


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    driver = _driver(tmp_path)
    try:
        yield driver
    finally:
        driver.quit()


SPEAKER = "سامر الخطيب"  # speaks in two of the dated example articles


def _top_speaker(srv: LiveServer) -> dict[str, Any]:
    speakers = srv.call("GET", "/v1/speakers", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    return next(s for s in speakers if s["name"] == SPEAKER)


def _navigate(browser: Any, action: Any) -> None:
    """Run a click or submit that loads a new page, and wait until that page has loaded.

    Without the wait, a find_element right after the click can return the old page's element, which
    goes stale while its text is read (seen once in a clean-clone CI run).
    """
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.find_element(By.TAG_NAME, "html")
    action()
    wait = WebDriverWait(browser, 20)
    wait.until(ec.staleness_of(old))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def test_search_a_speaker_open_their_page_then_an_article(browser: Any, srv: LiveServer, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    top = _top_speaker(srv)
    browser.get(f"{srv.url}/?token={TOKEN}")  # the token once: a cookie from now on
    assert "token" not in browser.current_url
    box = browser.find_element(By.NAME, "q")
    box.send_keys(top["name"])
    _navigate(browser, box.submit)
    assert quote_plus(top["name"]) in browser.current_url
    results = browser.find_elements(By.CSS_SELECTOR, "ol.results li.claim")
    assert results, "the search found the speaker's claims"

    _navigate(browser, browser.find_element(By.CSS_SELECTOR, "a.speaker-link").click)
    assert f"/speakers/{top['speaker_id']}" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(top["name"])
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.timeline rect")
    assert len({b.get_attribute("x") for b in bars}) >= 2, "the timeline has bars in two weeks"
    shot = tmp_path / "speaker.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("KHULASA_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
    assert _severe(browser) == []

    _navigate(browser, browser.back)
    link = browser.find_element(By.CSS_SELECTOR, "a.open-article")
    claim_anchor = link.get_attribute("href").rsplit("#", 1)[1]
    _navigate(browser, link.click)
    assert "/articles/" in browser.current_url
    mark = browser.find_element(By.ID, claim_anchor)
    assert mark.tag_name in ("mark", "span") and browser.execute_script("return document.documentElement.className") == "js"
    article_text = browser.execute_script("return document.querySelector('article').textContent")
    assert article_text and browser.find_element(By.CSS_SELECTOR, "article").get_attribute("dir") == "rtl"
    assert _severe(browser) == []


def test_without_the_cookie_the_login_form_lets_you_in(browser: Any, srv: LiveServer) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{srv.url}/speakers")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("This server needs its token")
    browser.find_element(By.NAME, "token").send_keys(TOKEN)
    _navigate(browser, browser.find_element(By.CSS_SELECTOR, "form button").click)
    assert browser.current_url.endswith("/speakers")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Speakers"
    cookie = browser.get_cookie("khulasa_session")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["value"] != TOKEN
    # the 401 of the first visit is the browser's only console error
    errors = [e for e in _severe(browser) if "401" not in e["message"]]
    assert errors == []


def test_pages_work_without_javascript(tmp_path: Path, srv: LiveServer) -> None:
    from selenium.webdriver.common.by import By

    driver = _driver(tmp_path, "--blink-settings=scriptEnabled=false")
    try:
        driver.get(f"{srv.url}/?token={TOKEN}&q={quote(_top_speaker(srv)['name'])}")
        assert driver.find_elements(By.CSS_SELECTOR, "ol.results li.claim")
        _navigate(driver, driver.find_element(By.CSS_SELECTOR, "a.open-article").click)
        assert driver.find_elements(By.CSS_SELECTOR, "mark.ev")
    finally:
        driver.quit()

"""The preview in a real browser: Debian's headless Chromium, driven by chromedriver through
Selenium, opens the sample site as `feedpub serve` serves it and reads the text it renders.

Expectations are the seed story's (../shared/seeds/): its title, its byline, its section,
and the reader-quotes section under its heading.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from .conftest import REPO, required_tool
from .test_serve import Served

TITLE = (
    "Ford Explores EV Manufacturing Partnerships with Chinese Tech Giant Xiaomi, "
    "Amid Political Headwinds"
)
#: Flags for a root user on a machine with a closed network (see the machine notes).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    chromium = required_tool("chromium", "chromium", "the headless-browser preview test")
    driver_path = required_tool("chromedriver", "chromium-driver", "the preview test")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO / "entries", root / "entries")
    server = Served(root, "--port", "0", "--no-watch")
    try:
        yield server.started()
    finally:
        server.stop()


def test_the_served_page_shows_the_story_as_a_reader_would(
    browser: webdriver.Chrome, served: Served
) -> None:
    browser.get(f"http://127.0.0.1:{served.port}/")
    text = browser.find_element(By.TAG_NAME, "body").text
    assert TITLE in text
    assert "By Emily Carter" in text
    assert "Business & Economy" in text
    assert "2025-11-14 09:00 (UTC-05:00)" in text
    # The body, down to the reader quotes under their heading, and none of the page chrome.
    quotes = browser.find_element(By.XPATH, "//h2[text()='Industry Voices React']")
    assert quotes.is_displayed()
    assert "Michael Rodriguez" in text and "Dr. Evelyn Park" in text
    assert "Leave a Reply" not in text
    # The title links to the story; the feed list links to the feeds.
    story = browser.find_element(By.LINK_TEXT, TITLE)
    assert story.get_attribute("href") == (
        "https://news.example.com/2025/11/ford-xiaomi-ev-partnership-talks/"
    )
    assert browser.find_element(By.PARTIAL_LINK_TEXT, "(Atom)").is_displayed()


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_a_feed_opened_in_the_browser_is_a_readable_page(
    browser: webdriver.Chrome, served: Served, name: str
) -> None:
    # Chromium still runs the feed's XSL stylesheet (under a banner announcing that Chrome
    # will drop XSLT); when it stops, this test says so.
    browser.get(f"http://127.0.0.1:{served.port}/{name}")
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "To subscribe, copy its address into your feed reader" in text
    assert TITLE in text
    assert "By Emily Carter" in text
    assert "Business & Economy" in text
    # The full text, as HTML: its heading is a heading, and no markup shows as text.
    heading = browser.find_element(By.XPATH, "//div[@class='content']/h2")
    assert heading.text == "Industry Voices React"
    assert "Michael Rodriguez" in text
    assert "<blockquote>" not in text and "<p>" not in text

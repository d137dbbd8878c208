"""A reader's paths through the site in a real browser: Playwright driving Debian's Chromium.

CI installs Chromium and makes these mandatory; elsewhere they skip, with a message, when it is absent.
"""

import pytest

from articles.tests.factories import make_archive

pytestmark = pytest.mark.browser


@pytest.fixture
def archive(transactional_db):
    return make_archive()


@pytest.fixture
def page(browser, live_server, archive):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_filter_quotes_by_a_speaker_from_the_form(page):
    page.goto("/quotes/")
    page.get_by_label("Speaker").fill("Grace Hopper")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/quotes/?*speaker=Grace+Hopper*")
    quotes = page.locator("figure.quote blockquote")
    assert quotes.all_inner_texts() == ["The harbour wall will be rebuilt by spring"]


def test_follow_a_quote_to_its_speaker_and_back_to_the_article(page, archive):
    page.goto("/quotes/?speaker=ada-lovelace&kind=indirect")
    page.locator("figure.quote").get_by_role("link", name="Ada Lovelace").click()
    page.wait_for_url("**/speakers/ada-lovelace/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ada Lovelace"
    page.get_by_role("link", name=archive.treaty.headline).first.click()
    page.wait_for_url(f"**{archive.treaty.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == archive.treaty.headline
    assert page.locator("a.mark-quote").first.get_attribute("href") == "/speakers/ada-lovelace/"


def test_search_a_speakers_quotes_from_their_page(page, archive, monkeypatch):
    monkeypatch.setattr("articles.views.QUOTES_SHOWN", 1)  # the search is offered where the page holds not all
    page.goto("/speakers/ada-lovelace/")
    page.get_by_label("Search Ada Lovelace’s quotes").fill("aid")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url("**/quotes/?speaker=ada-lovelace&q=aid")
    assert page.locator("figure.quote blockquote").all_inner_texts() == ["We will double the aid budget by 2019"]
    assert page.get_by_label("Speaker").input_value() == "ada-lovelace"


def test_filter_pledges_by_status(page, archive):
    page.goto("/pledges/")
    page.get_by_label("Status", exact=True).select_option("kept")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/pledges/?*status=kept*")
    assert page.locator(".pledge-action").all_inner_texts() == ["Send 600 troops to the mission"]
    page.get_by_role("link", name="1 Broken").click()
    assert page.locator(".pledge-action").all_inner_texts() == ["Rebuild the harbour wall"]


def test_search_and_open_a_result(page, archive):
    page.goto("/")
    search = page.get_by_role("search").first
    search.get_by_role("searchbox").fill("harbour wall")
    search.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=harbour+wall")
    assert page.locator("mark", has_text="harbour").count() > 0
    page.locator(".article-list").get_by_role("link", name=archive.harbour.headline).click()
    assert page.get_by_role("heading", level=1).inner_text() == archive.harbour.headline


def test_read_an_article_at_phone_width(browser, live_server, archive):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        for url in ("/", archive.treaty.get_absolute_url(), "/quotes/", "/pledges/", "/speakers/"):
            page.goto(url)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url} is {overflow}px wider than the phone"
        assert page.get_by_role("navigation", name="Sections").is_visible()
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to content")
        assert skip.evaluate("element => element === document.activeElement")
        assert skip.bounding_box()["x"] >= 0  # shown on focus, not left off-screen
    finally:
        context.close()

"""One review in a real browser: open the queue, approve an item, reject another with a reason, see the site change."""

import pytest
from playwright.sync_api import expect

from articles.models import Origin, Quote, Review
from articles.tests.admin_helpers import make_editor
from articles.tests.factories import make_article, make_speaker, span

PASSWORD = "a-long-editor-password"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_page(browser, live_server):
    """A page signed in to the admin as an editor."""
    make_editor("desk")
    page = browser.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    yield page
    page.close()


def choose(page, quote, action):
    page.check(f"input[name=_selected_action][value='{quote.pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def test_one_review(editor_page, live_server):
    body = "The mayor said the harbour wall would be finished by spring. The minister said taxes would fall next year."
    article = make_article(body=body)
    speaker = make_speaker("Jane Doe")
    found = {"origin": Origin.EXTRACTOR, "review": Review.UNREVIEWED, "speaker": speaker, "method": "said-after"}
    kept = Quote.objects.create(**span(article, "the harbour wall would be finished by spring"), **found)
    wrong = Quote.objects.create(**span(article, "taxes would fall next year"), **found)
    public = f"{live_server.url}{article.get_absolute_url()}"
    page = editor_page

    page.goto(f"{live_server.url}/admin/")
    page.click("#review-queue a:has-text('Quotes awaiting review')")
    expect(page.locator(f"mark:has-text('{kept.text}')")).to_have_count(1)

    choose(page, kept, "approve")
    expect(page.locator(".messagelist")).to_contain_text("Approved 1 quotes")

    choose(page, wrong, "reject")
    page.fill("textarea[name=reason]", "The minister was not speaking of this plan.")
    page.click("input[type=submit][value=Reject]")
    expect(page.locator(".messagelist")).to_contain_text("Rejected 1 quotes")
    expect(page.locator("#result_list mark")).to_have_count(0)  # the queue is empty

    page.goto(public)
    expect(page.locator(f"a[href='{kept.get_absolute_url()}']")).to_have_count(1)
    expect(page.locator(f"a[href='{wrong.get_absolute_url()}']")).to_have_count(0)
    expect(page.locator(".is-unreviewed")).to_have_count(0)
    wrong.refresh_from_db()
    assert wrong.review_note == "The minister was not speaking of this plan."

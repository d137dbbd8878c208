"""The editors' desk: accounts and permissions, articles, the review queue, conflicts and history."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from articles.curation import extract_article
from articles.editors import EDITORS_GROUP
from articles.models import Article, CorrectionSuggestion, Origin, Quote, Review, Speaker
from articles.tests.admin_helpers import change_form_data, client_for, make_editor, run_action
from articles.tests.factories import make_article, make_pledge, make_quote

pytestmark = pytest.mark.django_db

QUOTES = "/admin/articles/quote/"
ARTICLES = "/admin/articles/article/"
STORY = (
    "OTTAWA (Reuters) - Canada will send 200 troops to Mali, Defence Minister Harjit Sajjan said on Monday. "
    '"We will be there by the end of the year," Sajjan told reporters. '
    '"This is a serious commitment," said Prime Minister Justin Trudeau.'
)


@pytest.fixture
def editor():
    return make_editor()


@pytest.fixture
def desk(editor):
    return client_for(editor)


def machine_quote(text="the budget would build 40 new bridges", **overrides):
    return make_quote(
        text, **{"origin": Origin.EXTRACTOR, "review": Review.UNREVIEWED, "method": "said-after", **overrides}
    )


# Accounts and permissions


def test_editors_group_holds_content_permissions_after_migrate():
    codenames = set(Group.objects.get(name=EDITORS_GROUP).permissions.values_list("codename", flat=True))
    assert {"change_quote", "change_pledge", "add_article", "delete_speaker", "view_historicalquote"} <= codenames
    assert not codenames & {"change_user", "view_user", "add_group", "change_permission"}


def test_create_editor_command(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a-long-editor-password")
    call_command("create_editor", "alice", "--email", "alice@example.org", "--no-input", stdout=io.StringIO())
    alice = Group.objects.get(name=EDITORS_GROUP).user_set.get(username="alice")
    assert alice.is_staff and not alice.is_superuser and alice.check_password("a-long-editor-password")


def test_create_editor_refuses_a_missing_or_weak_password(monkeypatch):
    with pytest.raises(CommandError, match="DJANGO_EDITOR_PASSWORD"):
        call_command("create_editor", "bob", "--no-input")
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "bob")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_editor", "bob", "--no-input")


def test_create_editor_makes_an_existing_account_an_editor_and_dry_run_changes_nothing(django_user_model):
    django_user_model.objects.create_user(username="carol", password="kept-as-it-was-123")
    call_command("create_editor", "carol", "--dry-run", stdout=io.StringIO())
    assert not django_user_model.objects.get(username="carol").is_staff
    call_command("create_editor", "carol", "--no-input", stdout=io.StringIO())
    carol = django_user_model.objects.get(username="carol")
    assert carol.is_staff and carol.groups.filter(name=EDITORS_GROUP).exists()
    assert carol.check_password("kept-as-it-was-123")


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"])
def test_an_editor_cannot_reach_users_or_groups(desk, url):
    assert desk.get(url).status_code == 403
    assert "/admin/auth/" not in desk.get("/admin/").text


ADMIN_PAGES = [
    "/admin/",
    ARTICLES,
    f"{ARTICLES}import/",
    QUOTES,
    f"{QUOTES}precision/",
    "/admin/articles/speaker/",
    "/admin/articles/speakermerge/",
    "/admin/articles/outlet/",
    "/admin/pledges/pledge/",
    "/admin/pledges/pledge/precision/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_an_editor_reaches_every_desk_page(desk, url):
    assert desk.get(url).status_code == 200


@pytest.mark.parametrize("url", [*ADMIN_PAGES, "/admin/auth/user/"])
def test_an_anonymous_visitor_reaches_no_admin_page(url):
    response = Client().get(url)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_an_anonymous_visitor_reaches_no_object_page_or_history():
    quote = make_quote()
    for url in [f"{QUOTES}{quote.pk}/change/", f"{QUOTES}{quote.pk}/history/"]:
        response = Client().get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")


# Articles


def test_article_list_shows_outlet_date_subject_place_and_review_counts(desk):
    quote = machine_quote()
    make_pledge(article=quote.article, text=quote.text, origin=Origin.EXTRACTOR, review=Review.UNREVIEWED)
    response = desk.get(ARTICLES)
    row = response.text
    assert quote.article.headline in row and "politics" in row and "Ottawa" in row
    assert f"/admin/articles/quote/?article={quote.article.pk}" in row and "1 quote" in row and "1 pledge" in row


def test_article_list_queries_do_not_grow_with_rows(desk, django_assert_max_num_queries):
    for number in range(30):
        machine_quote(f"quoted words number {number}")
    with django_assert_max_num_queries(12):
        assert desk.get(ARTICLES).status_code == 200


def test_article_search_is_full_text(desk):
    make_article(headline="Harbour wall", body="The council will rebuild the harbours by spring.")
    make_article(headline="Budget", body="Nothing about the sea.")
    response = desk.get(ARTICLES, {"q": "harbour"})
    assert "Harbour wall" in response.text and "Budget" not in response.text
    make_article(headline="By id", external_id="isot-17")
    assert "By id" in desk.get(ARTICLES, {"q": "isot-17"}).text


def test_article_filters_show_facet_counts_on_demand(desk):
    make_article(subject="worldnews")
    assert "worldnews (1)" not in desk.get(ARTICLES).text
    assert "worldnews (1)" in desk.get(ARTICLES, {"_facets": "True"}).text


def test_rerun_extraction_keeps_editors_decisions(desk):
    article = make_article(body=STORY)
    extract_article(article)
    quotes = list(article.quotes.order_by("start"))
    assert len(quotes) >= 2
    approved, rejected = quotes[0], quotes[1]
    Quote.objects.filter(pk=approved.pk).update(review=Review.APPROVED)
    Quote.objects.filter(pk=rejected.pk).update(review=Review.REJECTED, review_note="not a quote")
    response = run_action(desk, ARTICLES, "rerun_extraction", [article])
    assert "Re-ran extraction on 1 articles" in response.text
    assert Quote.objects.get(pk=approved.pk).review == Review.APPROVED
    assert Quote.objects.get(pk=rejected.pk).review_note == "not a quote"
    assert article.quotes.count() == len(quotes)


def test_rerun_extraction_refuses_too_many_articles(desk, monkeypatch):
    monkeypatch.setattr("articles.admin.MAX_ARTICLES_TO_EXTRACT", 1)
    response = run_action(desk, ARTICLES, "rerun_extraction", [make_article(), make_article()])
    assert "Choose at most 1 articles" in response.text


def test_rerun_extraction_reports_an_article_that_fails(desk, monkeypatch):
    article = make_article(headline="Broken story")
    monkeypatch.setattr("articles.admin.extract_article", lambda article: 1 / 0)
    response = run_action(desk, ARTICLES, "rerun_extraction", [article])
    assert response.status_code == 200 and "Extraction failed on: Broken story" in response.text


def test_editing_a_quote_inline_marks_it_edited(desk):
    quote = machine_quote()
    url = f"{ARTICLES}{quote.article.pk}/change/"
    data = change_form_data(desk.get(url), **{"quotes-0-speaker_role": "the minister"})
    response = desk.post(url, data, follow=True)
    assert response.status_code == 200 and "was changed successfully" in response.text
    quote.refresh_from_db()
    assert (quote.speaker_role, quote.review) == ("the minister", Review.EDITED)


# The import page


def upload(name: str, content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode())


def test_import_page_imports_and_lists_rejected_records_by_line(desk):
    csv = "title,text,subject,date\nGood story,The mayor said the wall would be finished.,news,2017-11-15\n"
    csv += "Bad date,Some text here.,news,someday\n"
    jsonl = '{"title": "From JSON", "text": "A second story."}\nnot json\n'
    response = desk.post(f"{ARTICLES}import/", {"files": [upload("wire.csv", csv), upload("feed.jsonl", jsonl)]})
    assert response.status_code == 200
    assert set(Article.objects.values_list("headline", flat=True)) == {"Good story", "From JSON"}
    assert "2 imported" in response.text and "2 rejected" in response.text
    assert "wire.csv:3" in response.text and "unreadable date" in response.text
    assert "feed.jsonl:2" in response.text and "invalid JSON" in response.text


def test_import_page_imports_a_text_file_as_a_draft(desk):
    desk.post(f"{ARTICLES}import/", {"files": [upload("story.txt", "Headline\n\nThe body.")], "draft": "on"})
    assert Article.objects.get().status == Article.Status.DRAFT


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "Choose a file to import."),
        ([upload("notes.pdf", "%PDF")], "notes.pdf is not an article file"),
    ],
)
def test_import_page_explains_a_bad_upload(desk, files, message):
    response = desk.post(f"{ARTICLES}import/", {"files": files})
    assert response.status_code == 200 and message in response.text
    assert not Article.objects.exists()


def test_import_page_refuses_a_file_over_the_limit(desk, monkeypatch):
    monkeypatch.setattr("articles.admin_views.MAX_UPLOAD_BYTES", 10)
    response = desk.post(f"{ARTICLES}import/", {"files": [upload("big.txt", "x" * 100)]})
    assert "manage.py import_articles" in response.text


def test_import_page_reports_a_story_that_cannot_be_stored(desk, monkeypatch):
    monkeypatch.setattr("articles.admin_views.import_article", lambda *args, **kwargs: 1 / 0)
    response = desk.post(f"{ARTICLES}import/", {"files": [upload("story.txt", "The body.")]})
    assert response.status_code == 200 and "story.txt:1" in response.text and "could not be stored" in response.text


def test_import_page_needs_add_permission(editor):
    editor.groups.clear()
    assert client_for(editor).get(f"{ARTICLES}import/").status_code == 403


# The review queue


def test_queue_shows_items_awaiting_review_highlighted_with_confidence_and_rule(desk):
    waiting = machine_quote(confidence=0.83)
    approved = make_quote("approved words here")
    response = desk.get(QUOTES)
    assert f"<mark>{waiting.text}</mark>" in response.text and "0.83" in response.text and "said-after" in response.text
    assert approved.text not in response.text
    assert approved.text in desk.get(QUOTES, {"review": "all"}).text


def test_approve_action_records_the_editor_in_history(desk, editor):
    quotes = [machine_quote(), machine_quote("a second quoted sentence")]
    response = run_action(desk, QUOTES, "approve", quotes)
    assert "Approved 2 quotes" in response.text
    for quote in quotes:
        quote.refresh_from_db()
        assert quote.review == Review.APPROVED and quote.version == 2
        assert quote.history.first().history_user == editor


def test_a_review_of_more_items_than_a_batch_reviews_and_recounts_them_all(desk, editor, monkeypatch):
    # Batches of two, so that three quotes of three speakers take two of each.
    monkeypatch.setattr("articles.counting.BATCH_SIZE", 2)
    monkeypatch.setattr("articles.reviewing.BATCH_SIZE", 2)
    quotes = [machine_quote(f"the {n} bridges would be built") for n in range(3)]
    assert {Speaker.objects.get(pk=quote.speaker_id).quote_count for quote in quotes} == {1}
    response = run_action(desk, QUOTES, "reject", quotes, reason="Never said.")
    assert "3 quotes" in response.text
    for quote in quotes:
        quote.refresh_from_db()
        assert (quote.review, quote.public, quote.version) == (Review.REJECTED, False, 2)
        assert quote.history.first().history_user == editor
        assert quote.speaker.quote_count == 0


def test_reject_action_asks_for_a_reason_and_keeps_it(desk, client):
    quote = machine_quote()
    page = quote.article.get_absolute_url()
    assert quote.get_absolute_url() in client.get(page).text
    confirmation = run_action(desk, QUOTES, "reject", [quote])
    assert "reject-confirmation" in confirmation.text and quote.text in confirmation.text
    refused = run_action(desk, QUOTES, "reject", [quote], reason="  ")
    assert "Give the reason for rejecting" in refused.text
    assert Quote.objects.get(pk=quote.pk).review == Review.UNREVIEWED
    run_action(desk, QUOTES, "reject", [quote], reason="The minister never said this.")
    quote.refresh_from_db()
    assert (quote.review, quote.review_note) == (Review.REJECTED, "The minister never said this.")
    assert quote.get_absolute_url() not in client.get(page).text


def test_rejecting_in_the_change_form_needs_a_reason(desk):
    quote = machine_quote()
    url = f"{QUOTES}{quote.pk}/change/"
    response = desk.post(url, change_form_data(desk.get(url), review=Review.REJECTED, review_note=""))
    assert "Give the reason for rejecting" in response.text
    assert Quote.objects.get(pk=quote.pk).review == Review.UNREVIEWED


def test_editing_a_machine_quote_marks_it_edited_and_can_be_reverted(desk):
    quote = machine_quote()
    url = f"{QUOTES}{quote.pk}/"
    desk.post(f"{url}change/", change_form_data(desk.get(f"{url}change/"), speaker_role="finance minister"))
    quote.refresh_from_db()
    assert (quote.speaker_role, quote.review) == ("finance minister", Review.EDITED)
    history = desk.get(f"{url}history/")
    assert "finance minister" in history.text or "Speaker role" in history.text
    first = quote.history.last()
    revert_url = f"{url}history/{first.history_id}/"
    response = desk.post(revert_url, change_form_data(desk.get(revert_url)), follow=True)
    assert response.status_code == 200
    quote.refresh_from_db()
    assert (quote.speaker_role, quote.review) == ("", Review.UNREVIEWED)


def test_admin_index_counts_the_queue(desk):
    machine_quote()
    machine_quote("a second quoted sentence")
    response = desk.get("/admin/")
    assert 'id="review-queue"' in response.text
    assert "Quotes awaiting review</a></th><td>2" in response.text


def test_precision_page_counts_approved_over_reviewed_by_rule(desk):
    for number, review in enumerate([Review.APPROVED, Review.APPROVED, Review.APPROVED, Review.REJECTED]):
        machine_quote(f"quoted words number {number}", review=review)
    machine_quote("still awaiting review")
    response = desk.get(f"{QUOTES}precision/")
    row = response.context["tables"][0][1][0]
    assert (row["method"], row["reviewed"], row["approved"], row["rejected"]) == ("said-after", 4, 3, 1)
    assert "75%" in response.text


# Conflicts


def test_second_editor_saving_the_same_quote_is_shown_the_first_ones_change(desk, django_user_model):
    quote = machine_quote()
    other = client_for(make_editor("other"))
    url = f"{QUOTES}{quote.pk}/change/"
    mine, theirs = desk.get(url), other.get(url)
    other.post(url, change_form_data(theirs, speaker_role="mayor"))
    response = desk.post(url, change_form_data(mine, speaker_role="minister"))
    assert response.status_code == 200
    assert "other saved a change to this quote" in response.text and "mayor" in response.text
    assert Quote.objects.get(pk=quote.pk).speaker_role == "mayor"
    # Saving again, having seen their change, is deliberate and goes through.
    again = desk.post(url, change_form_data(response, speaker_role="minister"), follow=True)
    assert "was changed successfully" in again.text
    assert Quote.objects.get(pk=quote.pk).speaker_role == "minister"


def test_a_review_in_the_queue_conflicts_with_an_open_form(desk):
    quote = machine_quote()
    url = f"{QUOTES}{quote.pk}/change/"
    form = desk.get(url)
    run_action(client_for(make_editor("other")), QUOTES, "reject", [quote], reason="wrong speaker")
    response = desk.post(url, change_form_data(form, speaker_role="minister"))
    assert "other saved a change" in response.text and "wrong speaker" in response.text
    assert Quote.objects.get(pk=quote.pk).review == Review.REJECTED


def test_speaker_admin_edits_kind_and_wikidata_id(desk):
    speaker = Speaker.objects.create(name="Justin Trudeau")
    url = f"/admin/articles/speaker/{speaker.pk}/change/"
    data = change_form_data(desk.get(url), kind=Speaker.Kind.PERSON, wikidata_id="Q3099714")
    data.update({"aliases-0-name": "Prime Minister Justin Trudeau"})
    desk.post(url, data)
    speaker.refresh_from_db()
    assert speaker.wikidata_id == "Q3099714"
    assert list(speaker.aliases.values_list("name", flat=True)) == ["Prime Minister Justin Trudeau"]
    bad = desk.post(url, change_form_data(desk.get(url), wikidata_id="wikidata"))
    assert "A Wikidata ID looks like Q12345." in bad.text


def test_readers_corrections_wait_in_the_queue_until_resolved(desk):
    quote = machine_quote()
    CorrectionSuggestion.objects.create(quote=quote, message="The minister said 14 bridges, not 40.")
    page = desk.get("/admin/articles/correctionsuggestion/?resolved__exact=0")
    assert "The minister said 14 bridges, not 40." in page.text
    assert quote.get_absolute_url() in page.text
    run_action(desk, "/admin/articles/correctionsuggestion/", "mark_resolved", CorrectionSuggestion.objects.all())
    assert CorrectionSuggestion.objects.get().resolved
    assert "14 bridges" not in desk.get("/admin/articles/correctionsuggestion/?resolved__exact=0").text

"""Merging duplicate speakers, from the admin and in merging.py, and undoing it."""

from unittest import mock

import pytest

from articles.merging import MergeError, merge_speakers, redirect_for, undo_merge
from articles.models import Speaker, SpeakerAlias, SpeakerMerge, SpeakerRedirect
from articles.tests.admin_helpers import client_for, make_editor, run_action
from articles.tests.factories import make_article, make_pledge, make_quote, make_speaker

pytestmark = pytest.mark.django_db

SPEAKERS = "/admin/articles/speaker/"
MERGES = "/admin/articles/speakermerge/"


@pytest.fixture
def duplicates():
    """Justin Trudeau twice: one with a quote and an alias, the other with a pledge made for Canada."""
    kept = make_speaker("Justin Trudeau")
    duplicate = make_speaker("Trudeau, Justin")
    canada = make_speaker("Canada", kind=Speaker.Kind.ORGANISATION)
    SpeakerAlias.objects.create(speaker=duplicate, name="Prime Minister Justin Trudeau")
    quote = make_quote(speaker=duplicate)
    pledge = make_pledge(pledger=duplicate, on_behalf_of=canada)
    on_behalf = make_pledge("We will cut taxes by spring", pledger=kept, on_behalf_of=duplicate)
    return kept, duplicate, quote, pledge, on_behalf


def test_merge_moves_everything_and_redirects_the_old_page(duplicates):
    kept, duplicate, quote, pledge, on_behalf = duplicates
    old_slug = duplicate.slug
    merge = merge_speakers(kept, [duplicate])
    assert not Speaker.objects.filter(pk=duplicate.pk).exists()
    quote.refresh_from_db(), pledge.refresh_from_db(), on_behalf.refresh_from_db()
    assert (quote.speaker, pledge.pledger, on_behalf.on_behalf_of) == (kept, kept, kept)
    assert SpeakerAlias.objects.get(name="Prime Minister Justin Trudeau").speaker == kept
    assert redirect_for(old_slug) == kept and redirect_for("nobody") is None
    assert str(merge) == "Trudeau, Justin merged into Justin Trudeau"


def test_undo_puts_everything_back(duplicates):
    kept, duplicate, quote, pledge, on_behalf = duplicates
    merge = merge_speakers(kept, [duplicate])
    [restored] = undo_merge(merge)
    assert (restored.pk, restored.slug, restored.created_at) == (duplicate.pk, duplicate.slug, duplicate.created_at)
    quote.refresh_from_db(), pledge.refresh_from_db(), on_behalf.refresh_from_db()
    assert (quote.speaker, pledge.pledger, on_behalf.on_behalf_of) == (restored, restored, restored)
    assert SpeakerAlias.objects.get(name="Prime Minister Justin Trudeau").speaker == restored
    assert redirect_for(duplicate.slug) is None
    merge.refresh_from_db()
    assert merge.undone_at is not None
    with pytest.raises(MergeError, match="already undone"):
        undo_merge(merge)


def test_undo_moves_back_more_quotes_than_a_batch(duplicates, monkeypatch):
    monkeypatch.setattr("articles.merging.BATCH_SIZE", 2)
    kept, duplicate, *_ = duplicates
    article = make_article(body="One said this. Two said that. Three said more. Four said less.")
    for text in ("One said this", "Two said that", "Three said more", "Four said less"):
        make_quote(text, article=article, speaker=duplicate)
    merge = merge_speakers(kept, [duplicate])
    [restored] = undo_merge(merge)
    assert restored.quotes.count() == 5
    assert not kept.quotes.exists()


def test_a_failed_merge_changes_nothing(duplicates):
    kept, duplicate, quote, *_ = duplicates
    with (
        mock.patch.object(SpeakerRedirect.objects, "bulk_create", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        merge_speakers(kept, [duplicate])
    quote.refresh_from_db()
    assert quote.speaker == duplicate and not SpeakerMerge.objects.exists()


def test_chained_merges_unwind_newest_first():
    first, second, third = make_speaker("A Person"), make_speaker("A. Person"), make_speaker("Person, A")
    quote = make_quote(speaker=first)
    earlier = merge_speakers(second, [first])
    later = merge_speakers(third, [second])
    assert redirect_for(first.slug) == third
    earlier.refresh_from_db()
    with pytest.raises(MergeError, match="undo that merge first"):
        undo_merge(earlier)
    undo_merge(later)
    assert redirect_for(first.slug).pk == second.pk
    undo_merge(SpeakerMerge.objects.get(pk=earlier.pk))
    quote.refresh_from_db()
    assert quote.speaker.pk == first.pk


@pytest.mark.parametrize(
    ("target_kind", "message"),
    [(Speaker.Kind.UNNAMED, "Keep a named speaker"), (Speaker.Kind.PERSON, "different articles")],
)
def test_unnamed_sources_merge_only_within_their_article(target_kind, message):
    first, second = make_article(), make_article()
    target = make_speaker("an official", kind=target_kind, article=first if target_kind == "unnamed" else None)
    unnamed = [make_speaker("a diplomat", kind=Speaker.Kind.UNNAMED, article=article) for article in (first, second)]
    with pytest.raises(MergeError, match=message):
        merge_speakers(target, unnamed if target_kind == Speaker.Kind.PERSON else [make_speaker("Named")])


def test_admin_merge_shows_what_will_move_then_merges_and_undoes(duplicates):
    kept, duplicate, quote, *_ = duplicates
    desk = client_for(make_editor())
    confirmation = run_action(desk, SPEAKERS, "merge", [kept, duplicate])
    assert "merge-confirmation" in confirmation.text
    assert "Prime Minister Justin Trudeau" in confirmation.text and duplicate.get_absolute_url() in confirmation.text
    merged = run_action(desk, SPEAKERS, "merge", [kept, duplicate], keep=kept.pk, confirm="Merge")
    assert "Trudeau, Justin merged into Justin Trudeau" in merged.text
    quote.refresh_from_db()
    assert quote.speaker == kept
    merge = SpeakerMerge.objects.get()
    assert merge.merged_by.username == "editor"
    undone = run_action(desk, MERGES, "undo", [merge])
    assert "Undone: Trudeau, Justin separate from Justin Trudeau again." in undone.text
    quote.refresh_from_db()
    assert quote.speaker.pk == duplicate.pk
    again = run_action(desk, MERGES, "undo", [merge])
    assert "already undone" in again.text


def test_admin_merge_needs_two_speakers_and_a_valid_choice():
    desk = client_for(make_editor())
    alone = make_speaker()
    assert "Choose two or more speakers" in run_action(desk, SPEAKERS, "merge", [alone]).text
    article = make_article()
    unnamed = make_speaker("an aide", kind=Speaker.Kind.UNNAMED, article=article)
    refused = run_action(desk, SPEAKERS, "merge", [alone, unnamed], keep=unnamed.pk, confirm="Merge")
    assert "Keep a named speaker" in refused.text and Speaker.objects.filter(pk=alone.pk).exists()


def test_old_public_page_redirects_to_the_kept_speaker(client, duplicates):
    kept, duplicate, *_ = duplicates
    old_slug = duplicate.slug
    merge_speakers(kept, [duplicate])
    response = client.get(f"/speakers/{old_slug}/")
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()
    assert client.get("/speakers/nobody-at-all/").status_code == 404

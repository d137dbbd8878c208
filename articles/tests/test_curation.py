"""Curation: extraction output becomes rows, and nothing an editor decided is ever undone."""

import datetime as dt

import pytest

from articles.curation import apply_extraction
from articles.extraction.types import Extraction, FoundPledge, FoundQuote, Quantity, Source, SourceKind
from articles.models import Origin, Quote, Review, Speaker, unique_slugs
from articles.tests.factories import make_article, make_pledge
from pledges.models import Pledge, Status

pytestmark = pytest.mark.django_db

BODY = (
    "Prime Minister Justin Trudeau promised to send up to 600 troops. "
    "We need flexibility, Jean-Pierre Lacroix, a U.N. official, told reporters. "
    "A Canadian official said the plan was still alive."
)


def found_quote(article, words, speaker, **overrides) -> FoundQuote:
    start = article.body.index(words)
    fields = {
        "text": words,
        "start": start,
        "end": start + len(words),
        "speaker": speaker,
        "speaker_role": "",
        "kind": "direct",
        "cue": "said",
        "confidence": 0.9,
        "method": "test",
    }
    return FoundQuote(**(fields | overrides))


def found_pledge(article, words, pledger="Justin Trudeau", **overrides) -> FoundPledge:
    start = article.body.index(words)
    fields = {
        "text": words,
        "start": start,
        "end": start + len(words),
        "pledger": pledger,
        "pledger_aliases": ("Canada",),
        "action": "send up to 600 troops",
        "quantity": Quantity(600, "troops", "up to"),
        "recipient": "",
        "when": "",
        "when_date": None,
        "deadline": "by 2020",
        "deadline_date": dt.date(2020, 12, 31),
        "cue": "promised",
        "confidence": 0.8,
        "method": "test",
    }
    return FoundPledge(**(fields | overrides))


SOURCES = (
    Source("Justin Trudeau", SourceKind.PERSON, "Prime Minister", ("Trudeau", "Prime Minister Justin Trudeau")),
    Source("Jean-Pierre Lacroix", SourceKind.PERSON, "a U.N. official", ("Lacroix",)),
    Source("a Canadian official", SourceKind.UNNAMED),
)


def extraction_of(article, **overrides) -> Extraction:
    fields = {
        "quotes": (
            found_quote(article, "We need flexibility", "Jean-Pierre Lacroix", speaker_role="a U.N. official"),
            found_quote(article, "the plan was still alive", "a Canadian official", kind="indirect"),
        ),
        "pledges": (found_pledge(article, "Prime Minister Justin Trudeau promised to send up to 600 troops"),),
        "sources": SOURCES,
    }
    return Extraction(**(fields | overrides))


def test_extraction_becomes_quotes_pledges_and_speakers():
    article = make_article(body=BODY)
    outcome = apply_extraction(article, extraction_of(article))
    assert (outcome.added, outcome.refreshed, outcome.removed) == (3, 0, 0)
    lacroix = Quote.objects.get(text="We need flexibility")
    assert (lacroix.speaker.name, lacroix.speaker_role, lacroix.origin, lacroix.review) == (
        "Jean-Pierre Lacroix",
        "a U.N. official",
        Origin.EXTRACTOR,
        Review.UNREVIEWED,
    )
    pledge = Pledge.objects.get()
    assert (pledge.pledger.name, pledge.on_behalf_of.name, pledge.on_behalf_of.kind) == (
        "Justin Trudeau",
        "Canada",
        Speaker.Kind.ORGANISATION,
    )
    assert (pledge.quantity_value, pledge.quantity_unit, pledge.quantity_qualifier) == (600, "troops", "up to")
    assert pledge.deadline == dt.date(2020, 12, 31) and pledge.status == Status.NOT_YET_RATED
    unnamed = Speaker.objects.get(kind=Speaker.Kind.UNNAMED)
    assert unnamed.article == article
    trudeau = Speaker.objects.get(name="Justin Trudeau")
    assert sorted(trudeau.aliases.values_list("name", flat=True)) == ["Justin Trudeau", "Prime Minister Justin Trudeau"]


def test_rerun_changes_nothing():
    article = make_article(body=BODY)
    apply_extraction(article, extraction_of(article))
    outcome = apply_extraction(article, extraction_of(article))
    assert (outcome.added, outcome.refreshed, outcome.removed, outcome.kept) == (0, 0, 0, 0)
    assert Quote.objects.count() == 2 and Pledge.objects.count() == 1 and Speaker.objects.count() == 4


def test_same_person_in_two_articles_is_one_speaker():
    first, second = make_article(body=BODY), make_article(body=BODY + " Again.")
    apply_extraction(first, extraction_of(first))
    apply_extraction(second, extraction_of(second))
    assert Speaker.objects.filter(name="Jean-Pierre Lacroix").count() == 1
    assert Speaker.objects.filter(kind=Speaker.Kind.UNNAMED).count() == 2  # never merged across articles


def test_namesakes_are_not_merged_on_the_surname():
    first = make_article(body="Sophie Trudeau said she was pleased.")
    other = Source("Sophie Trudeau", SourceKind.PERSON, "", ("Trudeau",))
    quote = found_quote(first, "she was pleased", "Sophie Trudeau")
    apply_extraction(first, Extraction(quotes=(quote,), sources=(other,)))
    second = make_article(body=BODY)
    apply_extraction(second, extraction_of(second))
    assert set(Speaker.objects.named().values_list("name", flat=True)) >= {"Sophie Trudeau", "Justin Trudeau"}


def test_a_known_longer_alias_finds_the_speaker():
    first = make_article(body=BODY)
    apply_extraction(first, extraction_of(first))
    second = make_article(body="Prime Minister Justin Trudeau said so.")
    source = Source("Prime Minister Justin Trudeau", SourceKind.PERSON)
    apply_extraction(second, Extraction(quotes=(found_quote(second, "so", source.name),), sources=(source,)))
    assert second.quotes.get().speaker.name == "Justin Trudeau"


def curated_rows() -> dict:
    """What curation wrote, by natural keys: ids differ from one run to another."""
    from articles.models import SpeakerAlias, SpeakerMonth, SpeakerRole

    speaker_rows = Speaker.objects.values_list("name", "kind", "slug", "article_id", "quote_count", "pledge_count")
    return {
        "speakers": sorted(speaker_rows),
        "aliases": sorted(SpeakerAlias.objects.values_list("key", "name", "speaker__slug")),
        "quotes": sorted(
            Quote.objects.values_list("article_id", "text", "speaker__slug", "public", "article_published")
        ),
        "pledges": sorted(Pledge.objects.values_list("slug", "pledger__slug", "on_behalf_of__slug", "public")),
        "months": sorted(SpeakerMonth.objects.values_list("speaker__slug", "month", "quote_count")),
        "roles": sorted(SpeakerRole.objects.values_list("speaker__slug", "speaker_role", "quote_count")),
    }


def test_new_articles_curated_together_are_curated_as_one_after_another():
    from django.db import transaction

    from articles.curation import curate_new_articles

    grace = Source("Grace Hopper", SourceKind.PERSON, "Admiral", ("Admiral Grace Hopper",))
    articles = [
        make_article(body=BODY, published=dt.date(2017, 9, 1)),
        make_article(body=BODY + " Again.", published=dt.date(2017, 10, 2)),
        make_article(body="Admiral Grace Hopper said ships are safe. " + BODY, status="draft"),
    ]
    found = [
        (articles[0], extraction_of(articles[0])),
        (articles[1], extraction_of(articles[1])),
        (
            articles[2],
            extraction_of(
                articles[2],
                quotes=(*extraction_of(articles[2]).quotes, found_quote(articles[2], "ships are safe", grace.name)),
                sources=(*SOURCES, grace),
            ),
        ),
    ]
    with transaction.atomic():
        outcomes = curate_new_articles(found)
        together = curated_rows()
        transaction.set_rollback(True)
    one_after_another = [apply_extraction(article, extraction, new_article=True) for article, extraction in found]
    assert together == curated_rows()
    assert [(o.added, len(o.speakers_created)) for o in outcomes] == [(3, 4), (3, 1), (4, 2)]
    assert [(o.added, len(o.speakers_created)) for o in one_after_another] == [(3, 4), (3, 1), (4, 2)]
    assert len(together["quotes"]) == 7 and Speaker.objects.get(name="Jean-Pierre Lacroix").quote_count == 2


@pytest.mark.parametrize("decision", [Review.APPROVED, Review.EDITED, Review.REJECTED])
def test_editor_decisions_survive_a_rerun(decision):
    article = make_article(body=BODY)
    apply_extraction(article, extraction_of(article))
    quote = Quote.objects.get(text="We need flexibility")
    quote.review, quote.speaker_role = decision, "U.N. under-secretary general"
    quote.save()
    outcome = apply_extraction(article, extraction_of(article, quotes=()))  # the extractor no longer finds it
    assert outcome.kept == 0 and outcome.removed == 1  # only the untouched quote goes
    quote.refresh_from_db()
    assert (quote.review, quote.speaker_role) == (decision, "U.N. under-secretary general")
    outcome = apply_extraction(article, extraction_of(article))  # found again: not duplicated, not changed
    assert Quote.objects.filter(text="We need flexibility").count() == 1
    assert outcome.kept == 1
    quote.refresh_from_db()
    assert quote.speaker_role == "U.N. under-secretary general"


def test_edited_offsets_do_not_bring_the_original_back():
    article = make_article(body=BODY)
    apply_extraction(article, extraction_of(article))
    quote = Quote.objects.get(text="We need flexibility")
    quote.text, quote.end, quote.review = "We need", quote.start + len("We need"), Review.EDITED
    quote.save()
    apply_extraction(article, extraction_of(article))
    assert list(article.quotes.filter(text__startswith="We need").values_list("text", flat=True)) == ["We need"]


def test_untouched_items_are_refreshed():
    article = make_article(body=BODY)
    apply_extraction(article, extraction_of(article))
    changed = extraction_of(
        article,
        pledges=(
            found_pledge(
                article, "Prime Minister Justin Trudeau promised to send up to 600 troops", recipient="the U.N."
            ),
        ),
    )
    outcome = apply_extraction(article, changed)
    assert outcome.refreshed == 1
    assert Pledge.objects.get().recipient == "the U.N."


def test_rated_pledge_is_the_editors():
    article = make_article(body=BODY)
    apply_extraction(article, extraction_of(article))
    pledge = Pledge.objects.get()
    pledge.record_status(Status.IN_THE_WORKS, note="Troops announced")
    outcome = apply_extraction(article, extraction_of(article, pledges=()))
    assert outcome.removed == 0
    assert Pledge.objects.get().status == Status.IN_THE_WORKS


def test_editor_added_items_are_never_touched():
    article = make_article(body=BODY)
    speaker = Speaker.objects.create(name="Jane Boulden")
    start = BODY.index("the plan")
    Quote.objects.create(
        article=article,
        speaker=speaker,
        text="the plan",
        start=start,
        end=start + 8,
        origin=Origin.EDITOR,
        review=Review.APPROVED,
    )
    apply_extraction(article, extraction_of(article, quotes=()))
    assert article.quotes.get().speaker == speaker


def test_first_edit_enters_the_machine_version_into_history():
    article = make_article(body=BODY)
    apply_extraction(article, extraction_of(article))
    quote = Quote.objects.get(text="We need flexibility")
    assert quote.history.count() == 0  # machine writes are batched without history
    quote.speaker_role, quote.review = "U.N. under-secretary general", Review.EDITED
    quote.save()
    baseline, edit = quote.history.order_by("history_date", "history_id")
    assert (baseline.speaker_role, baseline.history_change_reason) == ("a U.N. official", "as the importer stored it")
    assert edit.speaker_role == "U.N. under-secretary general"


def test_a_speaker_slug_taken_meanwhile_is_retried(monkeypatch):
    from articles import curation

    article = make_article(body="Jane Roe said the road would open.")
    Speaker.objects.create(name="Someone else", slug="jane-roe")  # what a concurrent import committed
    calls = []

    def slugs_as_before_that_commit(model, texts, *args):
        calls.append(texts)
        return ["jane-roe"] if texts == ["Jane Roe"] and calls.count(texts) == 1 else unique_slugs(model, texts, *args)

    monkeypatch.setattr(curation, "unique_slugs", slugs_as_before_that_commit)
    source = Source("Jane Roe", SourceKind.PERSON)
    apply_extraction(
        article, Extraction(quotes=(found_quote(article, "the road would open", "Jane Roe"),), sources=(source,))
    )
    assert article.quotes.get().speaker.slug == "jane-roe-2"


def test_a_pledge_slug_taken_meanwhile_is_retried(monkeypatch):
    from articles import curation

    article = make_article(body=BODY)
    taken = make_pledge(slug="justin-trudeau-send-up-to-600-troops")  # what a concurrent import committed
    pledge_lookups = []

    def slugs_as_before_that_commit(model, texts, *args):
        if model is not Pledge:
            return unique_slugs(model, texts, *args)
        pledge_lookups.append(texts)
        return [taken.slug] if len(pledge_lookups) == 1 else unique_slugs(model, texts, *args)

    monkeypatch.setattr(curation, "unique_slugs", slugs_as_before_that_commit)
    apply_extraction(article, extraction_of(article, quotes=()))
    assert article.pledges.get().slug != taken.slug
    assert len(pledge_lookups) == 2


def test_an_editors_first_change_to_a_speaker_keeps_the_importers_version():
    article = make_article(body=BODY)
    apply_extraction(article, extraction_of(article))
    speaker = Speaker.objects.get(name="Jean-Pierre Lacroix")
    speaker.wikidata_id = "Q123"
    speaker.save()
    baseline, edit = speaker.history.order_by("history_date", "history_id")
    assert (baseline.wikidata_id, baseline.history_change_reason) == ("", "as the importer stored it")
    assert edit.wikidata_id == "Q123"

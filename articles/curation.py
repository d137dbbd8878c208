"""Curation: the one place that turns an Extraction into rows, and decides what machine output may change.

Re-running extraction adds new candidates and refreshes or removes machine items nobody has
reviewed. Whatever an editor approved, edited or rejected, or added by hand, is never touched,
duplicated or brought back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from pledges.models import Pledge, PledgeStatusChange

from .caching import pages_changed
from .counting import add_counts, recount, speakers_of, speakers_of_articles
from .extraction import extract
from .extraction.types import Extraction, FoundPledge, FoundQuote, Source, SourceKind
from .models import Article, Origin, Quote, Review, Speaker, SpeakerAlias, alias_key, unique_slugs

SPEAKER_KINDS = {
    SourceKind.PERSON: Speaker.Kind.PERSON,
    SourceKind.ORGANISATION: Speaker.Kind.ORGANISATION,
    SourceKind.UNNAMED: Speaker.Kind.UNNAMED,
}


@dataclass
class CurationOutcome:
    added: int = 0
    refreshed: int = 0
    removed: int = 0
    kept: int = 0  # found again, but an editor's decision stands
    speakers_created: list[Speaker] = field(default_factory=list)
    quotes_added: list[Quote] = field(default_factory=list)
    pledges_added: list[Pledge] = field(default_factory=list)

    def __add__(self, other: CurationOutcome) -> CurationOutcome:
        return CurationOutcome(
            self.added + other.added,
            self.refreshed + other.refreshed,
            self.removed + other.removed,
            self.kept + other.kept,
            self.speakers_created + other.speakers_created,
            self.quotes_added + other.quotes_added,
            self.pledges_added + other.pledges_added,
        )


def apply_extraction(article: Article, extraction: Extraction, *, new_article: bool = False) -> CurationOutcome:
    """Store what extraction found in ``article``, keeping every editor's decision.

    ``new_article``: the article was created in this transaction, so nothing of it is held yet and no
    other transaction can see it (see curate_new_articles).
    """
    if new_article:
        return curate_new_articles([(article, extraction)])[0]
    # Within the caller's transaction, if any: an article and its items stand or fall together.
    with transaction.atomic(savepoint=False):
        # One curation of an article at a time: a second run waits, then finds the first one's items.
        Article.objects.select_for_update().filter(pk=article.pk).exists()
        resolver = SpeakerResolver([(article, extraction)], new_articles=False)
        speakers = resolver.speakers[0]
        held_quotes = list(Quote.objects.filter(article=article, extraction_key__isnull=False))
        held_pledges = list(Pledge.objects.filter(article=article, extraction_key__isnull=False))
        # Machine items are unreviewed: readers see them when they see the article.
        quote_copies = Quote.copied_from(article, Review.UNREVIEWED)
        pledge_copies = Pledge.copied_from(article, Review.UNREVIEWED)
        outcome = sync_items(
            Quote, article, held_quotes, extraction.quotes, lambda f: quote_values(f, speakers) | quote_copies
        )
        outcome += sync_items(
            Pledge, article, held_pledges, extraction.pledges, lambda f: pledge_values(f, speakers) | pledge_copies
        )
        outcome.speakers_created = resolver.created[0]
        # Written in bulk, which sends no signals.
        recount(speakers_of(held_quotes + held_pledges) | speakers_of_articles([article.pk]))
        pages_changed()
    return outcome


def curate_new_articles(found: list[tuple[Article, Extraction]]) -> list[CurationOutcome]:
    """apply_extraction() for articles created in this transaction, all in a few statements: one lookup and
    one insert of each kind of row for them all, where one of each for each article took most of an import.

    Nothing of these articles is held yet and no other transaction can see them, so there is nothing to
    look up, keep or lock of their own. Each article's items, speakers and counts are what a curation of
    each in turn would give.
    """
    with transaction.atomic(savepoint=False):
        resolver = SpeakerResolver(found, new_articles=True)
        outcomes = []
        for (article, extraction), speakers, created in zip(found, resolver.speakers, resolver.created, strict=True):
            quotes = new_machine_items(Quote, article, extraction.quotes, partial(quote_values, speakers=speakers))
            pledges = new_machine_items(Pledge, article, extraction.pledges, partial(pledge_values, speakers=speakers))
            outcomes.append(
                CurationOutcome(
                    added=len(quotes) + len(pledges),
                    speakers_created=created,
                    quotes_added=quotes,
                    pledges_added=pledges,
                )
            )
        Quote.objects.bulk_create([quote for outcome in outcomes for quote in outcome.quotes_added])
        create_pledges([pledge for outcome in outcomes for pledge in outcome.pledges_added])
        published = [
            outcome
            for (article, _), outcome in zip(found, outcomes, strict=True)
            if article.status == Article.Status.PUBLISHED
        ]
        # Written in bulk, which sends no signals.
        add_counts(
            [quote for outcome in published for quote in outcome.quotes_added],
            [pledge for outcome in published for pledge in outcome.pledges_added],
        )
        pages_changed()
    return outcomes


def extraction_key(found: FoundQuote | FoundPledge) -> str:
    return f"{found.start}:{found.end}"


def found_values(found_items, values_of) -> dict[str, dict]:
    """The values of each item extraction found, by extraction key; an item found twice, once."""
    values = {}
    for found in found_items:
        if (key := extraction_key(found)) not in values:
            values[key] = values_of(found)
    return values


def machine_item(model, article: Article, key: str, values: dict):
    """A new, unreviewed Quote or Pledge as extraction found it."""
    return model(article=article, extraction_key=key, origin=Origin.EXTRACTOR, review=Review.UNREVIEWED, **values)


def new_machine_items(model, article: Article, found_items, values_of) -> list:
    """A machine item for each Quote or Pledge extraction found in an article that holds none yet; readers see
    them when they see the article."""
    copies = model.copied_from(article, Review.UNREVIEWED)
    return [
        machine_item(model, article, key, values | copies)
        for key, values in found_values(found_items, values_of).items()
    ]


def sync_items(model, article: Article, held, found_items, values_of) -> CurationOutcome:
    """Bring one kind of machine item (Quote or Pledge) held for an article in line with what extraction
    found now.

    Writes are batched (one insert, one update, one delete) and without history rows, so that
    importing stays fast: see models.record_machine_baselines.
    """
    outcome = CurationOutcome()
    by_key = {item.extraction_key: item for item in held}
    # A pledge an editor has rated is the editor's, even if its words were never reviewed.
    rated = set(
        PledgeStatusChange.objects.filter(pledge__article=article).values_list("pledge_id", flat=True)
        if model is Pledge and by_key
        else ()
    )

    def is_untouched(item) -> bool:
        return item.is_unreviewed_machine_item and item.pk not in rated

    new, changed, changed_fields = [], [], set()
    found = found_values(found_items, values_of)
    for key, values in found.items():
        item = by_key.get(key)
        if item is None:
            new.append(machine_item(model, article, key, values))
        elif not is_untouched(item):
            outcome.kept += 1
        elif differing := {name for name, value in values.items() if getattr(item, name) != value}:
            for name in differing:
                setattr(item, name, values[name])
            item.version += 1
            item.updated_at = timezone.now()
            changed.append(item)
            changed_fields |= differing
    if new:
        if model is Pledge:
            create_pledges(new)
        else:
            model.objects.bulk_create(new)
        outcome.added = len(new)
        if model is Quote:
            outcome.quotes_added = new
        else:
            outcome.pledges_added = new
    if changed:
        model.objects.bulk_update(changed, [*changed_fields, "version", "updated_at"])
        outcome.refreshed = len(changed)
    stale = [item.pk for key, item in by_key.items() if key not in found and is_untouched(item)]
    if stale:
        model.objects.filter(pk__in=stale).delete()
        outcome.removed = len(stale)
    return outcome


def create_pledges(pledges: list[Pledge]) -> None:
    """Store new pledges, each under a free slug.

    An import working side by side may take a slug between the lookup and the insert (both then
    number a repeated pledge alike); the insert waits for it, fails, and the lookup is made again.
    """
    if not pledges:
        return

    def store():
        slugs = unique_slugs(Pledge, [pledge.slug_text for pledge in pledges], Pledge.SLUG_LENGTH)
        for pledge, slug in zip(pledges, slugs, strict=True):
            pledge.slug = slug
        Pledge.objects.bulk_create(pledges)

    retried_on_conflict(store)


def retried_on_conflict(store):
    """``store()`` in a savepoint, made again (twice at most) when an import working side by side took one of
    its unique keys first: the insert waits for the other import, fails, and the lookups made again see its rows.
    """
    for last_try in (False, False, True):
        try:
            with transaction.atomic():
                return store()
        except IntegrityError:
            if last_try:
                raise


def quote_values(found: FoundQuote, speakers: dict[str, Speaker]) -> dict:
    return {
        "text": found.text,
        "start": found.start,
        "end": found.end,
        "speaker": speakers[found.speaker],
        "speaker_role": found.speaker_role[:300],
        "kind": found.kind,
        "cue": found.cue[:100],
        "confidence": found.confidence,
        "method": found.method[:60],
    }


def pledge_values(found: FoundPledge, speakers: dict[str, Speaker]) -> dict:
    quantity = found.quantity
    on_behalf_of = [speakers[name] for name in found.pledger_aliases]
    return {
        "text": found.text,
        "start": found.start,
        "end": found.end,
        "pledger": speakers[found.pledger],
        "on_behalf_of": on_behalf_of[0] if on_behalf_of else None,
        "action": found.action,
        "quantity_value": Decimal(str(quantity.value)) if quantity else None,
        "quantity_unit": quantity.unit[:40] if quantity else "",
        "quantity_qualifier": quantity.qualifier[:40] if quantity else "",
        "recipient": found.recipient[:300],
        "made_on": found.when_date,
        "made_on_text": found.when[:100],
        "deadline": found.deadline_date,
        "deadline_text": found.deadline[:100],
        "cue": found.cue[:100],
        "confidence": found.confidence,
        "method": found.method[:60],
    }


class SpeakerResolver:
    """Finds or creates the Speaker for each source that articles name, in a few queries for them all.

    People and bodies are shared across articles through their aliases: the full name and the
    other forms of two words or more. A surname alone is never an alias, so two people who share
    one are never merged. Unnamed sources belong to their article.

    ``speakers[i]`` maps each name the i-th extraction used to its speaker; ``created[i]`` lists the
    speakers that article named first.
    """

    def __init__(self, found: list[tuple[Article, Extraction]], *, new_articles: bool):
        self.new_articles = new_articles  # so they have no unnamed sources yet
        self.speakers: list[dict[str, Speaker]] = [{} for _ in found]
        self.created: list[list[Speaker]] = [[] for _ in found]
        sources = [sources_named(extraction) for _, extraction in found]
        self.resolve_unnamed(
            [article for article, _ in found],
            [[source for source in named if source.kind == SourceKind.UNNAMED] for named in sources],
        )
        self.resolve_named([[source for source in named if source.kind != SourceKind.UNNAMED] for named in sources])

    def resolve_unnamed(self, articles: list[Article], sources: list[list[Source]]) -> None:
        names = [{source.name: source.name[:200] for source in unnamed} for unnamed in sources]
        held = [
            {}
            if self.new_articles
            else {s.name: s for s in article.unnamed_sources.filter(name__in=article_names.values())}
            for article, article_names in zip(articles, names, strict=True)
        ]
        missing = [
            (i, name)
            for i, article_names in enumerate(names)
            for name in sorted(set(article_names.values()) - set(held[i]))
        ]
        # The article's id keeps "officials" of one story apart from those of every other.
        slugs = unique_slugs(Speaker, [f"{name} {articles[i].pk}" for i, name in missing])
        fresh = [
            Speaker(name=name, slug=slug, kind=Speaker.Kind.UNNAMED, article=articles[i])
            for (i, name), slug in zip(missing, slugs, strict=True)
        ]
        if fresh:
            Speaker.objects.bulk_create(fresh)
        for (i, _), speaker in zip(missing, fresh, strict=True):
            held[i][speaker.name] = speaker
            self.created[i].append(speaker)
        for i, article_names in enumerate(names):
            for source_name, name in article_names.items():
                self.speakers[i][source_name] = held[i][name]

    def resolve_named(self, sources: list[list[Source]]) -> None:
        """Another import may create one of these speakers, or register one of their aliases, between the lookup
        and the inserts; the lookup, made again, finds that speaker. Keeping a second speaker of its own instead
        would split one person's quotes between two pages.
        """
        created = retried_on_conflict(lambda: self.find_or_create_named(sources))
        for article_created, speakers in zip(self.created, created, strict=True):
            article_created += speakers

    def find_or_create_named(self, sources: list[list[Source]]) -> list[list[Speaker]]:
        """Each article's sources in turn, as if each article were curated after the one before; the speakers
        each article named first."""
        forms = [{source.name: alias_forms(source) for source in named} for named in sources]
        all_keys = {key for article_forms in forms for keys in article_forms.values() for key in keys}
        known = {
            alias.key: alias.speaker
            for alias in SpeakerAlias.objects.filter(key__in=all_keys).select_related("speaker")
        }
        to_create, created, new_aliases = [], [[] for _ in sources], {}
        for i, named in enumerate(sources):
            for source in named:
                keys = forms[i][source.name]
                # The full name decides; another form only when the full name is new.
                speaker = known.get(alias_key(source.name)) or next((known[k] for k in keys if k in known), None)
                if speaker is None:
                    speaker = Speaker(name=source.name[:200], kind=SPEAKER_KINDS[source.kind])
                    to_create.append(speaker)
                    created[i].append(speaker)
                self.speakers[i][source.name] = speaker
                for key, name in keys.items():
                    if key not in known:
                        known[key] = speaker
                        new_aliases[key] = SpeakerAlias(speaker=speaker, name=name[:200], key=key)
        if to_create:
            slugs = unique_slugs(Speaker, [speaker.name for speaker in to_create])
            for speaker, slug in zip(to_create, slugs, strict=True):
                speaker.slug = slug
            # In the order of their unique keys, as are the aliases: two importers that create the same speakers
            # then wait on each other in turn, never in a circle.
            Speaker.objects.bulk_create(sorted(to_create, key=lambda speaker: speaker.slug))
        SpeakerAlias.objects.bulk_create([new_aliases[key] for key in sorted(new_aliases)])
        return created


def sources_named(extraction: Extraction) -> list[Source]:
    """Every source an extraction names: the ones it found, and whoever its quotes and pledges name."""
    sources = {source.name: source for source in extraction.sources}
    # A government a leader pledged for may be named only there.
    for pledge in extraction.pledges:
        for name in (pledge.pledger, *pledge.pledger_aliases):
            sources.setdefault(name, Source(name=name, kind=SourceKind.ORGANISATION))
    for quote in extraction.quotes:
        sources.setdefault(quote.speaker, Source(name=quote.speaker, kind=SourceKind.PERSON))
    return list(sources.values())


def alias_forms(source: Source) -> dict[str, str]:
    """The lookup keys of a source's name and its longer aliases, each with the form as written."""
    names = [source.name, *(alias for alias in source.aliases if len(alias_key(alias).split()) > 1)]
    return {alias_key(name): name for name in names if alias_key(name)}


def extract_article(article: Article) -> CurationOutcome:
    """Run extraction on a stored article and curate what it finds."""
    return apply_extraction(article, extract(article.body, article.published))

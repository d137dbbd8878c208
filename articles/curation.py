"""Curation: the one place that turns an Extraction into rows, and decides what machine output may change.

Re-running extraction adds new candidates and refreshes or removes machine items nobody has
reviewed. Whatever an editor approved, edited or rejected, or added by hand, is never touched,
duplicated or brought back.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from decimal import Decimal

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
    other transaction can see it; the lookups and the lock are skipped.
    """
    # Within the caller's transaction, if any: an import's article and its items stand or fall together.
    with transaction.atomic(savepoint=False):
        if not new_article:
            # One curation of an article at a time: a second run waits, then finds the first one's items.
            Article.objects.select_for_update().filter(pk=article.pk).exists()
        speakers = SpeakerResolver(article, new_article=new_article)
        speakers.resolve_all(extraction)
        held_quotes = [] if new_article else list(Quote.objects.filter(article=article, extraction_key__isnull=False))
        held_pledges = [] if new_article else list(Pledge.objects.filter(article=article, extraction_key__isnull=False))
        # Machine items are unreviewed: readers see them when they see the article.
        quote_copies = Quote.copied_from(article, Review.UNREVIEWED)
        pledge_copies = Pledge.copied_from(article, Review.UNREVIEWED)
        outcome = sync_items(
            Quote, article, held_quotes, extraction.quotes, lambda f: quote_values(f, speakers) | quote_copies
        )
        outcome += sync_items(
            Pledge, article, held_pledges, extraction.pledges, lambda f: pledge_values(f, speakers) | pledge_copies
        )
        outcome.speakers_created = speakers.created
        # Written in bulk, which sends no signals.
        if not new_article:
            recount(speakers_of(held_quotes + held_pledges) | speakers_of_articles([article.pk]))
        elif article.status == Article.Status.PUBLISHED:
            add_counts(outcome.quotes_added, outcome.pledges_added)
        pages_changed()
    return outcome


def extraction_key(found: FoundQuote | FoundPledge) -> str:
    return f"{found.start}:{found.end}"


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

    new, changed, changed_fields, found_keys = [], [], set(), set()
    for found in found_items:
        key = extraction_key(found)
        if key in found_keys:
            continue
        found_keys.add(key)
        values = values_of(found)
        item = by_key.get(key)
        if item is None:
            new.append(
                model(article=article, extraction_key=key, origin=Origin.EXTRACTOR, review=Review.UNREVIEWED, **values)
            )
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
    stale = [item.pk for key, item in by_key.items() if key not in found_keys and is_untouched(item)]
    if stale:
        model.objects.filter(pk__in=stale).delete()
        outcome.removed = len(stale)
    return outcome


def create_pledges(pledges: list[Pledge]) -> None:
    """Store new pledges, each under a free slug.

    An import working side by side may take a slug between the lookup and the insert (both then
    number a repeated pledge alike); the insert waits for it, fails, and the lookup is made again.
    """
    for last_try in (False, False, True):
        slugs = unique_slugs(Pledge, [pledge.slug_text for pledge in pledges], Pledge.SLUG_LENGTH)
        for pledge, slug in zip(pledges, slugs, strict=True):
            pledge.slug = slug
        try:
            with transaction.atomic():
                Pledge.objects.bulk_create(pledges)
            return
        except IntegrityError:
            if last_try:
                raise


def quote_values(found: FoundQuote, speakers: SpeakerResolver) -> dict:
    return {
        "text": found.text,
        "start": found.start,
        "end": found.end,
        "speaker": speakers.by_name(found.speaker),
        "speaker_role": found.speaker_role[:300],
        "kind": found.kind,
        "cue": found.cue[:100],
        "confidence": found.confidence,
        "method": found.method[:60],
    }


def pledge_values(found: FoundPledge, speakers: SpeakerResolver) -> dict:
    quantity = found.quantity
    on_behalf_of = [speakers.by_name(name) for name in found.pledger_aliases]
    return {
        "text": found.text,
        "start": found.start,
        "end": found.end,
        "pledger": speakers.by_name(found.pledger),
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
    """Finds or creates the Speaker for each source an article names, in a few queries per article.

    People and bodies are shared across articles through their aliases: the full name and the
    other forms of two words or more. A surname alone is never an alias, so two people who share
    one are never merged. Unnamed sources belong to their article.
    """

    def __init__(self, article: Article, *, new_article: bool = False):
        self.article = article
        self.new_article = new_article  # so it has no unnamed sources yet
        self.speakers: dict[str, Speaker] = {}
        self.created: list[Speaker] = []

    def by_name(self, name: str) -> Speaker:
        """The speaker of a name the extraction used."""
        return self.speakers[name]

    def resolve_all(self, extraction: Extraction) -> None:
        sources = {source.name: source for source in extraction.sources}
        # A government a leader pledged for may be named only there.
        for pledge in extraction.pledges:
            for name in (pledge.pledger, *pledge.pledger_aliases):
                sources.setdefault(name, Source(name=name, kind=SourceKind.ORGANISATION))
        for quote in extraction.quotes:
            sources.setdefault(quote.speaker, Source(name=quote.speaker, kind=SourceKind.PERSON))
        unnamed = [source for source in sources.values() if source.kind == SourceKind.UNNAMED]
        self.resolve_unnamed(unnamed)
        self.resolve_named([source for source in sources.values() if source.kind != SourceKind.UNNAMED])

    def resolve_unnamed(self, sources: list[Source]) -> None:
        names = {source.name: source.name[:200] for source in sources}
        held = (
            {}
            if self.new_article
            else {s.name: s for s in self.article.unnamed_sources.filter(name__in=names.values())}
        )
        missing = sorted(set(names.values()) - set(held))
        # The article's id keeps "officials" of one story apart from those of every other.
        slugs = unique_slugs(Speaker, [f"{name} {self.article.pk}" for name in missing])
        fresh = [
            Speaker(name=name, slug=slug, kind=Speaker.Kind.UNNAMED, article=self.article)
            for name, slug in zip(missing, slugs, strict=True)
        ]
        if fresh:
            Speaker.objects.bulk_create(fresh)
            self.created += fresh
        held |= {speaker.name: speaker for speaker in fresh}
        for source_name, name in names.items():
            self.speakers[source_name] = held[name]

    def resolve_named(self, sources: list[Source]) -> None:
        try:
            with transaction.atomic():
                self.find_or_create_named(sources)
        except IntegrityError:
            # Another import created one of these speakers meanwhile: now it is there to be found.
            self.find_or_create_named(sources)

    def find_or_create_named(self, sources: list[Source]) -> None:
        forms = {source.name: alias_forms(source) for source in sources}
        all_keys = {key for keys in forms.values() for key in keys}
        known = {
            alias.key: alias.speaker
            for alias in SpeakerAlias.objects.filter(key__in=all_keys).select_related("speaker")
        }
        registered = set(known)
        to_create = []
        for source in sources:
            keys = forms[source.name]
            # The full name decides; another form only when the full name is new.
            speaker = known.get(alias_key(source.name)) or next((known[k] for k in keys if k in known), None)
            if speaker is None:
                speaker = Speaker(name=source.name[:200], kind=SPEAKER_KINDS[source.kind])
                to_create.append(speaker)
            self.speakers[source.name] = speaker
            for key in keys:
                known.setdefault(key, speaker)
        if to_create:
            slugs = unique_slugs(Speaker, [speaker.name for speaker in to_create])
            for speaker, slug in zip(to_create, slugs, strict=True):
                speaker.slug = slug
            Speaker.objects.bulk_create(to_create)
            self.created += to_create
        new_aliases = [
            SpeakerAlias(speaker=self.speakers[source.name], name=name[:200], key=key)
            for source in sources
            for key, name in forms[source.name].items()
            if key not in registered and known[key] is self.speakers[source.name]
        ]
        add_aliases(new_aliases)


def alias_forms(source: Source) -> dict[str, str]:
    """The lookup keys of a source's name and its longer aliases, each with the form as written."""
    names = [source.name, *(alias for alias in source.aliases if len(alias_key(alias).split()) > 1)]
    return {alias_key(name): name for name in names if alias_key(name)}


def add_aliases(aliases: list[SpeakerAlias]) -> None:
    """Register new aliases; one that another import registered meanwhile keeps its speaker."""
    try:
        with transaction.atomic():
            SpeakerAlias.objects.bulk_create(aliases)
    except IntegrityError:
        for alias in aliases:
            with contextlib.suppress(IntegrityError), transaction.atomic():
                alias.pk = None
                alias.save()


def extract_article(article: Article) -> CurationOutcome:
    """Run extraction on a stored article and curate what it finds."""
    return apply_extraction(article, extract(article.body, article.published))

"""Curation: the one place that turns an Extraction into rows, and decides what machine output may change.

Re-running extraction adds new candidates and refreshes or removes machine items nobody has
reviewed. Whatever an editor approved, edited or rejected, or added by hand, is never touched,
duplicated or brought back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction

from pledges.models import Pledge, PledgeStatusChange

from .extraction import extract
from .extraction.types import Extraction, FoundPledge, FoundQuote, Source, SourceKind
from .models import Article, Origin, Quote, Review, Speaker, SpeakerAlias, alias_key

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

    def __add__(self, other: CurationOutcome) -> CurationOutcome:
        return CurationOutcome(
            self.added + other.added,
            self.refreshed + other.refreshed,
            self.removed + other.removed,
            self.kept + other.kept,
            self.speakers_created + other.speakers_created,
        )


def apply_extraction(article: Article, extraction: Extraction) -> CurationOutcome:
    """Store what extraction found in ``article``, keeping every editor's decision."""
    with transaction.atomic():
        speakers = SpeakerResolver(article)
        for source in extraction.sources:
            speakers.resolve(source)
        outcome = sync_items(Quote, article, extraction.quotes, lambda found: quote_values(found, speakers))
        outcome += sync_items(Pledge, article, extraction.pledges, lambda found: pledge_values(found, speakers))
        outcome.speakers_created = speakers.created
    return outcome


def extraction_key(found: FoundQuote | FoundPledge) -> str:
    return f"{found.start}:{found.end}"


def sync_items(model, article: Article, found_items, values_of) -> CurationOutcome:
    """Bring one kind of machine item (Quote or Pledge) in line with what extraction found now."""
    outcome = CurationOutcome()
    held = model.objects.filter(article=article, extraction_key__isnull=False)
    by_key = {item.extraction_key: item for item in held}
    # A pledge an editor has rated is the editor's, even if its words were never reviewed.
    rated = set(
        PledgeStatusChange.objects.filter(pledge__article=article).values_list("pledge_id", flat=True)
        if model is Pledge
        else ()
    )

    def is_untouched(item) -> bool:
        return item.is_unreviewed_machine_item and item.pk not in rated

    found_keys = set()
    for found in found_items:
        key = extraction_key(found)
        if key in found_keys:
            continue
        found_keys.add(key)
        values = values_of(found)
        item = by_key.get(key)
        if item is None:
            item = model(
                article=article, extraction_key=key, origin=Origin.EXTRACTOR, review=Review.UNREVIEWED, **values
            )
            item.save()
            outcome.added += 1
        elif not is_untouched(item):
            outcome.kept += 1
        elif any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            item.save()
            outcome.refreshed += 1
    stale = [item.pk for key, item in by_key.items() if key not in found_keys and is_untouched(item)]
    if stale:
        model.objects.filter(pk__in=stale).delete()
        outcome.removed = len(stale)
    return outcome


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
    on_behalf_of = [speakers.by_name(name, SourceKind.ORGANISATION) for name in found.pledger_aliases]
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
    """Finds or creates the Speaker for each source an article names.

    People and bodies are shared across articles through their aliases: the full name and the
    other forms of two words or more. A surname alone is never an alias, so two people who share
    one are never merged. Unnamed sources belong to their article.
    """

    def __init__(self, article: Article):
        self.article = article
        self.speakers: dict[str, Speaker] = {}
        self.created: list[Speaker] = []

    def by_name(self, name: str, kind: str = SourceKind.PERSON) -> Speaker:
        """The speaker of a name the extraction used, resolving it on first sight."""
        speaker = self.speakers.get(name)
        if speaker is None:
            speaker = self.resolve(Source(name=name, kind=kind))
        return speaker

    def resolve(self, source: Source) -> Speaker:
        if source.kind == SourceKind.UNNAMED:
            speaker, created = Speaker.objects.get_or_create(
                article=self.article, name=source.name[:200], kind=Speaker.Kind.UNNAMED
            )
        else:
            speaker, created = self.named_speaker(source)
        if created:
            self.created.append(speaker)
        self.speakers[source.name] = speaker
        return speaker

    def named_speaker(self, source: Source) -> tuple[Speaker, bool]:
        names = [source.name, *(alias for alias in source.aliases if len(alias_key(alias).split()) > 1)]
        keys = {alias_key(name): name for name in names if alias_key(name)}
        known = {
            alias.key: alias.speaker for alias in SpeakerAlias.objects.filter(key__in=keys).select_related("speaker")
        }
        # The full name decides; another form only when the full name is new.
        speaker = known.get(alias_key(source.name)) or next(iter(known.values()), None)
        created = speaker is None
        if created:
            speaker = Speaker.objects.create(name=source.name[:200], kind=SPEAKER_KINDS[source.kind])
        for key, name in keys.items():
            if key not in known:
                add_alias(speaker, name)
        return speaker, created


def add_alias(speaker: Speaker, name: str) -> None:
    try:
        with transaction.atomic():
            SpeakerAlias.objects.create(speaker=speaker, name=name[:200])
    except IntegrityError:
        pass  # another article's import registered the same name meanwhile; that speaker keeps it


def extract_article(article: Article) -> CurationOutcome:
    """Run extraction on a stored article and curate what it finds."""
    return apply_extraction(article, extract(article.body, article.published))

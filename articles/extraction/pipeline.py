"""The whole extraction of one article: sentences, statements, pledges, sources."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from .names import Entity, SourceRegistry
from .pledges import find_pledges
from .quotes import QuoteFinder
from .repair import repair_apostrophes
from .sentences import split_sentences
from .types import Extraction, FoundPledge, FoundQuote


def extract(text: str, published: dt.date | None = None) -> Extraction:
    """Find the statements, pledges and sources of one article.

    Offsets refer to ``text``; the rules read a copy with apostrophes restored, which has the same
    length. Dates written relative to the article ("last year") are resolved against ``published``.
    """
    readable = repair_apostrophes(text)
    sentences = split_sentences(readable)
    registry = SourceRegistry(readable, sentences)
    quote_drafts = QuoteFinder(readable, sentences, registry).run()
    registry.note_statements([(d.start, d.end, d.entity) for d in quote_drafts])
    pledge_drafts = find_pledges(readable, sentences, registry, quote_drafts, published)
    used: set[int] = set()

    def as_written(fragment: str) -> str:
        # The rules read repaired text; roles and names are reported as the article spells them.
        found = readable.find(fragment) if fragment else -1
        return text[found : found + len(fragment)] if found != -1 else fragment

    def speaker_of(entity: Entity) -> str:
        used.add(id(entity))
        return entity.name

    quotes = tuple(
        FoundQuote(
            text=text[d.start : d.end],
            start=d.start,
            end=d.end,
            speaker=speaker_of(d.entity),
            speaker_role=as_written(d.role or d.entity.role),
            kind=d.kind,
            cue=d.cue,
            confidence=d.confidence,
            method=d.method,
        )
        for d in quote_drafts
    )
    pledges = tuple(
        FoundPledge(
            text=text[d.start : d.end],
            start=d.start,
            end=d.end,
            pledger=speaker_of(d.entity),
            pledger_aliases=d.aliases,
            action=text[d.action_start : d.action_end],
            quantity=d.quantity,
            recipient=d.recipient,
            when=d.when,
            when_date=d.when_date,
            deadline=d.deadline,
            deadline_date=d.deadline_date,
            cue=d.cue,
            confidence=d.confidence,
            method=d.method,
        )
        for d in pledge_drafts
    )
    sources = tuple(
        replace(
            source,
            role=as_written(source.role),
            aliases=tuple(as_written(alias) for alias in source.aliases),
        )
        for source in registry.sources(used)
    )
    return Extraction(quotes=quotes, pledges=pledges, sources=sources)

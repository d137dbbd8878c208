"""What extraction returns: plain dataclasses, no Django.

Offsets are character positions into the text given to ``extract()``; ``text[start:end]``
is always the item's ``text``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field


class SourceKind:
    PERSON = "person"
    ORGANISATION = "organisation"
    UNNAMED = "unnamed"


@dataclass(frozen=True)
class Source:
    """One source (person, body or unnamed source) as one article names it."""

    name: str  # the fullest name in the article, without titles ("Justin Trudeau")
    kind: str  # a SourceKind value
    role: str = ""  # the first role as written ("Prime Minister")
    aliases: tuple[str, ...] = ()  # the other forms this article uses ("Trudeau")


@dataclass(frozen=True)
class Quantity:
    value: float  # "$1.5 billion" is 1500000000.0
    unit: str  # lower-case plural noun: "troops", "dollars", "euros"
    qualifier: str = ""  # as written: "up to", "at least", "no more than"


@dataclass(frozen=True)
class FoundQuote:
    text: str
    start: int
    end: int
    speaker: str  # a Source.name of the same Extraction
    speaker_role: str
    kind: str  # "direct" or "indirect"
    cue: str  # "told reporters", "said", "" for a quotation that runs on
    confidence: float  # 0..1
    method: str  # the rule that found it, e.g. "trailing-said"


@dataclass(frozen=True)
class FoundPledge:
    text: str
    start: int
    end: int
    pledger: str  # a Source.name of the same Extraction
    pledger_aliases: tuple[str, ...]  # a government a leader speaks for: ("Canada",)
    action: str
    quantity: Quantity | None
    recipient: str
    when: str  # as written: "last year"
    when_date: dt.date | None  # resolved against the publication date
    deadline: str  # as written: "by 2020"
    deadline_date: dt.date | None
    cue: str
    confidence: float
    method: str


@dataclass(frozen=True)
class Extraction:
    quotes: tuple[FoundQuote, ...] = ()
    pledges: tuple[FoundPledge, ...] = ()
    sources: tuple[Source, ...] = field(default=())

    def as_gold(self, article_id: str) -> dict:
        """The shape of ``shared/corpus/*.gold.jsonl``, plus offsets, confidence and method."""

        def plain(item) -> dict:
            row = asdict(item)
            for key, value in row.items():
                if isinstance(value, dt.date):
                    row[key] = value.isoformat()
                elif isinstance(value, tuple):
                    row[key] = list(value)
            return row

        return {
            "id": article_id,
            "quotes": [plain(q) for q in self.quotes],
            "pledges": [plain(p) for p in self.pledges],
            "people": [plain(s) for s in self.sources],
        }

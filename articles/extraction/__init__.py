"""Quotation, source and pledge extraction from news articles (standard library only).

``extract(text, published)`` returns an ``Extraction`` of ``FoundQuote``, ``FoundPledge`` and
``Source`` records; ``repair_apostrophes`` restores apostrophes lost from stripped texts.
"""

from .jsonl import extract_jsonl
from .pipeline import extract
from .repair import REPAIR_CONTEXT, repair_apostrophes
from .types import Extraction, FoundPledge, FoundQuote, Quantity, Source, SourceKind

__all__ = [
    "Extraction",
    "FoundPledge",
    "FoundQuote",
    "REPAIR_CONTEXT",
    "Quantity",
    "Source",
    "SourceKind",
    "extract",
    "extract_jsonl",
    "repair_apostrophes",
]

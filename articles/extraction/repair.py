"""Restore apostrophes that a text lost when its quotation marks were stripped."""

from __future__ import annotations

import re

_NEGATABLE = (
    "don|doesn|didn|can|won|isn|aren|wasn|weren|couldn|wouldn|shouldn|hasn|haven|hadn|mustn|ain|needn|mightn|shan"
)
_SUBJECT = "i|you|we|they|he|she|it|who|what|there|that|here|where|let"

# Each pattern matches "<word> <suffix>" where only an apostrophe can make sense of the lone suffix;
# group 1 ends right before the space that becomes the apostrophe.
_CONTRACTIONS = re.compile(
    rf"""\b(?:
        (?i:({_NEGATABLE})) \ t
      | (I) \ m
      | (?i:(you|we|they|who|what|there)) \ re
      | (?i:(i|you|we|they|who|would|could|should|might|must)) \ ve
      | (?i:(i|you|he|she|it|we|they|that|there|who|what)) \ ll
      | (?i:(i|you|he|she|we|they)) \ d
      | (?i:({_SUBJECT})) \ s
    )\b(?![.'’\w])""",
    re.VERBOSE,
)

# A possessive "s" after a noun: the noun must be a plain word of two or more letters, so that
# "Plan B s" or "U.S. s" stay as they are.
_POSSESSIVE = re.compile(r"(?<![\w.'’-])([A-Za-z][a-z]+|[A-Z]{2,}) s(?= [\w$£€])")

_APOSTROPHES = "'’"
_GUARD = 12


def _apostrophe_nearby(text: str, position: int) -> bool:
    window = text[max(0, position - _GUARD) : position + _GUARD]
    return any(mark in window for mark in _APOSTROPHES)


def repair_apostrophes(text: str) -> str:
    """Put back apostrophes that were replaced by spaces ("I m" -> "I'm", "Canada s" -> "Canada's").

    Only the space is replaced, so the result has the same length as ``text`` and character offsets
    stay valid. Unclear cases (single letters, abbreviations, places that already have apostrophes)
    are left alone.
    """
    positions = []
    for pattern in (_CONTRACTIONS, _POSSESSIVE):
        for match in pattern.finditer(text):
            word_end = next(match.end(g) for g in range(1, (pattern.groups or 0) + 1) if match.end(g) != -1)
            if not _apostrophe_nearby(text, word_end):
                positions.append(word_end)
    if not positions:
        return text
    chars = list(text)
    for position in positions:
        chars[position] = "'"
    return "".join(chars)

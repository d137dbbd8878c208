"""Split an article into sentences, keeping character offsets and quotation spans intact."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .lexicon import SPEECH_VERBS, word_set

QUOTE_MARKS = '“”"'

# "VANCOUVER (Reuters) - " or "LONDON, June 3 (Reuters) - ": where the story starts, not a speaker.
DATELINE = re.compile(r"^\s*[A-Z][A-Za-z .,'/&-]{0,60}?\((?:Reuters|AP|AFP)\)\s*[-–—]+\s*")

_ABBREVIATIONS = word_set("""
    mr mrs ms dr st gen lt col sen rep gov jan feb mar apr aug sep sept oct nov dec no vs inc corp co jr sr
    prof rev adm capt maj sgt ft mt
    """)
# "“Is it right?” Doe asked.": a question or exclamation followed by its attribution is one sentence;
# "Doe said Washington ..." after it starts a sentence of its own.
_ATTRIBUTION_AFTER = re.compile(
    r"[”\"]?\s+(?:[A-Z][\w'’.-]*\s+){1,3}(?:"
    + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
    + r")(?=[.,]|\s+(?:in|on|at|during|after|before|while|when|with|to|last|this|earlier|later|reporters)\b)"
)
_BOUNDARY = re.compile(r"[.!?]+[”\"’']?(?=\s+[“\"‘']?[A-Z0-9(])|\n+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str

    @cached_property
    def lowered(self) -> str:
        """The sentence in lower case, for quick tests before slower patterns."""
        return self.text.lower()


def _is_abbreviation(text: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalnum() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot]
    if word.lower() in _ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isupper():
        return True
    # "U.S." or "U.N." at the end of a sentence is rare; before a capitalised word it is a modifier.
    return "." in word and len(word) <= 5 and text[dot + 1 : dot + 3] != "  "


def _open_quote_ends(text: str) -> list[tuple[int, int]]:
    """Spans of text inside quotation marks, so that no sentence break falls inside one."""
    spans = []
    open_at = None
    for index, char in enumerate(text):
        if char not in QUOTE_MARKS:
            if char == "\n":
                open_at = None
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        opening = char == "“" or (char == '"' and (before.isspace() or before in "(:") and not after.isspace())
        if opening:
            open_at = index
        elif open_at is not None:
            spans.append((open_at, index))
            open_at = None
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with their offsets; a dateline is left out of the first one."""
    dateline = DATELINE.match(text)
    begin = dateline.end() if dateline else 0
    quoted = _open_quote_ends(text)
    sentences = []
    quote_index = 0
    for boundary in _BOUNDARY.finditer(text, begin):
        cut = boundary.end()
        if text[boundary.start()] == "." and _is_abbreviation(text, boundary.start()):
            continue
        if text[boundary.start()] in "?!" and _ATTRIBUTION_AFTER.match(text, boundary.start() + 1):
            continue
        while quote_index < len(quoted) and quoted[quote_index][1] < boundary.start():
            quote_index += 1
        inside_quote = (
            quote_index < len(quoted)
            and quoted[quote_index][0] < boundary.start()
            and quoted[quote_index][1] > boundary.end()
            and "\n" not in boundary.group()
        )
        if inside_quote:
            continue
        _append(text, begin, cut, sentences)
        begin = cut
    _append(text, begin, len(text), sentences)
    return sentences


def _append(text: str, start: int, end: int, sentences: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(start, end, text[start:end]))

"""Restore apostrophes that a text lost when its quotation marks were stripped."""

from __future__ import annotations

import re

from .lexicon import word_set

# For each suffix a stripped apostrophe leaves alone, the words it can follow ("I m", "you re").
_CONTRACTED_WORDS = {
    "t": word_set(
        "don doesn didn can won isn aren wasn weren couldn wouldn shouldn hasn haven hadn mustn ain needn mightn shan"
    ),
    "m": frozenset({"i"}),
    "re": word_set("you we they who what there"),
    "ve": word_set("i you we they who would could should might must"),
    "ll": word_set("i you he she it we they that there who what"),
    "d": word_set("i you he she we they"),
    "s": word_set("i you we they he she it who what there that here where let"),
}
# Lookbehinds are checked on each match, not in these patterns: a lookbehind is tried at every character of a
# text, which made them several times slower, and this runs on every quote a page shows and every story imported.
_SUFFIX = re.compile(r" (t|m|re|ve|ll|d|s)\b(?![.'’\w])")
_WORD_BEFORE = re.compile(r"(?<![\w.'’-])[A-Za-z]+$")
# A possessive "s" needs a plain word of two or more letters before it and a word after it, so that
# "Plan B s" or "U.S. s" stay as they are.
_POSSESSOR = re.compile(r"(?:[A-Za-z][a-z]+|[A-Z]{2,})$")
_FOLLOWED_BY_WORD = re.compile(r" [\w$£€]")
# How far from a space the repair reads (the word before it, apostrophes near it): a stretch mended alone
# is mended as in its whole text when this much of the text around it goes with it.
REPAIR_CONTEXT = 30

# "Ra ad al-Hussein": an apostrophe lost inside a name leaves a short lower-case fragment between
# capitalised parts; a real word there ("Li is", "In an") is not such a fragment.
_NAME_FRAGMENT = re.compile(r"[A-Z][a-z]{0,3}( )([a-z]{1,3})(?= (?:[A-Z]|al-|el-))")
_NOT_BEFORE_NAME = re.compile(r"[\w'’.-]")
_WORDS_NOT_FRAGMENTS = word_set("""
    a an and are as at be but by do for go had has he her him his if in is it its me my no not of on or our
    out so the to up us was we who why you all any can did get got may new now off one own see she too two
    way
    """)

_GUARD = 20


def _apostrophe_nearby(text: str, position: int) -> bool:
    window = text[max(0, position - _GUARD) : position + _GUARD]
    return "'" in window or "’" in window


def repair_apostrophes(text: str) -> str:
    """Put back apostrophes that were replaced by spaces ("I m" -> "I'm", "Canada s" -> "Canada's").

    Only the space is replaced, so the result has the same length as ``text`` and character offsets
    stay valid. Unclear cases (single letters, abbreviations, places that already have apostrophes)
    are left alone.
    """
    chars = None
    for match in _SUFFIX.finditer(text):
        space = match.start()
        if not (space and text[space - 1].isascii() and text[space - 1].isalpha()):
            continue
        word = _WORD_BEFORE.search(text, max(0, space - REPAIR_CONTEXT), space)
        if word is None or _apostrophe_nearby(text, space):
            continue
        suffix = match.group(1)
        lowered = word.group().lower()
        contracted = lowered in _CONTRACTED_WORDS[suffix] and (suffix != "m" or word.group() == "I")
        possessive = suffix == "s" and _POSSESSOR.match(word.group()) and _FOLLOWED_BY_WORD.match(text, match.end())
        if contracted or possessive:
            if chars is None:
                chars = list(text)
            chars[space] = "'"
    for match in _NAME_FRAGMENT.finditer(text):
        if match.start() and _NOT_BEFORE_NAME.match(text, match.start() - 1):
            continue
        if match.group(2) not in _WORDS_NOT_FRAGMENTS and not _apostrophe_nearby(text, match.start(1)):
            if chars is None:
                chars = list(text)
            chars[match.start(1)] = "'"
    return text if chars is None else "".join(chars)

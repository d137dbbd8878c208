"""Committed amounts: "up to 600 troops", "$1.5 billion", "200 million euros", "£10m"."""

from __future__ import annotations

import re

from .lexicon import word_set
from .types import Quantity

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100,
}  # fmt: skip
_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
}
_CURRENCY_SIGNS = {
    "$": "dollars",
    "us$": "dollars",
    "£": "pounds",
    "€": "euros",
    "pounds": "pounds",
    "euros": "euros",
}
_CURRENCY_WORDS = {
    "dollar": "dollars",
    "pound": "pounds",
    "euro": "euros",
    "yen": "yen",
    "yuan": "yuan",
    "rupees": "rupees",
    "rand": "rand",
    "francs": "francs",
    "roubles": "roubles",
    "rubles": "rubles",
}
_QUALIFIERS = (
    "up to|at least|no more than|not more than|more than|less than|fewer than|as many as|as much as|about|"
    "around|nearly|almost|some|over|roughly|approximately|under|close to|just over|just under|upwards of"
)
_NUMBER = r"\d[\d,]*(?:\.\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_AMOUNT = re.compile(
    rf"""(?<![\w$£€.])
    (?:(?P<qualifier>{_QUALIFIERS.replace(" ", r"\s+")})\s+)?
    (?P<sign>US\$|\$|£|€|pounds\s+|euros\s+)?
    (?P<number>{_NUMBER})
    (?:\s*(?P<scale>thousand|million|billion|trillion|bn|mn|m|k)\b)?
    (?P<rest>(?:\s+[a-z][a-z-]*){{0,3}})""",
    re.VERBOSE | re.IGNORECASE,
)
_UNIT_STOP = word_set(
    """
    to for of in on at by with from going will would and or a an the who which that than per each more less
    over under into where it they is are was were has have had
    """
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_PLURAL_NOUN = re.compile(r"\b(?:its|his|her|their|the|our|of)\s+(?:[a-z-]+\s+)?([a-z]{3,}s)\b")


def _value(number: str, scale: str | None) -> float | None:
    lowered = number.lower()
    value = float(_NUMBER_WORDS[lowered]) if lowered in _NUMBER_WORDS else float(number.replace(",", ""))
    return value * _SCALES.get((scale or "").lower(), 1.0)


def _unit(rest: str) -> str:
    words = []
    for word in rest.split():
        if word.lower() in _UNIT_STOP:
            break
        words.append(word.lower())
    return words[-1] if words else ""


def find_quantity(text: str) -> tuple[Quantity, int, int] | None:
    """The committed amount in ``text`` with its span, or None.

    In "from six months ... to nine months" the amount is where it goes to.
    """
    found = list(_amounts(text))
    if not found:
        return None
    first = found[0]
    if text[max(0, first[1] - 9) : first[1]].rstrip().lower().endswith(("from", "from the")):
        for later in found[1:]:
            if text[max(0, later[1] - 4) : later[1]].rstrip().lower().endswith("to"):
                return later
    return first


def _amounts(text: str):
    """Each amount in ``text`` with its span, in order.

    Years ("by 2020") and bare numbers without a unit are skipped; a number standing alone
    ("no more than 200 going ...") takes the first plural noun of ``text`` as its unit.
    """
    for match in _AMOUNT.finditer(text):
        number, scale, sign = match.group("number"), match.group("scale"), match.group("sign")
        if _YEAR.match(number) and not scale and not sign:
            continue
        value = _value(number, scale)
        if value is None:
            continue
        rest = match.group("rest")
        if sign:
            unit = _CURRENCY_SIGNS[sign.strip().lower()]
        else:
            unit = _unit(rest)
            first_word = rest.split()[0].lower() if rest.split() else ""
            if first_word in _CURRENCY_WORDS or first_word.rstrip("s") in _CURRENCY_WORDS:
                unit = _CURRENCY_WORDS.get(first_word, _CURRENCY_WORDS.get(first_word.rstrip("s"), first_word))
            elif not unit:
                noun = _PLURAL_NOUN.search(text, 0, match.start())
                if noun is None or number.lower() in _NUMBER_WORDS and not scale:
                    continue
                unit = noun.group(1)
        if not unit or unit in ("percent", "per"):
            continue
        if not unit.endswith("s") and unit not in ("personnel", "staff", "police", "yen", "yuan", "rand"):
            unit += "s"
        qualifier = (match.group("qualifier") or "").lower()
        end = match.end() - len(rest) + len(" ".join(rest.split()[:1])) + (1 if rest.split() else 0)
        yield Quantity(value, unit, qualifier), match.start(), min(end, match.end())

"""Datelines, derived headlines and the date formats found in wire files. Plain Python."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..extraction import repair_apostrophes

# "VANCOUVER (Reuters) - ", "WASHINGTON/LONDON (Reuters) - ", "(Reuters) - ", "LONDON, Nov 15 (AFP) - "
DATELINE = re.compile(
    r"""^\s*
    (?P<place>[A-Z][A-Z .'/&-]*?[A-Z.])?      # the place, in capitals
    (?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?    # an optional ", Nov 15"
    \s*\((?P<outlet>[A-Z][A-Za-z.&' ]{1,40})\)
    \s*[-\u2013\u2014]+\s*""",
    re.VERBOSE,
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“'‘])|\n")
DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%dT%H:%M:%S", "%d-%b-%y")
HEADLINE_LENGTH = 120


@dataclass(frozen=True)
class Dateline:
    place: str
    outlet: str
    end: int  # where the story proper begins


def parse_dateline(body: str) -> Dateline | None:
    match = DATELINE.match(body)
    if not match:
        return None
    place = match["place"] or ""
    return Dateline(place=place_name(place), outlet=match["outlet"].strip(), end=match.end())


def place_name(capitals: str) -> str:
    """VANCOUVER -> Vancouver, NEW YORK -> New York, WASHINGTON/LONDON -> Washington/London."""
    return re.sub(r"[A-Za-z][A-Za-z']*", lambda m: m.group().capitalize(), capitals.strip())


def derive_headline(body: str) -> str:
    """The story's first sentence, after any dateline, cut at a word near HEADLINE_LENGTH."""
    dateline = parse_dateline(body)
    story = repair_apostrophes(body[dateline.end :] if dateline else body)
    first = SENTENCE_END.split(story.strip(), maxsplit=1)[0].strip().rstrip(".")
    if len(first) <= HEADLINE_LENGTH:
        return first
    cut = first[:HEADLINE_LENGTH].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def parse_date(text: str) -> dt.date | None:
    """ISO dates and the wire's "November 15, 2017" / "Nov 15, 2017"; None when it is no date."""
    text = " ".join(text.replace(",", ", ").split()).replace(" ,", ",")
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None

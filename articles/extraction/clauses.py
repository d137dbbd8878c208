"""Shared clause reading: where a subject phrase starts, and what comes after a verb."""

from __future__ import annotations

import re

from .lexicon import NON_SUBJECT_WORDS, SPEECH_VERBS, TITLE_WORDS, UNNAMED_HEADS, WEEKDAYS, word_set

_DAY = "|".join(day.capitalize() for day in WEEKDAYS)
_TIME_PHRASE = (
    rf"(?:(?:late|early|earlier|later)\s+)?(?:on\s+)?(?:{_DAY})(?:\s+(?:morning|afternoon|evening|night))?"
    r"|(?:last|this|next|earlier\s+this|later\s+this)\s+(?:week|month|year|weekend|spring|summer|autumn|fall|winter)"
    r"|yesterday|today|tonight|earlier|later|again|separately|repeatedly|previously|also|publicly|privately"
    r"|recently|then|now|too|overnight|once|still|already|initially|first|later\s+on"
    r"|in\s+(?:19|20)\d\d|in\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)

_LOOKBACK = 80  # how far back from a verb its modifiers can reach
_LAST_NOUN_PHRASE = re.compile(r"\b(?:the|a|an)\s+(?:[\w'’.-]+\s+){0,3}[\w'’.-]+$")
_NOUN_CONTINUATIONS = word_set("of and like for from in at with on to de al bin")
_SUBJECT_PRONOUNS = word_set("he she they we i")
_DETERMINERS_ONLY = word_set("the a an")
_NOT_SUBJECT_START = word_set("for to of in on at by with from about into over after before during")

_MEDIUM = (
    r"statement|interview|speech|letter|post|tweet|address|briefing|email|e-mail|report|message|note|posting"
    r"|conference\s+call|broadcast|video|column|op-ed|memo|filing|document|testimony|proposal|communique"
    r"|editorial|commentary|blog|essay|remarks|comments|appearance|article|radio\s+interview|phone\s+call|call"
)
_EVENT = r"conference|briefing|rally|meeting|summit|hearing|event|forum|ceremony|session|gathering|dinner|debate"

_SETTING_HEADS = frozenset(re.findall(r"[a-z-]{2,}", f"{_MEDIUM}|{_EVENT}"))
_SETTING_TAIL = 40  # a setting's head word ends the text before the verb, give or take a date
# Words and phrases that may stand between a speaker and the speech verb ("has also said").
_BEFORE_VERB = re.compile(rf"(?:\s+(?:has|have|had|{_TIME_PHRASE}|(?-i:[a-z]+ly)))+\s*$", re.IGNORECASE)
# Where the speaking happened, between a speaker and the verb ("Jane Doe, a spokeswoman, at a briefing on Monday said").
_SETTING_BEFORE_VERB = re.compile(
    rf"\s(?:at|in|during)\s+(?:a|an|the|his|her|its|their)\s+(?:[\w-]+\s+){{0,3}}?(?:{_MEDIUM}|{_EVENT})"
    rf"(?:\s+(?:in|on)\s+(?:{_DAY}|January|February|March|April|May|June|July|August|September|October|November"
    r"|December)(?:\s+\d{1,2})?)?\s*$"
)

# Phrases that may follow a speech verb before the statement itself ("said in a statement on Monday").
_AFTER_VERB = re.compile(
    rf"""\s*,?\s*(?:
        {_TIME_PHRASE}
      | in\s+(?:a|an|his|her|its|their|the|an\s+emailed|a\s+written)\s+(?:[\w-]+\s+){{0,3}}?(?:{_MEDIUM})
        (?:\s+(?:on|to|with|from|posted|published|released|issued|carried|broadcast)\s+
           [^,.;:"“”]*?(?=\s+that\b|,))?
      | at\s+(?:a|an|the|his|her)\s+(?:[\w-]+\s+){{0,3}}?(?:{_EVENT})s?
        (?:\s+(?:in|on|at|with)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)?
      | in\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*(?=\s*,|\s+that\b|\s+on\b)
      | on\s+(?:Twitter|Facebook|Instagram|television|TV|state\s+television|state\s+TV|radio
               |his\s+website|its\s+website)
      | (?:by|via|over\s+the)\s+(?:phone|telephone|email)
      | (?:in|on)\s+(?:\d{{1,2}}\s+)?(?:[A-Z][a-z]+)(?:\s+\d{{1,2}})?(?:,?\s+\d{{4}})?(?=\s*,|\s+that\b)
      | (?:when|after|before|while)\s+(?:asked|speaking|meeting|visiting)\b[^,]*,
      | (?:traveling|travelling|speaking)\s+with\s+(?:him|her|them)
      | (?:through|via)\s+(?:a|his|her|its)\s+spokes(?:man|woman|person)
    )\b""",
    re.VERBOSE,
)

_OBJECT_NOUNS = (
    r"reporters|journalists|lawmakers|legislators|senators|parliament|Parliament|MPs|delegates|supporters"
    r"|students|parishioners|congress|Congress|investors|analysts|diplomats|voters|members|colleagues"
    r"|officials|leaders|ministers|residents|troops|soldiers|delegations|the\s+[a-z]+(?:\s+[a-z]+)?"
)
# The addressee of "told": "told reporters", "told the Senate Finance Committee",
# "told GMTV's Sunday programme".
_ADDRESSEE = re.compile(
    rf"""\s+(?:
        (?:{_OBJECT_NOUNS})(?=[\s,.:;]|$)
      | (?:him|her|them|us|me|it)(?=[\s,.:;]|$)
      | (?:the\s+|a\s+|his\s+|her\s+|its\s+)?[A-Z][\w'’.-]*(?:\s+(?:[A-Z0-9][\w'’.-]*|of|and|for|on))*?
        (?:\s+(?:[A-Z0-9][\w'’.-]*))?(?:\s+(?:programme|program|newspaper|magazine|show|radio|television|channel|website|agency|daily|weekly))?
    )""",
    re.VERBOSE,
)
_NOT_ADDRESSEE_START = re.compile(r"\s+(?:The|This|That|These|Those|It|He|She|They|We|I|There|If|In|On)\b")

# Words that open a clause and so end any subject phrase before them.
_CLAUSE_OPENER = re.compile(
    r"(?:^|\s)(?:but|while|that|because|as|after|when|who|which|although|though|if|where|so|since|before|"
    r"whereas|until|unless|whom|whose)\s+(?=\S)",
    re.IGNORECASE,
)
_LEADING_ADVERBIAL = re.compile(
    r"^(?:(?:on|in|at|by|during|last|this|earlier|later|early|late|since|before|after)\s+"
    r"(?:\w+\s+){0,2}?(?:\d{4}|\w+day|week|month|year|morning|night|evening|weekend|"
    r"January|February|March|April|May|June|July|August|September|October|November|December)\s+)+",
    re.IGNORECASE,
)
_OPENING_SEGMENT = re.compile(
    r"^(?:on|in|at|earlier|later|despite|after|since|last|this|as|while|when|although|though|meanwhile|"
    r"however|but|and|separately|speaking|for|during|before|under|with|without|if|asked|in\s+a|yet|still|"
    r"instead|also|nevertheless|moreover|by|from|according|once|amid|following|unlike|like|to)\b",
    re.IGNORECASE,
)
_RELATIVE_PRONOUNS = word_set("who whom whose which")
_CONJUNCTIONS = word_set("and but or nor yet so while as because although though")
_WORD = re.compile(r"\S+")


def strip_before_verb(left: str) -> str:
    """``left`` without auxiliaries and time phrases that may sit between a subject and its verb."""
    found = _BEFORE_VERB.search(left, max(0, len(left) - _LOOKBACK))
    return left[: found.start()] if found else left


def strip_setting(left: str) -> str:
    """``left`` without a trailing setting of the speech ("at a briefing on Monday")."""
    if not _SETTING_HEADS.intersection(left[-_SETTING_TAIL:].lower().split()):
        return left
    setting = _SETTING_BEFORE_VERB.search(left, max(0, len(left) - _LOOKBACK))
    return left[: setting.start()] if setting else left


def skip_after_verb(text: str, position: int, addressee: bool = False) -> tuple[int, int]:
    """Skip the phrases after a speech verb; returns (end of those phrases, end of the addressee)."""
    addressee_end = position
    if addressee and not _NOT_ADDRESSEE_START.match(text, position):
        found = _ADDRESSEE.match(text, position)
        if found:
            position = addressee_end = found.end()
    while True:
        found = _AFTER_VERB.match(text, position)
        if not found or found.end() == position:
            return position, addressee_end
        position = found.end()


def subject_span(left: str) -> tuple[int, int] | None:
    """The span in ``left`` of the noun phrase that ends it (the subject of a following verb)."""
    end = len(strip_before_verb(left).rstrip())
    start = 0
    for match in _CLAUSE_OPENER.finditer(left, 0, end):
        start = match.end()
    for separator in (",", ";", ":", "?", "!", "(", ")", "“", "”", '"', " - ", " – ", " — "):
        found = left.rfind(separator, start, end)
        if found != -1:
            start = max(start, found + len(separator))
    while start < end and left[start].isspace():
        start += 1
    adverbial = _LEADING_ADVERBIAL.match(left, start, end)
    if adverbial and adverbial.end() < end:
        start = adverbial.end()
    if start >= end:
        return None
    words = left[start:end].split()
    while len(words) > 1 and words[0].lower() in ("and", "but"):
        start = left.index(words[1], start + len(words[0]))
        words = words[1:]
    if len(words) > 2 and words[0].lower() in _NOT_SUBJECT_START:
        restart = _LAST_NOUN_PHRASE.search(left, start, end)
        if restart and restart.start() > start:
            start = restart.start()
            words = left[start:end].split()
    if words[-1].lower() in _SUBJECT_PRONOUNS:
        return end - len(words[-1]), end
    if len(words) > 10 or any(
        # Inside a phrase a capitalised "May" or "Will" is a name, not a modal.
        word.lower() in NON_SUBJECT_WORDS and not word[0].isupper() and not _inside_name(words, index)
        for index, word in enumerate(words[1:], 1)
    ):
        return None
    if words[-1].lower() in _CONJUNCTIONS | _DETERMINERS_ONLY or words[0].lower() in _NOT_SUBJECT_START:
        return None
    if words[0] in _NOT_SUBJECT_START or words[0].endswith("ing") and words[0].islower():
        return None
    if words[0].lower() in _CONJUNCTIONS or words[0].lower() in NON_SUBJECT_WORDS - {"it", "they"}:
        return None
    if any(word in SPEECH_VERBS for word in words):
        return None
    return start, end


def _inside_name(words: list[str], index: int) -> bool:
    """Whether a function word joins capitalised words ("Mission to the United Nations")."""
    following = words[index + 1 : index + 3]
    return (
        words[index].lower() in ("to", "of")
        and words[index - 1][:1].isupper()
        and any(word[:1].isupper() for word in following)
    )


def clause_subject(sentence: str, before: int) -> tuple[int, int] | None:
    """The subject phrase of the main clause that precedes position ``before`` in ``sentence``."""
    start = 0
    while True:
        comma = sentence.find(",", start, before)
        if comma == -1 or not _OPENING_SEGMENT.match(sentence, start):
            break
        start = comma + 1
    words = []
    for word in _WORD.finditer(sentence, start, before):
        token = word.group().strip(',;:“”"')
        lower = token.lower()
        if words and (
            lower in NON_SUBJECT_WORDS
            or token in SPEECH_VERBS
            or (token.islower() and (lower.endswith("ed") or lower.endswith("ing")))
            or _after_name_or_pronoun(words[-1].group(), token)
        ):
            break
        words.append(word)
        if word.group().endswith(","):
            break
        if len(words) > 8:
            return None
    if not words:
        return None
    first = words[0]
    if first.group().lower() in _RELATIVE_PRONOUNS:
        return None  # "Doe, who took office in May, ...": a relative clause, not the main clause
    if first.group().lower() in NON_SUBJECT_WORDS - {"it", "they"} or _OPENING_SEGMENT.match(first.group()):
        return None
    end = words[-1].end()
    while end > first.start() and sentence[end - 1] in ",;:":
        end -= 1
    end = first.start() + len(strip_before_verb(sentence[first.start() : end]))
    return (first.start(), end) if end > first.start() else None


def _after_name_or_pronoun(previous: str, token: str) -> bool:
    """A lower-case word right after a name or pronoun starts the predicate ("Nicholson gave")."""
    if not token.islower() or token in _NOUN_CONTINUATIONS or token in UNNAMED_HEADS:
        return False
    if previous.endswith(("'s", "’s")):
        return False  # "Syria's foreign ministry": a possessive name opens the noun phrase
    return previous.lower() in _SUBJECT_PRONOUNS | {"it"} or (
        previous[:1].isupper() and previous.lower() not in TITLE_WORDS | _DETERMINERS_ONLY
    )

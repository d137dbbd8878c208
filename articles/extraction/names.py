"""Who speaks: read a speaker's noun phrase and resolve it to one source per article."""

from __future__ import annotations

import re
from bisect import bisect_right, insort
from dataclasses import dataclass, field
from functools import lru_cache

from .clauses import clause_subject
from .lexicon import (
    HONORIFICS,
    MONTHS,
    NEUTER_PRONOUNS,
    ORGANISATION_WORDS,
    PERSON_HEADS,
    PERSONAL_PRONOUNS,
    PLACE_PHRASES,
    PLACES,
    TITLE_WORDS,
    UNNAMED_HEADS,
    WEEKDAYS,
    word_set,
)
from .sentences import Sentence
from .types import Source, SourceKind

PRONOUN = "pronoun"
DESCRIPTION = "description"  # "the commission": a body named earlier, or else an organisation
_NAME_PARTICLES = word_set("al bin ibn de del della di da dos du la le van von der den el ben abu")
# Month names that are also surnames ("Theresa May") are left to context.
_CALENDAR = frozenset(WEEKDAYS + MONTHS) - {"may", "june", "april", "august"}
_PARTICLE = r"(?:al|el|bin|ibn|de|del|della|di|dos|van|von|der|den|da|du|la|le|abu)(?:-[A-Z][\w'’-]*)?\b"
_NAME_RUN = re.compile(rf"(?<![\w.'’-])(?:[A-Z][\w'’.-]*|{_PARTICLE})(?:\s+(?:[A-Z][\w'’.-]*|{_PARTICLE}))+")
_FUNCTION_WORDS = word_set("""
    the a an this that these those in on at but and or if as when while after before he she it they we i
    his her its their our my there here what who which why how some many most all both each no not yet so
    for from with by of to under over since until during despite although though however meanwhile
    earlier later last next new one two three can could would should will shall must do does did is are
    was were has have had
    """)
_POSSESSIVE_PRONOUNS = {"his": "he", "its": "it", "their": "they", "our": "we", "my": "i"}
_PLACE_PREPOSITIONS = word_set("in of from at for on with across near")
_PREPOSITION_SPLIT = re.compile(r"\s+(?:of|from|for|in|at|with|on)\s+")
_SEEN_BY = re.compile(r"\s(?:seen|obtained|reviewed|published|posted|filed|released|compiled|provided|issued)\s+by\s")
_QUESTION_WORDS = word_set("how why what when where whether who whom which")
_CALENDAR_WORDS = frozenset(WEEKDAYS + MONTHS)
_LEADER_TITLES = ("prime minister", "president", "chancellor", "premier", "leader")
# "The report was welcomed by shadow minister Jane Doe": the agent of a passive is who acts, as a subject is.
_PASSIVE_AGENT = re.compile(r"\b(?:was|were|been|is|are)\s+(?:[a-z]+ly\s+)?[a-z]+(?:ed|en)\s+by(?:\s+[\w'’.-]+){0,5}$")
_POSSESSIVE_END = re.compile(r"['’]s?$")


@lru_cache(maxsize=8192)
def _clean(token: str) -> str:
    return token.strip(",.;:()\"“”'’").lower()


@lru_cache(maxsize=8192)
def _is_name_token(token: str) -> bool:
    bare = _clean(token)
    if not bare or bare in _FUNCTION_WORDS:
        return False
    if bare.split("-")[0] in _NAME_PARTICLES:
        return True
    return (
        token[0].isupper()
        and bare not in TITLE_WORDS
        and bare not in ORGANISATION_WORDS
        and bare not in PLACES
        and bare not in _CALENDAR
        and not any(char.isdigit() for char in bare)
        and "." not in bare.rstrip(".")
    )


def _inside_quotation(before: str) -> bool:
    """Whether a quotation opened in ``before`` is still open (a name there is the speaker's, not the story's)."""
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


@dataclass(frozen=True)
class Reading:
    """What a speaker phrase says about its source."""

    name: str
    kind: str
    role: str = ""


@lru_cache(maxsize=4096)
def read_phrase(phrase: str) -> Reading | None:
    """Read a speaker noun phrase: ``Prime Minister Justin Trudeau`` -> Justin Trudeau, Prime Minister."""
    phrase = phrase.strip(' ,;:"“”')
    if not phrase:
        return None
    lowered = phrase.lower()
    lowered = _POSSESSIVE_PRONOUNS.get(lowered, lowered)
    if lowered in PERSONAL_PRONOUNS or lowered in NEUTER_PRONOUNS or lowered in ("i", "we"):
        return Reading(lowered, PRONOUN)
    bare = lowered[4:] if lowered.startswith("the ") else lowered
    if bare in _CALENDAR_WORDS or bare in _FUNCTION_WORDS or bare in _QUESTION_WORDS:
        return None
    if bare in PLACES or bare in PLACE_PHRASES:
        return Reading(phrase[4:] if lowered.startswith("the ") else phrase, SourceKind.ORGANISATION)
    if " and " in phrase and phrase[0].isupper():
        parts = [read_phrase(part) for part in re.split(r",\s*|\s+and\s+", phrase)]
        if all(part and part.kind != PRONOUN for part in parts):
            kind = SourceKind.PERSON if all(p.kind == SourceKind.PERSON for p in parts) else SourceKind.ORGANISATION
            return Reading(phrase[4:] if lowered.startswith("the ") else phrase, kind)
    if _SEEN_BY.search(phrase) and phrase[:1].islower():
        # "a letter seen by Reuters": the document speaks, not the agency that saw it.
        return Reading(phrase, SourceKind.UNNAMED)
    head_part = _PREPOSITION_SPLIT.split(phrase, maxsplit=1)
    ends_with_name = len(phrase.split()) > 1 and all(_is_name_token(t) for t in phrase.split()[-2:])
    if len(head_part) == 2 and not ends_with_name:
        head_reading = read_phrase(head_part[0])
        if head_reading and head_reading.kind in (SourceKind.UNNAMED, DESCRIPTION):
            return Reading(phrase, SourceKind.UNNAMED)
    tokens = phrase.split()
    if _is_titled_name(tokens):
        return Reading(" ".join(tokens[1:]), SourceKind.ORGANISATION)
    run_start = len(tokens)
    while run_start > 0 and _is_name_token(tokens[run_start - 1]):
        run_start -= 1
    while run_start < len(tokens) and _clean(tokens[run_start]).split("-")[0] in _NAME_PARTICLES:
        run_start += 1
    if 0 < run_start < len(tokens) and _clean(tokens[run_start - 1]) in _PLACE_PREPOSITIONS:
        return Reading(phrase, SourceKind.UNNAMED) if tokens[0][0].isupper() or tokens[0].islower() else None
    if run_start < len(tokens):
        name = " ".join(tokens[run_start:])
        role_tokens = [t for t in tokens[:run_start] if _clean(t) not in HONORIFICS]
        if role_tokens and _clean(role_tokens[0]) in ("a", "an", "the"):
            role_tokens = role_tokens[1:]
        role = " ".join(role_tokens)
        if role.endswith("’s") or role.endswith("'s"):
            return None
        return Reading(name, SourceKind.PERSON, role)
    head = _clean(tokens[-1])
    has_org_word = any(_clean(t) in ORGANISATION_WORDS for t in tokens)
    if tokens[-1][0].islower() and head in ORGANISATION_WORDS and tokens[0].lower() in ("the", "its", "his", "her"):
        return Reading(" ".join(tokens[1:]), DESCRIPTION)
    if tokens[-1][0].islower() and head in UNNAMED_HEADS:
        return Reading(phrase, SourceKind.UNNAMED)
    if has_org_word and tokens[-1][0].isupper():
        start = len(tokens) - 1
        while (
            start > 0
            and tokens[start - 1][0].isupper()
            and _clean(tokens[start - 1]) not in TITLE_WORDS | _FUNCTION_WORDS
        ):
            start -= 1
        while start > 0 and _clean(tokens[start - 1]) in ORGANISATION_WORDS | PLACES:
            start -= 1
        role = " ".join(tokens[:start])
        if role.lower() in ("the", "a", "an"):
            role = ""
        return Reading(" ".join(tokens[start:]), SourceKind.ORGANISATION, role)
    plural_description = head.endswith("s") and not head.endswith("ss") and len(tokens) <= 5
    if head in UNNAMED_HEADS or plural_description and tokens[-1].islower():
        name = phrase
        return Reading(name, SourceKind.UNNAMED if not has_org_word else SourceKind.ORGANISATION)
    if all(t[0].isupper() or _clean(t) in ("of", "and", "for", "the") for t in tokens):
        return Reading(phrase[4:] if lowered.startswith("the ") else phrase, SourceKind.ORGANISATION)
    return None


def _is_titled_name(tokens: list[str]) -> bool:
    """ "The New York Times", "the Washington Post": a capitalised name after "the" that starts with a word a
    personal name cannot hold ("New", a place) is a body, never a person."""
    return (
        len(tokens) > 2
        and tokens[0].lower() == "the"
        and not _is_name_token(tokens[1])
        and all(token[0].isupper() and _clean(token) not in TITLE_WORDS - {"new"} for token in tokens[1:])
        and _clean(tokens[-1]) not in PLACES
    )


@dataclass
class Entity:
    """A source while the article is read; its final name is settled in ``SourceRegistry.sources``."""

    name: str
    kind: str
    role: str = ""
    forms: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Mention:
    position: int
    entity: Entity
    subject: bool


def _describes_a_source(phrase: str) -> bool:
    words = phrase.split()
    return (
        1 < len(words) <= 8
        and any(word.islower() for word in words)
        and _clean(words[0]) not in ("that", "this", "these", "those", "how", "what", "why", "when", "where", "which")
    )


def _is_plural(entity: Entity) -> bool:
    """Whether a source is a group: "Upton and Long", "U.S. business groups", "officials"."""
    words = entity.name.split()
    return " and " in entity.name or (words[-1].islower() and words[-1].endswith("s") and not words[-1].endswith("ss"))


def _is_person(entity: Entity) -> bool:
    """A named person, or an unnamed source described as one person ("a senior official")."""
    if entity.kind == SourceKind.PERSON:
        return True
    return entity.kind == SourceKind.UNNAMED and _clean(entity.name.split()[-1]) in PERSON_HEADS


def _agrees(pronoun: str, entity: Entity) -> bool:
    """Number agreement: "he" and "it" mean one person or one body; "they" may mean either."""
    return pronoun not in ("he", "she", "it") or not _is_plural(entity)


class SourceRegistry:
    """The sources of one article: merges surnames into full names and resolves pronouns."""

    def __init__(self, text: str, sentences: list[Sentence]):
        self._text = text
        self._entities: list[Entity] = []
        self._by_key: dict[str, Entity] = {}
        self._mentions: list[_Mention] = []
        self._persons_by_token: dict[str, Entity] = {}
        self._statements: list[tuple[int, int, Entity]] = []
        self.sentence_subjects: list[tuple[int, int] | None] = []
        self._sentence_starts = [sentence.start for sentence in sentences]
        for sentence in sentences:
            self._scan_names(sentence)
            self._scan_subject(sentence)
        self._mentions.sort(key=lambda mention: mention.position)

    def _scan_subject(self, sentence: Sentence) -> None:
        """Bodies that open a sentence are what a later "it" most likely means."""
        span = clause_subject(sentence.text, len(sentence.text))
        self.sentence_subjects.append(span)
        if span is None:
            return
        phrase = sentence.text[span[0] : span[1]]
        reading = read_phrase(phrase)
        if reading is None or sentence.text[:1] in '“"':
            return
        known_person = reading.kind == SourceKind.PERSON and (
            len(reading.name.split()) > 1 or reading.name.lower() in self._persons_by_token
        )
        if known_person or reading.kind in (SourceKind.ORGANISATION, DESCRIPTION):
            entity = self.resolve(phrase, sentence.start + span[0])
            if entity is not None:
                self._mentions.append(_Mention(sentence.start + span[0], entity, True))

    def _scan_names(self, sentence: Sentence) -> None:
        for match in _NAME_RUN.finditer(sentence.text):
            tokens = match.group().split()
            tokens[-1] = _POSSESSIVE_END.sub("", tokens[-1])
            if tokens[-1].endswith(".") and tokens[-1].count(".") == 1 and len(tokens[-1]) > 3:
                tokens[-1] = tokens[-1][:-1]  # the full stop of a sentence that ends with the name
            start = 0
            while start < len(tokens) and not _is_name_token(tokens[start]):
                start += 1
            name_tokens = tokens[start:]
            if len(name_tokens) < 2 or not all(_is_name_token(t) for t in name_tokens):
                continue
            if name_tokens[0][0].islower():
                continue
            before = sentence.text[: match.start()].rstrip()
            entity = self._person(" ".join(name_tokens), " ".join(tokens[:start]))
            subject = not before or (
                " by" in before[-60:]
                and _PASSIVE_AGENT.search(before, max(0, len(before) - 60)) is not None
                and not _inside_quotation(before)
            )
            self._mentions.append(_Mention(sentence.start + match.start(), entity, subject))

    def _person(self, name: str, role: str) -> Entity:
        surname = name.split()[-1].lower()
        entity = self._persons_by_token.get(surname)
        if entity is None or (
            entity.name.split()[0] != name.split()[0] and len(name.split()) > 1 < len(entity.name.split())
        ):
            entity = Entity(name, SourceKind.PERSON, role)
            self._entities.append(entity)
            for token in name.lower().split():
                self._persons_by_token.setdefault(token, entity)
            self._persons_by_token[surname] = entity
        elif len(name) > len(entity.name):
            entity.forms.append(entity.name)
            entity.name = name
        if name != entity.name and name not in entity.forms:
            entity.forms.append(name)
        if role and not entity.role:
            entity.role = role
        return entity

    def resolve(self, phrase: str, position: int, role: str = "", lenient: bool = False) -> Entity | None:
        """The source a speaker phrase at ``position`` refers to, registering it when new.

        ``lenient`` accepts an unknown phrase as an unnamed source (the sentence's shape vouches for it).
        """
        reading = read_phrase(phrase)
        if reading is None and lenient and _describes_a_source(phrase):
            reading = Reading(phrase, SourceKind.UNNAMED)
        if reading is None:
            return None
        if reading.kind == PRONOUN:
            return self._antecedent(reading.name, position)
        if reading.kind == DESCRIPTION:
            entity = self._named_body(reading.name, position) or self._body(reading.name, SourceKind.ORGANISATION)
            self._remember(position, entity)
            return entity
        role = role or reading.role
        if reading.kind == SourceKind.PERSON:
            if len(reading.name.split()) == 1:
                entity = self._persons_by_token.get(reading.name.lower())
                if entity is None:
                    kind = SourceKind.ORGANISATION if reading.name.lower() in PLACES else SourceKind.PERSON
                    entity = self._body(reading.name, kind)
                if role and not entity.role:
                    entity.role = role
            else:
                entity = self._person(reading.name, role)
        else:
            entity = self._body(reading.name, reading.kind, role)
        if phrase != entity.name and phrase not in entity.forms:
            entity.forms.append(phrase)
        self._remember(position, entity)
        return entity

    def _named_body(self, description: str, position: int) -> Entity | None:
        """The body named earlier whose name ends with the head of ``description`` ("the commission")."""
        head = description.split()[-1].lower()
        for mention in reversed(self._mentions):
            entity = mention.entity
            if (
                mention.position < position
                and entity.kind == SourceKind.ORGANISATION
                and entity.name != description
                and entity.name.split()[-1].lower() == head
            ):
                return entity
        for entity in self._entities:
            if entity.kind == SourceKind.ORGANISATION and entity.name.split()[-1].lower() == head:
                return entity
        return None

    def _body(self, name: str, kind: str, role: str = "") -> Entity:
        key = name.lower().removeprefix("the ")
        entity = self._by_key.get(key)
        if entity is None:
            entity = Entity(name, kind, role)
            self._by_key[key] = entity
            self._entities.append(entity)
        return entity

    def _remember(self, position: int, entity: Entity) -> None:
        insort(self._mentions, _Mention(position, entity, True), key=lambda mention: mention.position)

    def _antecedent(self, pronoun: str, position: int) -> Entity | None:
        """The source a pronoun means: the subject of its own sentence if that came first, else the
        latest subject or speaker before it of the same kind (person or body)."""
        wants_person = pronoun in PERSONAL_PRONOUNS or pronoun == "i"
        sentence_start = self._sentence_starts[max(0, bisect_right(self._sentence_starts, position) - 1)]
        for mention in self._mentions:
            if sentence_start <= mention.position < position and mention.subject:
                if _is_person(mention.entity) == wants_person and _agrees(pronoun, mention.entity):
                    return mention.entity
                break
        fallback = None
        for mention in reversed(self._mentions):
            if mention.position >= position:
                continue
            if _is_person(mention.entity) != wants_person or not _agrees(pronoun, mention.entity):
                continue
            if mention.subject:
                return mention.entity
            fallback = fallback or mention.entity
        return fallback

    def mention(self, position: int, entity: Entity) -> None:
        """Note that ``entity`` is the subject of a clause at ``position`` (for later pronouns)."""
        self._remember(position, entity)

    def note_statements(self, statements: list[tuple[int, int, Entity]]) -> None:
        """Remember which source speaks where, so that "we" inside a quotation finds its speaker."""
        self._statements = sorted(statements, key=lambda statement: statement[0])

    def speaker_at(self, position: int) -> Entity | None:
        """The speaker of the statement covering ``position``, if any."""
        for start, end, entity in self._statements:
            if start <= position < end:
                return entity
        return None

    def government_of(self, entity: Entity) -> tuple[str, ...]:
        """For a head of government, the country the article has speak as a body ("Canada")."""
        role = entity.role.lower()
        if entity.kind != SourceKind.PERSON or not any(title in role for title in _LEADER_TITLES):
            return ()
        for other in self._entities:
            if other.kind == SourceKind.ORGANISATION and other.name.lower() in PLACES:
                return (other.name,)
        return ()

    def sources(self, used: set[int]) -> tuple[Source, ...]:
        """The final sources, limited to the entities (by ``id``) that some item refers to."""
        out = []
        for entity in self._entities:
            if id(entity) not in used:
                continue
            aliases = tuple(form for form in dict.fromkeys(entity.forms) if form != entity.name)
            out.append(Source(entity.name, entity.kind, entity.role, aliases))
        return tuple(out)

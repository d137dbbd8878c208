"""Pledges: commitments by an actor to a future action (the Comparative Party Pledges definition)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .clauses import clause_subject, subject_span
from .dates import DEADLINE, WHEN, resolve_deadline, resolve_when
from .names import PRONOUN, Entity, SourceRegistry, read_phrase
from .quantities import find_quantity
from .sentences import Sentence
from .types import Quantity, SourceKind

_COMMIT = re.compile(
    r"\b(?P<cue>(?:(?:has|have|had)\s+)?(?:(?:also|already|long|so\s+far|repeatedly|now)\s+)*"
    r"(?:promised|promises|pledged|pledges|vowed|vows|committed|commits|guaranteed|guarantees|undertook|"
    r"undertakes|swore|swears|offered|offers|agreed))\b(?P<link>\s+(?:to|that|itself\s+to|themselves\s+to))?",
    re.IGNORECASE,
)
# Commitment verbs that mean something else unless "to" or an amount follows ("committed crimes").
_NEEDS_LINK = frozenset("committed commits offered offers agreed guaranteed guarantees".split())

_FUTURE = r"(?:would|will|shall|is\s+going\s+to|are\s+going\s+to|was\s+going\s+to|were\s+going\s+to)"
_ANNOUNCED = re.compile(
    rf"\b(?P<cue>said|says|told\s+(?:[A-Z][\w'’.-]*|reporters|senators|lawmakers|parliament|MPs|the\s+\w+)|"
    rf"announced|confirmed|stressed|added)\s+(?:on\s+\w+day\s+)?(?:that\s+)?"
    rf"(?P<subject>[\w'’.-]+(?:\s+[\w'’.-]+){{0,4}}?)\s+(?P<future>{_FUTURE})\s+(?:also\s+|now\s+|soon\s+|then\s+)?"
    r"(?P<verb>[a-z]+)\b"
)
_WILL = re.compile(
    rf"(?:^|(?<=[,;]\s)|(?<=\band\s)|(?<=[“\"]))(?P<subject>(?:[\w'’.-]+\s+){{0,4}}?)"
    rf"(?P<future>{_FUTURE}|plans\s+to)\s+(?:also\s+|now\s+|soon\s+|then\s+|definitely\s+)?(?P<verb>[a-z]+)\b"
)
_NOT_ACTIONS = frozenset(
    """
    not never be have need like want hope seek try consider remain become get see look expect face lose win
    suffer happen come go depend mean cost lead hurt affect cause result prefer wait decide think know say
    tell ask comment respond oppose let undermine damage probably likely also still only fail struggle
    take bring likely make prove find feel allow vote keep welcome
    """.split()
)
_SELF_SUBJECTS = frozenset(
    """it he she they we i the\xa0government government his\xa0government her\xa0government its\xa0government
    """.replace("\\xa0", " ").split()
)
_ACTOR_HEADS = frozenset(
    "government administration party ministry bloc country union council commission alliance coalition".split()
)
_ACTION_END = re.compile(
    r",\s+(?:but|while|which|who|saying|as|although|though|even|after|when|where|because|according)\b"
    r"|,?\s+and\s+(?=[A-Z])|,?\s+and\s+(?=(?:will|would|is|has|said)\b)|;|\s+-\s+|[.!?]"
)


@dataclass
class PledgeDraft:
    """A pledge found in the text; the pledger's final name is settled after the whole article."""

    start: int
    end: int
    entity: Entity
    aliases: tuple[str, ...]
    action_start: int
    action_end: int
    quantity: Quantity | None
    recipient: str
    when: str
    when_date: dt.date | None
    deadline: str
    deadline_date: dt.date | None
    cue: str
    confidence: float
    method: str


class _PledgeFinder:
    def __init__(self, text: str, sentences: list[Sentence], registry: SourceRegistry, published: dt.date | None):
        self._text = text
        self._sentences = sentences
        self._registry = registry
        self._published = published
        self.drafts: list[PledgeDraft] = []

    def run(self) -> list[PledgeDraft]:
        last_actor: Entity | None = None
        for sentence in self._sentences:
            taken: list[tuple[int, int]] = []
            for finder in (self._commitments, self._announced, self._will):
                for draft in finder(sentence, last_actor):
                    if any(draft.action_start < end and start < draft.action_end for start, end in taken):
                        continue
                    taken.append((draft.action_start, draft.action_end))
                    self.drafts.append(draft)
            subject = clause_subject(sentence.text, len(sentence.text))
            if subject:
                phrase = sentence.text[subject[0] : subject[1]]
                reading = read_phrase(phrase)
                if reading and reading.kind == SourceKind.ORGANISATION:
                    last_actor = self._registry.resolve(phrase, sentence.start + subject[0])
                    self._registry.mention(sentence.start + subject[0], last_actor)
        self.drafts.sort(key=lambda draft: draft.start)
        return self.drafts

    def _actor(self, sentence: Sentence, left_end: int) -> tuple[Entity, int] | None:
        s = sentence.text
        span = subject_span(s[:left_end])
        if span is None:
            span = clause_subject(s, left_end)
        if span is None:
            return None
        entity = self._registry.resolve(s[span[0] : span[1]], sentence.start + span[0])
        return (entity, span[0]) if entity else None

    def _action_end(self, s: str, start: int) -> int:
        found = _ACTION_END.search(s, start)
        end = found.start() if found else len(s)
        return len(s[:end].rstrip(" ,;:”\"'’"))

    def _commitments(self, sentence: Sentence, last_actor: Entity | None) -> list[PledgeDraft]:
        s = sentence.text
        drafts = []
        for match in _COMMIT.finditer(s):
            verb = match.group("cue").split()[-1].lower()
            before = s[: match.start()]
            if re.search(r"\b(?:not|never|refused|refuses|declined|failed)\s+(?:\w+\s+)?$|\bif\s+[^,]*$", before):
                continue
            if verb in _NEEDS_LINK and not match.group("link") and not find_quantity(s[match.end() : match.end() + 40]):
                continue
            actor = self._actor(sentence, match.start())
            if actor is None:
                continue
            entity, phrase_start = actor
            action_start = match.end()
            action_end = self._action_end(s, action_start)
            if action_end - action_start < 8:
                continue
            drafts.append(
                self._draft(sentence, entity, phrase_start, action_start, action_end, match.group("cue"), 0.8,
                            "commitment-verb")
            )
        return drafts

    def _announced(self, sentence: Sentence, last_actor: Entity | None) -> list[PledgeDraft]:
        s = sentence.text
        drafts = []
        for match in _ANNOUNCED.finditer(s):
            verb = match.group("verb")
            if verb in _NOT_ACTIONS:
                continue
            subject = match.group("subject")
            actor = self._actor(sentence, match.start())
            if actor is None:
                continue
            entity, phrase_start = actor
            if not self._is_self(subject, entity):
                continue
            action_start = match.start("verb")
            action_end = self._action_end(s, action_start)
            cue = f"{match.group('cue')} ... {match.group('future')}"
            drafts.append(self._draft(sentence, entity, phrase_start, action_start, action_end, cue, 0.7,
                                      "said-would"))
        return drafts

    def _is_self(self, subject: str, entity: Entity) -> bool:
        lowered = subject.lower()
        if lowered in _SELF_SUBJECTS or lowered.split()[-1] in _ACTOR_HEADS:
            return True
        reading = read_phrase(subject)
        if reading is None or reading.kind == PRONOUN:
            return False
        return reading.kind == SourceKind.ORGANISATION or reading.name.split()[-1] == entity.name.split()[-1]

    def _will(self, sentence: Sentence, last_actor: Entity | None) -> list[PledgeDraft]:
        s = sentence.text
        drafts = []
        for match in _WILL.finditer(s):
            verb = match.group("verb")
            if verb in _NOT_ACTIONS or re.search(r"\bif\b", s[: match.start()], re.IGNORECASE):
                continue
            subject = match.group("subject").strip()
            subject_start = match.start("subject")
            if not subject:
                if not s[: match.start()].rstrip().endswith("and"):
                    continue
                entity = self._sentence_actor(sentence, match.start()) or last_actor
                if entity is None:
                    continue
                subject_start = match.start("future")
            else:
                entity = self._will_subject(sentence, subject, subject_start, last_actor)
                if entity is None:
                    continue
            action_start = match.start("verb")
            action_end = self._action_end(s, action_start)
            drafts.append(self._draft(sentence, entity, subject_start, action_start, action_end,
                                      match.group("future"), 0.6, "will-action"))
        return drafts

    def _sentence_actor(self, sentence: Sentence, before: int) -> Entity | None:
        span = clause_subject(sentence.text, before)
        if span is None:
            return None
        return self._registry.resolve(sentence.text[span[0] : span[1]], sentence.start + span[0])

    def _will_subject(
        self, sentence: Sentence, subject: str, start: int, last_actor: Entity | None
    ) -> Entity | None:
        lowered = subject.lower()
        if lowered in ("it", "the government") and last_actor is not None:
            return last_actor
        if lowered in ("we", "i"):
            return self._registry.speaker_at(sentence.start + start)
        reading = read_phrase(subject)
        if reading is None or reading.kind != SourceKind.ORGANISATION:
            return None
        return self._registry.resolve(subject, sentence.start + start)

    def _draft(
        self,
        sentence: Sentence,
        entity: Entity,
        start: int,
        action_start: int,
        action_end: int,
        cue: str,
        confidence: float,
        method: str,
    ) -> PledgeDraft:
        s = sentence.text
        action = s[action_start:action_end]
        found = find_quantity(action)
        quantity = found[0] if found else None
        when_match = WHEN.search(s, start, action_start) or WHEN.search(s, 0, start)
        when = when_match.group() if when_match else ""
        deadline_match = DEADLINE.search(action)
        deadline = deadline_match.group() if deadline_match else ""
        recipient = re.search(r"\b(?:to|for)\s+((?:the\s+)?[\w-]+(?:\s+[\w-]+){0,3})$", action)
        offset = sentence.start
        return PledgeDraft(
            start=offset + start,
            end=offset + action_end,
            entity=entity,
            aliases=self._aliases(entity),
            action_start=offset + action_start,
            action_end=offset + action_end,
            quantity=quantity,
            recipient=recipient.group(1) if recipient else "",
            when=when,
            when_date=resolve_when(when, self._published),
            deadline=deadline,
            deadline_date=resolve_deadline(deadline, self._published),
            cue=cue,
            confidence=confidence,
            method=method,
        )

    def _aliases(self, entity: Entity) -> tuple[str, ...]:
        return self._registry.government_of(entity)


def find_pledges(
    text: str, sentences: list[Sentence], registry: SourceRegistry, published: dt.date | None
) -> list[PledgeDraft]:
    """All pledges of one article, in text order."""
    return _PledgeFinder(text, sentences, registry, published).run()

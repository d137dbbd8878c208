"""Pledges: commitments by an actor to a future action (the Comparative Party Pledges definition)."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import cached_property

from .clauses import clause_subject, subject_span
from .dates import DEADLINE, WHEN, resolve_deadline, resolve_when
from .lexicon import word_set
from .names import PRONOUN, Entity, SourceRegistry, read_phrase
from .quantities import find_quantity
from .quotes import QuoteDraft
from .sentences import Sentence
from .types import Quantity, SourceKind

_COMMIT = re.compile(
    r"\b(?P<cue>(?:(?:has|have|had)\s+)?(?:(?:also|already|long|so\s+far|repeatedly|now)\s+)*"
    r"(?:promised|promises|pledged|pledges|vowed|vows|committed|commits|guaranteed|guarantees|undertook|"
    r"undertakes|swore|swears|offered|offers|agreed|(?<=to\s)(?:promise|pledge|vow|guarantee)))\b"
    r"(?P<link>(?:\s+on\s+\w+day|\s+in\s+\w+)?\s+(?:to|that|itself\s+to|themselves\s+to))?",
    re.IGNORECASE,
)
# Cheap tests that let most sentences skip the slower patterns.
_COMMITMENT_STEMS = re.compile(r"promis|pledg|vow|commit|guarant|undert|swor|swear|offer|agree")
_FUTURE_WORDS = re.compile(r"\b(?:will|shall|is|are)\b")
_NEGATED = re.compile(r"\b(?:not|never|refused|refuses|declined|failed)\s+(?:\w+\s+)?$")
# "it has been agreed", "were promised": the subject receives the commitment rather than makes it.
_PASSIVE = re.compile(r"\b(?:be|been|being|is|are|was|were)\s+$", re.IGNORECASE)
_PASSIVE_CUES = word_set("agreed promised pledged offered guaranteed")
# "the party's promises to", "with pledges to": a commitment noun, not a verb; its owner is read elsewhere.
_NOUN_CUES = word_set("promises pledges vows commits guarantees offers undertakes swears")
_BEFORE_NOUN = re.compile(
    r"(?:\b(?:the|a|an|his|her|its|their|our|my|with|of|on|these|those|such|campaign|election|electoral|key|main)"
    r"|['’]s|\w\s+s)\s+$",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(r"\b(?:if|unless)\b")
# "will cut taxes if it wins": a campaign pledge is conditional on power and still a pledge.
_ELECTORAL_CONDITION = re.compile(
    r"(?:if|unless)\s+(?:[\w'’-]+\s+){0,4}?(?:wins?|won|(?:is|are|gets?|was|were)\s+(?:re-)?elected|elected|re-elected"
    r"|returns?\s+to\s+power|comes?\s+to\s+power|forms?\s+(?:the\s+)?(?:next\s+)?government)\b",
    re.IGNORECASE,
)
# "would be open to", "would be forced to": a state or a constraint, not a decided action.
_STATES = word_set("open forced able unable willing happy ready prepared keen interested glad pleased")
# Commitment verbs that mean something else unless "to" or an amount follows ("committed crimes").
_NEEDS_LINK = word_set("committed commits offered offers agreed guaranteed guarantees")

_FUTURE = r"(?:would|will|shall|(?:is|are|was|were)\s+(?:going|committed|determined)\s+to|(?:is|are)\s+to)"
# Irregular past participles of actions that can be committed ("would be spent", "will be sent").
_IRREGULAR_PARTICIPLES = (
    "spent|sent|built|cut|set|paid|made|held|kept|met|put|brought|bought|sold|lent|done|won|shut|sought|led"
)
# A reported statement that announces the speaker's own future action ("said it would split ...").
_ANNOUNCED = re.compile(
    rf"(?:that\s+)?(?P<subject>[\w'’.-]+(?:\s+[\w'’.,-]+){{0,4}}?)\s+(?P<future>{_FUTURE})\s+"
    r"(?:also\s+|now\s+|soon\s+|then\s+|definitely\s+|still\s+)?[“\"]?"
    rf"(?P<verb>be\s+(?:[a-z]+(?:ed|en|ing)|{_IRREGULAR_PARTICIPLES})|[a-z]+)\b"
)
# "his campaign pledge to ...", "the party's promises to ...".
_NOMINAL = re.compile(
    r"(?P<owner>\b(?:his|her|its|their|[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3}['’]s?|the\s+[a-z]+['’]s))\s+"
    r"(?:(?:key|main|central|firm|campaign|election|electoral|manifesto|previous|earlier|repeated|own|G20|[A-Z]\w+)\s+)*"
    r"(?P<cue>promises?|pledges?|commitments?|vows?)\b(?:\s+(?:in|from|during|made)\s+[^,;.]{0,60}?)?\s+(?:to|that)\s+"
)
# "The party won with pledges to ...": the commitment belongs to the subject of the clause.
_WITH_PLEDGES = re.compile(
    r"\b(?:with|on)\s+(?:(?:its|his|her|their)\s+)?(?:[a-z]+\s+)?(?P<cue>promises|pledges|vows)\s+(?:to|that)\s+"
)
_RELATIVE_TAIL = re.compile(r",\s*who\s+(?:has\s+|have\s+|had\s+)?(?:also\s+|long\s+)?$")
# "... promised by COSATU": the actor comes after the commitment.
_PROMISED_BY = re.compile(
    r"\b(?P<cue>promised|pledged|offered)\s+by\s+(?P<owner>(?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,4})"
)
_WILL = re.compile(
    r"(?:^|(?<=[,;.]\s)|(?<=\band\s)|(?<=[“\"]))(?P<subject>(?:[\w'’.-]+\s+){0,4}?)"
    r"(?P<future>will|shall|(?:is|are)\s+going\s+to|(?:is|are)\s+to)\s+(?:also\s+|now\s+|soon\s+|then\s+|definitely\s+)?"
    r"(?P<verb>be\s+[a-z]+(?:ed|en)|[a-z]+)\b"
)
_NOT_ACTIONS = word_set("""
    not never be have need like want hope seek try consider remain become get see look expect face lose win
    suffer happen come go depend mean cost lead hurt affect cause result prefer wait decide think know say
    tell ask comment respond oppose let undermine damage probably likely also still only fail struggle
    urge press pressure encourage push
    likely prove find feel allow vote welcome refuse decline reject resist do signal tend stand
    """)
# Subjects through which a speaker announces its own action ("said it would ...").
_SELF_SUBJECTS = word_set("it he she they we i")
_FIRST_PERSON = word_set("we i")
_ACTOR_HEADS = word_set(
    "government administration party ministry bloc country union council commission alliance coalition"
)
_MAX_SUBJECT_GAP = 80
_PERSON_PRONOUNS = word_set("he she")
_PRONOUN_REACH = 3  # sentences back that a pledger's "he" may reach
_CAPITALISED_WORD = re.compile(r"\b(?P<name>[A-Z][\w-]+)(?:['’]s\b)?")
_CAPITALISED_RUN = re.compile(
    r"\b[A-Z][\w.-]*(?:\s+(?:[A-Z][\w.-]*|de|del|da|dos|van|von|bin|al|la|le|di))*\s+[A-Z][\w.-]*"
)
# "Reed and Lind": one of a pair is not what "he" means.
_PAIRED = re.compile(r"['’]?s?\s+and\s+[A-Z]")
_HONORIFIC_OF_OTHER_SEX = {"he": word_set("ms mrs miss"), "she": word_set("mr")}
# A name after these is an object or a complement, not who acts next ("ties with Trump").
_OBJECT_PREPOSITIONS = word_set("with to by for of against from on at about than over toward towards into under and")
_AGENT_HEADS = word_set("ministers officials leaders troops forces soldiers members lawmakers authorities police staff")
# Base forms of verbs that open a further committed action in a list ("freeze X, fund Y and boost Z").
_ACTION_VERBS = word_set("""
    build cut raise increase provide fund boost spend send create replace introduce reduce extend give hold
    set make end abolish scrap protect invest deliver hire recruit deploy freeze lower expand double triple
    restore support help pay offer keep bring open close remove establish launch implement pass appoint
    reform improve strengthen ban tackle train equip review publish hand guarantee ensure tighten
    """)
_LIST_SEPARATOR = re.compile(r",\s+(?:and\s+)?|\s+and\s+")
_MIN_ACTION_WORDS = 2
# "plans to repeal and replace X": two verbs sharing one object are one action.
_BARE_INFINITIVE_END = re.compile(r"\bto\s+\w+$")
_ACTION_END = re.compile(
    r",\s+(?:but|while|which|who|as|although|though|even|after|when|where|because|according|[a-z]{3,}ing)\b"
    r"|\s+(?:as|while|because|although|though|whereas|since)\s+(?=(?:the|a|an|he|she|it|they|[A-Z])\b)"
    r"|,?\s+and\s+(?=[A-Z])|,?\s+and\s+(?=(?:will|would|is|has|said)\b)|;|(?<![A-Z])[.!?](?=\s|$)"
)


def _hypothetical(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` makes the action hang on a condition other than winning power."""
    found = _CONDITIONAL.search(text.lower(), start, end)
    return found is not None and not _ELECTORAL_CONDITION.match(text, found.start())


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
    def __init__(
        self,
        text: str,
        sentences: list[Sentence],
        registry: SourceRegistry,
        quotes: list[QuoteDraft],
        published: dt.date | None,
    ):
        self._text = text
        self._quotes = quotes
        self._sentences = sentences
        self._registry = registry
        self._published = published
        self.drafts: list[PledgeDraft] = []
        self._sentence_starts = [sentence.start for sentence in sentences]

    def run(self) -> list[PledgeDraft]:
        last_actor: Entity | None = None
        for index, sentence in enumerate(self._sentences):
            taken: list[tuple[int, int]] = []
            for finder in (self._commitments, self._announced, self._nominal, self._will):
                for draft in (part for found in finder(sentence, last_actor) for part in self._split(found)):
                    if any(draft.action_start < end and start < draft.action_end for start, end in taken):
                        continue
                    taken.append((draft.action_start, draft.action_end))
                    self.drafts.append(draft)
            subject = self._registry.sentence_subjects[index]
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
        relative = _RELATIVE_TAIL.search(s, max(0, left_end - 20), left_end)
        if relative:
            left_end = relative.start()
        span = subject_span(s[:left_end])
        if span is None:
            span = clause_subject(s, left_end)
            if span is None or left_end - span[1] > _MAX_SUBJECT_GAP:
                return None
        entity = self._resolve(s[span[0] : span[1]], sentence.start + span[0], lenient=True)
        return (entity, span[0]) if entity else None

    def _resolve(self, phrase: str, position: int, lenient: bool = False) -> Entity | None:
        reading = read_phrase(phrase)
        if reading is not None and reading.kind == PRONOUN and reading.name in _PERSON_PRONOUNS:
            person = self._recent_person(reading.name, position)
            if person is not None:
                return person
        return self._registry.resolve(phrase, position, lenient=lenient)

    @cached_property
    def _full_names(self) -> dict[str, str]:
        """Each person the article names in full ("President Donald Trump"), by surname."""
        names = {}
        for run in _CAPITALISED_RUN.finditer(self._text):
            reading = read_phrase(run.group())
            if reading is not None and reading.kind == SourceKind.PERSON and len(reading.name.split()) > 1:
                names.setdefault(reading.name.split()[-1], reading.name)
        return names

    def _recent_person(self, pronoun: str, position: int) -> Entity | None:
        """The person a pledger's "he" or "she" means: the latest person named in the last few sentences
        other than as an object ("talks with Trump"), whether subject, speaker or owner ("Brown's plan")."""
        sentence_index = bisect_right(self._sentence_starts, position) - 1
        window_start = self._sentence_starts[max(0, sentence_index - _PRONOUN_REACH)]
        for word in reversed(list(_CAPITALISED_WORD.finditer(self._text, window_start, position))):
            full_name = self._full_names.get(word.group("name"))
            if full_name is None:
                continue
            before = self._text[max(0, word.start() - 60) : word.start()].split()
            while before and before[-1][:1].isupper():  # the rest of the name: "Mr", "Donald"
                if before.pop().rstrip(".").lower() in _HONORIFIC_OF_OTHER_SEX[pronoun]:
                    break
            else:
                previous = before[-1].lower() if before else ""
                paired = _PAIRED.match(self._text, word.end())
                if previous not in _OBJECT_PREPOSITIONS and previous != "the" and not paired:
                    return self._registry.resolve(full_name, word.start())
        return None

    def _action_end(self, s: str, start: int) -> int:
        found = _ACTION_END.search(s, start)
        end = found.start() if found else len(s)
        return len(s[:end].rstrip(" ,;:”\"'’"))

    def _split(self, draft: PledgeDraft) -> list[PledgeDraft]:
        """One draft per action of a list ("is to freeze X, fund Y and boost Z"); the first keeps the actor."""
        parts = []
        begin = draft.action_start
        for separator in _LIST_SEPARATOR.finditer(self._text, draft.action_start, draft.action_end):
            verb = self._text[separator.end() : separator.end() + 20].split(maxsplit=1)
            before = self._text[begin : separator.start()]
            if (
                verb
                and verb[0] in _ACTION_VERBS
                and len(before.split()) >= _MIN_ACTION_WORDS
                and not _BARE_INFINITIVE_END.search(before)
            ):
                parts.append((begin, separator.start()))
                begin = separator.end()
        # Two actions joined by "and" make one pledge; a list with commas makes one pledge per action.
        if not parts or "," not in self._text[draft.action_start : begin]:
            return [draft]
        parts.append((begin, draft.action_end))
        drafts = []
        for start, end in parts:
            found = find_quantity(self._text[start:end])
            drafts.append(
                replace(
                    draft,
                    start=draft.start if not drafts else start,
                    end=end,
                    action_start=start,
                    action_end=end,
                    quantity=found[0] if found else (draft.quantity if not drafts else None),
                )
            )
        return drafts

    def _commitments(self, sentence: Sentence, last_actor: Entity | None) -> list[PledgeDraft]:
        s = sentence.text
        drafts = []
        if not _COMMITMENT_STEMS.search(sentence.lowered):
            return drafts
        for match in _COMMIT.finditer(s):
            verb = match.group("cue").split()[-1].lower()
            before = s[: match.start()]
            clause = before[before.rfind(",") + 1 :]
            if _NEGATED.search(before, max(0, len(before) - 30)) or _CONDITIONAL.search(clause):
                continue
            bare_cue = verb == match.group("cue").lower()
            if bare_cue and verb in _PASSIVE_CUES and _PASSIVE.search(before, max(0, len(before) - 10)):
                continue
            if bare_cue and verb in _NOUN_CUES and _BEFORE_NOUN.search(before, max(0, len(before) - 20)):
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
                self._draft(
                    sentence,
                    entity,
                    phrase_start,
                    action_start,
                    action_end,
                    match.group("cue"),
                    0.8,
                    "commitment-verb",
                )
            )
        return drafts

    def _announced(self, sentence: Sentence, last_actor: Entity | None) -> list[PledgeDraft]:
        drafts = []
        for quote in self._quotes:
            if not sentence.start <= quote.start < sentence.end:
                continue
            match = _ANNOUNCED.match(self._text, quote.start, quote.end)
            if match is None or not self._is_action(match.group("verb")):
                continue
            if not self._is_self(match.group("subject"), quote.kind == "direct"):
                continue
            speaker_start = quote.speaker_start if sentence.start <= quote.speaker_start < quote.start else quote.start
            cue = f"{quote.cue} ... {match.group('future')}"
            offset = sentence.start
            action_start = match.start("verb") - offset
            action_end = self._action_end(sentence.text, action_start)
            if _hypothetical(sentence.text, action_start, action_end):
                continue
            drafts.append(
                self._draft(
                    sentence,
                    quote.entity,
                    speaker_start - offset,
                    action_start,
                    action_end,
                    cue,
                    0.7,
                    "said-would",
                )
            )
        return drafts

    def _nominal(self, sentence: Sentence, last_actor: Entity | None) -> list[PledgeDraft]:
        s = sentence.text
        drafts = []
        if not _COMMITMENT_STEMS.search(sentence.lowered):
            return drafts
        for match in _NOMINAL.finditer(s):
            owner = re.sub(r"['’]s?$", "", match.group("owner"))
            entity = self._resolve(owner, sentence.start + match.start())
            if entity is None:
                continue
            action_start = match.end()
            action_end = self._action_end(s, action_start)
            if action_end - action_start < 8:
                continue
            drafts.append(
                self._draft(
                    sentence,
                    entity,
                    match.start(),
                    action_start,
                    action_end,
                    match.group("cue"),
                    0.6,
                    "possessive-pledge",
                )
            )
        for match in _WITH_PLEDGES.finditer(s):
            span = clause_subject(s, match.start())
            # "Running on pledges to ..., the party won": an opening participle is not the subject.
            if span is None or s[span[0] : span[1]].split()[0].lower().endswith("ing"):
                continue
            entity = self._resolve(s[span[0] : span[1]], sentence.start + span[0])
            if entity is None:
                continue
            action_start = match.end()
            action_end = self._action_end(s, action_start)
            drafts.append(
                self._draft(
                    sentence, entity, span[0], action_start, action_end, match.group("cue"), 0.5, "won-with-pledges"
                )
            )
        for match in _PROMISED_BY.finditer(s):
            entity = self._registry.resolve(match.group("owner"), sentence.start + match.start("owner"))
            if entity is None:
                continue
            clause_start = max(s.rfind(",", 0, match.start()) + 1, 0)
            start = clause_start + len(s[clause_start:]) - len(s[clause_start:].lstrip())
            drafts.append(
                self._draft(sentence, entity, start, start, match.end(), match.group("cue"), 0.5, "promised-by")
            )
        return drafts

    @staticmethod
    def _is_action(verb: str) -> bool:
        """Whether the verb after "will"/"would" can open a committed action."""
        return verb not in _NOT_ACTIONS and not (verb.startswith("be ") and verb.split()[-1] in _STATES)

    def _is_self(self, subject: str, direct: bool) -> bool:
        """Whether ``subject`` is an actor the speaker can commit: itself, its side, its people."""
        # "Taken together, the measures would ...": the subject is what follows an opening phrase.
        subject = subject[subject.rfind(", ") + 1 :].strip() or subject
        lowered = subject.lower()
        if lowered in _SELF_SUBJECTS:
            # In the speaker's own words only "I" and "we" are the speaker; "they" are others.
            return not direct or lowered in _FIRST_PERSON
        if lowered.split()[-1] in _ACTOR_HEADS | _AGENT_HEADS:
            return True
        if find_quantity(subject):
            return True
        reading = read_phrase(subject)
        named = re.sub(r"^(?:the|an?)\s+", "", subject)
        return (
            reading is not None
            and reading.kind != PRONOUN
            and named[:1].isupper()
            and subject.lower() not in ("this", "that", "there", "these", "those")
        )

    def _will(self, sentence: Sentence, last_actor: Entity | None) -> list[PledgeDraft]:
        s = sentence.text
        drafts = []
        if not _FUTURE_WORDS.search(s):
            return drafts
        for match in _WILL.finditer(s):
            if not self._is_action(match.group("verb")) or _hypothetical(s, 0, match.start()):
                continue
            subject = re.sub(r"^(?:and|but|so|then)\b\s*", "", match.group("subject").strip())
            subject_start = match.end("subject") - len(subject) - (1 if subject else 0)
            if not subject:
                if not s[: match.start("future")].rstrip().endswith("and"):
                    continue
                entity = self._sentence_actor(sentence, match.start()) or last_actor
                if entity is None:
                    continue
                subject_start = match.start("future")
            else:
                to_be = bool(re.match(r"(?:is|are)\s+to\b", match.group("future")))
                entity = self._will_subject(sentence, subject, subject_start, last_actor, to_be)
                if entity is None:
                    continue
            action_start = match.start("verb")
            action_end = self._action_end(s, action_start)
            if _hypothetical(s, action_start, action_end):
                continue
            drafts.append(
                self._draft(
                    sentence,
                    entity,
                    subject_start,
                    action_start,
                    action_end,
                    match.group("future"),
                    0.6,
                    "will-action",
                )
            )
        return drafts

    def _in_direct_quote(self, position: int) -> bool:
        """Whether ``position`` lies in someone's own words, where "it" is a thing, not the speaker's side."""
        return any(quote.kind == "direct" and quote.start <= position < quote.end for quote in self._quotes)

    def _sentence_actor(self, sentence: Sentence, before: int) -> Entity | None:
        span = clause_subject(sentence.text, before)
        if span is None:
            return None
        return self._resolve(sentence.text[span[0] : span[1]], sentence.start + span[0])

    def _will_subject(
        self, sentence: Sentence, subject: str, start: int, last_actor: Entity | None, to_be: bool
    ) -> Entity | None:
        lowered = subject.lower()
        if lowered == "it" and self._in_direct_quote(sentence.start + start):
            return None
        if lowered in ("it", "the government") and last_actor is not None:
            return last_actor
        if lowered in ("we", "i"):
            return self._registry.speaker_at(sentence.start + start)
        reading = read_phrase(subject)
        if reading is None or reading.kind == PRONOUN or lowered in ("this", "that", "these", "those", "there"):
            return None
        if reading.kind != SourceKind.ORGANISATION and not (reading.kind == SourceKind.PERSON and to_be):
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
        while action_start < action_end and s[action_start].isspace():
            action_start += 1
        action = s[action_start:action_end]
        # "said 1.6 billion euros would be spent": the committed amount may be the subject of the action.
        found = find_quantity(action) or find_quantity(s[start:action_start])
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
    text: str,
    sentences: list[Sentence],
    registry: SourceRegistry,
    quotes: list[QuoteDraft],
    published: dt.date | None,
) -> list[PledgeDraft]:
    """All pledges of one article, in text order; ``quotes`` are its statements, already found."""
    return _PledgeFinder(text, sentences, registry, quotes, published).run()

"""Find direct and reported statements and who made them, sentence by sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clauses import clause_subject, skip_after_verb, strip_before_verb, subject_span
from .lexicon import SPEECH_PARTICIPLES, SPEECH_VERBS, WEAK_SPEECH_VERBS
from .names import Entity, SourceRegistry, read_phrase
from .sentences import QUOTE_MARKS, Sentence

_VERB_ALTERNATION = "|".join(sorted(SPEECH_VERBS | SPEECH_PARTICIPLES, key=len, reverse=True))
_CUE = re.compile(rf"\b(?:{_VERB_ALTERNATION}|according\s+to)\b", re.IGNORECASE)
_ADDRESSED_VERBS = frozenset("told tells asked asks urged urges warned warns accused accuses".split())
_TRAILING_PUNCT = re.compile(r"[,?!…]+[”\"’]?\s*$|[”\"]\s*$|(?<=\w)\s{2,}$")
_LIST_COMMA_END = re.compile(r"[\s,;:\"“”'’.-]+$")
_FIRST_OR_SECOND_PERSON = re.compile(r"\b(?:I|I'm|we|we're|we've|my|our|us|me|you|your|you're)\b", re.IGNORECASE)
_THAT = re.compile(r"\s*(?:,\s*)?(?:that\s+)?[:,]?\s*[“\"]?\s*")
_STRIPPED_OPENING = re.compile(r"(?:^|(?<=[.!?:]))\s{2,}(?=\S)")
_ROLE_START = re.compile(r"^(?:a|an|the|[a-z][\w-]*|\d+|[A-Z][\w.]*\s+[a-z])", re.ASCII)
_NAME_SEGMENT = re.compile(r"^(?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’.-]*$")
_MIN_WORDS = 3
_ADVERBIAL_REST = re.compile(
    r"\s*,?\s*(?:after|before|when|while|as|in|on|at|during|from|since|with|without|to|upon|following|amid|"
    r"of|about|outside|inside|near|via|through|by|ahead|earlier|later|late|early|last|this|but)\b|\s*[(.]",
    re.IGNORECASE,
)


@dataclass
class QuoteDraft:
    """A statement found in the text; the speaker's final name is settled after the whole article."""

    start: int
    end: int
    entity: Entity
    role: str
    kind: str
    cue: str
    confidence: float
    method: str


@dataclass(frozen=True)
class _Speaker:
    phrase_start: int
    phrase_end: int
    role: str
    form: str  # "trailing", "leading", "inverted", "inherited"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in QUOTE_MARKS + "'‘’-—–:,"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in QUOTE_MARKS + ",;:.'‘’-—–"):
        end -= 1
    return start, end


class QuoteFinder:
    """Runs the quotation rules over the sentences of one article."""

    def __init__(self, text: str, sentences: list[Sentence], registry: SourceRegistry):
        self._text = text
        self._sentences = sentences
        self._registry = registry
        self._has_quote_marks = any(mark in text for mark in "“”\"")
        self.drafts: list[QuoteDraft] = []

    def run(self) -> list[QuoteDraft]:
        """All statements of the article, in text order."""
        previous_direct: QuoteDraft | None = None
        for index, sentence in enumerate(self._sentences):
            found = self._sentence(sentence)
            if not found:
                run_on = self._run_on(index, sentence, previous_direct)
                found = [run_on] if run_on else []
            self.drafts.extend(found)
            directs = [draft for draft in found if draft.kind == "direct"]
            if directs:
                previous_direct = directs[-1]
            elif found:
                previous_direct = None
        return self.drafts

    def _sentence(self, sentence: Sentence) -> list[QuoteDraft]:
        s = sentence.text
        found: list[QuoteDraft] = []
        cues = [m for m in _CUE.finditer(s) if not self._inside_quotation(s, m.start())]
        last_entity: Entity | None = None
        for number, cue in enumerate(cues):
            next_cue = cues[number + 1].start() if number + 1 < len(cues) else len(s)
            draft = self._attribution(sentence, cue, next_cue, last_entity, found)
            if draft:
                last_entity = draft[0].entity
                found.extend(draft)
        return found

    def _inside_quotation(self, s: str, position: int) -> bool:
        if not self._has_quote_marks:
            return False
        before = s[:position]
        opened = before.count("“") - before.count("”")
        straight = before.count('"') % 2
        return opened > 0 or straight == 1

    def _attribution(
        self,
        sentence: Sentence,
        cue: re.Match,
        next_cue: int,
        last_entity: Entity | None,
        found: list[QuoteDraft],
    ) -> list[QuoteDraft]:
        s = sentence.text
        verb = cue.group().lower()
        if verb.startswith("according"):
            return self._according_to(sentence, cue, next_cue)
        if verb in SPEECH_PARTICIPLES:
            return self._participle(sentence, cue, next_cue, last_entity)
        left = s[: cue.start()]
        speaker = self._speaker_before(left, verb)
        after, addressee_end = skip_after_verb(s, cue.end(), addressee=verb in _ADDRESSED_VERBS)
        cue_text = s[cue.start() : addressee_end] if addressee_end > cue.end() else cue.group()
        if speaker is None:
            if _TRAILING_PUNCT.search(left) and verb not in WEAK_SPEECH_VERBS:
                return self._inverted(sentence, cue, after, cue_text)
            if re.search(r"(?:\band|\bbut|,)\s*(?:(?:also|then|later)\s+)?$", left) and (
                last_entity or found or clause_subject(s, cue.start())
            ):
                entity = last_entity or self._subject_entity(sentence, cue.start())
                return self._leading(sentence, entity, "", after, next_cue, cue_text, "inherited-subject")
            return []
        phrase = s[speaker.phrase_start : speaker.phrase_end]
        entity = self._registry.resolve(phrase, sentence.start + speaker.phrase_start, speaker.role)
        if entity is None:
            return []
        before_phrase = s[: speaker.phrase_start]
        if speaker.form == "apposition":
            before_phrase = s[: speaker.phrase_start].rstrip()
        rest_words = len(s[after:next_cue].split())
        opens_statement = bool(re.match(r"\s*(?:that\b|:|,?\s*[“\"])", s[after:]))
        rest_is_adverbial = rest_words < _MIN_WORDS or _ADVERBIAL_REST.match(s, after)
        if (
            _TRAILING_PUNCT.search(before_phrase)
            and not opens_statement
            and (rest_is_adverbial or self._text[sentence.start + len(before_phrase.rstrip()) - 1] in "”\"")
            and len(before_phrase.split()) >= _MIN_WORDS
            and not re.match(r"\s*(?:On|In|Earlier|Later|Despite|After|Since|Last|As|While|When|Although|Meanwhile|"
                             r"However|Separately|Speaking|During|For|At|But)\b", before_phrase)
        ):
            drafts = self._trailing(sentence, entity, speaker.role, before_phrase, cue_text)
            interrupted = re.match(r"\s*,\s*[“\"]|,\s{2,}(?=[A-Z])", s[after:])
            if drafts and interrupted and rest_words >= _MIN_WORDS:
                drafts += self._leading(sentence, entity, speaker.role, after, next_cue, cue_text, "interrupted")
            return drafts
        if verb in WEAK_SPEECH_VERBS and not opens_statement and entity.kind != "person":
            return []
        return self._leading(sentence, entity, speaker.role, after, next_cue, cue_text, "leading-" + verb)

    def _speaker_before(self, left: str, verb: str) -> _Speaker | None:
        stripped = strip_before_verb(left).rstrip()
        if stripped.endswith(","):
            return self._apposition(stripped[:-1])
        span = subject_span(left)
        if span is None:
            return None
        start, end = span
        phrase = left[start:end]
        if read_phrase(phrase) is None:
            return None
        if phrase[:1].islower() and phrase.split()[0] not in ("a", "an", "the", "some", "two", "three"):
            if read_phrase(phrase).kind == "person" and verb in WEAK_SPEECH_VERBS:
                return None
        return _Speaker(start, end, "", "leading")

    def _apposition(self, left: str) -> _Speaker | None:
        """``Name, a role,`` before the verb: the name speaks, the middle is its role."""
        role_comma = left.rfind(",")
        if role_comma == -1:
            return None
        role = left[role_comma + 1 :].strip()
        name_start = max(left.rfind(",", 0, role_comma), left.rfind("“", 0, role_comma), left.rfind('"', 0, role_comma))
        name_start = name_start + 1
        name = left[name_start:role_comma].strip()
        for word in ("and ", "but "):
            if name.startswith(word):
                name = name[len(word) :]
        if not role or not _ROLE_START.match(role) or not _NAME_SEGMENT.match(name) or len(role.split()) > 16:
            return None
        if role.split()[0].lower() in ("who", "which", "that", "where", "when", "whose"):
            role = ""
        reading = read_phrase(name)
        if reading is None or reading.kind == "pronoun":
            return None
        phrase_start = left.index(name, name_start)
        return _Speaker(phrase_start, phrase_start + len(name), role.rstrip(","), "apposition")

    def _subject_entity(self, sentence: Sentence, before: int) -> Entity | None:
        span = clause_subject(sentence.text, before)
        if span is None:
            return None
        return self._registry.resolve(sentence.text[span[0] : span[1]], sentence.start + span[0])

    def _content_start(self, sentence: Sentence, end: int) -> int:
        s = sentence.text
        opening = max(s.rfind("“", 0, end), s.rfind('"', 0, max(0, end - 1)))
        if opening != -1 and not self._inside_quotation(s, opening):
            return sentence.start + opening + 1
        start = sentence.start
        if self._has_quote_marks or self._text[sentence.start + end : sentence.start + end + 2] != "  ":
            return start
        return self._stripped_quotation_start(sentence)

    def _stripped_quotation_start(self, sentence: Sentence) -> int:
        """Where a stripped quotation that ends in ``sentence`` opened: a double space marks it."""
        index = self._sentences.index(sentence)
        for back in range(index, max(-1, index - 4), -1):
            start = self._sentences[back].start
            if self._text[max(0, start - 2) : start] == "  ":
                return start
            if back < index and _CUE.search(self._sentences[back].text):
                break
        return sentence.start

    def _trailing(
        self, sentence: Sentence, entity: Entity, role: str, before_phrase: str, cue: str
    ) -> list[QuoteDraft]:
        s = sentence.text
        end = len(before_phrase.rstrip())
        start = self._content_start(sentence, end)
        start, stop = _trim(self._text, start, sentence.start + end)
        if len(self._text[start:stop].split()) < _MIN_WORDS:
            return []
        quoted = s[: end].rstrip()[-1:] in "”\"" or self._text[start - 1 : start] in "“\"" or not self._has_quote_marks
        kind = "direct" if quoted else "indirect"
        return [QuoteDraft(start, stop, entity, role, kind, cue, 0.85, "trailing-said")]

    def _leading(
        self,
        sentence: Sentence,
        entity: Entity | None,
        role: str,
        after: int,
        next_cue: int,
        cue: str,
        method: str,
    ) -> list[QuoteDraft]:
        if entity is None:
            return []
        s = sentence.text
        head = _THAT.match(s, after)
        content_start = head.end() if head else after
        end = self._content_end(s, content_start, next_cue)
        start, stop = _trim(self._text, sentence.start + content_start, sentence.start + end)
        words = self._text[start:stop].split()
        if len(words) < _MIN_WORDS or words[0].lower() in ("of", "about", "by", "with", "for", "on", "at", "so"):
            return []
        opened = self._text[start - 1 : start] in "“\"" or self._text[max(0, start - 3) : start].strip() in "“\""
        direct = opened and self._has_quote_marks
        if not self._has_quote_marks and _FIRST_OR_SECOND_PERSON.search(self._text[start:stop]):
            direct = ":" in s[after:content_start] or "," in s[after:content_start]
        kind = "direct" if direct else "indirect"
        confidence = 0.8 if method.startswith("leading") else 0.65
        return [QuoteDraft(start, stop, entity, role, kind, cue.strip(), confidence, method)]

    def _content_end(self, s: str, start: int, next_cue: int) -> int:
        end = next_cue
        if end < len(s):
            tail = s[start:end]
            cut = re.search(r"(?:,?\s+(?:and|but)(?:\s+(?:also|then|later))?|,)\s*(?:\w+\s+){0,4}?$", tail)
            cut_at = start + cut.start() if cut else end
            subject = subject_span(s[:end])
            if subject and subject[0] > start:
                cut_at = min(cut_at, subject[0])
            end = cut_at
        return len(_LIST_COMMA_END.sub("", s[:end])) if end > start else end

    def _participle(
        self, sentence: Sentence, cue: re.Match, next_cue: int, last_entity: Entity | None
    ) -> list[QuoteDraft]:
        s = sentence.text
        if not re.search(r",\s*(?:and\s+|but\s+)?$|\band\s+$", s[: cue.start()]):
            return []
        entity = last_entity or self._subject_entity(sentence, cue.start())
        after, _ = skip_after_verb(s, cue.end())
        return self._leading(sentence, entity, "", after, next_cue, cue.group(), "participle-" + cue.group().lower())

    def _according_to(self, sentence: Sentence, cue: re.Match, next_cue: int) -> list[QuoteDraft]:
        s = sentence.text
        source_end = s.find(",", cue.end())
        tail_source = source_end == -1
        if tail_source:
            source_end = len(s.rstrip(" .”\""))
        phrase = s[cue.end() : source_end].strip()
        if not phrase or len(phrase.split()) > 8:
            return []
        entity = self._registry.resolve(phrase, sentence.start + cue.end())
        if entity is None:
            return []
        left = s[: cue.start()].rstrip()
        if left.endswith(",") and len(left.split()) >= _MIN_WORDS:
            start, stop = _trim(self._text, self._content_start(sentence, len(left)), sentence.start + len(left))
            method = "trailing-according-to"
        elif not left and not tail_source:
            start, stop = _trim(self._text, sentence.start + source_end + 1, sentence.start + next_cue)
            method = "leading-according-to"
        else:
            return []
        if len(self._text[start:stop].split()) < _MIN_WORDS:
            return []
        return [QuoteDraft(start, stop, entity, "", "indirect", cue.group(), 0.75, method)]

    def _inverted(self, sentence: Sentence, cue: re.Match, after: int, cue_text: str) -> list[QuoteDraft]:
        """``<statement>, said Jane Doe, a role.``"""
        s = sentence.text
        tail = s[cue.end() :].rstrip(" .”\"")
        name, _, role = tail.partition(",")
        name = name.strip()
        if not name or len(name.split()) > 8:
            return []
        phrase_start = s.index(name, cue.end())
        reading = read_phrase(name)
        if reading is None or reading.kind == "pronoun":
            return []
        entity = self._registry.resolve(name, sentence.start + phrase_start, role.strip())
        if entity is None:
            return []
        left = s[: cue.start()].rstrip()
        start = self._content_start(sentence, len(left))
        start, stop = _trim(self._text, start, sentence.start + len(left))
        if len(self._text[start:stop].split()) < _MIN_WORDS:
            return []
        role = role.strip() or reading.role
        return [QuoteDraft(start, stop, entity, role, "direct", cue_text, 0.85, "inverted-said")]

    def _run_on(self, index: int, sentence: Sentence, previous: QuoteDraft | None) -> QuoteDraft | None:
        """A quotation that carries on into a sentence of its own keeps the previous speaker."""
        if previous is None:
            return None
        opens = sentence.text[:1] in "“\"" if self._has_quote_marks else self._text[
            max(0, sentence.start - 2) : sentence.start
        ] == "  " and self._text[sentence.end : sentence.end + 2] == "  "
        if not opens:
            return None
        start, stop = _trim(self._text, sentence.start, sentence.end)
        if len(self._text[start:stop].split()) < _MIN_WORDS:
            return None
        return QuoteDraft(start, stop, previous.entity, previous.role, "direct", "", 0.6, "run-on")

"""Find direct and reported statements and who made them, sentence by sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clauses import clause_subject, skip_after_verb, strip_before_verb, strip_setting, subject_span
from .lexicon import SPEECH_PARTICIPLES, SPEECH_VERBS, WEAK_SPEECH_VERBS, word_set
from .names import Entity, SourceRegistry, read_phrase
from .sentences import QUOTE_MARKS, Sentence

_VERB_ALTERNATION = "|".join(sorted(SPEECH_VERBS | SPEECH_PARTICIPLES, key=len, reverse=True))
# "raised concerns about X": what was said is X.
_CUE = re.compile(rf"\b(?:{_VERB_ALTERNATION}|[Aa]ccording\s+to|call(?:ed|s)?\s+(?:for|on))\b")
# "raised concerns about X": what was said is X. Looked for only in sentences that mention a concern.
_CONCERN_CUE = re.compile(r"\b(?:express|rais|voic)(?:ed|es|ing)\s+(?:\w+\s+)?concerns?\s+(?:about|over|that)\b")
_OPENER = re.compile(
    r"\s*(?:On|In|Earlier|Later|Despite|After|Since|Last|As|While|When|Although|Meanwhile|"
    r"However|Separately|Speaking|During|For|At|But)\b"
)
_PASSIVE = re.compile(r"\b(?:was|were|is|are|be|been|being|get|got)\s+$")
# "a bill proposed by the faction", "ships proposed to be blacklisted": a participle describing a noun.
_PASSIVE_AFTER = re.compile(r"\s+(?:by\s+(?!phone|telephone|e-?mail|video|text|letter)|to\s+be\b)")
_BAD_CONTENT_START = re.compile(
    r"(?:of|about|by|with|for|on|at|so|despite|aboard|referring|looking|announcing|citing|speaking|adding|"
    r"during|after|before|while|when)\b|[a-z]+ing\s+(?:to|at|back|on)\b"
    # "wrote to the mayor", "said to reporters": whom it was addressed to; "threatened to act" stays.
    r"|to\s+(?:the|a|an|his|her|their|its|[A-Z])\b"
)
_ADDRESSED_VERBS = word_set("told tells telling asked asks urged urges warned warns accused accuses")
# What follows the person addressed when that person is part of the statement ("urged Peru to act").
_OBJECT_COMPLEMENT = re.compile(r"\s+(?:to|of|against|for|over)\s+(?!the\s+media\b|reporters\b)")
# "X denied the allegations": a denial's short object is what was said.
_COMPLEMENT_WORD_END = re.compile(r"\s(?:to|of|against|for|over)$")
_DENIAL_VERBS = word_set("deny denies denied rejected rejects dismissed dismisses")
_CHARGES = word_set("""
    allegations allegation accusations accusation charges charge claims claim wrongdoing reports report
    involvement responsibility wrongdoings
    """)
_COORDINATION = re.compile(r"(?:,?\s+(?:and|but)(?:\s+(?:also|then|later))?|,|;)\s*$")
_NAME_BEFORE_WHO = re.compile(r"((?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*)\s*,\s*who$")
_DESCRIPTION_BEFORE_WHO = re.compile(
    r"(?<![\w'’.-])((?:[A-Za-z][\w'’.-]*\s+){0,4}(?:[a-z]+|[A-Z][a-z]+s))\s+who\s+[a-z]+(?:\s+\S+){0,6}$"
)
# "the policy brief", "a leading rights watchdog": a description that may speak without a known head.
_DESCRIBED = re.compile(
    r"(?:[Tt]he|[Aa]n?)\s+(?:[\w.-]+\s+){0,4}[a-z][\w-]*(?:\s+(?:in|of|at|for|from)\s+(?:the\s+)?[A-Z][\w.-]*)?$"
)
_DESCRIBED_AS = re.compile(r"\bas(?=\s)")
# The description itself: a quoted phrase (marks, or the double spaces stripped marks leave) or a short phrase.
_DESCRIPTION = re.compile(
    r"(?:\s+(?:an?|the))?(?:\s*[“\"]([^”\"]+)[”\"]|\s{2,}(\S[^,.;]*?)\s{2}|\s+([^,.;]+?)(?=[,.;]|\s+and\s|$))"
)
# "..., with one official saying ...": the noun phrase after "with" speaks.
_WITH_SUBJECT = re.compile(r"\bwith\s+((?:[\w'’.-]+\s+){0,3}?[\w'’.-]+)\s+$")
# "The agency quoted a ministry source as saying ...": the source quoted speaks, not the one quoting.
_QUOTED_AS = re.compile(r"\bquot(?:ed|es|ing)\s+((?:[\w'’.-]+\s+){0,7}?[\w'’.-]+)\s+as\s+$")
# "In a letter seen by Reuters, Doe wrote ...": an opening phrase that says where something was said, not what.
_SETTING_ONLY = re.compile(r"\s*(?:In|At|On|During|Under|Without|Speaking)\s[^,;:“”\"]{0,80},\s*")
_NAME_BEFORE_ROLE = re.compile(r"(?:^|[,.;:?!][”\"]?\s+|\s{2})((?:[A-Z][\w'’.-]*\s+){1,3}[A-Z][\w'’.-]*),\s+$")
_STRIPPED_CLOSE = re.compile(r"[.?!,;:](?=\s{2})|(?=\n)")
_PREPOSITION = re.compile(r"(?:to|for|of|in|on|at|with|from|about|into|over|by)\b")
_DASH = re.compile(r"\s[-–—]\s")
_WHO_REACH = 120  # a relative clause between a speaker and the verb is short
_DASHED_ASIDE = re.compile(r"\s+[-–—]\s+[^-–—]{3,200}?\s+[-–—]\s*$")
_RELATIVE_ASIDE = re.compile(r",\s+(?:who|which)\s[^;:“”\"]{3,200}?,\s*$")
_TRAILING_NAME = re.compile(r"(?<![\w'’.-])[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}$")
_THAT_REACH = 150  # how far an opening adverbial may push "that" back
_RUN_ON_REACH = 800  # a quotation running on without a cue is a few sentences at most
_ATTRIBUTION_REACH = 200  # an attribution between a statement and its run-on is short
_ATTRIBUTION_WORD = re.compile(r"[A-Za-z]")
# A coordinated predicate ("... and promised justice") or a relative clause ends a reported statement.
_STATEMENT_END = re.compile(
    r"\s+and\s+(?=[a-z]+ed\b)|,\s+who\b|\s+\((?=[A-Z])|\s+in\s+recent\s+(?:days|weeks|months|years)\b"
)
# "..., as both sides push for a deal", "..., strained by disputes": the reporter's context after a reported
# statement (a statement in quotation marks keeps its own commas).
_REPORTER_TAIL = re.compile(
    r",\s+(?:as|while|even\s+as)\s+(?=(?:the|both|some|many|[A-Z])\b)(?![^,.;]{0,30},)|,\s+[a-z]+ed\s+by\s+"
)
_SPEAKER_TAIL = re.compile(
    r"\s+(?:speaking|who|which|told|said|in\s+a|on\s+condition|at\s+a|on\s+\w+day|in\s+[A-Z]\w+|last\s+\w+"
    r"|this\s+\w+|earlier|later|yesterday)\b.*$"
)
_TRAILING_PUNCT = re.compile(r"[,?!…]+[”\"’]?\s*$|[”\"]\s*$|(?<=\w)\s{2,}$")
_LIST_COMMA_END = re.compile(r"[\s,;:\"“”'’.-]+$")
_FIRST_OR_SECOND_PERSON = re.compile(r"\b(?:I|I'm|we|we're|we've|my|our|us|me|you|your|you're)\b", re.IGNORECASE)
_THAT = re.compile(r"\s*(?:,\s*)?(?:that\s+)?[:,]?\s*[“\"]?\s*")
_ROLE_START = re.compile(r"^(?:a|an|the|[a-z][\w-]*|\d+|[A-Z][\w.]*\s+[a-z])", re.ASCII)
_NAME_SEGMENT = re.compile(r"^(?:[\w'’.-]+\s+){0,4}[A-Z][\w'’.-]*\s+[A-Z][\w'’.-]*$|^[A-Z][\w'’.-]*$")
# Where a speaker is from, after the name: "Jane Doe of Vermont", "John Roe from the Labour Party".
_HOME_PLACE = re.compile(r"\s+(?:of|from)\s+(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*$")
_MIN_WORDS = 3
_ADVERBIAL_REST = re.compile(
    r"\s*,\s*(?:a|an|despite|although|though|even|while|whereas|as|in|at|on|after|before|[a-z]+ing)\s|\s*,?\s*(?:after|before|when|while|as|in|on|at|during|from|since|with|without|to|upon|following|amid|"
    r"of|about|outside|inside|near|via|through|by|ahead|earlier|later|late|early|last|this|but|between|among|"
    r"referring|speaking|citing)\b|\s*[(.]",
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
    speaker_start: int = -1  # where the attribution begins: the speaker's phrase, or the cue


@dataclass(frozen=True)
class _Speaker:
    phrase_start: int
    phrase_end: int
    role: str
    form: str  # "trailing", "leading", "inverted", "inherited"


def _ends_with_punctuation(text: str) -> bool:
    return bool(_TRAILING_PUNCT.search(text, max(0, len(text) - 6)))


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
        self._has_quote_marks = any(mark in text for mark in '“”"')
        self.drafts: list[QuoteDraft] = []

    def run(self) -> list[QuoteDraft]:
        """All statements of the article, in text order."""
        previous: QuoteDraft | None = None
        covered_until = -1  # a stripped quotation that ran on over several sentences ends here
        for sentence in self._sentences:
            if sentence.start < covered_until:
                continue
            found = self._sentence(sentence)
            if not found:
                run_on = self._run_on(sentence, previous)
                found = [run_on] if run_on else []
            self.drafts.extend(found)
            if found:
                previous = found[-1]
                covered_until = found[-1].end if found[-1].method == "run-on" else covered_until
            elif not self._has_quote_marks:
                previous = None
        return self.drafts

    def _sentence(self, sentence: Sentence) -> list[QuoteDraft]:
        s = sentence.text
        found: list[QuoteDraft] = []
        candidates = list(_CUE.finditer(s))
        if "concern" in sentence.lowered:
            candidates = sorted(candidates + list(_CONCERN_CUE.finditer(s)), key=lambda m: m.start())
        cues = [
            m
            for m in candidates
            if not self._inside_quotation(s, m.start())
            and not _PASSIVE.search(s, max(0, m.start() - 8), m.start())
            and not (m.group().endswith("ed") and _PASSIVE_AFTER.match(s, m.end()))
        ]
        last_entity: Entity | None = None
        for number, cue in enumerate(cues):
            next_cue = cues[number + 1].start() if number + 1 < len(cues) else len(s)
            draft = self._attribution(sentence, cue, next_cue, last_entity, found)
            for item in draft:
                if item.speaker_start == -1:
                    item.speaker_start = sentence.start + cue.start()
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
        concern = "concern" in verb
        if concern and verb.startswith("raising"):
            return []  # "..., raising concerns": mostly an event that causes concern, not a source voicing it
        if verb in SPEECH_PARTICIPLES or (concern and verb.split()[0].endswith("ing")):
            return self._participle(sentence, cue, next_cue, last_entity)
        left = s[: cue.start()]
        speaker = self._speaker_before(left, verb)
        after, addressee_end = skip_after_verb(s, cue.end(), addressee=verb in _ADDRESSED_VERBS)
        if addressee_end > cue.end() and (
            _OBJECT_COMPLEMENT.match(s, addressee_end) or _COMPLEMENT_WORD_END.search(s, cue.end(), addressee_end)
        ):
            # "urged Peru to act", "accused Peru of lying": the person addressed belongs to what was said.
            after = addressee_end = cue.end()
        cue_text = s[cue.start() : addressee_end].rstrip(".,") if addressee_end > cue.end() else cue.group()
        dismissed_as = verb in _DENIAL_VERBS and re.match(r"\s*as\s", s[after:])
        if (verb.startswith("describ") or dismissed_as) and speaker is not None:
            # "described the plan as a bribe": what was said is the description, not its object.
            return self._description(sentence, speaker, after, next_cue, cue_text)
        if speaker is None:
            if _ends_with_punctuation(left) and verb not in WEAK_SPEECH_VERBS and not concern:
                return self._inverted(sentence, cue, after, cue_text)
            if re.search(r"(?:\band|\bbut|,)\s*(?:(?:also|then|later)\s+)?$", strip_before_verb(left)) and (
                last_entity or found or clause_subject(s, cue.start())
            ):
                entity = last_entity or self._subject_entity(sentence, cue.start())
                return self._leading(sentence, entity, "", after, next_cue, cue_text, "inherited-subject")
            return []
        phrase = s[speaker.phrase_start : speaker.phrase_end]
        if not self._has_quote_marks and phrase.lower() in ("i", "we"):
            return []  # "I said that ..." in a stripped text is speech quoted by someone else
        entity = self._registry.resolve(phrase, sentence.start + speaker.phrase_start, speaker.role, lenient=True)
        if entity is None:
            return []
        before_phrase = s[: speaker.phrase_start]
        if speaker.form == "apposition":
            before_phrase = s[: speaker.phrase_start].rstrip()
            role_at = before_phrase.rfind(speaker.role) if speaker.role else -1
            if role_at != -1 and not before_phrase[role_at + len(speaker.role) :].strip(" ,"):
                # "The secretary general of the cabinet, Jane Doe, told ...": the role is part of the speaker.
                before_phrase = re.sub(r"(?:^|\s)(?:[Tt]he|[Aa]n?)\s*$", "", before_phrase[:role_at])
        rest_words = len(s[after:next_cue].split())
        closed_quotation = re.search(r"[,?!][”\"]\s*$", before_phrase)
        opens_statement = not closed_quotation and bool(re.match(r"\s*(?:that\b|:|,?\s*[“\"])", s[after:]))
        rest_is_adverbial = rest_words < _MIN_WORDS or _ADVERBIAL_REST.match(s, after) or closed_quotation
        opener = _OPENER.match(before_phrase)
        addressed_only = verb in _ADDRESSED_VERBS and " that " not in s[after:next_cue] and not opener
        if (
            _ends_with_punctuation(before_phrase)
            and not opens_statement
            and not _SETTING_ONLY.fullmatch(before_phrase)
            and len(before_phrase.split()) >= _MIN_WORDS
            and (rest_is_adverbial or addressed_only)
        ):
            drafts = self._trailing(sentence, entity, phrase, speaker.role, before_phrase, cue_text, found)
            interrupted = re.match(r"\s*,\s*[“\"]|,\s{2,}(?=[A-Z])", s[after:])
            if drafts and interrupted and rest_words >= _MIN_WORDS:
                entity = drafts[0].entity
                drafts += self._leading(sentence, entity, speaker.role, after, next_cue, cue_text, "interrupted")
            return drafts
        drafts = self._leading(sentence, entity, speaker.role, after, next_cue, cue_text, "leading-" + verb)
        for draft in drafts:
            draft.speaker_start = sentence.start + speaker.phrase_start
        return drafts

    def _description(
        self, sentence: Sentence, speaker: _Speaker, after: int, next_cue: int, cue: str
    ) -> list[QuoteDraft]:
        """``X described the plan as a "bribe"``: the statement is the description."""
        s = sentence.text
        described_as = _DESCRIBED_AS.search(s, after, next_cue)
        phrase = s[speaker.phrase_start : speaker.phrase_end]
        entity = self._registry.resolve(phrase, sentence.start + speaker.phrase_start, speaker.role, lenient=True)
        if described_as is None or entity is None:
            return []
        description = _DESCRIPTION.match(s, described_as.end(), next_cue)
        if description is None:
            return []
        group = next(number for number in (1, 2, 3) if description.group(number))
        start, stop = _trim(
            self._text, sentence.start + description.start(group), sentence.start + description.end(group)
        )
        if stop <= start:
            return []
        kind = "direct" if group < 3 else "indirect"
        return [QuoteDraft(start, stop, entity, speaker.role, kind, cue, 0.7, "described-as")]

    def _speaker_before(self, left: str, verb: str) -> _Speaker | None:
        dashes = _DASHED_ASIDE.search(left) if _DASH.search(left) else None
        if dashes:
            left = left[: dashes.start()] + " " * (len(left) - dashes.start())
        aside = _RELATIVE_ASIDE.search(left)
        if aside and aside.start() > 0 and left[aside.start() - 1].isalnum():
            # "Jane Doe, who took office in May, said": the speaker is the phrase before the relative clause.
            left = left[: aside.start()]
        stripped = strip_before_verb(left).rstrip()
        if not stripped.endswith(","):
            stripped = strip_setting(stripped).rstrip()
        if stripped.endswith(","):
            return self._apposition(stripped[:-1])
        if " who" in stripped[-_WHO_REACH:]:
            named = _NAME_BEFORE_WHO.search(stripped, max(0, len(stripped) - _WHO_REACH))
            if named:
                return _Speaker(named.start(1), named.end(1), "", "leading")
            described = _DESCRIPTION_BEFORE_WHO.search(stripped, max(0, len(stripped) - _WHO_REACH))
            if described and not re.search(r"[,;:]", stripped[described.start() :]):
                return _Speaker(described.start(), len(stripped), "", "leading")
        span = subject_span(left)
        if span is None:
            # "For two years U.N. rights chief Jane Doe has asked ...": an opening phrase hides the subject,
            # but a full personal name right before the verb is still its speaker.
            named = _TRAILING_NAME.search(stripped)
            reading = read_phrase(named.group()) if named else None
            if reading is None or reading.kind != "person" or len(reading.name.split()) < 2:
                return None
            return _Speaker(named.start(), named.end(), "", "leading")
        start, end = span
        phrase = left[start:end]
        named = _NAME_BEFORE_ROLE.search(left, max(0, start - 60), start)
        if named and re.match(r"(?:a|an|the)\s+[a-z]", phrase):
            # "Jane Doe, a member of the panel told reporters": an apposition whose closing comma is missing.
            reading = read_phrase(named.group(1))
            if reading is not None and reading.kind == "person" and len(reading.name.split()) > 1:
                return _Speaker(named.start(1), named.end(1), re.sub(r"^(?:a|an|the)\s+", "", phrase), "apposition")
        reading = read_phrase(phrase)
        if reading is None and not (_ends_with_punctuation(left[:start]) or _DESCRIBED.match(phrase)):
            return None
        return _Speaker(start, end, "", "leading")

    def _apposition(self, left: str) -> _Speaker | None:
        """``Name, a role,`` or ``The role, Name,`` before the verb: the name speaks, the rest is its role."""
        last_comma = left.rfind(",")
        if last_comma == -1:
            return None
        first_start = max(left.rfind(mark, 0, last_comma) for mark in (",", "“", '"', "”")) + 1
        first = left[first_start:last_comma].strip(' “”"')
        second = left[last_comma + 1 :].strip()
        first = re.sub(r"^(?:and|but)\s+", "", first)
        role_first = self._role_then_name(first, second)
        if role_first:
            name_at = left.index(second, last_comma)
            return _Speaker(name_at, name_at + len(second), role_first, "apposition")
        home = _HOME_PLACE.search(first)
        if home and _NAME_SEGMENT.match(first[: home.start()]):
            # "Senator Jane Doe of Vermont, the senior Democrat, said": the place belongs to the name.
            first = first[: home.start()]
        if not _NAME_SEGMENT.match(first):
            trailing_name = _TRAILING_NAME.search(first)
            first = trailing_name.group() if trailing_name else first
        if not second or not _ROLE_START.match(second) or not _NAME_SEGMENT.match(first) or len(second.split()) > 30:
            return None
        role = "" if second.split()[0].lower() in ("who", "which", "that", "where", "when", "whose") else second
        role = re.sub(r"\s+(?:who|which)\s.*$", "", role)
        role = re.sub(r"^(?:a|an|the)\s+", "", role)
        reading = read_phrase(first)
        if reading is None or reading.kind == "pronoun":
            return None
        name_at = left.index(first, first_start)
        return _Speaker(name_at, name_at + len(first), role.rstrip(","), "apposition")

    @staticmethod
    def _role_then_name(first: str, second: str) -> str:
        """The role when ``first`` is a description and ``second`` a full personal name."""
        reading = read_phrase(second)
        if reading is None or reading.kind != "person" or reading.role or len(second.split()) < 2:
            return ""
        if not re.match(r"(?:the|a|an)\s+[a-zA-Z]", first, re.IGNORECASE) or len(first.split()) > 12:
            return ""
        return re.sub(r"^(?:the|a|an)\s+", "", first, flags=re.IGNORECASE)

    def _subject_entity(self, sentence: Sentence, before: int) -> Entity | None:
        span = clause_subject(sentence.text, before)
        if span is None:
            return None
        return self._registry.resolve(sentence.text[span[0] : span[1]], sentence.start + span[0], lenient=True)

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
            if back < index and _CUE.search(self._sentences[back].text):
                break  # a sentence with an attribution of its own is not part of this quotation
            start = self._sentences[back].start
            if self._text[max(0, start - 2) : start] == "  ":
                return start
        return sentence.start

    def _trailing(
        self,
        sentence: Sentence,
        entity: Entity,
        phrase: str,
        role: str,
        before_phrase: str,
        cue: str,
        found: list[QuoteDraft],
    ) -> list[QuoteDraft]:
        s = sentence.text
        end = len(before_phrase.rstrip())
        start = self._content_start(sentence, end)
        if found:
            start = max(start, found[-1].end + 1)
        start, stop = _trim(self._text, start, sentence.start + end)
        reading = read_phrase(phrase)
        if reading is not None and reading.kind == "pronoun":
            # "<statement>, he said": he is someone named before the statement; names inside it (a person
            # addressed, the subject of the statement) are not antecedents.
            entity = self._registry.resolve(phrase, start) or entity
        if len(self._text[start:stop].split()) < _MIN_WORDS and self._text[start - 1 : start] in '“"':
            # 'Doe was "largely absent," Roe said': a short quoted phrase ends a reported statement.
            start, stop = _trim(self._text, max(sentence.start, found[-1].end + 1 if found else 0), stop)
        if len(self._text[start:stop].split()) < _MIN_WORDS:
            return []
        quoted = s[:end].rstrip()[-1:] in '”"' or self._text[start - 1 : start] in '“"' or not self._has_quote_marks
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
        if _BAD_CONTENT_START.match(s, content_start):
            that = s.find(" that ", content_start, content_start + _THAT_REACH)
            if that != -1 and not any(mark in s[content_start:that] for mark in ',;:“”"'):
                content_start = that + len(" that ")
        end = self._content_end(s, content_start, next_cue)
        start, stop = _trim(self._text, sentence.start + content_start, sentence.start + end)
        words = self._text[start:stop].split()
        denied_charge = bool(words) and cue.split()[0].lower() in _DENIAL_VERBS and words[-1].lower() in _CHARGES
        if (len(words) < _MIN_WORDS and not denied_charge) or _BAD_CONTENT_START.match(self._text, start):
            return []
        opened = self._text[start - 1 : start] in '“"' or self._text[max(0, start - 3) : start].strip() in '“"'
        direct = opened and self._has_quote_marks
        if not self._has_quote_marks and _FIRST_OR_SECOND_PERSON.search(self._text[start:stop]):
            direct = ":" in s[after:content_start] or "," in s[after:content_start]
        kind = "direct" if direct else "indirect"
        confidence = 0.8 if method.startswith("leading") else 0.65
        return [QuoteDraft(start, stop, entity, role, kind, cue.strip(), confidence, method)]

    def _content_end(self, s: str, start: int, next_cue: int) -> int:
        end = len(s)
        if next_cue < len(s):
            subject = subject_span(s[:next_cue])
            next_start = subject[0] if subject and subject[0] > start else next_cue
            boundary = _COORDINATION.search(s, start, next_start)
            # A cue inside the statement without a clause break before it is nested speech: keep it.
            if boundary:
                end = boundary.start()
        stop = _STATEMENT_END.search(s, start, end)
        if stop:
            end = stop.start()
        if s[start - 1 : start] not in QUOTE_MARKS and s[max(0, start - 2) : start] != "  ":
            reporter = _REPORTER_TAIL.search(s, start, end)
            end = reporter.start() if reporter else end
        return len(_LIST_COMMA_END.sub("", s[:end])) if end > start else end

    def _participle(
        self, sentence: Sentence, cue: re.Match, next_cue: int, last_entity: Entity | None
    ) -> list[QuoteDraft]:
        s = sentence.text
        left = s[: cue.start()]
        attached = re.search(r",\s*(?:and\s+|but\s+)?$|\b(?:and|by)\s+$", left)
        with_subject = _WITH_SUBJECT.search(left) or _QUOTED_AS.search(left)
        if with_subject and cue.group() == "saying":
            entity = self._registry.resolve(with_subject.group(1), sentence.start + with_subject.start(1), lenient=True)
        elif attached or cue.group() == "saying":
            entity = last_entity or self._subject_entity(sentence, cue.start())
        else:
            return []
        after, _ = skip_after_verb(s, cue.end())
        return self._leading(sentence, entity, "", after, next_cue, cue.group(), "participle-" + cue.group().lower())

    def _according_to(self, sentence: Sentence, cue: re.Match, next_cue: int) -> list[QuoteDraft]:
        s = sentence.text
        source_end = s.find(",", cue.end())
        tail_source = source_end == -1
        if tail_source:
            source_end = len(s.rstrip(' .”"'))
        phrase = s[cue.end() : source_end].strip()
        if not phrase or len(phrase.split()) > 8:
            return []
        entity = self._registry.resolve(phrase, sentence.start + cue.end())
        if entity is None:
            return []
        left = s[: cue.start()].rstrip()
        if any(word in SPEECH_VERBS for word in left.split()):
            return []
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
        tail = s[cue.end() :].rstrip(' .”"')
        name, _, role = tail.partition(",")
        name = _SPEAKER_TAIL.sub("", name.strip())
        if not name or len(name.split()) > 8:
            return []
        phrase_start = s.index(name, cue.end())
        reading = read_phrase(name)
        if reading is None or reading.kind == "pronoun":
            return []
        if not re.match(r"(?:a|an|the|[A-Z])", name) and reading.kind != "unnamed" or _PREPOSITION.match(name):
            return []  # "..., wrote to school principals": the phrase after the verb is whom it was written to
        role = re.sub(r"^(?:a|an|the)\s+", "", role.strip())
        entity = self._registry.resolve(name, sentence.start + phrase_start, role)
        if entity is None:
            return []
        left = s[: cue.start()].rstrip()
        start = self._content_start(sentence, len(left))
        start, stop = _trim(self._text, start, sentence.start + len(left))
        if len(self._text[start:stop].split()) < _MIN_WORDS:
            return []
        role = role or reading.role
        return [QuoteDraft(start, stop, entity, role, "direct", cue_text, 0.85, "inverted-said")]

    def _run_on(self, sentence: Sentence, previous: QuoteDraft | None) -> QuoteDraft | None:
        """A quotation that carries on into a sentence of its own keeps the previous speaker."""
        if previous is None:
            return None
        if not self._has_quote_marks:
            return self._stripped_run_on(sentence, previous)
        if sentence.text[:1] not in '“"':
            return None
        start, stop = _trim(self._text, sentence.start, sentence.end)
        if len(self._text[start:stop].split()) < _MIN_WORDS:
            return None
        return QuoteDraft(start, stop, previous.entity, previous.role, "direct", "", 0.6, "run-on")

    def _stripped_run_on(self, sentence: Sentence, previous: QuoteDraft) -> QuoteDraft | None:
        """In a text without quotation marks, the double spaces the marks left show where a quotation
        that follows a direct statement opens and closes; it may run over several sentences."""
        gap = self._text[max(0, sentence.start - 4) : sentence.start]
        # Two or three spaces are a stripped mark after a full stop; a wider gap is a layout break.
        if previous.kind != "direct" or not gap.endswith("  ") or gap == "    ":
            return None
        # The double space opens a quotation only after an attribution ("..., she said.  ");
        # straight after a statement it is the mark that closed that statement.
        attribution = self._text[previous.end : sentence.start]
        if not _ATTRIBUTION_WORD.search(attribution) or len(attribution) > _ATTRIBUTION_REACH:
            return None
        # Double spaces between words inside the quotation are stripped inner marks or dashes; the closing
        # mark follows punctuation.
        closing = _STRIPPED_CLOSE.search(self._text, sentence.start)
        close = closing.end() if closing else len(self._text)
        # A quotation that closes on a comma has an attribution of its own, found by the other rules.
        if self._text[close - 1 : close] not in ".?!" or close - sentence.start > _RUN_ON_REACH:
            return None
        if _CUE.search(self._text, sentence.end, close):
            return None  # a later sentence with an attribution of its own: the gap was not a quotation mark
        start, stop = _trim(self._text, sentence.start, close)
        if len(self._text[start:stop].split()) < _MIN_WORDS or self._names_speaker(start, stop, previous.entity):
            return None
        return QuoteDraft(start, stop, previous.entity, previous.role, "direct", "", 0.6, "run-on")

    def _names_speaker(self, start: int, stop: int, entity: Entity) -> bool:
        """Whether a passage speaks of a person by surname: then it is the reporter's, not that person's words."""
        if entity.kind != "person":
            return False
        surname = entity.name.split()[-1]
        return re.search(rf"(?<![\w'’-]){re.escape(surname)}(?![\w-])", self._text[start:stop]) is not None

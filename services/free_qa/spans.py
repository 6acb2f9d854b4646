"""Candidate answer spans of a sentence, and the answer type a question asks for.

KorQuAD-style factoid answers are short spans of the passage: names, dates, numbers with their
counters, noun phrases, quoted titles. Candidates are cut from runs of nominal morphemes
(particles and endings end a run, so "세종대왕은" yields "세종대왕"), a number is never cut
from its counter ("1443년", not "1443"), and every candidate is an exact substring of the
sentence: KorQuAD's exact match compares strings.
"""

from __future__ import annotations

import bisect
import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from services.free_qa.types import Morpheme

Tagger = Callable[[str], list[Morpheme]]
"""Text -> morphemes with character offsets (the Kiwi adapter in production)."""

# Morphemes that can be part of an answer phrase: nouns, bound nouns (counters), numerals,
# numbers, foreign words, Hanja and noun prefixes/suffixes.
_NOMINAL = frozenset({"NNG", "NNP", "NNB", "NR", "SN", "SL", "SH", "XPN", "XSN"})
_CANNOT_START = frozenset({"NNB", "XSN"})
_DATE_UNITS = frozenset({"년", "월", "일", "세기", "년대", "시", "분", "연도", "년도"})
_MAX_TOKENS = 8
_QUOTES = ("「」", "『』", "《》", "〈〉", "''", '""', "‘’", "“”")
_QUOTED = re.compile(
    "|".join(f"{re.escape(q[0])}([^{re.escape(q[1])}]{{1,40}}){re.escape(q[1])}" for q in _QUOTES)
)


class AnswerType(enum.Enum):
    """What kind of phrase a factoid question asks for."""

    PERSON = "person"
    DATE = "date"
    NUMBER = "number"
    PLACE = "place"
    THING = "thing"
    ANY = "any"


# Ordered: "몇 년" asks for a date before "몇" asks for a number; "몇 명의 사람" for a number.
_TYPE_CUES: tuple[tuple[AnswerType, re.Pattern[str]], ...] = (
    (
        AnswerType.DATE,
        re.compile(
            r"언제|몇\s*년|몇\s*월|며칠|몇\s*세기|[연년]도|날짜|연월일|시기|시점|"
            r"(?:^|\s)(?:해|때|날|기간)(?:은|는|가|를|에|의)?(?:\s|\?|$)"
        ),
    ),
    (
        AnswerType.NUMBER,
        re.compile(
            r"몇|얼마|인원|규모|금액|가격|비율|높이|길이|넓이|면적|무게|나이|인구|횟수|점수|순위|개수"
        ),
    ),
    (
        AnswerType.PERSON,
        re.compile(
            r"누구|누가|누군|사람|인물|선수|감독|작가|저자|배우|가수|주인공|창시자|설립자|발명가|"
            r"대통령은|왕은|황제는|의원은|장관은"
        ),
    ),
    (
        AnswerType.PLACE,
        re.compile(r"어디|어느\s*(?:곳|나라|지역|도시)|곳은|곳이|장소|지역은|나라는|도시는|국가는"),
    ),
    (AnswerType.THING, re.compile(r"무엇|뭐|뭘|무슨|어떤|어느|것은|이름")),
)


def answer_type(question: str) -> AnswerType:
    """The answer type of the first cue the question contains (ANY when none)."""
    for kind, cue in _TYPE_CUES:
        if cue.search(question):
            return kind
    return AnswerType.ANY


@dataclass(frozen=True)
class Candidate:
    """A candidate answer: a substring of one sentence.

    Attributes:
        text: The span, exactly as it stands in the sentence.
        start: Offset of the span in the sentence.
        end: Offset after the span in the sentence.
        tags: Tags of its morphemes.
        forms: Its morphemes (to compare with the question's terms).
        quoted: Cut from between quotes or title brackets.
        partial: Starts or ends inside a word (세종 of 세종대왕): rarely a whole answer.
        next_tag: Tag of the morpheme after it, closing quotes skipped (JKO for 한글을; "" at the end).
    """

    text: str
    start: int
    end: int
    tags: tuple[str, ...]
    forms: tuple[str, ...]
    quoted: bool = False
    partial: bool = False
    next_tag: str = ""

    @property
    def is_date(self) -> bool:
        """A number with a date unit: 1443년, 2018년 1월 17일, 19세기."""
        return "SN" in self.tags and any(f in _DATE_UNITS for f in self.forms)

    @property
    def date_units(self) -> int:
        """Date units it names: 2 for 2018년 1월, 0 for anything but a pure date expression."""
        if not self.is_date or any(t not in ("SN", "NNB", "NNG") for t in self.tags):
            return 0
        return sum(f in _DATE_UNITS for f in self.forms)

    @property
    def words(self) -> int:
        """Space-separated words."""
        return len(self.text.split())

    @property
    def is_number(self) -> bool:
        """Contains a number or numeral."""
        return "SN" in self.tags or "NR" in self.tags

    @property
    def is_proper(self) -> bool:
        """Contains a proper noun or a foreign word, and no number."""
        return ("NNP" in self.tags or "SL" in self.tags) and not self.is_number


def _joined(left: Morpheme, right: Morpheme, text: str) -> bool:
    """Whether two morphemes are in one phrase: only spaces between them."""
    return right.start >= left.end and not text[left.end : right.start].strip()


def _ordinals(morphemes: Sequence[Morpheme]) -> list[Morpheme]:
    """Kiwi tags the 제 of 제4대 as a determiner; as a prefix it stays with its number."""
    out = list(morphemes)
    for i, m in enumerate(out[:-1]):
        if m.form == "제" and m.tag == "MM" and out[i + 1].tag == "SN" and out[i + 1].start == m.end:
            out[i] = replace(m, tag="XPN")
    return out


def nominal_runs(text: str, morphemes: Sequence[Morpheme]) -> list[list[Morpheme]]:
    """Maximal runs of nominal morphemes separated by nothing but spaces."""
    runs: list[list[Morpheme]] = []
    current: list[Morpheme] = []
    for m in _ordinals(morphemes):
        if m.tag in _NOMINAL and (not current or _joined(current[-1], m, text)):
            current.append(m)
            continue
        if current:
            runs.append(current)
        current = [m] if m.tag in _NOMINAL else []
    if current:
        runs.append(current)
    return runs


def _cuts_number(run: Sequence[Morpheme], j: int) -> bool:
    """Ending at run[j] would separate a number from the counter glued to it (1443|년)."""
    return (
        j + 1 < len(run)
        and run[j].tag in ("SN", "NR")
        and run[j + 1].tag == "NNB"
        and run[j + 1].start == run[j].end
    )


def _run_spans(text: str, run: Sequence[Morpheme]) -> list[Candidate]:
    """Every sub-phrase of a run that starts at a head morpheme and keeps numbers whole."""
    out = []
    for i, first in enumerate(run):
        if first.tag in _CANNOT_START:
            continue
        for j in range(i, min(len(run), i + _MAX_TOKENS)):
            if _cuts_number(run, j):
                continue
            inner_start = i > 0 and run[i - 1].end == first.start
            inner_end = j + 1 < len(run) and run[j + 1].start == run[j].end
            part = run[i : j + 1]
            out.append(
                Candidate(
                    text=text[first.start : run[j].end],
                    start=first.start,
                    end=run[j].end,
                    tags=tuple(m.tag for m in part),
                    forms=tuple(m.form for m in part),
                    partial=inner_start or inner_end,
                )
            )
    return out


def _quoted_spans(text: str, morphemes: Sequence[Morpheme]) -> list[Candidate]:
    """The insides of quotes and title brackets: 「토지」 -> 토지."""
    out = []
    for match in _QUOTED.finditer(text):
        group = next(g for g in range(1, len(match.groups()) + 1) if match.group(g) is not None)
        start, end = match.span(group)
        inside = [m for m in morphemes if m.start >= start and m.end <= end]
        if match.group(group).strip() == match.group(group):
            out.append(
                Candidate(
                    text=text[start:end],
                    start=start,
                    end=end,
                    tags=tuple(m.tag for m in inside),
                    forms=tuple(m.form for m in inside),
                    quoted=True,
                )
            )
    return out


def candidates(text: str, morphemes: Sequence[Morpheme]) -> list[Candidate]:
    """Candidate answer spans of a sentence: noun phrases, numbers with units, dates, quoted titles.

    Args:
        text: The sentence (candidates are substrings of it).
        morphemes: The sentence's morphemes (offsets into `text`).

    Returns:
        Candidates in text order, without duplicate (start, end) pairs.
    """
    found = [c for run in nominal_runs(text, morphemes) for c in _run_spans(text, run)]
    found += _quoted_spans(text, morphemes)
    unique = {(c.start, c.end): c for c in sorted(found, key=lambda c: c.quoted)}  # quoted wins
    starts = [m.start for m in morphemes]
    return [_with_next(c, morphemes, starts) for c in sorted(unique.values(), key=lambda c: (c.start, c.end))]


def _with_next(c: Candidate, morphemes: Sequence[Morpheme], starts: Sequence[int]) -> Candidate:
    """The candidate with the tag of the morpheme that follows it (its particle, usually)."""
    i = bisect.bisect_left(starts, c.end)
    while i < len(morphemes) and morphemes[i].tag == "SSC":
        i += 1
    return replace(c, next_tag=morphemes[i].tag) if i < len(morphemes) else c

"""Yes/no by reading the claim's slot: "A는 B인가?" -> ask "A는 무엇인가?" and compare with B.

NLI v2 seldom calls a same-type wrong entity a contradiction ("북조가 옹립한 천황은 요시노이다"
against "북조는 고묘 천황을 옹립하였다" is mostly neutral), so on its own it answers a quarter of
the yes/no questions. A copular claim asks about its complement, the noun phrase right before
the copula: the focus of a Korean yes/no question sits before the predicate. Masking that slot
with a question word turns the claim back into a factoid question the extractive reader
answers (QA-based fact checking, as in QAGS): when its best span is the slot, the passages say
예; when it is confidently something else, 아니오.

Only copular claims without negation are read this way. For a verb or adjective claim (해파리는
뇌가 있다, 세종이 한글을 만들었다) the truth sits in the predicate, and a different span from the
reader says nothing about it, so those stay with NLI; so do negative claims (…이 아니다).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from searchlm.reader.types import SpanAnswer
from services.free_qa.types import Morpheme

# A slot is a run of these (nouns, numbers, foreign words, counters and noun affixes).
_NOUNISH = frozenset({"NNP", "NNG", "NR", "SN", "SL", "SH", "NNB", "XPN", "XSN"})
_NAMEISH = frozenset({"NNP", "SL", "SH"})
_DATE = re.compile(r"\d\s*(?:년|월|일|세기)")
_NUMBER = re.compile(r"제?\d[\d,.]*(?:\s*[십백천만억조]+(?:\s*\d[\d,.]*)?)*\s*")
_NOT_TEXT = re.compile(r"[\s\W_]+")

# From this reader confidence on, a slot's answer decides. Chosen on the tune articles as the
# lowest confidence whose accuracy among answered yes/no items is >= 0.80 there
# (`bench/free_qa_yes_no.py --reader`): every floor reached it, so the reader always decides
# when it reads a span its window's null ("no answer") score does not beat.
SLOT_MIN_CONFIDENCE = 0.0
# An n-best span this close to the best one's confidence that names the slot says 예 (tune).
SLOT_NBEST_RATIO = 0.5


@dataclass(frozen=True)
class Slot:
    """The focus of a copular claim and the factoid question that asks for it.

    Attributes:
        text: the slot as written in the claim ("고묘 천황", "1950미터").
        kind: ``number``, ``name`` or ``noun``.
        question: the claim with the slot replaced by a question word ("…천황은 무엇인가?").
    """

    text: str
    kind: str
    question: str


@dataclass(frozen=True)
class SlotVerdict:
    """The reader's yes/no on a slot: its best span, whether that is the slot, and its confidence."""

    yes: bool
    confidence: float
    answer: SpanAnswer


def _runs(morphemes: Sequence[Morpheme]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of maximal noun-like runs (at most one space between morphemes)."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, m in enumerate(morphemes):
        joined = start is not None and m.start - morphemes[i - 1].end <= 1
        if m.tag in _NOUNISH and (start is None or joined):
            start = i if start is None else start
            continue
        if start is not None:
            runs.append((start, i))
        start = i if m.tag in _NOUNISH else None
    if start is not None:
        runs.append((start, len(morphemes)))
    return runs


def _kind(morphemes: Sequence[Morpheme]) -> str:
    tags = {m.tag for m in morphemes}
    if "SN" in tags:
        return "number"
    return "name" if tags & _NAMEISH else "noun"


def _question_word(text: str, kind: str) -> str:
    """언제 for dates, 몇 in a number's place (1950미터 -> 몇 미터, 제16대 대통령 -> 몇 대 대통령),
    else 무엇."""
    if kind != "number":
        return "무엇"
    if _DATE.search(text):
        return "언제"
    return _NUMBER.sub("몇 ", text, count=1).strip()


def focus_slot(claim: str, morphemes: Sequence[Morpheme]) -> Slot | None:
    """The complement of a copular claim ("A는 B이다." -> B), as a factoid question; else None.

    The claim is a statement (`evidence.declarative`): its last noun-like run must be followed
    by the copula (이/VCP) and the final ending, with nothing negative in the claim.
    """
    if any(m.tag == "VCN" or (m.tag == "MAG" and m.form in ("안", "못")) for m in morphemes):
        return None
    runs = _runs(morphemes)
    if not runs:
        return None
    i, j = runs[-1]
    rest = [m.tag for m in morphemes[j:] if not m.tag.startswith("S")]
    if rest[:1] != ["VCP"] or any(not tag.startswith("E") for tag in rest[1:]):
        return None
    start, end = morphemes[i].start, morphemes[j - 1].end
    text = claim[start:end]
    if len(_NOT_TEXT.sub("", text)) < 2 and "SN" not in {m.tag for m in morphemes[i:j]}:
        return None
    kind = _kind(morphemes[i:j])
    question = f"{claim[:start]}{_question_word(text, kind)}인가?"
    return Slot(text=text, kind=kind, question=question)


def same_answer(answer: str, slot: str) -> bool:
    """Whether a read span names the slot, spaces and punctuation aside: equal, the span holds
    the slot ("8억 달러 선으로 전달에 비해" ~ "8억 달러 선"), or the slot holds a span of 2+
    characters with the same numbers (고묘 천황 ~ 고묘천황, 요시노 ~ 요시노이; not 15 ~ 1592년)."""
    a, s = _NOT_TEXT.sub("", answer), _NOT_TEXT.sub("", slot)
    if not a or not s:
        return False
    if a == s or (len(s) >= 2 and s in a):
        return True
    digits_a, digits_s = re.findall(r"\d+", a), re.findall(r"\d+", s)
    return len(a) >= 2 and a in s and (not digits_s or digits_a == digits_s)


def judge_slot(
    read: Callable[[str, Sequence[str]], list[SpanAnswer]],
    slot: Slot,
    passages: Sequence[str],
    min_confidence: float = SLOT_MIN_CONFIDENCE,
    nbest_ratio: float = SLOT_NBEST_RATIO,
) -> SlotVerdict | None:
    """The reader's verdict on a slot, None when its best span for the slot's question is below
    ``min_confidence``, its window's null score wins (the passages do not answer it), or it
    reads nothing.

    예 when one of the n-best spans with at least ``nbest_ratio`` of the best one's confidence
    names the slot (the reader often splits its belief between 2004년 7월 1일 and 2004년), else
    아니오 with the best span.
    """
    answers = read(slot.question, passages)
    if not answers or answers[0].confidence < min_confidence:
        return None
    best = answers[0]
    if best.score < best.null_score:
        return None
    for answer in answers:
        if answer.confidence >= nbest_ratio * best.confidence and same_answer(answer.text, slot.text):
            return SlotVerdict(yes=True, confidence=answer.confidence, answer=answer)
    return SlotVerdict(yes=False, confidence=best.confidence, answer=best)

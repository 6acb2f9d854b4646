"""Feature scores of candidate answer spans: does the phrase look like what the question asks for?

Weights were set by hand on a slice of KorQuAD dev apart from the questions the benchmark
reports (`bench/free_qa_korquad.py --skip`), not fitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.free_qa.spans import AnswerType, Candidate
from services.free_qa.types import Morpheme

# Question words and frame nouns: in the question, but never evidence that a sentence answers it.
QUESTION_WORDS = frozenset(
    [
        "누구",
        "누가",
        "무엇",
        "뭐",
        "언제",
        "어디",
        "몇",
        "얼마",
        "어느",
        "어떤",
        "무슨",
        "이름",
        "것",
        "해",
        "때",
        "곳",
        "사람",
        "인물",
        "년도",
        "연도",
        "날짜",
        "시기",
        "하다",
        "되다",
        "이다",
        "있다",
    ]
)
_FUNCTION_TAGS = ("J", "E", "S", "VCP", "VCN", "XSV", "XSA")
# Nouns of time, relation and quantity that frame a sentence but are (almost) never its answer.
_GENERIC = frozenset(
    [
        "당시",
        "이후",
        "이전",
        "사이",
        "지금",
        "경우",
        "결과",
        "일종",
        "가운데",
        "도중",
        "동안",
        "이상",
        "이하",
        "정도",
        "때문",
        "자신",
        "사실",
        "관련",
        "현재",
        "올해",
        "최초",
        "처음",
        "최근",
        "직후",
        "직전",
        "이번",
        "다음",
        "앞",
        "뒤",
        "위",
        "아래",
        "중",
        "후",
        "전",
        "때",
        "등",
        "측",
        "양측",
        "부분",
        "내용",
        "과정",
        "방법",
        "이유",
        "문제",
        "대상",
        "역할",
        "모습",
        "의미",
        "시작",
        "계기",
        "상황",
        "상태",
        "영향",
        "바탕",
        "기준",
    ]
)
_WH_FORMS = frozenset(["누구", "무엇", "뭐", "어디", "언제", "몇", "얼마", "어떤", "무슨", "어느"])
# Particles of one role: the topic marker stands in for the subject marker.
_CASE = {"JKS": "subject", "JX": "subject", "JKO": "object", "JKB": "adverbial", "JKG": "genitive"}


@dataclass(frozen=True)
class QuestionView:
    """What the scorer knows of the question.

    Attributes:
        kind: Answer type asked for.
        terms: Content terms and their paraphrases (`paraphrases`), question words removed.
        case: Role of the question word ("object" for 누구를, "subject"..., or "").
    """

    kind: AnswerType
    terms: frozenset[str]
    case: str


def question_case(morphemes: Sequence[Morpheme]) -> str:
    """The role of the question word (누구를 -> object): the answer tends to play it in its sentence."""
    for i, m in enumerate(morphemes):
        if m.form not in _WH_FORMS:
            continue
        for after in morphemes[i + 1 : i + 4]:
            if after.tag.startswith(("V", "E", "SF")):
                break
            if after.tag in _CASE:
                return _CASE[after.tag]
        return ""
    return ""


def type_score(wanted: AnswerType, c: Candidate) -> float:
    """How well a candidate fits the answer type: 1 fits (a fuller date more), 0 neutral, -1 cannot be it."""
    if wanted is AnswerType.DATE:
        if c.date_units:
            return 0.7 + 0.3 * c.date_units
        return 0.3 if c.is_date else (0.0 if c.is_number else -1.0)
    if wanted is AnswerType.NUMBER:
        if c.is_number and not c.is_date:
            return 1.0 if len(c.tags) > 1 else 0.6  # with its counter or unit
        return 0.0 if c.is_date else -1.0
    if wanted in (AnswerType.PERSON, AnswerType.PLACE):
        return 1.0 if c.is_proper else (-1.0 if c.is_number else 0.0)
    if wanted is AnswerType.THING:
        return -0.5 if c.is_number else (0.8 if c.quoted or c.is_proper else 0.5)
    return 0.5 if c.quoted or c.is_proper else 0.0


def anchors(morphemes: Sequence[Morpheme], terms: frozenset[str]) -> list[int]:
    """Offsets of a sentence's morphemes that are question terms (verbs compared as 만들다)."""
    return [
        m.start
        for m in morphemes
        if not m.tag.startswith(_FUNCTION_TAGS) and (m.form.lower() in terms or f"{m.form}다" in terms)
    ]


def _proximity(c: Candidate, found: Sequence[int]) -> float:
    """1 next to a question term of the sentence, falling with the distance in characters."""
    if not found:
        return 0.0
    distance = min(max(0, c.start - a, a - c.end) for a in found)
    return 1.0 / (1.0 + distance / 8.0)


def _in_question(c: Candidate, terms: frozenset[str]) -> float:
    """Share of the candidate's morphemes the question already contains."""
    forms = [f.lower() for f in c.forms] or [c.text.lower()]
    return sum(f in terms for f in forms) / len(forms)


def _form_penalty(c: Candidate) -> float:
    """Shapes that are rarely answers: long, cut inside a word, one syllable, generic, a verb's noun."""
    penalty = 0.3 * max(0, c.words - 2) + (0.5 if c.partial else 0.0) + (0.3 if len(c.text) == 1 else 0.0)
    if c.forms and all(f in _GENERIC for f in c.forms):
        penalty += 1.0
    if c.next_tag in ("XSV", "XSA"):  # 발표(하다), 수거(되다): the predicate, not its argument
        penalty += 1.0
    return penalty


def feature_score(c: Candidate, q: QuestionView, *, found: Sequence[int], overlap: float, rank: int) -> float:
    """The feature score of one candidate.

    Args:
        c: The candidate.
        q: The question.
        found: Offsets of the question's terms in the candidate's sentence (`anchors`).
        overlap: Share of the question's terms in that sentence.
        rank: Retrieval rank of its passage (0: best).
    """
    case = 0.5 if q.case and _CASE.get(c.next_tag) == q.case else 0.0
    return (
        2.0 * overlap
        + type_score(q.kind, c)
        + _proximity(c, found)
        + case
        - 2.0 * _in_question(c, q.terms)
        + 0.5 / (rank + 1)
        - _form_penalty(c)
    )

"""The shape of answer a Korean question asks for, and a preference for spans of that shape.

A span reader scores where an answer starts and ends, not what the question counts: asked
"몇 명이 사망하였는가?" it may rank "40명이 사망했으며 6명" above "40명", and asked "사과문을
실은 해는?" it answers a whole date. The question says which shape it wants, read with Kiwi
(`searchlm.text`):

- a counter after 몇 (몇 명, 몇 개월, 몇 번째, 몇월; 퍼센트 also accepts %): a number written
  with that counter, with the usual hedges (약, 총, 여, 이상, 가량, ...);
- a year (몇 년도, 연도/년도, 어느 해, "...한 해는?"): a year, "1392년".

Among a reader's best answers, a span of the asked shape is preferred to a better-scored span
of another shape when its confidence is at least ``min_ratio`` of the best one's; a year
question whose answer is a longer date keeps the year ("2012년 7월 5일" -> "2012년"). A
question that asks for neither (언제, 누구, 무엇, ...) is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from searchlm import text as korean
from searchlm.reader.types import SpanAnswer

_NATIVE = (
    "한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|스무|스물|서른|마흔|쉰|예순|일흔|여든|아흔|수십|수백|수천|수만"
)
_NUMBER = rf"(?:[0-9][0-9,.]*(?:\s*[십백천만억조])*|(?:{_NATIVE})(?:\s*(?:{_NATIVE}))?)"
_BEFORE = r"(?:약|총|무려|대략|최대|최소|최고|단)?\s*"
_AFTER = r"(?:\s*(?:여|남짓|이상|이하|미만|가량|정도|째|간|여간|만))*"
_YEAR = re.compile(r"^[0-9]{1,4}\s*년$")
_YEAR_PREFIX = re.compile(r"^([0-9]{3,4}\s*년)\s")

# Counters written more than one way.
_SPELLINGS = {"퍼센트": ("퍼센트", "%", "프로"), "프로": ("프로", "%", "퍼센트")}

# Nouns that ask for a year: "몇 년도", "수립된 연도는", "사과문을 실은 해는".
_YEAR_NOUNS = frozenset({"년도", "연도"})


@dataclass(frozen=True)
class AnswerShape:
    """What an answer should look like.

    Attributes:
        pattern: a whole answer of this shape matches it.
        year: the question asks for a year (a longer date may be cut to its year).
    """

    pattern: re.Pattern[str]
    year: bool = False


def answer_shape(question: str) -> AnswerShape | None:
    """The shape ``question`` asks for, or None when it asks for no count or year."""
    tokens = korean.tokenize(question)
    for i, t in enumerate(tokens):
        if t.form in _YEAR_NOUNS or _asks_year(tokens, i):
            return AnswerShape(_YEAR, year=True)
        if t.form == "몇" and t.tag in ("MM", "NR") and i + 1 < len(tokens):
            counter = _counter(tokens, i + 1)
            if counter in _YEAR_NOUNS:
                return AnswerShape(_YEAR, year=True)
            if counter:
                return AnswerShape(_counted(counter))
    return None


def _asks_year(tokens: Sequence[korean.Token], i: int) -> bool:
    """해 as the head of the question's noun phrase: "어느 해", "...을 실은 해는?"."""
    t = tokens[i]
    if t.form != "해" or t.tag != "NNG" or i == 0:
        return False
    before = tokens[i - 1]
    return before.tag == "ETM" or (before.form == "어느" and before.tag == "MM")


def _counter(tokens: Sequence[korean.Token], j: int) -> str:
    """The counter after 몇 ("명", "개월", "번째"); "" when none follows."""
    t = tokens[j]
    if not t.tag.startswith(("NNB", "NNG")):
        return ""
    nxt = tokens[j + 1] if j + 1 < len(tokens) else None
    if nxt is not None and nxt.tag == "XSN" and nxt.start == t.start + t.len:
        return t.form + nxt.form  # 번째
    return t.form


def _counted(counter: str) -> re.Pattern[str]:
    spellings = _SPELLINGS.get(counter, (counter,))
    unit = "(?:" + "|".join(re.escape(s) for s in spellings) + ")"
    return re.compile(rf"^{_BEFORE}{_NUMBER}\s*(?:여\s*)?{unit}{_AFTER}$")


def prefer_shape(
    answers: Sequence[SpanAnswer], shape: AnswerShape | None, min_ratio: float
) -> list[SpanAnswer]:
    """``answers`` (best first) with the best one of ``shape`` moved to the front.

    Args:
        answers: a question's answers, best first.
        shape: what the question asks for (None: ``answers`` unchanged).
        min_ratio: a shaped answer goes first only with at least this share of the best
            answer's confidence (above 1: never).

    Returns:
        The reordered answers; a year question's unshaped best answer that starts with a
        year is cut to it when no shaped answer qualifies.
    """
    if shape is None or not answers or shape.pattern.match(answers[0].text):
        return list(answers)
    top = answers[0]
    for k, a in enumerate(answers[1:], start=1):
        if shape.pattern.match(a.text) and a.confidence >= min_ratio * top.confidence:
            return [a, *answers[:k], *answers[k + 1 :]]
    m = _YEAR_PREFIX.match(top.text) if shape.year else None
    if m is None:
        return list(answers)
    cut = replace(top, text=m.group(1), end=top.start + len(m.group(1)))
    return [cut, *answers[1:]]

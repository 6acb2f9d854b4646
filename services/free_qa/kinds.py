"""Question-kind classification: ordered rules, then (optionally) the LM for what no rule claims."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from searchlm.lm.types import LmClient
from services.free_qa.types import QuestionKind

_WH = r"(누구|누가|무엇|뭐|뭘|무슨|언제|어디|어느|몇|얼마|어떤|어떻게|왜)"


@dataclass(frozen=True)
class KindRule:
    """A rule: when `pattern` matches the question, the kind is `kind`."""

    name: str
    kind: QuestionKind
    matches: Callable[[str], bool]


def _search(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern)
    return lambda q: compiled.search(q) is not None


def _yes_no(question: str) -> bool:
    # No question word, and a predicate ending that asks for confirmation: 있어? 인가요? 맞니? ...
    if re.search(_WH, question):
        return False
    return (
        re.search(r"(어|아|야|니|나요|까|까요|죠|지|냐|가요|는가|습니까|ㅂ니까|요)\s*\??\s*$", question)
        is not None
    )


# Order matters: "왜 ... 되니?" is long-form although it ends like a yes/no question.
RULES: tuple[KindRule, ...] = (
    KindRule("why_how", QuestionKind.LONG_FORM, _search(r"(왜|어떻게|이유|원리|방법|설명해|차이[가는점])")),
    KindRule(
        "among_who",
        QuestionKind.MULTI_HOP,
        _search(r"\S+\s*(중|중에|중에서|가운데)\s+\S.*(사람|인물|누구|것|곳|나라|팀|작품)\S*\s*\??\s*$"),
    ),
    KindRule("confirm", QuestionKind.YES_NO, _yes_no),
)

LM_LABELS: dict[QuestionKind, str] = {
    QuestionKind.FACTOID: " 사실",
    QuestionKind.MULTI_HOP: " 다단계",
    QuestionKind.YES_NO: " 예/아니오",
    QuestionKind.LONG_FORM: " 설명",
}

_LM_PROMPT = """질문의 종류를 고르세요 (사실, 다단계, 예/아니오, 설명).
질문: 한글을 만든 사람은 누구야?
종류: 사실
질문: 미국 대통령 중 그래미 상을 받은 사람은?
종류: 다단계
질문: 해파리는 뇌가 있어?
종류: 예/아니오
질문: 시서스가 다이어트에 왜 도움이 되니?
종류: 설명
질문: {question}
종류:"""


def classify_by_rules(question: str) -> QuestionKind | None:
    """The kind of the first matching rule, or None."""
    for rule in RULES:
        if rule.matches(question.strip()):
            return rule.kind
    return None


class KindClassifier:
    """Rules first; questions no rule claims go to the LM (when given), else FACTOID.

    Args:
        lm: LM used to score the four labels few-shot; None: rules only.
        min_margin: Log-probability margin the LM's best label needs over FACTOID.
    """

    def __init__(self, lm: LmClient | None = None, *, min_margin: float = 0.5) -> None:
        self._lm, self._min_margin = lm, min_margin

    async def classify(self, question: str, hint: QuestionKind = QuestionKind.UNSPECIFIED) -> QuestionKind:
        """The client's hint wins; else rules; else the LM; else FACTOID."""
        if hint is not QuestionKind.UNSPECIFIED:
            return hint
        ruled = classify_by_rules(question)
        if ruled is not None or self._lm is None:
            return ruled or QuestionKind.FACTOID
        return await self._classify_with_lm(question)

    async def _classify_with_lm(self, question: str) -> QuestionKind:
        kinds = list(LM_LABELS)
        assert self._lm is not None
        try:
            scores = await self._lm.score(_LM_PROMPT.format(question=question), [LM_LABELS[k] for k in kinds])
        except Exception:  # the LM is an optional refinement; a failure must not fail the question
            return QuestionKind.FACTOID
        by_kind = {kinds[s.index]: s.logprob for s in scores}
        best = max(by_kind, key=lambda k: by_kind[k])
        margin = by_kind[best] - by_kind.get(QuestionKind.FACTOID, -math.inf)
        return best if margin >= self._min_margin else QuestionKind.FACTOID

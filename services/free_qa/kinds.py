"""Question-kind classification: ordered rules, then (optionally) the LM for what no rule claims."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from searchlm.lm.types import LmClient
from searchlm.text import base_tag as _tag
from services.free_qa import kiwi_text
from services.free_qa.types import Morpheme, QuestionKind


@dataclass(frozen=True)
class KindRule:
    """A rule: when `pattern` matches the question, the kind is `kind`."""

    name: str
    kind: QuestionKind
    matches: Callable[[str], bool]


def _search(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern)
    return lambda q: compiled.search(q) is not None


@functools.lru_cache(maxsize=256)
def _morphemes(question: str) -> tuple[Morpheme, ...]:
    return tuple(kiwi_text.morphemes(question))  # the rules read the same question


# Long-form cues (왜, 어떻게, 이유, 원리, 방법, 차이가/차이는/차이점, 설명해) read as morphemes,
# so that 임진왜란, 왜곡 and 이유식 are not taken for 왜 and 이유.
_WHY_HOW_NOUNS = frozenset({"이유", "원리", "방법", "차이점"})
_DIFFERENCE = (("가",), ("는",), ("점",))  # 차이가, 차이는, 차이 점


def _why_how(question: str) -> bool:
    morphs = _morphemes(question)
    for i, m in enumerate(morphs):
        after = tuple(n.form for n in morphs[i + 1 : i + 3])
        if (m.form, m.tag) == ("왜", "MAG") or (m.form == "어떻" and after[:1] == ("게",)):
            return True
        if m.tag.startswith("NN") and (
            m.form in _WHY_HOW_NOUNS or (m.form == "차이" and after[:1] in _DIFFERENCE)
        ):
            return True
        if m.form == "설명" and after in (("하", "어"), ("하", "아"), ("하", "여")):
            return True
    return False


# Question words as Kiwi lemmatises them (누가 -> 누구, 뭘 -> 뭐, 어떻게/어때 -> 어떻): a question
# with one asks for a value, not for a confirmation. Matching morphemes rather than substrings
# keeps words that merely contain one (왜곡, 언제나, 몇몇) from counting.
_WH_FORMS = frozenset(
    {"누구", "무엇", "뭐", "뭣", "무슨", "언제", "어디", "어느", "몇"}
    | {"얼마", "얼마나", "어떤", "어떻", "어떠하", "어찌", "어째서", "왜", "웬"}
)
# Final endings that order, propose or offer (가라, 가자, 갈래?, 갈게, 하십시오) instead of asking.
_NOT_ASKING = frozenset(
    {"라", "어라", "아라", "거라", "너라", "시오", "십시오", "렴", "려무나"}
    | {"자", "ᆸ시다", "읍시다", "ᆯ래", "을래", "ᆯ래요", "을래요", "ᆯ게", "을게", "ᆯ게요", "을게요"}
)
# A wish to know (알고 싶어, 궁금해) asks to be told, whatever its ending.
_WISH_STEMS = frozenset({("싶", "VX"), ("궁금하", "VA"), ("궁금", "XR")})
# Endings after the giving auxiliary 주 that address the listener (알려 줘, 알려 줘요, 알려 주세요);
# 돌봐 주나요? asks about a third party and stays a yes/no question.
_REQUEST_ENDINGS = frozenset({"어", "아", "어요", "아요", "세요", "셔요"})


def _asks_to_be_told(morphs: Sequence[Morpheme], end: int) -> bool:
    """알려 줘 / 알려 주실 수 있나요? / 알고 싶어 / 궁금합니다: a request for information."""
    window = range(max(0, end - 6), end)
    if any((morphs[i].form, _tag(morphs[i])) in _WISH_STEMS for i in window):
        return True
    for i in window:
        if morphs[i].form not in ("주", "드리") or _tag(morphs[i]) != "VX":
            continue
        after = morphs[i + 1]
        if (i + 1 == end and after.form in _REQUEST_ENDINGS) or after.form in ("시", "ᆯ", "을"):
            return True
    return False


def _yes_no(question: str) -> bool:
    """A question to confirm or a claim to check: no question word, and a final ending that asks or states.

    Every speech level counts (있어? 있니? 있나요? 있습니까? 있다.), with or without "?";
    orders, offers and requests (알려 줘, 갈래?, 설명하세요) do not. Kiwi reads the endings,
    so fused forms (갔죠, 큰가, 포유류입니까) need no list of surface spellings.
    """
    morphs = _morphemes(question)
    if any(m.form in _WH_FORMS for m in morphs):
        return False
    end = kiwi_text.final_ending(morphs)
    if end is None:  # 바샤르야?, 은주지?: the copula fused onto a name Kiwi does not know
        return kiwi_text.contracted_copula(question, morphs) is not None
    if morphs[end].form in _NOT_ASKING:
        return False
    if morphs[end].form == "세요" and not question.rstrip().endswith(("?", "？")):
        return False  # 설명하세요 orders; 가세요? asks
    return not _asks_to_be_told(morphs, end)


# Order matters: "왜 ... 되니?" is long-form although it ends like a yes/no question.
RULES: tuple[KindRule, ...] = (
    KindRule("why_how", QuestionKind.LONG_FORM, _why_how),
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

"""Korean sentences from opinion statements, conjugated by Kiwi (no LM).

A statement is an aspect and a predicate's morphemes. The realiser writes it as a plain
statement ("배송이 빠르다"), as the first half of a list ("배송이 빠르고"), or in reported
speech ("음질이 좋다는"), and the one-line summary from the served statements:

    배송이 빠르고 음질이 좋다는 평이 많지만, 배터리가 아쉽다는 의견도 있어요.

The side with more support leads (two statements at most), the other side follows after
-지만 (one statement); a vague statement about the product as a whole ("좋다") comes after the
specific ones of its side, as "전반적으로 좋다"; "평이 많아요" is said only of statements a
quarter of the reviews or more support, otherwise "의견이 있어요".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.review_summary.lexicon import OBJECT_PREDICATES

Morpheme = tuple[str, str]
Joiner = Callable[[Sequence[Morpheme]], str]

MANY_SHARE = 0.25
"""Share of the reviews at or above which a statement is "평이 많아요"."""


@dataclass(frozen=True)
class Phrase:
    """What the realiser needs of a statement.

    Attributes:
        aspect: Aspect noun phrase ("" for the product as a whole).
        predicate: Predicate morphemes (("빠르", "VA"),) as Kiwi tags them.
        negated: Say it with -지 않다.
        share: Share of the used reviews that support it.
        polarity: +1 / -1.
    """

    aspect: str
    predicate: tuple[Morpheme, ...]
    negated: bool
    share: float
    polarity: int


def _has_final_consonant(word: str) -> bool:
    last = word.rstrip()[-1:] or "가"
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    return last.lower() in "lmnr0136789"  # letters and digits read with a final consonant


def subject(aspect: str, *, as_object: bool = False) -> str:
    """The aspect with its subject particle: 배송이, 배터리가 (with the object particle for a
    predicate such as 잘하다: 연기를); "" for the whole product."""
    if not aspect:
        return ""
    final = _has_final_consonant(aspect)
    if as_object:
        return aspect + ("을 " if final else "를 ")
    return aspect + ("이 " if final else "가 ")


def _takes_object(predicate: Sequence[Morpheme]) -> bool:
    return "".join(form for form, _ in predicate) in OBJECT_PREDICATES


def _is_verb(predicate: Sequence[Morpheme]) -> bool:
    return predicate[-1][1] in ("VV", "XSV", "VX")  # VX: "꼭 봐야 한다"


def _is_copula(predicate: Sequence[Morpheme]) -> bool:
    return predicate[-1][1] == "VCP"


# Endings by form: (plain statement, list connective, reported speech), for adjectives, verbs
# and the copula; after -지 않 the auxiliary takes the adjective's or the verb's endings.
_ENDINGS = {
    "adjective": (("다", "EF"), ("고", "EC"), ("다는", "ETM")),
    "verb": (("ᆫ다", "EF"), ("고", "EC"), ("ᆫ다는", "ETM")),
    "copula": (("다", "EF"), ("고", "EC"), ("라는", "ETM")),
}


def conjugate(phrase: Phrase, form: int, join: Joiner) -> str:
    """The statement with ending `form` (0 plain, 1 list -고, 2 reported -다는)."""
    kind = "verb" if _is_verb(phrase.predicate) else "copula" if _is_copula(phrase.predicate) else "adjective"
    morphemes = list(phrase.predicate)
    if phrase.negated:
        morphemes += [("지", "EC"), ("않", "VX")]
        kind = "verb" if kind == "verb" else "adjective"
    if kind == "verb" and form != 1 and morphemes[-1][0] == "않":
        ending = ("는다", "EF") if form == 0 else ("는다는", "ETM")
    else:
        ending = _ENDINGS[kind][form]
    return subject(phrase.aspect, as_object=_takes_object(phrase.predicate)) + join([*morphemes, ending])


def statement(phrase: Phrase, join: Joiner) -> str:
    """The plain statement: "배송이 빠르다"."""
    return conjugate(phrase, 0, join)


def _reported(phrases: Sequence[Phrase], join: Joiner) -> str:
    """ "배송이 빠르고 음질이 좋다는" of one or two statements."""
    said = [conjugate(p, 1 if k < len(phrases) - 1 else 2, join) for k, p in enumerate(phrases)]
    for k in range(1, len(phrases)):  # "음질이 좋고 좋다" -> "음질이 좋고 전반적으로 좋다"
        if _vague(phrases[k]) and phrases[0].aspect:
            said[k] = "전반적으로 " + said[k]
    return " ".join(said)


def summary(phrases: Sequence[Phrase], join: Joiner, *, max_chars: int) -> tuple[str, list[int]]:
    """The one-line summary of served statements (sorted by support) within `max_chars`, and
    the indices of the statements it says.

    Fewer statements are said when the sentence is too long; ("", []) when none fits.
    """
    lead_sign = _leading_polarity(phrases)
    lead = _side(phrases, lead_sign)[:2]
    other = _side(phrases, -lead_sign)[:1]
    while lead:
        text = _sentence([phrases[i] for i in lead], [phrases[i] for i in other], join)
        if len(text) <= max_chars:
            return text, lead + other
        if other:
            other = []
        else:
            lead = lead[:-1]
    return "", []


# Predicates that say nothing beyond their polarity about the whole product.
VAGUE = frozenset(
    {"좋", "괜찮", "훌륭하", "완벽하", "최고", "짱", "굿", "대박", "만족", "만족하", "만족스럽", "추천하"}
    | {"별로", "나쁘", "최악", "아쉽", "실망하", "실망스럽"}
)


def _side(phrases: Sequence[Phrase], sign: int) -> list[int]:
    """Indices of one polarity's statements, in order, a vague statement about the whole product
    ("좋다") after the specific ones."""
    side = [i for i, p in enumerate(phrases) if p.polarity == sign]
    return [i for i in side if not _vague(phrases[i])] + [i for i in side if _vague(phrases[i])]


def _vague(phrase: Phrase) -> bool:
    return not phrase.aspect and phrase.predicate[0][0] in VAGUE


def _leading_polarity(phrases: Sequence[Phrase]) -> int:
    weight = {1: 0.0, -1: 0.0}
    for p in phrases:
        weight[p.polarity] += p.share
    return 1 if weight[1] >= weight[-1] else -1


def _sentence(lead: Sequence[Phrase], other: Sequence[Phrase], join: Joiner) -> str:
    many = lead[0].share >= MANY_SHARE
    head = _reported(lead, join) + (" 평이 많" if many else " 의견이 있")
    if not other:
        return head + ("아요." if many else "어요.")
    tail = _reported(other, join) + " 의견도 있어요."
    return head + "지만, " + tail

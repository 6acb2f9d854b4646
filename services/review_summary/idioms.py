"""Constructions Kiwi splits into several morphemes that read as one predicate: adverb + verb
pairs ("잘 만들다", "오래 가다"), noun + verb idioms ("마음에 들다", "어이가 없다"), and
"-기도 / -기는 하다" after a predicate. `opinions` reads them through this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from searchlm.text import Token
from searchlm.text import base_tag as _tag
from services.review_summary import lexicon

Morpheme = tuple[str, str]

NEGATORS = frozenset({"안", "못"})
"""Adverbs that negate the next predicate."""

CLAUSE_BREAK = frozenset({"EC", "EF", "SF", "SP", "SE", "SS", "SW", "SO", "SH"})
"""Tags that end a clause: connectives, sentence ends and symbols."""

# Adverb + verb pairs Kiwi splits that make one evaluative predicate ("오래 가다", "잘 맞다").
ADVERB_VERBS = {
    ("오래", "가"): "오래가",
    ("잘", "맞"): "잘맞",
    ("잘", "되"): "잘되",
    ("잘", "만들"): "잘만들",
    ("잘", "살리"): "잘살리",
    ("잘", "보"): "잘보",
    ("잘", "쓰"): "잘쓰",
    ("잘", "사"): "잘사",
    ("잘", "먹"): "잘먹",
    ("잘", "나오"): "잘나오",
    ("금방", "오"): "빠르",
    ("빨리", "오"): "빠르",
    ("금방", "닳"): "닳",
    ("빨리", "닳"): "닳",
}


# Adverb + verb predicates said in the past tense ("잘 만들었다", "잘 살렸다").
PAST_SAID = frozenset({"잘만들", "잘살리", "잘보", "잘사", "잘나오"})

# Noun + verb idioms Kiwi splits that make one evaluative predicate, with the particles they
# take between ("마음에 들다", "어이가 없다", "잼나다" as 잼/NNG 나/VV): merged into one
# token before reading (`merge`), so the noun is not taken for the aspect.
IDIOMS: dict[tuple[str, str], tuple[str, str, frozenset[str]]] = {
    ("마음", "들"): ("마음에들", "VV", frozenset({"JKB"})),
    ("어이", "없"): ("어이없", "VA", frozenset({"", "JKS"})),
    ("잼", "나"): ("재미나", "VV", frozenset({"", "JKS"})),
    ("재미", "나"): ("재미나", "VV", frozenset({"", "JKS"})),
    # Goosebumps: praise of a film or a performance as often as disgust, so no polarity of its
    # own (the rating decides; read as an adjective for that).
    ("소름", "돋"): ("소름돋", "VA", frozenset({"", "JKS"})),
    ("소름", "끼치"): ("소름돋", "VA", frozenset({"", "JKS"})),
    ("기억", "남"): ("기억에남", "VV", frozenset({"JKB"})),  # memorable: "엔딩이 기억에 남네요"
    # "집중이 안 된다" (one can't focus on it); not 집중되다 ("무게가 한 곳에 집중돼서")
    ("집중", "되"): ("집중이되", "VV", frozenset({"", "JKS", "JX"})),
}
# How a merged idiom is said back ("디자인이 마음에 든다").
SAID: dict[str, tuple[Morpheme, ...]] = {
    "마음에들": (("마음", "NNG"), ("에", "JKB"), ("들", "VV")),
    "비추": (("비추", "NNG"), ("이", "VCP")),  # "완전 비추" (not recommended), not 비추다 (to shine)
    "소름돋": (("소름", "NNG"), ("이", "JKS"), ("돋", "VV")),
    "기억에남": (("기억", "NNG"), ("에", "JKB"), ("남", "VV")),
    "집중이되": (("집중", "NNG"), ("이", "JKS"), ("되", "VV")),
}


# Adjectives made feeling verbs by -어하다, as Kiwi splits them after 안 ("안 좋아해요": 좋/VA
# 어/EC 하/VX) and in "좋아라 하다". Elsewhere a split "좋아했는데" stays 좋다 (about the whole:
# "이 영화 완전 좋아했는데"), since 좋아하다 judges only through a recipient (`lexicon`).
FEELING_VERBS = {"좋": "좋아하", "싫": "싫어하"}


def recipient_verb(tokens: Sequence[Token], i: int) -> tuple[str, tuple[Morpheme, ...], int] | None:
    """좋아하다 / 싫어하다 split into adjective + 어 + 하 at tokens[i], or 먹다 after 안 / 못
    ("강아지가 (잘) 안 먹어요": the negation of 잘 먹다, which the caller applies): (stem, said,
    last index). Like 좋아하다, 잘 먹다 judges only through a recipient (`lexicon`)."""
    before = tokens[i - 1] if i > 0 else None
    negated = before is not None and before.form in NEGATORS and _tag(before) == "MAG"
    if tokens[i].form == "먹" and _tag(tokens[i]) == "VV" and negated:
        return "잘먹", (("잘", "MAG"), ("먹", "VV")), i
    stem = FEELING_VERBS.get(tokens[i].form) if _tag(tokens[i]) == "VA" else None
    if stem is None or i + 2 >= len(tokens):
        return None
    ending, light = tokens[i + 1], tokens[i + 2]
    if _tag(ending) == "EC" and light.form == "하" and (ending.form in ("어라", "아라") or negated):
        return stem, ((stem, "VV"),), i + 2
    return None


@dataclass
class Span:
    """Several morphemes read as one token (a nominalised verb, a merged idiom), shaped like a
    Kiwi token."""

    form: str
    tag: str
    start: int
    len: int
    end: int


def light_verb_end(tokens: Sequence[Token], end: int) -> int:
    """The end of "-기도 / -기는 / -기만 하다" after a predicate ("뻔하기도 한", "재밌기는
    하다"), which says the predicate itself; `end` when none follows."""
    if end + 3 >= len(tokens) or tokens[end + 1].form != "기" or _tag(tokens[end + 1]) != "ETN":
        return end
    particle, light = tokens[end + 2], tokens[end + 3]
    return end + 3 if _tag(particle) == "JX" and light.form == "하" and _tag(light) in ("VX", "VV") else end


def merge(tokens: Sequence[Token]) -> list[Token]:
    """Tokens with each `IDIOMS` noun [particle] [adverbs] verb made one predicate token (a
    negator among the adverbs kept before it)."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        merged = _idiom_at(tokens, i)
        if merged is None:
            out.append(tokens[i])
            i += 1
            continue
        token, negator, i = merged
        out += [negator, token] if negator is not None else [token]
    return out


def _idiom_at(tokens: Sequence[Token], i: int) -> tuple[Token, Token | None, int] | None:
    """(merged token, its negator, index after it) of an idiom starting at tokens[i], or None;
    adverbs between its noun and verb are dropped with it."""
    noun = tokens[i]
    if _tag(noun) != "NNG":
        return None
    j = i + 1
    particle = _tag(tokens[j]) if j < len(tokens) and _tag(tokens[j]).startswith("J") else ""
    j += bool(particle)
    negator = None
    while j < len(tokens):  # 마음에 쏙 든다, 마음에 안 든다, 집중이 하나도 안 된다
        if _tag(tokens[j]) == "MAG":
            negator = tokens[j] if tokens[j].form in NEGATORS else negator
            j += 1
        elif tokens[j].form == "하나" and j + 1 < len(tokens) and _tag(tokens[j + 1]) == "JX":
            j += 2  # 하나도: "not at all" with the negator after it
        else:
            break
    if j >= len(tokens) or _tag(tokens[j]) not in ("VV", "VA"):
        return None
    idiom = IDIOMS.get((noun.form, tokens[j].form))
    if idiom is None or particle not in idiom[2]:
        return None
    end = tokens[j].start + tokens[j].len
    return Span(idiom[0], idiom[1], noun.start, end - noun.start, end), negator, j + 1


# Two nouns that judge as one evaluative noun, spaced or not ("기대 이상이에요", "수준이하").
NOUN_PAIRS = {("기대", "이상"): "기대이상", ("기대", "이하"): "기대이하", ("수준", "이하"): "수준이하"}


def noun_pair(tokens: Sequence[Token], i: int) -> tuple[str, tuple[Morpheme, ...]] | None:
    """The evaluative noun that tokens[i] and tokens[i + 1] make together, with how it is said
    back: a listed pair (both nouns: Kiwi spaces them), or one written as one word that Kiwi
    split ("꿀잼" as 꿀/NNG 잼/NNG); else None."""
    if i + 1 >= len(tokens) or _tag(tokens[i]) != "NNG" or _tag(tokens[i + 1]) != "NNG":
        return None
    first, second = tokens[i], tokens[i + 1]
    glued = first.form + second.form
    if glued in lexicon.EVALUATIVE_NOUNS and second.start == first.start + first.len:
        return glued, ((glued, "NNG"),)
    pair = NOUN_PAIRS.get((first.form, second.form))
    return (pair, ((first.form, "NNG"), (second.form, "NNG"))) if pair else None


def good_slang(tokens: Sequence[Token], i: int) -> bool:
    """굳 written for 굿 ("굳굳", "연출 굳"): Kiwi reads the adjective 굳다 (to harden), here with
    no ending after it ("빵이 굳었다" has one)."""
    t, nxt = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else None
    return t.form == "굳" and _tag(t) == "VA" and (nxt is None or not _tag(nxt).startswith("E"))


def done_badly(tokens: Sequence[Token], i: int) -> int:
    """How many morphemes make "못하다" (do badly) after an object at tokens[i]: 1 for 못하/VX,
    2 for 못/MAG 하/VV (as Kiwi reads "못했다"); 0 when none does."""
    if i == 0 or _tag(tokens[i - 1]) != "JKO":
        return 0
    if tokens[i].form == "못하" and _tag(tokens[i]) in ("VX", "VV"):
        return 1
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    pair = tokens[i].form == "못" and nxt is not None and nxt.form == "하" and _tag(nxt) == "VV"
    return 2 if pair else 0


def worth_seeing(tokens: Sequence[Token], i: int) -> bool:
    """ "볼만하다" / "볼 만하다" ("worth seeing"), which Kiwi reads as 보 + ᆯ + 만 + 하."""
    if i + 3 >= len(tokens) or tokens[i].form != "보" or _tag(tokens[i]) != "VV":
        return False
    etm, man, ha = tokens[i + 1], tokens[i + 2], tokens[i + 3]
    return etm.form == "ᆯ" and man.form == "만" and _tag(man) == "NNB" and ha.form == "하"


def worth_doing(tokens: Sequence[Token], i: int) -> tuple[Morpheme, ...] | None:
    """ "V-ㄹ 만하다" ("worth doing": 먹을 만하다, 쓸만하다, 손꼽을 만하다) at tokens[i], as
    Kiwi reads it (V + ᆯ/을 + 만 + 하): its morphemes, or None."""
    if i + 3 >= len(tokens) or _tag(tokens[i]) != "VV" or tokens[i].form == "하":  # 이해할 만하다
        return None
    etm, man, ha = tokens[i + 1], tokens[i + 2], tokens[i + 3]
    if (
        etm.form in ("ᆯ", "을")
        and _tag(etm) == "ETM"
        and man.form == "만"
        and _tag(man) == "NNB"
        and ha.form == "하"
    ):
        return ((tokens[i].form, "VV"), (etm.form, "ETM"), ("만", "NNB"), ("하", "XSA"))
    return None


def negated_after(tokens: Sequence[Token], end: int) -> tuple[bool, int]:
    """-지 않다 / -지 못하다 after the predicate: (negated, index of the last morpheme used)."""
    if end + 2 < len(tokens) and tokens[end + 1].form == "지" and _tag(tokens[end + 1]) == "EC":
        k = end + 2 + (_tag(tokens[end + 2]) == "JX")  # 나쁘지는 않다, 나쁘진 않다, 재밌지도 않다
        aux = tokens[k] if k < len(tokens) else None
        if aux is not None and _tag(aux) in ("VX", "VV") and aux.form in ("않", "못하"):
            return True, k
    return False, end

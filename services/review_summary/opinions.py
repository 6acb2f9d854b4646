"""Opinion units from Korean reviews: (aspect, opinion, polarity) read off Kiwi morphemes.

A unit is a noun phrase (the aspect) followed in its clause by an evaluative predicate: an
adjective (배송이 빠르다), a listed verb (배터리가 오래가다), a noun with 하다/스럽다
(만족스럽다), or an evaluative noun closing the clause (가성비 최고). Clauses end at
connectives and sentence ends, so "디자인은 예쁜데 마감이 별로" gives two units. Negation
(안/못 before the predicate, -지 않다/못하다 after it) flips the polarity; intensifiers
(너무, 정말) are skipped. A predicate with no aspect in its clause that carries an opinion on
its own ("재밌어요", "최고") describes the product as a whole (aspect ""), unless it names its
aspect itself (무거워요: 무게, 비싸요: 가격; `lexicon.IMPLIED_ASPECTS`). An adjective before a
noun judges that noun ("좋은 소재": 소재; "참신한 영화": the whole), and "... 아니다" after the
noun denies it; 잘하다, 못하다 and 잘 살리다 judge their object ("연기를 잘한다": 연기). 안/못
negate only the next predicate ("안 되는 아픈 현실" is not "아프지 않다"). Constructions
Kiwi splits are read as one predicate (`idioms`: "마음에 들다", "잘 봤다", "뻔하기도 하다"); 나다
/ 생기다 / 남다, like 있다 / 없다, judge only with a fault or merit noun ("냄새가 난다"). The polarity comes
from `lexicon`; a stem it does not list takes the review's rating (4-5 positive, 1-2
negative; the unit is marked `rated`), and with no rating the unit is dropped. Predicates that
wish, guess, quote or ask give no unit (`mood`), nor do opinions of reviews and ratings
themselves ("평점 좋길래") or of something the reviewer would rather have ("차라리 1편이 더
재밌다").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from searchlm.text import Token
from searchlm.text import base_tag as _tag
from services.review_summary import clipped, idioms, lexicon, mood, verdicts
from services.review_summary.phrases import NOUN, OVERALL, Clause, aspect_of, noun_phrase, said_of_work
from services.review_summary.polarity import lexical_sign, polarity
from services.review_summary.types import Review

Morpheme = tuple[str, str]


@dataclass(frozen=True)
class OpinionUnit:
    """One opinion of one review.

    Attributes:
        review_id: The review it comes from.
        aspect: Aspect noun phrase ("배송", "배터리 수명"; "" for the product as a whole).
        stem: Predicate lemma without 다 ("빠르", "만족스럽", "최고이").
        predicate: The predicate's morphemes, for re-conjugation (("빠르", "VA"),).
        negated: The predicate was negated (안 좋다, 좋지 않다).
        polarity: +1 praise, -1 complaint.
        implied: The aspect was not named but follows from the predicate (무거워요 -> 무게);
            its statement is said without a subject ("무겁다").
        rated: The polarity came from the review's rating, not the lexicon ("재범죄율이 높다"
            in a 4-star review).
        at: Character offset in the review where the predicate's last morpheme ends (-1 when
            unknown); the panel asks NLI about the review's clause that holds it.
    """

    review_id: str
    aspect: str
    stem: str
    predicate: tuple[Morpheme, ...]
    negated: bool
    polarity: int
    implied: bool = False
    rated: bool = False
    at: int = -1


_CLAUSE_BREAK = idioms.CLAUSE_BREAK
_NEGATORS = idioms.NEGATORS
# Adverbs that move the opinion to something else: "차라리 1편이 더 재밌다".
_ELSEWHERE = frozenset({"차라리"})


# Adjectives that compare or point rather than judge.
_NOT_OPINIONS = frozenset(
    {"같", "그렇", "이렇", "저렇", "어떻", "다르", "똑같", "비슷하", "여전하", "그러", "어떠"}
)


def _stem_of(tokens: Sequence[Token], i: int) -> tuple[str, tuple[Morpheme, ...], int] | None:
    """The evaluative predicate starting at tokens[i]: (stem, morphemes, index of its last
    morpheme), or None."""
    t, tag = tokens[i], _tag(tokens[i])
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    nxt_tag = _tag(nxt) if nxt is not None else ""
    phrase = verdicts.at(tokens, i) or idioms.recipient_verb(tokens, i)  # "꼭 보세요", "안 좋아해요"
    if phrase is not None:
        return phrase
    if idioms.worth_seeing(tokens, i):  # 볼만하다: 보/VV ᆯ/ETM 만/NNB 하/XSA
        return "볼만하", (("볼만하", "VA"),), i + 3
    worth = idioms.worth_doing(tokens, i)  # 먹을 만하다, 쓸만하다
    if worth is not None:
        return "ㄹ만하", worth, i + 3
    if tag == "MAG" and nxt is not None and nxt_tag == "VV" and (t.form, nxt.form) in idioms.ADVERB_VERBS:
        stem = idioms.ADVERB_VERBS[(t.form, nxt.form)]
        said = (("빠르", "VA"),) if stem == "빠르" else ((t.form, "MAG"), (nxt.form, "VV"))
        said = (*said, ("었", "EP")) if stem in idioms.PAST_SAID else said  # 잘 만들었다, not 잘 만든다
        return stem, said, i + 1
    done_badly = idioms.done_badly(tokens, i)
    if done_badly:  # 연기를 못한다 (not -지 못하다, read as negation)
        return "못하", (("못하", "VV"),), i + done_badly - 1
    if tag in ("VA", "VV") and t.form in ("있", "없"):
        return t.form, ((t.form, "VA"),), i
    if idioms.good_slang(tokens, i):
        return _evaluative_noun(tokens, i, "굿", (("굿", "NNG"),))
    if tag == "VA" and t.form not in _NOT_OPINIONS:
        return t.form, idioms.SAID.get(t.form, ((t.form, "VA"),)), i
    if tag == "VV" and t.form in lexicon.AMOUNT_VERBS:
        return t.form, ((t.form, "VV"),), i  # 냄새가 나다; a unit only with a fault or merit noun
    if tag == "VV" and t.form in lexicon.POLAR and t.form != "못하":
        return t.form, idioms.SAID.get(t.form, ((t.form, "VV"),)), i
    if (
        tag in ("XR", "NNG", "MAG", "NNB")
        and nxt is not None
        and nxt_tag in ("XSA", "XSV")
        and not mood.nearly(tokens, i)
    ):
        stem = t.form + nxt.form
        known = stem in lexicon.POLAR or t.form in lexicon.POLAR
        if (nxt_tag == "XSA" and tag != "NNB") or known:  # 뻔/NNB 하/XSA; not 듯하다
            return stem, ((t.form, tag), (nxt.form, nxt_tag)), i + 1
    if _bare_root(tokens, i):  # "완전 지루", "은근 흥미진진": 하다 left out
        return t.form + "하", ((t.form, "XR"), ("하", "XSA")), i
    if tag == "NNG" and nxt_tag == "XSN" and nxt is not None and t.form + nxt.form in lexicon.POLAR:
        return _adjectival_noun(tokens, i)
    clipped_stem = clipped.nominalised_stem(tokens, i) if tag == "NNG" else None
    if clipped_stem is not None:  # 빠름/NNG in "배송 빠름 음질 좋음"
        return clipped_stem, ((clipped_stem, "VA"),), i
    if tag == "IC" and t.form in lexicon.EVALUATIVE_NOUNS:  # Kiwi reads 강추 as an interjection
        if nxt is not None and nxt.form == "하" and nxt_tag == "VV":  # 강추해요
            return t.form, ((t.form, "NNG"), ("하", "XSV")), i + 1
        return _evaluative_noun(tokens, i, t.form, ((t.form, "NNG"),))
    if tag in ("NNG", "MAG") and t.form in lexicon.EVALUATIVE_NOUNS:
        return _evaluative_noun(tokens, i, t.form, ((t.form, tag),))
    pair = idioms.noun_pair(tokens, i)  # "꿀잼" as 꿀/NNG 잼/NNG, "기대 이상"
    if pair is not None:
        return _evaluative_noun(tokens, i + 1, *pair)
    return None


# Roots read as nouns even bare: "안 사면 후회" is the noun (you will regret), not 후회하다.
_NOUN_ROOTS = frozenset({"후회"})


def _bare_root(tokens: Sequence[Token], i: int) -> bool:
    """tokens[i] is an adjective root written without its 하다 ("완전 지루", "스토리 흥미진진"):
    Kiwi reads it as a root (XR), or as a noun when it ends the sentence ("지루")."""
    t, tag = tokens[i], _tag(tokens[i])
    if t.form + "하" not in lexicon.POLAR or t.form in lexicon.EVALUATIVE_NOUNS | _NOUN_ROOTS:  # 감동
        return False
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and _tag(nxt) in ("XSA", "XSV"):
        return False
    ends = nxt is None or _tag(nxt) in ("SF", "SE", "SW", "SS", "SP")
    before_noun = nxt is not None and _tag(nxt) in NOUN  # "담백 영화": whose aspect is unclear
    return (tag == "XR" and not before_noun) or (tag == "NNG" and ends)


def _adjectival_noun(tokens: Sequence[Token], i: int) -> tuple[str, tuple[Morpheme, ...], int] | None:
    """A noun made an adjective by 적 before 이다 ("감동적이다", "감동적인"): stem 감동적."""
    t, suffix = tokens[i], tokens[i + 1]
    if i + 2 < len(tokens) and _tag(tokens[i + 2]) == "VCP":
        return t.form + suffix.form, ((t.form, "NNG"), (suffix.form, "XSN"), ("이", "VCP")), i + 2
    return None


def _evaluative_noun(
    tokens: Sequence[Token], last: int, stem: str, said: tuple[Morpheme, ...]
) -> tuple[str, tuple[Morpheme, ...], int] | None:
    """An evaluative noun (its last morpheme at `last`) as a predicate: closing its clause,
    before 이다 ("명작이에요"), or modifying a word for the thing as a whole ("최고의 영화",
    "최악의 제품"); not modifying anything else ("최고의 배우", "대박 세일")."""
    nxt = tokens[last + 1] if last + 1 < len(tokens) else None
    nxt_tag = _tag(nxt) if nxt is not None else ""
    if _ends_clause(nxt, nxt_tag):
        return stem, (*said, ("이", "VCP")), last + (1 if nxt_tag == "VCP" else 0)
    if nxt is not None and nxt.form == "의" and _tag(nxt) == "JKG":
        name, end = noun_phrase(tokens, last + 2)
        if end > last + 1 and name == OVERALL:
            after = tokens[end + 1] if end + 1 < len(tokens) else None
            copula = after is not None and _tag(after) == "VCP"
            return stem, (*said, ("이", "VCP")), end + copula
    return None


def _ends_clause(nxt: Token | None, nxt_tag: str) -> bool:
    """An evaluative noun is a predicate only at the end of its clause or before 이다 ("가성비
    최고", "최고예요"), not as a modifier ("최고의 영화", "대박 세일")."""
    return nxt is None or nxt_tag == "VCP" or nxt_tag in _CLAUSE_BREAK


def extract(review: Review, tokens: Sequence[Token]) -> list[OpinionUnit]:
    """The opinion units of one review (its Kiwi morphemes in order), one per aspect and stem."""
    units: dict[tuple[str, str], OpinionUnit] = {}
    tokens = idioms.merge(tokens)
    clause = Clause()
    elsewhere = False  # the sentence so far has "차라리"
    i = 0
    while i < len(tokens):
        t, tag = tokens[i], _tag(tokens[i])
        if _glued_noun(tokens, i):
            end = tokens[i + 1].start + tokens[i + 1].len
            clause.noun(idioms.Span(review.text[t.start : end], "NNG", t.start, end - t.start, end))
            i += 2
            continue
        found = _stem_of(tokens, i)
        if found is not None and not (found[2] == i and tag == "NNG" and _continues_noun(tokens, i)):
            stem, morphemes, end = found
            end = mood.causative_end(tokens, idioms.light_verb_end(tokens, end), stem)
            negated, end = idioms.negated_after(tokens, end)
            of_object = stem in lexicon.OBJECT_PREDICATES
            chained = stem not in lexicon.IMPLIED_ASPECTS  # "가볍고 튼튼한 가방": 가볍다 is about 무게
            aspect, denied, attributive = aspect_of(clause, tokens, end, of_object=of_object, chained=chained)
            aspect = OVERALL if _about_whole(tokens, i, stem) or _felt(aspect, stem) else aspect
            implied = not aspect and stem in lexicon.IMPLIED_ASPECTS
            implied = implied and not said_of_work(clause, tokens, end, chained=chained)
            aspect = lexicon.IMPLIED_ASPECTS[stem] if implied else aspect
            negated = negated or clause.negator or denied
            own = mood.asserted(tokens, end) and not elsewhere and not mood.parting(tokens, i, stem)
            own = own and (stem not in lexicon.RECIPIENT_VERBS or mood.said_outright(tokens, end))
            own = own and not mood.manner_adverb(tokens, end, stem) and not mood.advice_to_do(tokens, i, stem)
            sign = polarity(stem, aspect, negated, review.rating) if own else 0
            if sign and _judges(aspect, stem, attributive):
                rated = lexical_sign(stem, aspect) is None
                at = tokens[end].start + tokens[end].len
                unit = OpinionUnit(review.id, aspect, stem, morphemes, negated, sign, implied, rated, at)
                units.setdefault((aspect, stem), unit)
            clause = Clause()
            i = end + 1
            continue
        if tag in NOUN or _affix_of_noun(tokens, i, clause):
            clause.noun(t)
        elif tag == "MAG" and t.form in _NEGATORS:
            clause.negator = True
        elif tag == "MAG" and t.form in _ELSEWHERE:
            elsewhere = True
        elif tag in ("VV", "VA", "VX"):
            clause.negator = False  # 안 is that verb's: "안 되는 아픈 현실"
            if tag == "VV" and _modifies(tokens, i):
                clause.subject = []  # "시걸이 나온 영화 중에서는 재밌는 편": 시걸 is 나오's
        elif tag in _CLAUSE_BREAK:
            clause = Clause()
            elsewhere = elsewhere and tag == "EC"
        elif tag.startswith("J"):
            clause.particle(tag)
        i += 1
    return list(units.values())


def _felt(aspect: str, stem: str) -> bool:
    """The reader's heart and a feeling with no polarity of its own ("가슴 먹먹해지는 이야기",
    "가슴이 뭉클해요"): what the work made one feel, judged of the whole when the feeling is
    one that judges it (`lexicon.OVERALL`; not "가슴이 끼어요", and "가슴이 아프다" stays)."""
    return aspect in lexicon.HEART_NOUNS and stem in lexicon.OVERALL and lexical_sign(stem, aspect) is None


def _modifies(tokens: Sequence[Token], i: int) -> bool:
    """The verb at tokens[i] modifies the noun after it (-는, -ㄴ, -ㄹ; tense between): "시걸이
    나온 영화", not "보는 내내" nor "본 것보다"."""
    j = i + 1
    while j < len(tokens) and _tag(tokens[j]) == "EP":
        j += 1
    return j + 1 < len(tokens) and _tag(tokens[j]) == "ETM" and _tag(tokens[j + 1]) in ("NNG", "NNP")


def _judges(aspect: str, stem: str, attributive: bool) -> bool:
    """Whether a predicate with a polarity makes a unit: about an aspect (not a review or its
    rating: "평점 좋길래"), or about the whole when it carries an opinion on its own. An
    adjective modifying an aspect noun judges it only when the lexicon lists it: "좋은 소재"
    does, "소중한 사람" and "긴 영화" describe."""
    if aspect.endswith(tuple(lexicon.META_NOUNS)):
        return False
    if stem in lexicon.RECIPIENT_VERBS:  # "아이가 좋아해요", not "좋아하는 배우"
        return not attributive and aspect in lexicon.RECIPIENTS
    if not aspect:
        return stem in lexicon.OVERALL or stem in lexicon.EVALUATIVE_NOUNS
    return stem in lexicon.POLAR or not attributive


def _about_whole(tokens: Sequence[Token], i: int, stem: str) -> bool:
    """The predicate at tokens[i] judges the thing as a whole whatever noun came before it:
    a work-judging noun ("레전드 명작") or an evaluative noun modifying a word for the whole
    ("인생 최고의 영화")."""
    modifier = i + 1 < len(tokens) and tokens[i + 1].form == "의" and _tag(tokens[i + 1]) == "JKG"
    return stem in lexicon.WHOLE_NOUNS or stem in lexicon.VERDICTS or modifier


def _affix_of_noun(tokens: Sequence[Token], i: int, clause: Clause) -> bool:
    """tokens[i] is a noun suffix written with the noun being read ("개연성": 개연 + 성/XSN) or
    a prefix written with the noun after it ("재범죄율": 재/XPN + 범죄)."""
    t, tag = tokens[i], _tag(tokens[i])
    if tag == "XSN":
        last = clause.current[-1] if clause.current else None
        return last is not None and last.start + last.len == t.start
    if tag == "XPN" and i + 1 < len(tokens):
        nxt = tokens[i + 1]
        return _tag(nxt) in NOUN and t.start + t.len == nxt.start
    return False


def _glued_noun(tokens: Sequence[Token], i: int) -> bool:
    """Two morphemes that make one noun: a nominalised verb (끊기+ㅁ = 끊김), or an interjection
    Kiwi split off a noun written together with it ("음질도" read as 음/IC 질/NNG).

    Not the clipped "-음" style of reviews ("배송 빠름.", "가격 저렴함 배송 빠름"), a predicate
    (`clipped.predicate_before`)."""
    if i + 1 >= len(tokens):
        return False
    t, nxt = tokens[i], tokens[i + 1]
    if _tag(nxt) == "ETN":
        glued = _tag(t) in ("VV", "VA") and idioms.light_verb_end(tokens, i) == i
        return glued and not clipped.predicate_before(tokens, i)
    return _tag(t) == "IC" and _tag(nxt) == "NNG" and t.start + t.len == nxt.start


def _continues_noun(tokens: Sequence[Token], i: int) -> bool:
    """An evaluative noun that is part of a longer noun phrase ("만족도", "감동 포인트")."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return nxt is not None and _tag(nxt) in NOUN and nxt.start == tokens[i].start + tokens[i].len

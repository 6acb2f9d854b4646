"""Set phrases that judge the thing as a whole without an evaluative word of their own: advice
("꼭 보세요", "사지 마세요"), buying again ("재구매 의사 있어요"), nothing worth seeing ("볼
게 없다"), time flying ("시간 가는 줄 몰랐다"), falling short of something else ("전작보다
못하다") and what was feared ("혹시나 했는데 역시나"). Kiwi splits each into several
morphemes; `opinions` reads them through `at`, which gives the stem (listed in `lexicon`) and
how the phrase is said back in a statement.

Each is written for Korean reviews in general (shopping, food, film), and each needs its whole
shape: "보세요" alone, "사이즈 보고 사세요" or "끝까지 봐야 안다" advise nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from searchlm.text import Token
from searchlm.text import base_tag as _tag
from services.review_summary import idioms, lexicon, mood

Morpheme = tuple[str, str]
Found = tuple[str, tuple[Morpheme, ...], int]
"""(stem, morphemes said back, index of the phrase's last morpheme)."""

# Adverbs that make "보세요" / "봐야 한다" a recommendation ("꼭 보세요", "무조건 사야 돼요").
MUST_ADVERBS = frozenset({"꼭", "무조건", "반드시", "필히", "꼭꼭"})
# Verbs whose advice is about the thing itself: watch, buy, read it.
ADVISED_VERBS = frozenset({"보", "사", "읽"})
_NOUNS = frozenset({"NNG", "NNP", "SL", "XR"})
# Imperative endings of 말다 ("보지 마세요", "사지 마라"; Kiwi reads 마라 after 지 as EC).
_WARN_ENDINGS = frozenset({"어라", "아라", "라"})


def at(tokens: Sequence[Token], i: int) -> Found | None:
    """The set phrase starting at tokens[i], or None."""
    for reader in _READERS:
        found = reader(tokens, i)
        if found is not None:
            return found
    return None


def _form(tokens: Sequence[Token], k: int, forms: Collection[str], tags: Collection[str]) -> bool:
    return 0 <= k < len(tokens) and tokens[k].form in forms and _tag(tokens[k]) in tags


def _about_the_whole(tokens: Sequence[Token], i: int) -> bool:
    """No noun other than a word for the whole (영화, 제품, 이거, or a noun after 이 / 그 / 저)
    earlier in the clause of tokens[i]: "이 영화 꼭 보세요" advises on the work, "사이즈표 꼭
    보세요", "밤에 혼자 보지 마세요" and "극장에 볼 게 없다" on something else."""
    j = i - 1
    while j >= 0 and _tag(tokens[j]) not in idioms.CLAUSE_BREAK:
        if (
            _tag(tokens[j]) in _NOUNS
            and tokens[j].form not in lexicon.GENERIC_NOUNS
            and not _pointed(tokens, j)
        ):
            return False
        j -= 1
    return True


def _pointed(tokens: Sequence[Token], j: int) -> bool:
    """The noun at tokens[j] comes right after 이 / 그 / 저 (MM): the thing itself ("이 책은
    안 읽는 게 나아요", "이 옷 꼭 사세요")."""
    return j > 0 and _form(tokens, j - 1, ["이", "그", "저", "요"], ["MM"])


def advice(tokens: Sequence[Token], i: int) -> Found | None:
    """Advice to the reader at the verb tokens[i], about the work or product itself (no other
    noun before it in the clause): "보지 마세요" / "절대 사지 마라" warn off (말리: "보지 말아야
    한다"); "꼭 보세요", "무조건 봐야 한다", "반드시 사야 돼요" recommend (권하: "꼭 봐야 한다"),
    only after one of `MUST_ADVERBS` (adverbs or "한 번" may come between: "꼭 한번 보세요").
    Both end the sentence as advice: "사지 말까 하다가", "사지 말고 빌려 보세요", "꼭 보시고
    구매하세요" advise nothing. Whether it is asserted (not "봐야 할까요?") is the caller's
    `mood` check."""
    t = tokens[i]
    if t.form not in ADVISED_VERBS or _tag(t) not in ("VV", "VX") or not _about_the_whole(tokens, i):
        return None
    if _form(tokens, i + 1, ["지"], ["EC"]) and _form(tokens, i + 2, ["말"], ["VX"]):
        told = i + 3 < len(tokens) and (
            _tag(tokens[i + 3]) == "EF"
            or (tokens[i + 3].form in _WARN_ENDINGS and _tag(tokens[i + 3]) == "EC")
        )
        warned = ((t.form, "VV"), ("지", "EC"), ("말", "VX"), ("아야", "EC"), ("하", "VX"))
        return ("말리", warned, i + 2) if told else None
    if not _after_must_adverb(tokens, i):
        return None
    said = (("꼭", "MAG"), (t.form, "VV"), ("어야", "EC"), ("하", "VX"))
    if _form(tokens, i + 1, ["어야", "아야"], ["EC"]) and _form(tokens, i + 2, ["하", "되"], ["VX", "VV"]):
        return "권하", said, i + 2  # 봐야 한다, 봐야 돼요, 봐야 할 영화
    honorific = _form(tokens, i + 1, ["시"], ["EP"]) and (
        _form(tokens, i + 2, ["기"], ["ETN"]) or (i + 2 < len(tokens) and _tag(tokens[i + 2]) == "EF")
    )
    polite = _form(tokens, i + 1, ["세요", "으세요"], ["EF"]) or honorific
    return ("권하", said, i) if polite else None  # 보세요, 보시길, 사십시오


def _after_must_adverb(tokens: Sequence[Token], i: int) -> bool:
    """One of `MUST_ADVERBS` before tokens[i], with only adverbs or "한 번" between."""
    j = i - 1
    while (
        j >= 0
        and tokens[j].form not in MUST_ADVERBS
        and (_tag(tokens[j]) == "MAG" or (tokens[j].form, _tag(tokens[j])) in (("한", "MM"), ("번", "NNB")))
    ):
        j -= 1
    return j >= 0 and _tag(tokens[j]) == "MAG" and tokens[j].form in MUST_ADVERBS


_REBUY = (("재구매", "NNG"), ("하", "XSV"))
_NO_REBUY = (*_REBUY, ("지", "EC"), ("않", "VX"))


def rebuy(tokens: Sequence[Token], i: int) -> Found | None:
    """Buying again, at 재/XPN + 구매 written together: "재구매할게요", "재구매했어요", "재구매
    의사 (100%) 있어요" (재구매하: "재구매한다"); "재구매 의사 (전혀) 없어요", "재구매는 안 해요"
    (재구매안하: "재구매하지 않는다"). Not before a noun it modifies ("재구매 안 할 수가 없어요",
    "재구매한 제품"); "재구매할지 모르겠다" and "재구매 하려다 말았다" are the caller's `mood`
    check."""
    if not (_form(tokens, i, ["재"], ["XPN"]) and _form(tokens, i + 1, ["구매", "구입"], ["NNG"])):
        return None
    k = i + 2 + (i + 2 < len(tokens) and _tag(tokens[i + 2]) == "JX")  # 재구매는, 재구매도
    if _form(tokens, k, ["의사", "생각"], ["NNG"]):
        k += 1
        while k < len(tokens) and _tag(tokens[k]) in ("JKS", "JX", "MAG", "SN", "SW"):
            k += 1  # 의사가, 의사는 전혀, 의사 100%
        if _form(tokens, k, ["있"], ["VA", "VV"]):
            return "재구매하", _REBUY, k
        return ("재구매안하", _NO_REBUY, k) if _form(tokens, k, ["없"], ["VA"]) else None
    negated = _form(tokens, k, idioms.NEGATORS, ["MAG"])
    k += negated
    if not _form(tokens, k, ["하"], ["VV", "XSV"]) or _form(tokens, k + 1, ["ᆯ", "을", "ᆫ", "는"], ["ETM"]):
        return None
    return ("재구매안하", _NO_REBUY, k) if negated else ("재구매하", _REBUY, k)


def nothing_to_see(tokens: Sequence[Token], i: int) -> Found | None:
    """ "볼 게 없다", "볼 것도 없다", "볼거 하나 없음" (볼게없: "볼 것이 없다"), said of the work
    itself: not "극장에 볼 게 없어서 봤는데" (a reason, and about 극장) or "볼 거 없는 주말"."""
    if not (_form(tokens, i, ["보"], ["VV"]) and _form(tokens, i + 1, ["ᆯ", "을"], ["ETM"])):
        return None
    if not _form(tokens, i + 2, ["것", "거", "게"], ["NNB"]):
        return None
    k = i + 3
    while k < len(tokens) and (_tag(tokens[k]) in ("JKS", "JX") or tokens[k].form == "하나"):
        k += 1
    said = (("보", "VV"), ("ᆯ", "ETM"), ("것", "NNB"), ("이", "JKS"), ("없", "VA"))
    whole = _about_the_whole(tokens, i) and mood.said_outright(tokens, k)  # not "볼 거 없는 주말에"
    return ("볼게없", said, k) if _form(tokens, k, ["없"], ["VA"]) and whole else None


def time_flew(tokens: Sequence[Token], i: int) -> Found | None:
    """ "시간 가는 줄 몰랐다" (시간가는줄모르: said in the past)."""
    shape = (("시간", "NNG"), ("가", "VV"), ("는", "ETM"), ("줄", "NNB"), ("모르", "VV"))
    if not all(_form(tokens, i + k, [form], [tag]) for k, (form, tag) in enumerate(shape)):
        return None
    return "시간가는줄모르", (*shape, ("었", "EP")), i + 4


def worse_than(tokens: Sequence[Token], i: int) -> Found | None:
    """ "전작보다 못하다", "에로영화보다도 못하네" (보다못하: "별로다"): 못하다 after a comparison
    with 보다, which does not negate anything."""
    before = i - 1 - (i > 0 and _tag(tokens[i - 1]) == "JX")
    if not _form(tokens, before, ["보다"], ["JKB"]):
        return None
    if _form(tokens, i, ["못"], ["MAG"]) and _form(tokens, i + 1, ["하"], ["XSA", "VV", "XSV"]):
        end = i + 1
    elif _form(tokens, i, ["못하"], ["VA", "VX", "VV"]):
        end = i
    else:
        return None
    denied = any(_tag(t) == "VCN" for t in tokens[end + 1 : end + 5])  # "기대보다 못한 건 아닌데"
    return None if denied else ("보다못하", (("별로", "MAG"), ("이", "VCP")), end)


def better_not(tokens: Sequence[Token], i: int) -> Found | None:
    """ "안 보는 게 좋다", "보지 않는 것이 낫다", "안 사는 게 좋은 제품" (말리: "보지 말아야
    한다"): better not to watch or buy it, said of the work or product itself (from 안 at
    tokens[i], or from the verb when 않다 follows it)."""
    k = i + _form(tokens, i, idioms.NEGATORS, ["MAG"])
    verb = tokens[k] if k < len(tokens) else None
    if verb is None or verb.form not in ADVISED_VERBS or _tag(verb) not in ("VV", "VX"):
        return None
    if k == i:  # no 안 before: "보지 않는"
        if not (_form(tokens, k + 1, ["지"], ["EC"]) and _form(tokens, k + 2, ["않"], ["VX"])):
            return None
        k += 2
    k += _form(tokens, k + 1, mood.HONORIFIC, ["EP"])  # 안 보시는 게, 보지 않으시는 게
    if not (_form(tokens, k + 1, ["는"], ["ETM"]) and _form(tokens, k + 2, ["것", "거", "게"], ["NNB"])):
        return None
    end = k + 3 + (k + 3 < len(tokens) and _tag(tokens[k + 3]) in ("JKS", "JX"))
    while end < len(tokens) and _tag(tokens[end]) == "MAG":
        end += 1
    better = _form(tokens, end, mood.BETTER, ["VA"])
    warned = ((verb.form, "VV"), ("지", "EC"), ("말", "VX"), ("아야", "EC"), ("하", "VX"))
    whole = _about_the_whole(tokens, i) and not _if_before(tokens, i)
    return ("말리", warned, end) if better and whole else None


def _if_before(tokens: Sequence[Token], i: int) -> bool:
    """A condition earlier in the sentence of tokens[i]: "심장 약하면 안 보는 게 좋아요" warns
    some readers off, not everyone."""
    j = i - 1
    while j >= 0 and _tag(tokens[j]) not in ("EF", "SF"):
        if _tag(tokens[j]) == "EC" and tokens[j].form.endswith("면") and tokens[j].form != "면서":
            return True
        j -= 1
    return False


def as_feared(tokens: Sequence[Token], i: int) -> Found | None:
    """ "혹시나 했는데 역시나" (혹시나역시나: "별로다"): hoped it would be good, and it was what
    was feared; from 혹시나 at tokens[i] to 역시나 in the same sentence. Not when praise follows
    ("혹시나 했는데 역시나 최고": as good as expected)."""
    if not _form(tokens, i, ["혹시나", "혹시"], ["MAG"]):
        return None
    k = i + 1
    while k < len(tokens) and k - i <= 8 and _tag(tokens[k]) not in ("SF", "EF"):
        end = k if _form(tokens, k, ["역시나"], ["MAG"]) else None
        if _form(tokens, k, ["역시"], ["MAG"]) and _form(tokens, k + 1, ["나"], ["JX"]):
            end = k + 1
        if end is not None:
            return (
                None
                if _praised_after(tokens, end)
                else ("혹시나역시나", (("별로", "MAG"), ("이", "VCP")), end)
            )
        k += 1
    return None


def _praised_after(tokens: Sequence[Token], end: int) -> bool:
    """A word the lexicon lists as praise after tokens[end], in the same sentence."""
    k = end + 1
    while k < len(tokens) and _tag(tokens[k]) != "SF":
        if tokens[k].form in lexicon.POSITIVE:
            return True
        k += 1
    return False


_READERS: tuple[Callable[[Sequence[Token], int], Found | None], ...] = (
    advice,
    better_not,
    rebuy,
    nothing_to_see,
    time_flew,
    worse_than,
    as_feared,
)

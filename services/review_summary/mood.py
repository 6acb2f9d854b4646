"""Whether a predicate says the reviewer's own opinion of what they had.

Wishes (좋겠다), guesses (재밌겠다, 재밌을 것 같다, 좋을 듯),
counterfactuals and conjectures (좋았을 텐데, 괜찮을 텐데), conditions (예쁘면, 좋다면), reported
speech (좋다고 해서 샀는데, 재밌다는 사람들, 아까웠다면서) and questions
(재밌나?, 더 말이 필요한가?) do not, nor does a clause describing a noun that
is itself only supposed ("임팩트가 있는 스토리였다면"): "이거 재미있다고 하는 사람들" is a
complaint, and "2편은 안 만드는 게 더 좋았을 텐데" praises nothing. Read
off the Kiwi morphemes right after the predicate.
"""

from __future__ import annotations

from collections.abc import Sequence

from searchlm.text import Token
from searchlm.text import base_tag as _tag
from services.review_summary import lexicon

# Endings that quote or suppose ("-다고", "-다는", "-다면서", "-다면", "-라고"...).
_QUOTATIVE = tuple(
    [
        "다고",
        "다는",
        "다며",
        "다면",
        "다길래",
        "다더니",
        "다던",
        "라고",
        "라는",
        "라며",
        "라면",
        "냐고",
        "냐는",
        "대서",
    ]
)
# Sentence endings that ask.
_QUESTION_ENDINGS = frozenset(
    ["ᆫ가", "는가", "냐", "니", "을까", "ᆯ까", "나요", "ᆫ가요", "는가요", "을까요", "ᆯ까요"]
)


# Bound nouns after a prospective ending that make a guess ("-ㄹ 것 같다", "-ㄹ 듯") or a
# conjecture ("-ㄹ 텐데": 터 + 이다, "괜찮을 텐데", it would be fine).
_GUESS_NOUNS = frozenset(["것", "거", "꺼", "듯", "터", "뻔"])  # 뻔: "참신할 뻔했다" (nearly)


# Connectives that give a reason: what comes after is what happened because of it.
_REASONS = frozenset(["어서", "아서", "여서", "어", "아", "길래", "니까", "으니까", "니", "으니", "므로"])


def said_outright(tokens: Sequence[Token], end: int) -> bool:
    """The predicate whose last morpheme is tokens[end] ends its clause as a statement: not
    modifying a noun ("아이가 좋아하던 브랜드") nor giving the reason for what follows ("아이가
    좋아하길래 샀는데", "극장에 볼 게 없어서 봤는데")."""
    j = end + 1
    while j < len(tokens) and _tag(tokens[j]) == "EP":
        j += 1
    if j >= len(tokens):
        return True
    return _tag(tokens[j]) != "ETM" and not (_tag(tokens[j]) == "EC" and tokens[j].form in _REASONS)


def nearly(tokens: Sequence[Token], i: int) -> bool:
    """tokens[i] is the 뻔 of "-ㄹ 뻔하다" (nearly: "웃겨 죽을 뻔했다", "참신할 뻔한 내용"), not
    the adjective 뻔하다 (predictable). (The predicate before it is no assertion either: 뻔 is
    among the bound nouns of guessing.)"""
    t = tokens[i]
    before = tokens[i - 1] if i > 0 else None
    return t.form == "뻔" and _tag(t) == "NNB" and before is not None and before.form in ("ᆯ", "을")


def _guessed(tokens: Sequence[Token], k: int) -> bool:
    """tokens[k] is a bound noun of guessing after "-ㄹ/을" ("것 같다", "듯")."""
    return k < len(tokens) and _tag(tokens[k]) == "NNB" and tokens[k].form in _GUESS_NOUNS


def _possible(tokens: Sequence[Token], k: int) -> bool:
    """tokens[k] is the 수 of "-ㄹ 수 있다" saying what may be: with 도 ("무서울 수도 있는",
    "짤 수도 있어요") or conceded ("지루할 수 있지만"); not what one can do ("추천할 수 있는
    영화", "만족할 수 있어요") nor "-ㄹ 수밖에 없다" (cannot but)."""
    if not (k < len(tokens) and tokens[k].form == "수" and _tag(tokens[k]) == "NNB"):
        return False
    nxt = tokens[k + 1].form if k + 1 < len(tokens) else ""
    after = k + 2
    while after < len(tokens) and _tag(tokens[after]) == "EP":
        after += 1  # "될 수 있었는데": could have been
    conceded = nxt == "있" and after < len(tokens) and tokens[after].form in _CONCESSIVE
    return nxt == "도" or conceded


_CONCESSIVE = frozenset(["지만", "으나", "나", "는데", "겠지만"])


def _expected(tokens: Sequence[Token], k: int) -> bool:
    """tokens[k:] is "줄 알다" after a modifier: what the reviewer thought it would be ("재밌는
    줄 알았는데"); "재밌는 줄 몰랐다" asserts it was."""
    return (
        k + 1 < len(tokens)
        and (tokens[k].form, _tag(tokens[k])) == ("줄", "NNB")
        and tokens[k + 1].form == "알"
        and _tag(tokens[k + 1]) == "VV"
    )


# Nouns for what others said: "재밌다 라는 후기", "'최고다'라는 평".
_HEARSAY_NOUNS = lexicon.META_NOUNS | {"평", "소문", "얘기", "이야기"}


def _quoted_after(tokens: Sequence[Token], k: int) -> bool:
    """What follows a sentence ending at tokens[k - 1] quotes it: a quoting particle ("좋다고
    생각이 들 정도": 다/EF 고/JKQ), or -라는 / -는 before a word for what others said ("재밌다
    라는 후기"; not "재밌다 라는 말밖에 안 나온다", the reviewer's own)."""
    while k < len(tokens) and _tag(tokens[k]) in ("SS", "SSC"):
        k += 1
    if k >= len(tokens):
        return False
    if _tag(tokens[k]) == "JKQ":
        return True
    k += _tag(tokens[k]) == "VCP"
    named = k < len(tokens) and _tag(tokens[k]) == "ETM" and tokens[k].form in ("라는", "는", "란")
    return named and k + 1 < len(tokens) and tokens[k + 1].form in _HEARSAY_NOUNS


def asserted(tokens: Sequence[Token], end: int) -> bool:
    """False when the predicate whose last morpheme is tokens[end] wishes, guesses, supposes,
    quotes or asks; True otherwise."""
    j, past = end + 1, False
    while j < len(tokens) and _tag(tokens[j]) == "EP":
        if tokens[j].form in ("겠", "겟"):  # 겟: the common misspelling
            return False
        past, j = True, j + 1
    if j >= len(tokens):
        return True
    ending, tag = tokens[j], _tag(tokens[j])
    if past and tag == "ETM" and ending.form in ("을", "ᆯ"):
        return False  # 좋았을 텐데, 좋았을 것을
    if tag == "ETM" and ending.form in ("을", "ᆯ") and _guessed(tokens, j + 1):
        return False  # 재밌을 것 같다, 재밌을꺼 같네요, 좋을 듯, 괜찮을 텐데
    if tag == "ETM" and ending.form in ("을", "ᆯ") and _possible(tokens, j + 1):
        return False  # 무서울 수도 있다 (it may be), not 재밌을 수밖에 없다 (it cannot but)
    if tag == "ETM" and _expected(tokens, j + 1):
        return False  # 무서운 줄 알았는데 (thought it would be)
    if tag in ("EC", "EF", "ETM") and ending.form.startswith(_QUOTATIVE):
        return False
    if tag == "EF" and _quoted_after(tokens, j + 1):
        return False  # 좋다고 생각이 들 정도 (다/EF 고/JKQ), 재밌다 라는 후기 (다/EF 이/VCP 라는)
    if tag == "EC" and ending.form.endswith("면") and ending.form != "면서":
        return False  # 예쁘면 좋겠어요, 요리를 좋아하신다면 추천
    if tag == "EC" and (ending.form in ("ᆯ지", "을지") or ending.form.startswith(("려", "으려"))):
        return False  # 재구매할지 고민이에요 (whether), 사려다 말았다 (meant to)
    if tag == "EF" and ending.form in _QUESTION_ENDINGS:
        return False
    if tag == "ETM" and _described_noun(tokens, j):
        return asserted(tokens, j + 2)  # 있는 스토리였다면: the mood of "(noun)이다"
    if tag == "ETM" and _becoming(tokens, j):
        return asserted(tokens, j + 3)  # 좋은 작품이 되었을 텐데: the mood of "(noun)이 되다"
    asks = j + 1 < len(tokens) and tokens[j + 1].form.startswith("?")
    return not (tag in ("EC", "EF") and asks)


# What ends or goes away: regret at it is not a complaint about the thing.
_PARTING_NOUNS = frozenset(["끝", "마지막", "종영", "종방", "막방", "완결", "단종", "품절", "매진"])
_PARTING_VERBS = frozenset(["끝나", "끝내"])
_APPROACHING = frozenset(["다가오", "오", "되"])  # 종영이 다가오니, 마지막이 되니
_WHEN_ADVERBS = frozenset(["벌써", "이제", "곧", "드디어", "결국"])  # when it ends, not how


def parting(tokens: Sequence[Token], start: int, stem: str) -> bool:
    """The regret (아쉽다) whose predicate starts at tokens[start] is that something ends or is
    gone ("마지막이라니 아쉽네요", "벌써 끝나서 아쉬워요", "종영이 다가오니 아쉽다", "단종돼서
    아쉬워요"): the reviewer liked it. A complaint stays one where the ending is what it
    regrets ("마지막 장면이 아쉽다"), how it ends ("허무하게 / 너무 빨리 끝나서 아쉽다"), or
    what happens there ("마지막에 늘어져서 아쉬웠다")."""
    if stem != "아쉽":
        return False
    k = start - 1
    while k >= 0 and _tag(tokens[k]) == "MAG":  # 너무, 벌써, 좀
        k -= 1
    if k < 1 or _tag(tokens[k]) != "EC":
        return False
    verb, before = tokens[k - 1], tokens[k - 2] if k >= 2 else None
    if _tag(verb) in ("VV", "VX") and verb.form in _PARTING_VERBS:
        return before is None or not _manner(before)
    if _tag(verb) in ("VCP", "XSV"):  # 끝이라, 종영해서, 단종돼서
        return before is not None and before.form in _PARTING_NOUNS
    # 종영이 다가오니: a parting noun as the subject of a verb of coming
    return (
        _tag(verb) == "VV"
        and verb.form in _APPROACHING
        and k >= 3
        and _tag(tokens[k - 2]).startswith("J")
        and tokens[k - 3].form in _PARTING_NOUNS
    )


def manner_adverb(tokens: Sequence[Token], end: int, stem: str) -> bool:
    """The predicate ending at tokens[end] is a -게 adverb of manner, not a judgment ("무섭게
    빨리 왔어요", "순수하게 맛만 보면"; `lexicon.MANNER_WHEN_ADVERB`)."""
    nxt = tokens[end + 1] if end + 1 < len(tokens) else None
    return stem in lexicon.MANNER_WHEN_ADVERB and nxt is not None and nxt.form == "게" and _tag(nxt) == "EC"


def causative_end(tokens: Sequence[Token], end: int, stem: str) -> int:
    """The end of "-게 하다 / -게 만들다" after a feeling of `lexicon.MANNER_WHEN_ADVERB`
    ("가슴을 먹먹하게 한다", "사람을 행복하게 만드는 영화"): what makes one feel it, said by 하다
    or 만들다, whose mood and noun count; `end` when none follows."""
    if stem not in lexicon.MANNER_WHEN_ADVERB or end + 2 >= len(tokens):
        return end
    made = tokens[end + 2].form in ("하", "만들") and _tag(tokens[end + 2]) in ("VX", "VV")
    if not (tokens[end + 1].form == "게" and _tag(tokens[end + 1]) == "EC" and made):
        return end
    k = end + 2
    given = k + 2 < len(tokens) and tokens[k + 1].form in ("어", "아") and tokens[k + 2].form == "주"
    return k + 2 if given else k  # "행복하게 만들어 주면": 주다's mood


def _manner(token: Token) -> bool:
    """A modifier of how something ends ("허무하게", "빨리"), not of when ("벌써")."""
    tag = _tag(token)
    return (tag == "EC" and token.form == "게") or (tag == "MAG" and token.form not in _WHEN_ADVERBS)


def _described_noun(tokens: Sequence[Token], j: int) -> bool:
    """tokens[j] ends a clause describing a noun that a copula then predicates ("재밌는
    영화였다면", "좋은 영화라고"): the clause says only what that copula asserts."""
    return j + 2 < len(tokens) and _tag(tokens[j + 1]).startswith("NN") and _tag(tokens[j + 2]) == "VCP"


def _becoming(tokens: Sequence[Token], j: int) -> bool:
    """tokens[j] ends a clause describing a noun that 되다 then predicates ("더 좋은 작품이
    되었을 텐데", "좋은 영화가 될 수 있었는데"): the clause says only what 되다 asserts."""
    return (
        j + 3 < len(tokens)
        and _tag(tokens[j + 1]).startswith("NN")
        and _tag(tokens[j + 2]) == "JKC"
        and (tokens[j + 3].form, _tag(tokens[j + 3])) == ("되", "VV")
    )


# "-는 게 좋다 / 낫다": it is better to do something (advice), not a verdict on the thing.
BETTER = frozenset(["좋", "낫"])
# What a reader does (watch, buy, read, order, choose): "-는 게 좋다" after it advises.
_READER_ACTS = frozenset(
    ["보", "사", "읽", "고르", "기다리", "주문", "구매", "구입", "선택", "비교", "참고", "확인"]
)
HONORIFIC = frozenset(["시", "으시"])


def advice_to_do(tokens: Sequence[Token], start: int, stem: str) -> bool:
    """The predicate at tokens[start] says doing something is better ("기대 않고 보는 게 제일
    좋은 듯", "일찍 주문하는 게 좋아요", "안 보시는 게 좋아요"): its subject is what a reader does,
    made a noun with -는 것, so 좋다 judges doing that, not the product (`verdicts.better_not`
    reads "안 보는 게 좋다" as the warning it is). Not a fact about the product ("빨리 마르는 게
    좋아요", "이번에 산 게 제일 좋아요", "배터리가 오래 가는 게 좋아요")."""
    if stem not in BETTER:
        return False
    j = start - 1
    while j >= 0 and _tag(tokens[j]) == "MAG":
        j -= 1  # 제일, 더, 훨씬
    j -= j >= 0 and _tag(tokens[j]) in ("JKS", "JX")
    nominal = j >= 2 and tokens[j].form in ("것", "거", "게") and _tag(tokens[j]) == "NNB"
    if not (nominal and (tokens[j - 1].form, _tag(tokens[j - 1])) == ("는", "ETM")):
        return False
    verb = j - 2 - (tokens[j - 2].form in HONORIFIC and _tag(tokens[j - 2]) == "EP")
    return verb >= 0 and _reader_act(tokens, verb) and not _has_subject(tokens, verb)


def _reader_act(tokens: Sequence[Token], verb: int) -> bool:
    """tokens[verb] is one of `_READER_ACTS` (a verb, or 하 after its noun: 주문/NNG 하/XSV)."""
    t = tokens[verb]
    if _tag(t) == "XSV" and verb > 0:
        t = tokens[verb - 1]
    elif _tag(t) != "VV":
        return False
    return t.form in _READER_ACTS


def _has_subject(tokens: Sequence[Token], verb: int) -> bool:
    """A subject (이/가) in the clause of the verb at tokens[verb]: "배터리가 오래 가는 게 좋아요"
    is glad of a fact, not advice."""
    k = verb - 1
    while k >= 0 and _tag(tokens[k]) not in ("EC", "EF", "SF"):
        if _tag(tokens[k]) == "JKS":
            return True
        k -= 1
    return False

"""The process-wide Kiwi and the operations the project uses (see the package docstring)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Any, Protocol

_lock = threading.RLock()

# Connective endings where a sentence carries two claims of its own ("맛은 좋지만 양이 적다"
# claims both), so each clause can be checked separately.
CLAUSE_ENDINGS = frozenset({"지만", "는데", "은데", "으나", "고", "으며", "며"})


class Token(Protocol):
    """What the project reads of a Kiwi token: surface form, POS tag and character span."""

    form: str
    tag: str
    start: int
    len: int
    end: int


class Tagged(Protocol):
    """Anything with a Kiwi POS tag (a token, a morpheme)."""

    @property
    def tag(self) -> str: ...


def base_tag(token: Tagged) -> str:
    """Kiwi's tag without its (ir)regular-conjugation mark: VA-I -> VA, VV-R -> VV."""
    return token.tag.split("-")[0]


@functools.cache
def _build() -> Any:
    try:
        from kiwipiepy import Kiwi
    except ImportError as exc:  # pragma: no cover - kiwipiepy is in the cpu extra
        raise ImportError("Korean text analysis needs kiwipiepy: pip install kiwipiepy") from exc
    return Kiwi()


def warm() -> None:
    """Builds the process-wide Kiwi now (a server's start-up), not in its first request."""
    tokenize("워밍업 문장입니다.")


def tokenize(text: str) -> list[Token]:
    """Kiwi morphemes of `text` (form, tag, start, len), in order."""
    with _lock:
        return list(_build().tokenize(text))


# Kiwi's typo model: common misspellings (재밋어요, 잼있어요, 맛잇어요, 강츄) and, with "continual",
# those spanning a syllable boundary (조타 -> 좋다). Spans still point into the text as written.
TYPO_MODEL = "basic_with_continual"


def tokenize_many(texts: Sequence[str], *, typos: bool = False) -> list[list[Token]]:
    """`tokenize` of many texts in one Kiwi batch (much faster for bulk indexing).

    With `typos`, Kiwi's typo model reads misspelt words as the words meant ("재밋어요" as
    재밌/VA 어요): for informal text such as reviews. It costs about 0.4 ms a review on 2 cores
    and changes about 6.5 % of NSMC film reviews (mostly 재밋/잼있 -> 재밌), now and then
    wrongly (a name read as a noun + particle); measured in docs/review_summary.md.
    """
    if not texts:
        return []
    with _lock:
        kiwi = _build()
        analysed = kiwi.tokenize(list(texts), typos=TYPO_MODEL) if typos else kiwi.tokenize(list(texts))
        return [list(tokens) for tokens in analysed]


def sentences(text: str) -> list[str]:
    """Kiwi's sentence split of `text`, stripped, empty ones dropped."""
    if not text.strip():
        return []
    with _lock:
        found = _build().split_into_sents(text)
    return [s.text.strip() for s in found if s.text.strip()]


def clauses(sentence: str, *, min_chars: int = 3) -> list[str]:
    """A sentence cut after contrastive/listing connectives, each clause closed as a statement.

    "맛은 좋지만 양이 적다" -> ["맛은 좋다", "양이 적다"]. A connective followed by an
    auxiliary verb ("받고 있다", "살고 싶지 않다") continues its clause; a clause shorter
    than `min_chars` stays with its neighbour.
    """
    tokens = tokenize(sentence)
    parts, start = [], 0
    for i, t in enumerate(tokens):
        end = t.start + t.len
        if t.tag != "EC" or t.form not in CLAUSE_ENDINGS or sentence[end : end + 1] != " ":
            continue
        if i + 1 < len(tokens) and tokens[i + 1].tag.startswith("VX"):
            continue
        if t.start - start >= min_chars and len(sentence) - end >= min_chars:
            parts.append(sentence[start : t.start].strip() + "다")
            start = end
    parts.append(sentence[start:].strip())
    return [p for p in parts if p]


def space(text: str, *, reset_whitespace: bool = False) -> str:
    """Kiwi's spacing correction of `text` (from scratch when `reset_whitespace`)."""
    with _lock:
        return str(_build().space(text, reset_whitespace=reset_whitespace))


def analyze(text: str, *, top_n: int = 1, typos: str | None = None) -> list[tuple[list[Token], float]]:
    """The `top_n` best analyses of `text` with their scores; `typos` names a Kiwi typo set."""
    with _lock:
        kiwi = _build()
        found = kiwi.analyze(text, top_n=top_n, typos=typos) if typos else kiwi.analyze(text, top_n=top_n)
    return [(list(tokens), float(score)) for tokens, score in found]


def join(morphemes: Sequence[tuple[str, str]]) -> str:
    """Surface text of (form, tag) morphemes, re-conjugated by Kiwi (깨끗/XR 하/XSA 다/EF -> 깨끗하다).

    An auxiliary after -어야 is spaced as the standard writes it ("봐야 한다"; Kiwi glues it)."""
    spaced = [
        (form, tag, True) if tag == "VX" and k and morphemes[k - 1][0] in _SPACED_BEFORE_AUX else (form, tag)
        for k, (form, tag) in enumerate(morphemes)
    ]
    with _lock:
        return str(_build().join(spaced))


_SPACED_BEFORE_AUX = frozenset({"어야", "아야"})

# What may trail a sentence's last word: punctuation, emoticons, laughter (ㅋㅋ, ㅎㅎ, ^^).
_TRAILING = frozenset({"SF", "SE", "SW", "SS", "SP", "SO"})
# The endings a plain -다 replaces: statements (반갑구만, 좋아요, 재밌어, 재밌었음, 영화임,
# 좋습니다) and connectives left hanging (괜찮은데, 별로고); never a question, a request, a
# condition or hearsay (재밌나요, 꼭 보세요, 맞으면, 재밌다며), which -다 would make a statement.
_REPLACED_ENDINGS = frozenset(
    {
        "어요",
        "아요",
        "에요",
        "예요",
        "여요",
        "요",
        "네",
        "네요",
        "구나",
        "구만",
        "구먼",
        "군",
        "군요",
        "어",
        "아",
        "여",
        "음",
        "ᆷ",
        "ᆸ니다",
        "습니다",
        "죠",
        "고",
        "는데",
        "은데",
        "ᆫ데",
        "지만",
    }
)
# The last morpheme of a clause that a plain -다 follows (a stem or pre-final ending left bare).
_BARE_ENDS = frozenset({"VV", "VA", "VX", "VCP", "VCN", "XSA", "XSV", "EP"})


def declarative(text: str) -> str:
    """`text` re-said in the plain written register: its last predicate's ending made -다
    ("다시보니 반갑구만" -> "다시 보니 반갑다", "정말 재밌었음!!" -> "정말 재밌었다", "영화임" ->
    "영화다"), misspellings read through Kiwi's typo model ("재밋엇다" -> "재밌었다"), common
    slang in standard words ("잼나게 봤다" -> "재미나게 봤다", "넘 좋아" -> "너무 좋다") and
    interjections left out ("아니 잼나게 보고 있다": 아니 is no negation), re-spaced by Kiwi;
    `text` itself when it ends in no predicate ("별로인 영화") or asks, requests, supposes or
    reports ("재밌나요?", "꼭 보세요", "맞으면", "재밌다며").

    Informal endings and slang are the register of reviews and chats; NLI models trained on
    written Korean judge the plain form of the same clause better."""
    if "?" in text:
        return text
    (tokens,) = tokenize_many([text], typos=True)
    k = len(tokens)
    while k and base_tag(tokens[k - 1]) in _TRAILING:
        k -= 1
    if not k:
        return text
    ending, tag = tokens[k - 1], base_tag(tokens[k - 1])
    if tag in ("EF", "EC", "ETN") and (
        ending.form in _REPLACED_ENDINGS or (ending.form, tag) == ("다", "EF")
    ):
        k -= 1  # the ending is said again as 다
    if not k or base_tag(tokens[k - 1]) not in _BARE_ENDS:
        return text
    body = [t for t in tokens[:k] if base_tag(t) != "IC"]  # 아니, 헐, 와: no proposition
    words = [(_standard(body, i), t.tag) for i, t in enumerate(body)]
    return join([*words, ("다", "EF")])


# Slang and clipped words of informal reviews with the standard word (form, tag): "잼" only
# alone ("잼있다", "잼나게"), not in 꿀잼 / 노잼, which are words of their own.
_STANDARD = {
    ("잼", "NNG"): "재미",
    ("넘", "MAG"): "너무",
    ("젤", "MAG"): "제일",
    ("걍", "MAG"): "그냥",
    ("존나", "MAG"): "정말",
    ("졸라", "MAG"): "정말",
    ("겁나", "MAG"): "정말",
}
_SLANG_PREFIXES = frozenset({"꿀", "노", "핵", "존", "개"})


def _standard(tokens: Sequence[Token], i: int) -> str:
    """The standard form of tokens[i] (its own form when it is no listed slang)."""
    t = tokens[i]
    glued = i > 0 and tokens[i - 1].form in _SLANG_PREFIXES and tokens[i - 1].end == t.start
    return t.form if glued else _STANDARD.get((t.form, base_tag(t)), t.form)


# Content morphemes: nouns, verb/adjective stems, roots, foreign words, numbers, determiners and
# adverbs. Particles and endings are dropped, which makes "세종대왕은" and "세종대왕이" one term.
_CONTENT_TAGS = ("NN", "NP", "NR", "VV", "VA", "XR", "SL", "SN", "SH", "MM", "MAG")


def content_terms(text: str) -> list[str]:
    """Lower-cased content morphemes of `text`, analysed whole; verb and adjective stems get 다.

    "만들었다" and "만든" both give "만들다", so a question and a passage meet on the verb.
    """
    return _content_forms(tokenize(text))


def sentence_terms_many(texts: Sequence[str]) -> list[list[tuple[str, list[str]]]]:
    """Each text's sentences (as `sentences` cuts them) with their `content_terms`, in one Kiwi batch.

    One analysis per text instead of a split plus one analysis per sentence (about 2.5x faster
    on three encyclopedia paragraphs); a sentence's terms come from the analysis of its whole
    text, so they can differ from `content_terms(sentence)` where context changes a tag.
    """
    if not texts:
        return []
    with _lock:
        found = list(_build().split_into_sents(list(texts), return_tokens=True))
    return [[(s.text.strip(), _content_forms(s.tokens)) for s in one if s.text.strip()] for one in found]


def _content_forms(tokens: Sequence[Token]) -> list[str]:
    out = []
    for token in tokens:
        if token.tag.startswith(_CONTENT_TAGS):
            form = token.form.lower()
            out.append(form + "다" if token.tag in ("VV", "VA") else form)
    return out

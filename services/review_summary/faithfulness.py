"""Faithfulness gate: claims of a candidate scored by NLI against multi-review premises.

Each review is cut into chunks that fit the NLI model; chunks of several reviews are packed
into one premise (fewer NLI calls, and a claim that draws on two reviews can be entailed by
their union). Nothing is dropped past a cap: every chunk of every used review lands in some
premise. A packed premise that entails or contradicts a claim is then scored review by
review, so each claim gets the ids of the reviews that support or contradict it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from searchlm.nli.verdict import SHIPPED_THRESHOLDS
from services.review_summary.types import Premise, Review


class TextSplitter(Protocol):
    """Sentence and claim splitting (Kiwi in production)."""

    def sentences(self, text: str) -> list[str]:
        """Sentences of text."""
        ...

    def claims(self, text: str) -> list[str]:
        """Checkable claims of a summary: sentences, cut at contrastive clause boundaries."""
        ...


# Summaries report what reviewers say ("배송이 빠르다는 평이 많습니다"); the NLI model is asked
# about the content ("배송이 빠르다"), which is what a single review can entail.
_REPORTING = (
    re.compile(
        r"(?P<core>.+?)(?:다|라)?는\s*(?:평|의견|리뷰|후기|반응|평가)\S*\s*(?:이|가)?\s*(?:많|대부분|다수|있|주를).*$"
    ),
    re.compile(r"^(?:많은|대부분의?|다수의?)\s*(?:고객|구매자|사용자|리뷰어)\S*\s*(?P<core>.+)$"),
    re.compile(
        r"^(?:many|most)\s+(?:reviewers|customers|buyers|users)\s+(?:say|agree|find|report)\s+(?:that\s+)?(?P<core>.+)$",
        re.I,
    ),
)


def claim_core(claim: str) -> str:
    """The content of a claim without its reporting frame ("...라는 평이 많습니다")."""
    for pattern in _REPORTING:
        match = pattern.match(claim.strip())
        if match and len(match.group("core")) >= 4:
            core = match.group("core").strip().rstrip(".")
            return core if core.endswith(("다", ".")) or not _is_hangul_end(core) else core + "다"
    return claim


_NOT_WORD = re.compile(r"[\W_]+")

VERBATIM_MIN_CHARS = 6
"""A claim this long (letters and digits only) found inside a review is entailed by it."""


def verbatim_key(text: str) -> str:
    """Letters and digits only, lower-cased: "기대없이 봤는데, 꿀잼!" -> "기대없이봤는데꿀잼"."""
    return _NOT_WORD.sub("", text).lower()


def quoting_reviews(claim: str, reviews: Sequence[Review]) -> list[str]:
    """Ids of the reviews that contain the claim word for word (spacing and punctuation aside).

    A quoted sentence is entailed by the review it comes from by identity; the NLI model
    need not (and, over a packed premise, does not always) see that.
    """
    key = verbatim_key(claim)
    if len(key) < VERBATIM_MIN_CHARS:
        return []
    return [r.id for r in reviews if key in verbatim_key(r.text)]


def _is_hangul_end(text: str) -> bool:
    return bool(text) and "가" <= text[-1] <= "힣"


@dataclass(frozen=True)
class FaithfulnessSettings:
    """Thresholds and premise sizes.

    Attributes:
        entailment_threshold: A chunk supports a claim at or above this entailment.
        contradiction_threshold: A chunk contradicts a claim at or above this contradiction.
        summary_threshold: A candidate passes when its weakest claim reaches this.
        chunk_chars: Longest review chunk (the NLI model's premise length, in characters).
        premise_chars: Longest packed premise (several reviews' chunks).
        confirm_entailment_threshold: Entailment at which a review the opinion extractor read
            as stating a panel statement supports it.
    """

    entailment_threshold: float = SHIPPED_THRESHOLDS.entailment
    contradiction_threshold: float = SHIPPED_THRESHOLDS.contradiction
    summary_threshold: float = SHIPPED_THRESHOLDS.entailment
    chunk_chars: int = 200
    premise_chars: int = 400
    confirm_entailment_threshold: float = 0.4

    def __post_init__(self) -> None:
        names = (
            "entailment_threshold",
            "contradiction_threshold",
            "summary_threshold",
            "confirm_entailment_threshold",
        )
        for name in names:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1]")
        if not 1 <= self.chunk_chars <= self.premise_chars:
            raise ValueError("need 1 <= chunk_chars <= premise_chars")


@dataclass(frozen=True)
class Chunk:
    """Consecutive sentences of one review."""

    review_id: str
    text: str


def chunk_review(review: Review, splitter: TextSplitter, max_chars: int) -> list[Chunk]:
    """Whole sentences packed up to `max_chars`; a longer sentence is cut into pieces."""
    pieces: list[str] = []
    for sentence in splitter.sentences(review.text) or [review.text]:
        pieces += [sentence[i : i + max_chars] for i in range(0, len(sentence), max_chars)]
    chunks: list[str] = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + 1 + len(piece) <= max_chars:
            chunks[-1] = f"{chunks[-1]} {piece}"
        else:
            chunks.append(piece)
    return [Chunk(review.id, c) for c in chunks]


# Connectives that end a clause and turn to something else: -지만, -(으)나, and -ㄴ데 / -는데 glued
# to the syllable before ("예쁜데", "하는데"): "조카는 재밌어 하는데 재미는 떨어져요".
_N_FINAL = "".join(chr(0xAC00 + 28 * k + 4) for k in range(399))  # every syllable ending in ㄴ
_CONTRAST = re.compile(rf"(?:지만|[{_N_FINAL}]데|으나)(?!\w)")


def own_clause(text: str, at: int, splitter: TextSplitter) -> str:
    """The clause of `text` that ends at or after character offset `at`: its sentence, from
    the last contrasting connective before `at` to the first one after it ("조카는 재밌어
    하는데" of "조카는 재밌어 하는데 재미는 조금 떨어지네요", "양이 적어요" of "맛은 좋지만 양이
    적어요"); the whole text when `at` is outside every sentence."""
    start = 0
    for sentence in splitter.sentences(text):
        start = text.find(sentence, start)
        if start < 0:
            break
        if start <= at <= start + len(sentence):
            turns = list(_CONTRAST.finditer(sentence))
            begin = max((m.end() for m in turns if m.end() < at - start), default=0)
            end = min((m.end() for m in turns if m.end() >= at - start), default=len(sentence))
            return sentence[begin:end].strip()
        start += len(sentence)
    return text


def pack_premises(chunks: Sequence[Chunk], max_chars: int) -> list[tuple[Premise, tuple[Chunk, ...]]]:
    """Greedy packing of chunks (in order) into premises of at most `max_chars`."""
    packs: list[list[Chunk]] = []
    for chunk in chunks:
        if packs and sum(len(c.text) + 1 for c in packs[-1]) + len(chunk.text) <= max_chars:
            packs[-1].append(chunk)
        else:
            packs.append([chunk])
    return [(_premise(pack), tuple(pack)) for pack in packs]


def _premise(pack: Sequence[Chunk]) -> Premise:
    ids = tuple(dict.fromkeys(c.review_id for c in pack))
    return Premise(" ".join(c.text for c in pack), ids)

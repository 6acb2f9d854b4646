"""How faithful is a claim to a set of reviews? Four ways to score it.

* ``rouge1``: ROUGE-1 precision of the claim's morphemes against each review (the share
  of the claim's words a review also uses); the best review counts.
* ``nli-sentence``: the NLI model sees one review sentence at a time as the premise.
* ``nli-packed``: what review_summary does: reviews cut into chunks and the chunks of
  several reviews packed into one premise, with the service's own ``chunk_review`` and
  ``pack_premises`` (imported, not copied, so the benchmark follows the service).
* ``nli-per-review``: each whole review alone is the premise.

Each NLI method turns a review set into premises; the claim's faithful score is its best
entailment over them. The scorer is called elsewhere, once for all pairs of all methods.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from eval.metrics.rouge import unigram_precision

SentenceSplitter = Callable[[str], list[str]]
Tokenize = Callable[[str], list[str]]
Pair = tuple[str, str]

LEXICAL = "rouge1"


@dataclass(frozen=True)
class PackingSizes:
    """Premise sizes of ``nli-packed``; the defaults are review_summary's settings.

    Attributes:
        chunk_chars: Longest review chunk (``SEARCHLM_REVIEW_SUMMARY_CHUNK_CHARS``).
        premise_chars: Longest packed premise (``SEARCHLM_REVIEW_SUMMARY_PREMISE_CHARS``).
    """

    chunk_chars: int = 200
    premise_chars: int = 400

    def __post_init__(self) -> None:
        if not 1 <= self.chunk_chars <= self.premise_chars:
            raise ValueError(
                f"need 1 <= chunk_chars <= premise_chars, got {self.chunk_chars} and {self.premise_chars}"
            )


@dataclass(frozen=True)
class PremiseContext:
    """What premise builders need.

    Attributes:
        split: Sentence splitter (Kiwi's, through ``eval.text``).
        sizes: Chunk and premise sizes of ``nli-packed``.
    """

    split: SentenceSplitter
    sizes: PackingSizes


PremiseBuilder = Callable[[Sequence[str], PremiseContext], list[str]]


def sentence_premises(reviews: Sequence[str], ctx: PremiseContext) -> list[str]:
    """Every sentence of every review (a review without sentences is one premise)."""
    return [sentence for review in reviews for sentence in (ctx.split(review) or [review])]


def review_premises(reviews: Sequence[str], ctx: PremiseContext) -> list[str]:
    """Each review whole."""
    del ctx
    return list(reviews)


class _ServiceSplitter:
    """The service's ``TextSplitter`` over eval's sentence splitter (claims are not split here)."""

    def __init__(self, split: SentenceSplitter) -> None:
        self._split = split

    def sentences(self, text: str) -> list[str]:
        return self._split(text)

    def claims(self, text: str) -> list[str]:
        return self._split(text)


def packed_premises(reviews: Sequence[str], ctx: PremiseContext) -> list[str]:
    """Review chunks packed into multi-review premises exactly as review_summary packs them."""
    # Imported when used: the claim under test is about the service's packing, so the
    # benchmark runs the service's code rather than a copy that could drift from it.
    from services.review_summary.faithfulness import chunk_review, pack_premises
    from services.review_summary.types import Review

    splitter = _ServiceSplitter(ctx.split)
    chunks = [
        chunk
        for index, text in enumerate(reviews)
        for chunk in chunk_review(Review(str(index), text), splitter, ctx.sizes.chunk_chars)
    ]
    return [premise.text for premise, _ in pack_premises(chunks, ctx.sizes.premise_chars)]


#: NLI methods by name -> how a review set becomes premises.
NLI_METHODS: dict[str, PremiseBuilder] = {
    "nli-sentence": sentence_premises,
    "nli-packed": packed_premises,
    "nli-per-review": review_premises,
}

#: Every method, in report order.
METHODS = (LEXICAL, *NLI_METHODS)


def rouge1_faithful(claim: str, reviews: Sequence[str], tokenize: Tokenize) -> float:
    """Best ROUGE-1 precision of the claim's tokens against any one review."""
    claim_tokens = tokenize(claim)
    return max((unigram_precision(claim_tokens, tokenize(review)) for review in reviews), default=0.0)


def max_entailment(claim: str, premises: Sequence[str], entailment: Mapping[Pair, float]) -> float:
    """Best entailment of ``claim`` over ``premises`` (0 without premises).

    Raises:
        KeyError: A pair was not scored.
    """
    return max((entailment[(premise, claim)] for premise in premises), default=0.0)

"""Domain types of the review_summary service (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Review:
    """One customer review.

    Attributes:
        id: Unique within a request.
        text: Review text (masked once cleaned).
        rating: 1..5, 0 when unknown.
    """

    id: str
    text: str
    rating: int = 0


@dataclass(frozen=True)
class SummaryRequest:
    """What to summarise: inline reviews or a stored product's reviews.

    Attributes:
        reviews: Inline reviews (empty when product_id is set).
        product_id: Review-store key (empty when reviews are inline).
        max_chars: Longest summary in characters (0: server default).
        language: Summary language code ("ko", "en"; empty: server default).
    """

    reviews: tuple[Review, ...] = ()
    product_id: str = ""
    max_chars: int = 0
    language: str = ""


@dataclass(frozen=True)
class CleanedReviews:
    """Reviews after cleaning, with what was dropped and why.

    Attributes:
        reviews: Kept reviews, normalised and PII-masked.
        received: Reviews in the request.
        dropped: Reason -> count of dropped reviews (empty, duplicate, near_duplicate, injection).
        masked: PII kind -> count of masked spans.
    """

    reviews: tuple[Review, ...]
    received: int
    dropped: dict[str, int] = field(default_factory=dict)
    masked: dict[str, int] = field(default_factory=dict)

    @property
    def dropped_total(self) -> int:
        """All dropped reviews."""
        return sum(self.dropped.values())


@dataclass(frozen=True)
class Premise:
    """NLI premise: chunks of one or more reviews packed together.

    Attributes:
        text: Packed text sent to the NLI model.
        review_ids: Reviews whose chunks it holds, in order.
    """

    text: str
    review_ids: tuple[str, ...]


@dataclass(frozen=True)
class ClaimSupport:
    """How the reviews bear on one claim of a summary.

    Attributes:
        claim: The claim text.
        entailment: Max entailment over all premises and chunks.
        contradiction: Max contradiction behind the contradicting reviews (0 when none).
        supporting_review_ids: Reviews that entail the claim.
        contradicting_review_ids: Reviews that contradict it (never also supporting).
        passed: The verdict is ``entailed``.
        verdict: ``entailed``, ``contradicted`` or ``neutral`` (one per claim,
            `searchlm.nli.verdict`).
    """

    claim: str
    entailment: float
    contradiction: float
    supporting_review_ids: tuple[str, ...]
    contradicting_review_ids: tuple[str, ...]
    passed: bool
    verdict: str = "neutral"


@dataclass(frozen=True)
class CandidateCheck:
    """Faithfulness verdict of one candidate summary.

    Attributes:
        text: The candidate.
        claims: Per-claim support.
        score: Faithfulness in [0, 1] (weakest claim; 0 when any claim fails).
        passed: Every claim passed and the score reached the threshold.
    """

    text: str
    claims: tuple[ClaimSupport, ...]
    score: float
    passed: bool


@dataclass(frozen=True)
class AspectOpinion:
    """One verified opinion of the panel: what reviewers say about an aspect.

    Attributes:
        aspect: Aspect noun phrase ("배송"; "" for the product as a whole).
        polarity: ``positive`` or ``negative``.
        statement: Canonical statement checked by NLI ("배송이 빠르다").
        support_count: Used reviews that entail it (NLI over packed multi-review premises).
        contradict_count: Used reviews that contradict it.
        review_ids: The supporting reviews.
        contradicting_review_ids: The contradicting reviews.
        share: support_count over the reviews used.
        mentions: Reviews (of all cleaned ones) whose own words gave this opinion.
        entailment: Highest entailment over the premises.
    """

    aspect: str
    polarity: str
    statement: str
    support_count: int
    contradict_count: int
    review_ids: tuple[str, ...]
    contradicting_review_ids: tuple[str, ...]
    share: float
    mentions: int
    entailment: float


@dataclass(frozen=True)
class SummaryResult:
    """The served summary and its evidence.

    Attributes:
        summary: The one-line summary.
        faithfulness: Score of the served summary in [0, 1].
        passed: The served summary passed the faithfulness check.
        claims: Per-claim support of the served summary.
        reviews_received: Reviews in the request or the store.
        reviews_used: Reviews shown to the LM (after cleaning and selection).
        dropped: Reason -> count of reviews dropped by cleaning.
        extractive_fallback: No generated candidate passed; a review sentence is served.
        degraded: The LM failed or was too slow; served without it.
        flags: Processing flags (extractive_fallback, degraded, regenerated, pii_masked, ...).
        candidates_checked: Generated candidates that went through the check.
        model: LM id that produced the candidates (empty when none).
        aspects: Served opinions (support >= the minimum and above contradiction), most
            supported first.
        reviews_with_opinions: Cleaned reviews in which at least one opinion was found.
    """

    summary: str
    faithfulness: float
    passed: bool
    claims: tuple[ClaimSupport, ...]
    reviews_received: int
    reviews_used: int
    dropped: dict[str, int]
    extractive_fallback: bool = False
    degraded: bool = False
    flags: tuple[str, ...] = ()
    candidates_checked: int = 0
    model: str = ""
    aspects: tuple[AspectOpinion, ...] = ()
    reviews_with_opinions: int = 0

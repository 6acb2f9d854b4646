"""All protobuf <-> domain conversion of the review_summary service."""

from __future__ import annotations

from searchlm.errors import InvalidRequestError
from searchlm.review_summary.v1 import review_summary_service_pb2 as pb
from services.review_summary.types import AspectOpinion, ClaimSupport, Review, SummaryRequest, SummaryResult
from services.review_summary.validation import validate_identifiers


def to_request(message: pb.SummarizeReviewsRequest) -> SummaryRequest:
    """Domain request, identifiers bounded as they arrive; the `source` oneof is the wire's own
    rule; every other limit is `validation.validate_request`'s, run by the pipeline."""
    source = message.WhichOneof("source")
    if source is None:
        raise InvalidRequestError("source", "set reviews or product_id")
    if source == "product_id" and not message.product_id.strip():
        raise InvalidRequestError("product_id", "must not be empty")
    reviews = tuple(Review(r.id, r.text, r.rating) for r in message.reviews.reviews)
    return validate_identifiers(
        SummaryRequest(
            reviews=reviews,
            product_id=message.product_id.strip(),
            max_chars=message.max_chars,
            language=message.language.strip().lower(),
        )
    )


def _claim(claim: ClaimSupport) -> pb.ClaimSupport:
    return pb.ClaimSupport(
        claim=claim.claim,
        score=claim.entailment,
        contradiction=claim.contradiction,
        supporting_review_ids=list(claim.supporting_review_ids),
        contradicting_review_ids=list(claim.contradicting_review_ids),
        passed=claim.passed,
        verdict=claim.verdict,
    )


def _aspect(opinion: AspectOpinion) -> pb.AspectOpinion:
    return pb.AspectOpinion(
        aspect=opinion.aspect,
        polarity=opinion.polarity,
        statement=opinion.statement,
        support_count=opinion.support_count,
        contradict_count=opinion.contradict_count,
        review_ids=list(opinion.review_ids),
        contradicting_review_ids=list(opinion.contradicting_review_ids),
        share=opinion.share,
        mentions=opinion.mentions,
    )


def to_response(result: SummaryResult) -> pb.SummarizeReviewsResponse:
    """Protobuf response; supporting_review_ids is the union over the summary's claims."""
    supporting = dict.fromkeys(i for c in result.claims for i in c.supporting_review_ids)
    return pb.SummarizeReviewsResponse(
        summary=result.summary,
        faithfulness=result.faithfulness,
        extractive_fallback=result.extractive_fallback,
        supporting_review_ids=list(supporting),
        flags=list(result.flags),
        claims=[_claim(c) for c in result.claims],
        passed=result.passed,
        degraded=result.degraded,
        reviews_received=result.reviews_received,
        reviews_used=result.reviews_used,
        reviews_dropped=sum(result.dropped.values()),
        dropped=[pb.DroppedReviews(reason=k, count=v) for k, v in sorted(result.dropped.items())],
        candidates_checked=result.candidates_checked,
        model=result.model,
        aspects=[_aspect(a) for a in result.aspects],
        reviews_with_opinions=result.reviews_with_opinions,
    )


def to_message(request: SummaryRequest) -> pb.SummarizeReviewsRequest:
    """Protobuf request of a domain request (clients)."""
    common = {"max_chars": request.max_chars, "language": request.language}
    if request.product_id:
        return pb.SummarizeReviewsRequest(product_id=request.product_id, **common)  # type: ignore[arg-type]
    reviews = [pb.Review(id=r.id, text=r.text, rating=r.rating) for r in request.reviews]
    return pb.SummarizeReviewsRequest(reviews=pb.ReviewList(reviews=reviews), **common)  # type: ignore[arg-type]

"""All protobuf <-> domain conversion of free_qa."""

from __future__ import annotations

from searchlm.free_qa.v1 import free_qa_service_pb2 as pb
from services.free_qa.types import AnswerDelta, Citation, Hop, QaAnswer, QaRequest, QuestionKind
from services.free_qa.validation import validate_top_k

_KINDS: dict[pb.QuestionKind, QuestionKind] = {
    pb.QUESTION_KIND_UNSPECIFIED: QuestionKind.UNSPECIFIED,
    pb.QUESTION_KIND_FACTOID: QuestionKind.FACTOID,
    pb.QUESTION_KIND_MULTI_HOP: QuestionKind.MULTI_HOP,
    pb.QUESTION_KIND_YES_NO: QuestionKind.YES_NO,
    pb.QUESTION_KIND_LONG_FORM: QuestionKind.LONG_FORM,
}
_KIND_VALUES = {kind: value for value, kind in _KINDS.items()}


def qa_request(request: pb.AnswerQuestionRequest | pb.AnswerQuestionStreamRequest) -> QaRequest:
    """Domain request; `top_k` is the deprecated alias of `max_passages`. Unknown kinds are ignored."""
    max_passages = request.max_passages
    if not max_passages and isinstance(request, pb.AnswerQuestionRequest) and request.top_k:
        max_passages = validate_top_k(request.top_k)
    return QaRequest(
        question=request.question,
        kind_hint=_KINDS.get(request.kind_hint, QuestionKind.UNSPECIFIED),
        max_passages=max_passages,
    )


def _citation(citation: Citation) -> pb.Citation:
    return pb.Citation(
        marker=citation.marker,
        passage_id=citation.passage_id,
        title=citation.title,
        snippet=citation.snippet,
        score=citation.score,
    )


def _hop(hop: Hop) -> pb.Hop:
    return pb.Hop(query=hop.query, bridge=hop.bridge, passage_ids=list(hop.passage_ids))


def answer_response(answer: QaAnswer) -> pb.AnswerQuestionResponse:
    """Response message of an answer."""
    return pb.AnswerQuestionResponse(
        answer=answer.answer,
        abstained=answer.abstained,
        kind=_KIND_VALUES[answer.kind],
        citations=[_citation(c) for c in answer.citations],
        confidence=answer.confidence,
        flags=list(answer.flags),
        degraded=answer.degraded,
        hops=[_hop(h) for h in answer.hops],
        retrieved_passage_ids=list(answer.retrieved_ids),
    )


def stream_response(delta: AnswerDelta) -> pb.AnswerQuestionStreamResponse:
    """One streamed event: a text delta, or the final answer."""
    if delta.final is not None:
        return pb.AnswerQuestionStreamResponse(final=answer_response(delta.final))
    return pb.AnswerQuestionStreamResponse(text_delta=delta.text)

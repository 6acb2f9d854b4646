"""Protobuf <-> domain conversion for ModelService. The only model-server module besides
the servicer that sees protobuf."""

from __future__ import annotations

from model_server.types import (
    CandidateResult,
    ContinuationScore,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    ModelInfo,
    StreamEnd,
    TextDelta,
    Usage,
)
from model_server.validation import Limits, RawSampling, validate_sampling
from searchlm import context
from searchlm.model.v1 import model_service_pb2 as pb

_FINISH = {
    FinishReason.STOP: pb.FINISH_REASON_STOP,
    FinishReason.LENGTH: pb.FINISH_REASON_LENGTH,
    FinishReason.CANCELLED: pb.FINISH_REASON_CANCELLED,
}


def _opt(msg: pb.SamplingParams, name: str) -> object | None:
    return getattr(msg, name) if msg.HasField(name) else None


def raw_sampling(msg: pb.SamplingParams) -> RawSampling:
    """Reads SamplingParams, keeping unset optional fields as None."""
    return RawSampling(
        max_tokens=_opt(msg, "max_tokens"),  # type: ignore[arg-type]
        temperature=_opt(msg, "temperature"),  # type: ignore[arg-type]
        top_p=_opt(msg, "top_p"),  # type: ignore[arg-type]
        top_k=_opt(msg, "top_k"),  # type: ignore[arg-type]
        repetition_penalty=_opt(msg, "repetition_penalty"),  # type: ignore[arg-type]
        seed=_opt(msg, "seed"),  # type: ignore[arg-type]
        stop=tuple(msg.stop),
        n=msg.n,
        logprobs=msg.logprobs,
        choices=tuple(msg.choices),
    )


def generation_request(
    msg: pb.GenerateRequest | pb.GenerateStreamRequest, limits: Limits
) -> GenerationRequest:
    """Builds a validated domain request (raises InvalidRequestError naming the field)."""
    sampling = validate_sampling(raw_sampling(msg.sampling), limits)
    return GenerationRequest(
        prompt=msg.prompt, sampling=sampling, request_id=context.request_id(), adapter=msg.adapter
    )


def _logprobs(pairs: tuple[tuple[int, float], ...]) -> list[pb.TokenLogprob]:
    return [pb.TokenLogprob(token_id=t, logprob=lp) for t, lp in pairs]


def _usage(usage: Usage) -> pb.Usage:
    return pb.Usage(
        prompt_tokens=usage.prompt_tokens,
        generated_tokens=usage.generated_tokens,
        time_to_first_token_seconds=usage.time_to_first_token,
        total_seconds=usage.total,
        queue_seconds=usage.queue,
    )


def _completion(c: CandidateResult) -> pb.Completion:
    return pb.Completion(
        index=c.index,
        text=c.text,
        finish_reason=_FINISH[c.finish_reason],
        generated_tokens=c.generated_tokens,
        logprobs=_logprobs(c.token_logprobs),
    )


def generate_response(result: GenerationResult, model: str) -> pb.GenerateResponse:
    """Converts a finished generation."""
    return pb.GenerateResponse(
        completions=[_completion(c) for c in result.candidates], usage=_usage(result.usage), model=model
    )


def stream_event(event: TextDelta | StreamEnd, model: str) -> pb.GenerateStreamResponse:
    """Converts one stream event."""
    if isinstance(event, TextDelta):
        delta = pb.TextDelta(index=event.index, text=event.text, logprobs=_logprobs(event.token_logprobs))
        return pb.GenerateStreamResponse(delta=delta)
    final = pb.StreamFinal(
        completions=[_completion(c) for c in event.candidates], usage=_usage(event.usage), model=model
    )
    return pb.GenerateStreamResponse(final=final)


def score_response(prompt_tokens: int, scores: list[ContinuationScore]) -> pb.ScoreResponse:
    """Converts continuation scores."""
    return pb.ScoreResponse(
        prompt_tokens=prompt_tokens,
        scores=[
            pb.ContinuationScore(
                index=s.index, logprob=s.logprob, num_tokens=s.num_tokens, mean_logprob=s.mean_logprob
            )
            for s in scores
        ],
    )


def model_info(info: ModelInfo, limits: Limits) -> pb.GetModelInfoResponse:
    """Converts the model description."""
    return pb.GetModelInfoResponse(
        model=info.model,
        engine=info.engine,
        context_length=info.context_length,
        tensor_parallel_size=info.tensor_parallel_size,
        pipeline_parallel_size=info.pipeline_parallel_size,
        max_batch_size=info.max_batch_size,
        max_tokens_limit=limits.max_tokens_limit,
        max_candidates=limits.max_candidates,
        device=info.device,
        adapters=[
            pb.AdapterInfo(name=a.name, base_model=a.base_model, rank=a.rank, alpha=a.alpha, task=a.task)
            for a in info.adapters
        ],
        max_choices=limits.max_choices,
    )

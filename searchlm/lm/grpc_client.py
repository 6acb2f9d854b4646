"""`LmClient` over gRPC: deadline and request-id propagation, retries, round-robin.

Retries of UNAVAILABLE with exponential backoff are declared in the channel's service
config, so gRPC retries transparently (only before any response arrived, hence safely for
streams too). `round_robin` over a `dns:///` target spreads load across model-server pods
behind a headless Service; HTTP/2 would otherwise pin every call to one pod.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import grpc

from searchlm import context
from searchlm.errors import (
    DeadlineExceededError,
    InvalidRequestError,
    OverloadedError,
    SearchlmError,
    UpstreamUnavailableError,
)
from searchlm.lm.settings import LmClientSettings
from searchlm.lm.types import LmCompletion, LmDelta, LmResult, LmSampling, LmScore
from searchlm.model.v1 import model_service_pb2 as pb
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc
from searchlm.serving.settings import DEFAULT_MAX_MESSAGE_BYTES, message_size_options

_FINISH = {
    pb.FINISH_REASON_STOP: "stop",
    pb.FINISH_REASON_LENGTH: "length",
    pb.FINISH_REASON_CANCELLED: "cancelled",
}


def service_config(*, max_attempts: int = 4, initial_backoff: float = 0.1, max_backoff: float = 2.0) -> str:
    """Channel service config: round_robin and UNAVAILABLE retries with backoff."""
    return json.dumps(
        {
            "loadBalancingConfig": [{"round_robin": {}}],
            "methodConfig": [
                {
                    "name": [{"service": "searchlm.model.v1.ModelService"}],
                    "retryPolicy": {
                        "maxAttempts": max_attempts,
                        "initialBackoff": f"{initial_backoff}s",
                        "maxBackoff": f"{max_backoff}s",
                        "backoffMultiplier": 2,
                        "retryableStatusCodes": ["UNAVAILABLE"],
                    },
                }
            ],
        }
    )


def _error(exc: grpc.aio.AioRpcError) -> SearchlmError:
    code, details = exc.code(), exc.details() or ""
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        return OverloadedError(f"model server overloaded: {details}")
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return DeadlineExceededError(f"model server: {details}")
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        field, _, reason = details.partition(": ")
        return InvalidRequestError(f"lm.{field}", reason or details)
    return UpstreamUnavailableError(f"model server {code.name}: {details}")


def _sampling(s: LmSampling) -> pb.SamplingParams:
    msg = pb.SamplingParams(stop=list(s.stop), n=s.n, logprobs=s.logprobs, choices=list(s.choices))
    for name in ("max_tokens", "temperature", "top_p", "top_k", "repetition_penalty", "seed"):
        value = getattr(s, name)
        if value is not None:
            setattr(msg, name, value)
    return msg


def _result(
    completions: Sequence[pb.Completion], texts: dict[int, str], usage: pb.Usage, model: str
) -> LmResult:
    return LmResult(
        completions=tuple(
            LmCompletion(
                index=c.index,
                text=texts.get(c.index, c.text),
                finish_reason=_FINISH.get(c.finish_reason, "unspecified"),
                generated_tokens=c.generated_tokens,
            )
            for c in completions
        ),
        prompt_tokens=usage.prompt_tokens,
        generated_tokens=usage.generated_tokens,
        time_to_first_token=usage.time_to_first_token_seconds,
        model=model,
    )


class GrpcLmClient:
    """Async model-server client.

    Args:
        target: gRPC target, e.g. "localhost:50051" or "dns:///model-server:50051".
        default_timeout: Seconds allowed when the caller has no deadline.
        credentials: Channel credentials for TLS; None for plaintext.
        token: Bearer token sent with every call, when the model server requires one.
        max_message_bytes: Largest message sent or received; beyond it the call fails with
            RESOURCE_EXHAUSTED (mapped to `OverloadedError`) instead of buffering without bound.
    """

    def __init__(
        self,
        target: str,
        *,
        default_timeout: float = 30.0,
        credentials: grpc.ChannelCredentials | None = None,
        token: str = "",
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self._auth = (("authorization", f"Bearer {token}"),) if token else ()
        options = [
            ("grpc.service_config", service_config()),
            ("grpc.enable_retries", 1),
            ("grpc.keepalive_time_ms", 30_000),
            # reconnect to a restarted model server within seconds, not gRPC's default 120 s cap
            ("grpc.initial_reconnect_backoff_ms", 500),
            ("grpc.min_reconnect_backoff_ms", 500),
            ("grpc.max_reconnect_backoff_ms", 5_000),
            *message_size_options(max_message_bytes),
        ]
        if credentials is None:
            self._channel = grpc.aio.insecure_channel(target, options=options)
        else:
            self._channel = grpc.aio.secure_channel(target, credentials, options=options)
        self._stub = pb_grpc.ModelServiceStub(self._channel)
        self._default_timeout = default_timeout

    async def close(self) -> None:
        """Closes the channel."""
        await self._channel.close()

    def _call_args(self) -> dict[str, object]:
        timeout = context.remaining(self._default_timeout)
        if timeout is not None and timeout <= 0:
            raise DeadlineExceededError("caller deadline already expired")
        rid = context.request_id() or context.new_request_id()
        return {"timeout": timeout, "metadata": (("x-request-id", rid), *self._auth)}

    async def generate(self, prompt: str, sampling: LmSampling | None = None) -> LmResult:
        """Unary generation."""
        sampling = sampling or LmSampling()
        request = pb.GenerateRequest(prompt=prompt, sampling=_sampling(sampling), adapter=sampling.adapter)
        try:
            response = await self._stub.Generate(request, **self._call_args())
        except grpc.aio.AioRpcError as exc:
            raise _error(exc) from exc
        texts = {c.index: c.text for c in response.completions}
        return _result(response.completions, texts, response.usage, response.model)

    async def stream(self, prompt: str, sampling: LmSampling | None = None) -> AsyncIterator[LmDelta]:
        """Streams deltas; the last one carries the final result."""
        sampling = sampling or LmSampling()
        request = pb.GenerateStreamRequest(
            prompt=prompt, sampling=_sampling(sampling), adapter=sampling.adapter
        )
        texts: dict[int, str] = {}
        call = self._stub.GenerateStream(request, **self._call_args())
        try:
            async for event in call:
                if event.HasField("delta"):
                    texts[event.delta.index] = texts.get(event.delta.index, "") + event.delta.text
                    yield LmDelta(index=event.delta.index, text=event.delta.text)
                else:
                    final = _result(event.final.completions, texts, event.final.usage, event.final.model)
                    yield LmDelta(index=-1, text="", final=final)
        except grpc.aio.AioRpcError as exc:
            raise _error(exc) from exc
        finally:
            call.cancel()  # no-op when finished; frees the server slot when the caller leaves

    async def score(self, prompt: str, continuations: Sequence[str], *, adapter: str = "") -> list[LmScore]:
        """Continuation log-probabilities."""
        request = pb.ScoreRequest(prompt=prompt, continuations=list(continuations), adapter=adapter)
        try:
            response = await self._stub.Score(request, **self._call_args())
        except grpc.aio.AioRpcError as exc:
            raise _error(exc) from exc
        return [LmScore(s.index, s.logprob, s.num_tokens, s.mean_logprob) for s in response.scores]

    async def adapters(self) -> tuple[str, ...]:
        """Adapter names from GetModelInfo."""
        try:
            response = await self._stub.GetModelInfo(pb.GetModelInfoRequest(), **self._call_args())
        except grpc.aio.AioRpcError as exc:
            raise _error(exc) from exc
        return tuple(a.name for a in response.adapters)

    async def count_tokens(self, text: str) -> int:
        """Token count."""
        try:
            response = await self._stub.CountTokens(pb.CountTokensRequest(text=text), **self._call_args())
        except grpc.aio.AioRpcError as exc:
            raise _error(exc) from exc
        return int(response.token_count)


def _credentials(settings: LmClientSettings) -> grpc.ChannelCredentials | None:
    if not settings.lm_tls_ca:
        return None
    key = Path(settings.lm_tls_key).read_bytes() if settings.lm_tls_key else None
    cert = Path(settings.lm_tls_cert).read_bytes() if settings.lm_tls_cert else None
    return grpc.ssl_channel_credentials(Path(settings.lm_tls_ca).read_bytes(), key, cert)


def make_lm_client(settings: LmClientSettings) -> GrpcLmClient:
    """Builds the model-server client from a service's settings (TLS, mTLS, token, size limit)."""
    return GrpcLmClient(
        settings.lm_target,
        default_timeout=settings.lm_default_timeout_seconds,
        credentials=_credentials(settings),
        token=settings.lm_token,
        # Services' settings are ServerSettings too: one bound for what they serve and what they ask.
        max_message_bytes=getattr(settings, "max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES),
    )

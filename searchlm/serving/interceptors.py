"""Server interceptors: request context, metrics, and the one error mapping.

Order matters (outermost first): the request context must be bound before anything logs;
metrics must see the final status code, which the error interceptor sets by aborting.
"""

from __future__ import annotations

import asyncio
import hmac
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.message import DecodeError

from searchlm import context
from searchlm.errors import (
    DeadlineExceededError,
    InvalidRequestError,
    NotFoundError,
    NotReadyError,
    OverloadedError,
    UpstreamUnavailableError,
)
from searchlm.serving.metrics import GrpcMetrics
from searchlm.serving.ratelimit import TokenBuckets

_log = logging.getLogger(__name__)

REQUEST_ID_KEY = "x-request-id"

# Domain errors -> status codes. Looked up along the exception's MRO, so subclasses of a
# listed error map like their parent.
STATUS_BY_ERROR: dict[type[BaseException], grpc.StatusCode] = {
    InvalidRequestError: grpc.StatusCode.INVALID_ARGUMENT,
    OverloadedError: grpc.StatusCode.RESOURCE_EXHAUSTED,
    UpstreamUnavailableError: grpc.StatusCode.UNAVAILABLE,
    NotReadyError: grpc.StatusCode.UNAVAILABLE,
    DeadlineExceededError: grpc.StatusCode.DEADLINE_EXCEEDED,
    TimeoutError: grpc.StatusCode.DEADLINE_EXCEEDED,
    NotFoundError: grpc.StatusCode.NOT_FOUND,
}

Behavior = Callable[[Any, grpc.aio.ServicerContext], Any]

# Status details travel percent-encoded in a trailer (a Hangul syllable takes 9 bytes) and
# clients drop trailers over 8 KiB by default, which would turn a clean rejection into an
# opaque INTERNAL on their side; an error that quotes a huge input is cut to this.
MAX_DETAILS_CHARS = 500


def _details(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= MAX_DETAILS_CHARS else text[: MAX_DETAILS_CHARS - 1] + "…"


def _wrap(
    handler: grpc.RpcMethodHandler | None,
    unary: Callable[[Behavior], Behavior],
    stream: Callable[[Behavior], Behavior],
) -> grpc.RpcMethodHandler | None:
    """Returns a handler whose unary-response or streaming behaviour is wrapped."""
    if handler is None:
        return None
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(
            unary(handler.unary_unary),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(
            stream(handler.unary_stream),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    return handler  # client-streaming RPCs are not used by searchlm


async def _awaitable(result: Any) -> Any:
    """Lets sync behaviours (third-party servicers) pass through the async wrappers."""
    return await result if inspect.isawaitable(result) else result


async def _aiter(result: Any) -> AsyncIterator[Any]:
    """Streams from async generators; awaits behaviours that write through the context."""
    if inspect.isawaitable(result):
        await result
        return
    async for item in result:
        yield item


class _BehaviorInterceptor(grpc.aio.ServerInterceptor):
    """Base: wraps each RPC's behaviour with `around` (unary) or `around_stream`."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = self.prepare(await continuation(details))
        method = details.method
        metadata = dict(details.invocation_metadata or ())

        def unary(behavior: Behavior) -> Behavior:
            async def run(request: Any, ctx: grpc.aio.ServicerContext) -> Any:
                return await self.around(lambda: _awaitable(behavior(request, ctx)), ctx, method, metadata)

            return run

        def stream(behavior: Behavior) -> Behavior:
            # Must itself be an async generator function: grpc.aio inspects it to pick
            # how to drive the stream.
            async def run(request: Any, ctx: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
                async for item in self.around_stream(
                    lambda: _aiter(behavior(request, ctx)), ctx, method, metadata
                ):
                    yield item

            return run

        return _wrap(handler, unary, stream)  # type: ignore[return-value]

    def prepare(self, handler: grpc.RpcMethodHandler | None) -> grpc.RpcMethodHandler | None:
        """Hook to adjust the inner handler before its behaviour is wrapped."""
        return handler

    async def around(
        self,
        call: Callable[[], Awaitable[Any]],
        ctx: grpc.aio.ServicerContext,
        method: str,
        metadata: dict[str, Any],
    ) -> Any:
        return await call()

    async def around_stream(
        self,
        call: Callable[[], AsyncIterator[Any]],
        ctx: grpc.aio.ServicerContext,
        method: str,
        metadata: dict[str, Any],
    ) -> AsyncIterator[Any]:
        async for item in call():
            yield item


class RequestContextInterceptor(_BehaviorInterceptor):
    """Binds the caller's request id (or a new one) and deadline; echoes the id back."""

    def _bind(self, ctx: grpc.aio.ServicerContext, metadata: dict[str, Any]) -> None:
        rid = str(metadata.get(REQUEST_ID_KEY) or context.new_request_id())[:128]
        context.set_request(rid, ctx.time_remaining())
        ctx.set_trailing_metadata(((REQUEST_ID_KEY, rid),))

    async def around(self, call, ctx, method, metadata):  # type: ignore[no-untyped-def]
        self._bind(ctx, metadata)
        return await call()

    async def around_stream(self, call, ctx, method, metadata):  # type: ignore[no-untyped-def]
        self._bind(ctx, metadata)
        async for item in call():
            yield item


class MetricsInterceptor(_BehaviorInterceptor):
    """Counts RPCs by method and final status code, and times them."""

    def __init__(self, metrics: GrpcMetrics) -> None:
        self._metrics = metrics

    def _code(self, ctx: grpc.aio.ServicerContext, exc: BaseException | None) -> str:
        if isinstance(exc, asyncio.CancelledError):
            expired = (ctx.time_remaining() or 1.0) <= 0
            return "DEADLINE_EXCEEDED" if expired else "CANCELLED"
        code = ctx.code()
        if isinstance(code, grpc.StatusCode):
            return code.name
        return "UNKNOWN" if exc else "OK"

    async def around(self, call, ctx, method, metadata):  # type: ignore[no-untyped-def]
        start, exc = time.perf_counter(), None
        self._metrics.in_flight.labels(method).inc()
        try:
            return await call()
        except BaseException as e:
            exc = e
            raise
        finally:
            self._metrics.in_flight.labels(method).dec()
            self._metrics.observe(method, self._code(ctx, exc), time.perf_counter() - start)

    async def around_stream(self, call, ctx, method, metadata):  # type: ignore[no-untyped-def]
        start, exc = time.perf_counter(), None
        self._metrics.in_flight.labels(method).inc()
        try:
            async for item in call():
                yield item
        except BaseException as e:
            exc = e
            raise
        finally:
            self._metrics.in_flight.labels(method).dec()
            self._metrics.observe(method, self._code(ctx, exc), time.perf_counter() - start)


def status_for(exc: BaseException) -> grpc.StatusCode | None:
    """The status code mapped to a domain error, or None for unexpected errors."""
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return None


AUTH_KEY = "authorization"
CLIENT_ID_KEY = "x-client-id"
_EXEMPT_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


def parse_tokens(spec: str) -> dict[str, str]:
    """Parses `client_id:token,client_id:token` into {token: client_id}."""
    tokens: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        client, sep, token = item.partition(":")
        if not sep or not client or not token:
            raise ValueError("auth_tokens entries must look like client_id:token")
        tokens[token] = client
    return tokens


class AccessInterceptor(grpc.aio.ServerInterceptor):
    """Bearer-token authentication and per-client rate limiting, before any work is done.

    Without tokens configured every caller is accepted and identified by its advisory
    `x-client-id` header (or "anonymous"); with tokens the client id is the one bound to
    the token, compared in constant time. Over its rate a client gets RESOURCE_EXHAUSTED at
    once. Health and reflection can stay open because kubelet gRPC probes send no metadata.

    Args:
        tokens: {token: client_id}; empty disables authentication.
        buckets: Per-client rate limiter; None disables rate limiting.
        exempt_health: Let health and reflection through unchecked.
    """

    def __init__(
        self, tokens: dict[str, str], buckets: TokenBuckets | None, *, exempt_health: bool = True
    ) -> None:
        self._tokens = tokens
        self._buckets = buckets
        self._exempt = _EXEMPT_PREFIXES if exempt_health else ()

    def _client(self, metadata: dict[str, Any]) -> str | None:
        if not self._tokens:
            return str(metadata.get(CLIENT_ID_KEY) or "anonymous")[:64]
        scheme, _, token = str(metadata.get(AUTH_KEY, "")).partition(" ")
        if scheme.lower() != "bearer":
            return None
        for known, client in self._tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                return client
        return None

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        if details.method.startswith(self._exempt):
            return await continuation(details)
        client = self._client(dict(details.invocation_metadata or ()))
        if client is None:
            return _reject(grpc.StatusCode.UNAUTHENTICATED, "missing or unknown bearer token")
        if self._buckets is not None and not self._buckets.allow(client):
            _log.warning("rate limit exceeded", extra={"client_id": client, "method": details.method})
            return _reject(grpc.StatusCode.RESOURCE_EXHAUSTED, f"rate limit exceeded for client {client}")
        return await continuation(details)


def _reject(code: grpc.StatusCode, message: str) -> grpc.RpcMethodHandler:
    async def abort(request: Any, ctx: grpc.aio.ServicerContext) -> None:
        await ctx.abort(code, message)

    # Deserialising is skipped: an unauthenticated caller's bytes are never parsed.
    return grpc.unary_unary_rpc_method_handler(abort, request_deserializer=lambda data: None)


@dataclass(frozen=True)
class _Undecodable:
    """Stands in for a request whose bytes are not a valid message (e.g. bad UTF-8)."""

    type_name: str
    error: str


def _tolerant(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    if deserializer is None:
        return None

    def parse(data: bytes) -> Any:
        try:
            return deserializer(data)
        except DecodeError as exc:
            # Raising here would make gRPC answer UNKNOWN; the guard below answers
            # INVALID_ARGUMENT instead, through the normal error mapping.
            return _Undecodable(getattr(deserializer, "__qualname__", "request"), str(exc))

    return parse


def _guard(behavior: Behavior) -> Behavior:
    def run(request: Any, ctx: grpc.aio.ServicerContext) -> Any:
        if isinstance(request, _Undecodable):
            raise InvalidRequestError("request", f"not a valid protobuf message: {request.error}")
        return behavior(request, ctx)

    return run


def _guard_stream(behavior: Behavior) -> Behavior:
    async def run(request: Any, ctx: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        if isinstance(request, _Undecodable):
            raise InvalidRequestError("request", f"not a valid protobuf message: {request.error}")
        async for item in _aiter(behavior(request, ctx)):
            yield item

    return run


class ErrorInterceptor(_BehaviorInterceptor):
    """Maps domain errors to status codes; anything else is INTERNAL, logged, never sent.

    Tracebacks stay in the logs because they can carry prompts and internals; the caller
    gets the request id to quote instead. Requests that do not even parse (bad UTF-8 in a
    string field, corrupt wire format) get INVALID_ARGUMENT rather than gRPC's UNKNOWN.
    """

    def prepare(self, handler: grpc.RpcMethodHandler | None) -> grpc.RpcMethodHandler | None:
        """Swaps in a tolerant deserializer and a guard that rejects what it could not parse."""
        if handler is None or not (handler.unary_unary or handler.unary_stream):
            return handler
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                _guard(handler.unary_unary),
                request_deserializer=_tolerant(handler.request_deserializer),
                response_serializer=handler.response_serializer,
            )
        return grpc.unary_stream_rpc_method_handler(
            _guard_stream(handler.unary_stream),
            request_deserializer=_tolerant(handler.request_deserializer),
            response_serializer=handler.response_serializer,
        )

    async def _abort(self, ctx: grpc.aio.ServicerContext, exc: Exception, method: str) -> None:
        code = status_for(exc)
        if code is None:
            _log.exception("unhandled error in %s", method, exc_info=exc)
            await ctx.abort(grpc.StatusCode.INTERNAL, f"internal error (request id {context.request_id()})")
        level = logging.WARNING if code == grpc.StatusCode.RESOURCE_EXHAUSTED else logging.INFO
        details = _details(exc)
        _log.log(level, "%s -> %s: %s", method, code.name if code else "", details)
        await ctx.abort(code, details)  # type: ignore[arg-type]

    async def around(self, call, ctx, method, metadata):  # type: ignore[no-untyped-def]
        try:
            return await call()
        except grpc.aio.AbortError:
            raise
        except Exception as exc:
            await self._abort(ctx, exc, method)

    async def around_stream(self, call, ctx, method, metadata):  # type: ignore[no-untyped-def]
        try:
            async for item in call():
                yield item
        except grpc.aio.AbortError:
            raise
        except Exception as exc:
            await self._abort(ctx, exc, method)

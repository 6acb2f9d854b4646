"""Per-request context carried through asyncio tasks: request id and deadline.

The server interceptor sets both for every RPC; the model-server client reads them, so a
service's remaining deadline and request id reach the model server without domain code
passing them around (or ever seeing gRPC).
"""

from __future__ import annotations

import contextvars
import time
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("searchlm_request_id", default="")
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("searchlm_deadline", default=None)


def new_request_id() -> str:
    """A fresh random request id."""
    return uuid.uuid4().hex


def set_request(request_id: str, timeout: float | None) -> None:
    """Binds a request id and a relative timeout (seconds, None: none) to this task."""
    _request_id.set(request_id)
    _deadline.set(None if timeout is None else time.monotonic() + timeout)


def request_id() -> str:
    """The current request id, or an empty string outside a request."""
    return _request_id.get()


def remaining(default: float | None = None) -> float | None:
    """Seconds left until the caller's deadline (never negative), else `default`."""
    deadline = _deadline.get()
    if deadline is None:
        return default
    return max(0.0, deadline - time.monotonic())

"""Domain errors shared by every process.

Domain code raises these; the one error interceptor in `searchlm.serving.interceptors` maps
them to gRPC status codes. Nothing here knows about gRPC.
"""

from __future__ import annotations


class SearchlmError(Exception):
    """Base class of every error the suite raises on purpose."""


class InvalidRequestError(SearchlmError):
    """A request field is invalid. Maps to INVALID_ARGUMENT.

    Args:
        field: Dotted name of the offending field, e.g. ``sampling.top_p``.
        reason: What is wrong with it, for the caller.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class OverloadedError(SearchlmError):
    """The server cannot take more work now. Maps to RESOURCE_EXHAUSTED."""


class UpstreamUnavailableError(SearchlmError):
    """A dependency (model server, search backend) cannot be reached. Maps to UNAVAILABLE."""


class NotReadyError(SearchlmError):
    """The process is starting or draining. Maps to UNAVAILABLE."""


class DeadlineExceededError(SearchlmError):
    """The caller's deadline passed before the work finished. Maps to DEADLINE_EXCEEDED."""


class NotFoundError(SearchlmError):
    """A named resource (product id, index) does not exist. Maps to NOT_FOUND."""

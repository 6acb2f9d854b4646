"""Request validation: every failure names its field."""

from __future__ import annotations

from searchlm.errors import InvalidRequestError
from services.free_qa.types import QaRequest

MAX_QUESTION_CHARS = 512
MAX_PASSAGES = 20


def validate_request(request: QaRequest) -> QaRequest:
    """Checks a request; returns it with the question stripped.

    Raises:
        InvalidRequestError: ``question`` empty or over 512 characters; ``max_passages`` outside
            1..20 (0 means the server default).
    """
    question = request.question.strip()
    if not question:
        raise InvalidRequestError("question", "must not be empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidRequestError(
            "question", f"must be at most {MAX_QUESTION_CHARS} characters, got {len(question)}"
        )
    if request.max_passages != 0 and not 1 <= request.max_passages <= MAX_PASSAGES:
        raise InvalidRequestError(
            "max_passages", f"must be in 1..{MAX_PASSAGES} (0: server default), got {request.max_passages}"
        )
    return QaRequest(question=question, kind_hint=request.kind_hint, max_passages=request.max_passages)


def validate_top_k(top_k: int) -> int:
    """Checks the deprecated `top_k` alias under its own name (the caller set `top_k`, not
    `max_passages`, so an error must say so); returns it.

    Raises:
        InvalidRequestError: ``top_k`` outside 1..20.
    """
    if not 1 <= top_k <= MAX_PASSAGES:
        raise InvalidRequestError(
            "top_k", f"must be in 1..{MAX_PASSAGES} (deprecated: use max_passages), got {top_k}"
        )
    return top_k

"""A small gRPC client of FreeQaService for offline evaluation (`python -m eval qa --target`)."""

from __future__ import annotations

import grpc

from searchlm.free_qa.v1 import free_qa_service_pb2 as pb
from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as pb_grpc
from searchlm.serving.settings import DEFAULT_MAX_MESSAGE_BYTES, message_size_options
from services.free_qa.citations import strip_markers
from services.free_qa.types import PlainAnswer


class FreeQaClient:
    """Asks a live free_qa service, for offline evaluation.

    Args:
        target: host:port of the service.
        timeout: Seconds per question.
        max_message_bytes: Largest message sent or received (larger: RESOURCE_EXHAUSTED).
    """

    def __init__(
        self, target: str, *, timeout: float = 60.0, max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    ) -> None:
        self._channel = grpc.aio.insecure_channel(target, options=message_size_options(max_message_bytes))
        self._stub = pb_grpc.FreeQaServiceStub(self._channel)
        self._timeout = timeout

    async def answer(self, question: str) -> PlainAnswer:
        """Answers one question (its first 512 characters)."""
        request = pb.AnswerQuestionRequest(question=question[:512])
        reply = await self._stub.AnswerQuestion(request, timeout=self._timeout)
        no_answer = reply.abstained or reply.degraded
        return PlainAnswer(
            text=None if no_answer else strip_markers(reply.answer),
            retrieved_ids=tuple(reply.retrieved_passage_ids) or tuple(c.passage_id for c in reply.citations),
            abstained=reply.abstained,
            confidence=None if no_answer else reply.confidence,
        )

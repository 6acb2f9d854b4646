"""FreeQaService servicer: convert, call the pipeline (which validates), convert. Nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import grpc

from searchlm.free_qa.v1 import free_qa_service_pb2 as pb
from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as pb_grpc
from services.free_qa import convert
from services.free_qa.pipeline import QaPipeline


class FreeQaServicer(pb_grpc.FreeQaServiceServicer):
    """gRPC face of a `QaPipeline`.

    Args:
        pipeline: Returns the pipeline (it is loaded after the server binds, before SERVING).
    """

    def __init__(self, pipeline: Callable[[], QaPipeline]) -> None:
        self._pipeline = pipeline

    async def AnswerQuestion(
        self, request: pb.AnswerQuestionRequest, context: grpc.aio.ServicerContext
    ) -> pb.AnswerQuestionResponse:
        """Answers one question, or abstains, or degrades to the best passages."""
        answer = await self._pipeline().run(convert.qa_request(request))
        return convert.answer_response(answer)

    async def AnswerQuestionStream(
        self, request: pb.AnswerQuestionStreamRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.AnswerQuestionStreamResponse]:
        """Streams the answer text, then the whole answer."""
        async for delta in self._pipeline().stream(convert.qa_request(request)):
            yield convert.stream_response(delta)

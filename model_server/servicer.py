"""ModelService servicer: validate, convert, call the runtime, convert. Nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from model_server import convert
from model_server.runtime import ModelRuntime
from searchlm.model.v1 import model_service_pb2 as pb
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc


class ModelServicer(pb_grpc.ModelServiceServicer):
    """gRPC face of a `ModelRuntime`."""

    def __init__(self, runtime: ModelRuntime) -> None:
        self._runtime = runtime

    async def Generate(
        self, request: pb.GenerateRequest, context: grpc.aio.ServicerContext
    ) -> pb.GenerateResponse:
        """Unary generation."""
        domain = convert.generation_request(request, self._runtime.limits)
        result = await self._runtime.generate(domain)
        return convert.generate_response(result, self._runtime.info.model)

    async def GenerateStream(
        self, request: pb.GenerateStreamRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.GenerateStreamResponse]:
        """Streaming generation: deltas, then a final message."""
        domain = convert.generation_request(request, self._runtime.limits)
        async for event in self._runtime.generate_stream(domain):
            yield convert.stream_event(event, self._runtime.info.model)

    async def Score(self, request: pb.ScoreRequest, context: grpc.aio.ServicerContext) -> pb.ScoreResponse:
        """Continuation log-probabilities."""
        prompt_tokens, scores = await self._runtime.score(
            request.prompt, list(request.continuations), adapter=request.adapter
        )
        return convert.score_response(prompt_tokens, scores)

    async def CountTokens(
        self, request: pb.CountTokensRequest, context: grpc.aio.ServicerContext
    ) -> pb.CountTokensResponse:
        """Token count with the served tokenizer."""
        count = self._runtime.count_tokens(request.text)
        return pb.CountTokensResponse(token_count=count, context_length=self._runtime.info.context_length)

    async def GetModelInfo(
        self, request: pb.GetModelInfoRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetModelInfoResponse:
        """Served model description."""
        return convert.model_info(self._runtime.info, self._runtime.limits)

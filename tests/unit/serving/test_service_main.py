"""The services' shared start-up: the port and health come first, NOT_SERVING while loading."""

from __future__ import annotations

import asyncio
import socket
from contextlib import AsyncExitStack

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from searchlm.null_query.v1 import null_query_service_pb2 as pb
from searchlm.null_query.v1 import null_query_service_pb2_grpc as pb_grpc
from searchlm.serving.main import ServiceApp, run_service
from services.null_query.servicer import NullQueryServicer
from services.null_query.settings import NullQuerySettings
from services.null_query.types import RewriteRequest, RewriteResult


class _Pipeline:
    async def run(self, request: RewriteRequest) -> RewriteResult:
        return RewriteResult(is_null=False, hits=7)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _health(channel: grpc.aio.Channel) -> int:
    reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
    return int(reply.status)


async def _until_bound(channel: grpc.aio.Channel) -> None:
    for _ in range(200):
        try:
            await _health(channel)
            return
        except grpc.aio.AioRpcError:
            await asyncio.sleep(0.05)
    raise AssertionError("the server never bound its port")


async def test_health_is_not_serving_and_calls_unavailable_until_the_pipeline_loads() -> None:
    loaded, closed, stop = asyncio.Event(), [], asyncio.Event()

    async def load(resources: AsyncExitStack) -> _Pipeline:
        resources.callback(closed.append, "resources")
        await loaded.wait()
        return _Pipeline()

    app = ServiceApp(
        component="demo",
        service_name="searchlm.null_query.v1.NullQueryService",
        add_to_server=pb_grpc.add_NullQueryServiceServicer_to_server,
        make_servicer=lambda get: NullQueryServicer(
            get, default_max_rewrites=3, max_batch=4, batch_concurrency=1
        ),
        load=load,
    )
    port = _free_port()
    settings = NullQuerySettings(port=port, metrics_port=-1, json_logs=False, grace_seconds=1)
    task = asyncio.create_task(run_service(app, settings, stop=stop))  # type: ignore[arg-type]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        await _until_bound(channel)
        assert await _health(channel) == health_pb2.HealthCheckResponse.NOT_SERVING
        stub = pb_grpc.NullQueryServiceStub(channel)
        try:
            await stub.RewriteQuery(pb.RewriteQueryRequest(query="삼성"), timeout=2)
            raise AssertionError("a call while loading must fail")
        except grpc.aio.AioRpcError as exc:
            assert exc.code() == grpc.StatusCode.UNAVAILABLE
        loaded.set()
        for _ in range(100):
            if await _health(channel) == health_pb2.HealthCheckResponse.SERVING:
                break
            await asyncio.sleep(0.05)
        reply = await stub.RewriteQuery(pb.RewriteQueryRequest(query="삼성"), timeout=2)
        assert reply.original_hit_count == 7 and reply.has_results and not reply.is_null
    stop.set()
    await asyncio.wait_for(task, 10)
    assert closed == ["resources"]

"""`python -m services.null_query`: read settings, build backend, LM client and pipeline, serve."""

from __future__ import annotations

import asyncio

from prometheus_client import CollectorRegistry

from searchlm.lm.grpc_client import make_lm_client
from searchlm.null_query.v1 import null_query_service_pb2_grpc as pb_grpc
from searchlm.serving.logs import configure_logging
from searchlm.serving.server import Lifecycle, ServiceBinding, serve
from services.null_query.factory import build_backend, build_pipeline
from services.null_query.servicer import NullQueryServicer
from services.null_query.settings import NullQuerySettings

SERVICE_NAME = "searchlm.null_query.v1.NullQueryService"


async def main(settings: NullQuerySettings | None = None) -> None:
    """Runs the null_query service until SIGTERM."""
    settings = settings or NullQuerySettings()
    configure_logging(settings.log_level, json_logs=settings.json_logs)
    backend = await build_backend(settings)
    client = make_lm_client(settings) if settings.lm_enabled else None
    pipeline = build_pipeline(settings, backend, client)
    servicer = NullQueryServicer(
        pipeline,
        default_max_rewrites=settings.default_max_rewrites,
        max_batch=settings.max_batch,
        batch_concurrency=settings.batch_concurrency,
    )
    binding = ServiceBinding(
        SERVICE_NAME, lambda server: pb_grpc.add_NullQueryServiceServicer_to_server(servicer, server)
    )

    async def shutdown() -> None:
        await backend.close()
        if client is not None:
            await client.close()

    async def drain() -> None:
        return None

    lifecycle = Lifecycle(startup=pipeline.start, drain=drain, shutdown=shutdown)
    await serve(
        component="null_query",
        settings=settings,
        bindings=[binding],
        lifecycle=lifecycle,
        registry=CollectorRegistry(),
    )


if __name__ == "__main__":
    asyncio.run(main())

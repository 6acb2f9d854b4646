"""`python -m services.null_query`: bind, report NOT_SERVING, load the pipeline, serve."""

from __future__ import annotations

import asyncio

from searchlm.null_query.v1 import null_query_service_pb2_grpc as pb_grpc
from searchlm.serving.main import ServiceApp, run_service
from services.null_query import factory
from services.null_query.servicer import NullQueryServicer
from services.null_query.settings import NullQuerySettings


def app(settings: NullQuerySettings) -> ServiceApp[factory.NullQueryPipeline]:
    """The service's start-up: servicer around the pipeline the factory loads."""
    return ServiceApp(
        component="null_query",
        service_name="searchlm.null_query.v1.NullQueryService",
        add_to_server=pb_grpc.add_NullQueryServiceServicer_to_server,
        make_servicer=lambda pipeline: NullQueryServicer(
            pipeline,
            default_max_rewrites=settings.default_max_rewrites,
            max_batch=settings.max_batch,
            batch_concurrency=settings.batch_concurrency,
        ),
        load=lambda resources: factory.load(settings, resources),
    )


async def main(settings: NullQuerySettings | None = None) -> None:
    """Runs the null_query service until SIGTERM."""
    settings = settings or NullQuerySettings()
    await run_service(app(settings), settings)


if __name__ == "__main__":
    asyncio.run(main())

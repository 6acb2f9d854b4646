"""`python -m services.review_summary`: read settings, build the pipeline, serve."""

from __future__ import annotations

import asyncio

from prometheus_client import CollectorRegistry

from searchlm.lm.grpc_client import make_lm_client
from searchlm.review_summary.v1 import review_summary_service_pb2_grpc as pb_grpc
from searchlm.serving.logs import configure_logging
from searchlm.serving.server import Lifecycle, ServiceBinding, serve
from services.review_summary.factory import build_pipeline
from services.review_summary.servicer import ReviewSummaryServicer
from services.review_summary.settings import ReviewSummarySettings

SERVICE_NAME = "searchlm.review_summary.v1.ReviewSummaryService"


async def main(settings: ReviewSummarySettings | None = None) -> None:
    """Runs the review_summary service until SIGTERM."""
    settings = settings or ReviewSummarySettings()
    configure_logging(settings.log_level, json_logs=settings.json_logs)
    client = make_lm_client(settings)
    # Kiwi, e5 and the NLI model load here, before the port file and health appear.
    pipeline = build_pipeline(settings, client, asyncio.get_running_loop())
    servicer = ReviewSummaryServicer(pipeline)
    binding = ServiceBinding(
        SERVICE_NAME, lambda server: pb_grpc.add_ReviewSummaryServiceServicer_to_server(servicer, server)
    )

    async def nothing() -> None:
        return None

    async def shutdown() -> None:
        await client.close()

    lifecycle = Lifecycle(startup=nothing, drain=nothing, shutdown=shutdown)
    await serve(
        component="review_summary",
        settings=settings,
        bindings=[binding],
        lifecycle=lifecycle,
        registry=CollectorRegistry(),
    )


if __name__ == "__main__":
    asyncio.run(main())

"""`python -m services.review_summary`: bind, report NOT_SERVING, load the pipeline, serve."""

from __future__ import annotations

import asyncio

from searchlm.review_summary.v1 import review_summary_service_pb2_grpc as pb_grpc
from searchlm.serving.main import ServiceApp, run_service
from services.review_summary import factory
from services.review_summary.servicer import ReviewSummaryServicer
from services.review_summary.settings import ReviewSummarySettings


def app(settings: ReviewSummarySettings) -> ServiceApp[factory.ReviewSummaryPipeline]:
    """The service's start-up: servicer around the pipeline the factory loads."""
    return ServiceApp(
        component="review_summary",
        service_name="searchlm.review_summary.v1.ReviewSummaryService",
        add_to_server=pb_grpc.add_ReviewSummaryServiceServicer_to_server,
        make_servicer=ReviewSummaryServicer,
        load=lambda resources: factory.load(settings, resources),
    )


async def main(settings: ReviewSummarySettings | None = None) -> None:
    """Runs the review_summary service until SIGTERM."""
    settings = settings or ReviewSummarySettings()
    await run_service(app(settings), settings)


if __name__ == "__main__":
    asyncio.run(main())

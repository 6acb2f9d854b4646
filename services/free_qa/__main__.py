"""`python -m services.free_qa`: bind, report NOT_SERVING, load the pipeline (building the demo
index on first start), serve."""

from __future__ import annotations

import asyncio

from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as pb_grpc
from searchlm.serving.main import ServiceApp, run_service
from services.free_qa import factory
from services.free_qa.servicer import FreeQaServicer
from services.free_qa.settings import FreeQaSettings


def app(settings: FreeQaSettings) -> ServiceApp[factory.QaPipeline]:
    """The service's start-up: servicer around the pipeline the factory loads."""
    return ServiceApp(
        component="free_qa",
        service_name="searchlm.free_qa.v1.FreeQaService",
        add_to_server=pb_grpc.add_FreeQaServiceServicer_to_server,
        make_servicer=FreeQaServicer,
        load=lambda resources: factory.load(settings, resources),
    )


async def main(settings: FreeQaSettings | None = None) -> None:
    """Runs free_qa until SIGTERM."""
    settings = settings or FreeQaSettings()
    await run_service(app(settings), settings)


if __name__ == "__main__":
    asyncio.run(main())

"""`python -m services.free_qa`: build the demo index if needed, load the pipeline, serve."""

from __future__ import annotations

import asyncio

from prometheus_client import CollectorRegistry

from searchlm.errors import NotReadyError
from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as pb_grpc
from searchlm.lm.grpc_client import make_lm_client
from searchlm.serving.logs import configure_logging
from searchlm.serving.server import Lifecycle, ServiceBinding, serve
from services.free_qa.build import build_pipeline
from services.free_qa.pipeline import QaPipeline
from services.free_qa.servicer import FreeQaServicer
from services.free_qa.settings import FreeQaSettings

SERVICE_NAME = "searchlm.free_qa.v1.FreeQaService"


class _PipelineSlot:
    """The pipeline, loaded in `startup`: health stays NOT_SERVING until it is set."""

    def __init__(self) -> None:
        self.pipeline: QaPipeline | None = None

    def get(self) -> QaPipeline:
        if self.pipeline is None:
            raise NotReadyError("free_qa is still loading its index")
        return self.pipeline


async def main(settings: FreeQaSettings | None = None) -> None:
    """Runs free_qa until SIGTERM."""
    settings = settings or FreeQaSettings()
    configure_logging(settings.log_level, json_logs=settings.json_logs)
    lm = make_lm_client(settings)
    slot = _PipelineSlot()
    servicer = FreeQaServicer(slot.get)

    async def startup() -> None:
        # index, embedder and NLI model take seconds to load (the demo index minutes to build)
        slot.pipeline = await asyncio.to_thread(build_pipeline, settings, lm)

    async def drain() -> None:
        return None

    binding = ServiceBinding(
        SERVICE_NAME, lambda server: pb_grpc.add_FreeQaServiceServicer_to_server(servicer, server)
    )
    await serve(
        component="free_qa",
        settings=settings,
        bindings=[binding],
        lifecycle=Lifecycle(startup=startup, drain=drain, shutdown=lm.close),
        registry=CollectorRegistry(),
    )


if __name__ == "__main__":
    asyncio.run(main())

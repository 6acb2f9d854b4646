"""`python -m model_server`: read settings, build engine and runtime, serve."""

from __future__ import annotations

import asyncio

from prometheus_client import CollectorRegistry

from model_server.engines import load_engine_class
from model_server.metrics import ModelServerMetrics
from model_server.runtime import ModelRuntime
from model_server.servicer import ModelServicer
from model_server.settings import ModelServerSettings
from model_server.validation import Limits
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc
from searchlm.serving.logs import configure_logging
from searchlm.serving.server import Lifecycle, ServiceBinding, serve

SERVICE_NAME = "searchlm.model.v1.ModelService"


def build_runtime(settings: ModelServerSettings, registry: CollectorRegistry) -> ModelRuntime:
    """Wires engine, limits and metrics from settings."""
    engine = load_engine_class(settings.engine).from_settings(settings)
    limits = Limits(
        max_tokens_limit=settings.max_tokens_limit,
        default_max_tokens=settings.default_max_tokens,
        max_candidates=settings.max_candidates,
        max_stop_sequences=settings.max_stop_sequences,
        max_stop_length=settings.max_stop_length,
        max_continuations=settings.max_continuations,
        max_choices=settings.max_choices,
    )
    return ModelRuntime(
        engine=engine, limits=limits, max_waiting=settings.max_waiting, observer=ModelServerMetrics(registry)
    )


async def main(settings: ModelServerSettings | None = None) -> None:
    """Runs the model server until SIGTERM."""
    settings = settings or ModelServerSettings()
    configure_logging(settings.log_level, json_logs=settings.json_logs)
    registry = CollectorRegistry()
    runtime = build_runtime(settings, registry)
    servicer = ModelServicer(runtime)
    binding = ServiceBinding(
        SERVICE_NAME, lambda server: pb_grpc.add_ModelServiceServicer_to_server(servicer, server)
    )
    lifecycle = Lifecycle(startup=runtime.start, drain=runtime.drain, shutdown=runtime.stop)
    await serve(
        component="model_server",
        settings=settings,
        bindings=[binding],
        lifecycle=lifecycle,
        registry=registry,
    )


if __name__ == "__main__":
    asyncio.run(main())

"""The one start-up of the three services: bind, health NOT_SERVING, load the pipeline, SERVING.

Each service's `__main__` declares a `ServiceApp` (its proto service, how to build its servicer
around a pipeline getter, and its factory's `load`) and calls `run_service`. The port and health
come up first, so Kubernetes probes see NOT_SERVING (not a refused connection) while Kiwi, the
embedder, the NLI model or an index load; a call that arrives meanwhile gets UNAVAILABLE.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import grpc
from prometheus_client import CollectorRegistry

from searchlm.errors import NotReadyError
from searchlm.serving.logs import configure_logging
from searchlm.serving.server import Lifecycle, ServiceBinding, serve
from searchlm.serving.settings import ServerSettings

P = TypeVar("P")


class PipelineSlot(Generic[P]):
    """The pipeline once loaded; until then `get` raises `NotReadyError` (UNAVAILABLE)."""

    def __init__(self, component: str) -> None:
        self._component = component
        self._pipeline: P | None = None

    def set(self, pipeline: P) -> None:
        """Makes the loaded pipeline available to the servicer."""
        self._pipeline = pipeline

    def get(self) -> P:
        """The pipeline.

        Raises:
            NotReadyError: still loading.
        """
        if self._pipeline is None:
            raise NotReadyError(f"{self._component} is still loading")
        return self._pipeline


@dataclass(frozen=True)
class ServiceApp(Generic[P]):
    """What differs between the services' start-ups.

    Attributes:
        component: Process name for logs ("free_qa").
        service_name: Full proto service name, for health and reflection.
        add_to_server: The generated `add_XxxServicer_to_server`.
        make_servicer: Builds the servicer around a pipeline getter.
        load: The factory's loader: builds the pipeline (slow), registering what must be
            closed at shutdown on the exit stack.
    """

    component: str
    service_name: str
    add_to_server: Callable[[Any, grpc.aio.Server], None]
    make_servicer: Callable[[Callable[[], P]], Any]
    load: Callable[[AsyncExitStack], Awaitable[P]]


async def run_service(
    app: ServiceApp[P], settings: ServerSettings, *, stop: asyncio.Event | None = None
) -> None:
    """Serves `app` until SIGTERM (or `stop`): bind and report NOT_SERVING, load, then SERVING;
    drain on exit."""
    configure_logging(settings.log_level, json_logs=settings.json_logs)
    slot: PipelineSlot[P] = PipelineSlot(app.component)
    servicer = app.make_servicer(slot.get)
    resources = AsyncExitStack()

    async def startup() -> None:
        slot.set(await app.load(resources))

    async def drain() -> None:
        return None  # the services hold no queue of their own: in-flight RPCs finish in the grace

    binding = ServiceBinding(app.service_name, lambda server: app.add_to_server(servicer, server))
    await serve(
        component=app.component,
        settings=settings,
        bindings=[binding],
        lifecycle=Lifecycle(startup=startup, drain=drain, shutdown=resources.aclose),
        registry=CollectorRegistry(),
        stop=stop,
    )

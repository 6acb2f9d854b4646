"""One server bootstrap for all four processes.

gRPC aio server with health (NOT_SERVING until `startup` finished), reflection, Prometheus
metrics on an HTTP port, request-id / metrics / error interceptors, optional (m)TLS, and a
graceful drain on SIGTERM: health turns NOT_SERVING first, new RPCs are refused, in-flight
ones get `grace_seconds` to finish.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from prometheus_client import CollectorRegistry, start_http_server

from searchlm.serving.interceptors import (
    AccessInterceptor,
    ErrorInterceptor,
    MetricsInterceptor,
    RequestContextInterceptor,
    parse_tokens,
)
from searchlm.serving.metrics import GrpcMetrics
from searchlm.serving.ratelimit import TokenBuckets
from searchlm.serving.settings import ServerSettings, message_size_options

_log = logging.getLogger(__name__)

_CHANNEL_OPTIONS = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.http2.max_pings_without_data", 0),
    ("grpc.keepalive_permit_without_calls", 1),
    # Clients reconnect (and so re-resolve DNS) at least this often, so new pods behind a
    # headless Service get traffic; the grace lets in-flight calls on the old one finish.
    ("grpc.max_connection_age_ms", 300_000),
    ("grpc.max_connection_age_grace_ms", 60_000),
]


@dataclass(frozen=True)
class ServiceBinding:
    """A servicer to serve: its full proto name and how to add it to a server."""

    name: str
    add: Callable[[grpc.aio.Server], None]


@dataclass(frozen=True)
class Lifecycle:
    """Hooks around serving: load before SERVING, refuse new work on drain, free at the end."""

    startup: Callable[[], Awaitable[None]]
    drain: Callable[[], Awaitable[None]]
    shutdown: Callable[[], Awaitable[None]]


def _credentials(settings: ServerSettings) -> grpc.ServerCredentials | None:
    if not (settings.tls_cert and settings.tls_key):
        return None
    pair = (Path(settings.tls_key).read_bytes(), Path(settings.tls_cert).read_bytes())
    ca = Path(settings.tls_client_ca).read_bytes() if settings.tls_client_ca else None
    return grpc.ssl_server_credentials([pair], root_certificates=ca, require_client_auth=ca is not None)


def _bind(server: grpc.aio.Server, settings: ServerSettings) -> int:
    address = f"{settings.host}:{settings.port}"
    creds = _credentials(settings)
    port = server.add_secure_port(address, creds) if creds else server.add_insecure_port(address)
    if port == 0:
        raise RuntimeError(f"could not bind {address}")
    return port


def _start_metrics(settings: ServerSettings, registry: CollectorRegistry) -> tuple[object | None, int]:
    if settings.metrics_port < 0:
        return None, -1
    result = start_http_server(settings.metrics_port, addr=settings.host, registry=registry)
    http_server = result[0] if isinstance(result, tuple) else result
    return http_server, int(getattr(http_server, "server_port", settings.metrics_port))


async def _set_all(servicer: health.aio.HealthServicer, names: Sequence[str], status: int) -> None:
    for name in ("", *names):
        await servicer.set(name, status)


def _install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


def _interceptors(settings: ServerSettings, registry: CollectorRegistry) -> list[grpc.aio.ServerInterceptor]:
    chain: list[grpc.aio.ServerInterceptor] = []
    buckets = (
        TokenBuckets(rate=settings.rate_limit_per_client, burst=settings.rate_limit_burst)
        if settings.rate_limit_per_client > 0
        else None
    )
    if settings.auth_tokens or buckets:
        tokens = parse_tokens(settings.auth_tokens)
        chain.append(AccessInterceptor(tokens, buckets, exempt_health=settings.auth_exempt_health))
    return [
        *chain,
        RequestContextInterceptor(),
        MetricsInterceptor(GrpcMetrics(registry)),
        ErrorInterceptor(),
    ]


def _build_server(settings: ServerSettings, registry: CollectorRegistry) -> grpc.aio.Server:
    return grpc.aio.server(
        interceptors=_interceptors(settings, registry),
        options=[*_CHANNEL_OPTIONS, *message_size_options(settings.max_message_bytes)],
        maximum_concurrent_rpcs=settings.max_concurrent_rpcs,
    )


async def serve(
    *,
    component: str,
    settings: ServerSettings,
    bindings: Sequence[ServiceBinding],
    lifecycle: Lifecycle,
    registry: CollectorRegistry,
    stop: asyncio.Event | None = None,
) -> None:
    """Serves until SIGTERM/SIGINT (or `stop` is set), then drains.

    Args:
        component: Process name for logs.
        settings: Network and drain settings.
        bindings: Servicers to serve.
        lifecycle: Startup, drain and shutdown hooks.
        registry: Prometheus registry served on the metrics port.
        stop: Optional external stop event (tests); signals set it too.
    """
    stop = stop or asyncio.Event()
    server = _build_server(settings, registry)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = [b.name for b in bindings]
    for binding in bindings:
        binding.add(server)
    await _set_all(health_servicer, names, health_pb2.HealthCheckResponse.NOT_SERVING)
    reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    port = _bind(server, settings)
    await server.start()
    metrics_server, metrics_port = _start_metrics(settings, registry)
    _install_signal_handlers(stop)
    _log.info("%s listening", component, extra={"grpc_port": port, "metrics_port": metrics_port})
    try:
        await lifecycle.startup()
        await _set_all(health_servicer, names, health_pb2.HealthCheckResponse.SERVING)
        _write_port_file(settings.port_file, port, metrics_port)
        _log.info("%s serving", component, extra={"grpc_port": port})
        await stop.wait()
    finally:
        await _drain(component, server, health_servicer, names, lifecycle, settings.grace_seconds)
        if metrics_server is not None:
            metrics_server.shutdown()  # type: ignore[attr-defined]


async def _drain(
    component: str,
    server: grpc.aio.Server,
    health_servicer: health.aio.HealthServicer,
    names: Sequence[str],
    lifecycle: Lifecycle,
    grace: float,
) -> None:
    _log.info("%s draining", component, extra={"grace_seconds": grace})
    await _set_all(health_servicer, names, health_pb2.HealthCheckResponse.NOT_SERVING)
    await lifecycle.drain()
    await server.stop(grace)
    await lifecycle.shutdown()
    _log.info("%s stopped", component)


def _write_port_file(path: str, port: int, metrics_port: int) -> None:
    if path:
        tmp = Path(path + ".tmp")
        tmp.write_text(json.dumps({"grpc_port": port, "metrics_port": metrics_port}))
        tmp.replace(path)  # atomic, so a poller never reads half a file

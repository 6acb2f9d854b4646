"""Prometheus metrics common to every gRPC server."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class GrpcMetrics:
    """RPC counts by method and status code, latency, and RPCs in flight.

    Args:
        registry: The process registry served on the metrics port (one per server, so
            several servers can live in one test process).
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "searchlm_grpc_requests",
            "RPCs finished, by method and status code",
            ["method", "code"],
            registry=registry,
        )
        self.latency = Histogram(
            "searchlm_grpc_request_seconds",
            "RPC wall time",
            ["method"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.in_flight = Gauge("searchlm_grpc_in_flight", "RPCs being handled", ["method"], registry=registry)

    def observe(self, method: str, code: str, seconds: float) -> None:
        """Records one finished RPC."""
        self.requests.labels(method, code).inc()
        self.latency.labels(method).observe(seconds)

"""Settings shared by every server process (each process adds its own fields and prefix)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

# 16 MiB: the largest legitimate request (200 reviews of 5,000 Hangul syllables, 3 MB on the
# wire) with room to spare, yet a bound on what one call can make a process buffer.
DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024


def message_size_options(max_bytes: int) -> list[tuple[str, int]]:
    """gRPC channel/server options bounding messages both ways (larger: RESOURCE_EXHAUSTED)."""
    return [("grpc.max_receive_message_length", max_bytes), ("grpc.max_send_message_length", max_bytes)]


class ServerSettings(BaseSettings):
    """Network, TLS, drain and logging settings of one gRPC server.

    Subclasses set `env_prefix` to `SEARCHLM_<COMPONENT>_`.
    """

    model_config = SettingsConfigDict(use_attribute_docstrings=True, extra="ignore")

    host: str = "127.0.0.1"
    """Address to bind gRPC and metrics on (0.0.0.0 in containers)."""
    port: int = 50051
    """gRPC port; 0 picks a free one (written to port_file)."""
    metrics_port: int = 9090
    """Prometheus /metrics HTTP port; 0 picks a free one, -1 disables."""
    port_file: str = ""
    """If set, the bound ports are written here as JSON once serving (for tests and scripts)."""
    grace_seconds: float = 20.0
    """On SIGTERM, how long in-flight RPCs may take to finish."""
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    """Largest gRPC message received or sent, in bytes; a larger one gets RESOURCE_EXHAUSTED."""
    max_concurrent_rpcs: int = 1024
    """RPCs handled at once; beyond it gRPC answers RESOURCE_EXHAUSTED."""
    tls_cert: str = ""
    """PEM server certificate; with tls_key enables TLS."""
    tls_key: str = ""
    """PEM private key of tls_cert."""
    tls_client_ca: str = ""
    """PEM CA bundle; when set, clients must present a certificate it signed (mTLS)."""
    auth_tokens: str = ""
    """Comma-separated `client_id:token` pairs; if set, callers send `authorization: Bearer <token>`."""
    auth_exempt_health: bool = True
    """Let health checks and reflection through without a token (kubelet probes carry none)."""
    rate_limit_per_client: float = 0.0
    """Requests per second each client may make (token bucket); 0 disables."""
    rate_limit_burst: float = 20.0
    """Token-bucket capacity per client: requests it may make at once."""
    log_level: str = "INFO"
    """Root log level."""
    json_logs: bool = True
    """Structured JSON log lines (false: plain text for a terminal)."""

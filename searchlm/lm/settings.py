"""Model-server client settings shared by the three services (mixed into their settings)."""

from __future__ import annotations

from pathlib import Path

import grpc
from pydantic import BaseModel, ConfigDict

from searchlm.lm.grpc_client import GrpcLmClient


class LmClientSettings(BaseModel):
    """How a service reaches the model server. Fields read with the service's own prefix,
    e.g. SEARCHLM_NULL_QUERY_LM_TARGET."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    lm_target: str = "127.0.0.1:50051"
    """Model server gRPC target; use dns:///<headless service>:50051 in Kubernetes."""
    lm_timeout_seconds: float = 30.0
    """Deadline for model-server calls when the caller sent none."""
    lm_token: str = ""
    """Bearer token for a model server that requires one."""
    lm_tls_ca: str = ""
    """PEM CA that signed the model server's certificate; enables TLS."""
    lm_tls_cert: str = ""
    """PEM client certificate for mTLS to the model server."""
    lm_tls_key: str = ""
    """PEM key of lm_tls_cert."""


def _credentials(settings: LmClientSettings) -> grpc.ChannelCredentials | None:
    if not settings.lm_tls_ca:
        return None
    key = Path(settings.lm_tls_key).read_bytes() if settings.lm_tls_key else None
    cert = Path(settings.lm_tls_cert).read_bytes() if settings.lm_tls_cert else None
    return grpc.ssl_channel_credentials(Path(settings.lm_tls_ca).read_bytes(), key, cert)


def make_lm_client(settings: LmClientSettings) -> GrpcLmClient:
    """Builds the model-server client from a service's settings."""
    return GrpcLmClient(
        settings.lm_target,
        default_timeout=settings.lm_timeout_seconds,
        credentials=_credentials(settings),
        token=settings.lm_token,
    )

"""Model-server client settings shared by the three services (mixed into their settings)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class LmClientSettings(BaseModel):
    """How a service reaches the model server. Fields are read with the service's own prefix,
    e.g. SEARCHLM_NULL_QUERY_LM_TARGET. Build the client with
    `searchlm.lm.grpc_client.make_lm_client(settings)`."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    lm_target: str = "127.0.0.1:50051"
    """Model server gRPC target; use dns:///<headless service>:50051 in Kubernetes."""
    lm_default_timeout_seconds: float = 30.0
    """Deadline for model-server calls when the caller sent none."""
    lm_token: str = ""
    """Bearer token for a model server that requires one."""
    lm_tls_ca: str = ""
    """PEM CA that signed the model server's certificate; enables TLS."""
    lm_tls_cert: str = ""
    """PEM client certificate for mTLS to the model server."""
    lm_tls_key: str = ""
    """PEM key of lm_tls_cert."""

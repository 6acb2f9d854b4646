"""How services reach the model server: the `LmClient` protocol and its gRPC implementation."""

from searchlm.lm.types import LmClient, LmCompletion, LmDelta, LmResult, LmSampling, LmScore

__all__ = ["LmClient", "LmCompletion", "LmDelta", "LmResult", "LmSampling", "LmScore"]

"""Extension points for predictions from live code: not available yet.

When a service lands, replace the body of the matching factory: for
``inprocess`` build its pipeline and wrap it in an object with an async
``predict(item)`` (see :mod:`eval.predictors.protocols`); for ``grpc`` wrap the
service's client (never its servicer) the same way. Tasks already call
predictors through :func:`eval.concurrency.bounded_map` with ``--concurrency``.
"""

from __future__ import annotations

from typing import NoReturn

from eval.errors import PredictorUnavailableError
from eval.predictors import PredictorRequest


def build_inprocess_predictor(request: PredictorRequest) -> NoReturn:
    """Source factory registered as ``inprocess`` (not implemented yet)."""
    raise PredictorUnavailableError(
        f"not available yet: service {request.service} not implemented "
        f"(in-process source for {request.kind!r}; use --source file with --predictions)"
    )


def build_grpc_predictor(request: PredictorRequest) -> NoReturn:
    """Source factory registered as ``grpc`` (not implemented yet)."""
    target = request.target or "<no --target>"
    raise PredictorUnavailableError(
        f"not available yet: service {request.service} not implemented "
        f"(gRPC source at {target}; use --source file with --predictions)"
    )

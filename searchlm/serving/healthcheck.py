"""`python -m searchlm.serving.healthcheck`: exit 0 when a gRPC server reports SERVING.

A tiny grpc.health.v1 client for container health checks (Docker HEALTHCHECK, and
Kubernetes exec probes where the kubelet's native gRPC probe cannot be used because the
server requires TLS client certificates). Exit codes: 0 SERVING, 1 anything else
(NOT_SERVING, unknown service, unreachable, timeout), 2 bad arguments.

    python -m searchlm.serving.healthcheck --address 127.0.0.1:50051
    python -m searchlm.serving.healthcheck --address 127.0.0.1:50052 --tls-ca ca.crt \\
        --tls-cert tls.crt --tls-key tls.key --server-name null-query-headless
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m searchlm.serving.healthcheck", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--address", default="127.0.0.1:50051", help="host:port of the gRPC server")
    parser.add_argument("--service", default="", help='health service name ("" = the whole server)')
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds before giving up")
    parser.add_argument(
        "--tls-ca", default="", help="PEM CA that signed the server certificate (enables TLS)"
    )
    parser.add_argument("--tls-cert", default="", help="PEM client certificate (mTLS)")
    parser.add_argument("--tls-key", default="", help="PEM key of --tls-cert")
    parser.add_argument("--server-name", default="", help="name to verify the server certificate against")
    return parser


def _read(path: str) -> bytes | None:
    return Path(path).read_bytes() if path else None


def _channel(args: argparse.Namespace) -> grpc.Channel:
    if not args.tls_ca:
        return grpc.insecure_channel(args.address)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=_read(args.tls_ca),
        private_key=_read(args.tls_key),
        certificate_chain=_read(args.tls_cert),
    )
    options = [("grpc.ssl_target_name_override", args.server_name)] if args.server_name else []
    return grpc.secure_channel(args.address, credentials, options=options)


def check(args: argparse.Namespace) -> str:
    """Asks the server once.

    Args:
        args: Parsed command-line arguments.

    Returns:
        The status name (`SERVING`, `NOT_SERVING`, ...) or `UNREACHABLE: <gRPC code>`.
    """
    with _channel(args) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            reply = stub.Check(health_pb2.HealthCheckRequest(service=args.service), timeout=args.timeout)
        except grpc.RpcError as exc:
            return f"UNREACHABLE: {exc.code().name}"  # type: ignore[attr-defined]
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one check; returns the process exit code."""
    args = _parser().parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        print("--tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    status = check(args)
    print(f"{args.address} {args.service or '(server)'}: {status}", file=sys.stderr)
    return 0 if status == "SERVING" else 1


if __name__ == "__main__":
    sys.exit(main())

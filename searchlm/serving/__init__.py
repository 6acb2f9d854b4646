"""Shared gRPC server bootstrap, interceptors, logging and metrics for all four processes."""

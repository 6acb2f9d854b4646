"""The PrometheusRule's alerts use only metrics the processes really export."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from model_server.metrics import ModelServerMetrics
from searchlm.serving.metrics import GrpcMetrics
from tests.unit.k8s.manifests import K8S

_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


def _exported() -> set[str]:
    registry = CollectorRegistry()
    ModelServerMetrics(registry)
    GrpcMetrics(registry)
    return {family.name + s for family in registry.collect() for s in _SUFFIXES.get(family.type, ("",))}


def _rules() -> list[dict[str, Any]]:
    rule = yaml.safe_load((K8S / "components" / "monitoring" / "prometheus-rule.yaml").read_text())
    return [r for group in rule["spec"]["groups"] for r in group["rules"]]


@pytest.mark.parametrize("rule", _rules(), ids=lambda r: r["alert"])
def test_alert_expression_uses_exported_metrics(rule: dict[str, Any]) -> None:
    used = set(re.findall(r"\bsearchlm_[a-z_]+", rule["expr"]))
    assert used <= _exported(), used - _exported()


def test_alerts_cover_queue_errors_and_latency() -> None:
    exprs = " ".join(r["expr"] for r in _rules())
    for metric in (
        "searchlm_model_requests_waiting",
        "searchlm_grpc_requests_total",
        "searchlm_grpc_request_seconds_bucket",
        "searchlm_model_time_to_first_token_seconds_bucket",
    ):
        assert metric in exprs
    assert 'code!="OK"' in exprs

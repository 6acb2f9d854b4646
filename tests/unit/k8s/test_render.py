"""Every overlay renders offline and every rendered object validates against its schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.k8s import manifests as m

pytestmark = pytest.mark.skipif(m.KUBECTL is None, reason="kubectl not installed: cannot render kustomize")
kubernetes_validate = pytest.importorskip(
    "kubernetes_validate", reason="kubernetes-validate not installed (pip install kubernetes-validate)"
)


@pytest.mark.parametrize("overlay", m.OVERLAYS)
def test_overlay_renders_with_all_components(overlay: str) -> None:
    kinds = {o["kind"] for o in m.render(overlay)}
    assert {"Namespace", "ConfigMap", "Service", "NetworkPolicy", "PodDisruptionBudget"} <= kinds
    assert ("LeaderWorkerSet" in kinds) == (overlay == "prod-multinode")
    assert ("Deployment" in kinds) and len(m.find(m.render(overlay), "Deployment")) == (
        3 if overlay == "prod-multinode" else 4
    )


@pytest.mark.parametrize("overlay", m.OVERLAYS)
def test_rendered_objects_validate_against_schemas(overlay: str) -> None:
    errors = {f"{o['kind']}/{o['metadata']['name']}": m.schema_errors(o) for o in m.render(overlay)}
    assert not {k: v for k, v in errors.items() if v}


def test_mtls_component_renders_and_validates(tmp_path: Path) -> None:
    objects = m.render_with_components("dev-cpu", ["mtls"], tmp_path)
    errors = [e for o in objects for e in m.schema_errors(o)]
    assert not errors
    for template in m.pod_templates(objects):
        name = template.labels["app.kubernetes.io/name"]
        if name not in m.SERVICES:
            continue
        (container,) = template.spec["containers"]
        env = m.container_env(objects, container)
        prefix = m.COMPONENTS[name].env_prefix
        mounted = {v["mountPath"] for v in container["volumeMounts"]}
        for field in ("TLS_CERT", "TLS_KEY", "TLS_CLIENT_CA"):
            assert str(Path(env[prefix + field]).parent) in mounted, (name, field)
        assert "grpc" not in container["readinessProbe"], "kubelet gRPC probes cannot speak TLS"


def test_crd_schema_rejects_unknown_field() -> None:
    lws = next(o for o in m.render("prod-multinode") if o["kind"] == "LeaderWorkerSet")
    broken = {**lws, "spec": {**lws["spec"], "leaderWorkerTemplat": {}}}
    assert m.schema_errors(broken)


def test_crd_schema_checks_pod_templates_as_core_pods() -> None:
    lws = next(o for o in m.render("prod-multinode") if o["kind"] == "LeaderWorkerSet")
    template = lws["spec"]["leaderWorkerTemplate"]["workerTemplate"]
    broken_spec = {**template["spec"], "containers": [{**template["spec"]["containers"][0], "imag": "x"}]}
    lwt = {**lws["spec"]["leaderWorkerTemplate"], "workerTemplate": {**template, "spec": broken_spec}}
    assert m.schema_errors({**lws, "spec": {**lws["spec"], "leaderWorkerTemplate": lwt}})

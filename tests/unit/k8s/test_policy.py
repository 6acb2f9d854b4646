"""Policy checks on the rendered overlays: resources, probes, security, and agreement of
every port and SEARCHLM_* variable with the settings classes the processes read."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.unit.k8s import manifests as m

pytestmark = pytest.mark.skipif(m.KUBECTL is None, reason="kubectl not installed: cannot render kustomize")

CASES = (
    [
        (overlay, t.owner, c["name"])
        for overlay in m.OVERLAYS
        for t in m.pod_templates(m.render(overlay))
        for c in t.spec["containers"]
    ]
    if m.KUBECTL
    else []
)


def _template(overlay: str, owner: str) -> m.PodTemplate:
    return next(t for t in m.pod_templates(m.render(overlay)) if t.owner == owner)


def _container(overlay: str, owner: str, name: str) -> dict[str, Any]:
    return next(c for c in _template(overlay, owner).spec["containers"] if c["name"] == name)


def _ports(container: dict[str, Any]) -> dict[str, int]:
    return {p["name"]: p["containerPort"] for p in container.get("ports", [])}


def _server_component(overlay: str, owner: str, container: dict[str, Any]) -> m.Component | None:
    name = _template(overlay, owner).labels.get("app.kubernetes.io/name", "")
    return m.COMPONENTS.get(name) if "grpc" in _ports(container) else None


@pytest.mark.parametrize(("overlay", "owner", "name"), CASES)
def test_container_has_requests_and_limits(overlay: str, owner: str, name: str) -> None:
    resources = _container(overlay, owner, name).get("resources", {})
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources.get(kind, {})), f"{owner}/{name}: {kind}"
    gpu = "nvidia.com/gpu"
    assert resources["requests"].get(gpu) == resources["limits"].get(gpu), "GPU requests must equal limits"


@pytest.mark.parametrize(("overlay", "owner", "name"), CASES)
def test_container_has_startup_readiness_liveness_probes(overlay: str, owner: str, name: str) -> None:
    container = _container(overlay, owner, name)
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert probe in container, f"{owner}/{name} lacks {probe}"


@pytest.mark.parametrize(("overlay", "owner", "name"), CASES)
def test_container_runs_non_root_read_only_without_capabilities(overlay: str, owner: str, name: str) -> None:
    pod = _template(overlay, owner).spec.get("securityContext", {})
    sc = _container(overlay, owner, name).get("securityContext", {})
    assert sc.get("runAsNonRoot", pod.get("runAsNonRoot")) is True
    assert sc.get("runAsUser", pod.get("runAsUser", 1)) != 0
    assert sc.get("allowPrivilegeEscalation") is False
    assert sc.get("readOnlyRootFilesystem") is True
    assert "ALL" in sc.get("capabilities", {}).get("drop", [])
    assert pod.get("seccompProfile", {}).get("type") == "RuntimeDefault"


@pytest.mark.parametrize(("overlay", "owner", "name"), CASES)
def test_server_ports_and_probes_match_settings(overlay: str, owner: str, name: str) -> None:
    container = _container(overlay, owner, name)
    component = _server_component(overlay, owner, container)
    if component is None:
        pytest.skip(f"{owner}/{name} serves no gRPC (MPI worker)")
    env = m.container_env(m.render(overlay), container)
    prefix = component.env_prefix
    grpc_port = int(env.get(prefix + "PORT", component.port))
    metrics_port = int(env.get(prefix + "METRICS_PORT", component.metrics_port))
    assert _ports(container) == {"grpc": grpc_port, "metrics": metrics_port}
    assert env.get(prefix + "HOST") == "0.0.0.0", "the default 127.0.0.1 is unreachable for probes"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["grpc"]["port"] == grpc_port, probe


@pytest.mark.parametrize(("overlay", "owner", "name"), CASES)
def test_termination_grace_covers_pre_stop_and_drain(overlay: str, owner: str, name: str) -> None:
    container = _container(overlay, owner, name)
    component = _server_component(overlay, owner, container)
    if component is None:
        pytest.skip(f"{owner}/{name} serves no gRPC (MPI worker)")
    env = m.container_env(m.render(overlay), container)
    drain = float(env.get(component.env_prefix + "GRACE_SECONDS", 20))
    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
    assert _template(overlay, owner).spec["terminationGracePeriodSeconds"] >= pre_stop + drain + 5


@pytest.mark.parametrize("overlay", m.OVERLAYS)
def test_model_server_gpus_equal_tensor_times_pipeline_parallel(overlay: str) -> None:
    objects = m.render(overlay)
    for template in m.pod_templates(objects):
        if template.labels.get("app.kubernetes.io/component") != "model-server":
            continue
        (container,) = template.spec["containers"]
        env = m.container_env(objects, container)
        gpus = int(container["resources"]["limits"].get("nvidia.com/gpu", 0))
        tp = int(env["SEARCHLM_MODEL_SERVER_TENSOR_PARALLEL_SIZE"])
        pp = int(env["SEARCHLM_MODEL_SERVER_PIPELINE_PARALLEL_SIZE"])
        if env["SEARCHLM_MODEL_SERVER_ENGINE"] != "trtllm":
            assert gpus == 0, "a CPU engine must not hold GPUs"
            continue
        assert gpus * template.group_size == tp * pp, template.owner
        assert "dshm" in {v["name"] for v in template.spec["volumes"] if v.get("emptyDir", {}).get("medium")}
        if template.group_size > 1:
            assert int(env["GPUS_PER_POD"]) == gpus


@pytest.mark.parametrize("overlay", m.OVERLAYS)
@pytest.mark.parametrize("component", list(m.COMPONENTS))
def test_every_searchlm_variable_is_a_settings_field(overlay: str, component: str) -> None:
    try:
        fields, _ = m.settings_fields(component)
    except ImportError as exc:
        pytest.skip(
            f"{m.COMPONENTS[component].settings_module} not importable yet ({exc}); env names unchecked"
        )
    used = _searchlm_variables(m.render(overlay))
    unknown = sorted(v for v in used if m.component_of(v) == component and v not in fields)
    assert not unknown, f"not read by the settings class: {unknown}"


def test_every_searchlm_variable_has_a_known_prefix() -> None:
    for overlay in m.OVERLAYS:
        orphans = [v for v in _searchlm_variables(m.render(overlay)) if m.component_of(v) is None]
        assert not orphans, (overlay, orphans)


def _searchlm_variables(objects: Any) -> set[str]:
    names = {k for o in m.find(objects, "ConfigMap") for k in o.get("data", {})}
    for template in m.pod_templates(objects):
        names |= {e["name"] for c in template.spec["containers"] for e in c.get("env", [])}
    return {n for n in names if n.startswith("SEARCHLM_")}


@pytest.mark.parametrize("overlay", m.OVERLAYS)
def test_services_reach_the_model_server_through_its_headless_service(overlay: str) -> None:
    objects = m.render(overlay)
    (service,) = [s for s in m.find(objects, "Service") if s["metadata"]["name"] == "model-server-headless"]
    assert service["spec"]["clusterIP"] == "None"
    model_port = next(p["port"] for p in service["spec"]["ports"] if p["name"] == "grpc")
    expected = f"dns:///model-server-headless.{m.NAMESPACE}.svc.cluster.local:{model_port}"
    for template in m.pod_templates(objects):
        name = template.labels["app.kubernetes.io/name"]
        if name in m.SERVICES:
            env = m.container_env(objects, template.spec["containers"][0])
            assert env[m.COMPONENTS[name].env_prefix + "LM_TARGET"] == expected


@pytest.mark.parametrize("overlay", m.OVERLAYS)
def test_services_select_pods_with_their_named_ports(overlay: str) -> None:
    objects = m.render(overlay)
    templates = list(m.pod_templates(objects))
    for service in m.find(objects, "Service"):
        selected = [t for t in templates if _matches(service["spec"]["selector"], t.labels)]
        assert selected, f"Service {service['metadata']['name']} selects no pod"
        for template in selected:
            ports = {
                p["name"]: p["containerPort"] for c in template.spec["containers"] for p in c.get("ports", [])
            }
            for port in service["spec"]["ports"]:
                assert ports.get(port["targetPort"]) == port["port"], (service["metadata"]["name"], port)


def _matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    match_labels = selector.get("matchLabels", selector if "matchExpressions" not in selector else {})
    if any(labels.get(k) != v for k, v in match_labels.items()):
        return False
    for expression in selector.get("matchExpressions", []):
        value = labels.get(expression["key"])
        if (expression["operator"] == "In") != (value in expression.get("values", [])):
            return False
    return True


@pytest.mark.parametrize("overlay", m.OVERLAYS)
def test_only_the_three_services_reach_the_model_server(overlay: str) -> None:
    objects = m.render(overlay)
    (policy,) = [
        p for p in m.find(objects, "NetworkPolicy") if p["metadata"]["name"] == "model-server-ingress"
    ]
    (rule,) = policy["spec"]["ingress"]
    (peer,) = rule["from"]
    assert set(peer) == {"podSelector"}, "no namespace or IP peers"
    admitted = {
        t.labels["app.kubernetes.io/name"]
        for t in m.pod_templates(objects)
        if _matches(peer["podSelector"], t.labels)
    }
    assert admitted == set(m.SERVICES)
    assert [p["port"] for p in rule["ports"]] == ["grpc"]


@pytest.mark.parametrize("overlay", m.OVERLAYS)
def test_only_the_frontend_namespace_reaches_the_services(overlay: str) -> None:
    objects = m.render(overlay)
    (policy,) = [p for p in m.find(objects, "NetworkPolicy") if p["metadata"]["name"] == "services-ingress"]
    selected = {
        t.labels["app.kubernetes.io/name"]
        for t in m.pod_templates(objects)
        if _matches(policy["spec"]["podSelector"], t.labels)
    }
    assert selected == set(m.SERVICES)
    peers = [peer for rule in policy["spec"]["ingress"] for peer in rule["from"]]
    assert peers == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "search-frontend"}}}
    ]
    deny = [p for p in m.find(objects, "NetworkPolicy") if p["metadata"]["name"] == "default-deny-ingress"]
    assert deny and deny[0]["spec"]["podSelector"] == {}


@pytest.mark.parametrize("overlay", m.OVERLAYS)
def test_objects_live_in_one_namespace_and_references_resolve(overlay: str) -> None:
    objects = m.render(overlay)
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == m.NAMESPACE, f"{obj['kind']}/{obj['metadata']['name']}"
    names = {(o["kind"], o["metadata"]["name"]) for o in objects}
    for template in m.pod_templates(objects):
        assert template.labels.get("app.kubernetes.io/part-of") == "searchlm", template.owner
        for volume in template.spec.get("volumes", []):
            if "configMap" in volume:
                assert ("ConfigMap", volume["configMap"]["name"]) in names, (template.owner, volume)
            if "persistentVolumeClaim" in volume:
                assert ("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"]) in names
        for container in template.spec["containers"]:
            m.container_env(objects, container)  # raises if a configMapRef is dangling


_IMAGE = re.compile(r"^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9/._-]+:(?!latest$)[A-Za-z0-9._-]+$")


@pytest.mark.parametrize("overlay", m.OVERLAYS)
def test_images_are_registry_qualified_and_pinned(overlay: str) -> None:
    for template in m.pod_templates(m.render(overlay)):
        for container in template.spec["containers"]:
            assert _IMAGE.match(container["image"]), (template.owner, container["image"])

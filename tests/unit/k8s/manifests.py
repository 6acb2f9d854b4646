"""Renders the kustomize overlays and answers questions about the rendered objects.

Shared by the k8s tests: rendering (`kubectl kustomize`, offline), schema validation
(Kubernetes schemas bundled with `kubernetes-validate`, CRD schemas in k8s/schemas/), and
the settings classes each component reads (so a renamed setting breaks the tests).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "k8s"
OVERLAYS = ("dev-cpu", "prod-gpu", "prod-multinode")
NAMESPACE = "searchlm"
KUBERNETES_VERSION = "1.30.0"
KUBECTL = shutil.which("kubectl")
DEFINITIONS_ID = "https://kubernetes.io/api/_definitions.json"


@dataclass(frozen=True)
class Component:
    """One server process: where its settings live and its documented default ports."""

    name: str
    settings_module: str
    env_prefix: str
    port: int
    metrics_port: int


COMPONENTS = {
    c.name: c
    for c in (
        Component("model-server", "model_server.settings", "SEARCHLM_MODEL_SERVER_", 50051, 9090),
        Component("null-query", "services.null_query.settings", "SEARCHLM_NULL_QUERY_", 50052, 9091),
        Component(
            "review-summary", "services.review_summary.settings", "SEARCHLM_REVIEW_SUMMARY_", 50053, 9092
        ),
        Component("free-qa", "services.free_qa.settings", "SEARCHLM_FREE_QA_", 50054, 9093),
    )
}
SERVICES = ("null-query", "review-summary", "free-qa")


def kustomize(directory: Path) -> list[dict[str, Any]]:
    """Renders one kustomization directory with `kubectl kustomize` (no cluster needed)."""
    if KUBECTL is None:
        raise RuntimeError("kubectl not installed")
    done = subprocess.run(
        [KUBECTL, "kustomize", str(directory)], capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"kubectl kustomize {directory} failed:\n{done.stderr}")
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@functools.cache
def render(overlay: str) -> tuple[dict[str, Any], ...]:
    """The rendered objects of k8s/overlays/<overlay> (cached per test session)."""
    return tuple(kustomize(K8S / "overlays" / overlay))


def render_with_components(overlay: str, components: list[str], workdir: Path) -> list[dict[str, Any]]:
    """Renders an overlay plus optional components through a throw-away kustomization."""
    rel = functools.partial(os.path.relpath, start=workdir)
    text = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": [rel(K8S / "overlays" / overlay)],
        "components": [rel(K8S / "components" / c) for c in components],
    }
    (workdir / "kustomization.yaml").write_text(yaml.safe_dump(text))
    return kustomize(workdir)


def find(objects: Any, kind: str, name: str | None = None) -> list[dict[str, Any]]:
    """Objects of one kind (and name, if given; generated ConfigMaps match by prefix)."""
    found = [o for o in objects if o["kind"] == kind]
    if name is None:
        return found
    return [o for o in found if o["metadata"]["name"] in (name,) or _generated_name(o, name)]


def _generated_name(obj: dict[str, Any], name: str) -> bool:
    actual: str = obj["metadata"]["name"]
    return obj["kind"] == "ConfigMap" and actual.rsplit("-", 1)[0] == name


@dataclass(frozen=True)
class PodTemplate:
    """A pod template found in a rendered workload."""

    owner: str
    labels: dict[str, str]
    spec: dict[str, Any]
    group_size: int
    """Pods that together run one model-server replica (LeaderWorkerSet size; 1 otherwise)."""


def pod_templates(objects: Any) -> Iterator[PodTemplate]:
    """Every pod template in Deployments and LeaderWorkerSets."""
    for obj in objects:
        name = obj["metadata"]["name"]
        if obj["kind"] == "Deployment":
            template = obj["spec"]["template"]
            yield PodTemplate(
                f"Deployment/{name}", template["metadata"].get("labels", {}), template["spec"], 1
            )
        elif obj["kind"] == "LeaderWorkerSet":
            lwt = obj["spec"]["leaderWorkerTemplate"]
            size = lwt.get("size", 1)
            for role in ("leaderTemplate", "workerTemplate"):
                template = lwt[role]
                labels = template["metadata"].get("labels", {})
                yield PodTemplate(f"LeaderWorkerSet/{name}/{role}", labels, template["spec"], size)


def container_env(objects: Any, container: dict[str, Any]) -> dict[str, str]:
    """The environment a container gets from its ConfigMap refs and its own env list."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef")
        if ref:
            (config_map,) = [o for o in find(objects, "ConfigMap") if o["metadata"]["name"] == ref["name"]]
            env.update(config_map.get("data", {}))
    env.update({e["name"]: e["value"] for e in container.get("env", []) if "value" in e})
    return env


@functools.cache
def settings_fields(component: str) -> tuple[frozenset[str], dict[str, Any]]:
    """Env var names a component's settings class reads, and its field defaults.

    Raises:
        ImportError: The component's settings module does not exist (yet).
    """
    spec = COMPONENTS[component]
    module = importlib.import_module(spec.settings_module)
    from searchlm.serving.settings import ServerSettings

    classes = [
        c
        for _, c in inspect.getmembers(module, inspect.isclass)
        if issubclass(c, ServerSettings) and c.__module__ == module.__name__
    ]
    if len(classes) != 1:
        raise ImportError(
            f"{spec.settings_module} defines {len(classes)} ServerSettings subclasses, expected 1"
        )
    cls = classes[0]
    prefix = cls.model_config.get("env_prefix", "")
    if prefix != spec.env_prefix:
        raise AssertionError(f"{cls.__name__} reads prefix {prefix!r}, manifests use {spec.env_prefix!r}")
    names = frozenset(prefix + field.upper() for field in cls.model_fields)
    defaults = {field: info.default for field, info in cls.model_fields.items()}
    return names, defaults


def component_of(env_name: str) -> str | None:
    """The component whose prefix an env var carries (longest prefix wins)."""
    matches = [c for c in COMPONENTS.values() if env_name.startswith(c.env_prefix)]
    return max(matches, key=lambda c: len(c.env_prefix)).name if matches else None


@functools.cache
def _kubernetes_definitions() -> dict[str, Any]:
    folder = f"v{KUBERNETES_VERSION}-local-strict"
    path = resources.files("kubernetes_validate").joinpath(
        "kubernetes-json-schema", folder, "_definitions.json"
    )
    return dict(json.loads(path.read_text()))


@functools.cache
def crd_validator(api_version: str, kind: str) -> Any:
    """A jsonschema validator for a CRD from k8s/schemas/, or None if none is shipped."""
    import jsonschema
    from referencing import Registry, Resource

    group, version = api_version.split("/")
    path = K8S / "schemas" / f"{kind.lower()}-{group.split('.')[0]}-{version}.json"
    if not path.exists():
        return None
    schema = json.loads(path.read_text())
    registry = Registry().with_resource(DEFINITIONS_ID, Resource.from_contents(_kubernetes_definitions()))
    return jsonschema.Draft202012Validator(schema, registry=registry)


# API groups whose schemas kubernetes-validate bundles; anything else is a CRD.
_CORE_GROUPS = (
    "apps/",
    "policy/",
    "autoscaling/",
    "networking.k8s.io/",
    "rbac.authorization.k8s.io/",
    "batch/",
)


def schema_errors(obj: dict[str, Any]) -> list[str]:
    """Schema violations of one object (core kinds via kubernetes-validate, CRDs via k8s/schemas)."""
    import kubernetes_validate

    if "/" in obj["apiVersion"] and not obj["apiVersion"].startswith(_CORE_GROUPS):
        validator = crd_validator(obj["apiVersion"], obj["kind"])
        if validator is None:
            return [f"no schema for {obj['apiVersion']} {obj['kind']} in k8s/schemas/"]
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(obj)]
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{'/'.join(map(str, exc.path))}: {exc.message}"]
    return []

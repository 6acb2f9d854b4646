"""Resolve registry names and ``module:attribute`` dotted paths lazily.

Importing only once chosen keeps heavy dependencies (torch in the NLI model,
grpc in clients) out of processes that never use them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from eval.errors import RegistryError


def resolve_name(name: str, registry: Mapping[str, str]) -> str:
    """Return the dotted path for ``name``: a registry key or a dotted path itself.

    Args:
        name: A key of ``registry`` or a ``module:attribute`` path.
        registry: Known names.

    Raises:
        RegistryError: ``name`` is neither.
    """
    if name in registry:
        return registry[name]
    if ":" in name:
        return name
    known = ", ".join(sorted(registry)) or "(none)"
    raise RegistryError(f"unknown name {name!r}: use one of {known} or a 'module:attribute' path")


def load_object(dotted: str) -> Any:
    """Import ``module:attribute`` (attribute may be ``a.b``) and return it.

    Raises:
        RegistryError: The path is malformed, the module or attribute is missing.
    """
    module_name, sep, attr_path = dotted.partition(":")
    if not sep or not module_name or not attr_path:
        raise RegistryError(f"{dotted!r} is not a 'module:attribute' path")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise RegistryError(f"cannot import {module_name!r} (for {dotted!r}): {exc}") from exc
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as exc:
            raise RegistryError(f"{module_name!r} has no attribute {attr_path!r}") from exc
    return obj

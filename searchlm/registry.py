"""The one dotted-name loader: registries map names to "module:attribute" and import on use.

Every pluggable part of the project (engines, search backends, embedders, NLI scorers,
example selectors, eval predictors and sentence splitters) is a dict of name ->
"module:attribute" resolved here. Importing only once chosen keeps torch, faiss, llama_cpp,
tensorrt_llm and the Elasticsearch client out of processes that never use them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from searchlm.errors import SearchlmError


class RegistryError(SearchlmError, ValueError):
    """A name is not registered, or its "module:attribute" path cannot be imported.

    A `ValueError` too, so a bad setting read from the environment reads as one.
    """


def resolve(name: str, registry: Mapping[str, str], *, kind: str, allow_paths: bool = True) -> str:
    """The dotted path for `name`: a registry key, or (when allowed) a dotted path itself.

    Args:
        name: A key of `registry`, or a "module:attribute" path.
        registry: Known names -> dotted paths.
        kind: What is being looked up, for the message ("engine", "NLI scorer").
        allow_paths: Accept "module:attribute" paths that are not registered.

    Raises:
        RegistryError: `name` is neither, naming the known keys.
    """
    if name in registry:
        return registry[name]
    if allow_paths and ":" in name:
        return name
    known = ", ".join(sorted(registry)) or "(none)"
    paths = " or a 'module:attribute' path" if allow_paths else ""
    raise RegistryError(f"unknown {kind} {name!r}: use one of {known}{paths}")


def load_object(dotted: str) -> Any:
    """Imports "module:attribute" (the attribute may be dotted, "Class.method") and returns it.

    Raises:
        RegistryError: The path is malformed, or its module or attribute is missing.
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


def load(name: str, registry: Mapping[str, str], *, kind: str, allow_paths: bool = True) -> Any:
    """`load_object(resolve(...))`: the object registered as `name`."""
    return load_object(resolve(name, registry, kind=kind, allow_paths=allow_paths))

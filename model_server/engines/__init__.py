"""Engine registry: name -> "module:Class", imported only when chosen.

Lazy import keeps `torch`, `llama_cpp` and `tensorrt_llm` out of processes that do not use
them, so the CPU image never loads CUDA code and the TensorRT-LLM engine can be selected
only where its package exists.
"""

from __future__ import annotations

import importlib
from typing import Any

from searchlm.errors import InvalidRequestError

ENGINES: dict[str, str] = {
    "llamacpp": "model_server.engines.llamacpp:LlamaCppEngine",
    "transformers": "model_server.engines.hf:TransformersEngine",
    "trtllm": "model_server.engines.trtllm:TrtLlmEngine",
}


def load_engine_class(name: str) -> Any:
    """Imports and returns the engine class registered under `name`.

    Raises:
        InvalidRequestError: for an unknown engine name.
    """
    try:
        target = ENGINES[name]
    except KeyError:
        raise InvalidRequestError("engine", f"unknown engine {name!r}; known: {sorted(ENGINES)}") from None
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)

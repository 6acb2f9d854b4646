"""Engine registry: name -> "module:Class", imported only when chosen.

Lazy import keeps `torch`, `llama_cpp` and `tensorrt_llm` out of processes that do not use
them, so the CPU image never loads CUDA code and the TensorRT-LLM engine can be selected
only where its package exists.
"""

from __future__ import annotations

from typing import Any

from searchlm.errors import InvalidRequestError
from searchlm.registry import RegistryError, load

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
        return load(name, ENGINES, kind="engine", allow_paths=False)
    except RegistryError as exc:
        raise InvalidRequestError("engine", str(exc)) from exc

"""TensorRT-LLM engine: field mapping, and a clear failure where the package is absent."""

from __future__ import annotations

import importlib.util
import types
from typing import Any

import pytest

from model_server.engines import load_engine_class
from model_server.engines.trtllm import TrtLlmEngine, to_trt_sampling
from model_server.types import SamplingParams

HAVE_TRTLLM = importlib.util.find_spec("tensorrt_llm") is not None


class _FakeSamplingParams:
    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


FAKE = types.SimpleNamespace(SamplingParams=_FakeSamplingParams)


def test_sampling_maps_field_by_field() -> None:
    params = SamplingParams(
        max_tokens=50, temperature=0.7, top_p=0.9, top_k=40, repetition_penalty=1.1, logprobs=True
    )
    mapped = to_trt_sampling(FAKE, params, seed=7, end_id=2).kwargs
    assert mapped == {
        "max_tokens": 50,
        "temperature": 0.7,
        "top_p": 0.9,
        "top_k": 40,
        "repetition_penalty": 1.1,
        "seed": 7,
        "n": 1,
        "logprobs": 1,
        "detokenize": False,
        "end_id": 2,
    }


def test_sampling_greedy_maps_to_top_k_one() -> None:
    mapped = to_trt_sampling(FAKE, SamplingParams(temperature=0.0), seed=None, end_id=None).kwargs
    assert (mapped["temperature"], mapped["top_k"]) == (0.0, 1)
    assert "seed" not in mapped and "logprobs" not in mapped


def test_registry_resolves_trtllm_without_importing_the_package() -> None:
    assert load_engine_class("trtllm") is TrtLlmEngine


@pytest.mark.skipif(HAVE_TRTLLM, reason="tensorrt_llm is installed here")
async def test_start_fails_with_install_hint_when_package_absent() -> None:
    engine = TrtLlmEngine(model_path="/models/llama", tensor_parallel_size=8)
    assert engine.info.tensor_parallel_size == 8 and engine.info.engine == "trtllm"
    with pytest.raises(RuntimeError, match="tensorrt_llm"):
        await engine.start()


@pytest.mark.skipif(
    not HAVE_TRTLLM,
    reason="tensorrt_llm cannot be installed here (PyPI holds a placeholder); runs in NVIDIA's image",
)
def test_tensorrt_llm_api_has_what_the_engine_uses() -> None:
    import tensorrt_llm

    assert hasattr(tensorrt_llm, "LLM") and hasattr(tensorrt_llm, "SamplingParams")
    assert hasattr(tensorrt_llm.LLM, "generate_async")

"""TensorRT-LLM engine: field mapping, and a clear failure where the package is absent."""

from __future__ import annotations

import importlib.util
import json
import re
import types
from pathlib import Path
from typing import Any

import pytest

from model_server.engines import load_engine_class
from model_server.engines.trtllm import TrtLlmEngine, choices_regex, to_trt_sampling
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


def test_choices_map_to_a_guided_decoding_regex() -> None:
    class _Guided:
        def __init__(self, **kwargs: Any) -> None:
            self.kwargs = kwargs

    fake = types.SimpleNamespace(
        SamplingParams=_FakeSamplingParams, llmapi=types.SimpleNamespace(GuidedDecodingParams=_Guided)
    )
    mapped = to_trt_sampling(
        fake, SamplingParams(choices=("예", "아니오(부정)")), seed=None, end_id=None
    ).kwargs
    assert mapped["guided_decoding"].kwargs == {"regex": r"(예|아니오\(부정\))"}
    assert re.fullmatch(choices_regex(["예", "a.b"]), "a.b") and not re.fullmatch(
        choices_regex(["a.b"]), "axb"
    )


def test_peft_adapter_folders_are_listed_for_lora_requests(tmp_path: Path) -> None:
    folder = tmp_path / "null-query-rewrite"
    folder.mkdir()
    (folder / "adapter_config.json").write_text(
        json.dumps({"r": 16, "lora_alpha": 32, "base_model_name_or_path": "gemma-3-270m"})
    )
    (tmp_path / "not-an-adapter").mkdir()
    engine = TrtLlmEngine(model_path="/models/gemma", adapters_dir=str(tmp_path))
    (info,) = engine.info.adapters
    assert (info.name, info.rank, info.alpha, info.base_model) == (
        "null-query-rewrite",
        16,
        32.0,
        "gemma-3-270m",
    )
    assert TrtLlmEngine(model_path="/models/gemma", adapters_dir="packaged").info.adapters == ()


@pytest.mark.skipif(
    not HAVE_TRTLLM,
    reason="tensorrt_llm cannot be installed here (PyPI holds a placeholder); runs in NVIDIA's image",
)
def test_tensorrt_llm_has_the_lora_and_guided_decoding_api() -> None:
    from tensorrt_llm.executor import LoRARequest
    from tensorrt_llm.llmapi import GuidedDecodingParams
    from tensorrt_llm.lora_manager import LoraConfig

    assert LoRARequest and GuidedDecodingParams and LoraConfig

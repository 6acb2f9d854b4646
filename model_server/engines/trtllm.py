"""TensorRT-LLM engine for multi-GPU production serving.

Written against the documented `tensorrt_llm.LLM` API (`LLM(model=..., tensor_parallel_size,
pipeline_parallel_size)`, `SamplingParams`, `generate_async(..., streaming=True)`), whose
executor does in-flight batching itself. The package cannot be installed on the CPU machines
this project is developed on (PyPI carries only a placeholder that fetches the real wheel
from NVIDIA's index), so it is imported only when this engine is chosen, `start()` fails
with a clear message where it is absent, and its tests skip with that reason. It runs inside
NVIDIA's TensorRT-LLM release image (see k8s/ and docker/).

Detokenisation stays in the model server (the engine yields token ids), so the
Korean-safe streaming and stop matching are the same as on the CPU engines.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from model_server.detokenizer import IncrementalDetokenizer, TextDiffDetokenizer
from model_server.types import AdapterInfo, ModelInfo, SamplingParams, TokenStep

INSTALL_HINT = (
    "the trtllm engine needs the tensorrt_llm package (NVIDIA TensorRT-LLM, CUDA, MPI); "
    "run the model server in NVIDIA's TensorRT-LLM release image "
    "(nvcr.io/nvidia/tensorrt-llm/release) or `pip install .[trtllm]` from NVIDIA's index"
)


def import_tensorrt_llm() -> Any:
    """Imports tensorrt_llm or raises RuntimeError with how to get it."""
    try:
        return importlib.import_module("tensorrt_llm")
    except ImportError as exc:
        raise RuntimeError(f"{INSTALL_HINT} ({exc})") from exc


def to_trt_sampling(module: Any, params: SamplingParams, *, seed: int | None, end_id: int | None) -> Any:
    """Maps our SamplingParams field by field onto `tensorrt_llm.SamplingParams`.

    Stop strings are matched by the model server on text (they may span tokens), so they
    are not passed down; n is realised as separate sequences by the runtime.
    """
    kwargs: dict[str, Any] = {
        "max_tokens": params.max_tokens,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "top_k": params.top_k if params.top_k > 0 else None,
        "repetition_penalty": params.repetition_penalty,
        "seed": seed,
        "n": 1,
        "logprobs": 1 if params.logprobs else None,
        "detokenize": False,
        "end_id": end_id,
    }
    if params.greedy:
        kwargs.update(temperature=0.0, top_k=1, top_p=1.0)
    if params.choices:
        kwargs["guided_decoding"] = module.llmapi.GuidedDecodingParams(regex=choices_regex(params.choices))
    return module.SamplingParams(**{k: v for k, v in kwargs.items() if v is not None})


def choices_regex(choices: Sequence[str]) -> str:
    """The closed set of choices as one regular expression for TensorRT-LLM's guided decoding."""
    return "(" + "|".join(re.escape(c) for c in choices) + ")"


def peft_adapters(directory: str) -> list[AdapterInfo]:
    """Hugging Face PEFT LoRA folders (`adapter_config.json` + weights) in `directory`.

    TensorRT-LLM loads PEFT folders, not GGUF: point ADAPTERS_DIR at the `adapter/` folders
    that `python -m searchlm.tune train` writes.
    """
    if not directory:
        return []
    found = []
    for config in sorted(Path(directory).glob("*/adapter_config.json")):
        data = json.loads(config.read_text(encoding="utf-8"))
        found.append(
            AdapterInfo(
                name=config.parent.name,
                base_model=str(data.get("base_model_name_or_path") or ""),
                rank=int(data.get("r", 0)),
                alpha=float(data.get("lora_alpha", 0)),
                task=str(data.get("task_type") or ""),
                path=str(config.parent),
            )
        )
    return found


class TrtLlmEngine:
    """TensorRT-LLM through `tensorrt_llm.LLM` with tensor and pipeline parallelism.

    Args:
        model_path: HF checkpoint directory or prebuilt TensorRT-LLM engine directory.
        tensor_parallel_size: GPUs per pipeline stage.
        pipeline_parallel_size: Pipeline stages.
        max_batch_size: In-flight batch capacity reported to the scheduler.
        context_length: Max sequence length.
        model_name: Name reported by GetModelInfo.
        adapters_dir: Folder of PEFT LoRA folders, served through `LoRARequest`s; empty
            for none ("packaged" means none here: the shipped adapters are GGUF).
    """

    def __init__(
        self,
        *,
        model_path: str,
        tensor_parallel_size: int = 1,
        pipeline_parallel_size: int = 1,
        max_batch_size: int = 64,
        context_length: int = 4096,
        model_name: str | None = None,
        adapters_dir: str = "",
    ) -> None:
        if tensor_parallel_size < 1 or pipeline_parallel_size < 1:
            raise ValueError("parallel sizes must be >= 1")
        self._path = model_path
        self._tp = tensor_parallel_size
        self._pp = pipeline_parallel_size
        self._info = ModelInfo(
            model=model_name or os.path.basename(os.path.normpath(model_path)),
            engine="trtllm",
            context_length=context_length,
            tensor_parallel_size=tensor_parallel_size,
            pipeline_parallel_size=pipeline_parallel_size,
            max_batch_size=max_batch_size,
            device=f"cuda x{tensor_parallel_size * pipeline_parallel_size}",
            adapters=tuple(peft_adapters("" if adapters_dir == "packaged" else adapters_dir)),
        )
        self._trt: Any = None
        self._llm: Any = None
        self._tokenizer: Any = None

    @classmethod
    def from_settings(cls, settings: Any) -> TrtLlmEngine:
        """Builds the engine from `ModelServerSettings`."""
        if not settings.model_path:
            raise ValueError("the trtllm engine needs SEARCHLM_MODEL_SERVER_MODEL_PATH")
        return cls(
            model_path=settings.model_path,
            tensor_parallel_size=settings.tensor_parallel_size,
            pipeline_parallel_size=settings.pipeline_parallel_size,
            max_batch_size=settings.max_batch_size,
            context_length=settings.context_length,
            model_name=settings.model_name or None,
            adapters_dir=getattr(settings, "adapters_dir", ""),
        )

    @property
    def info(self) -> ModelInfo:
        """Served model description."""
        return self._info

    async def start(self) -> None:
        """Builds or loads the engine across the GPUs (MPI workers are spawned by the LLM)."""
        self._trt = import_tensorrt_llm()
        self._llm = self._trt.LLM(
            model=self._path,
            tensor_parallel_size=self._tp,
            pipeline_parallel_size=self._pp,
            max_batch_size=self._info.max_batch_size,
            max_seq_len=self._info.context_length,
            guided_decoding_backend="xgrammar",  # choices become a regex (see choices_regex)
            **self._lora_kwargs(),
        )
        self._tokenizer = self._llm.tokenizer

    def _lora_kwargs(self) -> dict[str, Any]:
        adapters = self._info.adapters
        if not adapters:
            return {}
        lora_manager = importlib.import_module("tensorrt_llm.lora_manager")
        config = lora_manager.LoraConfig(
            lora_dir=[a.path for a in adapters],
            max_lora_rank=max(a.rank for a in adapters),
            max_loras=len(adapters),
            max_cpu_loras=len(adapters),
        )
        return {"lora_config": config}

    def lora_request(self, adapter: str) -> Any:
        """`tensorrt_llm.executor.LoRARequest` of a named adapter (None: the base model)."""
        if not adapter:
            return None
        executor = importlib.import_module("tensorrt_llm.executor")
        for i, info in enumerate(self._info.adapters, start=1):  # ids must be > 0 and stable
            if info.name == adapter:
                return executor.LoRARequest(info.name, i, info.path)
        raise KeyError(adapter)

    async def stop(self) -> None:
        """Shuts the executor and its MPI workers down."""
        if self._llm is not None:
            self._llm.shutdown()

    def tokenize(self, text: str, *, add_special: bool) -> list[int]:
        """Token ids of text."""
        return list(self._tokenizer.encode(text, add_special_tokens=add_special))

    def new_detokenizer(self) -> IncrementalDetokenizer:
        """Window-diff detokenizer (the engine itself is told not to detokenize)."""
        return TextDiffDetokenizer(lambda ids: self._tokenizer.decode(ids, skip_special_tokens=True))

    async def generate(
        self, prompt_ids: Sequence[int], params: SamplingParams, *, seed: int | None, adapter: str = ""
    ) -> AsyncIterator[TokenStep]:
        """Streams tokens of one in-flight request; aborts it when the iterator is closed."""
        end_id = getattr(self._tokenizer, "eos_token_id", None)
        sampling = to_trt_sampling(self._trt, params, seed=seed, end_id=end_id)
        request = self._llm.generate_async(
            list(prompt_ids),
            sampling_params=sampling,
            streaming=True,
            lora_request=self.lora_request(adapter),
        )
        seen = 0
        finished = False
        try:
            async for output in request:
                completion = output.outputs[0]
                for i in range(seen, len(completion.token_ids)):
                    token = completion.token_ids[i]
                    yield TokenStep(token_id=token, logprob=_logprob(completion, i), is_eos=token == end_id)
                seen = len(completion.token_ids)
            finished = True
        finally:
            if not finished:
                request.abort()  # frees the in-flight slot and its KV blocks

    async def score(
        self, prompt_ids: Sequence[int], continuations: Sequence[Sequence[int]], *, adapter: str = ""
    ) -> list[float]:
        """Scores each continuation from the prompt log-probs of prompt + continuation."""
        sums = []
        lora = self.lora_request(adapter)
        for cont in continuations:
            sampling = self._trt.SamplingParams(max_tokens=1, prompt_logprobs=1, detokenize=False)
            output = await self._llm.generate_async(
                list(prompt_ids) + list(cont), sampling_params=sampling, lora_request=lora
            )
            prompt_logprobs = output.outputs[0].prompt_logprobs or []
            tail = prompt_logprobs[len(prompt_ids) - 1 :]
            sums.append(float(sum(_picked(entry, token) for entry, token in zip(tail, cont, strict=False))))
        return sums


def _logprob(completion: Any, i: int) -> float:
    logprobs = getattr(completion, "logprobs", None)
    if not logprobs or i >= len(logprobs):
        return 0.0
    entry = logprobs[i]
    if isinstance(entry, dict):  # {token_id: Logprob(logprob=..)}
        return float(next(iter(entry.values())).logprob)
    return float(entry)


def _picked(entry: Any, token: int) -> float:
    if isinstance(entry, dict) and token in entry:
        value: Any = entry[token]
        return float(getattr(value, "logprob", value))
    return float("-inf")

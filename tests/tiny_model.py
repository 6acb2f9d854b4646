"""A tiny random-weights causal LM with a tokenizer trained on the fly.

It proves plumbing (engine, batching, streaming, scoring), not quality. Nothing is
downloaded: the tokenizer is trained here on a few Korean and English lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_CORPUS = [
    "대한민국의 수도는 서울입니다.",
    "한글은 세종대왕이 만들었습니다.",
    "삼성 갤럭시 스마트폰 리뷰를 요약합니다.",
    "배송이 빠르고 품질이 좋아요. 다시 살게요.",
    "질문: 해파리는 뇌가 있나요? 답: 아니요.",
    "The quick brown fox jumps over the lazy dog.",
    "Search queries with typos need rewriting.",
] * 20


def _tokenizer(directory: Path) -> Any:
    """A byte-level BPE tokenizer trained on `_CORPUS`, saved into `directory`."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = Tokenizer(models.BPE(unk_token=None))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=["<pad>", "<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator(_CORPUS, trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", pad_token="<pad>"
    )
    fast.save_pretrained(directory)
    return fast


def build_tiny_model(directory: Path, *, layers: int = 2, hidden: int = 64, seed: int = 0) -> Path:
    """Writes config, random weights and a byte-level BPE tokenizer into `directory`."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    fast = _tokenizer(directory)
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(fast),
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        bos_token_id=fast.bos_token_id,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id,
    )
    LlamaForCausalLM(config).save_pretrained(directory)
    return directory


def build_tiny_gemma3(directory: Path, *, layers: int = 2, hidden: int = 64, seed: int = 0) -> Path:
    """A random-weights Gemma 3 text model (the served architecture) with the tiny tokenizer.

    Its module names (`model.layers.N.self_attn.q_proj`, `mlp.gate_proj`, ...) are the real
    model's, so LoRA training and export plumbing run as on Gemma 3 270M.
    """
    import torch
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig

    fast = _tokenizer(directory)
    torch.manual_seed(seed)
    config = Gemma3TextConfig(
        vocab_size=len(fast),
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=1,
        head_dim=16,
        sliding_window=16,
        max_position_embeddings=512,
        bos_token_id=fast.bos_token_id,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id,
    )
    Gemma3ForCausalLM(config).save_pretrained(directory)
    return directory

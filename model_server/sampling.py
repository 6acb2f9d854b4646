"""Token sampling over a logits vector, shared by the CPU engines.

One implementation keeps greedy, temperature, top-k, top-p, repetition penalty and seeds
behaving identically across llama.cpp and transformers, and gives every engine the
log-probability of the chosen token for free.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from model_server.types import SamplingParams

# Looking at the largest few hundred logits first avoids sorting a 262k vocabulary per token;
# the full sort is only a fallback when the nucleus is wider than that.
_NUCLEUS_PROBE = 512


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Numerically stable log-softmax of a 1-D float array."""
    return logits - logsumexp(logits)


def logsumexp(values: np.ndarray) -> float:
    """log(sum(exp(values))) in one exp pass and no second full-size array."""
    top = float(np.max(values))
    scratch = np.subtract(values, top, dtype=np.float32)
    np.exp(scratch, out=scratch)
    return top + float(np.log(scratch.sum(dtype=np.float64)))


def apply_repetition_penalty(logits: np.ndarray, seen: Iterable[int], penalty: float) -> None:
    """CTRL-style penalty in place: positive logits divided, negative multiplied."""
    if penalty == 1.0:
        return
    ids = np.fromiter(set(seen), dtype=np.int64)
    if ids.size == 0:
        return
    values = logits[ids]
    logits[ids] = np.where(values > 0, values / penalty, values * penalty)


def _truncate_top_k(scores: np.ndarray, top_k: int) -> np.ndarray | None:
    """Indices of the top_k highest scores; None means the whole vocabulary."""
    if top_k <= 0 or top_k >= scores.size:
        return None
    return np.argpartition(scores, -top_k)[-top_k:]


def _top_slice(values: np.ndarray, top_p: float, norm: float) -> np.ndarray:
    """Indices of the largest values whose probability mass reaches top_p, widening the probe.

    `values - norm` are log-probabilities. Partitioning is linear, so probing 512, then
    4,096, then 32,768 candidates is far cheaper than sorting a 262k vocabulary, and real
    LM distributions rarely need more.
    """
    k = min(_NUCLEUS_PROBE, values.size)
    while True:
        idx = np.argpartition(values, -k)[-k:] if k < values.size else np.arange(values.size)
        if k >= values.size or np.exp(values[idx] - norm).sum() >= top_p:
            return idx
        k = min(values.size, k * 8)


def _truncate_top_p(scores: np.ndarray, pool: np.ndarray | None, top_p: float, norm: float) -> np.ndarray:
    """The smallest set of tokens (within `pool`, None: all) whose probability reaches top_p.

    `scores - norm` are the log-probabilities; only the probed slice is ever normalised.
    """
    if top_p >= 1.0:
        return np.arange(scores.size) if pool is None else pool
    values = scores[pool] if pool is not None else scores
    idx = _top_slice(values, top_p, norm)
    order = idx[np.argsort(-values[idx], kind="stable")]
    keep = int(np.searchsorted(np.cumsum(np.exp(values[order] - norm)), top_p)) + 1
    chosen = order[:keep]
    return chosen if pool is None else pool[chosen]


class Sampler:
    """Per-sequence sampler with its own seeded random generator.

    Args:
        params: Validated sampling parameters.
        seed: Seed for this sequence (candidates of one request get different seeds).
    """

    def __init__(self, params: SamplingParams, seed: int | None) -> None:
        self._params = params
        self._rng = np.random.default_rng(seed)

    def sample(self, logits: np.ndarray, seen: Iterable[int]) -> tuple[int, float]:
        """Chooses the next token.

        Args:
            logits: Raw logits of the last position (not modified).
            seen: Token ids the repetition penalty applies to (prompt and output).

        Returns:
            The token id and its log-probability under the temperature-scaled distribution.
        """
        p = self._params
        work = logits.astype(np.float32, copy=p.repetition_penalty != 1.0)  # penalty edits in place
        apply_repetition_penalty(work, seen, p.repetition_penalty)
        if p.greedy:
            token = int(np.argmax(work))
            return token, float(work[token]) - logsumexp(work)
        scaled = np.multiply(work, np.float32(1.0 / p.temperature), dtype=np.float32)
        norm = logsumexp(scaled)
        pool = _truncate_top_k(scaled, p.top_k)
        candidates = _truncate_top_p(scaled, pool, p.top_p, norm)
        logprobs = scaled[candidates] - norm
        weights = np.exp(logprobs - logprobs.max())
        choice = int(self._rng.choice(candidates.size, p=weights / weights.sum()))
        return int(candidates[choice]), float(logprobs[choice])

"""From start/end logits of windows to answer spans: n-best decoding and particle stripping.

Per window the ``n_best`` highest start and end logits over passage tokens are paired
(end >= start, at most ``max_answer_tokens`` tokens), scored start + end logit, and mapped
to character spans of the passage. The spans of every window of a question are pooled,
duplicates kept once at their best score, and a softmax over the pool gives a
probability-like confidence. A Korean answer span read from subword tokens often ends in a
particle glued to the last token ("프레디 머큐리가"), so trailing particles and copula
endings are stripped with Kiwi (`searchlm.text`), never a noun. Kiwi reads the span with the
few characters that follow it in the passage, as the word stands there: alone, "가상원자로"
reads as 가상 원자 + 로 (a particle), in "가상원자로(virtual reactor)를" as 원자로.
Finally the question's asked shape is preferred (`searchlm.reader.shape`: a count with its
counter, a year).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from searchlm import text as korean
from searchlm.reader.features import Window
from searchlm.reader.shape import answer_shape, prefer_shape
from searchlm.reader.types import SpanAnswer

# Characters after a span that Kiwi reads with it (the rest of its word and a little more).
_CONTEXT_CHARS = 8


@dataclass(frozen=True)
class DecodeSettings:
    """How spans are chosen.

    Attributes:
        n_best: start and end positions tried per window, and spans pooled per question.
        max_answer_tokens: longest answer, in tokens.
        strip_particles: strip trailing particles / copula endings (Kiwi).
        shape_ratio: a span of the shape the question asks for (a count, a year) is
            preferred to the best span when its confidence is at least this share of the
            best one's (`searchlm.reader.shape`); above 1 turns the preference off. 0.3 was
            chosen on the reader's tune articles (EM 0.634-0.637 from 0.1 to 0.5 there, 0.625 without).
    """

    n_best: int = 20
    max_answer_tokens: int = 30
    strip_particles: bool = True
    shape_ratio: float = 0.3

    def __post_init__(self) -> None:
        if self.n_best < 1 or self.max_answer_tokens < 1:
            raise ValueError(f"n_best ({self.n_best}) and max_answer_tokens must be >= 1")


@dataclass(frozen=True)
class Candidate:
    """A span before stripping: passage index, character span, score and its window's null score."""

    passage: int
    start: int
    end: int
    score: float
    null_score: float


def window_candidates(
    start_logits: np.ndarray, end_logits: np.ndarray, window: Window, settings: DecodeSettings
) -> list[Candidate]:
    """The n-best spans of one window.

    Args:
        start_logits: ``(len(window.input_ids),)`` start logits (padding may follow).
        end_logits: the end logits, same shape.
        window: the window they were computed on.
        settings: n-best size and answer length limit.

    Returns:
        Spans over passage tokens with a non-empty character span, best first.
    """
    off = window.context_offset
    starts, ends = np.asarray(window.token_starts), np.asarray(window.token_ends)
    ok = np.flatnonzero(starts < ends)
    if ok.size == 0:
        return []
    s_log = np.asarray(start_logits, dtype=np.float64)[off : off + len(starts)]
    e_log = np.asarray(end_logits, dtype=np.float64)[off : off + len(starts)]
    top_s = ok[np.argsort(-s_log[ok], kind="stable")[: settings.n_best]]
    top_e = ok[np.argsort(-e_log[ok], kind="stable")[: settings.n_best]]
    length = top_e[None, :] - top_s[:, None] + 1
    score = s_log[top_s][:, None] + e_log[top_e][None, :]
    allowed = (length >= 1) & (length <= settings.max_answer_tokens)
    owners = np.asarray(window.token_passages or [window.passage] * len(starts))
    allowed &= owners[top_s][:, None] == owners[top_e][None, :]  # a span stays in one passage
    score = np.where(allowed, score, -np.inf)
    null = float(start_logits[0] + end_logits[0])
    out = []
    for flat in np.argsort(-score, axis=None, kind="stable")[: settings.n_best]:
        i, j = np.unravel_index(flat, score.shape)
        if not np.isfinite(score[i, j]):
            break
        s, e = int(top_s[i]), int(top_e[j])
        out.append(Candidate(int(owners[s]), int(starts[s]), int(ends[e]), float(score[i, j]), null))
    return out


def pool_candidates(
    logits: Sequence[tuple[np.ndarray, np.ndarray]], windows: Sequence[Window], settings: DecodeSettings
) -> list[Candidate]:
    """The ``n_best`` best distinct spans over all windows of one question, best first.

    A span seen in two overlapping windows is kept once, with its higher score.
    """
    best: dict[tuple[int, int, int], Candidate] = {}
    for (s_log, e_log), window in zip(logits, windows, strict=True):
        for c in window_candidates(s_log, e_log, window, settings):
            key = (c.passage, c.start, c.end)
            if key not in best or c.score > best[key].score:
                best[key] = c
    return sorted(best.values(), key=lambda c: -c.score)[: settings.n_best]


def softmax(scores: Sequence[float]) -> np.ndarray:
    """Numerically stable softmax (empty in, empty out)."""
    x = np.asarray(scores, dtype=np.float64)
    if x.size == 0:
        return x
    e = np.exp(x - x.max())
    return e / e.sum()


# Tags kept at the end of an answer: nouns, numbers, foreign words, hanja, closing brackets.
_CONTENT_END = ("NN", "NR", "NP", "SN", "SL", "SH", "SSC", "XSN", "NF")


def _kept_length(span: str, tokens: Sequence[korean.Token]) -> int:
    """Length of ``span`` once trailing particles, punctuation and copula endings are cut."""
    toks, cut = list(tokens), len(tokens)
    while cut:
        tag = toks[cut - 1].tag
        if tag.startswith("J") or tag in ("SF", "SP"):
            cut -= 1
            continue
        k = cut
        while k and toks[k - 1].tag.startswith("E"):
            k -= 1
        if k < cut and k and toks[k - 1].tag == "VCP":
            cut = k - 1
            continue
        break
    if cut == len(toks) or cut == 0 or not toks[cut - 1].tag.startswith(_CONTENT_END):
        return len(span)
    return len(span[: toks[cut].start].rstrip()) or len(span)


def strip_particles(spans: Sequence[str], follows: Sequence[str] | None = None) -> list[str]:
    """Answer spans without trailing particles or copula endings.

    "프레디 머큐리가" -> "프레디 머큐리", "1443년에" -> "1443년", "조선의 왕이다" -> "조선의 왕".
    A span is left whole unless what remains ends in a noun, number, foreign word or
    closing bracket, so a noun or a verb is never cut ("만들었다" stays).

    Args:
        spans: answer texts.
        follows: the text right after each span in its passage (a few characters), read
            with it so that Kiwi sees the word as it stands; a morpheme that runs past the
            span's end leaves the span whole.

    Returns:
        The stripped texts, each a prefix of its span.
    """
    after = list(follows) if follows is not None else [""] * len(spans)
    analysed = korean.tokenize_many([s + f for s, f in zip(spans, after, strict=True)])
    return [span[: _kept_in(span, toks)] for span, toks in zip(spans, analysed, strict=True)]


def _kept_in(span: str, tokens: Sequence[korean.Token]) -> int:
    """:func:`_kept_length` over the morphemes that lie inside ``span``."""
    n = len(span)
    if any(t.start < n < t.start + t.len for t in tokens):
        return n
    inside = [t for t in tokens if t.start + t.len <= n]
    return _kept_length(span, inside) if inside else n


def to_answers(
    candidates: Sequence[Candidate],
    passages: Sequence[str],
    top_k: int,
    *,
    strip: bool = True,
    question: str = "",
    shape_ratio: float = DecodeSettings.shape_ratio,
) -> list[SpanAnswer]:
    """The ``top_k`` best answers of one question's pooled candidates.

    Confidence is the softmax over the pool; spans that strip to the same text in the
    same place are merged (confidences summed, best score kept). With ``question``, a span
    of the shape it asks for is preferred (see :mod:`searchlm.reader.shape`).

    Args:
        candidates: pooled candidates, best first (see :func:`pool_candidates`).
        passages: the passages the candidates index into.
        top_k: answers to return.
        strip: strip trailing particles (see :func:`strip_particles`).
        question: the question ("": no shape preference).
        shape_ratio: see :class:`DecodeSettings`.

    Returns:
        At most ``top_k`` answers, by confidence (a preferred shaped answer first).
    """
    probs = softmax([c.score for c in candidates])
    raw = [passages[c.passage][c.start : c.end] for c in candidates]
    follows = [passages[c.passage][c.end : c.end + _CONTEXT_CHARS] for c in candidates]
    texts = strip_particles(raw, follows) if strip and raw else raw
    merged: dict[tuple[int, int, int], SpanAnswer] = {}
    for c, p, t in zip(candidates, probs, texts, strict=True):
        key = (c.passage, c.start, c.start + len(t))
        if key in merged:  # candidates come best first: the first one keeps its score
            merged[key] = replace(merged[key], confidence=merged[key].confidence + float(p))
        else:
            merged[key] = SpanAnswer(t, c.passage, c.start, c.start + len(t), c.score, float(p), c.null_score)
    ranked = sorted(merged.values(), key=lambda a: (-a.confidence, -a.score))
    if question:
        ranked = prefer_shape(ranked, answer_shape(question), shape_ratio)
    return ranked[:top_k]

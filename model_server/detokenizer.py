"""Incremental, Korean-safe detokenisation.

Engines emit token ids one at a time. A byte-level tokenizer can split one Hangul syllable
(3 UTF-8 bytes) over two or three tokens; a naive `decode([token])` then streams U+FFFD
replacement characters to the client (a known TensorRT-LLM/Triton bug class). The
detokenizers here only ever release whole characters, and `HangulHoldback` also holds back
conjoining jamo (U+1100..U+11A7) until the syllable they start is complete.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable, Sequence
from typing import Protocol

_REPLACEMENT = "\ufffd"


class IncrementalDetokenizer(Protocol):
    """Turns a stream of token ids into a stream of safe text pieces."""

    def push(self, token_id: int) -> str:
        """Adds one token; returns the text that is now complete (maybe empty)."""
        ...

    def flush(self) -> str:
        """Returns whatever is still held back, at the end of the sequence."""
        ...


def _is_open_jamo(ch: str) -> bool:
    # Leading consonants and vowels of the conjoining block can still be joined by a
    # following vowel or trailing consonant; trailing consonants close the syllable.
    return "\u1100" <= ch <= "\u11a7"


def _has_conjoining(text: str) -> bool:
    return any("\u1100" <= ch <= "\u11ff" for ch in text)


class HangulHoldback:
    """Holds back trailing conjoining jamo and composes complete syllables (NFC)."""

    def __init__(self) -> None:
        self._pending = ""

    def push(self, text: str) -> str:
        """Adds text; returns the part whose syllables are complete."""
        text = self._pending + text
        cut = len(text)
        while cut > 0 and _is_open_jamo(text[cut - 1]):
            cut -= 1
        self._pending = text[cut:]
        return self._compose(text[:cut])

    def flush(self) -> str:
        """Returns the held-back jamo."""
        out, self._pending = self._pending, ""
        return self._compose(out)

    @staticmethod
    def _compose(text: str) -> str:
        return unicodedata.normalize("NFC", text) if _has_conjoining(text) else text


class ByteDetokenizer:
    """Detokenizer for engines that map each token to raw bytes (llama.cpp).

    An incremental UTF-8 decoder keeps incomplete multi-byte sequences until the next token
    completes them; only truly invalid bytes become U+FFFD, and only at flush time.
    """

    def __init__(self, token_bytes: Callable[[int], bytes]) -> None:
        self._token_bytes = token_bytes
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._hangul = HangulHoldback()

    def push(self, token_id: int) -> str:
        """Adds one token's bytes."""
        return self._hangul.push(self._decoder.decode(self._token_bytes(token_id), final=False))

    def flush(self) -> str:
        """Releases held bytes (as U+FFFD if they never formed a character)."""
        tail = self._decoder.decode(b"", final=True)
        return self._hangul.push(tail) + self._hangul.flush()


class TextDiffDetokenizer:
    """Detokenizer for engines with a sequence-level `decode` (Hugging Face tokenizers).

    Decodes a short window of recent tokens and releases the new suffix only when it does
    not end in U+FFFD, the mark of a character still split across tokens. The window keeps
    the cost per token constant while letting SentencePiece place leading spaces right.
    """

    def __init__(self, decode: Callable[[Sequence[int]], str]) -> None:
        self._decode = decode
        self._ids: list[int] = []
        self._prefix_offset = 0
        self._read_offset = 0
        self._hangul = HangulHoldback()

    def push(self, token_id: int) -> str:
        """Adds one token."""
        self._ids.append(token_id)
        prefix = self._decode(self._ids[self._prefix_offset : self._read_offset])
        full = self._decode(self._ids[self._prefix_offset :])
        if len(full) <= len(prefix) or full.endswith(_REPLACEMENT):
            return ""
        self._prefix_offset, self._read_offset = self._read_offset, len(self._ids)
        return self._hangul.push(full[len(prefix) :])

    def flush(self) -> str:
        """Releases the rest, replacement characters included."""
        prefix = self._decode(self._ids[self._prefix_offset : self._read_offset])
        full = self._decode(self._ids[self._prefix_offset :])
        self._prefix_offset = self._read_offset = len(self._ids)
        return self._hangul.push(full[len(prefix) :]) + self._hangul.flush()

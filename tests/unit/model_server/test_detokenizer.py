"""Korean-safe incremental detokenisation."""

from __future__ import annotations

import unicodedata

from model_server.detokenizer import ByteDetokenizer, HangulHoldback, TextDiffDetokenizer


def _stream_bytes(text: str) -> list[str]:
    detok = ByteDetokenizer(lambda t: bytes([t]))
    pieces = [detok.push(b) for b in text.encode()]
    return [*pieces, detok.flush()]


def test_byte_detokenizer_never_emits_broken_hangul_when_syllable_split_over_tokens() -> None:
    pieces = _stream_bytes("한글 검색")
    assert "".join(pieces) == "한글 검색"
    assert all("\ufffd" not in p for p in pieces)
    # A three-byte syllable comes out whole, on its third byte, never in parts.
    assert pieces[:3] == ["", "", "한"]


def test_byte_detokenizer_replaces_truly_invalid_bytes_only_at_flush() -> None:
    detok = ByteDetokenizer(lambda t: bytes([t]))
    assert detok.push(0xED) == ""  # first byte of a 3-byte sequence that never completes
    assert detok.flush() == "\ufffd"


def test_text_diff_detokenizer_holds_back_replacement_character_until_complete() -> None:
    # A decode that only knows bytes: tokens are bytes of the text.
    data = "가나다".encode()

    def decode(ids: list[int]) -> str:
        return bytes(ids).decode("utf-8", errors="replace")

    detok = TextDiffDetokenizer(decode)
    out = [detok.push(b) for b in data]
    assert "".join(out) + detok.flush() == "가나다"
    assert all("\ufffd" not in piece for piece in out)


def test_hangul_holdback_composes_conjoining_jamo_before_release() -> None:
    decomposed = unicodedata.normalize("NFD", "한국")  # ᄒ ᅡ ᆫ ᄀ ᅮ ᆨ
    holdback = HangulHoldback()
    released = [holdback.push(ch) for ch in decomposed]
    released.append(holdback.flush())
    assert "".join(released) == "한국"
    assert all(unicodedata.is_normalized("NFC", piece) for piece in released)
    assert released[0] == ""  # a lone leading consonant is never sent on its own


def test_hangul_holdback_passes_compatibility_jamo_through() -> None:
    holdback = HangulHoldback()
    assert holdback.push("ㅋㅋㅋ") == "ㅋㅋㅋ"

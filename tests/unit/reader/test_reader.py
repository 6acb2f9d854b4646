"""The reader end to end with a random span head (no trained artefact needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from searchlm.reader.decode import DecodeSettings
from searchlm.reader.features import WindowSettings
from searchlm.reader.modeling import (
    ReaderArtefactConfig,
    export_reader,
    load_reader_model,
    new_reader_model,
    read_reader_config,
    write_reader_config,
)
from searchlm.reader.reader import ExtractiveReader

PASSAGES = [
    "훈민정음은 조선의 제4대 임금 세종이 1443년에 창제한 문자이다.",
    "이 문단은 읽기 창을 여러 개로 나누기 위해 되풀이되는 아주 긴 문장이다. " * 400,
]


@pytest.fixture(scope="module")
def tiny_reader(e5_image) -> ExtractiveReader:
    torch.set_num_threads(1)
    model = new_reader_model(e5_image, ReaderArtefactConfig(num_layers=2), seed=0)
    return ExtractiveReader(
        model,
        e5_image.vocab,
        windows=WindowSettings(max_length=96, doc_stride=16, max_question_tokens=24),
        decode=DecodeSettings(n_best=5, max_answer_tokens=8),
        device="cpu",
        dtype="float32",
        batch_size=4,
        max_windows=6,
    )


def test_read_returns_spans_of_the_passages_even_with_an_oversize_passage_and_question(
    tiny_reader: ExtractiveReader,
) -> None:
    question = "훈민정음을 만든 임금은 누구인가? " * 30
    answers = tiny_reader.read(question, PASSAGES, top_k=3)
    assert 1 <= len(answers) <= 3
    for a in answers:
        assert a.passage_index in (0, 1) and PASSAGES[a.passage_index][a.start : a.end] == a.text
        assert 0.0 < a.confidence <= 1.0
    assert tiny_reader.read("질문", [], top_k=2) == [] == tiny_reader.read("질문", ["", "  "], top_k=2)


def test_read_many_matches_read_one_by_one(tiny_reader: ExtractiveReader) -> None:
    items = [("세종이 만든 문자는?", PASSAGES[:1]), ("언제 창제했나?", PASSAGES[:1])]
    batched = tiny_reader.read_many(items, top_k=2)
    single = [tiny_reader.read(q, ps, top_k=2) for q, ps in items]
    assert [[a.text for a in r] for r in batched] == [[a.text for a in r] for r in single]


@pytest.mark.slow
def test_an_exported_reader_loads_with_the_same_weights(e5_image, tmp_path: Path) -> None:
    cfg = ReaderArtefactConfig(num_layers=1, max_length=96, doc_stride=16, max_question_tokens=24)
    model = new_reader_model(e5_image, cfg, seed=1)
    out = export_reader(model, cfg, tmp_path / "art")
    loaded, cfg2, _ = load_reader_model(out)
    assert cfg2 == cfg and "encoder.embeddings.word_embeddings.weight" not in _saved_names(out)
    assert torch.allclose(loaded.head.weight, model.head.weight.half().float())
    reader = ExtractiveReader.from_artefact(out, device="cpu", dtype="float32", max_windows=2)
    assert reader.windows == WindowSettings(96, 16, 24)
    assert reader.read("세종이 만든 문자는?", PASSAGES[:1], top_k=1)


def test_loading_refuses_other_base_weights_or_a_missing_artefact(e5_image, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no reader artefact"):
        load_reader_model(tmp_path / "nothing")
    cfg = ReaderArtefactConfig(num_layers=1)
    out = export_reader(new_reader_model(e5_image, cfg, seed=1), cfg, tmp_path / "art")
    cfg.base_sha256 = "0" * 64
    write_reader_config(cfg, out)
    assert read_reader_config(out).base_sha256 == "0" * 64
    with pytest.raises(RuntimeError, match="differs from the base weights"):
        load_reader_model(out)


def _saved_names(art: Path) -> set[str]:
    from safetensors import safe_open

    with safe_open(str(art / "model.safetensors"), "pt") as fh:
        return set(fh.keys())


def test_short_passages_are_read_in_one_packed_window_and_answers_name_their_passage(
    tiny_reader: ExtractiveReader,
) -> None:
    short = [
        "세종은 조선의 제4대 임금이다.",
        "",
        "훈민정음은 1443년에 창제되었다.",
        "집현전 학자들이 도왔다.",
    ]
    question = "훈민정음은 언제 창제되었나?"
    windows = tiny_reader._windows([(question, short)])[0]
    assert len(windows) == 1 and set(windows[0].token_passages) == {0, 2, 3}
    answers = tiny_reader.read(question, short, top_k=5)
    assert answers
    for a in answers:
        assert short[a.passage_index][a.start : a.end] == a.text
    tiny_reader.pack = False
    try:
        assert len(tiny_reader._windows([(question, short)])[0]) == 3
    finally:
        tiny_reader.pack = True

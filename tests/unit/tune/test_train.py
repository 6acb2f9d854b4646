"""`python -m searchlm.tune train/export` on a tiny random Gemma 3 (plumbing, not quality)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("peft", reason="peft is in the cpu extra")
pytest.importorskip("gguf", reason="gguf is in the cpu extra")
pytest.importorskip("torch")

import torch
from safetensors.numpy import load_file
from typer.testing import CliRunner

from searchlm.tune import train as train_module
from searchlm.tune.cli import app
from searchlm.tune.gguf_lora import read_gguf_lora
from tests.tiny_model import build_tiny_gemma3

TASK = "tests.unit.tune.fakes:TINY_TASK"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_gemma3(tmp_path_factory.mktemp("tiny-gemma3"))


def _args(base: Path, out: Path, steps: int) -> list[str]:
    args = ["train", "--task", TASK, "--out", str(out), "--base", str(base), "--steps", str(steps)]
    args += ["--batch", "2", "--accum", "2", "--rank", "4", "--alpha", "8", "--lr", "0.01"]
    return [*args, "--checkpoint-every", "1", "--dev-examples", "2", "--threads", "1"]


def _train(base: Path, out: Path, steps: int) -> dict:
    result = CliRunner().invoke(app, _args(base, out, steps))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return json.loads((out / "metrics.json").read_text())


def _step(out: Path) -> int:
    return int(torch.load(out / "checkpoint" / "state.pt", weights_only=False)["step"])


def test_train_checkpoints_resumes_and_exports_a_gguf_lora(tiny_base: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    first = _train(tiny_base, out, 2)
    assert first["steps"] == 2 and _step(out) == 2 and len(first["loss_curve"]) == 2
    assert first["dev_exact_match"] is not None and first["train_examples"] == 8
    second = _train(tiny_base, out, 3)
    assert second["steps"] == 3 and _step(out) == 3
    assert second["loss_curve"][:2] == first["loss_curve"]

    gguf_out = tmp_path / "adapters" / "tiny-rewrite"
    result = CliRunner().invoke(app, ["export", "--run", str(out), "--out", str(gguf_out)])
    assert result.exit_code == 0, result.output
    lora = read_gguf_lora(gguf_out.with_suffix(".gguf"))
    assert (lora.architecture, lora.alpha, lora.rank) == ("gemma3", 8.0, 4)
    assert (lora.task, lora.base_model, lora.base_sha256) == (TASK, tiny_base.name, "")
    peft = load_file(out / "checkpoint" / "adapter_model.safetensors")
    assert len(lora.tensors) == 2 * 7
    a, b = lora.tensors["model.layers.1.mlp.down_proj"]
    np.testing.assert_allclose(
        a, peft["base_model.model.model.layers.1.mlp.down_proj.lora_A.weight"], atol=1e-3
    )
    np.testing.assert_allclose(
        b, peft["base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"], atol=1e-3
    )
    card = gguf_out.with_suffix(".md").read_text()
    assert "python -m searchlm.tune train" in card and "| steps | 3 " in card


def test_run_killed_and_rerun_matches_an_uninterrupted_one(
    tiny_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_step, calls = train_module._optimizer_step, []

    def dies_at_third_step(run: Any, settings: Any) -> float:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_step(run, settings)

    with monkeypatch.context() as patch:
        patch.setattr(train_module, "_optimizer_step", dies_at_third_step)
        result = CliRunner().invoke(app, _args(tiny_base, tmp_path / "split", 4))
    assert result.exit_code != 0 and _step(tmp_path / "split") == 2
    _train(tiny_base, tmp_path / "split", 4)
    _train(tiny_base, tmp_path / "whole", 4)
    split = load_file(tmp_path / "split" / "checkpoint" / "adapter_model.safetensors")
    whole = load_file(tmp_path / "whole" / "checkpoint" / "adapter_model.safetensors")
    assert split.keys() == whole.keys()
    for key in split:
        np.testing.assert_allclose(split[key], whole[key], rtol=1e-5, atol=1e-6, err_msg=key)


def test_rerun_with_other_settings_is_refused(tiny_base: Path, tmp_path: Path) -> None:
    _train(tiny_base, tmp_path / "run", 1)
    args = ["train", "--task", TASK, "--out", str(tmp_path / "run"), "--base", str(tiny_base)]
    result = CliRunner().invoke(app, [*args, "--steps", "2", "--rank", "8"])
    assert result.exit_code != 0
    assert "other settings" in str(result.exception)


def test_collate_left_pads_and_labels_only_target_tokens() -> None:
    from searchlm.tune.data import Encoded
    from searchlm.tune.train import collate

    batch = collate([Encoded((5, 6, 7, 8), 3), Encoded((5, 9, 10, 11, 12, 13), 4)], pad_id=0)
    assert batch.input_ids.tolist() == [[0, 0, 5, 6, 7, 8], [5, 9, 10, 11, 12, 13]]
    assert batch.position_ids.tolist() == [[0, 0, 0, 1, 2, 3], [0, 1, 2, 3, 4, 5]]
    assert batch.labels.tolist() == [[-100] * 5 + [8], [-100] * 4 + [12, 13]]
    assert batch.keep == 3


def test_target_loss_on_kept_logits_equals_the_full_sequence_loss(tiny_base: Path) -> None:
    from transformers import AutoModelForCausalLM

    from searchlm.tune.data import Encoded
    from searchlm.tune.train import collate, target_loss

    model = AutoModelForCausalLM.from_pretrained(tiny_base)
    batch = collate([Encoded((1, 40, 41, 42, 43), 3), Encoded((1, 50, 51, 52, 53, 54, 55), 4)], pad_id=0)
    with torch.no_grad():
        kept = target_loss(model, batch)
        logits = model(
            input_ids=batch.input_ids, attention_mask=batch.attention_mask, position_ids=batch.position_ids
        ).logits
    full = torch.nn.functional.cross_entropy(
        logits[:, :-1].reshape(-1, logits.shape[-1]), batch.labels[:, 1:].reshape(-1), reduction="sum"
    )
    torch.testing.assert_close(kept, full, rtol=1e-5, atol=1e-5)


def test_init_from_a_gguf_lora_starts_from_its_weights_after_its_batches(
    tiny_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from searchlm.tune.data import BatchPlan
    from searchlm.tune.settings import TuneSettings

    _train(tiny_base, tmp_path / "first", 2)
    gguf_out = tmp_path / "adapters" / "tiny-rewrite"
    assert (
        CliRunner()
        .invoke(app, ["export", "--run", str(tmp_path / "first"), "--out", str(gguf_out)])
        .exit_code
        == 0
    )
    gguf = gguf_out.with_suffix(".gguf")

    settings = TuneSettings(task=TASK, base=tiny_base, rank=4, alpha=8, init_from=gguf)
    _, model = train_module._load_model(tiny_base, settings)
    from peft import get_peft_model_state_dict

    state = get_peft_model_state_dict(model)
    a, b = read_gguf_lora(gguf).tensors["model.layers.0.self_attn.q_proj"]
    np.testing.assert_allclose(state["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"], a)
    np.testing.assert_allclose(state["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"], b)
    assert float(np.abs(b).max()) > 0  # trained: B is no longer the zero init

    with pytest.raises(ValueError, match="rank"):
        train_module._load_model(
            tiny_base, TuneSettings(task=TASK, base=tiny_base, rank=2, alpha=8, init_from=gguf)
        )

    seen: list[int] = []
    real = BatchPlan.micro_batch

    def recording(plan: BatchPlan, index: int) -> list[int]:
        seen.append(index)
        return real(plan, index)

    monkeypatch.setattr(BatchPlan, "micro_batch", recording)
    result = CliRunner().invoke(
        app, [*_args(tiny_base, tmp_path / "second", 1), "--init-from", str(gguf), "--skip-batches", "4"]
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert seen[:2] == [4, 5]  # accum 2: the continued run's step 0 reads micro-batches 4 and 5
    metrics = json.loads((tmp_path / "second" / "metrics.json").read_text())
    assert metrics["init_from"] == str(gguf) and metrics["skip_batches"] == 4

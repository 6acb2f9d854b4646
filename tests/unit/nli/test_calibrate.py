"""Threshold calibration on the tune split (searchlm.nli.training.calibrate)."""

from __future__ import annotations

import numpy as np

from searchlm.nli.training.calibrate import calibrate


def test_the_lowest_threshold_reaching_the_target_precision_is_chosen() -> None:
    # four entailment pairs at 0.95/0.9/0.8/0.6, two neutral pairs that look entailed at 0.7/0.5
    probs = np.array(
        [
            [0.95, 0.04, 0.01],
            [0.90, 0.05, 0.05],
            [0.80, 0.10, 0.10],
            [0.60, 0.30, 0.10],
            [0.70, 0.20, 0.10],
            [0.50, 0.40, 0.10],
            [0.05, 0.05, 0.90],
        ]
    )
    gold = [0, 0, 0, 0, 1, 1, 2]
    cal = calibrate(gold, probs, target_precision=0.75)
    # at 0.60: predicted {0.95,0.9,0.8,0.6,0.7} -> 4/5 = 0.8 >= 0.75; at 0.50 4/6 < 0.75
    assert cal.entailment.threshold == 0.51
    assert cal.entailment.reached_target
    assert cal.entailment.recall == 1.0
    assert cal.contradiction.threshold == 0.3 and cal.contradiction.precision == 1.0
    assert cal.as_record()["summary"] == cal.entailment.threshold


def test_an_unreachable_target_keeps_the_most_precise_threshold_and_says_so() -> None:
    probs = np.array([[0.9, 0.05, 0.05], [0.95, 0.03, 0.02]])
    cal = calibrate([0, 1], probs, target_precision=0.99)
    assert not cal.entailment.reached_target
    assert cal.entailment.precision < 0.99

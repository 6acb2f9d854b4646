"""The reader's EM/F1 agree with the project's KorQuAD metrics in eval/metrics/qa.py."""

from __future__ import annotations

import pytest

from eval.metrics import qa
from searchlm.reader.training.metrics import char_f1, exact_match, normalize_answer, reader_report

PAIRS = [
    ("세종대왕", "세종대왕"),
    ("(서울)", "서울"),
    ("1,000원", "1000원"),
    ("프레디 머큐리가", "프레디 머큐리"),
    ("《훈민정음》", "훈민정음"),
    ("The Beatles", "the beatles"),
    ("", "서울"),
    ("서 울", "서울"),
]


@pytest.mark.parametrize(("prediction", "gold"), PAIRS)
def test_metrics_match_eval_metrics_qa(prediction: str, gold: str) -> None:
    assert normalize_answer(prediction) == qa.normalize_answer(prediction)
    assert exact_match(prediction, gold) == qa.exact_match(prediction, gold)
    assert char_f1(prediction, gold) == pytest.approx(qa.char_f1(prediction, gold))


def test_report_takes_the_best_gold_and_reports_both_variants() -> None:
    report = reader_report(["서울", "부산"], ["서울은", "부산"], [("서울", "서울특별시"), ("대구",)])
    assert report.n == 2 and report.exact_match == 0.5 and report.exact_match_unstripped == 0.0
    assert (
        report.f1_unstripped < report.f1 and report.exact_match_ci95[0] <= 0.5 <= report.exact_match_ci95[1]
    )


def test_report_rejects_no_questions() -> None:
    with pytest.raises(ValueError):
        reader_report([], [], [])

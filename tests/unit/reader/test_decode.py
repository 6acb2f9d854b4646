"""Span decoding from synthetic logits, and Korean particle stripping."""

from __future__ import annotations

import numpy as np
import pytest

from searchlm.reader.decode import (
    DecodeSettings,
    pool_candidates,
    strip_particles,
    to_answers,
    window_candidates,
)
from searchlm.reader.features import Window

PASSAGE = "프레디 머큐리가 1946년에 태어났다."
# tokens: 프레디 | 머큐리가 | 1946 | 년에 | 태어났다 | .   (context starts at input position 3)
STARTS = [0, 4, 9, 13, 16, 20]
ENDS = [3, 8, 13, 15, 20, 21]
OFFSET = 3


def _window(passage: int = 0, starts: list[int] = STARTS, ends: list[int] = ENDS) -> Window:
    return Window(passage, [0] * (OFFSET + len(starts) + 1), OFFSET, starts, ends)


def _logits(
    start_at: dict[int, float], end_at: dict[int, float], cls: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    n = OFFSET + len(STARTS) + 1
    s, e = np.full(n, -5.0), np.full(n, -5.0)
    s[0] = e[0] = cls
    for i, v in start_at.items():
        s[OFFSET + i] = v
    for i, v in end_at.items():
        e[OFFSET + i] = v
    return s, e


def test_the_best_start_and_end_make_the_span() -> None:
    s, e = _logits({0: 4.0}, {1: 3.0}, cls=1.5)
    best = window_candidates(s, e, _window(), DecodeSettings())[0]
    assert PASSAGE[best.start : best.end] == "프레디 머큐리가"
    assert best.score == pytest.approx(7.0) and best.null_score == pytest.approx(3.0)


def test_an_end_before_the_start_is_never_chosen() -> None:
    s, e = _logits({3: 6.0, 2: 1.0}, {1: 6.0, 3: 0.5})
    best = window_candidates(s, e, _window(), DecodeSettings())[0]
    assert (best.start, best.end) == (13, 15)  # start 3, end 3: the only pair with end >= start at 6+


def test_spans_longer_than_max_answer_tokens_are_dropped() -> None:
    s, e = _logits({0: 5.0, 2: 2.0}, {5: 5.0, 3: 1.0})
    settings = DecodeSettings(max_answer_tokens=2)
    spans = window_candidates(s, e, _window(), settings)
    assert spans and all(len([x for x in STARTS if c.start <= x < c.end]) <= 2 for c in spans)
    assert PASSAGE[spans[0].start : spans[0].end] == "1946년에"


def test_tokens_with_empty_spans_are_never_boundaries() -> None:
    starts, ends = [0, 4, 4, 9], [3, 4, 8, 13]  # token 1 is a bare "▁"
    s, e = _logits({1: 9.0, 2: 1.0}, {1: 9.0, 2: 1.0})
    spans = window_candidates(s, e, _window(starts=starts, ends=ends), DecodeSettings())
    assert all(c.start < c.end for c in spans) and (spans[0].start, spans[0].end) == (4, 8)


def test_a_span_seen_in_two_windows_is_pooled_once_at_its_best_score() -> None:
    low, high = _logits({0: 1.0}, {1: 1.0}), _logits({0: 3.0}, {1: 3.0})
    pool = pool_candidates([low, high], [_window(), _window()], DecodeSettings(n_best=5))
    spans = [(c.passage, c.start, c.end) for c in pool]
    assert len(spans) == len(set(spans)) and pool[0].score == pytest.approx(6.0)


def test_answers_are_stripped_merged_and_carry_confidences() -> None:
    s, e = _logits({0: 4.0}, {1: 3.5, 0: 3.0})
    pool = pool_candidates([(s, e)], [_window()], DecodeSettings())
    answers = to_answers(pool, [PASSAGE], top_k=3)
    top = answers[0]
    assert top.text == "프레디 머큐리" and PASSAGE[top.start : top.end] == top.text
    assert [a.confidence for a in answers] == sorted((a.confidence for a in answers), reverse=True)
    assert 0.0 < sum(a.confidence for a in answers) <= 1.0 + 1e-9
    raw = to_answers(pool, [PASSAGE], top_k=1, strip=False)[0]
    assert raw.text == "프레디 머큐리가"


def test_no_candidates_give_no_answers() -> None:
    assert to_answers([], ["아무 문장"], top_k=3) == []


STRIP_CASES = [
    ("프레디 머큐리가", "프레디 머큐리"),
    ("1443년에", "1443년"),
    ("이순신은", "이순신"),
    ("조선의 왕이다", "조선의 왕"),
    ("세종대왕이었다", "세종대왕"),
    ("대한민국의 수도인", "대한민국의 수도"),
    ("《훈민정음》을", "《훈민정음》"),
    ("것이다.", "것"),
    ("한국과", "한국"),
    # left whole: nouns, numbers, verbs, and a name Kiwi reads as determiner + particle
    ("서울특별시", "서울특별시"),
    ("1989년 2월 15일", "1989년 2월 15일"),
    ("아시아나항공", "아시아나항공"),
    ("만들었다", "만들었다"),
    ("이도", "이도"),
    ("가", "가"),
]


@pytest.mark.parametrize(("span", "expected"), STRIP_CASES)
def test_strip_particles(span: str, expected: str) -> None:
    pytest.importorskip("kiwipiepy", reason="kiwipiepy is in the cpu extra")
    assert strip_particles([span]) == [expected]


# (span, what follows it in the passage, expected): Kiwi reads the word as it stands.
CONTEXT_CASES = [
    ("가상원자로", "(virtual reactor)를", "가상원자로"),  # alone: 가상 원자 + 로 (particle)
    ("태평고", "(太平鼓)로, ", "태평고"),
    ("프레디 머큐리가", " 작곡했다.", "프레디 머큐리"),
    ("1443년에", " 만들었다", "1443년"),
    ("가상원자", "로를 개발", "가상원자"),  # the span ends inside a word: left whole
]


@pytest.mark.parametrize(("span", "follow", "expected"), CONTEXT_CASES)
def test_strip_particles_reads_the_word_in_its_passage(span: str, follow: str, expected: str) -> None:
    pytest.importorskip("kiwipiepy", reason="kiwipiepy is in the cpu extra")
    assert strip_particles([span], [follow]) == [expected]


def test_to_answers_prefers_the_shape_the_question_asks_for() -> None:
    pytest.importorskip("kiwipiepy", reason="kiwipiepy is in the cpu extra")
    passage = "119 대원 5명과 개 2마리를 보낸 뒤 102명을 더 보냈다."
    long_span = (0, passage.index("102명") + 4)
    short = (passage.index("102명"), passage.index("102명") + 4)
    from searchlm.reader.decode import Candidate

    pool = [Candidate(0, *long_span, 5.0, 0.0), Candidate(0, *short, 4.0, 0.0)]
    asked = to_answers(pool, [passage], 2, question="몇 명을 더 보냈는가?")
    assert asked[0].text == "102명"
    assert passage[asked[0].start : asked[0].end] == "102명"
    plain = to_answers(pool, [passage], 2, question="무엇을 보냈는가?")
    assert plain[0].text.startswith("119 대원")
    off = to_answers(pool, [passage], 2, question="몇 명을 더 보냈는가?", shape_ratio=1.01)
    assert off[0].text.startswith("119 대원")


def test_a_packed_window_never_answers_across_two_passages() -> None:
    # tokens 0-2 belong to passage 4, tokens 3-5 to passage 7 (offsets into each passage)
    window = Window(
        4,
        [0] * (OFFSET + 7),
        OFFSET,
        [0, 4, 9, 0, 3, 8],
        [3, 8, 13, 2, 7, 9],
        token_passages=(4, 4, 4, 7, 7, 7),
    )
    s, e = _logits({1: 6.0, 4: 2.0}, {4: 6.0, 5: 1.0, 2: 0.5})
    spans = window_candidates(s, e, window, DecodeSettings())
    assert spans and all(c.passage in (4, 7) for c in spans)
    best = spans[0]
    assert (best.passage, best.start, best.end) == (7, 3, 7)  # start 1 + end 4 crosses: dropped
    assert all(not (c.passage == 4 and c.end > 13) for c in spans)
    crossing = {(4, 4, 7), (4, 4, 9)}  # passage 4's start with passage 7's end offsets
    assert not crossing & {(c.passage, c.start, c.end) for c in spans}

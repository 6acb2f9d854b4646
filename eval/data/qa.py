"""Question-answering items from SQuAD/KorQuAD JSON or JSONL.

JSONL, one object per line::

    {"id": "q1", "question": "...", "answers": ["..."],
     "gold_passage_ids": ["p7"], "answer_type": "extractive"}

``answer_type`` is ``extractive`` (default), ``yes_no`` or ``unanswerable``
(implied by an empty ``answers``). In SQuAD files each paragraph's id is
``<title>#<paragraph index>`` (see :func:`squad_passage_id`), so a retriever
indexing the same file can report ids that match.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.data import check_unique_ids
from eval.readers import Record, load_json, read_jsonl

ANSWER_TYPES = ("extractive", "yes_no", "unanswerable")


@dataclass(frozen=True)
class QaItem:
    """A question with its gold answers and gold passages.

    Attributes:
        id: Question id.
        question: Question text.
        answers: Acceptable answers (empty when unanswerable).
        gold_passage_ids: Passages that contain the answer (may be empty).
        answer_type: ``extractive``, ``yes_no`` or ``unanswerable``.
        line: Line in a JSONL file (``None`` for SQuAD JSON).
    """

    id: str
    question: str
    answers: tuple[str, ...]
    gold_passage_ids: tuple[str, ...] = ()
    answer_type: str = "extractive"
    line: int | None = None


def squad_passage_id(title: str, paragraph_index: int) -> str:
    """Passage id convention for SQuAD-format files: ``<title>#<index>``."""
    return f"{title}#{paragraph_index}"


def _from_record(record: Record) -> QaItem:
    answers = record.text_list("answers")
    answer_type = record.optional_text("answer_type") or ("extractive" if answers else "unanswerable")
    if answer_type not in ANSWER_TYPES:
        raise record.error(f"answer_type {answer_type!r} is not one of {', '.join(ANSWER_TYPES)}")
    if answer_type != "unanswerable" and not answers:
        raise record.error(f"answer_type {answer_type!r} needs a non-empty 'answers' list")
    return QaItem(
        id=record.ident(),
        question=record.text("question"),
        answers=answers,
        gold_passage_ids=record.text_list("gold_passage_ids", required=False),
        answer_type=answer_type,
        line=record.line,
    )


def load_jsonl(path: Path) -> list[QaItem]:
    """Read the project's QA JSONL format."""
    return check_unique_ids(path, [_from_record(record) for record in read_jsonl(path)])


def _object(path: Path, value: Any, where: str) -> Record:
    if not isinstance(value, dict):
        raise Record(path, None, {}, where).error("expected a JSON object")
    return Record(path, None, value, where)


def _list(record: Record, name: str) -> list[Any]:
    value = record.data.get(name)
    if not isinstance(value, list):
        raise record.error(f"missing field {name!r} (expected a list)")
    return value


def _squad_qa(record: Record, passage_id: str) -> QaItem:
    answers = tuple(
        _object(record.path, a, record.location or "").text("text") for a in _list(record, "answers")
    )
    return QaItem(
        id=record.ident(),
        question=record.text("question"),
        answers=answers,
        gold_passage_ids=(passage_id,),
        answer_type="extractive" if answers else "unanswerable",
    )


def load_squad(path: Path) -> list[QaItem]:
    """Read SQuAD v1.1 / KorQuAD 1.0 JSON (errors name the JSON path)."""
    root = _object(path, load_json(path), "top level")
    items = []
    for a, article_value in enumerate(_list(root, "data")):
        article = _object(path, article_value, f"data[{a}]")
        title = article.text("title")
        for p, paragraph_value in enumerate(_list(article, "paragraphs")):
            paragraph = _object(path, paragraph_value, f"data[{a}].paragraphs[{p}]")
            for q, qa_value in enumerate(_list(paragraph, "qas")):
                qa = _object(path, qa_value, f"data[{a}].paragraphs[{p}].qas[{q}]")
                items.append(_squad_qa(qa, squad_passage_id(title, p)))
    return check_unique_ids(path, items)


FORMATS = {"squad": load_squad, "jsonl": load_jsonl}
SUFFIX_FORMATS = {".json": "squad", ".jsonl": "jsonl"}

"""KorQuAD 1.0 dev as the reader's only Korean extractive-QA data, split by article.

No Korean QA training set is available here (see ``shared/data/README.md``), so the reader
trains on part of KorQuAD 1.0 dev. The file is split BY ARTICLE with a fixed seed: articles
are ordered by SHA-256(``f"{seed}:{title}"``), the first ``1 - heldout_fraction`` form the
training pool and the rest are held out; the first ``tune_fraction`` of the pool (in the
same order) is the *tune* split for checkpoint choice. Held-out articles are never trained
or tuned on, and every reported figure comes from them.

The file is read in place (CC BY-ND: never copied into the repository).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

KORQUAD_DEV = Path("korquad1.0") / "KorQuAD_v1.0_dev.json"


class QaDataError(ValueError):
    """The QA file is missing, not JSON, or has a malformed record."""


@dataclass(frozen=True)
class QaExample:
    """One question over one paragraph, with its (first) gold answer.

    Attributes:
        qid: the KorQuAD question id.
        title: title of the article the paragraph belongs to.
        question: the question.
        context: the paragraph.
        answer_text: the first gold answer.
        answer_start: character offset of ``answer_text`` in ``context``.
        answers: every gold answer text (KorQuAD dev has one each).
    """

    qid: str
    title: str
    question: str
    context: str
    answer_text: str
    answer_start: int
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """An article's title and the questions over its paragraphs."""

    title: str
    examples: tuple[QaExample, ...]


@dataclass(frozen=True)
class ArticleSplit:
    """Articles of each side; ``train`` and ``tune`` come from the pool, ``heldout`` never does."""

    train: list[Article]
    tune: list[Article]
    heldout: list[Article]

    def examples(self, name: str) -> list[QaExample]:
        """The questions of one side (``train``, ``tune`` or ``heldout``), in article order."""
        if name not in ("train", "tune", "heldout"):
            raise ValueError(f"split must be train, tune or heldout, got {name!r}")
        return examples_of(getattr(self, name))


def _example(title: str, context: str, qa: dict, where: str) -> QaExample:
    answers = qa.get("answers") or []
    if not answers or not isinstance(qa.get("question"), str) or "id" not in qa:
        raise QaDataError(f"{where}: question needs id, question and at least one answer")
    first = answers[0]
    text, start = first.get("text"), first.get("answer_start")
    if not isinstance(text, str) or not isinstance(start, int) or context[start : start + len(text)] != text:
        raise QaDataError(f"{where}: answer {text!r} is not at offset {start} of its context")
    return QaExample(
        str(qa["id"]), title, qa["question"], context, text, start, tuple(a["text"] for a in answers)
    )


def _article(raw: dict, where: str) -> Article:
    title = raw.get("title")
    if not isinstance(title, str) or not isinstance(raw.get("paragraphs"), list):
        raise QaDataError(f"{where}: an article needs a title and a list of paragraphs")
    examples = [
        _example(title, p["context"], qa, f"{where}, question {qa.get('id', '?')}")
        for p in raw["paragraphs"]
        for qa in p.get("qas", [])
    ]
    return Article(title, tuple(examples))


def load_korquad(path: Path) -> list[Article]:
    """Read a SQuAD v1.1-format file (KorQuAD 1.0).

    Args:
        path: the JSON file.

    Returns:
        The articles in file order.

    Raises:
        QaDataError: if the file is missing or not JSON, a title repeats, or a record is
            malformed (the message names the file and the article or question).
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise QaDataError(f"{path}: cannot read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise QaDataError(f"{path}, line {exc.lineno}: invalid JSON ({exc.msg})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("data"), list):
        raise QaDataError(f"{path}: expected an object with a 'data' list (SQuAD v1.1 format)")
    articles = [_article(a, f"{path}, article {i}") for i, a in enumerate(raw["data"])]
    if len({a.title for a in articles}) != len(articles):
        raise QaDataError(f"{path}: article titles repeat; the split needs unique titles")
    return articles


def _rank(title: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{title}".encode()).hexdigest()


def split_articles(
    articles: Sequence[Article], *, seed: int, heldout_fraction: float = 0.2, tune_fraction: float = 0.1
) -> ArticleSplit:
    """Split articles into train / tune / held-out sides, deterministically.

    Args:
        articles: every article.
        seed: hash seed; the same seed and titles always give the same split.
        heldout_fraction: share of articles held out (0-1, exclusive).
        tune_fraction: share of the training pool's articles kept for tuning (0-1).

    Returns:
        The three sides, each in hash order.

    Raises:
        ValueError: for a fraction out of range or too few articles for three sides.
    """
    if not 0.0 < heldout_fraction < 1.0 or not 0.0 <= tune_fraction < 1.0:
        raise ValueError(f"fractions out of range: heldout {heldout_fraction}, tune {tune_fraction}")
    ordered = sorted(articles, key=lambda a: _rank(a.title, seed))
    n_pool = round((1.0 - heldout_fraction) * len(ordered))
    n_tune = round(tune_fraction * n_pool)
    if n_pool <= n_tune or n_pool >= len(ordered):
        raise ValueError(f"{len(ordered)} articles cannot be split {heldout_fraction}/{tune_fraction}")
    pool = ordered[:n_pool]
    return ArticleSplit(train=pool[n_tune:], tune=pool[:n_tune], heldout=ordered[n_pool:])


def examples_of(articles: Iterable[Article]) -> list[QaExample]:
    """Every question of the articles, in order."""
    return [ex for a in articles for ex in a.examples]


def ids_digest(ids: Iterable[str]) -> str:
    """SHA-256 over the sorted ids (question ids or titles), to record exactly what was used."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


def split_record(split: ArticleSplit) -> dict[str, object]:
    """Counts and digests of each side, for the artefact's config."""
    record: dict[str, object] = {}
    for name in ("train", "tune", "heldout"):
        arts: list[Article] = getattr(split, name)
        record[name] = {
            "articles": len(arts),
            "questions": sum(len(a.examples) for a in arts),
            "titles_sha256": ids_digest(a.title for a in arts),
            "ids_sha256": ids_digest(ex.qid for ex in examples_of(arts)),
        }
    return record


def load_split(data_dir: Path, *, seed: int, heldout_fraction: float, tune_fraction: float) -> ArticleSplit:
    """Read KorQuAD 1.0 dev from the shared data directory and split it (see :func:`split_articles`)."""
    articles = load_korquad(data_dir / KORQUAD_DEV)
    return split_articles(articles, seed=seed, heldout_fraction=heldout_fraction, tune_fraction=tune_fraction)


def first(examples: list[QaExample], limit: int) -> list[QaExample]:
    """The first ``limit`` examples (all when ``limit`` is 0): the smoke-run limit of tune and held-out."""
    return examples[:limit] if limit > 0 else examples

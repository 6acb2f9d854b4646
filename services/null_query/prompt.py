"""Few-shot prompt of the LM stage: examples chosen per query, session context included.

The example bank ships with the service (`data/examples.jsonl`) and can be extended by
file. Examples are picked per query by a `ExampleSelector`; the default compares keystroke
character n-grams (what noise looks like: Latin gibberish, loose jamo, near-miss syllables),
the alternative embeds with multilingual-e5 (`adapters/e5_selector.py`).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from services.null_query import hangul

DEFAULT_BANK = Path(__file__).parent / "data" / "examples.jsonl"
INSTRUCTION = "검색 결과가 없는 검색어를 사용자가 의도한 검색어로 고칩니다.\n\n"
ANSWER_CUE = "고친 검색어:"
RETYPED_CUE = "한글 자판:"


@dataclass(frozen=True)
class Example:
    """One worked rewrite of the bank."""

    query: str
    rewrite: str
    previous: tuple[str, ...] = ()
    clicked: tuple[str, ...] = ()


def load_examples(*paths: Path) -> list[Example]:
    """Examples of JSONL files `{query, rewrite, previous?, clicked?}`.

    Raises:
        ValueError: naming the file and line of a malformed record.
    """
    out = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out.append(
                    Example(
                        row["query"],
                        row["rewrite"],
                        tuple(row.get("previous", ())),
                        tuple(row.get("clicked", ())),
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: bad example ({exc})") from exc
    return out


class ExampleSelector(Protocol):
    """Picks the examples most like a query."""

    def select(self, query: str, k: int) -> list[Example]:
        """The `k` nearest examples, nearest first."""
        ...


def _grams(text: str) -> Counter[str]:
    keys = f" {hangul.keystrokes(text.lower())} "
    return Counter(keys[i : i + n] for n in (2, 3) for i in range(len(keys) - n + 1))


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


class NgramSelector:
    """Nearest examples by cosine of keystroke 2-3-gram counts (~0.1 ms a query).

    Args:
        examples: The bank.
    """

    def __init__(self, examples: Sequence[Example]) -> None:
        self._examples = list(examples)
        self._grams = [_grams(e.query) for e in self._examples]

    def select(self, query: str, k: int) -> list[Example]:
        """The `k` nearest examples."""
        grams = _grams(query)
        order = sorted(range(len(self._examples)), key=lambda i: -_cosine(grams, self._grams[i]))
        return [self._examples[i] for i in order[:k]]


def _block(
    query: str,
    previous: Sequence[str],
    clicked: Sequence[str],
    *,
    retyped: bool = False,
    known: Callable[[str], bool] | None = None,
) -> str:
    lines = []
    if previous:
        lines.append(f"이전 검색어: {' | '.join(previous[-3:])}")
    if clicked:
        lines.append(f"클릭한 결과: {' | '.join(clicked[-3:])}")
    lines.append(f"검색어: {query}")
    if retyped and (reading := hangul.retyped(query, known)) != " ".join(query.split()):
        lines.append(f"{RETYPED_CUE} {reading}")
    return "\n".join(lines) + f"\n{ANSWER_CUE}"


def build_prompt(
    query: str, examples: Sequence[Example], previous: Sequence[str] = (), clicked: Sequence[str] = ()
) -> str:
    """Instruction, worked examples, then the query waiting for its rewrite.

    Examples go nearest-last: small models copy the pattern closest to the question most.
    """
    shots = "".join(f"{_block(e.query, e.previous, e.clicked)} {e.rewrite}\n\n" for e in reversed(examples))
    return INSTRUCTION + shots + _block(query, previous, clicked)


def build_adapter_prompt(
    query: str,
    previous: Sequence[str] = (),
    clicked: Sequence[str] = (),
    known: Callable[[str], bool] | None = None,
) -> str:
    """Zero-shot prompt of the `null-query-rewrite` adapter: the query block alone.

    The adapter was tuned on exactly this form (`services/null_query/tuning.py`), so it needs
    no instruction and no worked examples; its prefill is a few dozen tokens instead of the
    few-shot prompt's several hundred. When the query reads differently re-typed on a 2-set
    keyboard (`hangul.retyped`: English-mode letters as Hangul, loose jamo joined), that
    reading follows the query on its own line ("한글 자판: 삼성 갤럭시"): a 270M model sees
    English-mode keystrokes as English subwords and cannot learn the layout from them, so it
    is shown what a keyboard would have typed and decides whether that is the query meant
    (real English such as "galaxy s24" gets no reading). Words `known` accepts (the index
    vocabulary, when the service has one) are not re-read: "skt dyrmawp" reads "skt 요금제",
    not "낫 요금제".
    """
    return _block(query, previous, clicked, retyped=True, known=known)


def parse_completion(text: str, query: str, *, max_chars: int) -> str | None:
    """The rewrite in one completion (first line, unquoted), or None if unusable."""
    line = text.strip().split("\n", 1)[0].strip().strip("\"'`“”")
    line = " ".join(line.split())
    if not line or len(line) > max_chars or line == " ".join(query.split()):
        return None
    return line

"""Multi-hop by iteration: retrieve, find bridge entities in what came back, retrieve again.

A bridge entity is a document title of the corpus that the first hop's passages mention (entity
linking by title). Each bridge is searched together with the question; a bridge is kept when
its own passage and the first hop's passage together cover the question's terms, so "미국
대통령 중 그래미 상을 받은 사람은?" keeps the presidents whose pages mention the Grammy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.free_qa.evidence import Terms
from services.free_qa.types import Hop, ScoredPassage

Retrieve = Callable[[str, int], list[ScoredPassage]]

# Words that frame the question ("X 중 ... 사람은?") rather than constrain the answer.
_FRAME = frozenset(
    {"중", "가운데", "사람", "인물", "누구", "것", "곳", "무엇", "어디", "언제", "어느", "무슨"}
)


@dataclass(frozen=True)
class MultiHopResult:
    """Bridges that answer the question, their evidence and the chain of hops."""

    bridges: tuple[str, ...]
    passages: tuple[ScoredPassage, ...]
    hops: tuple[Hop, ...]


def mentioned_titles(passages: Sequence[ScoredPassage], titles: Sequence[str], limit: int) -> list[str]:
    """Titles that the passages mention (a passage's own title aside), by first mention."""
    first: dict[str, tuple[int, int]] = {}
    for rank, p in enumerate(passages):
        for t in titles:
            at = p.passage.text.find(t) if len(t) >= 2 and t != p.passage.title else -1
            if at >= 0 and t not in first:
                first[t] = (rank, at)
    return sorted(first, key=lambda t: first[t])[:limit]


@dataclass(frozen=True)
class MultiHopConfig:
    """Iteration limits.

    Attributes:
        first_hop_passages: Passages of the first hop searched for bridges.
        max_bridges: Bridge candidates tried.
        min_coverage: Share of question terms the two hops must cover together.
    """

    first_hop_passages: int = 3
    max_bridges: int = 8
    min_coverage: float = 0.6


class MultiHopResolver:
    """Two-hop retrieval through bridge entities.

    Args:
        retrieve: The retriever (query, k) -> passages.
        titles: Every document title of the corpus.
        terms: Content-term tokenizer.
        config: Limits.
    """

    def __init__(
        self, retrieve: Retrieve, titles: Sequence[str], terms: Terms, config: MultiHopConfig | None = None
    ):
        self._retrieve, self._titles, self._terms = retrieve, sorted(set(titles)), terms
        self._config = config or MultiHopConfig()

    def resolve(self, question: str, k: int) -> MultiHopResult:
        """Runs both hops; no bridges when none covers the question."""
        first = self._retrieve(question, k)[: self._config.first_hop_passages]
        if not first:
            return MultiHopResult((), (), ())
        wanted = set(self._terms(question)) - _FRAME
        found: list[tuple[str, ScoredPassage, float]] = []
        for bridge in mentioned_titles(first, self._titles, self._config.max_bridges):
            second = [p for p in self._retrieve(f"{bridge} {question}", k) if p.passage.title == bridge][:1]
            if second:
                covered = set(self._terms(f"{first[0].passage.text} {second[0].passage.text} {bridge}"))
                found.append((bridge, second[0], len(wanted & covered) / max(1, len(wanted))))
        best = max((c for _, _, c in found), default=0.0)
        kept = [(b, p) for b, p, c in found if c >= self._config.min_coverage and c >= best - 0.1]
        hops = (
            Hop(
                query=question,
                bridge=", ".join(b for b, _ in kept),
                passage_ids=tuple(p.passage.id for p in first),
            ),
            *(Hop(query=f"{b} {question}", bridge="", passage_ids=(p.passage.id,)) for b, p in kept),
        )
        return MultiHopResult(tuple(b for b, _ in kept), (first[0], *(p for _, p in kept)), hops)

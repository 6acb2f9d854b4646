"""Domain types of free_qa (standard library only)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

ABSTAIN_TEXT = "근거를 찾지 못했습니다"
"""What the service says when it will not answer."""


class QuestionKind(enum.Enum):
    """How a question is answered."""

    UNSPECIFIED = "unspecified"
    FACTOID = "factoid"
    MULTI_HOP = "multi_hop"
    YES_NO = "yes_no"
    LONG_FORM = "long_form"


@dataclass(frozen=True)
class Passage:
    """A source document paragraph as ingested.

    Attributes:
        id: Stable passage id (``<title>#<index>`` for SQuAD input).
        title: Title of the document the passage belongs to.
        text: Passage text.
    """

    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Chunk:
    """A sentence-aligned window of a passage: the unit that is embedded and indexed.

    Attributes:
        id: ``<passage id>@<chunk index>``.
        passage_id: The passage it was cut from.
        title: The passage's title (prefixed to the text for embedding and BM25).
        text: Chunk text (whole sentences).
    """

    id: str
    passage_id: str
    title: str
    text: str

    @property
    def indexed_text(self) -> str:
        """Text given to the embedder and BM25: the title gives every chunk its subject."""
        return f"{self.title}. {self.text}" if self.title else self.text


@dataclass(frozen=True)
class Hit:
    """One ranked result of a retriever over chunks.

    Attributes:
        chunk_index: Row of the chunk in the index.
        score: Retriever score (higher is better; scales differ between retrievers).
    """

    chunk_index: int
    score: float


@dataclass(frozen=True)
class ScoredPassage:
    """A retrieved passage with its fused score and the best-matching chunk.

    Attributes:
        passage: The passage.
        score: Fused (RRF) score; higher is better.
        dense_score: Best cosine similarity of the passage's chunks to the query (-1: not retrieved).
        sparse_score: Best BM25 score of the passage's chunks (0: not retrieved).
        best_chunk: Text of the chunk that matched best (the snippet).
    """

    passage: Passage
    score: float
    dense_score: float = -1.0
    sparse_score: float = 0.0
    best_chunk: str = ""


@dataclass(frozen=True)
class Citation:
    """A passage an answer cites.

    Attributes:
        marker: Number in the answer text ([1] -> 1).
        passage_id: Cited passage id.
        title: Title of its document.
        snippet: The passage text shown as evidence.
        score: Retrieval score of the passage.
    """

    marker: int
    passage_id: str
    title: str
    snippet: str
    score: float


@dataclass(frozen=True)
class Hop:
    """One retrieval step of a multi-hop answer.

    Attributes:
        query: What was searched.
        bridge: Entity extracted from this hop's passages and used in the next query ("" at the end).
        passage_ids: Passages this hop retrieved, best first.
    """

    query: str
    bridge: str
    passage_ids: tuple[str, ...]


@dataclass(frozen=True)
class QaRequest:
    """A question to answer (validated by `services.free_qa.validation`).

    Attributes:
        question: The question.
        kind_hint: Kind suggested by the client (UNSPECIFIED: classify).
        max_passages: Passages to retrieve and show the LM (0: server default).
    """

    question: str
    kind_hint: QuestionKind = QuestionKind.UNSPECIFIED
    max_passages: int = 0


@dataclass(frozen=True)
class QaAnswer:
    """An answer with its evidence.

    Attributes:
        answer: Answer text with [n] markers, or ABSTAIN_TEXT.
        kind: Kind the question was treated as.
        citations: Cited passages (best passages when degraded or abstained).
        hops: Retrieval chain of a multi-hop answer.
        abstained: No supported answer could be given.
        degraded: The LM was slow or down; `citations` are the best passages without an answer.
        confidence: In [0, 1].
        retrieved_ids: All retrieved passage ids, best first (for evaluation).
        flags: Machine-readable notes (``lm_timeout``, ``lm_unavailable``, ``unsupported``...).
    """

    answer: str
    kind: QuestionKind
    citations: tuple[Citation, ...] = ()
    hops: tuple[Hop, ...] = ()
    abstained: bool = False
    degraded: bool = False
    confidence: float = 0.0
    retrieved_ids: tuple[str, ...] = ()
    flags: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AnswerDelta:
    """A piece of a streamed answer: text first, then one final event with the whole answer.

    Attributes:
        text: Answer text to append (empty on the final event).
        final: The complete answer, set on the last event only.
    """

    text: str = ""
    final: QaAnswer | None = None


@dataclass(frozen=True)
class Morpheme:
    """One morpheme of a text as a tagger sees it.

    Attributes:
        form: The morpheme (may differ from the surface text: 보내+었 for 보냈).
        tag: Sejong part-of-speech tag (NNP, NNG, SN, JKS...).
        start: Offset of its first character in the tagged text.
        end: Offset after its last character in the tagged text.
    """

    form: str
    tag: str
    start: int
    end: int


@dataclass(frozen=True)
class PlainAnswer:
    """An answer reduced to what offline evaluation reads, from the pipeline or over gRPC.

    Attributes:
        text: Answer text without citation markers; None when abstained or degraded.
        retrieved_ids: Retrieved passage ids, best first (the cited ones when none are reported).
        abstained: No supported answer could be given.
        confidence: The answer's confidence (0-1), None when abstained.
    """

    text: str | None
    retrieved_ids: tuple[str, ...] = ()
    abstained: bool = False
    confidence: float | None = None

"""Extractive factoid answers: the best candidate span of the passages' best sentences.

Each candidate (see `spans`) is scored by features: how well its sentence matches the question,
whether it is the kind of phrase the question asks for (누구 -> a name, 언제 -> a date, 몇 -> a
number...), how close it stands to the question's words in the sentence, whether the question
already says it, and the rank of its passage. The LM may then rerank the best few by the
log-probability of each span after "질문: ... 답:" (`rerank_prompt` / `rerank`); the caller
runs that LM call within its deadline and keeps the feature ranking when the LM fails.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from searchlm.injection import looks_like_instruction
from searchlm.lm.types import LmScore
from services.free_qa.evidence import Splitter, Terms
from services.free_qa.paraphrases import alternatives
from services.free_qa.span_features import QUESTION_WORDS, QuestionView, anchors, feature_score, question_case
from services.free_qa.spans import Tagger, answer_type, candidates
from services.free_qa.types import Passage, ScoredPassage

_RERANK_EXAMPLE = (
    "에펠탑: 에펠탑은 1889년 파리 만국 박람회를 위해 세워진 철탑이다.\n"
    "질문: 에펠탑은 언제 세워졌어?\n답: 1889년\n\n"
)


@dataclass(frozen=True)
class SpanConfig:
    """Candidate selection and scoring.

    Attributes:
        sentences_per_passage: Best sentences of each passage whose spans are candidates.
        min_sentence_overlap: Share of the question's terms the answer's sentence must contain,
            else the question is not answered from these passages.
        title_terms: Count the passage title's terms as said by each of its sentences
            (encyclopedia sentences leave their subject out: "한글은 ... 조선의 세종대왕이 창제하여").
        rerank: Best candidates the LM reranks (0: features only).
        lm_weight: Weight of the LM's mean token log-probability against the feature score.
    """

    sentences_per_passage: int = 2
    min_sentence_overlap: float = 0.25
    title_terms: bool = True
    rerank: int = 5
    lm_weight: float = 0.5

    def __post_init__(self) -> None:
        if self.sentences_per_passage < 1:
            raise ValueError("sentences_per_passage must be >= 1")
        if not 0.0 <= self.min_sentence_overlap <= 1.0:
            raise ValueError("min_sentence_overlap must be in [0, 1]")
        if self.rerank < 0:
            raise ValueError("rerank must be >= 0")


@dataclass(frozen=True)
class ScoredSpan:
    """A candidate answer with its evidence.

    Attributes:
        text: The span (a substring of `sentence` and of the passage).
        score: Feature score (plus the LM's share after `rerank`); higher is better.
        sentence: The sentence it was cut from.
        passage: The passage of that sentence.
        overlap: Share of the question's terms found in the sentence (or a paraphrase, `paraphrases`).
    """

    text: str
    score: float
    sentence: str
    passage: ScoredPassage
    overlap: float


class SpanAnswerer:
    """Ranks candidate answer spans of retrieved passages.

    Args:
        tag: Morpheme tagger (Kiwi in production).
        split: Sentence splitter.
        terms: Content-term tokenizer (the one the retriever uses).
        config: Selection and scoring.
    """

    def __init__(
        self, *, tag: Tagger, split: Splitter, terms: Terms, config: SpanConfig | None = None
    ) -> None:
        self._tag, self._split, self._terms = tag, split, terms
        self._config = config or SpanConfig()

    @property
    def config(self) -> SpanConfig:
        """Selection and scoring settings."""
        return self._config

    def rank(self, question: str, passages: Sequence[ScoredPassage]) -> list[ScoredSpan]:
        """Distinct candidate spans of the passages' best sentences, best first (feature scores).

        Spans from sentences sharing fewer than `min_sentence_overlap` of the question's terms
        are left out, so an empty list means: these passages do not answer the question.
        """
        wanted = {t: alternatives(t) for t in set(self._terms(question)) - QUESTION_WORDS}
        said = frozenset().union(*wanted.values())  # a paraphrase anchors and is "in the question" too
        q = QuestionView(answer_type(question), said, question_case(self._tag(question)))
        best: dict[str, ScoredSpan] = {}
        for rank, passage in enumerate(passages):
            for sentence, overlap in self._sentences(passage.passage, wanted):
                for span in self._spans(sentence, overlap, q, rank, passage):
                    if span.text not in best or span.score > best[span.text].score:
                        best[span.text] = span
        return sorted(best.values(), key=lambda s: -s.score)

    def _sentences(self, passage: Passage, wanted: Mapping[str, frozenset[str]]) -> list[tuple[str, float]]:
        """The passage's best sentences with the share of question terms (or paraphrases) each says."""
        # never quote orders
        sentences = [s for s in self._split(passage.text) if not looks_like_instruction(s)]
        title = set(self._terms(passage.title)) if self._config.title_terms else set()
        scored = [(s, _overlap(wanted, title | set(self._terms(s)))) for s in sentences]
        scored.sort(key=lambda item: -item[1])
        return [
            (s, o)
            for s, o in scored[: self._config.sentences_per_passage]
            if o >= self._config.min_sentence_overlap
        ]

    def _spans(
        self, sentence: str, overlap: float, q: QuestionView, rank: int, passage: ScoredPassage
    ) -> list[ScoredSpan]:
        morphemes = self._tag(sentence)
        found = anchors(morphemes, q.terms)
        return [
            ScoredSpan(
                text=c.text,
                score=feature_score(c, q, found=found, overlap=overlap, rank=rank),
                sentence=sentence,
                passage=passage,
                overlap=overlap,
            )
            for c in candidates(sentence, morphemes)
        ]

    def rerank_prompt(self, question: str, spans: Sequence[ScoredSpan]) -> tuple[str, list[str]]:
        """The Score prompt (evidence sentences, question, "답:") and one continuation per span."""
        top = spans[: self._config.rerank]
        evidence = dict.fromkeys(f"{s.passage.passage.title}: {s.sentence}" for s in top)
        prompt = f"{_RERANK_EXAMPLE}{chr(10).join(evidence)}\n질문: {question}\n답:"
        return prompt, [f" {s.text}" for s in top]

    def rerank(self, spans: Sequence[ScoredSpan], scores: Sequence[LmScore]) -> list[ScoredSpan]:
        """Adds the LM's length-normalised log-probability to the reranked spans' scores."""
        by_index = {s.index: s.mean_logprob for s in scores}
        top = [
            replace(span, score=span.score + self._config.lm_weight * by_index.get(i, -math.inf))
            for i, span in enumerate(spans[: self._config.rerank])
        ]
        return sorted(top, key=lambda s: -s.score) + list(spans[self._config.rerank :])


def _overlap(wanted: Mapping[str, frozenset[str]], found: set[str]) -> float:
    """Share of the question's terms that the sentence says, in the question's words or a paraphrase."""
    return sum(bool(alts & found) for alts in wanted.values()) / max(1, len(wanted))


def confidence(spans: Sequence[ScoredSpan]) -> float:
    """How far the best span is ahead of the next, in (0.5, 1)."""
    if len(spans) < 2:
        return 0.9
    return 1.0 / (1.0 + math.exp(-(spans[0].score - spans[1].score)))

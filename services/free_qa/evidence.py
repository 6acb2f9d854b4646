"""Evidence checks: does a passage support an answer, which sentences answer a question,
and is a yes/no question's statement entailed or contradicted."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from searchlm.injection import looks_like_instruction
from searchlm.nli.types import EntailmentScorer, NliScores

Terms = Callable[[str], list[str]]
Splitter = Callable[[str], list[str]]

# Question endings turned into statements for NLI: "뇌가 있어?" -> "뇌가 있다."
_DECLARATIVE: tuple[tuple[str, str], ...] = (
    (r"(이|가)?\s*아니(야|니|에요|예요|죠|지|냐)$", r"\1 아니다"),
    (r"(인가요|인가|이에요|예요|이니|이냐|이지|이야|야|니|냐|인지)$", "이다"),
    (
        r"(있|없|하|되|같|많|적|크|작|좋|맞|살|먹|만들|쓰)(어요|나요|니|냐|어|아|지|죠|습니까|을까|는가)$",
        r"\1다",
    ),
    (r"(습니까|ㅂ니까|나요|니|냐|어요|아요|어|아|지|죠|까)$", "다"),
)


def declarative(question: str) -> str:
    """A yes/no question as a statement, for NLI ("해파리는 뇌가 있어?" -> "해파리는 뇌가 있다.")."""
    text = question.strip().rstrip("?？ ").strip()
    for pattern, replacement in _DECLARATIVE:
        new = re.sub(pattern, replacement, text)
        if new != text:
            return new.replace(" 이다", "이다") + "."
    return text + "."


def lexical_overlap(claim: str, premise: str, terms: Terms) -> float:
    """Share of the claim's content terms that occur in the premise (1.0 for a claim without terms)."""
    claim_terms = set(terms(claim))
    if not claim_terms:
        return 1.0
    return len(claim_terms & set(terms(premise))) / len(claim_terms)


def best_sentences(question: str, text: str, *, split: Splitter, terms: Terms, n: int = 1) -> list[str]:
    """The n sentences of `text` sharing most terms with the question, in text order.

    Passages are untrusted: a sentence that gives orders to a model is never quoted, and
    beyond the best one a sentence must share a term with the question to be added.
    """
    sentences = [s for s in split(text) if not looks_like_instruction(s)]
    if not sentences:
        return []
    wanted = set(terms(question))
    shared = [len(wanted & set(terms(s))) for s in sentences]
    ranked = sorted(range(len(sentences)), key=lambda i: -shared[i])
    chosen = [i for rank, i in enumerate(ranked[:n]) if rank == 0 or shared[i] > 0]
    return [sentences[i] for i in sorted(chosen)]


@dataclass(frozen=True)
class Support:
    """Whether the premises support a claim, and how sure the check is."""

    supported: bool
    confidence: float
    method: str


class SupportChecker:
    """An answer is supported when a cited passage contains it, or NLI says a passage entails it.

    Without an NLI scorer, lexical overlap stands in (weaker: it cannot see negation).

    Args:
        scorer: NLI model, or None.
        terms: Content-term tokenizer.
        min_entailment: Entailment probability that counts as support.
        min_overlap: Term overlap that counts as support without NLI.
    """

    def __init__(
        self,
        scorer: EntailmentScorer | None,
        terms: Terms,
        *,
        min_entailment: float = 0.5,
        min_overlap: float = 0.6,
    ) -> None:
        self._scorer, self._terms = scorer, terms
        self._min_entailment, self._min_overlap = min_entailment, min_overlap

    def check(self, claim: str, premises: Sequence[str]) -> Support:
        """Checks a claim (answer text without markers) against the cited premises."""
        if not claim.strip() or not premises:
            return Support(False, 0.0, "empty")
        squashed = claim.replace(" ", "")
        if any(squashed in p.replace(" ", "") for p in premises):
            return Support(True, 0.9, "contained")
        if self._scorer is not None:
            best = max(s.entailment for s in self._scorer.score([(p, claim) for p in premises]))
            return Support(best >= self._min_entailment, best, "nli")
        overlap = max(lexical_overlap(claim, p, self._terms) for p in premises)
        return Support(overlap >= self._min_overlap, overlap, "overlap")


@dataclass(frozen=True)
class Verdict:
    """A yes/no judgement: polarity, confidence and the premise that decided it."""

    yes: bool
    confidence: float
    premise_index: int


def judge_yes_no(scorer: EntailmentScorer, statement: str, premises: Sequence[str]) -> Verdict | None:
    """The most decisive premise's NLI verdict on a statement; None without premises."""
    if not premises:
        return None
    scores: list[NliScores] = scorer.score([(p, statement) for p in premises])
    best = max(range(len(scores)), key=lambda i: max(scores[i].entailment, scores[i].contradiction))
    s = scores[best]
    decided = s.entailment + s.contradiction
    confidence = max(s.entailment, s.contradiction) / decided if decided > 0 else 0.0
    return Verdict(
        yes=s.entailment >= s.contradiction, confidence=confidence * (1 - s.neutral), premise_index=best
    )

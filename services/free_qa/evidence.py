"""Evidence checks: does a passage support an answer, which sentences answer a question,
and is a yes/no question's statement entailed or contradicted."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from searchlm.injection import looks_like_instruction
from searchlm.nli.types import EntailmentScorer
from searchlm.nli.verdict import SHIPPED_THRESHOLDS, SourceTally, Thresholds
from searchlm.nli.verdict import Verdict as NliVerdict

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
        thresholds: NLI pair thresholds (`searchlm.nli.verdict`); a claim is supported
            when its verdict over the premises is ``entailed``.
        min_overlap: Term overlap that counts as support without NLI.
    """

    def __init__(
        self,
        scorer: EntailmentScorer | None,
        terms: Terms,
        *,
        thresholds: Thresholds = SHIPPED_THRESHOLDS,
        min_overlap: float = 0.6,
    ) -> None:
        self._scorer, self._terms = scorer, terms
        self._thresholds, self._min_overlap = thresholds, min_overlap

    def check(self, claim: str, premises: Sequence[str]) -> Support:
        """Checks a claim (answer text without markers) against the cited premises."""
        if not claim.strip() or not premises:
            return Support(False, 0.0, "empty")
        squashed = claim.replace(" ", "")
        if any(squashed in p.replace(" ", "") for p in premises):
            return Support(True, 0.9, "contained")
        if self._scorer is not None:
            tally = _tally(self._scorer, claim, premises, self._thresholds)
            return Support(tally.verdict() is NliVerdict.ENTAILED, tally.entailment, "nli")
        overlap = max(lexical_overlap(claim, p, self._terms) for p in premises)
        return Support(overlap >= self._min_overlap, overlap, "overlap")


@dataclass(frozen=True)
class Verdict:
    """A yes/no judgement: polarity, confidence and the premise that decided it."""

    yes: bool
    confidence: float
    premise_index: int


def _tally(
    scorer: EntailmentScorer, statement: str, premises: Sequence[str], thresholds: Thresholds
) -> SourceTally:
    """Each premise (its index as the source) on one side of the statement."""
    tally = SourceTally(thresholds)
    for i, score in enumerate(scorer.score([(p, statement) for p in premises])):
        tally.add((str(i),), score)
    return tally


def judge_yes_no(
    scorer: EntailmentScorer,
    statement: str,
    premises: Sequence[str],
    thresholds: Thresholds = SHIPPED_THRESHOLDS,
) -> Verdict | None:
    """The premises' one NLI verdict on a statement (`searchlm.nli.verdict`).

    ``entailed`` -> yes, ``contradicted`` -> no, cited from the most confident premise on
    that side; None (no NLI answer: the caller falls back or abstains) when the verdict is
    neutral or there are no premises.
    """
    if not premises:
        return None
    tally = _tally(scorer, statement, premises, thresholds)
    decided = tally.verdict()
    source = tally.strongest(decided) if decided is not NliVerdict.NEUTRAL else None
    if source is None:
        return None
    return Verdict(
        yes=decided is NliVerdict.ENTAILED, confidence=tally.strength(decided), premise_index=int(source)
    )

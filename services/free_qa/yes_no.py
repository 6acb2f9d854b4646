"""Yes/no verdicts from the top passages: the reader's slot check, then NLI v2 over their sentences.

When the claim is copular, the extractive reader reads the claim's slot back (`slot_check`):
its span is the slot -> 예, another span -> 아니오, from `SLOT_MIN_CONFIDENCE` on. Other claims,
and copular ones it does not decide, go to NLI, from `YES_NO_MIN_CONFIDENCE` on (the most
confident sentence decides, `evidence.judge_yes_no`). The floors and the order were chosen on
the training side of the KorQuAD yes/no set (`bench/free_qa_yes_no.py --reader`: the slot
check first was 0.90 accurate on the tune items, NLI first 0.89). None from both: the caller
asks the LM or abstains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from searchlm.nli.types import EntailmentScorer
from services.free_qa.evidence import (
    YES_NO_MIN_CONFIDENCE,
    Splitter,
    declarative,
    judge_yes_no,
    yes_no_premises,
)
from services.free_qa.reader_answerer import ReaderAnswerer
from services.free_qa.slot_check import SLOT_MIN_CONFIDENCE, focus_slot
from services.free_qa.spans import Tagger
from services.free_qa.types import ScoredPassage


@dataclass(frozen=True)
class YesNoConfig:
    """When a yes/no check answers.

    Attributes:
        nli_confidence: NLI entailment/contradiction probability from which its verdict answers.
        slot_confidence: Reader confidence from which the slot check answers (None: no slot check).
    """

    nli_confidence: float = YES_NO_MIN_CONFIDENCE
    slot_confidence: float | None = SLOT_MIN_CONFIDENCE


@dataclass(frozen=True)
class YesNoFound:
    """A yes/no verdict with the sentence that decided it.

    Attributes:
        yes: 예 (True) or 아니오.
        confidence: The deciding check's probability, 0-1.
        passage: The passage the evidence sentence is in.
        evidence: The sentence quoted with the answer.
        check: ``reader``, ``nli`` or ``lm``.
    """

    yes: bool
    confidence: float
    passage: ScoredPassage
    evidence: str
    check: str


class YesNoJudge:
    """Answers yes/no questions from passages with the reader's slot check, then NLI.

    Args:
        scorer: NLI scorer (None: no NLI check).
        reader: The reader answerer (None: no slot check).
        split: Sentence splitter (the NLI premises).
        tag: Morpheme tagger (None: no slot check).
        config: The floors.
    """

    def __init__(
        self,
        *,
        scorer: EntailmentScorer | None,
        reader: ReaderAnswerer | None,
        split: Splitter,
        tag: Tagger | None,
        config: YesNoConfig | None = None,
    ) -> None:
        self._scorer, self._reader, self._split, self._tag = scorer, reader, split, tag
        self._config = config or YesNoConfig()

    def judge(self, question: str, shown: Sequence[ScoredPassage]) -> YesNoFound | None:
        """The first check that answers over `shown` (blocking: run it off the event loop)."""
        claim = declarative(question)
        return self._by_slot(claim, shown) or self._by_nli(claim, shown)

    def _by_nli(self, claim: str, shown: Sequence[ScoredPassage]) -> YesNoFound | None:
        if self._scorer is None:
            return None
        premises = yes_no_premises([p.best_chunk or p.passage.text for p in shown], self._split)
        verdict = judge_yes_no(
            self._scorer, claim, [sentence for _, sentence in premises], self._config.nli_confidence
        )
        if verdict is None:
            return None
        index, sentence = premises[verdict.premise_index]
        return YesNoFound(verdict.yes, verdict.confidence, shown[index], sentence, "nli")

    def _by_slot(self, claim: str, shown: Sequence[ScoredPassage]) -> YesNoFound | None:
        floor = self._config.slot_confidence
        if self._reader is None or self._tag is None or floor is None:
            return None
        slot = focus_slot(claim, self._tag(claim))
        found = None if slot is None else self._reader.check_slot(slot, shown, floor)
        if found is None:
            return None
        evidence = found.sentence or found.passage.passage.text
        return YesNoFound(found.yes, found.confidence, found.passage, evidence, "reader")

"""ROUGE-1/2/L/Lsum through ``rouge-score`` with a language-aware tokenizer.

rouge-score's default tokenizer lower-cases and then deletes everything
outside ``[a-z0-9]``: Korean text turns into no tokens and every score is 0.
For ``ko`` we tokenise into Kiwi morphemes instead (Korean words glue
particles and endings to stems, so whole-word overlap would be far too
strict), and split sentences for ROUGE-Lsum with Kiwi too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from eval.text import sentence_splitter

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


class Tokenizer(Protocol):
    """What rouge-score calls on its tokenizer."""

    def tokenize(self, text: str) -> list[str]:
        """Split ``text`` into tokens."""
        ...


class EnglishTokenizer:
    """rouge-score's own tokenizer (optionally with the Porter stemmer)."""

    def __init__(self, *, use_stemmer: bool = False) -> None:
        from rouge_score import tokenizers  # type: ignore[import-untyped,unused-ignore]

        self._inner = tokenizers.DefaultTokenizer(use_stemmer=use_stemmer)

    def tokenize(self, text: str) -> list[str]:
        """Split ``text`` into lower-case ASCII word tokens."""
        tokens: list[str] = self._inner.tokenize(text)
        return tokens


def _kiwi_tokenizer(*, use_stemmer: bool = False) -> Tokenizer:
    del use_stemmer  # Kiwi morphemes are already stems; the option is English-only.
    from eval.text.kiwi import KiwiTokenizer  # Kiwi loads only for ``ko``

    return KiwiTokenizer()


#: Tokenizer factories by language (``--lang``).
TOKENIZERS: dict[str, Callable[..., Tokenizer]] = {
    "ko": _kiwi_tokenizer,
    "en": EnglishTokenizer,
}


def unigram_precision(prediction: Sequence[str], reference: Sequence[str]) -> float:
    """ROUGE-1 precision: clipped token overlap over the prediction's token count.

    The same count rouge-score makes for ``rouge1`` (``precision``), on tokens already
    produced by one of ``TOKENIZERS``; an empty prediction scores 0.
    """
    if not prediction:
        return 0.0
    overlap = sum((Counter(prediction) & Counter(reference)).values())
    return overlap / len(prediction)


class RougeMetric:
    """ROUGE F-measures for one prediction against one or more references.

    Args:
        lang: ``ko`` (Kiwi morphemes) or ``en`` (rouge-score's tokenizer).
        use_stemmer: Porter stemming for English.
        tokenizer: Override the tokenizer (tests, other languages).
    """

    def __init__(
        self, *, lang: str = "ko", use_stemmer: bool = False, tokenizer: Tokenizer | None = None
    ) -> None:
        if lang not in TOKENIZERS:
            raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(TOKENIZERS)}")
        from rouge_score import rouge_scorer  # type: ignore[import-untyped,unused-ignore]

        self._split = sentence_splitter(lang)
        chosen = tokenizer or TOKENIZERS[lang](use_stemmer=use_stemmer)
        self._scorer: Any = rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=chosen)

    def _with_sentence_breaks(self, text: str) -> str:
        # rouge-score's Lsum splits on "\n"; its own splitter needs NLTK data
        # that cannot be downloaded offline, so sentences are pre-split here.
        return "\n".join(" ".join(s.split()) for s in self._split(text))

    def score(self, prediction: str, references: Sequence[str]) -> dict[str, float]:
        """Return ``{rouge_type: F-measure}``, taking the best reference per type.

        Raises:
            ValueError: ``references`` is empty.
        """
        if not references:
            raise ValueError("ROUGE needs at least one reference")
        targets = [self._with_sentence_breaks(ref) for ref in references]
        scores = self._scorer.score_multi(targets, self._with_sentence_breaks(prediction))
        return {name: float(scores[name].fmeasure) for name in ROUGE_TYPES}

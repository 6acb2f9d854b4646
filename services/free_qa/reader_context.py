"""What the reader reads of a passage: the sentences nearest the question, within a budget.

The reader's time grows with the tokens it reads (about 2,300 tokens/s on 2 cores in float32:
three whole KorQuAD paragraphs take p50 365 ms). Most answers sit in a sentence that shares
the question's content words, so a passage is cut to its sentences with the most content
terms in common with the question, kept in passage order, up to ``max_chars`` characters (the
best sentence always, whatever its length). ``max_chars`` 0 reads the whole passage.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.free_qa.evidence import Splitter, Terms


def focus_context(question: str, text: str, *, split: Splitter, terms: Terms, max_chars: int) -> str:
    """`text` cut to the sentences sharing the most content terms with `question` (see module)."""
    if max_chars <= 0 or len(text) <= max_chars:
        return text
    sentences = split(text)
    if len(sentences) < 2:
        return text
    asked = set(terms(question))
    shared = [len(asked & set(terms(s))) for s in sentences]
    order = sorted(range(len(sentences)), key=lambda i: (-shared[i], i))
    kept: set[int] = set()
    used = 0
    for i in order:
        size = len(sentences[i]) + (1 if kept else 0)
        if kept and used + size > max_chars:
            continue
        kept.add(i)
        used += size
    return " ".join(sentences[i] for i in sorted(kept))


def focus_contexts(
    question: str, texts: Sequence[str], *, split: Splitter, terms: Terms, max_chars: int
) -> list[str]:
    """`focus_context` of each passage text, in order."""
    return [focus_context(question, t, split=split, terms=terms, max_chars=max_chars) for t in texts]

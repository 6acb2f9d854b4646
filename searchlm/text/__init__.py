"""Korean text analysis: the one owner of Kiwi (kiwipiepy) in the project.

One Kiwi per process, built lazily on first use (~2 s, ~100 MB) and shared by every module
behind one lock (a Kiwi instance is not thread-safe). Nothing else imports kiwipiepy: search
analysis, free_qa's terms and spans, review_summary's claim split, null_query's spacing and
typo repairs, eval's ROUGE tokenizer and NLI augmentation all call these functions.
"""

from searchlm.text.kiwi import (
    Token,
    analyze,
    base_tag,
    clauses,
    content_terms,
    declarative,
    join,
    sentence_terms_many,
    sentences,
    space,
    tokenize,
    tokenize_many,
    warm,
)

__all__ = [
    "Token",
    "analyze",
    "base_tag",
    "clauses",
    "content_terms",
    "declarative",
    "join",
    "sentence_terms_many",
    "sentences",
    "space",
    "tokenize",
    "tokenize_many",
    "warm",
]

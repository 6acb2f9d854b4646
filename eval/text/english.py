"""English sentence splitting without NLTK data (which cannot be downloaded offline)."""

from __future__ import annotations

import re

# Split after ., ! or ? followed by whitespace; good enough for review summaries
# and, unlike nltk.sent_tokenize, needs no punkt download.
_BOUNDARY = re.compile(r"(?<=[.!?])\s+|\n+")


def split_sentences(text: str) -> list[str]:
    """Split English text into sentences on terminal punctuation and newlines."""
    return [part.strip() for part in _BOUNDARY.split(text) if part.strip()]

"""Index-driven repairs: a BM25 hit whose title is the query up to spaces or a few jamo.

Morpheme BM25 (any morpheme may match) still finds the intended title of a query whose
spacing or spelling is off; when that title equals the query with spaces removed, it is the
spacing fix (this is what repairs long sentences, where Kiwi's spacing alone rarely gets
every space right), and when it is within two keystrokes, a typo fix.
"""

from __future__ import annotations

from collections.abc import Sequence

from searchlm.search.analysis import normalize
from searchlm.search.types import SearchHit
from services.null_query.hangul import keystrokes, osa_distance
from services.null_query.types import Candidate, RewriteType

_MAX_TYPO = 2
_MIN_KEYS_FOR_TYPO = 6


def title_candidates(query: str, hits: Sequence[SearchHit]) -> list[Candidate]:
    """Candidates from the titles of `hits` (BM25 top-k of `query`)."""
    flat = normalize(query).replace(" ", "")
    keys = keystrokes(flat)
    out = []
    for hit in hits:
        title = " ".join(hit.title.split())
        other = normalize(title).replace(" ", "")
        if other == flat:
            out.append(Candidate(title, RewriteType.SPACING, 0, 0.9))
        elif len(keys) >= _MIN_KEYS_FOR_TYPO and abs(len(other) - len(flat)) <= 1:
            distance = osa_distance(keys, keystrokes(other))
            if distance <= _MAX_TYPO:
                out.append(Candidate(title, RewriteType.TYPO, distance, 0.75))
    return out

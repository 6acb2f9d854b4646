"""Redaction of personal data from text that leaves the request path (logs, error reports).

Deliberately greedy, unlike review cleaning (which must keep dates, prices and sizes in the
text it summarises): in a log line, any run of nine or more digits joined by at most single
separators is treated as a phone, card, account or resident registration number, and every
e-mail address is masked. Standard library only, so every layer may use it.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 010-1234-5678, 01012345678, +82 10 1234 5678, 4111-1111-1111-1111, 900101-1234567,
# 110-123-456789: nine or more digits, single space, dot, dash or slash between groups.
LONG_NUMBER = re.compile(r"(?<![\w.])\+?\d(?:[ ./-]?\d){8,}(?!\w)")
MASK = "[redacted]"


def redact(text: str) -> str:
    """`text` with e-mail addresses and long digit runs replaced by ``[redacted]``."""
    if not any(c.isdigit() or c == "@" for c in text):
        return text  # the common case: nothing to mask, no regex work
    return LONG_NUMBER.sub(MASK, EMAIL.sub(MASK, text))


def redact_value(value: object) -> object:
    """Redacts strings, and strings inside lists, tuples and dicts; leaves other values."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v) for v in value]
    return value

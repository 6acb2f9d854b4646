"""Structured JSON logs with the request id of the current RPC, personal data redacted.

Requests carry user text (queries, reviews, questions) that can hold phone, card, account
and resident registration numbers or e-mail addresses; an error message or a library's
debug line may quote it. Every formatter here masks those in everything that came from a
record (message, extras, request id, traceback), so no log line carries them whatever
logged it.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import ClassVar

from searchlm import context
from searchlm.pii import redact, redact_value


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, extras."""

    _STANDARD: ClassVar[frozenset[str]] = frozenset(vars(logging.makeLogRecord({})))

    def format(self, record: logging.LogRecord) -> str:
        """Renders the record as JSON."""
        payload: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": redact(record.getMessage()),
            "request_id": redact(context.request_id()) or None,
        }
        payload.update({k: redact_value(v) for k, v in vars(record).items() if k not in self._STANDARD})
        if record.exc_info:
            payload["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False, default=lambda v: redact(str(v)))


class RedactingFormatter(logging.Formatter):
    """Plain-text lines for a terminal, with the message and traceback redacted (the
    timestamp is left alone: it is not personal data, and it looks like a long number)."""

    def format(self, record: logging.LogRecord) -> str:
        """Renders a redacted copy of the record."""
        clean = logging.makeLogRecord(vars(record))
        clean.msg, clean.args = redact(record.getMessage()), None
        if record.exc_info:
            clean.exc_text, clean.exc_info = redact(self.formatException(record.exc_info)), None
        return super().format(clean)


def configure_logging(level: str = "INFO", *, json_logs: bool = True) -> None:
    """Sends root logs to stderr, as JSON lines unless `json_logs` is False."""
    handler = logging.StreamHandler(sys.stderr)
    if json_logs:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())

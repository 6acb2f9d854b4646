"""Log formatters mask personal data wherever it sits in a record."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from searchlm.pii import redact
from searchlm.serving.logs import JsonFormatter, RedactingFormatter

PII = [
    "010-1234-5678",
    "01012345678",
    "+82 10 1234 5678",
    "hong.gildong@example.com",
    "4111-1111-1111-1111",
    "4111111111111111",
    "110-123-456789",
    "900101-1234567",
]


@pytest.mark.parametrize("value", PII)
def test_redact_masks_personal_data(value: str) -> None:
    assert value not in redact(f"문의 {value} 주세요")


@pytest.mark.parametrize(
    "text", ["port 50051", "2025-11-25", "270M model, 1024 tokens", "0.0123 s", "rid 3f2a12"]
)
def test_redact_keeps_ordinary_numbers(text: str) -> None:
    assert redact(text) == text


def _record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    try:
        raise ValueError(f"bad id {PII[0]}")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, exc_info)
    record.__dict__.update(extra)
    return record


def test_json_lines_mask_message_args_extras_and_traceback() -> None:
    line = JsonFormatter().format(
        _record("query %s", PII[1], error=f"mail {PII[3]}", flags=[PII[4]], nested={"a": PII[7]})
    )
    assert not any(v in line for v in PII), line
    assert json.loads(line)["msg"] == "query [redacted]"


def test_plain_lines_mask_message_and_traceback() -> None:
    line = RedactingFormatter("%(asctime)s %(message)s").format(_record("call %s", PII[2]))
    assert not any(v in line for v in PII), line

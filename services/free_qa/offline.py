"""free_qa in process, for offline evaluation (`python -m eval qa ... --source inprocess`).

Settings come from SEARCHLM_FREE_QA_* as for the server (index_dir, lm_target, use_lm...).
"""

from __future__ import annotations

from searchlm.lm.grpc_client import make_lm_client
from services.free_qa.factory import build_pipeline
from services.free_qa.pipeline import QaPipeline
from services.free_qa.settings import FreeQaSettings
from services.free_qa.types import PlainAnswer, QaAnswer, QaRequest
from services.free_qa.validation import validate_request


def answer_text(answer: QaAnswer) -> str | None:
    """The answer without citation markers; None when abstained or degraded (no answer)."""
    from services.free_qa.citations import strip_markers

    if answer.abstained or answer.degraded:
        return None
    return strip_markers(answer.answer)


class InProcessAnswerer:
    """The free_qa pipeline in this process, built on first use."""

    def __init__(self, settings: FreeQaSettings | None = None) -> None:
        self._settings = settings or FreeQaSettings()
        self._pipeline: QaPipeline | None = None

    async def answer(self, question: str) -> PlainAnswer:
        """Answers one question (its first 512 characters)."""
        if self._pipeline is None:
            self._pipeline = build_pipeline(self._settings, make_lm_client(self._settings))
        answer = await self._pipeline.run(validate_request(QaRequest(question=question[:512])))
        return PlainAnswer(
            text=answer_text(answer),
            retrieved_ids=answer.retrieved_ids or tuple(c.passage_id for c in answer.citations),
            abstained=answer.abstained,
            confidence=None if answer.abstained else answer.confidence,
        )

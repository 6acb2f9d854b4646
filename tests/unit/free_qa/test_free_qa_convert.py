"""free_qa request conversion: the deprecated top_k alias."""

from __future__ import annotations

import pytest

from searchlm.errors import InvalidRequestError
from searchlm.free_qa.v1 import free_qa_service_pb2 as pb
from services.free_qa import convert


def test_top_k_is_used_when_max_passages_is_unset() -> None:
    assert convert.qa_request(pb.AnswerQuestionRequest(question="q", top_k=4)).max_passages == 4


@pytest.mark.parametrize("top_k", [-1, 21, 2**31 - 1])
def test_out_of_range_top_k_is_named_top_k_not_max_passages(top_k: int) -> None:
    with pytest.raises(InvalidRequestError) as info:
        convert.qa_request(pb.AnswerQuestionRequest(question="q", top_k=top_k))
    assert info.value.field == "top_k"


def test_max_passages_wins_over_top_k() -> None:
    request = pb.AnswerQuestionRequest(question="q", top_k=99, max_passages=3)
    assert convert.qa_request(request).max_passages == 3

from __future__ import annotations

import pytest

from searchlm.errors import InvalidRequestError
from searchlm.null_query.v1 import null_query_service_pb2 as pb
from services.null_query import convert
from services.null_query.types import RewriteRequest
from services.null_query.validation import Limits, validate


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (RewriteRequest(""), "query"),
        (RewriteRequest("   \t"), "query"),
        (RewriteRequest("가" * 257), "query"),
        (RewriteRequest("삼성\x00갤럭시"), "query"),
        (RewriteRequest("삼성", previous_queries=("a",) * 21), "previous_queries"),
        (RewriteRequest("삼성", clicked_titles=("a",) * 21), "previous_clicks"),
        (RewriteRequest("삼성", previous_queries=("a\x07",)), "previous_queries[0]"),
        (RewriteRequest("삼성", max_rewrites=0), "max_rewrites"),
        (RewriteRequest("삼성", max_rewrites=11), "max_rewrites"),
    ],
)
def test_invalid_request_names_the_field(request_: RewriteRequest, field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        validate(request_, Limits())
    assert info.value.field == field


def test_valid_request_passes() -> None:
    validate(RewriteRequest("가" * 256, ("a",) * 20, ("b",) * 20, 10), Limits())


def test_invalid_click_title_is_named_by_its_index_in_the_request() -> None:
    # An empty title before the bad one used to be dropped in conversion, shifting the index.
    message = pb.RewriteQueryRequest(
        query="삼성", previous_clicks=[pb.PreviousClick(doc_id="1"), pb.PreviousClick(title="a\x07")]
    )
    with pytest.raises(InvalidRequestError) as info:
        validate(convert.to_request(message, default_max_rewrites=3), Limits())
    assert info.value.field == "previous_clicks[1].title"

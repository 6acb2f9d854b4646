from __future__ import annotations

import pytest

from searchlm.errors import InvalidRequestError
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

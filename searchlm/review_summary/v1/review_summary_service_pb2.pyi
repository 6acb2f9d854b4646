from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Review(_message.Message):
    __slots__ = ("id", "text", "rating")
    ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    id: str
    text: str
    rating: int
    def __init__(self, id: _Optional[str] = ..., text: _Optional[str] = ..., rating: _Optional[int] = ...) -> None: ...

class ReviewList(_message.Message):
    __slots__ = ("reviews",)
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    reviews: _containers.RepeatedCompositeFieldContainer[Review]
    def __init__(self, reviews: _Optional[_Iterable[_Union[Review, _Mapping]]] = ...) -> None: ...

class SummarizeReviewsRequest(_message.Message):
    __slots__ = ("reviews", "product_id")
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    reviews: ReviewList
    product_id: str
    def __init__(self, reviews: _Optional[_Union[ReviewList, _Mapping]] = ..., product_id: _Optional[str] = ...) -> None: ...

class SummarizeReviewsResponse(_message.Message):
    __slots__ = ("summary", "faithfulness", "extractive_fallback", "supporting_review_ids", "flags")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    FAITHFULNESS_FIELD_NUMBER: _ClassVar[int]
    EXTRACTIVE_FALLBACK_FIELD_NUMBER: _ClassVar[int]
    SUPPORTING_REVIEW_IDS_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    summary: str
    faithfulness: float
    extractive_fallback: bool
    supporting_review_ids: _containers.RepeatedScalarFieldContainer[str]
    flags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, summary: _Optional[str] = ..., faithfulness: _Optional[float] = ..., extractive_fallback: _Optional[bool] = ..., supporting_review_ids: _Optional[_Iterable[str]] = ..., flags: _Optional[_Iterable[str]] = ...) -> None: ...

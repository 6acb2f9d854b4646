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
    __slots__ = ("reviews", "product_id", "max_chars", "language")
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_CHARS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    reviews: ReviewList
    product_id: str
    max_chars: int
    language: str
    def __init__(self, reviews: _Optional[_Union[ReviewList, _Mapping]] = ..., product_id: _Optional[str] = ..., max_chars: _Optional[int] = ..., language: _Optional[str] = ...) -> None: ...

class ClaimSupport(_message.Message):
    __slots__ = ("claim", "score", "supporting_review_ids", "contradicting_review_ids", "contradiction", "passed", "verdict")
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    SUPPORTING_REVIEW_IDS_FIELD_NUMBER: _ClassVar[int]
    CONTRADICTING_REVIEW_IDS_FIELD_NUMBER: _ClassVar[int]
    CONTRADICTION_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    claim: str
    score: float
    supporting_review_ids: _containers.RepeatedScalarFieldContainer[str]
    contradicting_review_ids: _containers.RepeatedScalarFieldContainer[str]
    contradiction: float
    passed: bool
    verdict: str
    def __init__(self, claim: _Optional[str] = ..., score: _Optional[float] = ..., supporting_review_ids: _Optional[_Iterable[str]] = ..., contradicting_review_ids: _Optional[_Iterable[str]] = ..., contradiction: _Optional[float] = ..., passed: _Optional[bool] = ..., verdict: _Optional[str] = ...) -> None: ...

class DroppedReviews(_message.Message):
    __slots__ = ("reason", "count")
    REASON_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    reason: str
    count: int
    def __init__(self, reason: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class AspectOpinion(_message.Message):
    __slots__ = ("aspect", "polarity", "statement", "support_count", "contradict_count", "review_ids", "contradicting_review_ids", "share", "mentions")
    ASPECT_FIELD_NUMBER: _ClassVar[int]
    POLARITY_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    SUPPORT_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTRADICT_COUNT_FIELD_NUMBER: _ClassVar[int]
    REVIEW_IDS_FIELD_NUMBER: _ClassVar[int]
    CONTRADICTING_REVIEW_IDS_FIELD_NUMBER: _ClassVar[int]
    SHARE_FIELD_NUMBER: _ClassVar[int]
    MENTIONS_FIELD_NUMBER: _ClassVar[int]
    aspect: str
    polarity: str
    statement: str
    support_count: int
    contradict_count: int
    review_ids: _containers.RepeatedScalarFieldContainer[str]
    contradicting_review_ids: _containers.RepeatedScalarFieldContainer[str]
    share: float
    mentions: int
    def __init__(self, aspect: _Optional[str] = ..., polarity: _Optional[str] = ..., statement: _Optional[str] = ..., support_count: _Optional[int] = ..., contradict_count: _Optional[int] = ..., review_ids: _Optional[_Iterable[str]] = ..., contradicting_review_ids: _Optional[_Iterable[str]] = ..., share: _Optional[float] = ..., mentions: _Optional[int] = ...) -> None: ...

class SummarizeReviewsResponse(_message.Message):
    __slots__ = ("summary", "faithfulness", "extractive_fallback", "supporting_review_ids", "flags", "claims", "passed", "degraded", "reviews_received", "reviews_used", "reviews_dropped", "dropped", "candidates_checked", "model", "aspects", "reviews_with_opinions")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    FAITHFULNESS_FIELD_NUMBER: _ClassVar[int]
    EXTRACTIVE_FALLBACK_FIELD_NUMBER: _ClassVar[int]
    SUPPORTING_REVIEW_IDS_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    CLAIMS_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    DEGRADED_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_USED_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_DROPPED_FIELD_NUMBER: _ClassVar[int]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_CHECKED_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ASPECTS_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_WITH_OPINIONS_FIELD_NUMBER: _ClassVar[int]
    summary: str
    faithfulness: float
    extractive_fallback: bool
    supporting_review_ids: _containers.RepeatedScalarFieldContainer[str]
    flags: _containers.RepeatedScalarFieldContainer[str]
    claims: _containers.RepeatedCompositeFieldContainer[ClaimSupport]
    passed: bool
    degraded: bool
    reviews_received: int
    reviews_used: int
    reviews_dropped: int
    dropped: _containers.RepeatedCompositeFieldContainer[DroppedReviews]
    candidates_checked: int
    model: str
    aspects: _containers.RepeatedCompositeFieldContainer[AspectOpinion]
    reviews_with_opinions: int
    def __init__(self, summary: _Optional[str] = ..., faithfulness: _Optional[float] = ..., extractive_fallback: _Optional[bool] = ..., supporting_review_ids: _Optional[_Iterable[str]] = ..., flags: _Optional[_Iterable[str]] = ..., claims: _Optional[_Iterable[_Union[ClaimSupport, _Mapping]]] = ..., passed: _Optional[bool] = ..., degraded: _Optional[bool] = ..., reviews_received: _Optional[int] = ..., reviews_used: _Optional[int] = ..., reviews_dropped: _Optional[int] = ..., dropped: _Optional[_Iterable[_Union[DroppedReviews, _Mapping]]] = ..., candidates_checked: _Optional[int] = ..., model: _Optional[str] = ..., aspects: _Optional[_Iterable[_Union[AspectOpinion, _Mapping]]] = ..., reviews_with_opinions: _Optional[int] = ...) -> None: ...

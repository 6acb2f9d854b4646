from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RewriteType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REWRITE_TYPE_UNSPECIFIED: _ClassVar[RewriteType]
    REWRITE_TYPE_SPACING: _ClassVar[RewriteType]
    REWRITE_TYPE_JAMO: _ClassVar[RewriteType]
    REWRITE_TYPE_KEYBOARD: _ClassVar[RewriteType]
    REWRITE_TYPE_TYPO: _ClassVar[RewriteType]
    REWRITE_TYPE_CONTEXT: _ClassVar[RewriteType]
    REWRITE_TYPE_LM: _ClassVar[RewriteType]

class RewriteSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REWRITE_SOURCE_UNSPECIFIED: _ClassVar[RewriteSource]
    REWRITE_SOURCE_RULE: _ClassVar[RewriteSource]
    REWRITE_SOURCE_LM: _ClassVar[RewriteSource]
REWRITE_TYPE_UNSPECIFIED: RewriteType
REWRITE_TYPE_SPACING: RewriteType
REWRITE_TYPE_JAMO: RewriteType
REWRITE_TYPE_KEYBOARD: RewriteType
REWRITE_TYPE_TYPO: RewriteType
REWRITE_TYPE_CONTEXT: RewriteType
REWRITE_TYPE_LM: RewriteType
REWRITE_SOURCE_UNSPECIFIED: RewriteSource
REWRITE_SOURCE_RULE: RewriteSource
REWRITE_SOURCE_LM: RewriteSource

class PreviousClick(_message.Message):
    __slots__ = ("doc_id", "title")
    DOC_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    doc_id: str
    title: str
    def __init__(self, doc_id: _Optional[str] = ..., title: _Optional[str] = ...) -> None: ...

class RewriteQueryRequest(_message.Message):
    __slots__ = ("query", "previous_queries", "previous_clicks", "max_rewrites")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_QUERIES_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_CLICKS_FIELD_NUMBER: _ClassVar[int]
    MAX_REWRITES_FIELD_NUMBER: _ClassVar[int]
    query: str
    previous_queries: _containers.RepeatedScalarFieldContainer[str]
    previous_clicks: _containers.RepeatedCompositeFieldContainer[PreviousClick]
    max_rewrites: int
    def __init__(self, query: _Optional[str] = ..., previous_queries: _Optional[_Iterable[str]] = ..., previous_clicks: _Optional[_Iterable[_Union[PreviousClick, _Mapping]]] = ..., max_rewrites: _Optional[int] = ...) -> None: ...

class Rewrite(_message.Message):
    __slots__ = ("query", "source", "kind", "hit_count", "score", "type")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    HIT_COUNT_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    query: str
    source: RewriteSource
    kind: str
    hit_count: int
    score: float
    type: RewriteType
    def __init__(self, query: _Optional[str] = ..., source: _Optional[_Union[RewriteSource, str]] = ..., kind: _Optional[str] = ..., hit_count: _Optional[int] = ..., score: _Optional[float] = ..., type: _Optional[_Union[RewriteType, str]] = ...) -> None: ...

class RewriteQueryResponse(_message.Message):
    __slots__ = ("original_hit_count", "has_results", "rewrites", "flags", "degraded", "is_null")
    ORIGINAL_HIT_COUNT_FIELD_NUMBER: _ClassVar[int]
    HAS_RESULTS_FIELD_NUMBER: _ClassVar[int]
    REWRITES_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    DEGRADED_FIELD_NUMBER: _ClassVar[int]
    IS_NULL_FIELD_NUMBER: _ClassVar[int]
    original_hit_count: int
    has_results: bool
    rewrites: _containers.RepeatedCompositeFieldContainer[Rewrite]
    flags: _containers.RepeatedScalarFieldContainer[str]
    degraded: bool
    is_null: bool
    def __init__(self, original_hit_count: _Optional[int] = ..., has_results: _Optional[bool] = ..., rewrites: _Optional[_Iterable[_Union[Rewrite, _Mapping]]] = ..., flags: _Optional[_Iterable[str]] = ..., degraded: _Optional[bool] = ..., is_null: _Optional[bool] = ...) -> None: ...

class RewriteQueriesRequest(_message.Message):
    __slots__ = ("requests",)
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[RewriteQueryRequest]
    def __init__(self, requests: _Optional[_Iterable[_Union[RewriteQueryRequest, _Mapping]]] = ...) -> None: ...

class RewriteQueriesResponse(_message.Message):
    __slots__ = ("responses",)
    RESPONSES_FIELD_NUMBER: _ClassVar[int]
    responses: _containers.RepeatedCompositeFieldContainer[RewriteQueryResponse]
    def __init__(self, responses: _Optional[_Iterable[_Union[RewriteQueryResponse, _Mapping]]] = ...) -> None: ...

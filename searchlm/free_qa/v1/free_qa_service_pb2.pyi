from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QuestionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUESTION_KIND_UNSPECIFIED: _ClassVar[QuestionKind]
    QUESTION_KIND_FACTOID: _ClassVar[QuestionKind]
    QUESTION_KIND_MULTI_HOP: _ClassVar[QuestionKind]
    QUESTION_KIND_YES_NO: _ClassVar[QuestionKind]
    QUESTION_KIND_LONG_FORM: _ClassVar[QuestionKind]
QUESTION_KIND_UNSPECIFIED: QuestionKind
QUESTION_KIND_FACTOID: QuestionKind
QUESTION_KIND_MULTI_HOP: QuestionKind
QUESTION_KIND_YES_NO: QuestionKind
QUESTION_KIND_LONG_FORM: QuestionKind

class AnswerQuestionRequest(_message.Message):
    __slots__ = ("question", "kind_hint", "top_k", "max_passages")
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    KIND_HINT_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    MAX_PASSAGES_FIELD_NUMBER: _ClassVar[int]
    question: str
    kind_hint: QuestionKind
    top_k: int
    max_passages: int
    def __init__(self, question: _Optional[str] = ..., kind_hint: _Optional[_Union[QuestionKind, str]] = ..., top_k: _Optional[int] = ..., max_passages: _Optional[int] = ...) -> None: ...

class AnswerQuestionStreamRequest(_message.Message):
    __slots__ = ("question", "kind_hint", "max_passages")
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    KIND_HINT_FIELD_NUMBER: _ClassVar[int]
    MAX_PASSAGES_FIELD_NUMBER: _ClassVar[int]
    question: str
    kind_hint: QuestionKind
    max_passages: int
    def __init__(self, question: _Optional[str] = ..., kind_hint: _Optional[_Union[QuestionKind, str]] = ..., max_passages: _Optional[int] = ...) -> None: ...

class AnswerQuestionStreamResponse(_message.Message):
    __slots__ = ("text_delta", "final")
    TEXT_DELTA_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    text_delta: str
    final: AnswerQuestionResponse
    def __init__(self, text_delta: _Optional[str] = ..., final: _Optional[_Union[AnswerQuestionResponse, _Mapping]] = ...) -> None: ...

class Citation(_message.Message):
    __slots__ = ("marker", "passage_id", "title", "snippet", "score")
    MARKER_FIELD_NUMBER: _ClassVar[int]
    PASSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SNIPPET_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    marker: int
    passage_id: str
    title: str
    snippet: str
    score: float
    def __init__(self, marker: _Optional[int] = ..., passage_id: _Optional[str] = ..., title: _Optional[str] = ..., snippet: _Optional[str] = ..., score: _Optional[float] = ...) -> None: ...

class Hop(_message.Message):
    __slots__ = ("query", "bridge", "passage_ids")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    BRIDGE_FIELD_NUMBER: _ClassVar[int]
    PASSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    query: str
    bridge: str
    passage_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, query: _Optional[str] = ..., bridge: _Optional[str] = ..., passage_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AnswerQuestionResponse(_message.Message):
    __slots__ = ("answer", "abstained", "kind", "citations", "confidence", "flags", "degraded", "hops", "retrieved_passage_ids")
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    ABSTAINED_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CITATIONS_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    DEGRADED_FIELD_NUMBER: _ClassVar[int]
    HOPS_FIELD_NUMBER: _ClassVar[int]
    RETRIEVED_PASSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    answer: str
    abstained: bool
    kind: QuestionKind
    citations: _containers.RepeatedCompositeFieldContainer[Citation]
    confidence: float
    flags: _containers.RepeatedScalarFieldContainer[str]
    degraded: bool
    hops: _containers.RepeatedCompositeFieldContainer[Hop]
    retrieved_passage_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, answer: _Optional[str] = ..., abstained: _Optional[bool] = ..., kind: _Optional[_Union[QuestionKind, str]] = ..., citations: _Optional[_Iterable[_Union[Citation, _Mapping]]] = ..., confidence: _Optional[float] = ..., flags: _Optional[_Iterable[str]] = ..., degraded: _Optional[bool] = ..., hops: _Optional[_Iterable[_Union[Hop, _Mapping]]] = ..., retrieved_passage_ids: _Optional[_Iterable[str]] = ...) -> None: ...

"""Responsible-AI instruments as data: validation, scoring, migration of answers.

An instrument (readiness assessment, risk assessment, fundamental-rights impact
assessment...) is a versioned YAML document checked against a JSON Schema
(:func:`instrument_schema`); :func:`load_instrument` reads one with errors that name the
file, line and element. Answers are plain JSON documents that record the instrument id and
version. The engine is pure functions over plain data: :func:`visible_questions`,
:func:`validate_answers`, :func:`score`, :func:`compare`, :func:`migrate_answers` and
:func:`prefill`. No Django here: the platform builds on this API.
"""

from __future__ import annotations

from railab.toolkit._answers import (
    AnswerProblem,
    AnswersCheck,
    check_evidence,
    holds,
    is_answered,
    new_answers,
    validate_answers,
    visible_questions,
)
from railab.toolkit._compare import Comparison, ScoreChange, compare
from railab.toolkit._errors import AnswersError, InstrumentError, Problem
from railab.toolkit._load import (
    instrument_schema,
    load_instrument,
    load_shipped,
    shipped_instruments,
)
from railab.toolkit._migrate import Change, MigratedAnswers, migrate_answers, prefill
from railab.toolkit._model import (
    LANGUAGES,
    Instrument,
    Level,
    Option,
    Principle,
    Question,
    Section,
    Text,
    text_direction,
)
from railab.toolkit._scoring import (
    MatrixCell,
    PrincipleScore,
    QuestionScore,
    Result,
    RiskScore,
    SectionScore,
    question_fraction,
    score,
)

__all__ = [
    "LANGUAGES",
    "AnswerProblem",
    "AnswersCheck",
    "AnswersError",
    "Change",
    "Comparison",
    "Instrument",
    "InstrumentError",
    "Level",
    "MatrixCell",
    "MigratedAnswers",
    "Option",
    "Principle",
    "PrincipleScore",
    "Problem",
    "Question",
    "QuestionScore",
    "Result",
    "RiskScore",
    "ScoreChange",
    "Section",
    "SectionScore",
    "Text",
    "check_evidence",
    "compare",
    "holds",
    "instrument_schema",
    "is_answered",
    "load_instrument",
    "load_shipped",
    "migrate_answers",
    "new_answers",
    "prefill",
    "question_fraction",
    "score",
    "shipped_instruments",
    "text_direction",
    "validate_answers",
    "visible_questions",
]

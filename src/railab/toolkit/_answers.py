"""Answers documents: their shape, the check of each value, and which questions are shown.

An answers document is plain JSON::

    {"instrument": "risk-assessment", "version": 1, "language": "en",
     "answers": {"q_purpose": "...", "q_legal_basis": "statute"}}

Optional keys: ``subject`` (what is assessed), ``sources`` (where a pre-filled answer came
from) and ``meta`` (anything the platform keeps, e.g. who answered what and when).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from railab.toolkit._errors import AnswersError
from railab.toolkit._model import Condition, Instrument, Question

__all__ = [
    "AnswerProblem",
    "AnswersCheck",
    "answer_values",
    "check_evidence",
    "effective_answers",
    "holds",
    "is_answered",
    "new_answers",
    "validate_answers",
    "visible_questions",
]

DOCUMENT_KEYS = frozenset(
    {"instrument", "version", "language", "answers", "subject", "sources", "meta"}
)


@dataclass(frozen=True)
class AnswerProblem:
    """An answer that does not fit its question."""

    question: str
    message: str

    def __str__(self) -> str:
        return f"{self.question}: {self.message}"


@dataclass(frozen=True)
class AnswersCheck:
    """Result of :func:`validate_answers`: ``ok`` when there is no problem."""

    problems: tuple[AnswerProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def new_answers(
    instrument: Instrument,
    values: Mapping[str, Any] | None = None,
    *,
    language: str = "en",
) -> dict[str, Any]:
    """A new answers document for ``instrument``.

    Examples
    --------
    >>> from railab.toolkit import load_shipped
    >>> doc = new_answers(load_shipped("readiness"), {"lead_strategy": "3"})
    >>> doc["instrument"], doc["version"], doc["answers"]
    ('readiness', 1, {'lead_strategy': '3'})
    """
    return {
        "instrument": instrument.id,
        "version": instrument.version,
        "language": language,
        "answers": dict(values or {}),
    }


def answer_values(instrument: Instrument, answers: Mapping[str, Any]) -> Mapping[str, Any]:
    """The answers of a document, after checking it is for this instrument and version."""
    if not isinstance(answers, Mapping):
        raise AnswersError("an answers document must be a JSON object")
    unknown = sorted(set(answers) - DOCUMENT_KEYS)
    if unknown:
        raise AnswersError(
            f"the answers document has unknown key(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(DOCUMENT_KEYS))}"
        )
    for key in ("instrument", "version", "answers"):
        if key not in answers:
            raise AnswersError(f"the answers document has no {key!r}; add it")
    if answers["instrument"] != instrument.id:
        raise AnswersError(
            f"the answers are for instrument {answers['instrument']!r}, "
            f"not {instrument.id!r}; open them with that instrument"
        )
    if answers["version"] != instrument.version:
        raise AnswersError(
            f"the answers are for version {answers['version']!r} of {instrument.id!r}, "
            f"this instrument is version {instrument.version}; migrate them first "
            "(railab.toolkit.migrate_answers)"
        )
    values = answers["answers"]
    if not isinstance(values, Mapping):
        raise AnswersError("'answers' must be a JSON object from question id to answer")
    return values


def is_answered(value: Any) -> bool:
    """Whether a value counts as an answer (``None``, ``""``, ``[]`` and ``{}`` do not).

    Examples
    --------
    >>> is_answered(0), is_answered(""), is_answered({"likelihood": 2})
    (True, False, False)
    """
    if value is None or value == "" or value == [] or value == {}:
        return False
    if isinstance(value, Mapping) and ("likelihood" in value or "impact" in value):
        return value.get("likelihood") is not None and value.get("impact") is not None
    return True


# ---------------------------------------------------------------------------------------------
# Conditions


@dataclass(frozen=True)
class LevelContext:
    """Computed levels that recommendation and requirement conditions may test."""

    overall: str | None
    sections: Mapping[str, str | None]
    principles: Mapping[str, str | None]
    risks: Mapping[str, str | None]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def holds(
    condition: Condition, answers: Mapping[str, Any], levels: LevelContext | None = None
) -> bool:
    """Whether a condition holds for these answers (and computed levels).

    Every operator but ``answered`` is false for an unanswered question, so
    ``{"not": {"question": "q", "equals": "no"}}`` holds when ``q`` is unanswered, and
    ``{"question": "q", "not_equals": "no"}`` does not.

    Examples
    --------
    >>> c = {"any": [{"question": "a", "equals": "yes"}, {"not": {"question": "b", "gt": 2}}]}
    >>> holds(c, {"a": "no", "b": 3}), holds(c, {"a": "no"})
    (False, True)
    """
    if "all" in condition:
        return all(holds(c, answers, levels) for c in condition["all"])
    if "any" in condition:
        return any(holds(c, answers, levels) for c in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], answers, levels)
    if "question" not in condition:
        if levels is None:
            return False
        wanted = condition["level"]
        for key, table in (
            ("section", levels.sections),
            ("principle", levels.principles),
            ("risk", levels.risks),
        ):
            if key in condition:
                return table.get(condition[key]) in wanted
        return levels.overall in wanted
    value = answers.get(condition["question"])
    op, target = next((k, v) for k, v in condition.items() if k != "question")
    answered = is_answered(value)
    if op == "answered":
        return answered is bool(target)
    if not answered:
        return False
    if op == "equals":
        return bool(value == target)
    if op == "not_equals":
        return bool(value != target)
    if op == "in":
        return value in target
    if op == "not_in":
        return value not in target
    if op == "includes":
        return isinstance(value, list) and target in value
    if op == "includes_any":
        return isinstance(value, list) and any(t in value for t in target)
    if not _number(value):
        return False
    return bool(
        (op == "gt" and value > target)
        or (op == "gte" and value >= target)
        or (op == "lt" and value < target)
        or (op == "lte" and value <= target)
    )


def effective_answers(
    instrument: Instrument, values: Mapping[str, Any]
) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Visible question ids, and the answers to them (answers to hidden ones left out).

    A condition sees only the answers to visible questions, so hiding a question also
    hides the questions that depend on it, however deep the chain.
    """
    visible: list[str] = []
    effective: dict[str, Any] = {}
    for section in instrument.sections:
        if section.show_if is not None and not holds(section.show_if, effective):
            continue
        for q in section.questions:
            if q.show_if is not None and not holds(q.show_if, effective):
                continue
            visible.append(q.id)
            if q.id in values and is_answered(values[q.id]):
                effective[q.id] = values[q.id]
    return tuple(visible), effective


def visible_questions(instrument: Instrument, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Ids of the questions shown for these answers, in order.

    Answers to hidden questions stay in the document (a user who changes an answer back
    finds them again) but are never scored.

    Examples
    --------
    >>> from railab.toolkit import load_instrument, new_answers
    >>> inst = load_instrument('''
    ... format: 1
    ... id: demo
    ... version: 1
    ... title: Demo
    ... languages: [en]
    ... sections:
    ...   - id: s
    ...     title: S
    ...     questions:
    ...       - {id: biometric, type: yes_no_unknown, title: "Biometric?"}
    ...       - id: watchlist
    ...         type: text
    ...         title: Which watch-list?
    ...         show_if: {question: biometric, equals: "yes"}
    ... ''')
    >>> visible_questions(inst, new_answers(inst, {"biometric": "no", "watchlist": "x"}))
    ('biometric',)
    """
    return effective_answers(instrument, answer_values(instrument, answers))[0]


# ---------------------------------------------------------------------------------------------
# Values


def _choice_problem(q: Question, value: Any) -> str | None:
    values = [o.value for o in q.options]
    if q.type == "multiple_choice":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"must be a list of options ({', '.join(values)}), got {value!r}"
        bad = [v for v in value if v not in values]
        if bad:
            return f"{', '.join(map(repr, bad))} not among the options ({', '.join(values)})"
        if len(set(value)) != len(value):
            return "lists an option twice"
        exclusive = [o.value for o in q.options if o.exclusive and o.value in value]
        if exclusive and len(value) > 1:
            return f"{exclusive[0]!r} cannot be combined with other options"
        return None
    if value not in values:
        return f"must be one of {', '.join(values)}, got {value!r}"
    return None


def _range_problem(q: Question, value: Any, lo: float | None, hi: float | None) -> str | None:
    if not _number(value) or not math.isfinite(value):
        return f"must be a number, got {value!r}"
    if q.type == "scale" and value != int(value):
        return f"must be a whole number, got {value!r}"
    if lo is not None and value < lo:
        return f"must be at least {lo:g}, got {value!r}"
    if hi is not None and value > hi:
        return f"must be at most {hi:g}, got {value!r}"
    return None


def check_evidence(question: Question, file: Mapping[str, Any]) -> str | None:
    """Why an evidence file's description does not fit the question, or ``None``.

    ``file`` has ``name``, ``size`` (bytes) and ``media_type``; other keys (an id, a
    checksum, who uploaded it) are kept as they are.

    Examples
    --------
    >>> from railab.toolkit._model import Text
    >>> q = Question(id="ev", type="evidence", title=Text({"en": "Policy"}),
    ...              media_types=("application/pdf",), max_size_mb=1)
    >>> check_evidence(q, {"name": "a.exe", "size": 10, "media_type": "application/x-msdownload"})
    "file 'a.exe' is of type application/x-msdownload; allowed: application/pdf"
    >>> check_evidence(q, {"name": "a.pdf", "size": 2_000_000, "media_type": "application/pdf"})
    "file 'a.pdf' is 2.0 MB; the limit is 1 MB"
    """
    if not isinstance(file, Mapping):
        return f"an evidence file must be an object with name, size, media_type; got {file!r}"
    name, size, media = file.get("name"), file.get("size"), file.get("media_type")
    if not isinstance(name, str) or not name:
        return "an evidence file needs a name"
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return f"file {name!r} needs its size in bytes"
    if media not in question.media_types:
        return f"file {name!r} is of type {media}; allowed: {', '.join(question.media_types)}"
    if size > question.max_size_mb * 1_000_000:
        return (
            f"file {name!r} is {size / 1_000_000:.1f} MB; the limit is {question.max_size_mb:g} MB"
        )
    return None


def value_problem(q: Question, value: Any, *, levels: int = 5, impacts: int = 5) -> str | None:
    """Why ``value`` is not a valid answer to ``q``, or ``None`` (unanswered is valid)."""
    if not is_answered(value):
        return None
    if q.type in ("single_choice", "multiple_choice", "yes_no_unknown"):
        return _choice_problem(q, value)
    if q.type == "scale":
        return _range_problem(q, value, q.scale_min, q.scale_max)
    if q.type == "number":
        return _range_problem(q, value, q.min, q.max)
    if q.type == "text":
        if not isinstance(value, str):
            return f"must be text, got {value!r}"
        if q.max_length is not None and len(value) > q.max_length:
            return f"is {len(value)} characters long; the limit is {q.max_length}"
        return None
    if q.type == "date":
        try:
            dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            return f"must be a date as YYYY-MM-DD, got {value!r}"
        return None
    if q.type == "evidence":
        files = value if isinstance(value, list) else [value]
        if len(files) > q.max_files:
            return f"has {len(files)} files; the limit is {q.max_files}"
        return next((p for p in map(lambda f: check_evidence(q, f), files) if p), None)
    if q.type == "table":
        return _table_problem(q, value)
    return _risk_problem(q, value, levels, impacts)


def _table_problem(q: Question, value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
        return "must be a list of rows (objects from column id to value)"
    if len(value) < q.min_rows:
        return f"has {len(value)} row(s); at least {q.min_rows} needed"
    if q.max_rows is not None and len(value) > q.max_rows:
        return f"has {len(value)} rows; the limit is {q.max_rows}"
    columns = {c.id: c for c in q.columns}
    for n, row in enumerate(value, start=1):
        unknown = sorted(set(row) - set(columns))
        if unknown:
            return f"row {n} has unknown column(s) {', '.join(unknown)}"
        for cid, cell in row.items():
            problem = value_problem(columns[cid], cell)
            if problem:
                return f"row {n} column {cid!r} {problem}"
    return None


def _risk_problem(q: Question, value: Any, levels: int, impacts: int) -> str | None:
    if not isinstance(value, Mapping):
        return "must be an object with likelihood, impact and optionally mitigations, note"
    unknown = sorted(set(value) - {"likelihood", "impact", "mitigations", "note"})
    if unknown:
        allowed = "likelihood, impact, mitigations, note"
        return f"has unknown key(s) {', '.join(unknown)}; allowed: {allowed}"
    for key, top in (("likelihood", levels), ("impact", impacts)):
        v = value.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= top):
            return f"{key} must be a whole number from 1 to {top}, got {v!r}"
    chosen = value.get("mitigations", [])
    known = [m.id for m in q.mitigations]
    if not isinstance(chosen, list) or any(m not in known for m in chosen):
        return (
            f"mitigations must be a list of {', '.join(known) or '(none defined)'}, got {chosen!r}"
        )
    note = value.get("note")
    if note is not None and not isinstance(note, str):
        return "note must be text"
    return None


def validate_answers(instrument: Instrument, answers: Mapping[str, Any]) -> AnswersCheck:
    """Check every answer of a document against its question.

    Unanswered questions are fine (completeness is reported by :func:`score`); answers to
    hidden questions are checked too, since they are kept.

    Raises
    ------
    AnswersError
        If the document is not an answers document for this instrument and version.

    Examples
    --------
    >>> from railab.toolkit import load_shipped
    >>> inst = load_shipped("readiness")
    >>> check = validate_answers(inst, new_answers(inst, {"lead_strategy": "9", "nope": 1}))
    >>> check.ok
    False
    >>> for problem in check.problems:
    ...     print(problem)
    lead_strategy: must be one of 1, 2, 3, 4, 5, na, got '9'
    nope: is not a question of readiness version 1
    """
    values = answer_values(instrument, answers)
    matrix = instrument.risk_matrix
    dims = (len(matrix.likelihood), len(matrix.impact)) if matrix is not None else (5, 5)
    questions = {q.id: q for q in instrument.questions}
    problems: list[AnswerProblem] = []
    for qid, value in values.items():
        q = questions.get(qid)
        if q is None:
            problems.append(
                AnswerProblem(
                    qid, f"is not a question of {instrument.id} version {instrument.version}"
                )
            )
            continue
        problem = value_problem(q, value, levels=dims[0], impacts=dims[1])
        if problem:
            problems.append(AnswerProblem(qid, problem))
    return AnswersCheck(problems=tuple(problems))

"""Answers documents, conditions (nested, hidden chains) and value checks."""

from __future__ import annotations

from typing import Any

import pytest

from railab.toolkit import (
    AnswersError,
    Instrument,
    holds,
    load_instrument,
    new_answers,
    validate_answers,
    visible_questions,
)

CHAIN = """\
format: 1
id: chain
version: 1
title: Chain
languages: [en]
sections:
  - id: s
    title: S
    questions:
      - {id: a, type: yes_no_unknown, title: A}
      - {id: b, type: yes_no_unknown, title: B, show_if: {question: a, equals: "yes"}}
      - {id: c, type: number, title: C, min: 0, max: 10, show_if: {question: b, equals: "yes"}}
      - id: d
        type: text
        title: D
        show_if:
          any:
            - all:
                - {question: c, gte: 5}
                - not: {question: a, equals: "no"}
            - {question: a, equals: unknown}
  - id: t
    title: T
    show_if: {question: a, answered: true}
    questions:
      - {id: e, type: date, title: E}
      - id: f
        type: table
        title: F
        max_rows: 2
        columns:
          - {id: name, type: text, title: Name}
          - {id: n, type: number, title: N, min: 0}
      - {id: g, type: evidence, title: G, media_types: [application/pdf], max_size_mb: 1}
"""


@pytest.fixture(scope="module")
def chain() -> Instrument:
    return load_instrument(CHAIN)


@pytest.mark.parametrize(
    ("answers", "visible"),
    [
        ({}, "a"),
        ({"a": "yes"}, "a b e f g"),
        ({"a": "yes", "b": "yes", "c": 7}, "a b c d e f g"),
        ({"a": "yes", "b": "yes", "c": 4}, "a b c e f g"),
        # hiding b hides c, and so d, even though c's answer is kept
        ({"a": "yes", "b": "no", "c": 7}, "a b e f g"),
        ({"a": "no", "b": "yes", "c": 7}, "a e f g"),
        ({"a": "unknown"}, "a d e f g"),
    ],
)
def test_visible_questions(chain: Instrument, answers: dict[str, Any], visible: str) -> None:
    assert visible_questions(chain, new_answers(chain, answers)) == tuple(visible.split())


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"question": "x", "not_equals": "a"}, False),  # unanswered: only `answered` is true
        ({"not": {"question": "x", "equals": "a"}}, True),
        ({"question": "x", "answered": False}, True),
        ({"question": "m", "includes": "b"}, True),
        ({"question": "m", "includes_any": ["z", "c"]}, True),
        ({"question": "n", "lt": 3}, True),
        ({"question": "n", "in": [1, 2]}, True),
        (
            {
                "all": [
                    {"question": "n", "gt": 1},
                    {"any": [{"not": {"question": "m", "answered": True}}]},
                ]
            },
            False,
        ),
    ],
)
def test_condition_operators(condition: dict[str, Any], expected: bool) -> None:
    assert holds(condition, {"m": ["b", "c"], "n": 2}) is expected


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        ("a", "maybe", "must be one of yes, no, unknown, got 'maybe'"),
        ("c", 11, "must be at most 10, got 11"),
        ("c", "7", "must be a number, got '7'"),
        ("e", "31/12/2025", "must be a date as YYYY-MM-DD, got '31/12/2025'"),
        ("f", [{"name": "x"}, {"n": 1}, {"n": 2}], "has 3 rows; the limit is 2"),
        ("f", [{"n": -1}], "row 1 column 'n' must be at least 0, got -1"),
        ("f", [{"colour": "x"}], "row 1 has unknown column(s) colour"),
        (
            "g",
            {"name": "x.exe", "size": 5, "media_type": "application/x-msdownload"},
            "file 'x.exe' is of type application/x-msdownload; allowed: application/pdf",
        ),
        (
            "g",
            [{"name": "big.pdf", "size": 3_000_000, "media_type": "application/pdf"}],
            "file 'big.pdf' is 3.0 MB; the limit is 1 MB",
        ),
    ],
)
def test_invalid_values(chain: Instrument, question: str, value: Any, message: str) -> None:
    check = validate_answers(chain, new_answers(chain, {question: value}))
    assert not check.ok
    assert [(p.question, p.message) for p in check.problems] == [(question, message)]


def test_valid_values(chain: Instrument) -> None:
    doc = new_answers(
        chain,
        {
            "a": "yes",
            "c": 3.5,
            "e": "2025-12-31",
            "f": [{"name": "CCTV", "n": 3}],
            "g": {"name": "policy.pdf", "size": 1000, "media_type": "application/pdf"},
            "d": None,
        },
    )
    assert validate_answers(chain, doc).ok


def test_unknown_question_is_reported(chain: Instrument) -> None:
    check = validate_answers(chain, new_answers(chain, {"zz": 1}))
    assert [str(p) for p in check.problems] == ["zz: is not a question of chain version 1"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"instrument": "other", "version": 1, "answers": {}}, "for instrument 'other'"),
        ({"instrument": "chain", "version": 2, "answers": {}}, "migrate them first"),
        ({"instrument": "chain", "answers": {}}, "has no 'version'"),
        ({"instrument": "chain", "version": 1, "answers": {}, "x": 1}, "unknown key"),
    ],
)
def test_wrong_documents_are_refused(
    chain: Instrument, document: dict[str, Any], message: str
) -> None:
    with pytest.raises(AnswersError, match=message):
        validate_answers(chain, document)


def test_exclusive_option() -> None:
    from tests.toolkit.conftest import DEMO

    demo = load_instrument(DEMO)
    check = validate_answers(demo, new_answers(demo, {"q4": ["a", "none"]}))
    assert [p.message for p in check.problems] == ["'none' cannot be combined with other options"]

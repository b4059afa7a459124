"""Instrument files: every problem named by file, line and element, with the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from railab.toolkit import InstrumentError, instrument_schema, load_instrument
from tests.toolkit.conftest import DEMO

HEAD = """\
format: 1
id: t
version: 1
title: {en: T, fr: T}
languages: [en, fr]
sections:
  - id: s1
    title: {en: S, fr: S}
    questions:
"""


def problems(text: str) -> list[str]:
    with pytest.raises(InstrumentError) as info:
        load_instrument(text, name="t.yaml")
    return [str(p) for p in info.value.problems]


def test_malformed_yaml_names_the_line() -> None:
    assert problems("format: 1\nid: t\nsections: [\n  - a\n") == [
        "t.yaml:4: malformed YAML: expected the node content, but found '-'; "
        "check indentation and quoting"
    ]


def test_duplicate_key_names_both_lines() -> None:
    assert problems("format: 1\nid: t\nid: u\n") == [
        "t.yaml:3: id: duplicate key 'id' (first on line 2); keep one of them"
    ]


def test_bad_field_names_question_option_and_line() -> None:
    text = HEAD + (
        "      - id: q_legal_basis\n"
        "        type: single_choice\n"
        "        title: {en: Q, fr: Q}\n"
        "        options:\n"
        "          - {value: 'yes', label: {en: Y, fr: O}, score: high}\n"
        "          - {value: 'no', label: {en: N, fr: N}, score: 0}\n"
    )
    assert problems(text) == [
        't.yaml:14: question "q_legal_basis" option "yes": score must be a number or empty, '
        'got "high"'
    ]


def test_unknown_field_lists_the_allowed_ones() -> None:
    text = HEAD + "      - {id: q1, type: text, title: {en: Q, fr: Q}, hlep: {en: H, fr: H}}\n"
    [problem] = problems(text)
    assert problem.startswith(
        't.yaml:10: question "q1": has unknown field(s) hlep; allowed fields:'
    )


def test_missing_required_field() -> None:
    [problem] = problems(HEAD + "      - {id: q1, title: {en: Q, fr: Q}}\n")
    assert problem == 't.yaml:10: question "q1": is missing type; add it'


def test_untranslated_text() -> None:
    text = HEAD + (
        "      - id: q1\n"
        "        type: text\n"
        "        title: {en: Q, fr: Q}\n"
        "        help:\n"
        "          en: Say what the system does.\n"
    )
    assert problems(text) == [
        't.yaml:13: question "q1": help is not translated into fr '
        "('Say what the system does.'); add fr: ..."
    ]


def test_forward_referencing_condition() -> None:
    text = HEAD + (
        "      - id: q1\n"
        "        type: text\n"
        "        title: {en: Q, fr: Q}\n"
        "        show_if: {question: q2, equals: 'yes'}\n"
        "      - {id: q2, type: yes_no_unknown, title: {en: Q, fr: Q}}\n"
    )
    assert problems(text) == [
        "t.yaml:13: question \"q1\": show_if.question refers to 'q2', which comes later; a "
        "condition may only use earlier answers (move the question up or the condition down)"
    ]


def test_condition_on_missing_question_and_option() -> None:
    text = HEAD + (
        "      - {id: q1, type: yes_no_unknown, title: {en: Q, fr: Q}}\n"
        "      - id: q2\n"
        "        type: text\n"
        "        title: {en: Q, fr: Q}\n"
        "        show_if:\n"
        "          all:\n"
        "            - {question: q1, equals: maybe}\n"
        "            - any:\n"
        "                - not: {question: q9, answered: true}\n"
    )
    assert problems(text) == [
        "t.yaml:16: question \"q2\": show_if.all.0.equals uses 'maybe', which is not an option "
        "of 'q1' (no, unknown, yes)",
        "t.yaml:18: question \"q2\": show_if.all.1.any.0.not.question refers to 'q9', which is "
        "not a question of this instrument",
    ]


def test_duplicate_ids() -> None:
    text = HEAD + (
        "      - {id: q1, type: text, title: {en: Q, fr: Q}}\n"
        "      - {id: q1, type: text, title: {en: R, fr: R}}\n"
    )
    assert problems(text) == [
        "t.yaml:11: question \"q1\": id 'q1' is used twice (also on line 10); rename one"
    ]


def test_thresholds_must_be_ordered() -> None:
    text = DEMO.replace("min: 40", "min: 80")
    assert problems(text) == [
        't.yaml:54: level "high": min (70) must be above the previous level\'s min (80); '
        "list levels from the lowest threshold up"
    ]


def test_schema_is_valid_and_published() -> None:
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(instrument_schema())


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError, match="cannot read the file"):
        load_instrument(tmp_path / "nope.yaml")


def test_loads_from_a_path_and_from_data(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(DEMO, encoding="utf-8")
    from_file = load_instrument(path)
    assert from_file.source == "demo.yaml"
    assert load_instrument(from_file.raw).questions == from_file.questions


def test_text_falls_back_to_english() -> None:
    inst = load_instrument(
        HEAD + "      - {id: q1, type: yes_no_unknown, title: {en: Q, fr: Qf}}\n"
    )
    assert inst.text("q1.title", "fr") == "Qf"
    assert inst.text("q1.title", "es") == "Q"
    assert inst.text("q1.option.yes", "ar") == "نعم"
    with pytest.raises(KeyError):
        inst.text("q9.title")

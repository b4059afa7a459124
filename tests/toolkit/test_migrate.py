"""Answers begun on one version open on the next: renamed, split, removed questions."""

from __future__ import annotations

import pytest

from railab.toolkit import AnswersError, load_instrument, migrate_answers, score

V1 = """\
format: 1
id: inst
version: 1
title: Inst
languages: [en]
sections:
  - id: s
    title: S
    questions:
      - {id: oversight, type: yes_no_unknown, title: "Human oversight?"}
      - id: data
        type: single_choice
        title: Data
        options: [{value: lo, label: Low}, {value: hi, label: High}]
      - {id: legacy, type: text, title: Old question}
      - {id: same, type: number, title: Same}
"""

V3 = """\
format: 1
id: inst
version: 3
title: Inst
languages: [en]
sections:
  - id: s
    title: S
    questions:
      - {id: review_before_action, type: yes_no_unknown, title: "Review before action?"}
      - {id: review_trained, type: yes_no_unknown, title: "Reviewers trained?"}
      - id: data_volume
        type: single_choice
        title: Data
        options: [{value: low, label: Low}, {value: high, label: High}]
      - {id: same, type: number, title: Same, max: 10}
migrations:
  - from: 1
    to: 2
    split: {oversight: [review_before_action, review_trained]}
    removed: [legacy]
    renamed: {data: data_volume}
  - from: 2
    to: 3
    values: {data_volume: {lo: low, hi: high}}
"""


def test_rename_split_remove_and_values_over_two_steps() -> None:
    v3 = load_instrument(V3)
    doc = {
        "instrument": "inst",
        "version": 1,
        "language": "fr",
        "answers": {"oversight": "yes", "data": "hi", "legacy": "text", "same": 12},
    }
    m = migrate_answers(doc, load_instrument(V1), v3)
    assert m.answers == {
        "instrument": "inst",
        "version": 3,
        "language": "fr",
        "answers": {"review_before_action": "yes", "review_trained": "yes", "data_volume": "high"},
    }
    assert [(c.kind, c.question) for c in m.changes] == [
        ("split", "oversight"),
        ("renamed", "data"),
        ("removed", "legacy"),
        ("value", "data_volume"),
        ("dropped", "same"),
    ]
    assert m.changes[-1].detail == "the answer no longer fits: must be at most 10, got 12"
    assert doc["version"] == 1  # the input is left alone
    score(v3, m.answers)  # and the result scores on the new version


def test_same_version_is_unchanged() -> None:
    v1 = load_instrument(V1)
    doc = {"instrument": "inst", "version": 1, "answers": {"same": 1}}
    m = migrate_answers(doc, None, v1)
    assert m.answers == doc
    assert m.changes == ()


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (
            {"instrument": "inst", "version": 0, "answers": {}},
            "the answers are for version 0 of 'inst'; version 3 can migrate answers only from "
            "version(s) 1, 2, so these cannot be opened; re-enter them or add a migration from "
            "version 0",
        ),
        (
            {"instrument": "inst", "version": 7, "answers": {}},
            "the answers are for version 7 of 'inst', newer than this instrument (version 3); "
            "open them with version 7",
        ),
        (
            {"instrument": "other", "version": 1, "answers": {}},
            "the answers are for instrument 'other'; they cannot be opened on 'inst'",
        ),
        (
            {"instrument": "inst", "version": "1", "answers": {}},
            "the answers document has no valid version (got '1')",
        ),
    ],
)
def test_refused_with_the_reason(document: dict[str, object], reason: str) -> None:
    with pytest.raises(AnswersError) as info:
        migrate_answers(document, None, load_instrument(V3))
    assert str(info.value) == reason


def test_old_instrument_must_match_the_answers() -> None:
    with pytest.raises(AnswersError, match="old instrument given is inst version 3"):
        migrate_answers(
            {"instrument": "inst", "version": 1, "answers": {}},
            load_instrument(V3),
            load_instrument(V3),
        )


def test_migration_targets_must_exist() -> None:
    from railab.toolkit import InstrumentError

    bad = V3.replace("renamed: {data: data_volume}", "renamed: {data: data_vol}").replace(
        "  - from: 2\n    to: 3\n    values: {data_volume: {lo: low, hi: high}}\n", ""
    )
    bad = bad.replace("to: 2", "to: 3")
    with pytest.raises(InstrumentError, match="renames to 'data_vol', which is not a question"):
        load_instrument(bad)

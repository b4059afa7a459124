"""Every bad input named in the issue gives one line naming the problem and the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from railab.audit import AuditInputError, audit_classification


def _error(data: object, **kwargs: Any) -> str:
    kwargs.setdefault("label", "y")
    if "score" not in kwargs:
        kwargs.setdefault("prediction", "p")
    with pytest.raises(AuditInputError) as info:
        audit_classification(data, bootstrap=0, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_missing_column_names_the_column_and_a_close_match() -> None:
    data = pa.table({"y": [1, 0], "p": [1, 0], "race": ["a", "b"]})
    message = _error(data, groups=["rase"])
    assert message == "group column `rase` not found in the data; did you mean `race`?"
    assert "columns are: y, p, race" in _error(data, groups=["sex"])


def test_label_with_more_than_two_values_needs_positive() -> None:
    data = pa.table({"y": [0, 1, 2, 1], "p": [0, 1, 1, 0]})
    message = _error(data)
    assert message.startswith("column `y` has values {0, 1, 2}; a binary label needs two values")
    assert message.endswith(
        "map them with positive=1 (--positive 1), other values then count as negative"
    )
    result = audit_classification(data, label="y", prediction="p", positive=1, bootstrap=0)
    assert result.confusion[0].tp == 1


def test_two_text_labels_need_positive() -> None:
    data = pa.table({"y": ["yes", "no"], "p": [1, 0]})
    assert "say which one is positive with positive='no' (--positive no)" in _error(data)


def test_positive_value_absent_from_label() -> None:
    data = pa.table({"y": [0, 1], "p": [0, 1]})
    assert "positive value 'yes' does not occur in column `y`" in _error(data, positive="yes")


def test_prediction_with_more_than_two_values() -> None:
    data = pa.table({"y": [0, 1, 1], "p": [0, 1, 2]})
    assert "a prediction must be binary" in _error(data)


def test_scores_outside_unit_interval_need_the_flag() -> None:
    data = pa.table({"y": [0, 1], "s": [0.2, 1.7]})
    message = _error(data, score="s")
    assert "outside [0, 1] (from 0.2 to 1.7)" in message
    assert "--allow-scores-outside-unit" in message


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_nan_or_infinite_scores(bad: float) -> None:
    data = pa.table({"y": [0, 1, 1], "s": [0.2, bad, 0.9]})
    assert "has 1 NaN or infinite values" in _error(data, score="s")


def test_empty_scores_are_excluded_not_errors() -> None:
    data = pa.table({"y": [0, 1, 1], "s": pa.array([0.2, None, 0.9], pa.float64())})
    result = audit_classification(data, label="y", score="s", bootstrap=0)
    assert result.exclusions.missing_score == 1


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert _error(empty) == f"file {empty} is empty; export the data again"
    header_only = tmp_path / "header.csv"
    header_only.write_text("y,p\n")
    assert _error(header_only) == "the data has no rows; check the file or the query"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    assert _error(path) == f"file {path} does not exist; check the path"
    assert "no file matches" in _error(str(tmp_path / "*.parquet"))


def test_non_utf8_csv_names_the_fix_and_works_with_an_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("y,p,g\n1,1,café\n0,1,thé\n1,0,café\n".encode("latin-1"))
    message = _error(path, groups=["g"])
    assert "is not UTF-8 text; pass its encoding, e.g. encoding='latin-1'" in message
    result = audit_classification(
        path, label="y", prediction="p", groups=["g"], encoding="latin-1", bootstrap=0
    )
    assert {r.group for r in result.confusion} == {"all", "café", "thé"}


def test_unknown_encoding(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("y,p\n1,1\n")
    assert "unknown encoding 'klingon'" in _error(path, encoding="klingon")


def test_utf16_csv_is_detected_from_its_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes("y;p\n1;1\n0;0\n".encode("utf-16"))
    result = audit_classification(path, label="y", prediction="p", bootstrap=0)
    assert result.metric("accuracy").value == 1.0


def test_mixed_types_in_a_score_column(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("y,s\n1,0.9\n0,0.1\n1,high\n")
    message = _error(path, score="s")
    assert message.startswith("score column `s` mixes numbers and text such as 'high'")


def test_mixed_types_in_a_label_column() -> None:
    data = pd.DataFrame({"y": [1, "1", "x", 0], "p": [1, 1, 0, 0]})
    assert "a binary label needs two values" in _error(data)


def test_both_or_neither_decision_column() -> None:
    data = pa.table({"y": [0, 1], "p": [0, 1]})
    assert "not both or neither" in _error(data, score="p", prediction="p")
    with pytest.raises(AuditInputError, match="not both or neither"):
        audit_classification(data, label="y")


def test_bad_weights() -> None:
    data = pa.table({"y": [0, 1], "p": [0, 1], "w": [1.0, -1.0]})
    assert "weights must be finite and non-negative" in _error(data, weight="w")
    data = pa.table({"y": [0, 1], "p": [0, 1], "w": pa.array([1.0, None])})
    assert "has empty values" in _error(data, weight="w")


def test_unsupported_input_type() -> None:
    assert _error({"y": [1]}).startswith("cannot audit a dict")


def test_unknown_reference_attribute() -> None:
    data = pa.table({"y": [0, 1], "p": [0, 1], "g": ["a", "b"]})
    assert "which is not audited" in _error(data, groups=["g"], reference={"sex": "F"})


def test_every_label_missing() -> None:
    data = pa.table({"y": pa.array([None, None], pa.int64()), "p": [0, 1]})
    assert "there is nothing to audit" in _error(data)


def test_file_larger_than_memory_limit_is_audited_out_of_core(tmp_path: Path) -> None:
    # About 160 MB of columns in memory against a 64 MB DuckDB memory limit.
    rng = np.random.default_rng(0)
    n = 4_000_000
    table = pa.table(
        {
            "y": rng.integers(0, 2, n, dtype=np.int64),
            "p": rng.integers(0, 2, n, dtype=np.int64),
            "g": rng.integers(0, 1_000_000, n, dtype=np.int64),
            "s": rng.random(n),
            "pad": rng.random(n),
        }
    )
    path = tmp_path / "big.parquet"
    pq.write_table(table, path, row_group_size=200_000)
    expected = int(((table["y"].to_numpy() == 1) & (table["p"].to_numpy() == 1)).sum())
    del table
    result = audit_classification(path, label="y", prediction="p", memory_limit="64MB", bootstrap=0)
    assert result.confusion[0].tp == expected
    assert result.exclusions.used == n
    assert "is not a size" in _error(path, memory_limit="lots")


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("y,p\n1,\xe9\n".encode("latin-1"))
    assert "is not valid ascii (byte 0xe9)" in _error(path, encoding="ascii")

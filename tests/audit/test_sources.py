"""Every kind of input gives the same counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from railab.audit import audit_classification


def _counts(data: object) -> list[tuple[str, str, int, int, int, int]]:
    result = audit_classification(
        data, label="label", prediction="prediction", groups=["race", "sex"], bootstrap=0
    )
    return [(r.attribute, r.group, r.tp, r.fp, r.fn, r.tn) for r in result.confusion]


def _csv(frame: pd.DataFrame, tmp_path: Path) -> object:
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False, sep=";")  # the sniffer finds the delimiter
    return path


def _parquet(frame: pd.DataFrame, tmp_path: Path) -> object:
    path = tmp_path / "data.parquet"
    frame.to_parquet(path)
    return str(path)


def _parquet_glob(frame: pd.DataFrame, tmp_path: Path) -> object:
    half = len(frame) // 2
    frame.iloc[:half].to_parquet(tmp_path / "part-0.parquet")
    frame.iloc[half:].to_parquet(tmp_path / "part-1.parquet")
    return str(tmp_path / "part-*.parquet")


def _parquet_dir(frame: pd.DataFrame, tmp_path: Path) -> object:
    pq.write_to_dataset(pa.Table.from_pandas(frame), tmp_path / "ds")
    return tmp_path / "ds"


def _duckdb_relation(frame: pd.DataFrame, tmp_path: Path) -> object:
    con = duckdb.connect()
    return con.from_arrow(pa.Table.from_pandas(frame))


def _sql(frame: pd.DataFrame, tmp_path: Path) -> object:
    path = tmp_path / "q.parquet"
    frame.to_parquet(path)
    return f"SELECT * FROM read_parquet('{path}')"  # noqa: S608 - a test's own path


SOURCES: dict[str, Callable[[pd.DataFrame, Path], object]] = {
    "csv": _csv,
    "parquet": _parquet,
    "parquet-glob": _parquet_glob,
    "parquet-dir": _parquet_dir,
    "arrow": lambda f, _: pa.Table.from_pandas(f),
    "polars": lambda f, _: pl.from_pandas(f),
    "polars-lazy": lambda f, _: pl.from_pandas(f).lazy(),
    "pandas-categorical": lambda f, _: f.astype(
        {"race": "category", "sex": "category", "label": "category"}
    ),
    "arrow-dictionary": lambda f, _: pa.Table.from_pandas(f).set_column(
        3, "race", pa.Table.from_pandas(f).column("race").dictionary_encode()
    ),
    "polars-categorical": lambda f, _: pl.from_pandas(f).with_columns(
        pl.col("race").cast(pl.Categorical), pl.col("sex").cast(pl.Categorical)
    ),
    "duckdb-relation": _duckdb_relation,
    "sql": _sql,
}


@pytest.mark.parametrize("kind", SOURCES)
def test_every_input_gives_the_same_counts(kind: str, frame: pd.DataFrame, tmp_path: Path) -> None:
    assert _counts(SOURCES[kind](frame, tmp_path)) == _counts(frame)


def test_progress_reaches_one_and_a_single_group_name_is_accepted(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "data.parquet"
    frame.to_parquet(path)
    seen: list[float] = []
    result = audit_classification(
        path, label="label", prediction="prediction", groups="race", progress=seen.append
    )
    assert seen
    assert seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen)
    assert result.spec.groups == ("race",)

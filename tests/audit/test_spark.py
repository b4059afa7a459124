"""The same audit on a PySpark DataFrame (local[2]) gives identical counts and metrics."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from railab.audit import AuditResult, audit_classification

pyspark = pytest.importorskip(
    "pyspark", reason="pyspark is not installed (pip install 'railab[spark]')"
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # py4j logs while closing sockets at interpreter exit, after pytest closed its streams.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("railab-audit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _spark_frame(spark: Any, data: pd.DataFrame) -> Any:
    # Built from plain rows: PySpark's pandas conversion warns about pandas 3.
    schema = "label INT, prediction INT, score DOUBLE, race STRING, sex STRING, weight DOUBLE"
    rows = [
        (int(r.label), int(r.prediction), float(r.score), r.race, r.sex, float(r.weight))
        for r in data.itertuples()
    ]
    return spark.createDataFrame(rows, schema=schema)


def _assert_close(got: Any, want: Any, where: str = "") -> None:
    """Equal, except floats may differ in the last bits (Spark sums in another order)."""
    if isinstance(want, dict):
        assert got.keys() == want.keys(), where
        for key in want:
            _assert_close(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _assert_close(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12), where
    else:
        assert got == want, where


def _comparable(result: AuditResult) -> dict[str, Any]:
    body = result.to_dict()
    body["spec"].pop("engine")
    body["spec"].pop("source")
    return body


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("mode", ["prediction", "score", "weighted-score"])
def test_spark_gives_identical_results(spark: Any, frame: pd.DataFrame, mode: str) -> None:
    data = frame.astype({"race": object})
    data.loc[data.index % 17 == 0, "race"] = None
    kwargs: dict[str, Any] = {
        "label": "label",
        "groups": ["race", "sex"],
        "intersect": True,
        "bootstrap": 100,
        "seed": 5,
    }
    if mode == "prediction":
        kwargs["prediction"] = "prediction"
    else:
        kwargs |= {"score": "score", "thresholds": [0.4, 0.6]}
    if mode == "weighted-score":
        kwargs["weight"] = "weight"
    local = audit_classification(data, **kwargs)
    remote = audit_classification(_spark_frame(spark, data), **kwargs)
    assert remote.spec.engine == "spark"
    assert remote.confusion == local.confusion
    _assert_close(_comparable(remote), _comparable(local))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_spark_missing_column_error(spark: Any, frame: pd.DataFrame) -> None:
    from railab.audit import AuditInputError

    with pytest.raises(AuditInputError, match="label column `lbl` not found"):
        audit_classification(_spark_frame(spark, frame), label="lbl", prediction="prediction")

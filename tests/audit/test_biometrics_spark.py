"""The verification and identification audits on a PySpark DataFrame (local[2]) give
identical results to DuckDB."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from railab.audit import audit_identification, audit_verification
from tests.audit.test_biometrics_output import comparisons
from tests.audit.test_identification import LISTS

pyspark = pytest.importorskip(
    "pyspark", reason="pyspark is not installed (pip install 'railab[spark]')"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("railab-biometrics-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.parametrize("by", ["subjects", "mated"])
def test_verification_on_spark_is_identical(spark: Any, by: str) -> None:
    data = comparisons()
    columns = ["probe", "reference", "score", "race_probe", "race_reference", "mated"]
    rows = [
        (int(a), int(b), float(c), d, e, int(f))
        for a, b, c, d, e, f in data[columns].itertuples(index=False)
    ]
    frame = spark.createDataFrame(
        rows,
        "probe INT, reference INT, score DOUBLE, race_probe STRING, race_reference STRING, "
        "mated INT",
    )
    kwargs: dict[str, Any] = {
        "score": "score",
        "groups": {"race": ("race_probe", "race_reference")},
        "thresholds": [0.5],
        "target_fmr": [1e-2, 1e-3],
        "bootstrap": 50,
    }
    if by == "subjects":
        kwargs |= {"probe_subject": "probe", "reference_subject": "reference"}
    else:
        kwargs["mated"] = "mated"
    local, remote = audit_verification(data, **kwargs), audit_verification(frame, **kwargs)
    assert remote.spec.engine == "spark"
    assert remote.rates == local.rates
    assert remote.eer == local.eer
    assert remote.fmr_matrix == local.fmr_matrix
    assert remote.findings == local.findings


def test_identification_on_spark_is_identical(spark: Any) -> None:
    rows = [
        (
            r.search,
            None if r.rank != r.rank else int(r.rank),
            None if r.score != r.score else float(r.score),
            int(r.mated),
            None if r.mate != r.mate else int(r.mate),
            r.sex,
        )
        for r in LISTS.itertuples(index=False)
    ]
    frame = spark.createDataFrame(
        rows, "search STRING, rank INT, score DOUBLE, mated INT, mate INT, sex STRING"
    )
    kwargs: dict[str, Any] = {
        "search": "search",
        "rank": "rank",
        "score": "score",
        "mated": "mated",
        "mate": "mate",
        "groups": ["sex"],
        "ranks": [1, 3],
        "thresholds": [0.5],
        "bootstrap": 20,
    }
    local, remote = audit_identification(LISTS, **kwargs), audit_identification(frame, **kwargs)
    assert remote.rates == local.rates

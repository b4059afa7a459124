"""Runs inside benchmarks/.venv-aequitas: time aequitas's crosstabs on a Parquet file.

Usage: python _aequitas_worker.py DATA.parquet OUT.json REPEAT
"""

from __future__ import annotations

import json
import sys
import time
import warnings

import pandas as pd
from aequitas.group import Group

SEP = " \N{MULTIPLICATION SIGN} "


def main() -> None:
    source, target, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    raw = pd.read_parquet(source, columns=["label", "prediction", "race", "sex"])
    # Aequitas wants the decision in `score`, the truth in `label_value`, and attributes as
    # plain strings (it rejects categorical columns); preparing that is not timed.
    frame = pd.DataFrame(
        {
            "score": raw["prediction"].astype("int64"),
            "label_value": raw["label"].astype("int64"),
            "race": raw["race"].astype(str).astype(object),
            "race_sex": (raw["race"].astype(str) + SEP + raw["sex"].astype(str)).astype(object),
        }
    )
    del raw
    best = float("inf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(repeat):
            start = time.perf_counter()
            xtab, _ = Group().get_crosstabs(frame)
            best = min(best, time.perf_counter() - start)
    metrics = {}
    for row in xtab.itertuples():
        attribute = "race" if row.attribute_name == "race" else f"race{SEP}sex"
        metrics[f"{attribute}={row.attribute_value}"] = {
            "selection_rate": row.pprev,
            "tpr": row.tpr,
            "fpr": row.fpr,
            "ppv": row.precision,
            # Aequitas has no accuracy; derived from its own counts.
            "accuracy": (row.tp + row.tn) / row.group_size,
        }
    with open(target, "w") as fh:
        json.dump({"seconds": best, "metrics": metrics}, fh)


if __name__ == "__main__":
    main()

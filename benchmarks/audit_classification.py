"""Benchmark: railab.audit against fairlearn, aequitas and a numpy bincount floor.

Synthetic data with a fixed seed: binary label and prediction, a score, race with 6
levels and sex with 2. Five metrics (selection rate, TPR, FPR, PPV, accuracy) by race and
by race x sex. Every method's numbers are checked against railab's in the same run, and
one table is printed. Aequitas runs in its own virtualenv (benchmarks/.venv-aequitas)
because it pins pandas<3.

    python benchmarks/audit_classification.py                      # 1 M and 10 M rows
    python benchmarks/audit_classification.py --rows 1000000 --parquet-rows 200000000

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from _aequitas_env import run_aequitas  # noqa: E402

from railab.audit import audit_classification  # noqa: E402

SEED = 20240601
RACES = ["Asian", "Black", "Hispanic", "Native", "Other", "White"]
RACE_P = [0.06, 0.28, 0.18, 0.02, 0.06, 0.40]
SEXES = ["F", "M"]
METRICS = ("selection_rate", "tpr", "fpr", "ppv", "accuracy")
SEP = " \N{MULTIPLICATION SIGN} "
Numbers = dict[str, dict[str, float]]  # "attribute=group" -> metric -> value


def make_data(n: int, seed: int = SEED) -> pa.Table:
    """Synthetic audit data; race and sex dictionary-encoded, as Parquet readers give them."""
    rng = np.random.default_rng(seed)
    race = rng.choice(len(RACES), size=n, p=RACE_P).astype(np.int8)
    sex = (rng.random(n) < 0.55).astype(np.int8)
    base = np.array([0.30, 0.42, 0.36, 0.40, 0.33, 0.31])[race] + 0.05 * sex
    label = (rng.random(n) < base).astype(np.int8)
    score = np.clip(0.25 + 0.3 * label + 0.05 * race / 5 + rng.normal(0, 0.18, n), 0, 1)
    prediction = (score >= 0.5).astype(np.int8)
    return pa.table(
        {
            "label": label,
            "prediction": prediction,
            "score": score.astype(np.float32),
            "race": pa.DictionaryArray.from_arrays(pa.array(race), pa.array(RACES)),
            "sex": pa.DictionaryArray.from_arrays(pa.array(sex), pa.array(SEXES)),
        }
    )


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def railab_numbers(result: Any) -> Numbers:
    out: Numbers = {}
    for row in result.metrics:
        if row.attribute in ("race", f"race{SEP}sex") and row.metric in METRICS:
            out.setdefault(f"{row.attribute}={row.group}", {})[row.metric] = row.value
    return out


def run_railab(data: object, bootstrap: int) -> Any:
    return audit_classification(
        data,
        label="label",
        prediction="prediction",
        groups=["race", "sex"],
        intersect=True,
        bootstrap=bootstrap,
        seed=1,
    )


def run_numpy(table: pa.Table) -> Numbers:
    """The floor: one bincount over the rows, metrics from the counts."""
    race = table.column("race").combine_chunks().indices.to_numpy()
    sex = table.column("sex").combine_chunks().indices.to_numpy()
    label = table.column("label").to_numpy()
    prediction = table.column("prediction").to_numpy()
    index = ((race.astype(np.int64) * 2 + sex) * 2 + label) * 2 + prediction
    counts = np.bincount(index, minlength=len(RACES) * 2 * 4).reshape(len(RACES), 2, 4)
    out: Numbers = {}
    for name, by_group, labels in (
        ("race", counts.sum(axis=1), RACES),
        (f"race{SEP}sex", counts.reshape(-1, 4), [f"{r}{SEP}{s}" for r in RACES for s in SEXES]),
    ):
        tn, fp, fn, tp = (by_group[:, i].astype(float) for i in range(4))
        n = tn + fp + fn + tp
        with np.errstate(invalid="ignore", divide="ignore"):
            values = {
                "selection_rate": (tp + fp) / n,
                "tpr": tp / (tp + fn),
                "fpr": fp / (fp + tn),
                "ppv": tp / (tp + fp),
                "accuracy": (tp + tn) / n,
            }
        for i, group in enumerate(labels):
            out[f"{name}={group}"] = {m: float(v[i]) for m, v in values.items()}
    return out


def run_fairlearn(table: pa.Table) -> Numbers:
    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score, precision_score

    y = table.column("label").to_numpy()
    p = table.column("prediction").to_numpy()
    race = table.column("race").to_pandas().astype(str)
    sex = table.column("sex").to_pandas().astype(str)
    metrics = {
        "selection_rate": selection_rate,
        "tpr": true_positive_rate,
        "fpr": false_positive_rate,
        "ppv": lambda t, q: precision_score(t, q, zero_division=np.nan),
        "accuracy": accuracy_score,
    }
    out: Numbers = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_race = MetricFrame(metrics=metrics, y_true=y, y_pred=p, sensitive_features=race)
        both = MetricFrame(
            metrics=metrics,
            y_true=y,
            y_pred=p,
            sensitive_features={"race": race, "sex": sex},
        )
    for group, row in by_race.by_group.iterrows():
        out[f"race={group}"] = {m: float(row[m]) for m in METRICS}
    for (r, s), row in both.by_group.iterrows():
        out[f"race{SEP}sex={r}{SEP}{s}"] = {m: float(row[m]) for m in METRICS}
    return out


def max_difference(got: Numbers, want: Numbers) -> float:
    if got.keys() != want.keys():
        return float("inf")
    return max(abs(got[k][m] - want[k][m]) for k in want for m in METRICS)


def fmt_seconds(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def benchmark_size(
    n: int, *, repeat: int, fairlearn_max: int, aequitas: bool, scratch: Path
) -> list[list[str]]:
    table = make_data(n)
    rows: list[list[str]] = []
    point, result = best_of(repeat, lambda: run_railab(table, 0))
    reference = railab_numbers(result)
    boot, boot_result = best_of(repeat, lambda: run_railab(table, 1000))
    floor, floor_numbers = best_of(repeat, lambda: run_numpy(table))
    path = scratch / f"audit-{n}.parquet"
    pq.write_table(table, path, row_group_size=1_000_000)
    from_file, file_result = best_of(repeat, lambda: run_railab(path, 0))

    def add(method: str, seconds: float, numbers: Numbers | None, note: str = "") -> None:
        diff = "—" if numbers is None else f"{max_difference(numbers, reference):.1e}"
        rows.append(
            [f"{n:,}", method, fmt_seconds(seconds), f"{seconds / point:,.1f}x", diff, note]
        )

    add("railab (Arrow table in memory)", point, reference, "13 metrics, disparities")
    add(
        "railab + 1,000 bootstrap",
        boot,
        railab_numbers(boot_result),
        f"+{(boot - point) * 1000:,.1f} ms (+{(boot / point - 1):.0%})",
    )
    add("railab (Parquet file)", from_file, railab_numbers(file_result), "read + count")
    add("numpy bincount floor", floor, floor_numbers, f"railab = {point / floor:.1f}x floor")
    if aequitas:
        out = scratch / f"aequitas-{n}.json"
        run_aequitas(path, out, repeat)
        body = json.loads(out.read_text())
        add("aequitas Group.get_crosstabs", body["seconds"], body["metrics"])
    if n <= fairlearn_max:
        seconds, numbers = best_of(1, lambda: run_fairlearn(table))
        add("fairlearn MetricFrame", seconds, numbers, "2 MetricFrames, 1 run")
    path.unlink()
    return rows


def write_big_parquet(path: Path, n: int, chunk: int = 10_000_000) -> None:
    schema = make_data(1).schema
    with pq.ParquetWriter(path, schema) as writer:
        for i, start in enumerate(range(0, n, chunk)):
            writer.write_table(make_data(min(chunk, n - start), seed=SEED + i), 1_000_000)


# Peak memory is the child's VmHWM: getrusage's ru_maxrss survives fork + exec on Linux
# and would report the parent's peak.
CHILD = """
import json, sys, time
sys.path.insert(0, {src!r})
from railab.audit import audit_classification
start = time.perf_counter()
r = audit_classification({path!r}, label="label", {decision}, groups=["race", "sex"],
                         intersect=True, bootstrap={bootstrap}, seed=1, memory_limit={limit!r})
seconds = time.perf_counter() - start
status = open("/proc/self/status").read().split("VmHWM:")[1].split()
print(json.dumps({{"seconds": seconds, "peak": int(status[0]) * 1024,
                  "rows": r.exclusions.used}}))
"""


def benchmark_out_of_core(n: int, scratch: Path, limit: str) -> list[list[str]]:
    path = scratch / f"audit-{n}.parquet"
    if not path.exists():
        start = time.perf_counter()
        write_big_parquet(path, n)
        print(f"wrote {path} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    size = path.stat().st_size
    rows = []
    for label, decision, bootstrap in (
        ("prediction", 'prediction="prediction"', 0),
        ("prediction", 'prediction="prediction"', 1000),
        ("score, 2 thresholds", 'score="score", thresholds=[0.4, 0.5]', 0),
        ("score, 2 thresholds", 'score="score", thresholds=[0.4, 0.5]', 1000),
    ):
        code = CHILD.format(
            src=str(HERE.parent / "src"),
            path=str(path),
            decision=decision,
            limit=limit,
            bootstrap=bootstrap,
        )
        done = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        out = json.loads(done.stdout.strip().splitlines()[-1])
        assert out["rows"] == n
        rows.append(
            [
                f"{n:,}",
                f"railab, Parquet {size / 1e9:.1f} GB on disk, {label}",
                fmt_seconds(out["seconds"]),
                f"peak RSS {out['peak'] / 1e9:.2f} GB",
                f"memory_limit={limit}",
                f"{bootstrap:,} bootstrap resamples",
            ]
        )
    return rows


def print_table(rows: list[list[str]]) -> None:
    head = ["rows", "method", "time", "vs railab", "max |Δ| vs railab", "note"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fairlearn-max-rows", type=int, default=1_000_000)
    parser.add_argument("--no-aequitas", action="store_true")
    parser.add_argument("--parquet-rows", type=int, default=0, help="e.g. 200000000")
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--scratch", type=Path, default=None, help="keeps the big file")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, seed {SEED}", file=sys.stderr)
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="railab-bench-") as tmp:
        scratch = args.scratch or Path(tmp)
        scratch.mkdir(parents=True, exist_ok=True)
        for n in args.rows:
            rows += benchmark_size(
                n,
                repeat=args.repeat,
                fairlearn_max=args.fairlearn_max_rows,
                aequitas=not args.no_aequitas,
                scratch=scratch,
            )
        if args.parquet_rows:
            rows += benchmark_out_of_core(args.parquet_rows, scratch, args.memory_limit)
    print_table(rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"\npeak RSS of this process: {peak / 1e9:.2f} GB", file=sys.stderr)


if __name__ == "__main__":
    main()

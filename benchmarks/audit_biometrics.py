"""Benchmark: railab's verification audit against pyeer and a numpy sort/searchsorted floor.

Synthetic comparison scores with a fixed seed: 1e7 impostor and 1e5 genuine comparisons
(1e5 subjects, race with 6 levels on both sides, impostor scores shifted for some
groups). Each method computes FMR and FNMR at an operating threshold, the thresholds for
target FMRs 1e-3 ... 1e-6 on all impostors with FMR and FNMR there, and the EER; the
script checks in the same run that all give the same numbers, and prints one table.

    python benchmarks/audit_biometrics.py                        # 1e7 impostors + 1e5 genuines
    python benchmarks/audit_biometrics.py --parquet-impostors 100000000 --scratch /tmp/rb

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
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
sys.path.insert(0, str(HERE.parent / "src"))

from railab.audit import audit_verification  # noqa: E402

SEED = 20240601
RACES = ["Asian", "Black", "Hispanic", "Native", "Other", "White"]
RACE_P = [0.06, 0.28, 0.18, 0.02, 0.06, 0.40]
SHIFT = np.array([0.04, 0.03, 0.01, 0.02, 0.0, 0.0])  # impostor score shift by race
THRESHOLD = 0.62
TARGETS = (1e-3, 1e-4, 1e-5, 1e-6)
Numbers = dict[str, float]


def make_data(
    n_impostors: int, n_subjects: int, seed: int = SEED, *, genuines: bool = True
) -> pa.Table:
    """One genuine comparison per subject (when ``genuines``); impostors spread over the
    subjects. A subject's race depends only on the subject, whatever the seed."""
    race = np.random.default_rng(SEED).choice(len(RACES), size=n_subjects, p=RACE_P)
    race = race.astype(np.int8)
    rng = np.random.default_rng(seed)
    n_gen = n_subjects if genuines else 0
    probe_i = rng.integers(0, n_subjects, n_impostors)
    reference_i = (probe_i + rng.integers(1, n_subjects, n_impostors)) % n_subjects
    probe = np.concatenate([np.arange(n_gen), probe_i]).astype(np.int32)
    reference = np.concatenate([np.arange(n_gen), reference_i]).astype(np.int32)
    mated = np.zeros(n_gen + n_impostors, dtype=bool)
    mated[:n_gen] = True
    genuine = rng.normal(0.78, 0.09, n_gen) - 0.02 * (race[:n_gen] == 1)
    same = race[probe_i] == race[reference_i]
    impostor = rng.normal(0.30, 0.07, n_impostors) + SHIFT[race[probe_i]] * same
    labels = pa.array(RACES)
    return pa.table(
        {
            "score": np.concatenate([genuine, impostor]),
            "mated": mated,
            "probe": probe,
            "reference": reference,
            "race_probe": pa.DictionaryArray.from_arrays(pa.array(race[probe]), labels),
            "race_reference": pa.DictionaryArray.from_arrays(pa.array(race[reference]), labels),
        }
    )


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def run_railab(data: object, bootstrap: int = 0, **kwargs: Any) -> Any:
    subjects = {"probe_subject": "probe", "reference_subject": "reference"} if bootstrap else {}
    return audit_verification(
        data,
        score="score",
        mated=None if bootstrap else "mated",
        groups={"race": ("race_probe", "race_reference")},
        thresholds=[THRESHOLD],
        target_fmr=TARGETS,
        bootstrap=bootstrap,
        seed=1,
        **subjects,
        **kwargs,
    )


def railab_numbers(result: Any) -> Numbers:
    out = {"eer": result.eer[0].eer}
    for p in result.operating_points:
        key = "t" if p.target_fmr is None else f"{p.target_fmr:g}"
        out[f"fmr@{key}"], out[f"fnmr@{key}"] = p.fmr, p.fnmr
    return out


def split(table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    score = table.column("score").to_numpy()
    mated = table.column("mated").to_numpy(zero_copy_only=False)
    return score[mated], score[~mated]


def eer_sorted(thresholds: np.ndarray, fm: np.ndarray, fnm: np.ndarray, ni: int, ng: int) -> float:
    """pyeer's (FVC2000) EER from counts at ascending thresholds."""
    fmr, fnmr = fm / ni, fnm / ng
    diff = fmr - fnmr
    t2 = int(np.flatnonzero(diff <= 0)[0])
    t1 = t2 - 1 if diff[t2] != 0 and t2 != 0 else t2
    at = t1 if fmr[t1] + fnmr[t1] <= fmr[t2] + fnmr[t2] else t2
    return float((fmr[at] + fnmr[at]) / 2)


def run_numpy(genuine: np.ndarray, impostor: np.ndarray) -> Numbers:
    """The floor: sort both score sets once, then searchsorted for every number."""
    imp = np.sort(impostor)
    gen = np.sort(genuine)
    ni, ng = imp.size, gen.size

    def rates(t: float) -> tuple[float, float]:
        return (ni - np.searchsorted(imp, t)) / ni, np.searchsorted(gen, t) / ng

    out: Numbers = {}
    out["fmr@t"], out["fnmr@t"] = rates(THRESHOLD)
    for f in TARGETS:
        m = int(np.floor(round(f * ni, 6)))
        t = np.nextafter(imp[ni - 1 - m], np.inf)
        out[f"fmr@{f:g}"], out[f"fnmr@{f:g}"] = rates(t)
    # EER: counts at every distinct score, merged from the two sorted arrays.
    thresholds = np.unique(np.concatenate([gen, imp]))
    fm = ni - np.searchsorted(imp, thresholds)
    fnm = np.searchsorted(gen, thresholds)
    out["eer"] = eer_sorted(thresholds, fm, fnm, ni, ng)
    return out


def run_pyeer(genuine: np.ndarray, impostor: np.ndarray) -> Numbers:
    from pyeer.eer_stats import calculate_roc, get_eer_values

    thresholds, fm, fnm = calculate_roc(genuine, impostor, rates=False)
    ni, ng = impostor.size, genuine.size
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, _, _, eer = get_eer_values(fm / ni, fnm / ng)
    out: Numbers = {"eer": float(eer)}

    def at(t: float) -> tuple[float, float]:
        i = np.searchsorted(thresholds, t)  # first threshold >= t: same decisions as t
        return float(fm[i] / ni), float(fnm[i] / ng)

    out["fmr@t"], out["fnmr@t"] = at(THRESHOLD)
    fmr = fm / ni
    for f in TARGETS:
        i = int(np.flatnonzero(fmr <= f)[0])  # lowest threshold with FMR <= target
        out[f"fmr@{f:g}"], out[f"fnmr@{f:g}"] = float(fmr[i]), float(fnm[i] / ng)
    return out


def max_difference(got: Numbers, want: Numbers) -> float:
    return max(abs(got[k] - want[k]) for k in want)


def fmt_seconds(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def benchmark_memory(n_imp: int, n_gen: int, repeat: int, pyeer: bool) -> list[list[str]]:
    table = make_data(n_imp, n_gen)
    genuine, impostor = split(table)
    size = f"{n_imp:,} + {n_gen:,}"
    rows: list[list[str]] = []
    point, result = best_of(repeat, lambda: run_railab(table))
    reference = railab_numbers(result)

    def add(method: str, seconds: float, numbers: Numbers | None, note: str = "") -> None:
        diff = "—" if numbers is None else f"{max_difference(numbers, reference):.1e}"
        rows.append([size, method, fmt_seconds(seconds), f"{seconds / point:,.1f}x", diff, note])

    add("railab (Arrow table in memory)", point, reference, "+ 6 race groups, FMR matrix, DET")
    boot, boot_result = best_of(1, lambda: run_railab(table, bootstrap=1000))
    add(
        "railab + 1,000 subject bootstrap",
        boot,
        railab_numbers(boot_result),
        "subject ids, consistency check",
    )
    floor, floor_numbers = best_of(repeat, lambda: run_numpy(genuine, impostor))
    add("numpy sort/searchsorted floor", floor, floor_numbers, "overall only")
    if pyeer:
        seconds, numbers = best_of(1, lambda: run_pyeer(genuine, impostor))
        add("pyeer calculate_roc + get_eer_values", seconds, numbers, "overall only, 1 run")
    return rows


CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r}); sys.path.insert(0, {src!r})
from audit_biometrics import run_railab, railab_numbers
start = time.perf_counter()
r = run_railab({path!r}, bootstrap={bootstrap}, memory_limit={limit!r})
seconds = time.perf_counter() - start
status = open("/proc/self/status").read().split("VmHWM:")[1].split()
print(json.dumps({{"seconds": seconds, "peak": int(status[0]) * 1024,
                  "rows": r.exclusions.used, "numbers": railab_numbers(r)}}))
"""


def benchmark_out_of_core(n_imp: int, n_gen: int, scratch: Path, limit: str) -> list[list[str]]:
    path = scratch / f"comparisons-{n_imp}.parquet"
    chunk = 10_000_000
    if not path.exists():
        start = time.perf_counter()
        schema = make_data(10, 10).schema
        with pq.ParquetWriter(path, schema) as writer:
            for i, first in enumerate(range(0, n_imp, chunk)):
                part = make_data(min(chunk, n_imp - first), n_gen, SEED + i, genuines=i == 0)
                writer.write_table(part, 1_000_000)
        print(f"wrote {path} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    rows = []
    for bootstrap in (0, 1000):
        code = CHILD.format(
            bench=str(HERE),
            src=str(HERE.parent / "src"),
            path=str(path),
            limit=limit,
            bootstrap=bootstrap,
        )
        done = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        out = json.loads(done.stdout.strip().splitlines()[-1])
        note = "mated column" if not bootstrap else "subject ids, 1,000 subject bootstrap"
        rows.append(
            [
                f"{n_imp:,} + {n_gen:,}",
                f"railab, Parquet {path.stat().st_size / 1e9:.1f} GB, memory_limit={limit}",
                fmt_seconds(out["seconds"]),
                f"peak RSS {out['peak'] / 1e9:.2f} GB",
                f"FMR@1e-6 {out['numbers']['fmr@1e-06']:.2e}",
                note,
            ]
        )
    return rows


def print_table(rows: list[list[str]]) -> None:
    head = ["impostors + genuines", "method", "time", "vs railab", "max |Δ| vs railab", "note"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--impostors", type=int, default=10_000_000)
    parser.add_argument("--genuines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pyeer", action="store_true")
    parser.add_argument("--parquet-impostors", type=int, default=0, help="e.g. 100000000")
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--scratch", type=Path, default=None, help="keeps the big file")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, seed {SEED}", file=sys.stderr)
    rows = benchmark_memory(args.impostors, args.genuines, args.repeat, not args.no_pyeer)
    if args.parquet_impostors:
        with tempfile.TemporaryDirectory(prefix="railab-bench-") as tmp:
            scratch = args.scratch or Path(tmp)
            scratch.mkdir(parents=True, exist_ok=True)
            rows += benchmark_out_of_core(
                args.parquet_impostors, args.genuines, scratch, args.memory_limit
            )
    print_table(rows)


if __name__ == "__main__":
    main()

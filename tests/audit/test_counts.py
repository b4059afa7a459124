"""Count tables: results from counts equal the direct audit; signatures; suppression; DP."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from railab.audit import (
    AuditInputError,
    audit_classification,
    audit_from_counts,
    audit_triage,
    count_table,
    generate_key_pair,
    read_count_table,
)
from railab.audit._fromcounts import homogeneity
from railab.audit._privacy import add_noise, mechanism
from railab.audit._signing import load_public_key
from railab.audit.cli import audit_app
from tests.audit.conftest import make_frame

runner = CliRunner()
GROUPS = ["race", "sex"]
BINS = (0.0, 1.0, 100)  # make_frame's scores are rounded to 0.01: every score is an edge


def _same(a: Any, b: Any, path: str = "") -> None:
    """Equal, floats to 1e-9 (sums of scores may add in another order)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert b == pytest.approx(a, rel=1e-9, abs=1e-12), path
    else:
        assert a == b, path


def _body(result: Any) -> dict[str, Any]:
    d: dict[str, Any] = result.to_dict()
    for spec in (d["spec"], d.get("classification", {}).get("spec", {})):
        spec.pop("source", None)
    return d


@pytest.mark.parametrize(
    "options",
    [
        {"prediction": "prediction"},
        {"score": "score", "thresholds": [0.5, 0.7]},
    ],
    ids=["prediction", "score"],
)
def test_classification_from_counts_equals_direct(frame: pd.DataFrame, options: Any) -> None:
    table = count_table(frame, label="label", groups=GROUPS, bins=BINS, **options)
    assert table.spec["score_values"] in (None, "edges")
    got = audit_from_counts([table], bootstrap=100, seed=3, intersect=True)
    want = audit_classification(
        frame, label="label", groups=GROUPS, bootstrap=100, seed=3, intersect=True, **options
    )
    _same(_body(want), _body(got.pooled))
    assert got.per_contributor == ()
    assert got.heterogeneity == ()


def test_triage_from_counts_equals_direct(frame: pd.DataFrame) -> None:
    table = count_table(
        frame, kind="triage", label="label", score="score", groups=["race"], bins=BINS
    )
    got = audit_from_counts([table], capacity=[40, 120], bootstrap=100, seed=2)
    want = audit_triage(
        frame,
        label="label",
        score="score",
        groups=["race"],
        capacity=[40, 120],
        bootstrap=100,
        seed=2,
    )
    _same(_body(want), _body(got.pooled))


def test_pooling_two_halves_equals_the_whole() -> None:
    frame = make_frame(600, seed=11)
    halves = [frame.iloc[:250], frame.iloc[250:]]
    tables = [
        count_table(
            half,
            label="label",
            score="score",
            thresholds=[0.5],
            groups=GROUPS,
            bins=BINS,
            metadata={"contributor": name},
        )
        for half, name in zip(halves, ["Agency A", "Agency B"], strict=True)
    ]
    got = audit_from_counts(tables, bootstrap=50, seed=1)
    whole = audit_classification(
        frame, label="label", score="score", thresholds=[0.5], groups=GROUPS, bootstrap=50, seed=1
    )
    _same(_body(whole), _body(got.pooled))
    assert [c.contributor for c in got.contributors] == ["Agency A", "Agency B"]
    assert len(got.per_contributor) == 2
    first = audit_classification(
        halves[0],
        label="label",
        score="score",
        thresholds=[0.5],
        groups=GROUPS,
        bootstrap=50,
        seed=1,
    )
    _same(_body(first), _body(got.per_contributor[0]))
    rows = {(h.attribute, h.group, h.metric): h for h in got.heterogeneity}
    row = rows[("overall", "all", "fpr")]
    assert row.contributors == 2
    assert row.df == 1
    assert 0.0 <= (row.p_value or 0) <= 1.0


def test_heterogeneity_against_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    s = np.array([12.0, 30.0, 18.0])
    n = np.array([100.0, 120.0, 90.0])
    q, df, p, i2 = homogeneity(s, n)
    chi2, p_ref, dof, _ = stats.chi2_contingency(np.stack([s, n - s]), correction=False)
    assert q == pytest.approx(chi2)
    assert df == dof
    assert p == pytest.approx(p_ref, rel=1e-9)
    assert i2 == pytest.approx(max(0.0, (q - df) / q))


def test_signed_table_roundtrip_and_tampering(frame: pd.DataFrame, tmp_path: Path) -> None:
    private, public = generate_key_pair(tmp_path / "keys")
    table = count_table(frame, label="label", prediction="prediction", groups=["race"]).signed(
        private
    )
    path = tmp_path / "a.json"
    table.write(path)
    back = read_count_table(path, public_keys=[load_public_key(public)])
    assert (back.cells == table.cells).all()
    document = json.loads(path.read_text())
    document["cells"][0][-1] += 1
    path.write_text(json.dumps(document))
    with pytest.raises(AuditInputError, match=r"a\.json: the Ed25519 signature .* does not match"):
        read_count_table(path)
    other, _ = generate_key_pair(tmp_path / "other")
    table.signed(other).write(path)
    with pytest.raises(AuditInputError, match="not one of the public keys"):
        read_count_table(path, public_keys=[load_public_key(public)])


def test_nothing_row_level_in_the_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 300
    data = pd.DataFrame(
        {
            "case_id": [f"case-{i:07d}-x" for i in rng.permutation(10**6)[:n]],
            "label": rng.integers(0, 2, n),
            "score": rng.random(n),
            "region": rng.choice(["north", "south"], n),
        }
    )
    private, _ = generate_key_pair(tmp_path)
    table = count_table(
        data, label="label", score="score", thresholds=[0.5], groups=["region"]
    ).signed(private)
    raw = table.to_json().encode()
    assert table.spec["score_values"] == "midpoints"
    for case_id in data["case_id"]:
        assert case_id.encode() not in raw
    for score in data["score"]:
        for text in (repr(float(score)), f"{score:.6f}", f"{score:.4f}"[1:]):
            assert text.encode() not in raw, text


def test_small_cells_are_suppressed(frame: pd.DataFrame) -> None:
    full = count_table(frame, label="label", prediction="prediction", groups=GROUPS)
    table = count_table(
        frame, label="label", prediction="prediction", groups=GROUPS, suppress_below=10
    )
    small = int(((full.cells[:, -1] > 0) & (full.cells[:, -1] < 10)).sum())
    assert small > 0
    assert table.suppression == {"below": 10, "cells": small, "exclusion_counts": 0}
    assert (table.cells[:, -1] >= 10).all()
    assert table.exclusions["rows"] == int(table.cells[:, -1].sum())
    result = audit_from_counts([table], bootstrap=0)
    assert result.warnings[0].code == "suppressed_cells"


@pytest.mark.parametrize("delta", [None, 1e-6])
def test_noise_variance_matches_the_mechanism(delta: float | None) -> None:
    mech = mechanism(0.5, delta)
    noisy = np.concatenate([add_noise(np.full(5000, 20), mech) for _ in range(8)])
    assert noisy.mean() == pytest.approx(20, abs=4 * math.sqrt(mech.variance / noisy.size))
    # The sample variance of 40,000 draws is within 5 % (over 4 standard errors).
    assert noisy.var() == pytest.approx(mech.variance, rel=0.05)
    if delta is None:
        assert mech.scale == 2.0


def test_private_table_records_budget_and_widens_intervals(frame: pd.DataFrame) -> None:
    plain = count_table(frame, label="label", prediction="prediction", groups=["race"])
    private = count_table(
        frame, label="label", prediction="prediction", groups=["race"], epsilon=0.05
    )
    assert private.privacy is not None
    assert private.privacy["epsilon"] == 0.05
    assert len(private.cells) == 4 * 2 * 2  # every cell of the domain, zeros included
    a = audit_from_counts([plain], bootstrap=300, seed=1).pooled
    b = audit_from_counts([private], bootstrap=300, seed=1).pooled
    assert isinstance(a, type(b))

    def width(result: Any) -> float:
        # Noise of variance ~800 per cell (epsilon 0.05) dwarfs sampling in these cells.
        rows = [m for m in result.metrics if m.metric in ("tpr", "fpr", "selection_rate")]
        return sum(m.upper - m.lower for m in rows if m.lower is not None and m.upper is not None)

    assert width(b) > width(a)


def test_incompatible_tables_are_not_pooled(frame: pd.DataFrame) -> None:
    a = count_table(frame, label="label", prediction="prediction", groups=["race"])
    b = count_table(frame, label="label", prediction="prediction", groups=["sex"])
    with pytest.raises(AuditInputError, match="differ in groups"):
        audit_from_counts([a, b])


def test_cli_keygen_counts_from_counts(frame: pd.DataFrame, tmp_path: Path) -> None:
    csv = tmp_path / "cases.csv"
    frame.to_csv(csv, index=False)
    assert runner.invoke(audit_app, ["keygen", "--out", str(tmp_path / "k")]).exit_code == 0
    tables = []
    for name, part in (("A", frame.iloc[:200]), ("B", frame.iloc[200:])):
        path = tmp_path / f"{name}.csv"
        part.to_csv(path, index=False)
        out = tmp_path / f"{name}.json"
        result = runner.invoke(
            audit_app,
            [
                "counts",
                str(path),
                "--label",
                "label",
                "--score",
                "score",
                "-t",
                "0.5",
                "-g",
                "race",
                "--bins",
                "0:1:100",
                "--contributor",
                f"Agency {name}",
                "--tool",
                "RiskTool",
                "--key",
                str(tmp_path / "k" / "railab.key"),
                "--out",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        tables.append(str(out))
    result = runner.invoke(
        audit_app,
        [
            "from-counts",
            *tables,
            "--public-key",
            str(tmp_path / "k" / "railab.pub"),
            "--bootstrap",
            "20",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["pooled"]["exclusions"]["used"] == len(frame)
    assert {c["contributor"] for c in body["contributors"]} == {"Agency A", "Agency B"}
    html = tmp_path / "pooled.html"
    result = runner.invoke(
        audit_app, ["from-counts", *tables, "--bootstrap", "0", "-f", "html", "-o", str(html)]
    )
    assert result.exit_code == 0, result.output
    assert "Heterogeneity between contributors" in html.read_text()
    document = json.loads(Path(tables[0]).read_text())
    document["metadata"]["contributor"] = "Agency Z"
    Path(tables[0]).write_text(json.dumps(document))
    result = runner.invoke(audit_app, ["from-counts", *tables])
    assert result.exit_code == 2
    assert "A.json: the Ed25519 signature" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "module",
    [
        "railab.audit._counting",
        "railab.audit._counttable",
        "railab.audit._fromcounts",
        "railab.audit._privacy",
        "railab.audit._signing",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0

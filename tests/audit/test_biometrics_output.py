"""Output of the verification, identification and triage audits: JSON against the shipped
schemas, reports, doctests, and the command line."""

from __future__ import annotations

import doctest
import importlib
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from railab.audit import (
    audit_identification,
    audit_triage,
    audit_verification,
    result_schema,
)
from railab.audit._bioresult import build_schema
from railab.audit.cli import audit_app

runner = CliRunner()


def comparisons(n_subjects: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    race = np.array(["A", "B", "C"])[np.arange(n_subjects) % 3]
    rows = []
    for s in range(n_subjects):
        rows.append((s, s, rng.normal(0.75 - 0.05 * (race[s] == "C"), 0.1)))
        for r in rng.choice(n_subjects, 25, replace=False):
            if r != s:
                shift = 0.05 if race[s] == race[r] == "B" else 0.0
                rows.append((s, int(r), rng.normal(0.3 + shift, 0.1)))
    frame = pd.DataFrame(rows, columns=["probe", "reference", "score"])
    frame["race_probe"] = race[frame["probe"]]
    frame["race_reference"] = race[frame["reference"]]
    frame["mated"] = (frame["probe"] == frame["reference"]).astype(int)
    return frame


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    data = comparisons()
    verification = audit_verification(
        data,
        score="score",
        probe_subject="probe",
        reference_subject="reference",
        groups={"race": ("race_probe", "race_reference")},
        thresholds=[0.5],
        target_fmr=[1e-2, 1e-3],
        bootstrap=50,
    )
    rng = np.random.default_rng(1)
    lists = pd.DataFrame(
        {
            "search": np.repeat(np.arange(200), 3),
            "rank": np.tile([1, 2, 3], 200),
            "score": np.sort(rng.random(600))[::-1],
            "mated": np.repeat(np.arange(200) % 4 != 0, 3).astype(int),
            "mate": (rng.random(600) < 0.3).astype(int),
            "sex": np.repeat(np.where(np.arange(200) % 2 == 0, "F", "M"), 3),
        }
    )
    lists.loc[lists["mated"] == 0, "mate"] = 0
    identification = audit_identification(
        lists,
        search="search",
        rank="rank",
        score="score",
        mated="mated",
        mate="mate",
        groups=["sex"],
        ranks=[1, 3],
        thresholds=[0.5],
        bootstrap=50,
    )
    cases = pd.DataFrame(
        {
            "y": (rng.random(1000) < 0.2).astype(int),
            "s": rng.random(1000),
            "region": rng.choice(["n", "s"], 1000),
        }
    )
    triage = audit_triage(
        cases, label="y", score="s", capacity=[50, 200], groups=["region"], bootstrap=50
    )
    return {"verification": verification, "identification": identification, "triage": triage}


@pytest.mark.parametrize("kind", ["verification", "identification", "triage"])
def test_json_is_valid_against_the_shipped_schema(results: dict[str, Any], kind: str) -> None:
    schema = result_schema(kind)  # type: ignore[arg-type]
    assert schema == build_schema(kind), "regenerate the schema file with build_schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    body = json.loads(results[kind].to_json())
    jsonschema.validate(body, schema)
    assert body["$schema"] == f"https://railab.org/schema/{kind}-result-1.json"
    assert results[kind].table("rates").num_rows == len(results[kind].rates)


@pytest.mark.parametrize("kind", ["verification", "identification", "triage"])
def test_html_report_is_self_contained_with_charts_and_findings(
    results: dict[str, Any], kind: str
) -> None:
    page = results[kind].to_html()
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page
    assert page.count("<svg") >= 2
    assert "<h2>Findings</h2>" in page
    assert "times as often as" in page
    assert "<svg" not in results[kind]._repr_html_()


def test_verification_report_has_det_heatmap_and_distributions(results: dict[str, Any]) -> None:
    page = results["verification"].to_html()
    assert "DET curves" in page
    assert "FMR matrix at the threshold for FMR 0.001 overall" in page
    assert "Score distributions" in page


@pytest.mark.slow
def test_pdf_report(results: dict[str, Any], tmp_path: Path) -> None:
    data = results["verification"].to_pdf(tmp_path / "v.pdf")
    assert data.startswith(b"%PDF-")
    assert (tmp_path / "v.pdf").read_bytes() == data


@pytest.mark.parametrize(
    "module",
    [
        "railab.audit._differentials",
        "railab.audit._biocount",
        "railab.audit._bioresult",
        "railab.audit._verification",
        "railab.audit._verification_stats",
        "railab.audit._identification",
        "railab.audit._triage",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    failures, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    path = tmp_path / "comparisons.csv"
    comparisons().to_csv(path, index=False)
    return path


def test_cli_verification_table_and_json(csv_path: Path, tmp_path: Path) -> None:
    args = [
        "verification",
        str(csv_path),
        "--score",
        "score",
        "--probe-subject",
        "probe",
        "--reference-subject",
        "reference",
        "--group",
        "race=race_probe,race_reference",
        "-t",
        "0.5",
        "--target-fmr",
        "0.01",
        "--bootstrap",
        "20",
    ]
    result = runner.invoke(audit_app, args)
    assert result.exit_code == 0, result.output
    assert "comparisons audited" in result.stdout
    assert "times as often as" in result.stdout
    out = tmp_path / "v.json"
    result = runner.invoke(audit_app, [*args, "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    body = json.loads(out.read_text())
    assert body["spec"]["groups"] == {"race": ["race_probe", "race_reference"]}
    assert body["spec"]["bootstrap_unit"] == "subject"


def test_cli_identification_and_triage_html(tmp_path: Path) -> None:
    lists = tmp_path / "lists.csv"
    pd.DataFrame(
        {
            "search": [1, 1, 2, 2, 3],
            "rank": [1, 2, 1, 2, 1],
            "score": [0.9, 0.4, 0.6, 0.3, 0.7],
            "mated": [1, 1, 1, 1, 0],
            "mate": [1, 0, 0, 1, 0],
            "sex": ["F", "F", "M", "M", "F"],
        }
    ).to_csv(lists, index=False)
    out = tmp_path / "i.html"
    result = runner.invoke(
        audit_app,
        [
            "identification",
            str(lists),
            "--search",
            "search",
            "--rank",
            "rank",
            "--score",
            "score",
            "--mated",
            "mated",
            "--mate",
            "mate",
            "-g",
            "sex",
            "--rank-at",
            "1",
            "-t",
            "0.5",
            "--format",
            "html",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<!DOCTYPE html>")
    cases = tmp_path / "cases.csv"
    pd.DataFrame({"y": [1, 0, 1, 0, 1, 0], "s": [0.9, 0.8, 0.7, 0.3, 0.2, 0.1]}).to_csv(
        cases, index=False
    )
    result = runner.invoke(
        audit_app, ["triage", str(cases), "--label", "y", "--score", "s", "-k", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "PRECISION top 2" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--score", "score", "-t", "0.5"],
            "error: say which comparisons are genuine: pass a genuine/impostor column "
            "(--mated) or the subject ids of both sides (--probe-subject, --reference-subject)",
        ),
        (
            ["--score", "score", "--mated", "mated", "--group", "race=race_probe"],
            "error: --group 'race=race_probe' must look like NAME=PROBE_COLUMN,REFERENCE_COLUMN "
            "(e.g. race=race_probe,race_reference) or name one column for both sides",
        ),
        (
            ["--score", "scor", "--mated", "mated"],
            "error: score column `scor` not found in the data; did you mean `score`?",
        ),
        (
            ["--score", "score", "--mated", "mated", "--format", "pdf"],
            "error: PDF output needs a file: add --out report.pdf",
        ),
    ],
)
def test_cli_bad_input_is_one_line_and_a_non_zero_exit(
    csv_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(audit_app, ["verification", str(csv_path), *args])
    assert result.exit_code == 2
    assert result.stderr.strip() == message

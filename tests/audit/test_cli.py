"""``railab audit classification`` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from railab.audit.cli import audit_app

X = " \N{MULTIPLICATION SIGN} "  # joins the groups of an intersection

runner = CliRunner()


@pytest.fixture
def csv_path(frame: pd.DataFrame, tmp_path: Path) -> Path:
    path = tmp_path / "cases.csv"
    frame.to_csv(path, index=False)
    return path


def test_table_output(csv_path: Path) -> None:
    result = runner.invoke(
        audit_app,
        [
            "classification",
            str(csv_path),
            "--label",
            "label",
            "--prediction",
            "prediction",
            "--group",
            "race",
            "--bootstrap",
            "50",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "400 of 400 rows audited" in result.stdout
    assert "race: demographic_parity_difference" in result.stdout


def test_json_output_to_file_with_score_thresholds_and_reference(
    csv_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "audit.json"
    result = runner.invoke(
        audit_app,
        [
            "classification",
            str(csv_path),
            "--label",
            "label",
            "--score",
            "score",
            "-t",
            "0.4",
            "-t",
            "0.6",
            "-g",
            "race",
            "-g",
            "sex",
            "--intersect",
            "--reference",
            "race=b",
            "--bootstrap",
            "20",
            "--seed",
            "3",
            "--format",
            "json",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(out.read_text())
    assert body["spec"]["thresholds"] == [0.4, 0.6]
    assert body["spec"]["reference"]["race"] == "b"
    assert body["spec"]["seed"] == 3
    assert f"race{X}sex" in {m["attribute"] for m in body["metrics"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--label", "lable", "--prediction", "prediction", "-g", "race"],
            "error: label column `lable` not found in the data; did you mean `label`?",
        ),
        (
            ["--label", "label", "--prediction", "prediction", "-g", "race", "--reference", "race"],
            "error: --reference 'race' must look like COLUMN=VALUE, e.g. race=White",
        ),
        (
            ["--label", "label", "--prediction", "prediction", "-g", "race", "--format", "pdf"],
            "error: PDF output needs a file: add --out report.pdf",
        ),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(
    csv_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(audit_app, ["classification", str(csv_path), *args])
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_missing_file_and_no_half_written_output(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(
        audit_app,
        [
            "classification",
            str(tmp_path / "missing.csv"),
            "--label",
            "y",
            "--prediction",
            "p",
            "-g",
            "g",
            "--format",
            "html",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"error: file {tmp_path / 'missing.csv'} does not exist; check the path"
    )
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []

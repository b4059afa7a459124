"""``railab toolkit validate | score | report`` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from railab.toolkit.cli import toolkit_app
from tests.toolkit.conftest import DEMO

runner = CliRunner()


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    doc = {
        "instrument": "risk-assessment",
        "version": 1,
        "subject": "Retrospective facial recognition",
        "answers": {
            "purpose_function": "face_recognition",
            "purpose_legal_basis": "specific_law",
            "oversight_review_every": "yes",
            "risk_wrongful_action": {"likelihood": 4, "impact": 5},
        },
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_validate_ok(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(DEMO, encoding="utf-8")
    result = runner.invoke(toolkit_app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "demo.yaml: ok — demo version 1, 2 sections, 5 questions" in result.output


def test_validate_lists_problems_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(DEMO.replace("weight: 2\n        options", "weight: heavy\n        options"))
    result = runner.invoke(toolkit_app, ["validate", str(path)])
    assert result.exit_code == 1
    assert 'bad.yaml:18: question "q1": weight must be a number, got "heavy"' in result.output
    assert "1 problem(s) in bad.yaml" in result.output


def test_validate_shipped_instruments() -> None:
    folder = Path(__file__).resolve().parents[2] / "src/railab/toolkit/instruments"
    for path in sorted(folder.glob("*.yaml")):
        assert runner.invoke(toolkit_app, ["validate", str(path)]).exit_code == 0


def test_score_table_in_french(answers_file: Path) -> None:
    result = runner.invoke(toolkit_app, ["score", str(answers_file), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "Évaluation des risques d'un cas d'usage de l'IA" in result.output
    # 4 x 5, human review lowers likelihood by 2: 2 x 5 = 10, high
    assert "20 (Extrêmement élevé) -> 10 (Élevé)" in result.output


def test_score_json(answers_file: Path) -> None:
    result = runner.invoke(toolkit_app, ["score", str(answers_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["level"] == "high"
    assert data["risks"][0]["residual"] == 10


def test_score_with_an_instrument_file_migrates(tmp_path: Path) -> None:
    v2 = DEMO.replace("version: 1", "version: 2") + (
        "migrations:\n  - {from: 1, to: 2, renamed: {old_q1: q1}}\n"
    )
    (tmp_path / "demo.yaml").write_text(v2, encoding="utf-8")
    doc = {"instrument": "demo", "version": 1, "answers": {"old_q1": "full"}}
    (tmp_path / "a.json").write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(
        toolkit_app,
        ["score", str(tmp_path / "a.json"), "--instrument", str(tmp_path / "demo.yaml")],
    )
    assert result.exit_code == 0, result.output
    assert "migrated: old_q1: now q1" in result.output
    assert "Overall: 100.0 / 100" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "a.json:1: not valid JSON"),
        ('{"instrument": "nope", "version": 1, "answers": {}}', "is not shipped with railab"),
        (
            '{"instrument": "readiness", "version": 9, "answers": {}}',
            "newer than this instrument (version 1)",
        ),
        (
            '{"instrument": "readiness", "version": 1, "answers": {"lead_strategy": "7"}}',
            "lead_strategy: must be one of 1, 2, 3, 4, 5, na, got '7'",
        ),
    ],
)
def test_score_bad_input(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(toolkit_app, ["score", str(path)])
    assert result.exit_code == 2
    assert message in result.output


def test_unknown_language(answers_file: Path) -> None:
    result = runner.invoke(toolkit_app, ["score", str(answers_file), "--lang", "de"])
    assert result.exit_code == 2
    assert "choose one of en, fr, es, ar" in result.output


def test_report_pdf_and_html(answers_file: Path, tmp_path: Path) -> None:
    pdf, page = tmp_path / "r.pdf", tmp_path / "r.html"
    result = runner.invoke(
        toolkit_app,
        ["report", str(answers_file), "--pdf", str(pdf), "--html", str(page), "--lang", "ar"],
    )
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    text = page.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in text
    assert "سجل المخاطر" in text  # risk register
    assert "<svg" not in text or "http://" not in text.split("<svg", 1)[0]


def test_report_needs_an_output(answers_file: Path) -> None:
    result = runner.invoke(toolkit_app, ["report", str(answers_file)])
    assert result.exit_code == 2
    assert "--pdf OUT.pdf" in result.output

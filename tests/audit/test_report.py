"""HTML and PDF reports: self-contained, with charts, marks and the disparity band."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from railab.audit import AuditResult, audit_classification


@pytest.fixture(scope="module")
def score_result() -> AuditResult:
    from tests.audit.conftest import make_frame

    return audit_classification(
        make_frame(300),
        label="label",
        score="score",
        thresholds=[0.5, 0.6],
        groups=["race"],
        bootstrap=50,
    )


def test_html_report_is_self_contained_with_inline_svg_charts(score_result: AuditResult) -> None:
    page = score_result.to_html()
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page
    # A forest chart, a disparity chart and a ROC/calibration chart per section.
    assert page.count("<svg") >= 5
    assert "band 0.8\N{EN DASH}1.25" in page
    assert "Calibration (10 bins)" in page
    assert "four-fifths rule broken" in page
    assert "Threshold 0.6" in page


def test_small_groups_are_marked(frame: pd.DataFrame) -> None:
    small = frame.iloc[:60]
    result = audit_classification(
        small, label="label", prediction="prediction", groups=["race"], bootstrap=20
    )
    page = result.to_html()
    assert 'class="small"' in page
    assert "fewer than 30 cases" in page
    assert "d *" in page  # the chart's axis label of a small group
    notebook = result._repr_html_()
    assert "Warnings" in notebook
    assert "<svg" not in notebook


@pytest.mark.slow
def test_pdf_report(score_result: AuditResult, tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "audit.pdf"
    data = score_result.to_pdf(path)
    assert data.startswith(b"%PDF-")
    assert path.read_bytes() == data
    assert len(data) > 20_000

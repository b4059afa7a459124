"""The HTML report: self-contained, translated, with the chart, the matrix and the texts."""

from __future__ import annotations

import html
import re

import pytest

from railab.toolkit import load_shipped, new_answers, score
from railab.toolkit._report import radar_svg, render_html


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ar"])
def test_readiness_report(lang: str) -> None:
    inst = load_shipped("readiness")
    answers = {q.id: "3" for q in inst.questions if q.scored}
    answers["gov_inventory"] = "1"
    doc = new_answers(inst, answers)
    page = render_html(inst, score(inst, doc), doc, lang=lang)
    assert f'lang="{lang}"' in page
    assert page.count("<polygon") == 5  # four rings and the scores
    assert html.escape(inst.text("rec_inventory_first", lang)) in page
    assert html.escape(inst.text("title", lang)) in page
    # nothing is fetched: no URLs in src/href attributes
    assert not re.search(r'(src|href)="https?://', page)


def test_risk_report_has_register_and_matrix() -> None:
    inst = load_shipped("risk-assessment")
    doc = new_answers(inst, {"risk_privacy": {"likelihood": 2, "impact": 3}})
    page = render_html(inst, score(inst, doc), doc)
    assert "Risk register" in page
    assert page.count('<td style="background:') == 25
    assert "2 \N{MULTIPLICATION SIGN} 3 = 6" in page


def test_radar_points() -> None:
    svg = radar_svg(["a", "b", "c", "d"], [100.0, 0.0, 50.0, 0.0], width=200, height=200)
    # centre (100, 100), radius 200 / 2 - 30 = 70: "a" at the top, 100 -> (100, 30)
    assert 'points="100.0,30.0 100.0,100.0 100.0,135.0 100.0,100.0"' in svg

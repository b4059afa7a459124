"""A self-contained HTML report of an assessment (inline SVG, no fetches) and its PDF.

Everything shown comes from :func:`railab.toolkit.score` and the instrument's texts, in the
chosen language; Arabic is laid out right to left.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

from railab.toolkit._answers import effective_answers
from railab.toolkit._model import Instrument, Question, text_direction
from railab.toolkit._scoring import Result

__all__ = ["render_html", "render_pdf"]

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "overall": "Overall",
        "level": "Level",
        "score": "Score",
        "completeness": "Completeness",
        "sections": "Results by section",
        "section": "Section",
        "principles": "Results by principle",
        "principle": "Principle",
        "risks": "Risk register",
        "risk": "Risk",
        "inherent": "Inherent",
        "residual": "Residual",
        "mitigations": "Mitigations in place",
        "matrix": "Risk matrix (residual risks; inherent in brackets)",
        "likelihood": "Likelihood",
        "impact": "Impact",
        "recommendations": "Recommendations",
        "requirements": "Requirements for this level",
        "escalated": "Level raised because",
        "weakest": "Weakest sections",
        "answers": "Answers",
        "priority_high": "High priority",
        "priority_medium": "Medium priority",
        "priority_low": "Low priority",
        "none": "None",
        "version": "version",
        "chart": "Scores by section (0 to 100)",
        "subject": "Subject",
    },
    "fr": {
        "overall": "Ensemble",
        "level": "Niveau",
        "score": "Note",
        "completeness": "Complétude",
        "sections": "Résultats par section",
        "section": "Section",
        "principles": "Résultats par principe",
        "principle": "Principe",
        "risks": "Registre des risques",
        "risk": "Risque",
        "inherent": "Inhérent",
        "residual": "Résiduel",
        "mitigations": "Mesures d'atténuation en place",
        "matrix": "Matrice des risques (risques résiduels ; inhérents entre crochets)",
        "likelihood": "Probabilité",
        "impact": "Gravité",
        "recommendations": "Recommandations",
        "requirements": "Exigences applicables à ce niveau",
        "escalated": "Niveau relevé pour la raison suivante",
        "weakest": "Sections les plus faibles",
        "answers": "Réponses",
        "priority_high": "Priorité élevée",
        "priority_medium": "Priorité moyenne",
        "priority_low": "Priorité faible",
        "none": "Aucun",
        "version": "version",
        "chart": "Notes par section (0 à 100)",
        "subject": "Objet",
    },
    "es": {
        "overall": "Global",
        "level": "Nivel",
        "score": "Puntuación",
        "completeness": "Grado de cumplimentación",
        "sections": "Resultados por sección",
        "section": "Sección",
        "principles": "Resultados por principio",
        "principle": "Principio",
        "risks": "Registro de riesgos",
        "risk": "Riesgo",
        "inherent": "Inherente",
        "residual": "Residual",
        "mitigations": "Medidas de mitigación aplicadas",
        "matrix": "Matriz de riesgos (riesgos residuales; inherentes entre corchetes)",
        "likelihood": "Probabilidad",
        "impact": "Impacto",
        "recommendations": "Recomendaciones",
        "requirements": "Requisitos aplicables a este nivel",
        "escalated": "Nivel elevado por el siguiente motivo",
        "weakest": "Secciones más débiles",
        "answers": "Respuestas",
        "priority_high": "Prioridad alta",
        "priority_medium": "Prioridad media",
        "priority_low": "Prioridad baja",
        "none": "Ninguno",
        "version": "versión",
        "chart": "Puntuaciones por sección (0 a 100)",
        "subject": "Objeto",
    },
    "ar": {
        "overall": "الإجمالي",
        "level": "المستوى",
        "score": "الدرجة",
        "completeness": "نسبة الاستكمال",
        "sections": "النتائج حسب القسم",
        "section": "القسم",
        "principles": "النتائج حسب المبدأ",
        "principle": "المبدأ",
        "risks": "سجل المخاطر",
        "risk": "الخطر",
        "inherent": "الكامن",
        "residual": "المتبقي",
        "mitigations": "تدابير التخفيف المطبقة",
        "matrix": "مصفوفة المخاطر (المخاطر المتبقية، والكامنة بين معقوفين)",
        "likelihood": "الاحتمال",
        "impact": "الأثر",
        "recommendations": "التوصيات",
        "requirements": "المتطلبات الخاصة بهذا المستوى",
        "escalated": "رُفع المستوى للسبب التالي",
        "weakest": "الأقسام الأضعف",
        "answers": "الإجابات",
        "priority_high": "أولوية عالية",
        "priority_medium": "أولوية متوسطة",
        "priority_low": "أولوية منخفضة",
        "none": "لا يوجد",
        "version": "الإصدار",
        "chart": "الدرجات حسب القسم (من 0 إلى 100)",
        "subject": "الموضوع",
    },
}

CSS = """
@page { size: A4; margin: 14mm 12mm; }
svg { max-width: 100%; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1d1d1f; font-size: 11px;
       line-height: 1.4; max-width: 1000px; margin: 0 auto; padding: 0 12px; }
h1 { font-size: 20px; margin: 14px 0 4px; }
h2 { font-size: 15px; margin: 20px 0 6px; border-bottom: 2px solid #1f5fa8; padding-bottom: 2px;
     break-after: avoid; }
p.meta { color: #555; margin: 2px 0; }
.badge { display: inline-block; padding: 3px 10px; border-radius: 4px; color: #fff;
         font-weight: bold; }
table { border-collapse: collapse; margin: 6px 0 10px; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: start; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; }
td.n { text-align: end; white-space: nowrap; }
table.matrix { width: auto; }
table.matrix td { width: 62px; height: 34px; text-align: center; color: #fff; font-weight: bold;
                  border: 2px solid #fff; }
table.matrix th { background: none; font-weight: normal; font-size: 9.5px; }
ul { margin: 4px 0; padding-inline-start: 18px; }
li { margin: 3px 0; }
.prio { font-size: 9px; color: #fff; border-radius: 3px; padding: 0 4px; margin-inline-end: 4px; }
.prio-high { background: #b83b3b; } .prio-medium { background: #d9822b; }
.prio-low { background: #6b6b6b; }
.chart { break-inside: avoid; }
dl { margin: 0; } dt { font-weight: 600; margin-top: 6px; } dd { margin: 0 0 2px; color: #333; }
"""

TIMES = " \N{MULTIPLICATION SIGN} "
PRIORITY_COLOURS = {"high": "#b83b3b", "medium": "#d9822b", "low": "#6b6b6b"}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _badge(instrument: Instrument, level: str | None, lang: str) -> str:
    if level is None:
        return "—"
    lv = instrument.level(level)
    return f'<span class="badge" style="background:{lv.colour}">{_e(lv.label.get(lang))}</span>'


def radar_svg(
    labels: list[str], values: list[float], *, width: int = 640, height: int = 330
) -> str:
    """A radar chart of scores from 0 to 100 as an SVG string (no script, no fonts fetched).

    Examples
    --------
    >>> svg = radar_svg(["A", "B", "C"], [50.0, 100.0, 0.0])
    >>> svg.startswith("<svg") and svg.count("<polygon") == 5
    True
    """
    n = len(labels)
    cx, cy = width / 2, height / 2
    radius = height / 2 - 30

    def point(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" direction="ltr">'
    ]
    for ring in (25, 50, 75, 100):
        corners = (point(i, radius * ring / 100) for i in range(n))
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
        parts.append(f'<polygon points="{pts}" fill="none" stroke="#ccc" stroke-width="0.8"/>')
    for i, label in enumerate(labels):
        x, y = point(i, radius)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ccc"/>')
        lx, ly = point(i, radius + 10)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        ly += 3 if abs(lx - cx) >= 8 else (-2 if ly < cy else 9)
        short = label if len(label) <= 34 else label[:32] + "…"
        parts.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="9.5" text-anchor="{anchor}" '
            f'font-family="DejaVu Sans" fill="#333">{_e(short)}</text>'
        )
    corners = (point(i, radius * v / 100) for i, v in enumerate(values))
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
    parts.append(
        f'<polygon points="{pts}" fill="#1f5fa8" fill-opacity="0.25" stroke="#1f5fa8" '
        'stroke-width="2"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _answer_text(q: Question, value: Any, lang: str) -> str:
    if q.type in ("single_choice", "yes_no_unknown"):
        option = q.option(value)
        return option.label.get(lang) if option else str(value)
    if q.type == "multiple_choice":
        return ", ".join(o.label.get(lang) for o in q.options if o.value in value)
    if q.type == "evidence":
        files = value if isinstance(value, list) else [value]
        return ", ".join(str(f.get("name", "?")) for f in files)
    if q.type == "table":
        return f"{len(value)}{TIMES}" + ", ".join(c.title.get(lang) for c in q.columns)
    if q.type == "risk":
        return f"{value['likelihood']}{TIMES}{value['impact']}"
    return str(value)


def _matrix(instrument: Instrument, result: Result, lang: str, t: dict[str, str]) -> str:
    matrix = instrument.risk_matrix
    if matrix is None:
        return ""
    cells = {(c.likelihood, c.impact): c for c in result.matrix}
    rows = []
    for li in range(len(matrix.likelihood), 0, -1):
        tds = []
        for im in range(1, len(matrix.impact) + 1):
            cell = cells[(li, im)]
            colour = instrument.level(cell.level).colour if cell.level else "#999"
            text = str(len(cell.residual)) if cell.residual else ""
            if cell.inherent:
                text += f" [{len(cell.inherent)}]"
            tds.append(f'<td style="background:{colour}">{_e(text.strip())}</td>')
        label = matrix.likelihood[li - 1].get(lang)
        rows.append(f"<tr><th>{_e(label)}</th>{''.join(tds)}</tr>")
    impacts = "".join(f"<th>{_e(t_.get(lang))}</th>" for t_ in matrix.impact)
    arrow = "\N{LEFTWARDS ARROW}" if text_direction(lang) == "rtl" else "\N{RIGHTWARDS ARROW}"
    down = "\N{DOWNWARDS ARROW}"
    header = f"<tr><th>{_e(t['likelihood'])} {down} / {_e(t['impact'])} {arrow}</th>{impacts}</tr>"
    return f'<h2>{_e(t["matrix"])}</h2><table class="matrix">{header}{"".join(rows)}</table>'


def render_html(
    instrument: Instrument,
    result: Result,
    answers: Mapping[str, Any],
    *,
    lang: str = "en",
) -> str:
    """The report as one self-contained HTML document in ``lang`` (right to left for Arabic).

    Examples
    --------
    >>> from railab.toolkit import load_shipped, new_answers, score
    >>> inst = load_shipped("readiness")
    >>> doc = new_answers(inst, {"lead_strategy": "3"})
    >>> page = render_html(inst, score(inst, doc), doc, lang="ar")
    >>> '<html lang="ar" dir="rtl">' in page
    True
    """
    t = LABELS.get(lang, LABELS["en"])
    title = instrument.title.get(lang)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}" dir="{text_direction(lang)}"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(instrument.id)} — {_e(t["version"])} {instrument.version}</p>',
    ]
    subject = answers.get("subject")
    if isinstance(subject, str) and subject:
        out.append(f'<p class="meta">{_e(t["subject"])}: {_e(subject)}</p>')
    score_text = f"{_num(result.score)} / {result.max_score:g}" if result.score is not None else "—"
    out.append(
        f"<p><b>{_e(t['level'])}:</b> {_badge(instrument, result.level, lang)} &nbsp; "
        f"<b>{_e(t['score'])}:</b> {_e(score_text)} &nbsp; "
        f"<b>{_e(t['completeness'])}:</b> {result.completeness:.0%}</p>"
    )
    for esc in instrument.escalations:
        if esc.id in result.escalations:
            out.append(f"<p><b>{_e(t['escalated'])}:</b> {_e(esc.reason.get(lang))}</p>")

    scored = [s for s in result.sections if s.score is not None and s.max_score > 0]
    titles = {s.id: s.title.get(lang) for s in instrument.sections}
    if len(scored) >= 3:
        names = [titles[s.id] for s in scored]
        legend = ""
        if text_direction(lang) == "rtl":
            # WeasyPrint draws SVG text without bidi or Arabic shaping: number the axes in the
            # chart and name them in HTML, which is laid out properly.
            legend = "<ol>" + "".join(f"<li>{_e(n)}</li>" for n in names) + "</ol>"
            names = [str(i) for i in range(1, len(names) + 1)]
        chart = radar_svg(names, [100 * (s.score or 0) / s.max_score for s in scored])
        out.append(f'<div class="chart"><h2>{_e(t["chart"])}</h2>{chart}{legend}</div>')

    rows = "".join(
        f'<tr><td>{_e(titles[s.id])}</td><td class="n">{_num(s.score)}</td>'
        f'<td>{_badge(instrument, s.level, lang)}</td><td class="n">{s.completeness:.0%}</td></tr>'
        for s in result.sections
        if s.visible
    )
    out.append(
        f"<h2>{_e(t['sections'])}</h2><table><tr><th>{_e(t['section'])}</th>"
        f"<th>{_e(t['score'])}</th><th>{_e(t['level'])}</th><th>{_e(t['completeness'])}</th></tr>"
        f"{rows}</table>"
    )
    if result.principles:
        ptitles = {p.id: p.title.get(lang) for p in instrument.principles}
        rows = "".join(
            f'<tr><td>{_e(ptitles[p.id])}</td><td class="n">{_num(p.score)}</td>'
            f"<td>{_badge(instrument, p.level, lang)}</td></tr>"
            for p in result.principles
        )
        out.append(
            f"<h2>{_e(t['principles'])}</h2><table><tr><th>{_e(t['principle'])}</th>"
            f"<th>{_e(t['score'])}</th><th>{_e(t['level'])}</th></tr>{rows}</table>"
        )
    if result.risks:
        rows_ = []
        for r in result.risks:
            q = instrument.question(r.id)
            mitigations = ", ".join(
                m.label.get(lang) for m in q.mitigations if m.id in r.mitigations
            )
            rows_.append(
                f"<tr><td>{_e(q.title.get(lang))}</td>"
                f'<td class="n">{r.likelihood}{TIMES}{r.impact} = {r.inherent}</td>'
                f"<td>{_badge(instrument, r.inherent_level, lang)}</td>"
                f"<td>{_e(mitigations or t['none'])}</td>"
                f'<td class="n">{r.residual_likelihood}{TIMES}{r.residual_impact} = '
                f"{r.residual}</td>"
                f"<td>{_badge(instrument, r.residual_level, lang)}</td></tr>"
            )
        out.append(
            f"<h2>{_e(t['risks'])}</h2><table><tr><th>{_e(t['risk'])}</th>"
            f'<th colspan="2">{_e(t["inherent"])}</th><th>{_e(t["mitigations"])}</th>'
            f'<th colspan="2">{_e(t["residual"])}</th></tr>{"".join(rows_)}</table>'
        )
        out.append(_matrix(instrument, result, lang, t))
    recs = {r.id: r for r in instrument.recommendations}
    if result.recommendations:
        items = "".join(
            f'<li><span class="prio prio-{recs[i].priority}">'
            f"{_e(t['priority_' + recs[i].priority])}</span>{_e(recs[i].text.get(lang))}</li>"
            for i in result.recommendations
        )
        out.append(f"<h2>{_e(t['recommendations'])}</h2><ul>{items}</ul>")
    reqs = {r.id: r for r in instrument.requirements}
    if result.requirements:
        items = "".join(f"<li>{_e(reqs[i].text.get(lang))}</li>" for i in result.requirements)
        out.append(f"<h2>{_e(t['requirements'])}</h2><ul>{items}</ul>")

    values = answers.get("answers", {})
    visible, effective = effective_answers(instrument, values)
    entries = [
        f"<dt>{_e(q.title.get(lang))}</dt><dd>{_e(_answer_text(q, effective[q.id], lang))}</dd>"
        for q in instrument.questions
        if q.id in effective and q.id in visible and q.type != "risk"
    ]
    if entries:
        out.append(f"<h2>{_e(t['answers'])}</h2><dl>{''.join(entries)}</dl>")
    out.append("</body></html>")
    return "\n".join(out)


def render_pdf(
    instrument: Instrument,
    result: Result,
    answers: Mapping[str, Any],
    *,
    lang: str = "en",
) -> bytes:
    """The report typeset as PDF by WeasyPrint (imported here: only reports need it)."""
    import weasyprint

    page = render_html(instrument, result, answers, lang=lang)
    pdf: bytes = weasyprint.HTML(string=page).write_pdf()
    return pdf

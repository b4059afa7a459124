"""What the pages show, built from an instrument, answers and scores in the user's language.

Instrument texts come from the library (``instrument.text(key, lang)``); the interface's
own words come from Django's translations in the templates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

from railab.toolkit import (
    LANGUAGES,
    Comparison,
    Instrument,
    Question,
    Result,
    Section,
    is_answered,
    new_answers,
    visible_questions,
)
from railab.web.toolkit.charts import MatrixCellView, matrix_svg, radar_svg
from railab.web.toolkit.models import Answer, Comment, Evidence


def current_lang() -> str:
    """The page's language as an instrument language (``fr-ca`` reads French)."""
    code = (get_language() or "en").split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def visible_ids(instrument: Instrument, values: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(visible_questions(instrument, new_answers(instrument, values)))


# ---------------------------------------------------------------------------------------------
# Answering


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool
    help: str = ""


@dataclass
class QuestionView:
    q: Question
    number: int
    title: str
    help: str
    value: Any
    visible: bool
    choices: list[Choice] = field(default_factory=list)
    likelihood: list[Choice] = field(default_factory=list)
    impact: list[Choice] = field(default_factory=list)
    mitigations: list[Choice] = field(default_factory=list)
    note: str = ""
    text: str = ""
    min_label: str = ""
    max_label: str = ""
    answer: Answer | None = None
    comments: list[Comment] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    prefilled: bool = False
    error: str = ""
    oob: bool = False

    @property
    def answered(self) -> bool:
        return is_answered(self.value)

    @property
    def media_accept(self) -> str:
        return ",".join(self.q.media_types)


def _choices(instrument: Instrument, q: Question, value: Any, lang: str) -> list[Choice]:
    if q.type == "scale":
        return [Choice(str(n), str(n), value == n) for n in range(q.scale_min, q.scale_max + 1)]
    chosen = value if isinstance(value, list) else [value]
    return [
        Choice(
            o.value,
            instrument.text(f"{q.id}.option.{o.value}", lang),
            o.value in chosen,
            o.help.get(lang) if o.help else "",
        )
        for o in q.options
    ]


def question_view(
    instrument: Instrument,
    q: Question,
    *,
    values: Mapping[str, Any],
    visible: frozenset[str],
    lang: str,
    answers: Mapping[str, Answer] | None = None,
    comments: Mapping[str, list[Comment]] | None = None,
    evidence: Mapping[str, list[Evidence]] | None = None,
    sources: Mapping[str, Any] | None = None,
) -> QuestionView:
    value = values.get(q.id)
    view = QuestionView(
        q=q,
        number=q.index + 1,
        title=instrument.text(f"{q.id}.title", lang),
        help=q.help.get(lang) if q.help else "",
        value=value,
        visible=q.id in visible,
        answer=(answers or {}).get(q.id),
        comments=list((comments or {}).get(q.id, [])),
        evidence=list((evidence or {}).get(q.id, [])),
        prefilled=q.id in (sources or {}),
    )
    if q.type in ("single_choice", "multiple_choice", "yes_no_unknown", "scale"):
        view.choices = _choices(instrument, q, value, lang)
    if q.type == "scale":
        view.min_label = q.min_label.get(lang) if q.min_label else ""
        view.max_label = q.max_label.get(lang) if q.max_label else ""
    if q.type in ("text", "date", "number"):
        view.text = "" if value is None else str(value)
    if q.type == "risk" and instrument.risk_matrix is not None:
        risk = value if isinstance(value, Mapping) else {}
        view.likelihood = [
            Choice(str(i), f"{i} — {t.get(lang)}", risk.get("likelihood") == i)
            for i, t in enumerate(instrument.risk_matrix.likelihood, start=1)
        ]
        view.impact = [
            Choice(str(i), f"{i} — {t.get(lang)}", risk.get("impact") == i)
            for i, t in enumerate(instrument.risk_matrix.impact, start=1)
        ]
        chosen = risk.get("mitigations", [])
        view.mitigations = [Choice(m.id, m.label.get(lang), m.id in chosen) for m in q.mitigations]
        view.note = str(risk.get("note", ""))
    return view


def group(items: Iterable[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        out[item.question].append(item)
    return out


@dataclass(frozen=True)
class SectionProgress:
    id: str
    number: int
    title: str
    visible: bool
    answered: int
    required: int
    current: bool

    @property
    def percent(self) -> int:
        return 100 if not self.required else round(100 * self.answered / self.required)


@dataclass(frozen=True)
class Progress:
    sections: list[SectionProgress]
    answered: int
    required: int

    @property
    def percent(self) -> int:
        return 100 if not self.required else round(100 * self.answered / self.required)


def progress(
    instrument: Instrument,
    values: Mapping[str, Any],
    *,
    lang: str,
    current: str = "",
    visible: frozenset[str] | None = None,
) -> Progress:
    """Required questions answered per section, counting only the questions shown."""
    shown = visible_ids(instrument, values) if visible is None else visible
    sections = []
    for n, s in enumerate(instrument.sections, start=1):
        required = [q for q in s.questions if q.id in shown and q.required]
        sections.append(
            SectionProgress(
                id=s.id,
                number=n,
                title=instrument.text(f"{s.id}.title", lang),
                visible=any(q.id in shown for q in s.questions),
                answered=sum(is_answered(values.get(q.id)) for q in required),
                required=len(required),
                current=s.id == current,
            )
        )
    shown_sections = [s for s in sections if s.visible]
    return Progress(
        sections=sections,
        answered=sum(s.answered for s in shown_sections),
        required=sum(s.required for s in shown_sections),
    )


def section_of(instrument: Instrument, section_id: str) -> Section | None:
    return next((s for s in instrument.sections if s.id == section_id), None)


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class LevelView:
    label: str
    colour: str


def level_view(instrument: Instrument, level: str | None, lang: str) -> LevelView | None:
    if level is None:
        return None
    return LevelView(instrument.text(f"level.{level}", lang), instrument.level(level).colour)


@dataclass(frozen=True)
class ScoreRow:
    number: int
    title: str
    score: float | None
    max_score: float
    level: LevelView | None
    completeness: float | None = None

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return 100 * self.score / self.max_score


@dataclass(frozen=True)
class RiskRow:
    title: str
    likelihood: int
    impact: int
    inherent: int
    inherent_level: LevelView | None
    mitigations: list[str]
    residual_likelihood: int
    residual_impact: int
    residual: int
    residual_level: LevelView | None


@dataclass(frozen=True)
class Recommendation:
    id: str
    priority: str
    text: str
    section: str


@dataclass
class ResultsView:
    score: float | None
    max_score: float
    level: LevelView | None
    completeness: float
    sections: list[ScoreRow]
    principles: list[ScoreRow]
    sections_chart: str
    principles_chart: str
    risks: list[RiskRow]
    matrix_chart: str
    likelihood_steps: list[str]
    impact_steps: list[str]
    recommendations: list[Recommendation]
    requirements: list[str]
    escalations: list[str]
    weakest: list[str]
    hidden_answers: int


def results_view(
    instrument: Instrument, result: Result, *, lang: str, chart_titles: Mapping[str, str]
) -> ResultsView:
    sections = [
        ScoreRow(
            n,
            instrument.text(f"{s.id}.title", lang),
            s.score,
            s.max_score,
            level_view(instrument, s.level, lang),
            s.completeness,
        )
        for n, s in enumerate((s for s in result.sections if s.visible), start=1)
    ]
    principles = [
        ScoreRow(
            n,
            instrument.text(f"{p.id}.title", lang),
            p.score,
            p.max_score,
            level_view(instrument, p.level, lang),
        )
        for n, p in enumerate(result.principles, start=1)
    ]

    def chart(rows: list[ScoreRow], title: str) -> str:
        scored = [r for r in rows if r.percent is not None]
        if len(scored) < 3:
            return ""
        return str(
            radar_svg([str(r.number) for r in scored], [r.percent for r in scored], title=title)
        )

    risks = []
    for r in result.risks:
        q = instrument.question(r.id)
        risks.append(
            RiskRow(
                title=instrument.text(f"{r.id}.title", lang),
                likelihood=r.likelihood,
                impact=r.impact,
                inherent=r.inherent,
                inherent_level=level_view(instrument, r.inherent_level, lang),
                mitigations=[m.label.get(lang) for m in q.mitigations if m.id in r.mitigations],
                residual_likelihood=r.residual_likelihood,
                residual_impact=r.residual_impact,
                residual=r.residual,
                residual_level=level_view(instrument, r.residual_level, lang),
            )
        )
    matrix_chart = ""
    likelihood_steps: list[str] = []
    impact_steps: list[str] = []
    if instrument.risk_matrix is not None:
        matrix = instrument.risk_matrix
        likelihood_steps = [t.get(lang) for t in matrix.likelihood]
        impact_steps = [t.get(lang) for t in matrix.impact]
        matrix_chart = str(
            matrix_svg(
                [
                    MatrixCellView(
                        c.likelihood,
                        c.impact,
                        instrument.level(c.level).colour if c.level else "#8792a2",
                        len(c.residual),
                        len(c.inherent),
                    )
                    for c in result.matrix
                ],
                rows=len(matrix.likelihood),
                cols=len(matrix.impact),
                title=chart_titles["matrix"],
                likelihood_label=chart_titles["likelihood"],
                impact_label=chart_titles["impact"],
            )
        )
    recs = {r.id: r for r in instrument.recommendations}
    section_titles = {s.id: instrument.text(f"{s.id}.title", lang) for s in instrument.sections}
    return ResultsView(
        score=result.score,
        max_score=result.max_score,
        level=level_view(instrument, result.level, lang),
        completeness=result.completeness,
        sections=sections,
        principles=principles,
        sections_chart=chart(sections, chart_titles["sections"]),
        principles_chart=chart(principles, chart_titles["principles"]),
        risks=risks,
        matrix_chart=matrix_chart,
        likelihood_steps=likelihood_steps,
        impact_steps=impact_steps,
        recommendations=[
            Recommendation(
                i,
                recs[i].priority,
                instrument.text(i, lang),
                section_titles.get(recs[i].section or "", ""),
            )
            for i in result.recommendations
        ],
        requirements=[instrument.text(i, lang) for i in result.requirements],
        escalations=[instrument.text(f"escalation.{e}", lang) for e in result.escalations],
        weakest=[section_titles[s] for s in result.weakest_sections],
        hidden_answers=len(result.hidden_answers),
    )


# ---------------------------------------------------------------------------------------------
# Comparison


@dataclass(frozen=True)
class ChangeRow:
    title: str
    before: float | None
    after: float | None
    delta: float | None
    level_before: LevelView | None
    level_after: LevelView | None
    direction: str


def comparison_rows(instrument: Instrument, comparison: Comparison, *, lang: str) -> dict[str, Any]:
    def rows(changes: Iterable[Any], key: str) -> list[ChangeRow]:
        out = []
        for c in changes:
            try:
                title = instrument.text(key.format(id=c.id), lang)
            except KeyError:
                title = c.id
            out.append(
                ChangeRow(
                    title,
                    c.before,
                    c.after,
                    c.delta,
                    level_view(instrument, c.level_before, lang),
                    level_view(instrument, c.level_after, lang),
                    c.direction,
                )
            )
        return out

    def texts(ids: Iterable[str]) -> list[str]:
        return [instrument.text(i, lang) for i in ids]

    return {
        "overall": rows([comparison.overall], "title")[0],
        "sections": rows(comparison.sections, "{id}.title"),
        "principles": rows(comparison.principles, "{id}.title"),
        "risks": rows(comparison.risks, "{id}.title"),
        "recommendations_added": texts(comparison.recommendations_added),
        "recommendations_resolved": texts(comparison.recommendations_resolved),
        "requirements_added": texts(comparison.requirements_added),
        "requirements_removed": texts(comparison.requirements_removed),
    }

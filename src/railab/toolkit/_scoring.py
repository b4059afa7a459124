"""Scores, levels, the risk register, recommendations and requirements from answers."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from railab.toolkit._answers import (
    LevelContext,
    answer_values,
    effective_answers,
    holds,
    is_answered,
    validate_answers,
)
from railab.toolkit._errors import AnswersError
from railab.toolkit._model import Instrument, Question

__all__ = [
    "MatrixCell",
    "PrincipleScore",
    "QuestionScore",
    "Result",
    "RiskScore",
    "SectionScore",
    "question_fraction",
    "score",
]

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class QuestionScore:
    """A visible, scored, answered question: its fraction of full marks and its points."""

    id: str
    section: str
    fraction: float | None
    weight: float
    points: float


@dataclass(frozen=True)
class SectionScore:
    """One section. ``score`` is 0-100 (weighted average) or points (weighted sum)."""

    id: str
    visible: bool
    score: float | None
    max_score: float
    level: str | None
    answered: int
    required: int
    completeness: float


@dataclass(frozen=True)
class PrincipleScore:
    """One principle, over every question and risk tagged with it."""

    id: str
    score: float | None
    max_score: float
    level: str | None
    questions: int
    risks: int


@dataclass(frozen=True)
class RiskScore:
    """One rated risk: inherent (before mitigations) and residual (after)."""

    id: str
    section: str
    principles: tuple[str, ...]
    likelihood: int
    impact: int
    inherent: int
    inherent_level: str | None
    mitigations: tuple[str, ...]
    residual_likelihood: int
    residual_impact: int
    residual: int
    residual_level: str | None


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the risk matrix and the risks that fall in it."""

    likelihood: int
    impact: int
    level: str | None
    inherent: tuple[str, ...]
    residual: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    """Everything :func:`score` computes; ``to_dict()`` gives plain JSON-ready data.

    ``levels`` lists the level ids in the instrument's order and ``higher_is_better``
    says which way is better, so that :func:`railab.toolkit.compare` needs no instrument.
    """

    instrument: str
    version: int
    method: Literal["weighted_average", "weighted_sum"]
    score: float | None
    max_score: float
    level: str | None
    score_level: str | None
    escalations: tuple[str, ...]
    levels: tuple[str, ...]
    higher_is_better: bool
    sections: tuple[SectionScore, ...]
    principles: tuple[PrincipleScore, ...]
    questions: tuple[QuestionScore, ...]
    risks: tuple[RiskScore, ...]
    matrix: tuple[MatrixCell, ...]
    recommendations: tuple[str, ...]
    requirements: tuple[str, ...]
    weakest_sections: tuple[str, ...]
    answered: int
    required: int
    completeness: float
    hidden_answers: tuple[str, ...]

    def section(self, section_id: str) -> SectionScore:
        """The score of one section."""
        return next(s for s in self.sections if s.id == section_id)

    def principle(self, principle_id: str) -> PrincipleScore:
        """The score of one principle."""
        return next(p for p in self.principles if p.id == principle_id)

    def risk(self, risk_id: str) -> RiskScore:
        """One rated risk."""
        return next(r for r in self.risks if r.id == risk_id)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (lists, dicts, numbers, strings)."""
        plain: dict[str, Any] = _plain(dataclasses.asdict(self))
        return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def question_fraction(q: Question, value: Any) -> float | None:
    """The share of full marks an answer earns (0 to 1), or ``None`` if it is not scored.

    Choices earn their option's score over the best option's; a multiple choice earns the
    sum of the chosen options' scores over ``max_score`` (default: the sum of all), at most
    1; a scale earns its position between min and max. An option without a score (e.g. not
    applicable) leaves the question out.

    Examples
    --------
    >>> from railab.toolkit._model import Option, Text
    >>> t = Text({"en": "x"})
    >>> q = Question(id="q", type="single_choice", title=t,
    ...              options=(Option("a", t, 0.0), Option("b", t, 2.0), Option("c", t, 4.0),
    ...                       Option("na", t, None)))
    >>> question_fraction(q, "b"), question_fraction(q, "na")
    (0.5, None)
    """
    if not q.scored or not is_answered(value):
        return None
    if q.type in ("single_choice", "yes_no_unknown"):
        option = q.option(value)
        scores = [o.score for o in q.options if o.score is not None]
        if option is None or option.score is None or not scores or max(scores) <= 0:
            return None
        return option.score / max(scores)
    if q.type == "multiple_choice":
        chosen = [o.score for o in q.options if o.value in value and o.score is not None]
        total = q.max_score or sum(o.score for o in q.options if o.score is not None)
        if not chosen or total <= 0:
            return None
        return min(1.0, sum(chosen) / total)
    span = q.scale_max - q.scale_min
    position = (float(value) - q.scale_min) / span
    return 1.0 - position if q.reverse else position


class _Levels:
    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.order = [lv.id for lv in instrument.levels]

    def by_value(self, value: float | None) -> str | None:
        if value is None or not self.instrument.levels:
            return None
        found = self.instrument.levels[0].id
        for lv in self.instrument.levels:
            if value >= lv.min:
                found = lv.id
        return found

    def of_cell(self, likelihood: int, impact: int) -> str | None:
        matrix = self.instrument.risk_matrix
        if matrix is not None and matrix.cells is not None:
            return matrix.cells[likelihood - 1][impact - 1]
        return self.by_value(likelihood * impact)

    def worst(self, levels: Iterable[str | None]) -> str | None:
        present = [lv for lv in levels if lv is not None]
        if not present:
            return None
        pick = min if self.instrument.higher_is_better else max
        return pick(present, key=self.order.index)


def _average(pairs: list[tuple[float, float]]) -> float | None:
    """Weighted mean of (value, weight) pairs, ``None`` if no weight."""
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total > 0 else None


def score(instrument: Instrument, answers: Mapping[str, Any]) -> Result:
    """Score an answers document.

    Only visible questions count. With ``weighted_average`` a section's score is 100 x the
    weighted mean of its answered, scored questions' fractions and the overall score is the
    sections' mean weighted by section weight; with ``weighted_sum`` scores are points
    (unanswered questions earn 0). Principles pool every question tagged with them (a
    question without tags takes its section's). Risks: residual likelihood and impact are
    the rated ones lowered by the mitigations in place, never below 1.

    Raises
    ------
    AnswersError
        If the document is for another instrument or version, or an answer is invalid.

    Examples
    --------
    >>> from railab.toolkit import load_shipped, new_answers
    >>> inst = load_shipped("readiness")
    >>> r = score(inst, new_answers(inst, {"lead_strategy": "3", "lead_accountable": "5"}))
    >>> r.section("leadership").score, r.section("leadership").level
    (75.0, 'level_4')
    """
    values = answer_values(instrument, answers)
    check = validate_answers(instrument, answers)
    if not check.ok:
        shown = "; ".join(str(p) for p in check.problems[:3])
        more = f" (and {len(check.problems) - 3} more)" if len(check.problems) > 3 else ""
        raise AnswersError(f"invalid answers: {shown}{more}")
    visible_ids, effective = effective_answers(instrument, values)
    visible = set(visible_ids)
    levels = _Levels(instrument)
    average = instrument.method == "weighted_average"

    question_scores: list[QuestionScore] = []
    risks: list[RiskScore] = []
    sections: list[SectionScore] = []
    by_principle: dict[str, list[tuple[float | None, float]]] = {}
    risks_by_principle: dict[str, list[str | None]] = {}
    for section in instrument.sections:
        pairs: list[tuple[float, float]] = []
        available = 0.0
        answered = required = 0
        section_risk_levels: list[str | None] = []
        for q in section.questions:
            if q.id not in visible:
                continue
            value = effective.get(q.id)
            if q.required:
                required += 1
                answered += is_answered(value)
            tags = q.principles or section.principles
            if q.type == "risk" and value is not None:
                risk = _risk(q, value, effective, levels, tags)
                risks.append(risk)
                section_risk_levels.append(risk.residual_level)
                for p in tags:
                    risks_by_principle.setdefault(p, []).append(risk.residual_level)
            if not q.scored:
                continue
            fraction = question_fraction(q, value)
            excluded = is_answered(value) and fraction is None  # e.g. not applicable
            if not excluded:
                available += q.weight
            for p in tags:
                if not excluded:
                    by_principle.setdefault(p, []).append((fraction, q.weight))
            if fraction is None:
                continue
            pairs.append((fraction, q.weight))
            question_scores.append(
                QuestionScore(q.id, section.id, fraction, q.weight, fraction * q.weight)
            )
        points = sum(f * w for f, w in pairs)
        mean = _average(pairs)
        value_ = (None if mean is None else 100.0 * mean) if average else points
        if not average and available == 0:
            value_ = None
        section_shown = bool(section.questions) and any(q.id in visible for q in section.questions)
        if instrument.level_basis == "risk":
            level = levels.worst(section_risk_levels)
        else:
            level = levels.by_value(value_)
        sections.append(
            SectionScore(
                id=section.id,
                visible=section_shown,
                score=value_,
                max_score=100.0 if average else available,
                level=level,
                answered=answered,
                required=required,
                completeness=answered / required if required else 1.0,
            )
        )

    section_weights = {s.id: s.weight for s in instrument.sections}
    scored_sections = [(s.score, section_weights[s.id]) for s in sections if s.score is not None]
    if average:
        overall = _average([(v, w) for v, w in scored_sections])
        overall_max = 100.0
    else:
        overall = sum(v * w for v, w in scored_sections) if scored_sections else None
        overall_max = sum(s.max_score * section_weights[s.id] for s in sections)

    principles: list[PrincipleScore] = []
    for principle in instrument.principles:
        entries = by_principle.get(principle.id, [])
        answered_pairs = [(f, w) for f, w in entries if f is not None]
        if average:
            mean = _average(answered_pairs)
            p_score = None if mean is None else 100.0 * mean
            p_max = 100.0
        else:
            p_score = sum(f * w for f, w in answered_pairs) if entries else None
            p_max = sum(w for _, w in entries)
        risk_levels = risks_by_principle.get(principle.id, [])
        principles.append(
            PrincipleScore(
                id=principle.id,
                score=p_score,
                max_score=p_max,
                level=levels.worst(risk_levels)
                if instrument.level_basis == "risk"
                else levels.by_value(p_score),
                questions=len(answered_pairs),
                risks=len(risk_levels),
            )
        )

    if instrument.level_basis == "risk":
        score_level = levels.worst(r.residual_level for r in risks)
    else:
        score_level = levels.by_value(overall)
    level = score_level
    escalated: list[str] = []
    for e in instrument.escalations:
        if holds(e.when, effective):
            escalated.append(e.id)
            level = levels.worst([level, e.level])
    context = LevelContext(
        overall=level,
        sections={s.id: s.level for s in sections},
        principles={p.id: p.level for p in principles},
        risks={r.id: r.residual_level for r in risks},
    )
    recommendations = sorted(
        (r for r in instrument.recommendations if holds(r.when, effective, context)),
        key=lambda r: PRIORITY_ORDER[r.priority],
    )
    requirements = [
        req.id
        for req in instrument.requirements
        if level in req.levels and (req.when is None or holds(req.when, effective, context))
    ]
    ranked = sorted(
        (s for s in sections if s.score is not None and s.max_score > 0),
        key=lambda s: (s.score or 0.0) / s.max_score,
    )
    answered_total = sum(s.answered for s in sections)
    required_total = sum(s.required for s in sections)
    return Result(
        instrument=instrument.id,
        version=instrument.version,
        method=instrument.method,
        score=overall,
        max_score=overall_max,
        level=level,
        score_level=score_level,
        escalations=tuple(escalated),
        levels=tuple(levels.order),
        higher_is_better=instrument.higher_is_better,
        sections=tuple(sections),
        principles=tuple(principles),
        questions=tuple(question_scores),
        risks=tuple(risks),
        matrix=_matrix(instrument, risks, levels),
        recommendations=tuple(r.id for r in recommendations),
        requirements=tuple(requirements),
        weakest_sections=tuple(s.id for s in ranked[: instrument.weakest]),
        answered=answered_total,
        required=required_total,
        completeness=answered_total / required_total if required_total else 1.0,
        hidden_answers=tuple(
            qid for qid, v in values.items() if is_answered(v) and qid not in visible
        ),
    )


def _risk(
    q: Question,
    value: Mapping[str, Any],
    effective: Mapping[str, Any],
    levels: _Levels,
    principles: tuple[str, ...],
) -> RiskScore:
    likelihood, impact = int(value["likelihood"]), int(value["impact"])
    chosen = set(value.get("mitigations", []))
    applied = [
        m
        for m in q.mitigations
        if m.id in chosen or (m.when is not None and holds(m.when, effective))
    ]
    residual_l = max(1, likelihood - sum(m.likelihood for m in applied))
    residual_i = max(1, impact - sum(m.impact for m in applied))
    return RiskScore(
        id=q.id,
        section=q.section,
        principles=principles,
        likelihood=likelihood,
        impact=impact,
        inherent=likelihood * impact,
        inherent_level=levels.of_cell(likelihood, impact),
        mitigations=tuple(m.id for m in applied),
        residual_likelihood=residual_l,
        residual_impact=residual_i,
        residual=residual_l * residual_i,
        residual_level=levels.of_cell(residual_l, residual_i),
    )


def _matrix(
    instrument: Instrument, risks: list[RiskScore], levels: _Levels
) -> tuple[MatrixCell, ...]:
    matrix = instrument.risk_matrix
    if matrix is None:
        return ()
    return tuple(
        MatrixCell(
            likelihood=li,
            impact=im,
            level=levels.of_cell(li, im),
            inherent=tuple(r.id for r in risks if (r.likelihood, r.impact) == (li, im)),
            residual=tuple(
                r.id for r in risks if (r.residual_likelihood, r.residual_impact) == (li, im)
            ),
        )
        for li in range(1, len(matrix.likelihood) + 1)
        for im in range(1, len(matrix.impact) + 1)
    )

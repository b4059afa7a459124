"""What changed between two assessments of the same subject, and whether for better."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from railab.toolkit._errors import AnswersError
from railab.toolkit._scoring import Result

__all__ = ["Comparison", "ScoreChange", "compare"]

Direction = Literal["better", "worse", "same", "new", "gone"]


@dataclass(frozen=True)
class ScoreChange:
    """One score or level, before and after. ``delta`` is after minus before."""

    id: str
    before: float | None
    after: float | None
    delta: float | None
    level_before: str | None
    level_after: str | None
    direction: Direction


@dataclass(frozen=True)
class Comparison:
    """``overall``, sections, principles and risks (residual) from ``before`` to ``after``."""

    instrument: str
    version_before: int
    version_after: int
    overall: ScoreChange
    sections: tuple[ScoreChange, ...]
    principles: tuple[ScoreChange, ...]
    risks: tuple[ScoreChange, ...]
    recommendations_added: tuple[str, ...]
    recommendations_resolved: tuple[str, ...]
    requirements_added: tuple[str, ...]
    requirements_removed: tuple[str, ...]


def _change(
    ident: str,
    before: tuple[float | None, str | None] | None,
    after: tuple[float | None, str | None] | None,
    *,
    higher_score_better: bool,
    levels: Sequence[str],
    higher_level_better: bool,
) -> ScoreChange:
    if before is None or after is None:
        b, a = before or (None, None), after or (None, None)
        return ScoreChange(ident, b[0], a[0], None, b[1], a[1], "new" if before is None else "gone")
    (sb, lb), (sa, la) = before, after
    delta = None if sa is None or sb is None else sa - sb
    direction: Direction = "same"
    if lb != la and lb in levels and la in levels:
        up = levels.index(la) > levels.index(lb)
        direction = "better" if up == higher_level_better else "worse"
    elif delta is not None and abs(delta) > 1e-9:
        direction = "better" if (delta > 0) == higher_score_better else "worse"
    elif (sb is None) != (sa is None):
        direction = "new" if sb is None else "gone"
    return ScoreChange(ident, sb, sa, delta, lb, la, direction)


def compare(before: Result, after: Result) -> Comparison:
    """Compare two results of the same instrument (versions may differ): what got better.

    A change of level decides the direction; otherwise the score does (higher is better
    for scores, lower is better for risks).

    Examples
    --------
    >>> from railab.toolkit import load_shipped, new_answers, score
    >>> inst = load_shipped("readiness")
    >>> r1 = score(inst, new_answers(inst, {"lead_strategy": "2"}))
    >>> r2 = score(inst, new_answers(inst, {"lead_strategy": "4"}))
    >>> c = compare(r1, r2)
    >>> c.overall.direction, c.overall.delta
    ('better', 50.0)
    """
    if before.instrument != after.instrument:
        raise AnswersError(
            f"cannot compare a {before.instrument!r} result with a {after.instrument!r} result"
        )
    levels = after.levels
    better = after.higher_is_better

    def pairs(
        items: Sequence[tuple[str, float | None, str | None]],
    ) -> dict[str, tuple[float | None, str | None]]:
        return {i: (s, lv) for i, s, lv in items}

    def changes(
        a: dict[str, tuple[float | None, str | None]],
        b: dict[str, tuple[float | None, str | None]],
        *,
        higher_score_better: bool,
    ) -> tuple[ScoreChange, ...]:
        order = list(b) + [k for k in a if k not in b]
        return tuple(
            _change(
                k,
                a.get(k),
                b.get(k),
                higher_score_better=higher_score_better,
                levels=levels,
                higher_level_better=better,
            )
            for k in order
        )

    return Comparison(
        instrument=after.instrument,
        version_before=before.version,
        version_after=after.version,
        overall=_change(
            "overall",
            (before.score, before.level),
            (after.score, after.level),
            higher_score_better=True,
            levels=levels,
            higher_level_better=better,
        ),
        sections=changes(
            pairs([(s.id, s.score, s.level) for s in before.sections]),
            pairs([(s.id, s.score, s.level) for s in after.sections]),
            higher_score_better=True,
        ),
        principles=changes(
            pairs([(p.id, p.score, p.level) for p in before.principles]),
            pairs([(p.id, p.score, p.level) for p in after.principles]),
            higher_score_better=True,
        ),
        risks=changes(
            pairs([(r.id, float(r.residual), r.residual_level) for r in before.risks]),
            pairs([(r.id, float(r.residual), r.residual_level) for r in after.risks]),
            higher_score_better=False,
        ),
        recommendations_added=tuple(
            r for r in after.recommendations if r not in before.recommendations
        ),
        recommendations_resolved=tuple(
            r for r in before.recommendations if r not in after.recommendations
        ),
        requirements_added=tuple(r for r in after.requirements if r not in before.requirements),
        requirements_removed=tuple(r for r in before.requirements if r not in after.requirements),
    )

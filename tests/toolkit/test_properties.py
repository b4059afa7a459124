"""Properties that hold whatever the answers: scores within bounds, levels known."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from railab.toolkit import Instrument, Question, load_shipped, new_answers, score

RISK = load_shipped("risk-assessment")
READINESS = load_shipped("readiness")


def _value(q: Question) -> st.SearchStrategy[Any]:
    values = [o.value for o in q.options]
    if q.type in ("single_choice", "yes_no_unknown"):
        return st.sampled_from(values)
    if q.type == "multiple_choice":
        plain = [o.value for o in q.options if not o.exclusive]
        return st.lists(st.sampled_from(plain), unique=True)
    if q.type == "scale":
        return st.integers(q.scale_min, q.scale_max)
    if q.type == "number":
        return st.integers(0, 10**6)
    if q.type == "risk":
        return st.fixed_dictionaries(
            {"likelihood": st.integers(1, 5), "impact": st.integers(1, 5)},
            optional={"mitigations": st.lists(st.sampled_from([m.id for m in q.mitigations]))}
            if q.mitigations
            else {},
        )
    return st.just("text")


def answers(inst: Instrument) -> st.SearchStrategy[dict[str, Any]]:
    questions = [q for q in inst.questions if q.type not in ("date", "evidence", "table")]
    return st.fixed_dictionaries({}, optional={q.id: _value(q) for q in questions})


@settings(max_examples=60, deadline=None)
@given(answers(RISK))
def test_risk_scores_within_bounds(values: dict[str, Any]) -> None:
    r = score(RISK, new_answers(RISK, values))
    for s in (r.score, *(x.score for x in r.sections), *(p.score for p in r.principles)):
        assert s is None or 0.0 <= s <= 100.0
    assert r.level is None or r.level in r.levels
    for risk in r.risks:
        assert 1 <= risk.residual <= risk.inherent <= 25
    assert 0.0 <= r.completeness <= 1.0
    assert len(r.matrix) == 25


@settings(max_examples=60, deadline=None)
@given(answers(READINESS))
def test_readiness_level_matches_the_score(values: dict[str, Any]) -> None:
    r = score(READINESS, new_answers(READINESS, values))
    for s in r.sections:
        if s.score is not None:
            assert 0.0 <= s.score <= 100.0
            expected = max(lv.id for lv in READINESS.levels if s.score >= lv.min)
            assert s.level == expected

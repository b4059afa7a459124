"""Two assessments of the same subject: what changed, for better or worse."""

from __future__ import annotations

import pytest

from railab.toolkit import AnswersError, Instrument, compare, new_answers, score


def test_scores_better_and_worse(demo: Instrument) -> None:
    before = score(demo, new_answers(demo, {"q1": "some", "q2": "yes", "q4": ["a"]}))
    after = score(demo, new_answers(demo, {"q1": "full", "q2": "yes", "q4": []}))
    c = compare(before, after)
    # s1: (2 * 0.25 + 1) / 3 = 50 -> (2 + 1) / 3 = 100; level mid -> high
    s1, s2 = c.sections
    assert (s1.before, s1.after, s1.direction) == (pytest.approx(50.0), 100.0, "better")
    assert (s1.level_before, s1.level_after) == ("mid", "high")
    # s2 had a score (25) and now has none
    assert (s2.before, s2.after, s2.direction) == (25.0, None, "gone")


def test_risk_lower_is_better(risky: Instrument) -> None:
    before = score(risky, new_answers(risky, {"r1": {"likelihood": 3, "impact": 3}}))
    after = score(
        risky,
        new_answers(
            risky,
            {
                "q_review": "yes",
                "r1": {"likelihood": 3, "impact": 3, "mitigations": ["m_mask"]},
                "r2": {"likelihood": 1, "impact": 1},
            },
        ),
    )
    c = compare(before, after)
    assert c.overall.direction == "better"  # high -> medium
    risks = {r.id: r for r in c.risks}
    assert (risks["r1"].before, risks["r1"].after, risks["r1"].direction) == (9.0, 4.0, "better")
    assert risks["r2"].direction == "new"
    assert c.requirements_removed == ("req_review",)
    assert c.recommendations_resolved == ("rec_r1",)


def test_different_instruments_are_refused(demo: Instrument, risky: Instrument) -> None:
    with pytest.raises(AnswersError, match="cannot compare"):
        compare(score(demo, new_answers(demo)), score(risky, new_answers(risky)))

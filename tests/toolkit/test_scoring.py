"""Scores, levels and risks against numbers worked out by hand (in the comments)."""

from __future__ import annotations

import pytest

from railab.toolkit import AnswersError, Instrument, load_instrument, new_answers, score
from tests.toolkit.conftest import DEMO


def test_weighted_average_by_hand(demo: Instrument) -> None:
    # q1 "some" = 1/4 of the best option, weight 2; q2 yes = 1; q3 = 4 on 1..5 = 3/4;
    # q4 {a, c} = (1 + 2) / (1 + 1 + 2 + 0) = 3/4.
    r = score(demo, new_answers(demo, {"q1": "some", "q2": "yes", "q3": 4, "q4": ["a", "c"]}))
    # s1 = 100 * (2 * 0.25 + 1 + 0.75) / (2 + 1 + 1) = 56.25; s2 = 75
    assert r.section("s1").score == pytest.approx(56.25)
    assert r.section("s2").score == pytest.approx(75.0)
    # overall, sections weighted 2 and 1: (2 * 56.25 + 75) / 3 = 62.5
    assert r.score == pytest.approx(62.5)
    # p_a: q1 and q3 (q2 has its own tag): (2 * 0.25 + 0.75) / 3 = 41.67
    assert r.principle("p_a").score == pytest.approx(125 / 3)
    # p_b: q2 and q4: (1 + 0.75) / 2 = 87.5
    assert r.principle("p_b").score == pytest.approx(87.5)
    assert (r.section("s1").level, r.section("s2").level, r.level) == ("mid", "high", "mid")
    assert r.principle("p_a").level == "mid"
    assert r.weakest_sections == ("s1", "s2")


def test_hidden_answers_are_kept_but_not_scored(demo: Instrument) -> None:
    doc = new_answers(demo, {"q1": "some", "q2": "no", "q3": 5})
    r = score(demo, doc)
    # q3 is hidden (q2 is not yes): s1 = 100 * (2 * 0.25 + 0) / 3 = 16.67
    assert r.section("s1").score == pytest.approx(50 / 3)
    assert r.hidden_answers == ("q3",)
    assert doc["answers"]["q3"] == 5
    assert "q3" not in {q.id for q in r.questions}


def test_not_applicable_leaves_the_question_out(demo: Instrument) -> None:
    r = score(demo, new_answers(demo, {"q1": "na", "q2": "yes", "q3": 4}))
    # only q2 and q3: (1 + 0.75) / 2 = 87.5
    assert r.section("s1").score == pytest.approx(87.5)


def test_unanswered_sections_have_no_score_and_completeness(demo: Instrument) -> None:
    r = score(demo, new_answers(demo, {"q1": "full"}))
    assert r.section("s2").score is None
    assert r.section("s2").level is None
    assert r.score == pytest.approx(100.0)  # only s1 has a score
    # s1 required and visible: q1, q2 (q3 hidden); answered q1 -> 1/2. s2: q4 required, q5 not.
    assert (r.section("s1").answered, r.section("s1").required) == (1, 2)
    assert r.section("s2").completeness == 0.0
    assert r.completeness == pytest.approx(1 / 3)


def test_weighted_sum_by_hand() -> None:
    inst = load_instrument(DEMO.replace("levels:\n", "scoring: {method: weighted_sum}\nlevels:\n"))
    r = score(inst, new_answers(inst, {"q1": "some", "q2": "yes", "q3": 4, "q4": ["a", "c"]}))
    # s1 points 2 * 0.25 + 1 + 0.75 = 2.25 of 4; s2 0.75 of 1
    assert (r.section("s1").score, r.section("s1").max_score) == pytest.approx((2.25, 4.0))
    assert (r.section("s2").score, r.section("s2").max_score) == pytest.approx((0.75, 1.0))
    # overall with section weights 2, 1: 2 * 2.25 + 0.75 = 5.25 of 2 * 4 + 1 = 9
    assert (r.score, r.max_score) == pytest.approx((5.25, 9.0))


def test_risk_register_inherent_and_residual(risky: Instrument) -> None:
    doc = new_answers(
        risky,
        {
            "q_basis": "statute",
            "q_review": "yes",
            "r1": {"likelihood": 3, "impact": 3, "mitigations": ["m_mask"]},
            "r2": {"likelihood": 1, "impact": 2},
        },
    )
    r = score(risky, doc)
    r1 = r.risk("r1")
    # inherent 3 x 3 = 9, cell (3, 3) high; review (automatic, q_review yes) lowers likelihood
    # by 1 and masking (ticked) lowers impact by 1: residual 2 x 2 = 4, cell (2, 2) medium.
    assert (r1.inherent, r1.inherent_level) == (9, "high")
    assert set(r1.mitigations) == {"m_review", "m_mask"}
    assert (r1.residual_likelihood, r1.residual_impact, r1.residual) == (2, 2, 4)
    assert r1.residual_level == "medium"
    assert r.risk("r2").residual_level == "low"
    assert r.level == "medium"  # the worst residual risk
    assert r.requirements == ("req_doc",)
    assert r.recommendations == ()
    assert r.principle("privacy").level == "medium"
    cells = {(c.likelihood, c.impact): c for c in r.matrix}
    assert len(cells) == 9
    assert cells[(3, 3)].inherent == ("r1",)
    assert cells[(2, 2)].residual == ("r1",)
    assert cells[(1, 2)].inherent == cells[(1, 2)].residual == ("r2",)


def test_mitigations_never_go_below_the_first_step(risky: Instrument) -> None:
    doc = new_answers(
        risky, {"q_review": "yes", "r1": {"likelihood": 1, "impact": 1, "mitigations": ["m_mask"]}}
    )
    r1 = score(risky, doc).risk("r1")
    assert (r1.residual_likelihood, r1.residual_impact) == (1, 1)


def test_escalation_raises_the_level_and_requirements(risky: Instrument) -> None:
    doc = new_answers(risky, {"q_basis": "none", "r2": {"likelihood": 1, "impact": 1}})
    r = score(risky, doc)
    assert (r.score_level, r.level, r.escalations) == ("low", "high", ("no_basis",))
    assert r.requirements == ("req_review", "req_doc")
    # rec_low tests the (escalated) overall level, so it no longer applies
    assert r.recommendations == ("rec_basis",)


def test_recommendation_on_a_risk_level(risky: Instrument) -> None:
    r = score(risky, new_answers(risky, {"r1": {"likelihood": 3, "impact": 2}}))
    assert r.risk("r1").residual_level == "high"
    assert r.recommendations == ("rec_r1",)


def test_matrix_without_cells_uses_the_thresholds() -> None:
    from tests.toolkit.conftest import RISKY

    start = RISKY.index("  cells:")
    end = RISKY.index("levels:")
    inst = load_instrument(RISKY[:start] + RISKY[end:])
    r = score(inst, new_answers(inst, {"r2": {"likelihood": 2, "impact": 3}}))
    # 2 x 3 = 6 reaches the "high" threshold (6)
    assert r.risk("r2").residual_level == "high"


def test_invalid_answers_are_refused(demo: Instrument) -> None:
    with pytest.raises(AnswersError, match=r"q1: must be one of none, some, full, na, got 'lots'"):
        score(demo, new_answers(demo, {"q1": "lots"}))


def test_result_to_dict_is_plain(risky: Instrument) -> None:
    import json

    r = score(risky, new_answers(risky, {"r1": {"likelihood": 2, "impact": 2}}))
    data = r.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["risks"][0]["residual"] == 4

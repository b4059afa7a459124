"""The instruments railab ships: valid, complete, translated, and consistent with each other."""

from __future__ import annotations

import pytest

from railab.toolkit import (
    LANGUAGES,
    load_shipped,
    new_answers,
    prefill,
    score,
    shipped_instruments,
    validate_answers,
)

SHIPPED = shipped_instruments()


def test_the_three_instruments_ship() -> None:
    assert SHIPPED == ("fria", "readiness", "risk-assessment")


@pytest.mark.parametrize("name", SHIPPED)
def test_valid_with_help_and_all_four_languages(name: str) -> None:
    inst = load_shipped(name)  # raises with file:line on any problem, untranslated text included
    assert inst.languages == LANGUAGES
    missing_help = [q.id for q in inst.questions if q.help is None]
    assert missing_help == []


@pytest.mark.parametrize(("name", "minimum"), [("readiness", 40), ("risk-assessment", 40)])
def test_enough_questions(name: str, minimum: int) -> None:
    questions = [q for q in load_shipped(name).questions if q.type != "risk"]
    assert len(questions) >= minimum


def test_readiness_has_the_nine_dimensions_with_levels_one_to_five() -> None:
    inst = load_shipped("readiness")
    scored = [s.id for s in inst.sections if any(q.scored for q in s.questions)]
    assert scored == [
        "leadership",
        "legal",
        "governance",
        "people",
        "data",
        "technology",
        "procurement",
        "community",
        "monitoring",
    ]
    assert [lv.id for lv in inst.levels] == [f"level_{n}" for n in range(1, 6)]
    # every dimension has next steps for its weakest levels
    for section in scored:
        assert any(r.section == section for r in inst.recommendations), section


def test_readiness_maturity_by_hand() -> None:
    inst = load_shipped("readiness")
    # leadership: levels 2, 2, 3, 3, na -> (1 + 1 + 2 + 2) / 4 / 4 = 37.5 -> level 2
    doc = new_answers(
        inst,
        {
            "lead_strategy": "2",
            "lead_accountable": "2",
            "lead_budget": "3",
            "lead_principles": "3",
            "lead_lifecycle": "na",
            "legal_review": "5",
        },
    )
    r = score(inst, doc)
    assert r.section("leadership").score == 37.5
    assert r.section("leadership").level == "level_2"
    assert r.section("legal").level == "level_5"
    assert r.weakest_sections[0] == "leadership"
    assert "rec_leadership_foundations" in r.recommendations
    assert "rec_legal_foundations" not in r.recommendations


def test_readiness_without_legal_review_is_capped() -> None:
    inst = load_shipped("readiness")
    answers = {q.id: "5" for q in inst.questions if q.scored}
    answers["legal_review"] = "1"
    r = score(inst, new_answers(inst, answers))
    assert r.score_level == "level_4"
    assert (r.level, r.escalations) == ("level_2", ("no_legal_review",))


def test_risk_assessment_face_recognition_example() -> None:
    inst = load_shipped("risk-assessment")
    doc = new_answers(
        inst,
        {
            "purpose_function": "face_recognition",
            "purpose_realtime": "no",
            "purpose_legal_basis": "specific_law",
            "oversight_review_every": "yes",
            "evidence_threshold": "yes",
            # 4 x 5: extremely high; review (-2) and threshold (-1) give 1 x 5: high
            "risk_wrongful_action": {"likelihood": 4, "impact": 5},
            "risk_privacy": {"likelihood": 2, "impact": 2},
        },
    )
    r = score(inst, doc)
    wrongful = r.risk("risk_wrongful_action")
    assert (wrongful.inherent_level, wrongful.residual, wrongful.residual_level) == (
        "extremely_high",
        5,
        "high",
    )
    assert r.level == "high"
    assert "req_human_review" in r.requirements
    assert "req_no_deployment" not in r.requirements
    assert "data_non_matches" in {q.id for q in inst.questions}


def test_risk_assessment_without_legal_basis_is_extremely_high() -> None:
    inst = load_shipped("risk-assessment")
    r = score(inst, new_answers(inst, {"purpose_legal_basis": "none"}))
    assert r.level == "extremely_high"
    assert "req_no_deployment" in r.requirements
    assert r.recommendations[:1] == ("rec_legal_basis",)


def test_fria_prefill_from_the_risk_assessment() -> None:
    fria, risk = load_shipped("fria"), load_shipped("risk-assessment")
    risk_doc = new_answers(
        risk,
        {
            "purpose_description": "Compare stills from CCTV with the custody-image database.",
            "purpose_frequency": "case_by_case",
            "rights_persons": ["suspects", "public", "children"],
            "rights_number": 20000,
            "oversight_review_every": "yes",
            "acc_complaints": "no",
            "risk_wrongful_action": {
                "likelihood": 3,
                "impact": 4,
                "mitigations": ["m_review", "m_threshold"],
                "note": "Stills are often low quality.",
            },
        },
        language="fr",
    )
    doc = prefill(fria, risk_doc)
    assert doc["language"] == "fr"
    assert doc["answers"] == {
        "a_purpose": "Compare stills from CCTV with the custody-image database.",
        "b_frequency": "case_by_case",
        "c_categories": ["suspects", "public", "children"],
        "c_number": 20000,
        # ticked mitigations carry over only where the FRIA defines them too
        "d_liberty": {
            "likelihood": 3,
            "impact": 4,
            "note": "Stills are often low quality.",
            "mitigations": ["m_review"],
        },
        "e_review_every": "yes",
        "f_complaints": "no",
    }
    assert set(doc["sources"]) == set(doc["answers"])
    assert validate_answers(fria, doc).ok
    r = score(fria, doc)
    assert r.risk("d_liberty").mitigations == ("m_review",)  # from e_review_every
    assert "rec_fria_complaints" in r.recommendations
    # answers already given are kept unless overwrite
    doc["answers"]["f_complaints"] = "yes"
    again = prefill(fria, risk_doc, into=doc)
    assert again["answers"]["f_complaints"] == "yes"
    assert prefill(fria, risk_doc, into=doc, overwrite=True)["answers"]["f_complaints"] == "no"


def test_every_prefill_source_exists_with_the_same_type() -> None:
    fria, risk = load_shipped("fria"), load_shipped("risk-assessment")
    pairs = [(q, q.prefill_from) for q in fria.questions if q.prefill_from]
    assert len(pairs) >= 12
    for q, (source_id, source_question) in pairs:
        assert source_id == "risk-assessment"
        source = risk.question(source_question)
        assert source.type == q.type, q.id
        assert [o.value for o in source.options] == [o.value for o in q.options], q.id

"""Verification (1:1) audits: against pyeer, hand counts, numpy, and planted differentials."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from railab.audit import AuditInputError, audit_verification

pyeer_stats = pytest.importorskip("pyeer.eer_stats", reason="pyeer is not installed")


def pyeer_eer(genuine: np.ndarray, impostor: np.ndarray) -> float:
    _, fm, fnm = pyeer_stats.calculate_roc(genuine, impostor, rates=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, _, _, eer = pyeer_stats.get_eer_values(fm / len(impostor), fnm / len(genuine))
    return float(eer)


def frame(genuine: np.ndarray, impostor: np.ndarray, **columns: Any) -> pd.DataFrame:
    data = {
        "score": np.concatenate([genuine, impostor]),
        "mated": np.r_[np.ones(genuine.size, int), np.zeros(impostor.size, int)],
    }
    return pd.DataFrame({**data, **columns})


def test_hand_counted_example_with_fmr_matrix() -> None:
    data = pd.DataFrame(
        {
            "score": [0.9, 0.8, 0.4, 0.7, 0.3, 0.6, 0.55, 0.1, 0.65],
            "mated": [1, 1, 1, 1, 0, 0, 0, 0, 0],
            "race_p": ["A", "A", "B", "B", "A", "A", "B", "B", "A"],
            "race_r": ["A", "A", "B", "B", "A", "B", "B", "A", "B"],
        }
    )
    r = audit_verification(
        data,
        score="score",
        mated="mated",
        groups={"race": ("race_p", "race_r")},
        thresholds=[0.5],
        target_fmr=[],
        bootstrap=0,
    )
    # Genuine: A 0.9, 0.8 (no misses); B 0.4 (miss), 0.7.
    assert r.rate("fnmr", attribute="race", group="A").value == 0.0
    assert r.rate("fnmr", attribute="race", group="B").value == 0.5
    # Same-group impostors: A-A 0.3 (no); B-B 0.55 (match). Cross: A-B 0.6 and 0.65, B-A 0.1.
    assert r.rate("fmr", attribute="race", group="A").value == 0.0
    assert r.rate("fmr", attribute="race", group="B").value == 1.0
    cells = {
        (m.probe_group, m.reference_group): (m.false_matches, m.impostors) for m in r.fmr_matrix
    }
    assert cells == {("A", "A"): (0, 1), ("A", "B"): (2, 2), ("B", "A"): (0, 1), ("B", "B"): (1, 1)}
    assert r.rate("fmr").value == 3 / 5
    probe = audit_verification(
        data,
        score="score",
        mated="mated",
        groups={"race": ("race_p", "race_r")},
        thresholds=[0.5],
        target_fmr=[],
        impostor_pairs="probe_group",
        bootstrap=0,
    )
    assert probe.rate("fmr", attribute="race", group="A").value == 2 / 3


@pytest.mark.parametrize("size", [300, 40_000])
def test_eer_and_rates_equal_pyeer_and_numpy(size: int) -> None:
    """Exact scores (few distinct values) and binned scores (refined where it matters)."""
    rng = np.random.default_rng(size)
    decimals = 2 if size < 1000 else 12
    genuine = rng.normal(0.7, 0.12, size // 10).round(decimals)
    impostor = rng.normal(0.35, 0.1, size).round(decimals)
    group_g = rng.choice(["a", "b"], genuine.size)
    group_i = rng.choice(["a", "b"], impostor.size)
    impostor = impostor + np.where(group_i == "b", 0.02, 0.0)
    data = frame(genuine, impostor, g=np.concatenate([group_g, group_i]))
    r = audit_verification(
        data,
        score="score",
        mated="mated",
        groups=["g"],
        thresholds=[0.5, 0.6],
        target_fmr=[1e-2, 1e-3],
        bootstrap=0,
    )
    assert r.spec.score_binning == ("exact" if size < 1000 else "binned")
    assert r.eer[0].eer == pytest.approx(pyeer_eer(genuine, impostor), abs=1e-12)
    for g in ("a", "b"):
        eer = next(e for e in r.eer if e.group == g).eer
        want = pyeer_eer(genuine[group_g == g], impostor[group_i == g])
        assert eer == pytest.approx(want, abs=1e-12)
    for op in r.operating_points:
        t = op.threshold
        assert op.false_matches == int((impostor >= t).sum())
        assert op.false_non_matches == int((genuine < t).sum())
        if op.target_fmr is not None:
            # The lowest threshold with FMR <= target: the (m+1)-th highest impostor is below.
            m = int(np.floor(op.target_fmr * impostor.size))
            assert op.false_matches <= m
            assert (impostor >= np.sort(impostor)[::-1][m]).sum() > m
        for g in ("a", "b"):
            fm = r.rate("fmr", attribute="g", group=g, threshold=t)
            assert fm.numerator == int((impostor[group_i == g] >= t).sum())
            fnm = r.rate("fnmr", attribute="g", group=g, threshold=t)
            assert fnm.numerator == int((genuine[group_g == g] < t).sum())


def test_target_threshold_uses_the_exact_top_impostor_scores() -> None:
    """FMR 1e-4 over 200,000 impostors depends on the 21st highest score exactly."""
    rng = np.random.default_rng(3)
    impostor = rng.normal(0.3, 0.1, 200_000)
    genuine = rng.normal(0.8, 0.1, 2_000)
    r = audit_verification(
        frame(genuine, impostor), score="score", mated="mated", target_fmr=[1e-4], bootstrap=0
    )
    op = r.operating_points[0]
    top = np.sort(impostor)[::-1]
    assert top[20] < op.threshold <= top[19]
    assert op.false_matches == 20
    assert op.fnmr == (genuine < op.threshold).mean()


def planted(n_subjects: int, seed: int, lamb_sd: float = 0.0) -> pd.DataFrame:
    """Subjects of two groups; group B is falsely matched 4 times and falsely rejected 3
    times as often as group A at threshold 0.999."""
    rng = np.random.default_rng(seed)
    group = np.where(np.arange(n_subjects) % 2 == 0, "A", "B")
    subjects = np.arange(n_subjects)
    # Every subject: 2 genuine comparisons and 200 impostor comparisons with same-group
    # references (subject + 2 mod n keeps the group).
    probe_g = np.repeat(subjects, 2)
    probe_i = np.repeat(subjects, 200)
    ref_i = (probe_i + 2 * rng.integers(1, n_subjects // 2, probe_i.size)) % n_subjects
    lamb = rng.normal(0, lamb_sd, n_subjects)  # some people look like many others
    p_fm = np.where(group[probe_i] == "A", 0.001, 0.004)
    p_fm = np.clip(p_fm * np.exp(lamb[probe_i]), 0, 1)
    hit = rng.random(probe_i.size) < p_fm
    impostor = np.where(hit, rng.uniform(0.999, 1.0, hit.size), rng.uniform(0, 0.999, hit.size))
    p_fnm = np.where(group[probe_g] == "A", 0.02, 0.06)
    miss = rng.random(probe_g.size) < p_fnm
    genuine = np.where(miss, rng.uniform(0.5, 0.999, miss.size), rng.uniform(0.999, 1, miss.size))
    probe = np.concatenate([probe_g, probe_i])
    reference = np.concatenate([probe_g, ref_i])
    return pd.DataFrame(
        {
            "score": np.concatenate([genuine, impostor]),
            "probe": probe.astype(str),
            "reference": reference.astype(str),
            "race_probe": group[probe],
            "race_reference": group[reference],
        }
    )


def test_planted_differentials_are_recovered_within_tolerance() -> None:
    """Planted FMR ratio 4 and FNMR ratio 3; recovered within 25 % and inside the CI."""
    data = planted(4000, seed=11)
    r = audit_verification(
        data,
        score="score",
        probe_subject="probe",
        reference_subject="reference",
        groups={"race": ("race_probe", "race_reference")},
        thresholds=[0.999],
        target_fmr=[],
        bootstrap=300,
        seed=2,
    )
    assert r.spec.bootstrap_unit == "subject"
    fmr = next(f for f in r.findings if f.metric == "fmr")
    fnmr = next(f for f in r.findings if f.metric == "fnmr")
    assert (fmr.high_group, fmr.low_group) == ("B", "A")
    assert fmr.ratio == pytest.approx(4.0, rel=0.25)
    assert fmr.lower is not None
    assert fmr.upper is not None
    assert fmr.lower < 4.0 < fmr.upper
    assert fnmr.ratio == pytest.approx(3.0, rel=0.25)
    assert "B is falsely matched" in fmr.text
    assert "times as often as A (95 % CI" in fmr.text
    fdr = next(d for d in r.differentials if d.measure == "fdr")
    a, b = (r.rate(m, attribute="race", group="A") for m in ("fmr", "fnmr"))
    c, d = (r.rate(m, attribute="race", group="B") for m in ("fmr", "fnmr"))
    assert a.value is not None
    assert b.value is not None
    assert c.value is not None
    assert d.value is not None
    assert fdr.value == pytest.approx(
        1 - 0.5 * abs(a.value - c.value) - 0.5 * abs(b.value - d.value)
    )


def test_subject_bootstrap_is_wider_than_comparison_bootstrap_when_subjects_vary() -> None:
    data = planted(600, seed=5, lamb_sd=2.0)
    kwargs: dict[str, Any] = {
        "score": "score",
        "groups": {"race": ("race_probe", "race_reference")},
        "thresholds": [0.999],
        "target_fmr": [],
        "bootstrap": 300,
    }
    by_subject = audit_verification(
        data, probe_subject="probe", reference_subject="reference", **kwargs
    )
    data["mated"] = (data["probe"] == data["reference"]).astype(int)
    by_comparison = audit_verification(data, mated="mated", **kwargs)
    assert by_comparison.spec.bootstrap_unit == "comparison"
    assert any(w.code == "bootstrap" for w in by_comparison.warnings)
    wide = by_subject.rate("fmr", attribute="race", group="A")
    narrow = by_comparison.rate("fmr", attribute="race", group="A")
    assert wide.value == narrow.value
    assert wide.upper is not None
    assert wide.lower is not None
    assert narrow.upper is not None
    assert narrow.lower is not None
    assert wide.upper - wide.lower > 1.3 * (narrow.upper - narrow.lower)


def test_intersection_and_arrow_input() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    table = pa.table(
        {
            "score": rng.random(n),
            "mated": rng.random(n) < 0.2,
            "race": rng.choice(["x", "y"], n),
            "sex": rng.choice(["F", "M"], n),
        }
    )
    r = audit_verification(
        table,
        score="score",
        mated="mated",
        groups=["race", "sex"],
        intersect=True,
        thresholds=[0.5],
        target_fmr=[0.01],
        bootstrap=20,
    )
    assert {c.attribute for c in r.counts} == {"overall", "race", "sex", "race \u00d7 sex"}
    assert sum(c.positive for c in r.counts if c.attribute == "race \u00d7 sex") == sum(
        table.column("mated").to_pylist()
    )
    kinds = {c.kind for c in r.curves}
    assert kinds == {"det", "genuine_scores", "impostor_scores"}


def error(data: object, **kwargs: Any) -> str:
    kwargs.setdefault("score", "score")
    kwargs.setdefault("bootstrap", 0)
    with pytest.raises(AuditInputError) as info:
        audit_verification(data, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


SMALL = pd.DataFrame(
    {
        "score": [0.9, 0.8, 0.2, 0.3, 0.1],
        "mated": [1, 1, 0, 0, 0],
        "probe": ["s1", "s2", "s1", "s2", "s3"],
        "reference": ["s1", "s2", "s2", "s3", "s1"],
        "race": ["A", "B", "A", "B", "A"],
    }
)


def test_nan_scores_are_an_error_and_empty_scores_are_excluded() -> None:
    data = pa.Table.from_pandas(SMALL).set_column(
        0, "score", pa.array([0.9, np.nan, 0.2, np.inf, 0.1], from_pandas=False)
    )
    message = error(data, mated="mated", thresholds=[0.5])
    assert message.startswith("score column `score` has 2 NaN or infinite values")
    # pandas stores an empty cell as NaN: DuckDB reads it as empty, so it is excluded.
    r = audit_verification(
        SMALL.assign(score=[0.9, np.nan, 0.2, 0.3, 0.1]),
        score="score",
        mated="mated",
        thresholds=[0.5],
        target_fmr=[],
        bootstrap=0,
    )
    assert r.exclusions.missing_score == 1
    assert "1 with no score" in r.warnings[0].message


def test_genuine_pairs_without_impostors_are_an_error() -> None:
    message = error(SMALL[SMALL.mated == 1], mated="mated", thresholds=[0.5])
    assert message == (
        "the data has no impostor comparisons (all 2 are genuine); FMR needs comparisons "
        "of different people — add impostor pairs"
    )
    assert "no genuine comparisons" in error(
        SMALL[SMALL.mated == 0], mated="mated", thresholds=[0.5]
    )


def test_inconsistent_subject_ids_are_an_error() -> None:
    wrong = SMALL.assign(mated=[1, 0, 0, 0, 0])
    message = error(
        wrong, mated="mated", probe_subject="probe", reference_subject="reference", thresholds=[0.5]
    )
    assert message.startswith("1 comparisons contradict the subject ids")
    two_groups = SMALL.assign(race=["A", "B", "B", "B", "A"])
    message = error(
        two_groups,
        probe_subject="probe",
        reference_subject="reference",
        groups=["race"],
        thresholds=[0.5],
    )
    assert message.startswith("subject s1 appears with different group values")


def test_groups_missing_on_one_side_warn() -> None:
    data = SMALL.assign(race_ref=["A", None, "A", None, "A"])
    r = audit_verification(
        data,
        score="score",
        mated="mated",
        groups={"race": ("race", "race_ref")},
        thresholds=[0.5],
        target_fmr=[],
        bootstrap=0,
    )
    messages = [w.message for w in r.warnings if w.code == "missing_side"]
    assert "2 comparisons have a `race` group on one side only" in messages[0]
    assert any("race=B has genuine comparisons but no impostor comparisons" in m for m in messages)


def test_threshold_outside_the_score_range_warns() -> None:
    r = audit_verification(
        SMALL, score="score", mated="mated", thresholds=[5.0, -1.0], target_fmr=[], bootstrap=0
    )
    messages = [w.message for w in r.warnings if w.code == "threshold_range"]
    assert (
        messages
        == [
            "threshold 5 is above every score (highest 0.9): every comparison is a non-match "
            "(FMR 0, FNMR 1); check the score scale",
            "threshold -1 is at or below every score (lowest 0.1): every comparison is a match "
            "(FMR 1, FNMR 0); check the score scale",
        ][::-1]
    )


def test_target_fmr_beyond_the_data_warns() -> None:
    r = audit_verification(SMALL, score="score", mated="mated", target_fmr=[1e-6], bootstrap=0)
    assert any(
        w.code == "target_fmr" and "below 1 / 3 impostor comparisons" in w.message
        for w in r.warnings
    )
    assert r.operating_points[0].false_matches == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "say which comparisons are genuine: pass a genuine/impostor column (--mated)"),
        ({"probe_subject": "probe"}, "subject ids need both sides"),
        ({"mated": "race"}, "column `race` has values {A, B}; say which one marks a genuine"),
        ({"mated": "mated", "genuine": "yes"}, "genuine value 'yes' does not occur in column"),
        ({"mated": "mated", "target_fmr": [2.0]}, "target FMR values must be between 0 and 1"),
        ({"mated": "mated", "target_fmr": []}, "give at least one operating threshold"),
        ({"mated": "mated", "groups": ["rase"]}, "did you mean `race`?"),
    ],
)
def test_bad_options(kwargs: dict[str, Any], message: str) -> None:
    assert message in error(SMALL, **kwargs)


def test_text_genuine_labels_and_excluded_rows() -> None:
    data = SMALL.assign(kind=["genuine", "genuine", "impostor", None, "impostor"])
    r = audit_verification(data, score="score", mated="kind", thresholds=[0.5], target_fmr=[])
    assert r.exclusions.missing_label == 1
    assert r.operating_points[0].impostors == 2
    assert any(w.code == "excluded_rows" for w in r.warnings)

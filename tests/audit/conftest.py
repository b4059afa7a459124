from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def make_frame(n: int = 400, *, seed: int = 7) -> pd.DataFrame:
    """Synthetic audit data with unequal groups and group-dependent error rates."""
    rng = np.random.default_rng(seed)
    race = rng.choice(["a", "b", "c", "d"], size=n, p=[0.4, 0.3, 0.2, 0.1])
    sex = rng.choice(["F", "M"], size=n)
    shift = pd.Series(race).map({"a": 0.0, "b": 0.1, "c": -0.1, "d": 0.2}).to_numpy()
    label = (rng.random(n) < 0.4 + shift).astype(int)
    score = np.clip(0.35 * label + 0.5 * rng.random(n) + shift, 0, 1).round(2)
    prediction = (score >= 0.5).astype(int)
    weight = rng.integers(1, 4, size=n).astype(float)
    return pd.DataFrame(
        {
            "label": label,
            "prediction": prediction,
            "score": score,
            "race": race,
            "sex": sex,
            "weight": weight,
        }
    )


@pytest.fixture
def frame() -> pd.DataFrame:
    return make_frame()

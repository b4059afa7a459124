"""Differential privacy for count tables, through OpenDP.

Every row of the data falls in exactly one published count (a cell, or one of the
exclusion counts), so adding or removing one row changes the vector of counts by 1 in
L1 and L2 norm. Noise is added to every count of the declared domain, zeros included, so
that which cells exist is protected too:

* ``epsilon`` alone: the discrete Laplace mechanism with scale ``1 / epsilon``
  (epsilon-DP; OpenDP ``make_laplace`` on integer vectors, Ghosh, Roughgarden &
  Sundararajan, 2012);
* ``epsilon`` and ``delta``: the discrete Gaussian mechanism (Canonne, Kamath & Steinke,
  2020), its scale the smallest for which OpenDP certifies (epsilon, delta)-DP.

What is protected: the presence or absence of any one row (one case, one comparison).
A person with many rows is protected with a budget of ``rows x epsilon``. The set of
group values, the bins and the thresholds are declared, not protected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from railab.audit._errors import AuditInputError

__all__ = ["Mechanism", "add_noise", "mechanism"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Mechanism:
    """A noise mechanism on integer counts and what it guarantees."""

    name: str  # "laplace" or "gaussian"
    epsilon: float
    delta: float | None
    scale: float
    variance: float  # of the noise added to each count

    def to_dict(self) -> dict[str, Any]:
        from importlib.metadata import version

        return {
            "mechanism": f"discrete {self.name}",
            "epsilon": self.epsilon,
            "delta": self.delta,
            "scale": self.scale,
            "noise_variance": self.variance,
            "sensitivity": 1,
            "protects": "the presence or absence of any one row (case or comparison)",
            "library": f"opendp {version('opendp')}",
        }


def _laplace_variance(scale: float) -> float:
    q = math.exp(-1.0 / scale)
    return 2.0 * q / (1.0 - q) ** 2


def _gaussian_variance(scale: float) -> float:
    # Variance of the discrete Gaussian: slightly below scale^2 for small scales.
    half = math.ceil(12 * scale) + 2
    x = np.arange(-half, half + 1, dtype=np.float64)
    p = np.exp(-(x**2) / (2 * scale * scale))
    return float((x * x * p).sum() / p.sum())


def _measurement(name: str, scale: float, delta: float | None) -> Any:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    domain = dp.vector_domain(dp.atom_domain(T=int))
    if name == "laplace":
        return dp.m.make_laplace(domain, dp.l1_distance(T=int), scale=scale)
    gaussian = dp.m.make_gaussian(domain, dp.l2_distance(T=float), scale=scale)
    assert delta is not None
    return dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(gaussian), delta)


def mechanism(epsilon: float, delta: float | None = None) -> Mechanism:
    """The mechanism for a budget: Laplace for ``epsilon``, Gaussian with ``delta``.

    Examples
    --------
    >>> m = mechanism(1.0)
    >>> m.name, m.scale, round(m.variance, 3)
    ('laplace', 1.0, 1.841)
    """
    if not (math.isfinite(epsilon) and epsilon > 0):
        raise AuditInputError("epsilon must be a positive number, e.g. --epsilon 1")
    if delta is None:
        scale = 1.0 / epsilon
        # OpenDP certifies the budget; an error here would be a bug, not bad input.
        assert _measurement("laplace", scale, None).map(1) <= epsilon * (1 + 1e-9)
        return Mechanism("laplace", epsilon, None, scale, _laplace_variance(scale))
    if not 0.0 < delta < 1.0:
        raise AuditInputError("delta must be between 0 and 1, e.g. --delta 1e-6")
    import opendp.prelude as dp

    dp.enable_features("contrib")
    scale = float(
        dp.binary_search_param(
            lambda s: _measurement("gaussian", s, delta), d_in=1.0, d_out=(epsilon, delta), T=float
        )
    )
    return Mechanism("gaussian", epsilon, delta, scale, _gaussian_variance(scale))


def add_noise(counts: IntArray, mech: Mechanism) -> IntArray:
    """``counts`` plus independent noise from ``mech`` (OpenDP's samplers).

    Examples
    --------
    >>> noisy = add_noise(np.array([10, 0, 3]), mechanism(1.0))
    >>> noisy.shape, noisy.dtype
    ((3,), dtype('int64'))
    """
    if counts.size == 0:
        return counts.astype(np.int64)
    measure = _measurement(mech.name, mech.scale, mech.delta)
    out = measure([int(c) for c in counts])
    return np.asarray(out, dtype=np.int64)

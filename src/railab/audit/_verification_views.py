"""Verification counting by view: which group each comparison counts for, histograms
per group, exact error counts at each threshold, and EER and DET points per group."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from railab.audit._biocount import Comparisons, Window
from railab.audit._verification_stats import det_points, eer_from_counts

__all__ = ["Attributes", "Counted", "at_thresholds", "attributes", "eers", "histograms", "slots"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

OVERALL = "overall"
ALL = "all"
INTERSECTION_SEP = " \N{MULTIPLICATION SIGN} "


@dataclass(frozen=True)
class Attributes:
    """Reported attributes (base ones, then the intersection) and their group codes."""

    names: list[str]
    levels: list[list[str]]
    base: list[list[int]]  # base attributes making up each reported attribute
    combos: list[dict[tuple[int, ...], int]]  # base codes -> code, per reported attribute
    offsets: list[int]  # first view of each attribute (view 0 is overall)

    @property
    def n_views(self) -> int:
        return 1 + sum(len(levels) for levels in self.levels)

    def codes(self, base_codes: IntArray) -> IntArray:
        out = np.zeros((base_codes.shape[0], len(self.names)), np.int64)
        for a, (members, combo) in enumerate(zip(self.base, self.combos, strict=True)):
            if len(members) == 1:
                out[:, a] = base_codes[:, members[0]]
            else:
                out[:, a] = [combo[tuple(row)] for row in base_codes[:, members].tolist()]
        return out


def attributes(cells: Comparisons, names: list[str], intersect: bool) -> Attributes:
    levels = [list(lv) for lv in cells.levels]
    base = [[i] for i in range(len(names))]
    combos: list[dict[tuple[int, ...], int]] = [{} for _ in names]
    out_names = list(names)
    if intersect and len(names) > 1:
        both = np.unique(np.concatenate([cells.probe, cells.reference]), axis=0)
        combo = {tuple(int(x) for x in row): i for i, row in enumerate(both)}
        out_names.append(INTERSECTION_SEP.join(names))
        levels.append(
            [INTERSECTION_SEP.join(cells.levels[j][c] for j, c in enumerate(row)) for row in combo]
        )
        base.append(list(range(len(names))))
        combos.append(combo)
    offsets, start = [], 1
    for lv in levels:
        offsets.append(start)
        start += len(lv)
    return Attributes(out_names, levels, base, combos, offsets)


def slots(
    attrs: Attributes, probe: IntArray, reference: IntArray, genuine: BoolArray, pairs: str
) -> tuple[list[IntArray], list[IntArray]]:
    """View index of each unit per attribute (-1: not in any), for genuine and impostor
    counts. Impostors count for a group when both sides are in it (``same_group``), or
    when the probe is (``probe_group``)."""
    gen = [np.where(genuine, 0, -1)]
    imp = [np.where(genuine, -1, 0)]
    for a, offset in enumerate(attrs.offsets):
        view = offset + probe[:, a]
        gen.append(np.where(genuine, view, -1))
        keep = ~genuine if pairs == "probe_group" else ~genuine & (probe[:, a] == reference[:, a])
        imp.append(np.where(keep, view, -1))
    return gen, imp


def _by_view(slots: list[IntArray], weights: FloatArray, n_views: int) -> FloatArray:
    """Sum ``weights`` (units, ...) into views: shape (views, ...)."""
    extra = weights.shape[1:]
    flat = weights.reshape(weights.shape[0], -1)
    width = flat.shape[1]
    out = np.zeros(n_views * width)
    cols = np.arange(width)
    for idx in slots:
        keep = idx >= 0
        index = (idx[keep][:, None] * width + cols[None, :]).ravel()
        out += np.bincount(index, weights=flat[keep].ravel(), minlength=n_views * width)
    return out.reshape(n_views, *extra)


def histograms(
    slots: list[IntArray], bins: IntArray, n: FloatArray, n_views: int, n_bins: int
) -> FloatArray:
    out = np.zeros(n_views * n_bins)
    for idx in slots:
        keep = idx >= 0
        out += np.bincount(idx[keep] * n_bins + bins[keep], weights=n[keep], minlength=out.size)
    return out.reshape(n_views, n_bins)


@dataclass(frozen=True)
class Counted:
    """Errors at each operating point: thresholds (operating ones, then targets)."""

    thresholds: list[float]
    targets: list[float | None]
    fm: FloatArray  # (view, J)
    fnm: FloatArray  # (view, J)
    matrix_fm: list[FloatArray]  # per attribute: (level, level, J)
    matrix_n: list[FloatArray]  # per attribute: (level, level)


def at_thresholds(
    cells: Comparisons,
    attrs: Attributes,
    probe: IntArray,
    reference: IntArray,
    window: Window | None,
    operating: list[float],
    targets: list[tuple[float, float, int]],
    pairs: str,
) -> Counted:
    """Exact error counts at each threshold.

    Operating thresholds use the bucket counted with the histogram. A threshold for a
    target FMR lies in a pivot bin: bins above it count as matches, bins below as
    non-matches, and the pivot bin's comparisons are replaced by their exact scores
    from the window (binning is monotone in the score, so only that bin is mixed).
    """
    n_j = len(operating) + len(targets)
    weight = np.repeat(cells.n[:, None], n_j, axis=1)
    above = np.zeros((cells.n.size, n_j), dtype=bool)
    for j in range(len(operating)):
        above[:, j] = cells.k > j
    w_score = window.score if window is not None else np.zeros(0)
    w_weight = np.zeros((w_score.size, n_j))
    w_above = np.zeros((w_score.size, n_j), dtype=bool)
    for i, (_, t, p) in enumerate(targets):
        j = len(operating) + i
        if cells.binning == "exact" or window is None:
            above[:, j] = cells.values[cells.bin] >= t
        else:
            weight[:, j] = cells.n * (cells.bin != p)
            above[:, j] = cells.bin > p
            w_weight[:, j] = window.bin == p
            w_above[:, j] = window.score >= t
    n_views = attrs.n_views
    gen, imp = slots(attrs, probe, reference, cells.genuine, pairs)
    fm = _by_view(imp, weight * above, n_views)
    fnm = _by_view(gen, weight * ~above, n_views)
    w_probe = w_reference = np.zeros((0, len(attrs.names)), np.int64)
    w_genuine = np.zeros(0, dtype=bool)
    if window is not None and w_score.size:
        w_probe, w_reference = attrs.codes(window.probe), attrs.codes(window.reference)
        w_genuine = window.genuine
        w_gen, w_imp = slots(attrs, w_probe, w_reference, w_genuine, pairs)
        fm += _by_view(w_imp, w_weight * w_above, n_views)
        fnm += _by_view(w_gen, w_weight * ~w_above, n_views)
    matrix_fm, matrix_n = [], []
    cols = np.arange(n_j)
    for a, levels in enumerate(attrs.levels):
        size = len(levels)
        out = np.zeros(size * size * n_j)
        for pr, rf, g, wt in (
            (probe, reference, cells.genuine, weight * above),
            (w_probe, w_reference, w_genuine, w_weight * w_above),
        ):
            if not g.size:
                continue
            idx = pr[~g, a] * size + rf[~g, a]
            flat = (idx[:, None] * n_j + cols[None, :]).ravel()
            out += np.bincount(flat, weights=wt[~g].ravel(), minlength=out.size)
        g = cells.genuine
        n_m = np.bincount(
            probe[~g, a] * size + reference[~g, a], weights=cells.n[~g], minlength=size * size
        )
        matrix_fm.append(out.reshape(size, size, n_j))
        matrix_n.append(np.asarray(n_m, dtype=np.float64).reshape(size, size))
    return Counted(
        thresholds=[*operating, *(t for _, t, _ in targets)],
        targets=[*([None] * len(operating)), *(f for f, _, _ in targets)],
        fm=fm,
        fnm=fnm,
        matrix_fm=matrix_fm,
        matrix_n=matrix_n,
    )


def view_attribute(attrs: Attributes, v: int) -> tuple[int, str, str]:
    """(slot, attribute, group) of view ``v``; slot 0 is overall, then attributes."""
    if v == 0:
        return 0, OVERALL, ALL
    for a, offset in reversed(list(enumerate(attrs.offsets))):
        if v >= offset:
            return a + 1, attrs.names[a], attrs.levels[a][v - offset]
    raise IndexError(v)


def eers(
    cells: Comparisons,
    attrs: Attributes,
    gen_hist: FloatArray,
    imp_hist: FloatArray,
    occupied: IntArray,
    pivots: list[int | None],
    window: Window | None,
    pairs: str,
) -> list[tuple[tuple[float, float, float, float] | None, tuple[tuple[float, ...], ...]]]:
    """EER and DET points of every view."""
    out = []
    w_gen: list[IntArray] = []
    w_imp: list[IntArray] = []
    if window is not None and window.score.size:
        w_gen, w_imp = slots(
            attrs,
            attrs.codes(window.probe),
            attrs.codes(window.reference),
            window.genuine,
            pairs,
        )
    for v in range(attrs.n_views):
        gen, imp = gen_hist[v], imp_hist[v]
        fm_all = np.cumsum(imp[::-1])[::-1]
        fnm_all = np.cumsum(gen) - gen
        thr = cells.values[occupied]
        fm, fnm = fm_all[occupied], fnm_all[occupied]
        det = det_points(thr, fm, fnm, imp.sum(), gen.sum())
        p = pivots[v]
        if p is not None and window is not None and w_gen:
            slot = view_attribute(attrs, v)[0]
            in_p = window.bin == p
            xs = np.unique(window.score[in_p])
            g_scores = np.sort(window.score[in_p & (w_gen[slot] == v)])
            i_scores = np.sort(window.score[in_p & (w_imp[slot] == v)])
            above_p = imp[p + 1 :].sum()
            below_p = gen[:p].sum()
            x_fm = above_p + i_scores.size - np.searchsorted(i_scores, xs, side="left")
            x_fnm = below_p + np.searchsorted(g_scores, xs, side="left")
            lower, upper = occupied < p, occupied > p
            thr = np.concatenate([thr[lower], xs, thr[upper]])
            fm = np.concatenate([fm[lower], x_fm, fm[upper]])
            fnm = np.concatenate([fnm[lower], x_fnm, fnm[upper]])
        out.append((eer_from_counts(thr, fm, fnm, imp.sum(), gen.sum()), det))
    return out

"""Count tables: the sufficient statistics of an audit, signed, to share instead of data.

A count table holds, per group x label x decision (x declared score bin), the number of
rows; never a row, an id or an exact score. Metrics, intervals and charts are computed
from it by :func:`railab.audit.audit_from_counts` exactly as from the data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

import railab
from railab.audit._counting import Bins, Cells, count_cells
from railab.audit._errors import AuditInputError
from railab.audit._privacy import Mechanism, add_noise, mechanism
from railab.audit._signing import load_private_key, sign, verify
from railab.audit._sources import open_source

__all__ = ["CountTable", "count_table", "count_table_schema", "read_count_table"]

IntArray = npt.NDArray[np.int64]

SCHEMA_ID: Final[str] = "https://railab.org/schema/count-table-1.json"
SCHEMA_VERSION: Final[str] = "1"
#: Declared score bins when none are given: 1,000 bins of width 0.001 on [0, 1].
DEFAULT_BINS: Final[Bins] = Bins(0.0, 1.0, 1000)
METADATA_KEYS: Final[tuple[str, ...]] = (
    "tool",
    "tool_version",
    "data_description",
    "period",
    "contributor",
)

Kind = Literal["classification", "triage"]


@dataclass(frozen=True)
class CountTable:
    """One contributor's counts, with what was counted, how, and by whom.

    ``cells`` has one row per cell and the columns ``(group codes..., label, decision,
    bin, n)``; ``levels[j]`` names the codes of group attribute ``j``.
    """

    kind: Kind
    metadata: dict[str, str]
    spec: dict[str, Any]
    levels: list[list[str]]
    cells: IntArray
    exclusions: dict[str, int]
    suppression: dict[str, int] | None = None
    privacy: dict[str, Any] | None = None
    signature: dict[str, str] | None = None
    railab_version: str = field(default=railab.__version__)

    @property
    def groups(self) -> list[str]:
        return list(self.spec["groups"])

    @property
    def bins(self) -> Bins | None:
        b = self.spec.get("bins")
        return None if b is None else Bins(float(b["lo"]), float(b["hi"]), int(b["count"]))

    def unsigned(self) -> dict[str, Any]:
        """Everything the signature covers."""
        columns = [*self.groups, "label", "decision", "bin", "n"]
        return {
            "$schema": SCHEMA_ID,
            "schema_version": SCHEMA_VERSION,
            "railab_version": self.railab_version,
            "kind": self.kind,
            "metadata": dict(self.metadata),
            "spec": self.spec,
            "groups": [
                {"name": g, "levels": list(lv)}
                for g, lv in zip(self.groups, self.levels, strict=True)
            ],
            "columns": columns,
            "cells": [[int(v) for v in row] for row in self.cells],
            "exclusions": dict(self.exclusions),
            "suppression": self.suppression,
            "privacy": self.privacy,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.unsigned(), "signature": self.signature}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False, allow_nan=False) + "\n"

    def signed(self, private_key: str | Path | Any) -> CountTable:
        """This table signed with an Ed25519 private key (a PEM path, or a key object)."""
        key = load_private_key(private_key) if isinstance(private_key, str | Path) else private_key
        return dataclasses.replace(self, signature=sign(self.unsigned(), key))

    def write(self, path: str | Path) -> None:
        """Write the JSON to ``path`` atomically: a sibling file, then a rename."""
        import os
        import tempfile

        target = Path(path)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(self.to_json().encode())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _suppress(
    cells: IntArray, exclusions: dict[str, int], below: int
) -> tuple[IntArray, dict[str, int], dict[str, int]]:
    n = cells[:, -1]
    small = (n > 0) & (n < below)
    kept = cells[~small]
    out = dict(exclusions)
    hidden = 0
    for key in ("missing_label", "missing_decision"):
        if 0 < out[key] < below:
            out[key], hidden = 0, hidden + 1
    out["rows"] = int(kept[:, -1].sum()) + out["missing_label"] + out["missing_decision"]
    return kept, out, {"below": below, "cells": int(small.sum()), "exclusion_counts": hidden}


def _domain(cells: Cells, kind: Kind, bins: Bins | None, thresholds: Sequence[float]) -> IntArray:
    """Every cell that could exist, zeros included (differential privacy needs them all)."""
    grids = [np.arange(len(lv)) for lv in cells.levels] + [np.arange(2)]
    if bins is None:
        combos = np.stack(np.meshgrid(*grids, np.arange(2), indexing="ij"), -1).reshape(
            -1, len(grids) + 1
        )
        return np.concatenate([combos, np.zeros((len(combos), 1), np.int64)], axis=1)
    edges = bins.edges()
    t = np.asarray(sorted(thresholds), dtype=np.float64)
    # Decisions a bin can hold: thresholds reached by its lowest and (almost) highest
    # score; the last bin holds the top edge only.
    k_lo = np.searchsorted(t, edges, side="right")
    k_hi = np.append(np.searchsorted(t, edges[1:], side="left"), k_lo[-1])
    k_hi = np.maximum(k_hi, k_lo)
    pairs = np.array(
        [(b, k) for b in range(edges.size) for k in range(k_lo[b], k_hi[b] + 1)], dtype=np.int64
    )
    head = np.stack(np.meshgrid(*grids, indexing="ij"), -1).reshape(-1, len(grids))
    left = np.repeat(head, len(pairs), axis=0)
    right = np.tile(pairs[:, ::-1], (len(head), 1))  # (decision, bin)
    return np.concatenate([left, right], axis=1)


def _with_noise(
    cells: IntArray, domain: IntArray, exclusions: dict[str, int], mech: Mechanism
) -> tuple[IntArray, dict[str, int]]:
    key_width = cells.shape[1] - 1
    index = {tuple(row): i for i, row in enumerate(domain.tolist())}
    counts = np.zeros(len(domain) + 2, dtype=np.int64)
    for row in cells.tolist():
        counts[index[tuple(row[:key_width])]] += row[-1]
    counts[-2], counts[-1] = exclusions["missing_label"], exclusions["missing_decision"]
    noisy = add_noise(counts, mech)
    out = {"missing_label": int(noisy[-2]), "missing_decision": int(noisy[-1])}
    table = np.concatenate([domain, noisy[:-2, None]], axis=1)
    out["rows"] = int(noisy.sum())
    return table, out


def count_table(
    data: object,
    *,
    kind: Kind = "classification",
    label: str,
    prediction: str | None = None,
    score: str | None = None,
    thresholds: Sequence[float] = (),
    groups: Sequence[str] = (),
    positive: object | None = None,
    bins: Bins | tuple[float, float, int] | None = None,
    metadata: Mapping[str, str] | None = None,
    suppress_below: int | None = None,
    epsilon: float | None = None,
    delta: float | None = None,
    encoding: str | None = None,
    memory_limit: str | None = None,
) -> CountTable:
    """Count an audit's sufficient statistics into a :class:`CountTable` to share.

    Parameters
    ----------
    data, label, prediction, score, thresholds, groups, positive
        As for :func:`railab.audit.audit_classification` (``kind="classification"``) or
        :func:`railab.audit.audit_triage` (``kind="triage"``: a score, no thresholds: the
        review capacity is applied to the counts, pooled or not).
    bins
        Declared score bins ``(lo, hi, count)``, default 1,000 bins on [0, 1]. When every
        score is a bin edge (e.g. scores rounded to 0.001), results from the table equal
        the direct audit; otherwise each score counts as its bin's midpoint.
    metadata
        ``tool``, ``tool_version``, ``data_description``, ``period``, ``contributor``.
    suppress_below
        Leave out cells with fewer rows than this (e.g. 10); the number left out is
        recorded.
    epsilon, delta
        Differential privacy budget: noise added to every count (see ``_privacy``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1, 0, 1, 1], "p": [1, 0, 0, 1], "g": ["a", "a", "b", "b"]})
    >>> t = count_table(df, label="y", prediction="p", groups=["g"],
    ...                 metadata={"contributor": "Agency A"})
    >>> t.cells.tolist()
    [[0, 0, 0, 0, 1], [0, 1, 1, 0, 1], [1, 1, 0, 0, 1], [1, 1, 1, 0, 1]]
    """
    if isinstance(groups, str):
        groups = [groups]
    if kind not in ("classification", "triage"):
        raise AuditInputError("kind must be 'classification' or 'triage'")
    if (prediction is None) == (score is None) or (kind == "triage" and score is None):
        raise AuditInputError(
            "pass either a prediction column (--prediction) or a score column (--score); "
            "a triage count table needs --score"
        )
    unknown = set(metadata or {}) - set(METADATA_KEYS)
    if unknown:
        raise AuditInputError(
            f"unknown metadata {sorted(unknown)[0]!r}; use: " + ", ".join(METADATA_KEYS)
        )
    declared: Bins | None = None
    if score is not None:
        declared = Bins(*bins) if isinstance(bins, tuple) else (bins or DEFAULT_BINS)
        declared = Bins(float(declared.lo), float(declared.hi), int(declared.count))
        if not (declared.count >= 1 and np.isfinite([declared.lo, declared.hi]).all()):
            raise AuditInputError("bins must be finite, LO < HI, with at least one bin")
        if not declared.lo < declared.hi:
            raise AuditInputError("bins must be finite, LO < HI, with at least one bin")
    t_values = tuple(sorted({float(t) for t in thresholds})) if kind == "classification" else ()
    if kind == "classification" and score is not None and not t_values:
        t_values = (0.5,)
    if suppress_below is not None and suppress_below < 2:
        raise AuditInputError("suppress cells below a count of at least 2, e.g. 10")
    codes = {*groups, label, *([prediction] if prediction is not None else [])}
    source = open_source(data, encoding=encoding, memory_limit=memory_limit, code_columns=codes)
    try:
        cells = count_cells(
            source,
            label=label,
            prediction=prediction,
            score=score,
            thresholds=t_values,
            groups=list(groups),
            weight=None,
            positive=positive,
            allow_scores_outside_unit=True,
            bins=declared,
        )
    finally:
        source.close()
    table = np.concatenate(
        [
            cells.codes,
            cells.y[:, None],
            cells.k[:, None],
            cells.bin[:, None],
            cells.n.astype(np.int64)[:, None],
        ],
        axis=1,
    ).astype(np.int64)
    order = np.lexsort(table[:, :-1].T[::-1])
    table = table[order]
    exclusions = {
        "rows": int(cells.rows),
        "missing_label": int(cells.missing_label),
        "missing_decision": int(cells.missing_decision),
    }
    privacy = None
    if epsilon is not None:
        mech = mechanism(epsilon, delta)
        domain = _domain(cells, kind, declared, t_values)
        table, exclusions = _with_noise(table, domain, exclusions, mech)
        privacy = mech.to_dict()
    elif delta is not None:
        raise AuditInputError("--delta needs --epsilon: give the privacy budget epsilon too")
    suppression = None
    if suppress_below is not None:
        table, exclusions, suppression = _suppress(table, exclusions, suppress_below)
    spec: dict[str, Any] = {
        "label": label,
        "prediction": prediction,
        "score": score,
        "thresholds": list(t_values),
        "groups": list(groups),
        "positive": cells.positive,
        "bins": None if declared is None else dataclasses.asdict(declared),
        # "edges": every score is the lower edge of its bin, so the histogram is exact.
        "score_values": None
        if declared is None
        else ("edges" if cells.off_edge == 0 else "midpoints"),
    }
    meta = {k: str(v) for k, v in (metadata or {}).items()}
    meta.setdefault("created", dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return CountTable(
        kind=kind,
        metadata=meta,
        spec=spec,
        levels=[list(lv) for lv in cells.levels],
        cells=table,
        exclusions=exclusions,
        suppression=suppression,
        privacy=privacy,
    )


def count_table_schema() -> dict[str, Any]:
    """The JSON Schema of count tables (``schema/count-table-1.json``).

    Examples
    --------
    >>> count_table_schema()["$id"]
    'https://railab.org/schema/count-table-1.json'
    """
    text = resources.files("railab.audit.schema").joinpath("count-table-1.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def _validate(document: object, name: str) -> dict[str, Any]:
    import jsonschema

    if not isinstance(document, dict):
        raise AuditInputError(f"{name}: not a railab count table (expected a JSON object)")
    if document.get("$schema") != SCHEMA_ID:
        raise AuditInputError(
            f"{name}: not a railab count table version {SCHEMA_VERSION} "
            f"(its $schema is {document.get('$schema')!r}); make it with `railab audit counts`"
        )
    schema = count_table_schema()
    try:
        jsonschema.validate(document, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        raise AuditInputError(f"{name}: invalid count table at {where}: {exc.message}") from None
    return document


def read_count_table(
    source: str | Path | Mapping[str, Any],
    *,
    public_keys: Sequence[bytes] = (),
    require_signature: bool = True,
    name: str | None = None,
) -> CountTable:
    """Read a count table, check it against the schema and verify its signature.

    A table whose signature does not match (altered after signing) raises
    :class:`AuditInputError` naming the file and the key. With ``public_keys`` (raw
    Ed25519 keys), the table must be signed by one of them.
    """
    label = name or (str(source) if isinstance(source, str | Path) else "count table")
    if isinstance(source, Mapping):
        raw: object = dict(source)
    else:
        try:
            raw = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AuditInputError(f"{label}: cannot read a count table: {exc}") from None
    document = _validate(raw, label)
    signature = document.pop("signature", None)
    if signature is None:
        if require_signature or public_keys:
            raise AuditInputError(
                f"{label}: the count table is not signed; sign it with "
                "`railab audit counts ... --key FILE` (or pass require_signature=False)"
            )
    else:
        verify(document, signature, name=label, trusted=list(public_keys))
    groups = document["groups"]
    cells = np.asarray(document["cells"], dtype=np.int64).reshape(-1, len(groups) + 4)
    return CountTable(
        kind=document["kind"],
        metadata=document["metadata"],
        spec=document["spec"],
        levels=[list(g["levels"]) for g in groups],
        cells=cells,
        exclusions=document["exclusions"],
        suppression=document["suppression"],
        privacy=document["privacy"],
        signature=signature,
        railab_version=document["railab_version"],
    )

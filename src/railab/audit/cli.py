"""``railab audit ...``: the audit engine on the command line.

The lead CLI mounts :data:`audit_app` as the ``audit`` sub-command of ``railab``.
"""

from __future__ import annotations

import enum
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from railab.audit._audit import audit_classification
from railab.audit._errors import AuditInputError
from railab.audit._result import AuditResult

__all__ = ["audit_app", "format_table"]

audit_app = typer.Typer(
    name="audit",
    help="Bias and accuracy audits of AI tools from their outputs.",
    no_args_is_help=True,
    add_completion=False,
)


@audit_app.callback()
def _audit() -> None:
    """Bias and accuracy audits of AI tools from their outputs."""


#: Metrics shown in the terminal table (all metrics are in the JSON, HTML and PDF output).
TABLE_METRICS = ("selection_rate", "base_rate", "tpr", "fpr", "ppv", "accuracy")


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"
    html = "html"
    pdf = "pdf"


def _cell(value: float | None, lower: float | None, upper: float | None, small: bool) -> str:
    if value is None:
        return "—"
    text = f"{value:.3f}"
    if lower is not None and upper is not None:
        text += f" [{lower:.3f}, {upper:.3f}]"
    return text + ("*" if small else "")


def format_table(result: AuditResult) -> str:
    """Plain-text summary of an audit for the terminal.

    Examples
    --------
    >>> import pyarrow as pa
    >>> data = pa.table({"y": [1, 0, 1, 0], "p": [1, 0, 0, 0], "g": ["a", "a", "b", "b"]})
    >>> r = audit_classification(data, label="y", prediction="p", groups=["g"], bootstrap=0)
    >>> print(format_table(r).splitlines()[2])
    overall  all        4  0.250  0.500  0.500  0.000  1.000  0.750
    """
    spec = result.spec
    lines = [
        f"{spec.source}: {result.exclusions.used} of {result.exclusions.rows} rows audited",
    ]
    extra = ("roc_auc",) if spec.score is not None else ()
    thresholds: list[float | None] = list(spec.thresholds) or [None]
    for threshold in thresholds:
        rows = [
            r
            for r in result.metrics
            if (r.threshold == threshold and r.metric in TABLE_METRICS)
            or (r.threshold is None and r.metric in extra)
        ]
        names = [*TABLE_METRICS, *extra]
        keyed = {(r.attribute, r.group, r.metric): r for r in rows}
        groups = list(dict.fromkeys((r.attribute, r.group) for r in rows))
        counts = {(c.attribute, c.group): c.n for c in result.confusion}
        table = [["attribute", "group", "n", *names]]
        for attribute, group in groups:
            cells = []
            for name in names:
                r = keyed[(attribute, group, name)]
                cells.append(_cell(r.value, r.lower, r.upper, r.small))
            table.append([attribute, group, str(counts[(attribute, group)]), *cells])
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        if threshold is not None:
            lines.append(f"threshold {threshold:g} (positive when {spec.score} >= {threshold:g})")
        for row in table:
            lines.append(
                "  ".join(
                    cell.ljust(w) if i < 2 else cell.rjust(w)
                    for i, (cell, w) in enumerate(zip(row, widths, strict=True))
                ).rstrip()
            )
    named = [s for s in result.summaries if not s.name.startswith(("max_min", "min_max"))]
    if named:
        lines.append("")
        for s in named:
            if s.name.endswith("ratio") and s.name != "demographic_parity_ratio":
                continue
            at = f" at {s.threshold:g}" if s.threshold is not None else ""
            flag = "  (below 0.8: four-fifths rule)" if s.flag else ""
            lines.append(
                f"{s.attribute}{at}: {s.name} = {_cell(s.value, s.lower, s.upper, False)}{flag}"
            )
    if any(r.small for r in result.metrics):
        lines.append(f"* fewer than {spec.min_group_size} cases behind the estimate: unstable")
    return "\n".join(lines) + "\n"


def _write_atomically(path: Path, data: bytes) -> None:
    # Never leave a half-written report behind: write a sibling file, then rename it.
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path.cwd(), prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _parse_reference(values: list[str]) -> dict[str, str]:
    out = {}
    for item in values:
        column, sep, value = item.partition("=")
        if not sep or not column:
            raise AuditInputError(
                f"--reference {item!r} must look like COLUMN=VALUE, e.g. race=White"
            )
        out[column] = value
    return out


@audit_app.command("classification")
def classification(
    data: Annotated[
        str, typer.Argument(help="CSV or Parquet file, glob or directory, or a SQL query.")
    ],
    label: Annotated[str, typer.Option(help="Column with the ground truth.")],
    group: Annotated[
        list[str], typer.Option("--group", "-g", help="Group attribute column (repeatable).")
    ],
    prediction: Annotated[str | None, typer.Option(help="Column with the binary decision.")] = None,
    score: Annotated[str | None, typer.Option(help="Column with a risk score.")] = None,
    threshold: Annotated[
        list[float] | None,
        typer.Option("--threshold", "-t", help="Score threshold (repeatable); default 0.5."),
    ] = None,
    intersect: Annotated[
        bool, typer.Option("--intersect", help="Also audit combinations of the groups.")
    ] = False,
    reference: Annotated[
        list[str] | None,
        typer.Option(help="Reference group as COLUMN=VALUE (default: the largest group)."),
    ] = None,
    positive: Annotated[
        str | None, typer.Option(help="Label value that counts as positive.")
    ] = None,
    weight: Annotated[str | None, typer.Option(help="Column of case weights.")] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples (0: none).")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    confidence: Annotated[float, typer.Option(help="Coverage of the intervals.")] = 0.95,
    min_group_size: Annotated[
        int, typer.Option(help="Mark estimates with fewer cases than this.")
    ] = 30,
    target_fpr: Annotated[
        list[float] | None,
        typer.Option(help="FPR for which each group's threshold is reported (repeatable)."),
    ] = None,
    allow_scores_outside_unit: Annotated[
        bool,
        typer.Option("--allow-scores-outside-unit", help="Accept scores outside [0, 1]."),
    ] = False,
    encoding: Annotated[
        str | None, typer.Option(help="Encoding of a CSV that is not UTF-8.")
    ] = None,
    memory_limit: Annotated[
        str | None, typer.Option(help="DuckDB memory limit, e.g. 4GB; spills to disk.")
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Audit a classifier or risk score: metrics by group, disparities, intervals."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    try:
        if output_format is OutputFormat.pdf and out is None:
            raise AuditInputError("PDF output needs a file: add --out report.pdf")
        progress = Progress(
            TextColumn("reading"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        with progress:
            task = progress.add_task("read", total=1.0)
            result = audit_classification(
                data,
                label=label,
                prediction=prediction,
                score=score,
                thresholds=threshold or (0.5,),
                groups=group,
                intersect=intersect,
                reference=_parse_reference(reference or []),
                positive=positive,
                weight=weight,
                bootstrap=bootstrap,
                seed=seed,
                confidence=confidence,
                min_group_size=min_group_size,
                target_fpr=target_fpr or (0.05, 0.1),
                allow_scores_outside_unit=allow_scores_outside_unit,
                encoding=encoding,
                memory_limit=memory_limit,
                progress=lambda fraction: progress.update(task, completed=fraction),
            )
    except AuditInputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    _emit(result, output_format, out, format_table)


def _emit(
    result: Any, output_format: OutputFormat, out: Path | None, table: Callable[[Any], str]
) -> None:
    """Warnings to stderr, then the result in the chosen format to stdout or ``out``."""
    for warning in result.warnings:
        typer.echo(f"warning: {warning.message}", err=True)
    if output_format is OutputFormat.pdf:
        payload = result.to_pdf()
    elif output_format is OutputFormat.html:
        payload = result.to_html().encode()
    elif output_format is OutputFormat.json:
        payload = (result.to_json() + "\n").encode()
    else:
        payload = table(result).encode()
    if out is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    else:
        _write_atomically(out, payload)
        typer.echo(f"wrote {out}", err=True)


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("reading"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _run(
    audit: Callable[[Callable[[float], None]], Any],
    output_format: OutputFormat,
    out: Path | None,
    table: Callable[[Any], str],
) -> None:
    try:
        if output_format is OutputFormat.pdf and out is None:
            raise AuditInputError("PDF output needs a file: add --out report.pdf")
        progress = _progress()
        with progress:
            task = progress.add_task("read", total=1.0)
            result = audit(lambda fraction: progress.update(task, completed=fraction))
    except AuditInputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    _emit(result, output_format, out, table)


def _parse_groups(values: list[str]) -> dict[str, tuple[str, str]]:
    out = {}
    for item in values:
        name, sep, columns = item.partition("=")
        probe, comma, reference = columns.partition(",")
        if not sep:
            out[item] = (item, item)
        elif not name or not probe or not comma or not reference:
            raise AuditInputError(
                f"--group {item!r} must look like NAME=PROBE_COLUMN,REFERENCE_COLUMN "
                "(e.g. race=race_probe,race_reference) or name one column for both sides"
            )
        else:
            out[name] = (probe, reference)
    return out


Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file, not stdout.")]
Bootstrap = Annotated[int, typer.Option(help="Bootstrap resamples (0: none).")]
Seed = Annotated[int, typer.Option(help="Seed of the bootstrap.")]
Confidence = Annotated[float, typer.Option(help="Coverage of the intervals.")]
MinGroup = Annotated[int, typer.Option(help="Mark estimates with fewer cases than this.")]
Encoding = Annotated[str | None, typer.Option(help="Encoding of a CSV that is not UTF-8.")]
Memory = Annotated[str | None, typer.Option(help="DuckDB memory limit, e.g. 4GB; spills to disk.")]
Intersect = Annotated[
    bool, typer.Option("--intersect", help="Also audit combinations of the groups.")
]
Data = Annotated[
    str, typer.Argument(help="CSV or Parquet file, glob or directory, or a SQL query.")
]


@audit_app.command("verification")
def verification(
    data: Data,
    score: Annotated[str, typer.Option(help="Column with the comparison score.")],
    mated: Annotated[
        str | None, typer.Option(help="Column saying genuine (1) or impostor (0).")
    ] = None,
    genuine: Annotated[
        str | None, typer.Option(help="Value of --mated that marks a genuine comparison.")
    ] = None,
    probe_subject: Annotated[str | None, typer.Option(help="Subject id of the probe.")] = None,
    reference_subject: Annotated[
        str | None, typer.Option(help="Subject id of the reference.")
    ] = None,
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group",
            "-g",
            help="NAME=PROBE_COL,REFERENCE_COL, or one column for both sides (repeatable).",
        ),
    ] = None,
    intersect: Intersect = False,
    threshold: Annotated[
        list[float] | None, typer.Option("--threshold", "-t", help="Operating threshold.")
    ] = None,
    target_fmr: Annotated[
        list[float] | None,
        typer.Option(help="Target FMR on all impostors (repeatable); default 1e-3 and 1e-4."),
    ] = None,
    impostor_pairs: Annotated[
        str, typer.Option(help="same_group (NIST) or probe_group: impostors of a group's FMR.")
    ] = "same_group",
    bootstrap: Bootstrap = 1000,
    seed: Seed = 0,
    confidence: Confidence = 0.95,
    min_group_size: MinGroup = 30,
    encoding: Encoding = None,
    memory_limit: Memory = None,
    output_format: Format = OutputFormat.table,
    out: Out = None,
) -> None:
    """Audit 1:1 verification (e.g. face): FMR and FNMR by group, DET, EER, FMR matrix."""
    from railab.audit._bioreport import format_verification
    from railab.audit._verification import audit_verification

    def audit(progress: Callable[[float], None]) -> Any:
        if impostor_pairs not in ("same_group", "probe_group"):
            raise AuditInputError("--impostor-pairs must be same_group or probe_group")
        return audit_verification(
            data,
            score=score,
            mated=mated,
            genuine=genuine,
            probe_subject=probe_subject,
            reference_subject=reference_subject,
            groups=_parse_groups(group or []),
            intersect=intersect,
            thresholds=threshold or (),
            target_fmr=(1e-3, 1e-4) if target_fmr is None else target_fmr,
            impostor_pairs="probe_group" if impostor_pairs == "probe_group" else "same_group",
            bootstrap=bootstrap,
            seed=seed,
            confidence=confidence,
            min_group_size=min_group_size,
            encoding=encoding,
            memory_limit=memory_limit,
            progress=progress,
        )

    _run(audit, output_format, out, format_verification)


@audit_app.command("identification")
def identification(
    data: Data,
    search: Annotated[str, typer.Option(help="Column with the search id.")],
    rank: Annotated[str, typer.Option(help="Column with the candidate rank (1 = best).")],
    score: Annotated[str, typer.Option(help="Column with the candidate score.")],
    mated: Annotated[str, typer.Option(help="Column: the searched subject is enrolled.")],
    mate: Annotated[
        str | None, typer.Option(help="Column: the candidate is the searched subject.")
    ] = None,
    search_subject: Annotated[str | None, typer.Option(help="Subject id of the search.")] = None,
    candidate_subject: Annotated[
        str | None, typer.Option(help="Subject id of the candidate.")
    ] = None,
    group: Annotated[
        list[str] | None, typer.Option("--group", "-g", help="Group column (repeatable).")
    ] = None,
    intersect: Intersect = False,
    rank_at: Annotated[
        list[int] | None, typer.Option(help="Rank r for FNIR (repeatable); default 1 and 10.")
    ] = None,
    threshold: Annotated[
        list[float] | None, typer.Option("--threshold", "-t", help="Threshold T (repeatable).")
    ] = None,
    bootstrap: Bootstrap = 1000,
    seed: Seed = 0,
    confidence: Confidence = 0.95,
    min_group_size: MinGroup = 30,
    encoding: Encoding = None,
    memory_limit: Memory = None,
    output_format: Format = OutputFormat.table,
    out: Out = None,
) -> None:
    """Audit 1:N identification: FNIR and FPIR by group, CMC curves."""
    from railab.audit._bioreport import format_identification
    from railab.audit._identification import audit_identification

    def audit(progress: Callable[[float], None]) -> Any:
        return audit_identification(
            data,
            search=search,
            rank=rank,
            score=score,
            mated=mated,
            mate=mate,
            search_subject=search_subject,
            candidate_subject=candidate_subject,
            groups=group or [],
            intersect=intersect,
            ranks=rank_at or (1, 10),
            thresholds=threshold or (),
            bootstrap=bootstrap,
            seed=seed,
            confidence=confidence,
            min_group_size=min_group_size,
            encoding=encoding,
            memory_limit=memory_limit,
            progress=progress,
        )

    _run(audit, output_format, out, format_identification)


@audit_app.command("triage")
def triage(
    data: Data,
    label: Annotated[str, typer.Option(help="Column with the ground truth.")],
    score: Annotated[str, typer.Option(help="Column with the detector score.")],
    capacity: Annotated[
        list[int], typer.Option("--capacity", "-k", help="Cases reviewed (repeatable).")
    ],
    group: Annotated[
        list[str] | None, typer.Option("--group", "-g", help="Group column (repeatable).")
    ] = None,
    intersect: Intersect = False,
    positive: Annotated[
        str | None, typer.Option(help="Label value that counts as positive.")
    ] = None,
    bootstrap: Bootstrap = 1000,
    seed: Seed = 0,
    confidence: Confidence = 0.95,
    min_group_size: MinGroup = 30,
    encoding: Encoding = None,
    memory_limit: Memory = None,
    output_format: Format = OutputFormat.table,
    out: Out = None,
) -> None:
    """Audit a triage detector: precision and recall at review capacity, alerts by group."""
    from railab.audit._bioreport import format_triage
    from railab.audit._triage import audit_triage

    def audit(progress: Callable[[float], None]) -> Any:
        return audit_triage(
            data,
            label=label,
            score=score,
            capacity=capacity,
            groups=group or [],
            intersect=intersect,
            positive=positive,
            bootstrap=bootstrap,
            seed=seed,
            confidence=confidence,
            min_group_size=min_group_size,
            encoding=encoding,
            memory_limit=memory_limit,
            progress=progress,
        )

    _run(audit, output_format, out, format_triage)


# Registers ``counts``, ``from-counts`` and ``keygen`` on audit_app.
from railab.audit import _cli_counts  # noqa: E402

del _cli_counts

"""``railab audit counts``, ``from-counts`` and ``keygen``: share counts, not data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from railab.audit._errors import AuditInputError
from railab.audit.cli import (
    Bootstrap,
    Confidence,
    Data,
    Encoding,
    Format,
    Intersect,
    Memory,
    MinGroup,
    OutputFormat,
    Seed,
    _emit,
    _parse_reference,
    _write_atomically,
    audit_app,
    format_table,
)

__all__: list[str] = []


def _bins(text: str | None) -> tuple[float, float, int] | None:
    if text is None:
        return None
    parts = text.split(":")
    try:
        lo, hi, count = float(parts[0]), float(parts[1]), int(parts[2])
    except (ValueError, IndexError):
        raise AuditInputError(
            f"--bins {text!r} must look like LO:HI:COUNT, e.g. 0:1:1000 or 1:11:10 for "
            "decile scores 1-10"
        ) from None
    if len(parts) != 3:
        raise AuditInputError(f"--bins {text!r} must look like LO:HI:COUNT, e.g. 0:1:1000")
    return lo, hi, count


@audit_app.command("counts")
def counts(
    data: Data,
    label: Annotated[str, typer.Option(help="Column with the ground truth.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Count table to write (JSON).")],
    kind: Annotated[
        str, typer.Option(help="Audit the counts are for: classification or triage.")
    ] = "classification",
    group: Annotated[
        list[str] | None, typer.Option("--group", "-g", help="Group column (repeatable).")
    ] = None,
    prediction: Annotated[str | None, typer.Option(help="Column with the binary decision.")] = None,
    score: Annotated[str | None, typer.Option(help="Column with a score.")] = None,
    threshold: Annotated[
        list[float] | None,
        typer.Option("--threshold", "-t", help="Score threshold (repeatable); default 0.5."),
    ] = None,
    positive: Annotated[
        str | None, typer.Option(help="Label value that counts as positive.")
    ] = None,
    bins: Annotated[
        str | None,
        typer.Option(help="Declared score bins LO:HI:COUNT (default 0:1:1000)."),
    ] = None,
    tool: Annotated[str | None, typer.Option(help="AI tool evaluated.")] = None,
    tool_version: Annotated[str | None, typer.Option(help="Version of the tool.")] = None,
    description: Annotated[str | None, typer.Option(help="What the data is.")] = None,
    period: Annotated[str | None, typer.Option(help="Period the data covers.")] = None,
    contributor: Annotated[str | None, typer.Option(help="Contributing agency.")] = None,
    suppress: Annotated[
        bool, typer.Option("--suppress", help="Leave out cells with fewer than --k rows.")
    ] = False,
    k: Annotated[int, typer.Option("--k", help="Smallest cell published with --suppress.")] = 10,
    epsilon: Annotated[
        float | None, typer.Option(help="Differential privacy budget (Laplace noise).")
    ] = None,
    delta: Annotated[
        float | None, typer.Option(help="With --epsilon: (epsilon, delta)-DP, Gaussian noise.")
    ] = None,
    key: Annotated[
        Path | None, typer.Option(help="Ed25519 private key (PEM) to sign the table with.")
    ] = None,
    encoding: Encoding = None,
    memory_limit: Memory = None,
) -> None:
    """Count an audit's sufficient statistics into a signed table to share instead of data."""
    from railab.audit._counttable import count_table

    metadata = {
        "tool": tool,
        "tool_version": tool_version,
        "data_description": description,
        "period": period,
        "contributor": contributor,
    }
    try:
        if kind not in ("classification", "triage"):
            raise AuditInputError(f"--kind {kind!r}: use classification or triage")
        table = count_table(
            data,
            kind="triage" if kind == "triage" else "classification",
            label=label,
            prediction=prediction,
            score=score,
            thresholds=threshold or (),
            groups=group or [],
            positive=positive,
            bins=_bins(bins),
            metadata={name: v for name, v in metadata.items() if v is not None},
            suppress_below=k if suppress else None,
            epsilon=epsilon,
            delta=delta,
            encoding=encoding,
            memory_limit=memory_limit,
        )
        if key is not None:
            table = table.signed(key)
    except AuditInputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if key is None:
        typer.echo("warning: the table is not signed; pass --key to sign it", err=True)
    _write_atomically(out, table.to_json().encode())
    typer.echo(f"wrote {out} ({len(table.cells)} cells)", err=True)


@audit_app.command("from-counts")
def from_counts(
    tables: Annotated[list[Path], typer.Argument(help="Count tables (JSON), one or more.")],
    public_key: Annotated[
        list[Path] | None,
        typer.Option("--public-key", help="Trusted signer's public key (PEM, repeatable)."),
    ] = None,
    capacity: Annotated[
        list[int] | None,
        typer.Option("--capacity", "-k", help="Review capacity, triage tables (repeatable)."),
    ] = None,
    intersect: Intersect = False,
    reference: Annotated[
        list[str] | None,
        typer.Option(help="Reference group as COLUMN=VALUE (default: the largest group)."),
    ] = None,
    bootstrap: Bootstrap = 1000,
    seed: Seed = 0,
    confidence: Confidence = 0.95,
    min_group_size: MinGroup = 30,
    output_format: Format = OutputFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Audit from count tables: verify signatures, pool, test heterogeneity, report."""
    from railab.audit._bioreport import format_triage
    from railab.audit._bioresult import TriageResult
    from railab.audit._fromcounts import audit_from_counts
    from railab.audit._signing import load_public_key

    try:
        if output_format is OutputFormat.pdf and out is None:
            raise AuditInputError("PDF output needs a file: add --out report.pdf")
        keys = [load_public_key(p) for p in public_key or []]
        result = audit_from_counts(
            [str(t) for t in tables],
            public_keys=keys,
            capacity=capacity or (),
            intersect=intersect,
            reference=_parse_reference(reference or []),
            bootstrap=bootstrap,
            seed=seed,
            confidence=confidence,
            min_group_size=min_group_size,
        )
    except AuditInputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if output_format is OutputFormat.table:
        pooled = result.pooled
        text = format_triage(pooled) if isinstance(pooled, TriageResult) else format_table(pooled)
        flagged = [h for h in result.heterogeneity if h.p_value is not None and h.p_value < 0.05]
        if result.heterogeneity:
            text += (
                f"\nheterogeneity between {len(result.contributors)} contributors: "
                f"{len(flagged)} of {len(result.heterogeneity)} rates differ (p < 0.05)\n"
            )
        for warning in result.warnings:
            typer.echo(f"warning: {warning.message}", err=True)
        if out is None:
            typer.echo(text, nl=False)
        else:
            _write_atomically(out, text.encode())
        return
    for warning in result.warnings:
        typer.echo(f"warning: {warning.message}", err=True)
    _emit(_Quiet(result), output_format, out, str)


class _Quiet:
    """A :class:`CountsAudit` for ``_emit``, whose warnings were already printed."""

    def __init__(self, result: object) -> None:
        self.result = result
        self.warnings = ()

    def to_json(self) -> str:
        return str(self.result.to_json())  # type: ignore[attr-defined]

    def to_html(self) -> str:
        return str(self.result.to_html())  # type: ignore[attr-defined]

    def to_pdf(self) -> bytes:
        return bytes(self.result.to_pdf())  # type: ignore[attr-defined]


@audit_app.command("keygen")
def keygen(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the key pair.")],
    name: Annotated[
        str, typer.Option(help="File name of the keys (NAME.key, NAME.pub).")
    ] = "railab",
) -> None:
    """Write an Ed25519 key pair to sign count tables (keep NAME.key private)."""
    from railab.audit._signing import generate_key_pair

    try:
        private, public = generate_key_pair(out, name=name)
    except AuditInputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {private} (private: keep it secret) and {public} (share it)", err=True)

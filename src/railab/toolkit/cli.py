"""``railab toolkit ...``: check instruments, score answers, write reports.

The ``railab`` command mounts :data:`toolkit_app` as its ``toolkit`` sub-command.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from railab.toolkit._errors import AnswersError, InstrumentError
from railab.toolkit._load import load_instrument, load_shipped, shipped_instruments
from railab.toolkit._migrate import migrate_answers
from railab.toolkit._model import LANGUAGES, Instrument
from railab.toolkit._scoring import Result, score

__all__ = ["format_table", "toolkit_app"]

toolkit_app = typer.Typer(
    name="toolkit",
    help="Responsible-AI instruments: validate, score, report.",
    no_args_is_help=True,
    add_completion=False,
)


@toolkit_app.callback()
def _toolkit() -> None:
    """Responsible-AI instruments: validate, score, report."""


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.secho(f"railab toolkit: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        _fail(f"--lang {lang} is not available; choose one of {', '.join(LANGUAGES)}")


def _read_answers(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror}")
    except json.JSONDecodeError as exc:
        _fail(f"{path.name}:{exc.lineno}: not valid JSON ({exc.msg}); fix the file")
    if not isinstance(data, dict):
        _fail(f"{path.name}: an answers document is a JSON object with instrument and version")
    return data


def _open(answers_path: Path, instrument_path: Path | None) -> tuple[Instrument, dict[str, Any]]:
    """The instrument for these answers, migrating them if they are for an older version."""
    answers = _read_answers(answers_path)
    try:
        if instrument_path is not None:
            instrument = load_instrument(instrument_path)
        else:
            ident = answers.get("instrument")
            if ident not in shipped_instruments():
                _fail(
                    f"{answers_path.name}: instrument {ident!r} is not shipped with railab "
                    f"({', '.join(shipped_instruments())}); give its file with --instrument"
                )
            instrument = load_shipped(str(ident))
        if answers.get("version") != instrument.version:
            migrated = migrate_answers(answers, None, instrument)
            for change in migrated.changes:
                typer.echo(f"migrated: {change.question}: {change.detail}", err=True)
            answers = migrated.answers
    except InstrumentError as exc:
        _fail(str(exc))
    except AnswersError as exc:
        _fail(f"{answers_path.name}: {exc}")
    return instrument, answers


def format_table(instrument: Instrument, result: Result, *, lang: str = "en") -> str:
    """Plain-text summary of a result for the terminal.

    Examples
    --------
    >>> from railab.toolkit import load_shipped, new_answers, score
    >>> inst = load_shipped("readiness")
    >>> text = format_table(inst, score(inst, new_answers(inst, {"lead_strategy": "4"})))
    >>> print(text.splitlines()[1])
    Overall: 75.0 / 100  level: Level 4 — Managed  completeness: 2%
    """

    def level(level_id: str | None) -> str:
        return instrument.level(level_id).label.get(lang) if level_id else "—"

    def num(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}"

    lines = [
        f"{instrument.title.get(lang)} ({instrument.id} v{instrument.version})",
        f"Overall: {num(result.score)} / {result.max_score:g}  level: {level(result.level)}  "
        f"completeness: {result.completeness:.0%}",
    ]
    for esc in instrument.escalations:
        if esc.id in result.escalations:
            lines.append(f"  ! {esc.reason.get(lang)}")
    titles = {s.id: s.title.get(lang) for s in instrument.sections}
    width = max(len(t) for t in titles.values())
    lines.append("")
    for s in result.sections:
        if s.visible:
            lines.append(
                f"  {titles[s.id]:<{width}}  {num(s.score):>6}  {level(s.level):<24} "
                f"{s.completeness:>5.0%}"
            )
    if result.risks:
        lines.append("")
        for r in result.risks:
            title = instrument.question(r.id).title.get(lang)
            lines.append(
                f"  {title}: {r.inherent} ({level(r.inherent_level)}) -> "
                f"{r.residual} ({level(r.residual_level)})"
            )
    recs = {r.id: r for r in instrument.recommendations}
    if result.recommendations:
        lines.append("")
        lines.extend(
            f"  [{recs[i].priority}] {recs[i].text.get(lang)}" for i in result.recommendations
        )
    reqs = {r.id: r for r in instrument.requirements}
    if result.requirements:
        lines.append("")
        lines.extend(f"  * {reqs[i].text.get(lang)}" for i in result.requirements)
    return "\n".join(lines)


@toolkit_app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="An instrument YAML file.")],
) -> None:
    """Check an instrument file; list every problem as file:line and exit 1 if any."""
    try:
        instrument = load_instrument(file)
    except InstrumentError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.secho(f"{len(exc.problems)} problem(s) in {file.name}", err=True, fg="red")
        raise typer.Exit(1) from None
    typer.echo(
        f"{file.name}: ok — {instrument.id} version {instrument.version}, "
        f"{len(instrument.sections)} sections, {len(instrument.questions)} questions"
    )


@toolkit_app.command("score")
def score_command(
    answers: Annotated[Path, typer.Argument(help="An answers JSON document.")],
    instrument: Annotated[
        Path | None,
        typer.Option(help="Instrument YAML file (default: the shipped one the answers name)."),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the texts: en, fr, es or ar.")] = "en",
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table for people, json for programs.")
    ] = OutputFormat.table,
) -> None:
    """Score an answers document: sections, principles, level, risks, recommendations."""
    _check_lang(lang)
    inst, doc = _open(answers, instrument)
    try:
        result = score(inst, doc)
    except AnswersError as exc:
        _fail(f"{answers.name}: {exc}")
    if output is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_table(inst, result, lang=lang))


@toolkit_app.command()
def report(
    answers: Annotated[Path, typer.Argument(help="An answers JSON document.")],
    pdf: Annotated[Path | None, typer.Option(help="Write the report as PDF here.")] = None,
    html: Annotated[Path | None, typer.Option(help="Write the report as HTML here.")] = None,
    instrument: Annotated[
        Path | None,
        typer.Option(help="Instrument YAML file (default: the shipped one the answers name)."),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the report: en, fr, es or ar.")] = "en",
) -> None:
    """Write a report (chart, risk matrix, recommendations) as PDF and/or HTML."""
    from railab.toolkit._report import render_html, render_pdf

    _check_lang(lang)
    if pdf is None and html is None:
        _fail("say where to write the report: --pdf OUT.pdf and/or --html OUT.html")
    inst, doc = _open(answers, instrument)
    try:
        result = score(inst, doc)
    except AnswersError as exc:
        _fail(f"{answers.name}: {exc}")
    if html is not None:
        html.write_text(render_html(inst, result, doc, lang=lang), encoding="utf-8")
        typer.echo(f"HTML report written to {html}")
    if pdf is not None:
        pdf.write_bytes(render_pdf(inst, result, doc, lang=lang))
        typer.echo(f"PDF report written to {pdf}")

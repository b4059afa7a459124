"""Load an instrument: YAML with line numbers, the JSON Schema, then whole-document checks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path as FilePath
from typing import Any

import jsonschema

from railab.toolkit._build import Builder
from railab.toolkit._checks import check_instrument
from railab.toolkit._diagnostics import Checker, leaf_errors, schema_message
from railab.toolkit._errors import InstrumentError, Problem
from railab.toolkit._model import (
    Instrument,
)
from railab.toolkit._yaml import YamlDocument, parse_yaml

__all__ = ["instrument_schema", "load_instrument", "load_shipped", "shipped_instruments"]


@cache
def instrument_schema() -> dict[str, Any]:
    """The JSON Schema of the instrument format (format 1).

    Examples
    --------
    >>> instrument_schema()["$id"]
    'https://railab.org/schema/instrument-1.json'
    """
    text = resources.files("railab.toolkit.schema").joinpath("instrument-1.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def _schema_problems(doc: YamlDocument, checker: Checker) -> None:
    validator = jsonschema.Draft202012Validator(instrument_schema())
    for error in validator.iter_errors(doc.data):
        for leaf in leaf_errors(error):
            checker.add(tuple(leaf.absolute_path), schema_message(leaf))


def _read(source: str | FilePath | Mapping[str, Any], name: str | None) -> tuple[YamlDocument, str]:
    if isinstance(source, Mapping):
        return YamlDocument(data=dict(source), lines={}), name or "<instrument>"
    if isinstance(source, FilePath) or "\n" not in source:
        path = FilePath(source)
        label = name or path.name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InstrumentError(
                [Problem(str(path), None, "", f"cannot read the file: {exc.strerror}")]
            ) from None
        return parse_yaml(text, source=label), label
    label = name or "<text>"
    return parse_yaml(source, source=label), label


def load_instrument(
    source: str | FilePath | Mapping[str, Any], *, name: str | None = None
) -> Instrument:
    """Load and check an instrument from a YAML file, YAML text, or already-parsed data.

    Parameters
    ----------
    source
        A :class:`pathlib.Path` or a path string (no newline); a string with a newline is
        YAML text; a mapping is parsed data (then errors have no line numbers).
    name
        How errors name the source (default: the file name, or ``<text>``).

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        With one ``file:line: element: problem and fix`` per problem found.

    Examples
    --------
    >>> inst = load_instrument('''
    ... format: 1
    ... id: tiny
    ... version: 1
    ... title: Tiny
    ... languages: [en]
    ... sections:
    ...   - id: s1
    ...     title: One
    ...     questions:
    ...       - {id: q1, type: yes_no_unknown, title: "Is it documented?"}
    ... ''')
    >>> inst.id, [q.id for q in inst.questions]
    ('tiny', ['q1'])
    >>> load_instrument("format: 1\\nid: Bad Id\\n", name="bad.yaml")
    Traceback (most recent call last):
    ...
    railab.toolkit.InstrumentError: bad.yaml:1: is missing version, title, languages, sections...
    bad.yaml:2: id must be lower-case letters, digits, _ or - starting with a letter, got "Bad Id"
    """
    doc, label = _read(source, name)
    checker = Checker(doc, label)
    if not isinstance(doc.data, dict):
        raise InstrumentError([Problem(label, 1, "", "an instrument must be a YAML mapping")])
    _schema_problems(doc, checker)
    if checker.problems:
        raise InstrumentError(sorted(checker.problems, key=lambda p: p.line or 0))
    instrument = Builder(doc, checker).build(label)
    check_instrument(instrument, checker)
    if checker.problems:
        raise InstrumentError(sorted(checker.problems, key=lambda p: p.line or 0))
    return instrument


def shipped_instruments() -> tuple[str, ...]:
    """Ids of the instruments that ship with railab.

    Examples
    --------
    >>> shipped_instruments()
    ('fria', 'readiness', 'risk-assessment')
    """
    folder = resources.files("railab.toolkit.instruments")
    return tuple(
        sorted(f.name.removesuffix(".yaml") for f in folder.iterdir() if f.name.endswith(".yaml"))
    )


@cache
def load_shipped(instrument_id: str) -> Instrument:
    """A shipped instrument by id (loaded once, then cached).

    Examples
    --------
    >>> load_shipped("risk-assessment").levels[-1].id
    'extremely_high'
    """
    if instrument_id not in shipped_instruments():
        raise KeyError(
            f"no shipped instrument {instrument_id!r}; shipped: {', '.join(shipped_instruments())}"
        )
    resource = resources.files("railab.toolkit.instruments").joinpath(f"{instrument_id}.yaml")
    return load_instrument(resource.read_text(encoding="utf-8"), name=f"{instrument_id}.yaml")

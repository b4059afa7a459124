"""Move answers from one version of an instrument to a newer one, and pre-fill one from another."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from railab.toolkit._answers import is_answered, value_problem
from railab.toolkit._errors import AnswersError
from railab.toolkit._model import Instrument, Migration

__all__ = ["Change", "MigratedAnswers", "migrate_answers", "prefill"]


@dataclass(frozen=True)
class Change:
    """What a migration did to one answer."""

    kind: Literal["renamed", "split", "removed", "value", "dropped"]
    question: str
    detail: str


@dataclass(frozen=True)
class MigratedAnswers:
    """The answers document for the newer version, and every change made on the way."""

    answers: dict[str, Any]
    from_version: int
    to_version: int
    changes: tuple[Change, ...]


def _step(values: dict[str, Any], step: Migration, changes: list[Change]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for qid, value in values.items():
        if qid in step.removed:
            if is_answered(value):
                changes.append(Change("removed", qid, f"removed in version {step.to_version}"))
            continue
        if qid in step.split:
            targets = step.split[qid]
            for target in targets:
                out[target] = copy.deepcopy(value)
            changes.append(Change("split", qid, f"copied to {', '.join(targets)}"))
            continue
        if qid in step.renamed:
            out[step.renamed[qid]] = value
            changes.append(Change("renamed", qid, f"now {step.renamed[qid]}"))
            continue
        out[qid] = value
    for qid, mapping in step.values.items():
        if qid not in out:
            continue
        old = out[qid]
        if isinstance(old, list):
            new = [mapping.get(v, v) for v in old]
            out[qid] = [v for v in new if v is not None]
        elif isinstance(old, str) and old in mapping:
            out[qid] = mapping[old]
        if out[qid] != old:
            changes.append(Change("value", qid, f"{old!r} is now {out[qid]!r}"))
    return {k: v for k, v in out.items() if v is not None}


def migrate_answers(
    answers: Mapping[str, Any],
    from_instrument: Instrument | None,
    to_instrument: Instrument,
) -> MigratedAnswers:
    """Open answers begun on one version of an instrument on a newer version.

    The newer instrument's ``migrations`` say, step by step from version to version, which
    questions were renamed, split (the answer is copied to each part), removed, or had
    options renamed. Answers that still do not fit the newer version are dropped and
    reported. ``from_instrument``, when given, must be the version the answers record.

    Raises
    ------
    AnswersError
        With the reason: answers for another instrument, for a version newer than
        ``to_instrument``, or for a version no migration starts from.

    Examples
    --------
    >>> from railab.toolkit import load_instrument
    >>> v2 = load_instrument('''
    ... format: 1
    ... id: demo
    ... version: 2
    ... title: Demo
    ... languages: [en]
    ... sections:
    ...   - id: s
    ...     title: S
    ...     questions:
    ...       - {id: policy_written, type: yes_no_unknown, title: "Written policy?"}
    ... migrations:
    ...   - {from: 1, to: 2, renamed: {policy: policy_written}, removed: [old]}
    ... ''')
    >>> doc = {"instrument": "demo", "version": 1, "answers": {"policy": "yes", "old": "x"}}
    >>> m = migrate_answers(doc, None, v2)
    >>> m.answers["version"], m.answers["answers"]
    (2, {'policy_written': 'yes'})
    >>> [c.kind for c in m.changes]
    ['renamed', 'removed']
    """
    target = to_instrument
    if not isinstance(answers, Mapping) or "answers" not in answers:
        raise AnswersError("not an answers document: it needs instrument, version and answers")
    if answers.get("instrument") != target.id:
        raise AnswersError(
            f"the answers are for instrument {answers.get('instrument')!r}; "
            f"they cannot be opened on {target.id!r}"
        )
    version = answers.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise AnswersError(f"the answers document has no valid version (got {version!r})")
    if from_instrument is not None and (from_instrument.id, from_instrument.version) != (
        target.id,
        version,
    ):
        raise AnswersError(
            f"the answers are for {target.id} version {version}, but the old instrument given "
            f"is {from_instrument.id} version {from_instrument.version}"
        )
    if version > target.version:
        raise AnswersError(
            f"the answers are for version {version} of {target.id!r}, newer than this "
            f"instrument (version {target.version}); open them with version {version}"
        )
    values = dict(answers["answers"])
    changes: list[Change] = []
    current = version
    while current < target.version:
        step = next((m for m in target.migrations if m.from_version == current), None)
        if step is None:
            known = sorted({m.from_version for m in target.migrations})
            listed = ", ".join(map(str, known)) if known else "none"
            raise AnswersError(
                f"the answers are for version {current} of {target.id!r}; version "
                f"{target.version} can migrate answers only from version(s) {listed}, so "
                f"these cannot be opened; re-enter them or add a migration from version {current}"
            )
        values = _step(values, step, changes)
        current = step.to_version
    questions = {q.id: q for q in target.questions}
    matrix = target.risk_matrix
    dims = (len(matrix.likelihood), len(matrix.impact)) if matrix is not None else (5, 5)
    kept: dict[str, Any] = {}
    for qid, value in values.items():
        question = questions.get(qid)
        if question is None:
            changes.append(
                Change("dropped", qid, f"no question {qid!r} in version {target.version}")
            )
            continue
        problem = value_problem(question, value, levels=dims[0], impacts=dims[1])
        if problem:
            changes.append(Change("dropped", qid, f"the answer no longer fits: {problem}"))
            continue
        kept[qid] = value
    document = {k: copy.deepcopy(v) for k, v in answers.items() if k != "answers"}
    document.update({"version": target.version, "answers": kept})
    return MigratedAnswers(
        answers=document, from_version=version, to_version=target.version, changes=tuple(changes)
    )


def prefill(
    instrument: Instrument,
    source_answers: Mapping[str, Any],
    *,
    into: Mapping[str, Any] | None = None,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Answers for ``instrument`` pre-filled from another instrument's answers.

    Every question that declares ``prefill_from: {instrument, question}`` naming the source
    document's instrument takes the source answer, when there is one and it fits. Answers
    already in ``into`` are kept unless ``overwrite``. ``sources`` in the returned document
    records where each pre-filled answer came from, so the platform can say so.

    Examples
    --------
    >>> from railab.toolkit import load_shipped
    >>> fria = load_shipped("fria")
    >>> risk = {"instrument": "risk-assessment", "version": 1,
    ...         "answers": {"purpose_description": "Find missing children in CCTV footage"}}
    >>> doc = prefill(fria, risk)
    >>> doc["answers"]["a_purpose"]
    'Find missing children in CCTV footage'
    >>> doc["sources"]["a_purpose"]
    {'instrument': 'risk-assessment', 'version': 1, 'question': 'purpose_description'}
    """
    source_id = source_answers.get("instrument")
    source_values = source_answers.get("answers")
    if not isinstance(source_values, Mapping):
        raise AnswersError("the source is not an answers document (no 'answers')")
    if into is not None:
        if into.get("instrument") != instrument.id or into.get("version") != instrument.version:
            raise AnswersError(
                f"'into' must be answers for {instrument.id} version {instrument.version}"
            )
        document = copy.deepcopy(dict(into))
    else:
        document = {
            "instrument": instrument.id,
            "version": instrument.version,
            "language": source_answers.get("language", "en"),
            "answers": {},
        }
    values: dict[str, Any] = document.setdefault("answers", {})
    sources: dict[str, Any] = document.setdefault("sources", {})
    for q in instrument.questions:
        if q.prefill_from is None or q.prefill_from[0] != source_id:
            continue
        value = source_values.get(q.prefill_from[1])
        if q.type == "risk" and isinstance(value, Mapping):
            # Mitigations are the target's own; likelihood, impact and note carry over.
            known = {m.id for m in q.mitigations}
            value = {k: v for k, v in value.items() if k != "mitigations"} | {
                "mitigations": [m for m in value.get("mitigations", []) if m in known]
            }
        if not is_answered(value) or value_problem(q, value) is not None:
            continue
        if is_answered(values.get(q.id)) and not overwrite:
            continue
        values[q.id] = copy.deepcopy(value)
        sources[q.id] = {
            "instrument": source_id,
            "version": source_answers.get("version"),
            "question": q.prefill_from[1],
        }
    if not sources:
        del document["sources"]
    return document

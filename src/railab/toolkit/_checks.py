"""Checks that need the whole instrument: references, order of conditions, thresholds."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from railab.toolkit._diagnostics import Checker
from railab.toolkit._model import (
    Instrument,
    Question,
)
from railab.toolkit._yaml import Path

__all__ = ["check_instrument", "condition_leaves"]

VALUE_OPERATORS = ("equals", "not_equals", "in", "not_in")
LIST_OPERATORS = ("includes", "includes_any")
NUMBER_OPERATORS = ("gt", "gte", "lt", "lte")
CHOICE_TYPES = ("single_choice", "multiple_choice", "yes_no_unknown")


def condition_leaves(node: Any, path: Path) -> Iterator[tuple[Mapping[str, Any], Path]]:
    """Every leaf of a condition, with its path."""
    if not isinstance(node, Mapping):
        return
    for key in ("all", "any"):
        if key in node:
            for i, child in enumerate(node[key]):
                yield from condition_leaves(child, (*path, key, i))
            return
    if "not" in node:
        yield from condition_leaves(node["not"], (*path, "not"))
        return
    yield node, path


def _check_question_leaf(
    c: Checker,
    leaf: Mapping[str, Any],
    path: Path,
    questions: Mapping[str, Question],
    before: int | None,
) -> None:
    qid = leaf["question"]
    q = questions.get(qid)
    if q is None:
        c.add((*path, "question"), f"refers to {qid!r}, which is not a question of this instrument")
        return
    if before is not None and q.index >= before:
        c.add(
            (*path, "question"),
            f"refers to {qid!r}, which comes later; a condition may only use earlier answers "
            "(move the question up or the condition down)",
        )
        return
    op = next(k for k in leaf if k != "question")
    value = leaf[op]
    if op in NUMBER_OPERATORS and q.type not in ("scale", "number"):
        c.add((*path, op), f"compares numbers, but {qid!r} is a {q.type} question")
    elif op in LIST_OPERATORS and q.type != "multiple_choice":
        c.add((*path, op), f"is for multiple choice; {qid!r} is {q.type} (use equals or in)")
    elif op in VALUE_OPERATORS and q.type == "multiple_choice":
        c.add((*path, op), f"{qid!r} is multiple choice; use includes or includes_any")
    elif op in VALUE_OPERATORS and q.type in ("table", "evidence", "risk"):
        c.add((*path, op), f"cannot compare a {q.type} answer; use answered: true")
    if q.type in CHOICE_TYPES and op in (*VALUE_OPERATORS, *LIST_OPERATORS):
        known = {o.value for o in q.options}
        for v in value if isinstance(value, list) else [value]:
            if v not in known:
                c.add(
                    (*path, op),
                    f"uses {v!r}, which is not an option of {qid!r} ({', '.join(sorted(known))})",
                )


def check_instrument(instrument: Instrument, c: Checker) -> None:
    questions = {q.id: q for q in instrument.questions}
    principles = {p.id for p in instrument.principles}
    sections = {s.id for s in instrument.sections}
    levels = [lv.id for lv in instrument.levels]
    risks = {q.id for q in instrument.questions if q.type == "risk"}

    def check_principles(ids: tuple[str, ...], path: Path) -> None:
        for i, p in enumerate(ids):
            if p not in principles:
                c.add(
                    (*path, i),
                    f"{p!r} is not a principle of this instrument; add it under principles",
                )

    def check_condition(node: Any, path: Path, *, before: int | None, results: bool) -> None:
        for leaf, lpath in condition_leaves(node, path):
            if "question" in leaf:
                _check_question_leaf(c, leaf, lpath, questions, before)
                continue
            if not results:
                continue
            for i, lv in enumerate(leaf.get("level", [])):
                if lv not in levels:
                    c.add((*lpath, "level", i), f"{lv!r} is not a level ({', '.join(levels)})")
            for key, known in (("section", sections), ("principle", principles), ("risk", risks)):
                if key in leaf and leaf[key] not in known:
                    c.add((*lpath, key), f"{leaf[key]!r} is not a {key} of this instrument")

    for i, s in enumerate(instrument.sections):
        spath: Path = ("sections", i)
        check_principles(s.principles, (*spath, "principles"))
        if s.show_if is not None:
            first = s.questions[0].index
            check_condition(s.show_if, (*spath, "show_if"), before=first, results=False)
        for j, q in enumerate(s.questions):
            qpath: Path = (*spath, "questions", j)
            check_principles(q.principles, (*qpath, "principles"))
            if q.show_if is not None:
                check_condition(q.show_if, (*qpath, "show_if"), before=q.index, results=False)
            for k, m in enumerate(q.mitigations):
                if m.when is not None:
                    check_condition(
                        m.when, (*qpath, "mitigations", k, "when"), before=None, results=False
                    )
            if q.type == "risk" and instrument.risk_matrix is None:
                c.add((*qpath, "type"), "is a risk, but the instrument has no risk_matrix; add one")

    if instrument.levels:
        mins = [lv.min for lv in instrument.levels]
        for i in range(1, len(mins)):
            if mins[i] <= mins[i - 1]:
                c.add(
                    ("levels", "items", i, "min"),
                    f"({mins[i]:g}) must be above the previous level's min ({mins[i - 1]:g}); "
                    "list levels from the lowest threshold up",
                )
    if instrument.level_basis == "risk" and instrument.risk_matrix is None:
        c.add(("levels", "basis"), "is risk, but the instrument has no risk_matrix; add one")
    for i, e in enumerate(instrument.escalations):
        epath: Path = ("levels", "escalations", i)
        if e.level not in levels:
            c.add((*epath, "level"), f"{e.level!r} is not a level ({', '.join(levels)})")
        check_condition(e.when, (*epath, "when"), before=None, results=False)
    matrix = instrument.risk_matrix
    if matrix is not None and matrix.cells is not None:
        if len(matrix.cells) != len(matrix.likelihood):
            c.add(
                ("risk_matrix", "cells"),
                f"has {len(matrix.cells)} rows; it needs one per likelihood step "
                f"({len(matrix.likelihood)})",
            )
        for i, row in enumerate(matrix.cells):
            if len(row) != len(matrix.impact):
                c.add(
                    ("risk_matrix", "cells", i),
                    f"has {len(row)} entries; it needs one per impact step ({len(matrix.impact)})",
                )
            for j, cell in enumerate(row):
                if cell not in levels:
                    c.add(("risk_matrix", "cells", i, j), f"{cell!r} is not a level")
    for i, r in enumerate(instrument.recommendations):
        check_condition(r.when, ("recommendations", i, "when"), before=None, results=True)
        if r.section is not None and r.section not in sections:
            c.add(("recommendations", i, "section"), f"{r.section!r} is not a section")
    for i, req in enumerate(instrument.requirements):
        for k, lv in enumerate(req.levels):
            if lv not in levels:
                c.add(("requirements", i, "levels", k), f"{lv!r} is not a level")
        if req.when is not None:
            check_condition(req.when, ("requirements", i, "when"), before=None, results=True)
    if (instrument.recommendations or instrument.requirements) and not levels:
        for i, r in enumerate(instrument.recommendations):
            if any("level" in leaf for leaf, _ in condition_leaves(r.when, ())):
                c.add(("recommendations", i, "when"), "uses levels, but the instrument has none")
    for i, mig in enumerate(instrument.migrations):
        mpath: Path = ("migrations", i)
        if mig.from_version >= mig.to_version or mig.to_version > instrument.version:
            c.add(
                (*mpath, "to"),
                f"must go from an older version to a newer one, at most {instrument.version}",
            )
        if mig.to_version != instrument.version:
            continue
        for old, new in mig.renamed.items():
            if new not in questions:
                c.add((*mpath, "renamed", old), f"renames to {new!r}, which is not a question")
        for old, news in mig.split.items():
            for new in news:
                if new not in questions:
                    c.add((*mpath, "split", old), f"splits into {new!r}, which is not a question")
        for qid in mig.values:
            if qid not in questions:
                c.add((*mpath, "values", qid), f"{qid!r} is not a question of this version")

"""Problems in an instrument, named by file, line and element (``question "q1" option "no"``)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from railab.toolkit._errors import Problem
from railab.toolkit._yaml import Path, YamlDocument

__all__ = ["Checker", "describe", "leaf_errors", "schema_message"]

_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "empty",
}


# ---------------------------------------------------------------------------------------------
# Where in the document: "question "q_legal_basis" option "yes"" rather than a JSON pointer.

_LABELS = {
    "sections": "section",
    "questions": "question",
    "options": "option",
    "columns": "column",
    "mitigations": "mitigation",
    "principles": "principle",
    "recommendations": "recommendation",
    "requirements": "requirement",
    "items": "level",
    "escalations": "escalation",
}


def describe(data: Any, path: Path) -> tuple[str, str]:
    """Split a path into the element it is in (``question "q1" option "yes"``) and the key."""
    context: list[str] = []
    rest: list[str] = []
    node = data
    i = 0
    while i < len(path):
        key = path[i]
        child: Any = node[key] if _has(node, key) else None
        nxt = path[i + 1] if i + 1 < len(path) else None
        item: Any = child[nxt] if isinstance(nxt, int) and _has(child, nxt) else None
        if (
            isinstance(key, str)
            and isinstance(item, dict)
            and (key in _LABELS or key == "migrations")
        ):
            if key == "migrations":
                context = [f"migration from version {item.get('from', '?')}"]
            else:
                label = _LABELS[key]
                ident = item.get("id", item.get("value", nxt))
                name = f'{label} "{ident}"'
                # Questions have ids unique in the instrument: the section adds nothing.
                context = (
                    [*context, name] if label in ("option", "column", "mitigation") else [name]
                )
            rest = []
            node = item
            i += 2
            continue
        rest.append(str(key))
        node = child
        i += 1
    return " ".join(context), ".".join(rest)


def _has(node: Any, key: str | int) -> bool:
    if isinstance(node, dict):
        return key in node
    return isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)


class Checker:
    """Collects problems with their file, line and element."""

    def __init__(self, doc: YamlDocument, source: str) -> None:
        self.doc = doc
        self.source = source
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        where, key = describe(self.doc.data, path)
        text = f"{key} {message}" if key else message
        self.problems.append(Problem(self.source, self.doc.line(path), where, text))


def schema_message(error: jsonschema.ValidationError) -> str:
    value = error.instance
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, dict | list) else None
    got = f", got {shown}" if shown is not None and len(shown) < 60 else ""
    kind = error.validator
    expected: Any = error.validator_value
    schema: Any = error.schema
    if kind == "type":
        wanted = expected
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        if names == ["string"] and isinstance(value, int | float | list):
            return "must be text or a mapping of language to text" + got
        return "must be " + " or ".join(_TYPE_NAMES.get(n, n) for n in names) + got
    if kind == "required":
        missing = [p for p in expected if isinstance(value, dict) and p not in value]
        return f"is missing {', '.join(missing)}; add {'them' if len(missing) > 1 else 'it'}"
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(value) - set(allowed))
        return (
            f"has unknown field(s) {', '.join(extra)}; allowed fields: {', '.join(allowed)}"
            if allowed
            else f"has unknown field(s) {', '.join(extra)}"
        )
    if kind == "enum":
        return "must be one of " + ", ".join(map(str, expected)) + got
    if kind == "const":
        return f"must be {json.dumps(error.validator_value)}{got}"
    if kind == "pattern":
        return (
            "must be lower-case letters, digits, _ or - starting with a letter" + got
            if "a-z][a-z0-9_-" in str(error.validator_value)
            else f"must match {error.validator_value}{got}"
        )
    if kind == "contains":
        return "must include en (English is the fallback language)"
    if kind in ("minimum", "exclusiveMinimum"):
        return f"must be at least {error.validator_value}{got}"
    if kind == "minItems":
        return f"needs at least {error.validator_value} item(s)"
    if kind == "minProperties" and value == {}:
        return "must not be empty"
    if (
        kind in ("minProperties", "maxProperties")
        and isinstance(value, dict)
        and "question" in value
    ):
        return (
            "needs exactly one operator next to question (equals, in, includes, answered, gt, ...)"
        )
    if kind == "minLength":
        return "must not be empty"
    return str(error.message)


def leaf_errors(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """For anyOf/oneOf, the errors of the alternative the author most likely meant."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    groups: dict[Any, list[jsonschema.ValidationError]] = {}
    for sub in error.context:
        groups.setdefault(sub.relative_schema_path[0], []).append(sub)

    def rank(errors: list[jsonschema.ValidationError]) -> tuple[bool, int, int]:
        # An alternative that fails on the very type of the value is not the one meant.
        wrong_type = any(e.validator == "type" and not e.relative_path for e in errors)
        return (not wrong_type, max(len(e.relative_path) for e in errors), -len(errors))

    best = max(groups.values(), key=rank)
    return [leaf for sub in best for leaf in leaf_errors(sub)]

"""Parse what a user types in the search box.

Supported: words, "quoted phrases", -exclusions (-word, -"a phrase") and field filters
(``type:incident``, ``country:FR``, ``lang:fr``, ``year:2019`` or ``year:2015-2020``,
``function:border``, ``technology:face_recognition``, ``lifecycle:…``, ``principle:…``,
``tag:…``). Words are reduced to letters and digits, so nothing a user types can inject
query-language syntax into FTS5 or tsquery.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELDS = {
    "type",
    "country",
    "lang",
    "language",
    "year",
    "function",
    "technology",
    "lifecycle",
    "principle",
    "tag",
}
_TOKEN = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S+))', re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class ParsedQuery:
    terms: list[str] = field(default_factory=list)  # single words
    phrases: list[list[str]] = field(default_factory=list)  # each a list of words
    excluded: list[list[str]] = field(default_factory=list)  # words or phrases to exclude
    filters: dict[str, list[str]] = field(default_factory=dict)
    prefix_last: bool = False  # the last word is still being typed

    @property
    def has_text(self) -> bool:
        return bool(self.terms or self.phrases)

    @property
    def text(self) -> str:
        """Plain text of the positive part, for semantic search."""
        return " ".join(self.terms + [" ".join(p) for p in self.phrases])


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def parse_query(raw: str) -> ParsedQuery:
    parsed = ParsedQuery()
    for match in _TOKEN.finditer(raw.strip()):
        negate, key, phrase, bare = match.groups()
        value = phrase if phrase is not None else (bare or "")
        if key and key.lower() in FIELDS and value:
            name = "language" if key.lower() == "lang" else key.lower()
            parsed.filters.setdefault(name, []).append(value.strip())
            continue
        if key:  # "foo:bar" that is not a field: treat as words
            value = f"{key} {value}"
        tokens = words(value)
        if not tokens:
            continue
        if negate:
            parsed.excluded.append(tokens)
        elif phrase is not None:
            parsed.phrases.append(tokens)
        else:
            parsed.terms.extend(tokens)
    # Prefix-match the last word while the user is typing it (no trailing space).
    typed = raw.lstrip()
    parsed.prefix_last = bool(parsed.terms) and bool(typed) and not typed.endswith((" ", '"'))
    return parsed


def fts5_expression(parsed: ParsedQuery) -> str:
    """An FTS5 MATCH expression: every word and phrase required, exclusions with NOT."""
    parts = [f'"{t}"' for t in parsed.terms]
    if parsed.prefix_last and parts:
        parts[-1] = parts[-1] + "*"
    parts += ['"' + " ".join(p) + '"' for p in parsed.phrases]
    expression = " AND ".join(parts)
    for excluded in parsed.excluded:
        expression += ' NOT "' + " ".join(excluded) + '"'
    return expression


def tsquery_expression(parsed: ParsedQuery) -> str:
    """A PostgreSQL to_tsquery('simple', …) expression with the same meaning."""

    def lexeme(word: str) -> str:
        return "'" + word.replace("'", "") + "'"

    parts = [lexeme(t) for t in parsed.terms]
    if parsed.prefix_last and parts:
        parts[-1] = parts[-1] + ":*"
    parts += ["(" + " <-> ".join(lexeme(w) for w in p) + ")" for p in parsed.phrases]
    parts += ["!(" + " <-> ".join(lexeme(w) for w in p) + ")" for p in parsed.excluded]
    return " & ".join(parts)

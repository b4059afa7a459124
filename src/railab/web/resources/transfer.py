"""Bulk import (CSV, JSON, BibTeX, RIS) and export (CSV, JSON, BibTeX).

Every imported row goes through :class:`EntryForm`, the same validation as the page.
An import is all or nothing: the preview lists each row's errors, and nothing is
written until every row is valid.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

import bibtexparser
import rispy
from django.db import transaction
from django.utils.translation import gettext as _

from railab.web.accounts.models import Agency, User
from railab.web.resources.forms import EntryForm
from railab.web.resources.models import Entry
from railab.web.resources.services import EntryData, entry_submit
from railab.web.resources.taxonomy import TYPE_FIELDS, VOCABULARIES

LIST_SPLIT = {"authors": "\n", "tags": ","}
COLUMNS = [
    "type",
    "title",
    "summary",
    "language",
    "year",
    "authors",
    "url",
    "doi",
    "country",
    "tags",
    *VOCABULARIES,
    "visibility",
]
DETAIL_COLUMNS = sorted({name for names in TYPE_FIELDS.values() for name in names})


class ImportFileError(ValueError):
    """The file itself cannot be read (not a row problem)."""


@dataclass
class RowResult:
    number: int
    title: str
    errors: list[str] = field(default_factory=list)
    data: EntryData | None = None
    duplicates: list[int] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[RowResult]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(not r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).replace(";", ",").split(",") if v.strip()]


def _form_data(row: dict[str, Any]) -> dict[str, Any]:
    """A raw row (any source) as the form's input."""
    data: dict[str, Any] = {}
    for key in ("type", "title", "summary", "language", "year", "url", "doi", "country"):
        value = row.get(key)
        data[key] = "" if value is None else str(value).strip()
    data["language"] = data["language"] or "en"
    data["visibility"] = str(row.get("visibility") or "public").strip()
    authors = row.get("authors")
    data["authors"] = (
        "\n".join(str(a) for a in authors)
        if isinstance(authors, list)
        else str(authors or "").replace(";", "\n")
    )
    tags = row.get("tags")
    data["tags"] = ", ".join(tags) if isinstance(tags, list) else str(tags or "")
    for vocabulary in VOCABULARIES:
        data[f"terms_{vocabulary}"] = _as_list(row.get(vocabulary))
    details = row.get("details") if isinstance(row.get("details"), dict) else {}
    for name in DETAIL_COLUMNS:
        value = details.get(name, row.get(name)) if details else row.get(name)
        if name == "binding":
            data[f"detail_{name}"] = str(value).strip().lower() in {"1", "true", "yes"}
        elif value not in (None, ""):
            data[f"detail_{name}"] = str(value)
    return data


def _read_rows(name: str, content: bytes) -> list[dict[str, Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not UTF-8 text; save it as UTF-8 and retry.")
        ) from None
    lower = name.lower()
    if lower.endswith(".json"):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                _("The JSON is malformed at line %(line)s: %(msg)s")
                % {"line": exc.lineno, "msg": exc.msg}
            ) from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ImportFileError(_("The JSON must be a list of objects, one per entry."))
        return rows
    if lower.endswith(".csv"):
        # The header names the columns, so its most frequent separator is the delimiter
        # (spreadsheets in many locales write ";" rather than ",").
        header = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=header.count)
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        if not reader.fieldnames or "title" not in reader.fieldnames:
            raise ImportFileError(
                _("The CSV has no “title” column; the first line must name the columns.")
            )
        return [dict(r) for r in reader]
    if lower.endswith(".bib"):
        library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
        if library.failed_blocks and not library.entries:
            raise ImportFileError(_("No BibTeX entry could be read from the file."))
        return [_from_bibtex(e) for e in library.entries]
    if lower.endswith(".ris"):
        try:
            records = rispy.loads(text)
        except Exception as exc:  # rispy raises plain IOError/ValueError subclasses
            raise ImportFileError(_("The RIS file cannot be read: %(e)s") % {"e": exc}) from None
        return [_from_ris(r) for r in records]
    raise ImportFileError(_("Unknown file type."))


def _from_bibtex(entry: Any) -> dict[str, Any]:
    fields = {k.lower(): v for k, v in entry.fields_dict.items()}

    def value(key: str) -> str:
        return str(fields[key].value).strip("{} ") if key in fields else ""

    authors = [a.strip() for a in value("author").replace("\n", " ").split(" and ") if a.strip()]
    return {
        "type": "research",
        "title": value("title"),
        "summary": value("abstract"),
        "year": value("year"),
        "authors": authors,
        "url": value("url"),
        "doi": value("doi"),
        "tags": value("keywords"),
        "venue": value("journal")
        or value("booktitle")
        or value("publisher")
        or value("institution"),
        "language": "en",
    }


def _from_ris(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "research",
        "title": record.get("title") or record.get("primary_title") or "",
        "summary": record.get("abstract") or "",
        "year": str(record.get("year") or record.get("publication_year") or "")[:4],
        "authors": record.get("authors") or record.get("first_authors") or [],
        "url": (record.get("urls") or [""])[0],
        "doi": record.get("doi") or "",
        "tags": record.get("keywords") or [],
        "venue": record.get("journal_name") or record.get("secondary_title") or "",
        "language": "en",
    }


def import_preview(*, name: str, content: bytes) -> ImportPreview:
    from railab.web.resources.services import find_duplicates

    rows = _read_rows(name, content)
    if not rows:
        raise ImportFileError(_("The file contains no entries."))
    if len(rows) > 5000:
        raise ImportFileError(_("At most 5,000 entries per import; split the file."))
    results: list[RowResult] = []
    for number, row in enumerate(rows, start=1):
        form = EntryForm(data=_form_data(row))
        result = RowResult(number=number, title=str(row.get("title") or "")[:200])
        if form.is_valid():
            result.data = EntryData.from_form(form)
            result.duplicates = find_duplicates(
                title=result.data.title, doi=result.data.doi, url=result.data.url
            )
        else:
            result.errors = [
                f"{form.fields[k].label if k in form.fields else k}: {' '.join(str(m) for m in v)}"
                for k, v in form.errors.items()
            ]
        results.append(result)
    return ImportPreview(results)


def import_commit(*, preview: ImportPreview, user: User, agency: Agency | None) -> list[Entry]:
    if not preview.ok:
        raise ValueError("the preview has errors; nothing was imported")
    with transaction.atomic():
        return [
            entry_submit(user=user, data=row.data, agency=agency)
            for row in preview.rows
            if row.data is not None
        ]


# --- export -------------------------------------------------------------------------


def _row(entry: Entry) -> dict[str, Any]:
    terms: dict[str, list[str]] = {v: [] for v in VOCABULARIES}
    for term in entry.terms.all():
        terms[term.vocabulary].append(term.code)
    return {
        "id": str(entry.public_id),
        "type": entry.type,
        "title": entry.title,
        "summary": entry.summary,
        "language": entry.language,
        "year": entry.year,
        "authors": list(entry.authors),
        "url": entry.url,
        "doi": entry.doi,
        "country": entry.country.code or "",
        "tags": list(entry.tags),
        **terms,
        "visibility": entry.visibility,
        "details": dict(entry.details),
    }


def export_json(entries: list[Entry]) -> str:
    return json.dumps([_row(e) for e in entries], ensure_ascii=False, indent=2)


def export_csv(entries: list[Entry]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", *COLUMNS, *DETAIL_COLUMNS])
    writer.writeheader()
    for entry in entries:
        row = _row(entry)
        details = row.pop("details")
        flat = {
            k: ("; ".join(v) if isinstance(v, list) else v)
            for k, v in row.items()
            if k != "details"
        }
        flat.update({k: details.get(k, "") for k in DETAIL_COLUMNS})
        writer.writerow(flat)
    return out.getvalue()


def _bib_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")


def export_bibtex(entries: list[Entry]) -> str:
    blocks = []
    for entry in entries:
        key = f"railab{str(entry.public_id).split('-')[0]}"
        fields = {
            "title": entry.title,
            "author": " and ".join(entry.authors),
            "year": str(entry.year or ""),
            "doi": entry.doi,
            "url": entry.url,
            "abstract": entry.summary,
            "keywords": ", ".join(entry.tags),
            "note": entry.get_type_display(),
        }
        venue = entry.details.get("venue") or entry.details.get("issuer")
        if venue:
            fields["howpublished"] = venue
        body = ",\n".join(
            f"  {name} = {{{_bib_escape(str(value))}}}" for name, value in fields.items() if value
        )
        blocks.append(f"@misc{{{key},\n{body}\n}}")
    return "\n\n".join(blocks) + "\n"

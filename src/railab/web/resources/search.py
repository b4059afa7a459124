"""Search the resource bank: filters, full text, semantic, fused by reciprocal rank.

Visibility is applied first, to a base queryset that every later step (matching,
ranking, counting, facets) works within, so no count or facet can reveal a hidden entry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from railab.web.accounts.models import User
from railab.web.resources import fulltext, semantic
from railab.web.resources.models import Entry
from railab.web.resources.query import ParsedQuery, parse_query
from railab.web.resources.selectors import entries_visible_to
from railab.web.resources.taxonomy import VOCABULARIES, EntryType

Sort = Literal["relevance", "newest", "oldest", "title"]
RRF_K = 60
CANDIDATES = 200  # per list, before fusion
# Without a text query, "relevance" means the newest publications first.
ORDERINGS: dict[str, list[str]] = {
    "newest": ["-year", "-id"],
    "oldest": ["year", "id"],
    "title": ["title", "id"],
    "relevance": ["-published_at", "-id"],
}


@dataclass
class Facet:
    name: str
    values: list[tuple[str, str, int, bool]]  # code, label, count, selected


@dataclass
class SearchResult:
    entries: list[Entry]
    total: int
    page: int
    page_size: int
    facets: list[Facet]
    snippets: dict[int, SafeString]
    mode: Literal["browse", "fulltext", "hybrid"]
    semantic_available: bool
    parsed: ParsedQuery
    notes: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _apply_filters(qs: QuerySet[Entry], filters: dict[str, list[str]]) -> QuerySet[Entry]:
    for name, values in filters.items():
        values = [v for v in values if v]
        if not values:
            continue
        if name == "type":
            qs = qs.filter(type__in=values)
        elif name == "country":
            qs = qs.filter(country__in=[v.upper() for v in values])
        elif name == "language":
            qs = qs.filter(language__in=[v.lower() for v in values])
        elif name == "year":
            years = Q()
            for value in values:
                match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", value)
                if match:
                    low = int(match.group(1))
                    high = int(match.group(2) or low)
                    years |= Q(year__gte=low, year__lte=high)
            qs = qs.filter(years) if years else qs.none()
        elif name == "tag":
            tag_q = Q()
            for value in values:
                tag_q |= Q(tags__icontains=value)
            qs = qs.filter(tag_q)
        elif name in VOCABULARIES:
            # Several values of one vocabulary: any of them (OR); vocabularies combine (AND).
            qs = qs.filter(
                id__in=Entry.terms.through.objects.filter(
                    term__vocabulary=name, term__code__in=values
                ).values("entry_id")
            )
    return qs


def _facets(qs: QuerySet[Entry], filters: dict[str, list[str]]) -> list[Facet]:
    ids = qs.order_by().values("id")
    facets: list[Facet] = []
    type_counts = dict(qs.order_by().values_list("type").annotate(n=Count("id")))
    facets.append(
        Facet(
            "type",
            [
                (code, str(label), type_counts[code], code in filters.get("type", []))
                for code, label in EntryType.choices
                if type_counts.get(code)
            ],
        )
    )
    term_counts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    rows = (
        Entry.terms.through.objects.filter(entry_id__in=ids)
        .values_list("term__vocabulary", "term__code")
        .annotate(n=Count("entry_id"))
        .order_by("-n")
    )
    for vocabulary, code, n in rows:
        term_counts[vocabulary].append((code, n))
    for vocabulary, choices in VOCABULARIES.items():
        selected = filters.get(vocabulary, [])
        labels = dict(choices.choices)
        facets.append(
            Facet(
                vocabulary,
                [(c, str(labels.get(c, c)), n, c in selected) for c, n in term_counts[vocabulary]],
            )
        )
    from django_countries import countries

    country_counts = (
        qs.exclude(country="").order_by().values_list("country").annotate(n=Count("id"))
    )
    facets.append(
        Facet(
            "country",
            sorted(
                (
                    (c, str(countries.name(c)), n, c in filters.get("country", []))
                    for c, n in country_counts
                ),
                key=lambda v: -v[2],
            ),
        )
    )
    language_counts = qs.order_by().values_list("language").annotate(n=Count("id"))
    facets.append(
        Facet(
            "language",
            sorted(
                (
                    (code, code, n, code in filters.get("language", []))
                    for code, n in language_counts
                ),
                key=lambda v: -v[2],
            ),
        )
    )
    return facets


def _mark(text: str) -> SafeString:
    """Escape first, then turn the snippet markers into <mark> (user text stays inert)."""
    return mark_safe(  # noqa: S308  (escaped just before)
        escape(text).replace(fulltext.START, "<mark>").replace(fulltext.STOP, "</mark>")
    )


def search(
    *,
    user: User | AnonymousUser,
    query: str = "",
    filters: dict[str, list[str]] | None = None,
    sort: Sort = "relevance",
    page: int = 1,
    page_size: int = 20,
    semantic_search: bool = True,
    with_facets: bool = True,
) -> SearchResult:
    parsed = parse_query(query)
    merged: dict[str, list[str]] = defaultdict(list)
    for source in (parsed.filters, filters or {}):
        for name, values in source.items():
            merged[name].extend(values)
    base = _apply_filters(entries_visible_to(user), merged)
    excluded = fulltext.exclusion_subquery(parsed)
    if excluded is not None:
        base = base.exclude(id__in=excluded)

    page = max(1, page)
    offset = (page - 1) * page_size
    notes: list[str] = []
    use_semantic = semantic_search and parsed.has_text and semantic.available()
    matched = base
    facet_base = base
    ordered_ids: list[int]
    mode: Literal["browse", "fulltext", "hybrid"]
    if not parsed.has_text:
        mode = "browse"
        total = base.count()
        ordered_ids = list(
            base.order_by(*ORDERINGS[sort]).values_list("id", flat=True)[
                offset : offset + page_size
            ]
        )
    else:
        match = fulltext.match_subquery(parsed)
        assert match is not None
        matched = facet_base = base.filter(id__in=match)
        if use_semantic:
            mode = "hybrid"
            fts_ids = fulltext.ranked_ids(parsed, base, limit=CANDIDATES)
            allowed = np.fromiter(base.values_list("id", flat=True), dtype=np.int64)
            vector = semantic.encode([parsed.text])[0]
            semantic_hits = semantic.nearest(
                query_vector=vector, allowed_ids=allowed, limit=CANDIDATES
            )
            fused: dict[int, float] = defaultdict(float)
            for rank, entry_id in enumerate(fts_ids):
                fused[entry_id] += 1.0 / (RRF_K + rank + 1)
            for rank, (entry_id, score) in enumerate(semantic_hits):
                if score > 0.2:  # beyond this, "nearest" is noise
                    fused[entry_id] += 1.0 / (RRF_K + rank + 1)
            ranking = sorted(fused, key=lambda i: (-fused[i], -i))
            total = len(ranking)
            ordered_ids = ranking[offset : offset + page_size]
            facet_base = base.filter(id__in=ranking)
            if sort != "relevance":
                notes.append("sorted by relevance (hybrid search)")
        else:
            mode = "fulltext"
            total = matched.count()
            if sort == "relevance":
                ordered_ids = fulltext.ranked_ids(parsed, base, limit=page_size, offset=offset)
            else:
                ordered_ids = list(
                    matched.order_by(*ORDERINGS[sort]).values_list("id", flat=True)[
                        offset : offset + page_size
                    ]
                )
    by_id = {e.pk: e for e in Entry.objects.filter(id__in=ordered_ids).prefetch_related("terms")}
    entries = [by_id[i] for i in ordered_ids if i in by_id]
    raw_snippets = fulltext.snippets(parsed, [e.pk for e in entries])
    return SearchResult(
        entries=entries,
        total=total,
        page=page,
        page_size=page_size,
        facets=_facets(facet_base, merged) if with_facets else [],
        snippets={k: _mark(v) for k, v in raw_snippets.items()},
        mode=mode,
        semantic_available=semantic.available(),
        parsed=parsed,
        notes=notes,
    )


def related_entries(*, user: User | AnonymousUser, entry: Entry, limit: int = 5) -> list[Entry]:
    """Entries like this one: semantic neighbours when available, else shared terms."""
    visible = entries_visible_to(user).exclude(pk=entry.pk)
    if semantic.available():
        allowed = np.fromiter(visible.values_list("id", flat=True), dtype=np.int64)
        hits = semantic.related(entry=entry, allowed_ids=allowed, limit=limit)
        if hits:
            by_id = {e.pk: e for e in Entry.objects.filter(id__in=[h[0] for h in hits])}
            return [by_id[h[0]] for h in hits if h[0] in by_id]
    term_ids = list(entry.terms.values_list("id", flat=True))
    return list(
        visible.filter(terms__in=term_ids)
        .annotate(shared=Count("terms"))
        .order_by("-shared", "-year", "-id")[:limit]
    )

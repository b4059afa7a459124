"""Search the resource bank: filters, full text, semantic, fused by reciprocal rank.

Visibility is applied first, to a base queryset that every later step (matching,
ranking, counting, facets) works within, so no count or facet can reveal a hidden entry.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from railab.web.accounts.models import Membership, User
from railab.web.core.tenancy import visible_q
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


def _counts(qs: QuerySet[Entry], *, rows: list[fulltext.Row] | None) -> list[Counter[str]]:
    """Counts by type, country and language: from rows already fetched (one pass over a
    full-text match), or with GROUP BY in the database (browsing, no text)."""
    if rows is not None:
        return [
            Counter(r[1] for r in rows),
            Counter(r[2] for r in rows),
            Counter(r[3] for r in rows),
        ]
    plain = qs.order_by()
    return [
        Counter(dict(plain.values_list(field).annotate(n=Count("id"))))
        for field in ("type", "country", "language")
    ]


def _facets(
    qs: QuerySet[Entry],
    filters: dict[str, list[str]],
    *,
    rows: list[fulltext.Row] | None = None,
) -> list[Facet]:
    from django_countries import countries

    type_counts, country_counts, language_counts = _counts(qs, rows=rows)
    country_counts.pop("", None)

    def selected(name: str, code: str) -> bool:
        return code in filters.get(name, [])

    facets = [
        Facet(
            "type",
            [
                (code, str(label), type_counts[code], selected("type", code))
                for code, label in EntryType.choices
                if type_counts.get(code)
            ],
        )
    ]
    term_counts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    term_rows: list[tuple[str, str, int]]
    if rows is not None:
        counted = Counter(key for r in rows for key in r[6].split())
        term_rows = [(*key.split(":", 1), n) for key, n in counted.most_common()]  # type: ignore[misc]
    else:
        term_rows = list(
            Entry.terms.through.objects.filter(entry_id__in=qs.order_by().values("id"))
            .values_list("term__vocabulary", "term__code")
            .annotate(n=Count("entry_id"))
            .order_by("-n")
        )
    for vocabulary, code, n in term_rows:
        term_counts[vocabulary].append((code, n))
    for vocabulary, choices in VOCABULARIES.items():
        labels = dict(choices.choices)
        facets.append(
            Facet(
                vocabulary,
                [
                    (c, str(labels.get(c, c)), n, selected(vocabulary, c))
                    for c, n in term_counts[vocabulary]
                ],
            )
        )
    facets.append(
        Facet(
            "country",
            [
                (c, str(countries.name(c)), n, selected("country", c))
                for c, n in country_counts.most_common()
            ],
        )
    )
    facets.append(
        Facet(
            "language",
            [(c, c, n, selected("language", c)) for c, n in language_counts.most_common()],
        )
    )
    return facets


def _browse_facets(
    user: User | AnonymousUser,
    base: QuerySet[Entry],
    filters: dict[str, list[str]],
    *,
    total: int,
) -> list[Facet]:
    """Facets of browsing (no text) are the same for everyone who sees the same entries:
    cache them until an entry changes (counting 100,000 rows takes a few hundred ms)."""
    # Index-backed maxima plus the visible count already computed: a change, an addition
    # or a removal of a visible entry changes the key.
    version = (total, *Entry.objects.aggregate(last=Max("updated_at"), top=Max("id")).values())
    agencies: list[int] = []
    if user.is_authenticated:
        agencies = sorted(Membership.objects.filter(user=user).values_list("agency_id", flat=True))
    key = (
        "resources:facets:"
        + hashlib.sha256(
            repr(
                (visible_q(user), agencies, sorted(filters.items()), version, get_language())
            ).encode()
        ).hexdigest()
    )
    facets: list[Facet] | None = cache.get(key)
    if facets is None:
        facets = _facets(base, filters)
        cache.set(key, facets, timeout=3600)
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
    facet_base = base
    facet_rows: list[fulltext.Row] | None = None
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
        facet_base = base.filter(id__in=match)
        if use_semantic:
            mode = "hybrid"
            fts_ids = fulltext.ranked_ids(parsed, base, limit=CANDIDATES)
            vector = semantic.encode([parsed.text])[0]
            semantic_hits = semantic.nearest(
                query_vector=vector, allowed=_allowed_in(base), limit=CANDIDATES
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
            facet_base = base.filter(id__in=fulltext.ids_subquery(ranking))
            if sort != "relevance":
                notes.append("sorted by relevance (hybrid search)")
        else:
            mode = "fulltext"
            facet_rows = fulltext.ranked_rows(parsed, base, with_title=sort == "title")
            total = len(facet_rows)
            if sort == "newest":
                facet_rows.sort(key=lambda r: (-(r[4] or 0), -r[0]))
            elif sort == "oldest":
                facet_rows.sort(key=lambda r: (r[4] or 9999, r[0]))
            elif sort == "title":
                facet_rows.sort(key=lambda r: (r[5].lower(), r[0]))
            ordered_ids = [r[0] for r in facet_rows[offset : offset + page_size]]
            facet_base = Entry.objects.filter(
                id__in=fulltext.ids_subquery([r[0] for r in facet_rows])
            )
    by_id = {e.pk: e for e in Entry.objects.filter(id__in=ordered_ids).prefetch_related("terms")}
    entries = [by_id[i] for i in ordered_ids if i in by_id]
    raw_snippets = fulltext.snippets(parsed, [e.pk for e in entries])
    return SearchResult(
        entries=entries,
        total=total,
        page=page,
        page_size=page_size,
        facets=(
            (
                _browse_facets(user, base, merged, total=total)
                if mode == "browse"
                else _facets(facet_base, merged, rows=facet_rows)
            )
            if with_facets
            else []
        ),
        snippets={k: _mark(v) for k, v in raw_snippets.items()},
        mode=mode,
        semantic_available=semantic.available(),
        parsed=parsed,
        notes=notes,
    )


def _allowed_in(base: QuerySet[Entry]) -> Callable[[list[int]], set[int]]:
    def allowed(ids: list[int]) -> set[int]:
        if not ids:
            return set()
        return set(base.filter(id__in=fulltext.ids_subquery(ids)).values_list("id", flat=True))

    return allowed


def related_entries(*, user: User | AnonymousUser, entry: Entry, limit: int = 5) -> list[Entry]:
    """Entries like this one: semantic neighbours when available, else shared terms."""
    visible = entries_visible_to(user).exclude(pk=entry.pk)
    if semantic.available():
        hits = semantic.related(entry=entry, allowed=_allowed_in(visible), limit=limit)
        if hits:
            by_id = {e.pk: e for e in Entry.objects.filter(id__in=[h[0] for h in hits])}
            return [by_id[h[0]] for h in hits if h[0] in by_id]
    term_ids = list(entry.terms.values_list("id", flat=True))
    return list(
        visible.filter(terms__in=term_ids)
        .annotate(shared=Count("terms"))
        .order_by("-shared", "-year", "-id")[:limit]
    )

"""Semantic search with the real embedding model (the [semantic] extra)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from railab.web.resources import semantic
from railab.web.resources.models import Entry, EntryEmbedding
from railab.web.resources.search import related_entries, search

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not semantic.available(), reason="install the [semantic] extra"),
]


@pytest.fixture
def embedded(corpus: dict[str, Entry]) -> dict[str, Entry]:
    assert semantic.embed_entries([e.pk for e in corpus.values()]) == len(corpus)
    return corpus


def test_embeddings_are_stored_once(embedded: dict[str, Entry]) -> None:
    assert EntryEmbedding.objects.count() == len(embedded)
    assert semantic.embed_entries([e.pk for e in embedded.values()]) == 0  # unchanged texts


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # No word in common with the expected entry's text: only meaning links them.
        ("algorithm that forecasts where crime will happen", "lum-isaac"),
        ("synthetic manipulated video detection benchmark", "deepfake"),
        ("innocent person jailed after software identified him", "williams"),
    ],
)
def test_semantic_finds_by_meaning(embedded: dict[str, Entry], query: str, expected: str) -> None:
    result = search(user=AnonymousUser(), query=query + " ")
    assert result.mode == "hybrid"
    top = [e.source_key.removeprefix("test:") for e in result.entries[:3]]
    assert expected in top, top


def test_hybrid_keeps_exact_matches_on_top(embedded: dict[str, Entry]) -> None:
    result = search(user=AnonymousUser(), query='"Gender Shades" ')
    assert result.entries[0].source_key == "test:gender-shades"


def test_related_entries(embedded: dict[str, Entry]) -> None:
    related = related_entries(user=AnonymousUser(), entry=embedded["frvt"], limit=3)
    keys = {e.source_key.removeprefix("test:") for e in related}
    assert keys & {"gender-shades", "williams", "bridges", "cnil"}
    assert "frvt" not in keys


def test_semantic_never_returns_hidden_entries(embedded: dict[str, Entry], world) -> None:
    hidden = embedded["williams"]
    Entry.objects.filter(pk=hidden.pk).update(visibility="agency", agency=world.agency)
    result = search(user=AnonymousUser(), query="innocent person jailed after software ")
    assert hidden.pk not in [e.pk for e in result.entries]
    assert hidden.pk in [
        e.pk for e in search(user=world.viewer, query="innocent person jailed ").entries
    ]

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from railab.web.core.tenancy import Visibility
from railab.web.resources import semantic
from railab.web.resources.models import Entry
from railab.web.resources.search import search
from tests.conftest import World
from tests.web.resources.conftest import make_entry


@pytest.fixture(autouse=True)
def _fulltext_only():
    """Relevance of the full-text index alone (semantic search has its own tests)."""
    with mock.patch.object(semantic, "available", return_value=False):
        yield


def _titles(result) -> list[str]:
    return [e.source_key.removeprefix("test:") for e in result.entries]


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("demographic effects", "frvt"),
        ("recidivism risk", "machine-bias"),
        ('"live facial recognition"', "bridges"),
        ("wrongful arrest", "williams"),
        ("reconnaissance faciale", "cnil"),
        ("predictive policing patrols", "lum-isaac"),
        ("deepfake", "deepfake"),
        ("money laundering", "aml"),
        ("Gender Shades", "gender-shades"),
    ],
)
def test_relevance(corpus: dict[str, Entry], query: str, expected_first: str) -> None:
    result = search(user=AnonymousUser(), query=query + " ")
    assert result.mode == "fulltext"
    assert _titles(result)[0] == expected_first


def test_title_matches_rank_above_summary_matches(corpus: dict[str, Entry]) -> None:
    result = search(user=AnonymousUser(), query="face recognition ")
    titles = _titles(result)
    assert titles.index("frvt") < titles.index("williams")


def test_exclusion_and_filters(corpus: dict[str, Entry]) -> None:
    everything = search(user=AnonymousUser(), query="face ")
    assert "williams" in _titles(everything)
    assert "williams" not in _titles(search(user=AnonymousUser(), query="face -arrest"))
    incidents = search(user=AnonymousUser(), query="face type:incident")
    assert _titles(incidents) == ["williams"]
    assert _titles(search(user=AnonymousUser(), query="country:FR")) == ["cnil"]
    years = search(user=AnonymousUser(), query="year:2019-2019", sort="title")
    assert sorted(_titles(years)) == ["cnil", "deepfake", "frvt"]
    only_exclusion = search(user=AnonymousUser(), query="-face")
    assert "frvt" not in _titles(only_exclusion)
    assert "machine-bias" in _titles(only_exclusion)


def test_prefix_search_as_you_type(corpus: dict[str, Entry]) -> None:
    assert "machine-bias" in _titles(search(user=AnonymousUser(), query="recidiv"))


def test_snippets_are_marked_and_escaped(corpus: dict[str, Entry], world: World) -> None:
    make_entry(
        "aml",
        source_key="test:xss",
        title="Script test",
        summary="An <script>alert(1)</script> laundering detector.",
    )
    result = search(user=AnonymousUser(), query="laundering ")
    snippets = "".join(result.snippets.values())
    assert "<mark>laundering</mark>" in snippets
    assert "<script" not in snippets
    if connection.vendor == "sqlite":  # PostgreSQL's headline drops tags altogether
        assert "&lt;script&gt;" in snippets


def test_facets_count_the_results(corpus: dict[str, Entry]) -> None:
    result = search(user=AnonymousUser(), query="face ")
    facets = {f.name: {code: n for code, _, n, _ in f.values} for f in result.facets}
    with_face = [
        e for e in result.entries if any(t.code == "face_recognition" for t in e.terms.all())
    ]
    assert facets["technology"]["face_recognition"] == len(with_face)
    assert sum(facets["type"].values()) == result.total


def test_hidden_entries_leak_through_nothing(corpus: dict[str, Entry], world: World) -> None:
    """Not the results, nor the count, nor a facet count."""
    make_entry(
        "williams",
        source_key="test:secret",
        title="Zanzibarian covert pilot",
        summary="Zanzibarian internal evaluation.",
        visibility=Visibility.AGENCY,
        agency=world.agency,
        type="evaluation",
    )
    make_entry(
        "aml",
        source_key="test:le",
        title="Zanzibarian restricted note",
        summary="Zanzibarian note for police only.",
        visibility=Visibility.LAW_ENFORCEMENT,
        type="guidance",
    )

    def seen(user) -> tuple[int, dict[str, int]]:
        result = search(user=user, query="zanzibarian ")
        facets = {code: n for f in result.facets if f.name == "type" for code, _, n, _ in f.values}
        browse = search(user=user, query="")
        browse_types = {
            code: n for f in browse.facets if f.name == "type" for code, _, n, _ in f.values
        }
        assert browse.total == sum(browse_types.values())
        return result.total, facets

    assert seen(AnonymousUser()) == (0, {})
    assert seen(world.other_viewer) == (1, {"guidance": 1})
    assert seen(world.viewer) == (2, {"guidance": 1, "evaluation": 1})
    anonymous_browse = search(user=AnonymousUser(), query="")
    assert anonymous_browse.total == len(corpus)


def test_sort_and_pages(corpus: dict[str, Entry]) -> None:
    newest = search(user=AnonymousUser(), query="", sort="newest", page_size=3)
    assert newest.entries[0].year == 2024
    assert newest.pages == 4
    last = search(user=AnonymousUser(), query="", sort="newest", page=4, page_size=3)
    assert len(last.entries) == 1

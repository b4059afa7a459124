"""The shipped demo corpus: valid, broad, idempotent, and searchable."""

from __future__ import annotations

from collections import Counter
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django_countries import countries

from railab.web.resources import semantic
from railab.web.resources.models import Entry
from railab.web.resources.search import search
from railab.web.resources.seed import seed_records, seed_resources
from railab.web.resources.taxonomy import TYPE_FIELDS, VOCABULARIES, EntryType

RECORDS = seed_records()


def test_corpus_is_large_and_broad() -> None:
    assert len(RECORDS) >= 150
    keys = [r["key"] for r in RECORDS]
    assert len(keys) == len(set(keys))
    types = Counter(r["type"] for r in RECORDS)
    assert set(types) == set(EntryType.values)
    languages = Counter(r["language"] for r in RECORDS)
    assert {"en", "fr", "es", "ar"} <= set(languages)
    assert len({r["country"] for r in RECORDS if r["country"]}) >= 20


@pytest.mark.parametrize("record", RECORDS, ids=[r["key"] for r in RECORDS])
def test_each_record_is_valid(record: dict) -> None:
    assert record["title"].strip()
    assert record["summary"].strip()
    assert set(record["details"]) <= set(TYPE_FIELDS[record["type"]])
    for vocabulary, choices in VOCABULARIES.items():
        assert set(record.get(vocabulary) or []) <= set(choices.values), vocabulary
    if record["country"]:
        assert record["country"] in dict(countries)
    assert record["visibility"] in {"public", "law_enforcement"}


@pytest.mark.slow
def test_seed_is_idempotent_and_searchable(db: None) -> None:
    created = seed_resources()
    assert created == len(RECORDS)
    assert seed_resources() == 0
    assert Entry.objects.count() == len(RECORDS)
    with mock.patch.object(semantic, "available", return_value=False):
        for query, expected_key in [
            ("Bridges South Wales ", "bridges-v-south-wales-police-2020"),
            ("demographic effects ", "nist-frvt-demographics-2019"),
            ("Gender Shades ", "gender-shades-2018"),
            ("SyRI ", "syri-judgment-hague-district-court-2020"),
            ("caméras augmentées ", "cnil-cameras-augmentees-2022"),
            ("Robert Williams ", "robert-williams-detroit-wrongful-arrest-2020"),
            ("2024/1689 ", "eu-ai-act-2024"),
        ]:
            result = search(user=AnonymousUser(), query=query)
            assert result.entries, query
            assert result.entries[0].source_key == f"seed:{expected_key}", query
        public = search(user=AnonymousUser(), query="")
        assert public.total == sum(1 for r in RECORDS if r["visibility"] == "public")

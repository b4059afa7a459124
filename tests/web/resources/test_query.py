from __future__ import annotations

import pytest

from railab.web.resources.query import fts5_expression, parse_query, tsquery_expression


def test_words_phrases_exclusions_and_fields() -> None:
    parsed = parse_query('face "live facial recognition" -retail type:incident country:fr lang:en ')
    assert parsed.terms == ["face"]
    assert parsed.phrases == [["live", "facial", "recognition"]]
    assert parsed.excluded == [["retail"]]
    assert parsed.filters == {"type": ["incident"], "country": ["fr"], "language": ["en"]}
    assert not parsed.prefix_last
    assert fts5_expression(parsed) == '"face" AND "live facial recognition" NOT "retail"'
    assert (
        tsquery_expression(parsed)
        == "'face' & ('live' <-> 'facial' <-> 'recognition') & !('retail')"
    )


def test_last_word_is_a_prefix_while_typing() -> None:
    parsed = parse_query("face recog")
    assert parsed.prefix_last
    assert fts5_expression(parsed) == '"face" AND "recog"*'
    assert tsquery_expression(parsed) == "'face' & 'recog':*"


@pytest.mark.parametrize(
    "hostile",
    ['"unterminated', "NEAR(a b)", "a OR b*", "col:value", "'; DROP TABLE x; --", "^*&!()<->:"],
)
def test_nothing_typed_reaches_the_query_language(hostile: str) -> None:
    parsed = parse_query(hostile)
    expression = fts5_expression(parsed)
    for word in parsed.terms + [w for p in parsed.phrases for w in p]:
        assert word.isalnum() or "_" in word
    assert ";" not in expression
    assert "'" not in "".join(parsed.terms)


def test_unknown_field_is_treated_as_words() -> None:
    assert parse_query("foo:bar").terms == ["foo", "bar"]

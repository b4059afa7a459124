"""An instrument in memory: frozen dataclasses built from a validated YAML document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "LANGUAGES",
    "Condition",
    "Escalation",
    "Instrument",
    "Level",
    "Migration",
    "Mitigation",
    "Option",
    "Principle",
    "Question",
    "QuestionType",
    "Recommendation",
    "Requirement",
    "RiskMatrix",
    "Section",
    "Text",
    "text_direction",
]

#: The lab's working languages; English is the fallback for a missing translation.
LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ar")
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})

QuestionType = Literal[
    "single_choice",
    "multiple_choice",
    "scale",
    "yes_no_unknown",
    "text",
    "number",
    "date",
    "evidence",
    "table",
    "risk",
]
#: A condition as written in the instrument: ``{"question": id, "<operator>": value}`` or
#: ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}``; recommendations also use
#: ``{"level": [...]}`` with an optional ``section``, ``principle`` or ``risk``.
Condition = Mapping[str, Any]


def text_direction(lang: str) -> Literal["ltr", "rtl"]:
    """Writing direction of a language.

    Examples
    --------
    >>> text_direction("ar"), text_direction("fr")
    ('rtl', 'ltr')
    """
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class Text:
    """A user-facing text in several languages.

    Examples
    --------
    >>> t = Text({"en": "Yes", "fr": "Oui"})
    >>> t.get("fr"), t.get("es")
    ('Oui', 'Yes')
    """

    values: Mapping[str, str]

    def get(self, lang: str = "en") -> str:
        """The text in ``lang``, or in English when there is no translation."""
        return self.values.get(lang) or self.values["en"]


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    score: float | None = None
    help: Text | None = None
    exclusive: bool = False


@dataclass(frozen=True)
class Mitigation:
    id: str
    label: Text
    likelihood: int = 0
    impact: int = 0
    when: Condition | None = None


@dataclass(frozen=True)
class Question:
    """One question; fields that do not apply to its type keep their defaults."""

    id: str
    type: QuestionType
    title: Text
    section: str = ""
    index: int = 0
    help: Text | None = None
    required: bool = True
    weight: float = 1.0
    principles: tuple[str, ...] = ()
    show_if: Condition | None = None
    options: tuple[Option, ...] = ()
    max_score: float | None = None
    scale_min: int = 0
    scale_max: int = 0
    min_label: Text | None = None
    max_label: Text | None = None
    reverse: bool = False
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    columns: tuple[Question, ...] = ()
    min_rows: int = 0
    max_rows: int | None = None
    media_types: tuple[str, ...] = ()
    max_size_mb: float = 20.0
    max_files: int = 10
    mitigations: tuple[Mitigation, ...] = ()
    prefill_from: tuple[str, str] | None = None

    @property
    def scored(self) -> bool:
        """Whether answers count in scores: scales, and choices with scored options."""
        if self.weight <= 0:
            return False
        if self.type == "scale":
            return True
        choices = ("single_choice", "multiple_choice", "yes_no_unknown")
        return self.type in choices and any(o.score is not None for o in self.options)

    def option(self, value: str) -> Option | None:
        """The option with this value, if any."""
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    questions: tuple[Question, ...]
    description: Text | None = None
    principles: tuple[str, ...] = ()
    weight: float = 1.0
    show_if: Condition | None = None


@dataclass(frozen=True)
class Principle:
    id: str
    title: Text
    description: Text | None = None


@dataclass(frozen=True)
class Level:
    id: str
    label: Text
    colour: str
    min: float
    description: Text | None = None


@dataclass(frozen=True)
class Escalation:
    id: str
    when: Condition
    level: str
    reason: Text


@dataclass(frozen=True)
class RiskMatrix:
    likelihood: tuple[Text, ...]
    impact: tuple[Text, ...]
    cells: tuple[tuple[str, ...], ...] | None = None


@dataclass(frozen=True)
class Recommendation:
    id: str
    when: Condition
    text: Text
    priority: Literal["high", "medium", "low"] = "medium"
    section: str | None = None


@dataclass(frozen=True)
class Requirement:
    id: str
    levels: tuple[str, ...]
    text: Text
    when: Condition | None = None


@dataclass(frozen=True)
class Migration:
    """How answers to version ``from_version`` become answers to ``to_version``."""

    from_version: int
    to_version: int
    renamed: Mapping[str, str] = field(default_factory=dict)
    split: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    values: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class Instrument:
    """A validated instrument; build one with :func:`railab.toolkit.load_instrument`."""

    id: str
    version: int
    title: Text
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    description: Text | None = None
    subject: Literal["agency", "use_case"] | None = None
    principles: tuple[Principle, ...] = ()
    method: Literal["weighted_average", "weighted_sum"] = "weighted_average"
    weakest: int = 3
    risk_matrix: RiskMatrix | None = None
    levels: tuple[Level, ...] = ()
    level_basis: Literal["score", "risk"] = "score"
    higher_is_better: bool = True
    escalations: tuple[Escalation, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    migrations: tuple[Migration, ...] = ()
    source: str = "<instrument>"
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question, in the order of the document."""
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, question_id: str) -> Question:
        """The question with this id (``KeyError`` naming the id if there is none)."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"instrument {self.id!r} has no question {question_id!r}")

    def level(self, level_id: str) -> Level:
        """The level with this id."""
        for lv in self.levels:
            if lv.id == level_id:
                return lv
        raise KeyError(f"instrument {self.id!r} has no level {level_id!r}")

    def text(self, key: str, lang: str = "en") -> str:
        """A user-facing text by key, in ``lang`` with English as the fallback.

        Keys are ``title``, ``description``, ``<id>.title``, ``<id>.help``,
        ``<id>.description``, ``<question>.option.<value>``, ``<question>.mitigation.<id>``,
        ``<recommendation or requirement>`` (its text), ``level.<id>``, ``escalation.<id>``,
        ``likelihood.<step>`` and ``impact.<step>`` (steps from 1).

        Examples
        --------
        >>> from railab.toolkit import load_shipped
        >>> risk = load_shipped("risk-assessment")
        >>> risk.text("title", "fr")
        "Évaluation des risques d'un cas d'usage de l'IA"
        >>> risk.text("oversight_review_every.option.yes", "es"), risk.text("level.high", "ar")
        ('Sí', 'مرتفع')
        """
        found = self._texts().get(key)
        if found is None:
            raise KeyError(f"instrument {self.id!r} has no text {key!r}")
        return found.get(lang)

    def _texts(self) -> dict[str, Text]:
        cached: dict[str, Text] | None = self.__dict__.get("_text_cache")
        if cached is not None:
            return cached
        texts: dict[str, Text] = {"title": self.title}
        if self.description is not None:
            texts["description"] = self.description
        for p in self.principles:
            texts[f"{p.id}.title"] = p.title
            if p.description is not None:
                texts[f"{p.id}.description"] = p.description
        for s in self.sections:
            texts[f"{s.id}.title"] = s.title
            if s.description is not None:
                texts[f"{s.id}.description"] = s.description
            for q in s.questions:
                texts[f"{q.id}.title"] = q.title
                if q.help is not None:
                    texts[f"{q.id}.help"] = q.help
                for o in q.options:
                    texts[f"{q.id}.option.{o.value}"] = o.label
                for m in q.mitigations:
                    texts[f"{q.id}.mitigation.{m.id}"] = m.label
                for c in q.columns:
                    texts[f"{q.id}.column.{c.id}"] = c.title
                if q.min_label is not None:
                    texts[f"{q.id}.min_label"] = q.min_label
                if q.max_label is not None:
                    texts[f"{q.id}.max_label"] = q.max_label
        for lv in self.levels:
            texts[f"level.{lv.id}"] = lv.label
        for e in self.escalations:
            texts[f"escalation.{e.id}"] = e.reason
        for r in self.recommendations:
            texts[r.id] = r.text
        for req in self.requirements:
            texts[req.id] = req.text
        if self.risk_matrix is not None:
            for i, t in enumerate(self.risk_matrix.likelihood, start=1):
                texts[f"likelihood.{i}"] = t
            for i, t in enumerate(self.risk_matrix.impact, start=1):
                texts[f"impact.{i}"] = t
        # Frozen dataclass: cache through __dict__, which is what functools.cached_property does.
        self.__dict__["_text_cache"] = texts
        return texts

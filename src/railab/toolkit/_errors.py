"""The exceptions users of :mod:`railab.toolkit` see for bad input."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AnswersError", "InstrumentError", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One problem in an instrument file: where it is, which field, what to do.

    Examples
    --------
    >>> str(Problem("x.yaml", 3, 'question "q1"', "help is missing; add help: {en: ...}"))
    'x.yaml:3: question "q1": help is missing; add help: {en: ...}'
    """

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class InstrumentError(ValueError):
    """An instrument file is malformed or inconsistent; ``problems`` lists every finding.

    The message has one line per problem, each ``file:line: field: problem and fix``.

    Examples
    --------
    >>> err = InstrumentError([Problem("a.yaml", 2, "id", "must be a slug, got 'A B'")])
    >>> print(err)
    a.yaml:2: id: must be a slug, got 'A B'
    >>> err.problems[0].line
    2
    """

    __module__ = "railab.toolkit"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class AnswersError(ValueError):
    """An answers document cannot be used with an instrument; the message says why and the fix.

    Examples
    --------
    >>> raise AnswersError("answers are for instrument 'fria'; this instrument is 'readiness'")
    Traceback (most recent call last):
    ...
    railab.toolkit.AnswersError: answers are for instrument 'fria'; this instrument is 'readiness'
    """

    __module__ = "railab.toolkit"

"""The one exception users of :mod:`railab.audit` see for bad input."""

from __future__ import annotations

__all__ = ["AuditInputError"]


class AuditInputError(ValueError):
    """Bad input to an audit: the message is one line naming the problem and the fix.

    Examples
    --------
    >>> raise AuditInputError("column `label` not found; columns are: y, g")
    Traceback (most recent call last):
    ...
    railab.audit.AuditInputError: column `label` not found; columns are: y, g
    """

    __module__ = "railab.audit"

    def __init__(self, message: str) -> None:
        # One line, always: the CLI prints it as is and the platform shows it in a form.
        super().__init__(" ".join(message.split()))

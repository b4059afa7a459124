"""Which instruments the platform offers, and the one seam to swap or add versions.

The shipped instruments come from :mod:`railab.toolkit`. An agency's own licensed version,
or a newer version in a test, is put in place with :func:`instrument_register`; answers
recorded on an older version are then migrated with the library when opened or imported.
"""

from __future__ import annotations

from railab.toolkit import Instrument, load_shipped

#: The shipped instruments, in the order the platform offers them.
SHIPPED = ("readiness", "risk-assessment", "fria")

_registered: dict[str, Instrument] = {}


def instrument_register(instrument: Instrument) -> None:
    """Use ``instrument`` in place of the shipped one with the same id (or add it)."""
    _registered[instrument.id] = instrument


def instrument_unregister(instrument_id: str) -> None:
    _registered.pop(instrument_id, None)


def instrument_ids() -> tuple[str, ...]:
    return SHIPPED + tuple(i for i in _registered if i not in SHIPPED)


def instrument_get(instrument_id: str) -> Instrument:
    """The current version of an instrument (``KeyError`` if the platform has none)."""
    if instrument_id in _registered:
        return _registered[instrument_id]
    if instrument_id not in SHIPPED:
        raise KeyError(instrument_id)
    return load_shipped(instrument_id)

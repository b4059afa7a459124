"""railab: an open platform for the responsible use of AI in law enforcement."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]

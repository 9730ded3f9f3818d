"""One adapter per platform feed, all on :mod:`adapters.base`; ``ADAPTERS`` maps a config's adapter name to it."""

from __future__ import annotations

from .base import Adapter, FeedError
from .tokopedia import TokopediaAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    "tokopedia": TokopediaAdapter,
}

__all__ = ["ADAPTERS", "Adapter", "FeedError"]

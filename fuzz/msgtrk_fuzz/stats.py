"""Counts of the inputs each fuzz target tried in this process."""

from __future__ import annotations

from collections import Counter

__all__ = ["COUNTS", "record"]

COUNTS: Counter[str] = Counter()


def record(target: str, count: int = 1) -> None:
    """Add ``count`` inputs tried to ``target``'s total."""
    COUNTS[target] += count

"""The measuring engine: interleaved, rotated rounds; warm-up; ``gc.freeze()``; medians.

Method (as in ``shared/notes/abnf-to-lalr.md``, "Numbers"):

1. Every contender (ours and each peer of a case) is called once to check it
   works, then calibrated: the number of calls per batch is chosen so that one
   batch lasts about ``target_s`` (at least one call).
2. A warm-up pass runs one batch of every contender (the first calls are up
   to 2x slow: caches, lazily built tables, the specialising interpreter).
3. ``gc.collect()`` then ``gc.freeze()``: the objects made during set-up are
   moved out of the collector's view, so a collection in a batch only scans
   what the batch itself allocated.  The collector stays enabled: allocation
   cost is part of what a parser costs its user.
4. ``rounds`` rounds; in round *r* the contenders run in an order rotated by
   *r*, so that none is always first (after an idle pause) or always last.
   Each batch gives one sample, time per call, measured as CPU time of the
   process (:data:`CLOCK`).
5. The result for each contender is the median of its samples.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat

__all__ = ["CLOCK", "Measured", "Settings", "measure", "time_once"]

# CPU time of this process, not wall time: CI runners and developer machines
# share their cores, and time spent descheduled while another process runs is
# not the parser's cost.  (What other processes do to caches and to the
# clock frequency still shows; interleaving spreads that over all contenders.)
CLOCK = time.process_time_ns


@dataclass(frozen=True)
class Settings:
    """How long to measure: ``rounds`` samples of about ``target_s`` seconds each."""

    rounds: int
    target_s: float
    max_loops: int = 1_000_000


@dataclass(frozen=True)
class Measured:
    """Median time per call in µs over ``rounds`` samples, and the calls per sample."""

    median_us: float
    rounds: int
    loops: int
    samples_us: tuple[float, ...]


def _batch(fn: Callable[[], object], loops: int) -> float:
    t0 = CLOCK()
    for _ in repeat(None, loops):
        fn()
    return (CLOCK() - t0) / 1000.0


def time_once(fn: Callable[[], object]) -> float:
    """CPU seconds for one call."""
    t0 = CLOCK()
    fn()
    return (CLOCK() - t0) / 1e9


def _calibrate(fn: Callable[[], object], settings: Settings) -> int:
    loops = 1
    while True:
        elapsed_us = _batch(fn, loops)
        if elapsed_us >= settings.target_s * 1e6 * 0.2 or loops >= settings.max_loops:
            break
        loops *= 10 if elapsed_us < settings.target_s * 1e6 * 0.02 else 2
    per_call_us = max(elapsed_us / loops, 1e-3)
    return int(min(max(1, round(settings.target_s * 1e6 / per_call_us)), settings.max_loops))


def measure(
    contenders: Sequence[Callable[[], object]], settings: Settings, *, collector: bool = True
) -> list[Measured]:
    """Measure ``contenders`` together (interleaved, rotated); one result per contender.

    ``collector=False`` disables the cyclic garbage collector while timing
    (a diagnostic: it shows how much of a cost is the collector's).
    """
    loops = [_calibrate(fn, settings) for fn in contenders]
    for fn, n in zip(contenders, loops, strict=True):  # warm-up pass
        _batch(fn, n)
    samples: list[list[float]] = [[] for _ in contenders]
    count = len(contenders)
    gc.collect()
    gc.freeze()
    if not collector:
        gc.disable()
    try:
        for r in range(settings.rounds):
            for k in range(count):
                i = (k + r) % count
                samples[i].append(_batch(contenders[i], loops[i]) / loops[i])
    finally:
        gc.enable()
        gc.unfreeze()
    return [
        Measured(
            median_us=statistics.median(s),
            rounds=settings.rounds,
            loops=n,
            samples_us=tuple(s),
        )
        for s, n in zip(samples, loops, strict=True)
    ]

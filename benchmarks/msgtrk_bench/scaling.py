"""Scaling (issue 6 §3): time per recipient and per folded character must stay flat.

Per-unit cost is the *marginal* cost from the smallest size:
``(t(n) - t(n0)) / (n - n0)`` for every size ``n`` above the smallest
``n0``.  Subtracting ``t(n0)`` removes the fixed cost of a body (the
per-message fields, one recipient, the call), which would otherwise make
small sizes look expensive per unit.

A per-unit cost is *judged* (enters the max/min ratio) only where the units
add at least half as much time as the fixed body costs (``t(n) - t(n0) >=
JUDGED * t(n0)``).  Below that the difference is a fraction of a µs on a
20-50 µs body and the estimate measures timing noise, not scaling: 90
extra characters of a folded field cost about 0.1 µs.

msgtrk's value memos are emptied before every call (``cases.cold``): the
same body parsed again would otherwise be all memo hits up to the memo's
size and all misses beyond it, which looks like a scaling step.
Every per-unit cost is printed; the unjudged ones in brackets.  The ratio
of the largest to the smallest judged cost is 1.0 for perfectly linear
work; a quadratic step shows up as a ratio near the size factor.

The recipients series is measured a second time with the cyclic garbage
collector disabled, as a diagnostic (not a goal): the difference is what
the collector costs as the number of live objects grows.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from msgtrk_bench import inputs
from msgtrk_bench.cases import clear_memos, cold, ours
from msgtrk_bench.peers import POLICIES, Unavailable, stdlib_body
from msgtrk_bench.timing import CLOCK, Settings, measure

__all__ = ["JUDGED", "Scaling", "collector_time", "peak_memory", "run_scaling"]

JUDGED = 0.5


@dataclass
class Scaling:
    """One scaling series (JSON ``scaling`` entry)."""

    name: str
    unit: str
    sizes: list[int]
    total_us: list[float]
    per_unit_us: list[float | None]
    raw_per_unit_us: list[float]
    ratio: float | None
    status: str = "ok"
    extra: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "unit": self.unit,
            "sizes": self.sizes,
            "total_us": self.total_us,
            "per_unit_us": self.per_unit_us,
            "raw_per_unit_us": self.raw_per_unit_us,
            "ratio": self.ratio,
            "status": self.status,
        }
        if self.extra:
            out.update(self.extra)
        return out


def _series(
    *,
    name: str,
    unit: str,
    sizes: list[int],
    make: Callable[[int], bytes],
    parse: Callable[[bytes], object],
    settings: Settings,
    collector: bool = True,
) -> Scaling:
    bodies = [make(n) for n in sizes]
    results = measure([cold(partial(parse, b)) for b in bodies], settings, collector=collector)
    totals = [r.median_us for r in results]
    n0, t0 = sizes[0], totals[0]
    per_unit: list[float | None] = [None]
    per_unit += [(t - t0) / (n - n0) for n, t in zip(sizes[1:], totals[1:], strict=True)]
    judged = [n for n, t in zip(sizes[1:], totals[1:], strict=True) if t - t0 >= JUDGED * t0]
    marginal = [p for n, p in zip(sizes, per_unit, strict=True) if n in judged and p is not None]
    ratio = None
    if len(marginal) >= 2 and min(marginal) > 0:
        ratio = max(marginal) / min(marginal)
    return Scaling(
        name=name,
        unit=unit,
        sizes=sizes,
        total_us=totals,
        per_unit_us=per_unit,
        raw_per_unit_us=[t / n for n, t in zip(sizes, totals, strict=True)],
        ratio=ratio,
        extra={
            "rounds": settings.rounds,
            "body_bytes": [len(b) for b in bodies],
            "judged_sizes": judged,
            "collector": collector,
        },
    )


def collector_time(fn: Callable[[], object]) -> dict[str, Any]:
    """CPU time of one call, the part of it spent in the cyclic collector, collections per gen."""
    spent = [0]
    started = [0]
    counts = [0, 0, 0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = CLOCK()
        else:
            spent[0] += CLOCK() - started[0]
            counts[info["generation"]] += 1

    gc.collect()
    gc.callbacks.append(callback)
    try:
        t0 = CLOCK()
        fn()
        total = CLOCK() - t0
    finally:
        gc.callbacks.remove(callback)
    return {
        "call_ms": total / 1e6,
        "collector_ms": spent[0] / 1e6,
        "collections_per_generation": counts,
    }


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak bytes allocated (tracemalloc) while ``fn`` runs, the result included."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
        del result
    finally:
        tracemalloc.stop()
    return peak


def run_scaling(
    recipient_sizes: list[int], char_sizes: list[int], settings: Settings, *, stdlib_memory: bool
) -> list[Scaling]:
    """The two series and the memory entry; unavailable series say why."""
    try:
        parse = ours("tracking_status", "parse")
    except Unavailable as exc:
        return [
            Scaling(name, unit, [], [], [], [], None, status=f"unavailable: {exc}")
            for name, unit in (
                ("tracking-status recipients", "recipient"),
                ("tracking-status folded field", "char"),
            )
        ]
    out = []
    for name, unit, sizes, make in (
        ("tracking-status recipients", "recipient", recipient_sizes, inputs.tracking_status_body),
        (
            "tracking-status folded field",
            "char",
            char_sizes,
            lambda n: inputs.tracking_status_body(1, extra_field_chars=n),
        ),
    ):
        try:
            for n in sizes[:1]:
                parse(make(n))
            out.append(
                _series(
                    name=name, unit=unit, sizes=sizes, make=make, parse=parse, settings=settings
                )
            )
        except Exception as exc:
            out.append(
                Scaling(
                    name,
                    unit,
                    sizes,
                    [],
                    [],
                    [],
                    None,
                    status=f"error: {type(exc).__name__}: {exc}",
                )
            )
    try:
        out.append(
            _series(
                name="tracking-status recipients, gc disabled (diagnostic)",
                unit="recipient",
                sizes=recipient_sizes,
                make=inputs.tracking_status_body,
                parse=parse,
                settings=settings,
                collector=False,
            )
        )
    except Exception as exc:
        out.append(
            Scaling(
                "tracking-status recipients, gc disabled (diagnostic)",
                "recipient",
                recipient_sizes,
                [],
                [],
                [],
                None,
                status=f"error: {type(exc).__name__}: {exc}",
            )
        )
    largest = recipient_sizes[-1]
    body = inputs.tracking_status_body(largest)
    memory: dict[str, Any] = {"recipients": largest, "body_bytes": len(body)}
    try:
        clear_memos()
        memory["msgtrk_peak_bytes"] = peak_memory(partial(parse, body))
    except Exception as exc:
        memory["msgtrk_peak_bytes"] = None
        memory["status"] = f"error: {type(exc).__name__}: {exc}"
    try:
        memory["collector"] = collector_time(cold(partial(parse, body)))
    except Exception as exc:
        memory["collector"] = {"status": f"error: {type(exc).__name__}: {exc}"}
    if stdlib_memory:
        memory["email_policy_default_peak_bytes"] = peak_memory(
            partial(stdlib_body, body, POLICIES["email policy.default"])
        )
    if out and out[0].extra is not None:
        out[0].extra["peak_memory"] = memory
    return out

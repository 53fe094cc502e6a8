"""A seeded, bounded mutation campaign against one target (no atheris needed).

``run_campaign`` mutates the seeds ``count`` times with ``random.Random(seed)``
and runs the target on each result; the same seed and count always try
the same inputs.  Failures are grouped by signature (exception type and
the msgtrk source line it came from, or the violated invariant), keeping
the smallest input of each group as the reproducer.
"""

from __future__ import annotations

import random
import re
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from msgtrk_fuzz import stats
from msgtrk_fuzz.mutators import mutate
from msgtrk_fuzz.targets import Input, InvariantError, Target

__all__ = [
    "Failure",
    "Report",
    "as_bytes_sometimes",
    "minimize",
    "run_campaign",
    "run_one",
    "signature",
]


@dataclass
class Failure:
    """One group of failing inputs: its signature, smallest input, operators, error text."""

    signature: str
    data: Input
    operators: tuple[str, ...]
    error: str
    hits: int = 1


@dataclass
class Report:
    """What a campaign tried and found."""

    target: str
    tried: int = 0
    clean: int = 0
    failures: dict[str, Failure] = field(default_factory=dict)
    known: dict[str, int] = field(default_factory=dict)  # open finding -> inputs it explains

    def describe(self) -> str:
        """Every failure group with its reproducer, for an assertion message."""
        lines = [f"{self.target}: {len(self.failures)} failure group(s) in {self.tried} inputs"]
        if self.known:
            lines.append(f"(already filed, open: {self.known})")
        for failure in self.failures.values():
            shown = failure.data if len(failure.data) <= 400 else failure.data[:400]
            lines.append(
                f"- {failure.signature} x{failure.hits} via {'+'.join(failure.operators)}\n"
                f"  input ({len(failure.data)} long): {shown!r}\n"
                f"  {failure.error}"
            )
        return "\n".join(lines)


def signature(error: BaseException) -> str:
    """Group key: the exception type and where in msgtrk it was raised."""
    if isinstance(error, InvariantError):
        return "invariant: " + re.sub(r"\d+", "N", error.key)[:100]
    frames = traceback.extract_tb(error.__traceback__)
    where = "?"
    for frame in frames:
        if "/msgtrk/" in frame.filename.replace("\\", "/"):
            where = f"{frame.filename.rsplit('/msgtrk/', 1)[-1]}:{frame.lineno}"
    return f"{type(error).__name__} at {where}"


def run_one(target: Target, data: Input) -> BaseException | None:
    """Run ``target`` on ``data``; return the exception that shows a bug, if any."""
    stats.record(target.name)
    try:
        target.run(data)
    except RecursionError as error:  # a hostile input must not exhaust the stack
        return error
    except Exception as error:  # everything but our own errors is a finding
        return error
    return None


def as_bytes_sometimes(rng: random.Random, target: Target, data: Input) -> Input:
    """Text targets also get octets now and then (UTF-8, lone surrogates passed through)."""
    if isinstance(data, str) and target.kind == "text" and rng.random() < 0.2:
        return data.encode("utf-8", "surrogatepass")
    return data


def run_campaign(
    target: Target,
    seeds: Sequence[Input],
    *,
    count: int,
    seed: int,
    most: int = 3,
    explain: Callable[[str, Input], str | None] | None = None,
) -> Report:
    """Try ``count`` mutated inputs (the seeds as they are first) against ``target``.

    ``explain(signature, input)`` names the open finding a failure is
    already filed as (counted in ``report.known``, not in ``failures``).
    """
    rng = random.Random(seed)
    report = Report(target.name)
    queue: list[tuple[Input, tuple[str, ...]]] = [(s, ()) for s in seeds]
    for i in range(count):
        if i < len(queue) and not queue[i][1]:
            data, ops = queue[i]
        else:
            base = rng.choice(seeds)
            data, ops = mutate(rng, base, most=most)  # type: ignore[type-var]
            data = as_bytes_sometimes(rng, target, data)
        report.tried += 1
        error = run_one(target, data)
        if error is None:
            report.clean += 1
            continue
        key = signature(error)
        finding = explain(key, data) if explain is not None else None
        if finding is not None:
            report.known[finding] = report.known.get(finding, 0) + 1
            continue
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
        known = report.failures.get(key)
        if known is None:
            report.failures[key] = Failure(key, data, ops, text[:600])
        else:
            known.hits += 1
            if len(data) < len(known.data):
                known.data, known.operators, known.error = data, ops, text[:600]
    return report


def minimize(target: Target, data: Input, key: str, *, budget: int = 3_000) -> Input:
    """Shrink ``data`` while the target still fails with signature ``key`` (greedy ddmin)."""

    def still_fails(candidate: Input) -> bool:
        error = run_one(target, candidate)
        return error is not None and signature(error) == key

    chunk = max(1, len(data) // 2)
    while chunk >= 1 and budget > 0:
        i = 0
        shrunk = False
        while i < len(data) and budget > 0:
            candidate = data[:i] + data[i + chunk :]  # type: ignore[operator]
            budget -= 1
            if still_fails(candidate):
                data = candidate
                shrunk = True
            else:
                i += chunk
        if not shrunk:
            chunk //= 2
    return data

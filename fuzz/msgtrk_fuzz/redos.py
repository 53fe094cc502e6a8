"""Worst-case inputs for regular expressions, and a linear-time check.

``pumped_inputs(pattern)`` walks the parsed pattern (``re._parser``) and,
for every unbounded (or long) repeat in it, builds a string that reaches
the repeat, repeats what the loop consumes ``n`` times, then ends in a
non-matching tail (after the rest of a match, ``Pump.make``, and right
after the loop, ``Pump.make_inside``, so that the failure comes inside the
atomic group or token that holds the loop) - the shape that makes a
backtracking engine go quadratic or exponential.  What the loop consumes
is its shortest match and also richer samples of the repeated sub-pattern
(optional parts taken, inner repeats taken twice, each of the first
alternatives of a branch, the character that follows the loop), kept when
they really match: two alternatives that both match a label (``.a`` for
``(?:[.](?:U-LABEL|LDH-LABEL))*``), a literal that a run also matches
(``/admin`` for ``(?:/(?:admin|[a-z]+))*``) or a loop that also eats its
separator (``@`` for ``[!-~]*@[!-~]*``) multiply the work per unit.
``growth(fn, make)`` measures ``fn(make(n))``
and ``fn(make(10 n))`` in the same run, with ``n`` grown until the time is
measurable, and returns the ratio (about 10 when linear, about 100 when
quadratic).  A measurement longer than ``budget`` seconds is cut short
with SIGALRM (the ``re`` engine checks for signals) and reported as
infinite growth.  Never an absolute time: only ratios within one run.
Times are CPU time of this process (``time.process_time``), so that other
processes competing for the cores (a loaded CI box, the other xdist
worker) do not count.
"""

from __future__ import annotations

import gc
import re
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from re import _constants as C  # noqa: N812
from re import _parser as P  # noqa: N812
from typing import Any

__all__ = ["Pump", "growth", "pumped_inputs", "repeat_count"]

_MARK = "\x00\ue000PUMP\ue000\x00"
# Repeats bounded below this can't be pumped far enough to show growth.
_MIN_PUMPABLE = 64
_CANDIDATES = "a0A !.-_:;=/@\t\r\n\x00~é\u4e2d"


@dataclass(frozen=True)
class Pump:
    """A pumpable input: ``prefix + unit * n + suffix``."""

    prefix: str
    unit: str
    suffix: str
    where: str  # which repeat, for messages

    def make(self, n: int, tail: str) -> str:
        return self.prefix + self.unit * n + self.suffix + tail

    def make_inside(self, n: int, tail: str) -> str:
        """The tail right after the loop: the failure comes inside the atomic
        group or token that holds the loop, not after it."""
        return self.prefix + self.unit * n + tail

    def makers(self) -> tuple[Callable[[int, str], str], ...]:
        """``make``, and ``make_inside`` when something follows the loop."""
        return (self.make, self.make_inside) if self.suffix else (self.make,)


def _in_set(items: list[Any], char: str, flags: int) -> bool:
    probe = re.compile(f"[{''.join(_set_src(items))}]", flags)
    return probe.fullmatch(char) is not None


def _set_src(items: list[Any]) -> list[str]:
    out: list[str] = []
    for op, av in items:
        if op is C.NEGATE:
            out.insert(0, "^")
        elif op is C.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is C.RANGE:
            out.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is C.CATEGORY:
            out.append(
                {
                    C.CATEGORY_DIGIT: r"\d",
                    C.CATEGORY_NOT_DIGIT: r"\D",
                    C.CATEGORY_SPACE: r"\s",
                    C.CATEGORY_NOT_SPACE: r"\S",
                    C.CATEGORY_WORD: r"\w",
                    C.CATEGORY_NOT_WORD: r"\W",
                }.get(av, "")
            )
    return out


def _class_char(items: list[Any], flags: int) -> str:
    """A character of the set (of its complement's complement when negated)."""
    if items and items[0][0] is not C.NEGATE:
        op, av = items[0]
        if op is C.LITERAL:
            return chr(av)
        if op is C.RANGE:
            return chr(av[0])
    for char in _CANDIDATES:
        if _in_set(items, char, flags):
            return char
    for code in range(0x20, 0x3000):
        if _in_set(items, chr(code), flags):
            return chr(code)
    return "a"


class _Gen:
    """Minimal matching text of a parsed pattern, with one repeat replaced by a mark."""

    def __init__(self, flags: int, *, rich: bool = False, pick: int = 0) -> None:
        self.flags = flags
        self.groups: dict[int, str] = {}
        self.counter = 0
        self.target = -1
        self.unit = ""
        # inside the target repeat: take optional parts and repeat bodies
        # twice (rich), and alternative ``pick`` of each branch
        self.rich = rich
        self.pick = pick
        self.inside = 0

    def seq(self, sub: Any) -> str:
        return "".join(self.node(op, av) for op, av in sub)

    def node(self, op: Any, av: Any) -> str:
        if op is C.LITERAL:
            return chr(av)
        if op is C.NOT_LITERAL:
            return "a" if av != ord("a") else "b"
        if op is C.ANY:
            return "a"
        if op is C.IN:
            return _class_char(av, self.flags)
        if op is C.BRANCH:
            return self._branch(av)
        if op is C.SUBPATTERN:
            group, _add, _del, sub = av
            text = self.seq(sub)
            if group is not None:
                self.groups[group] = text
            return text
        if op is C.ATOMIC_GROUP:
            return self.seq(av)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high, sub = av
            index = self.counter
            self.counter += 1
            target = index == self.target
            self.inside += target
            body = self.seq(sub)
            self.inside -= target
            if target:
                self.unit = body or ""
                return _MARK + body * max(0, int(low) - 1) if low else _MARK
            count = int(low)
            if self.rich and self.inside:
                count = max(count, min(int(high), 2))
            return str(body * count)
        if op is C.GROUPREF:
            return self.groups.get(av, "")
        if op is C.GROUPREF_EXISTS:
            _group, yes, no = av
            yes_text = self.seq(yes) if yes else ""
            no_text = self.seq(no) if no else ""
            return yes_text or no_text
        if op is C.AT:
            return ""
        if op in (C.ASSERT, C.ASSERT_NOT):
            self.seq(av[1])  # walked for the repeat count, matches nothing
            return ""
        if op is C.CATEGORY:
            return "0"
        return ""

    def _branch(self, av: Any) -> str:
        # take the branch that holds the target repeat, else the first branch
        alternatives = av[1]
        texts = []
        hit = None
        for alt in alternatives:
            before = self.counter
            text = self.seq(alt)
            if before <= self.target < self.counter:
                hit = text
            texts.append(text)
        if hit is not None:
            return hit
        return texts[min(self.pick, len(texts) - 1)] if self.inside else texts[0]


def _repeats(sub: Any) -> Iterator[tuple[int, int, Any]]:
    """Every repeat node in document order: (index, max, item)."""
    index = 0

    def walk(seq: Any) -> Iterator[tuple[int, int, Any]]:
        nonlocal index
        for op, av in seq:
            if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                mine = index
                index += 1
                yield mine, av[1], av[2]
                yield from walk(av[2])
            elif op is C.SUBPATTERN:
                yield from walk(av[3])
            elif op is C.ATOMIC_GROUP:
                yield from walk(av)
            elif op is C.BRANCH:
                for alt in av[1]:
                    yield from walk(alt)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                yield from walk(av[1])
            elif op is C.GROUPREF_EXISTS:
                for part in av[1:]:
                    if part:
                        yield from walk(part)

    yield from walk(sub)


def repeat_count(pattern: re.Pattern[str]) -> int:
    """How many repeat operators the pattern has."""
    return sum(1 for _ in _repeats(P.parse(pattern.pattern, pattern.flags)))


# Samples of a loop body besides its shortest match: (rich, pick) of _Gen.
_VARIANTS = ((True, 0), (False, 1), (False, 2), (False, 3), (True, 1))


def _samples(pattern: re.Pattern[Any], parsed: Any, index: int) -> Iterator[tuple[str, str, str]]:
    """``(prefix, unit, suffix)`` for repeat ``index``: its shortest match
    first, then the richer samples that really match as a loop body."""
    shortest = None
    for rich, pick in ((False, 0), *_VARIANTS):
        gen = _Gen(pattern.flags, rich=rich, pick=pick)
        gen.target = index
        text = gen.seq(parsed)
        if _MARK not in text or not gen.unit:
            continue
        prefix, suffix = text.split(_MARK, 1)
        if shortest is None:
            shortest = gen.unit
            yield prefix, gen.unit, suffix
            # the loop eats what follows it: "@" for xtext "@" xtext is a
            # split the engine tries at every "@" (quadratic)
            after = suffix[:1]
            if after and after != shortest and _matches(pattern, prefix + after * 3 + suffix):
                yield prefix, after, suffix
        elif gen.unit != shortest and _matches(pattern, prefix + gen.unit * 3 + suffix):
            yield prefix, gen.unit, suffix


def _matches(pattern: re.Pattern[Any], text: str) -> bool:
    if isinstance(pattern.pattern, bytes):
        return pattern.fullmatch(text.encode("latin-1", "replace")) is not None
    return pattern.fullmatch(text) is not None


def pumped_inputs(pattern: re.Pattern[str], *, per_unit: int = 2) -> list[Pump]:
    """Pumpable inputs for the long or unbounded repeats of ``pattern``.

    At most ``per_unit`` inputs (the first repeats met) per distinct loop
    body: a generated pattern repeats the same CFWS or comment loop in dozens
    of places, and its cost does not depend on where it is reached.
    """
    parsed = P.parse(pattern.pattern, pattern.flags)
    pumps: list[Pump] = []
    seen: set[tuple[str, str, str]] = set()
    per: dict[str, int] = {}
    for index, high, _item in _repeats(parsed):
        if high != C.MAXREPEAT and high < _MIN_PUMPABLE:
            continue
        for prefix, unit, suffix in _samples(pattern, parsed, index):
            if (prefix, unit, suffix) in seen or per.get(unit, 0) >= per_unit:
                continue
            seen.add((prefix, unit, suffix))
            per[unit] = per.get(unit, 0) + 1
            pumps.append(Pump(prefix, unit, suffix, f"repeat #{index} of {pattern.pattern!r}"))
    return pumps


class _TimeoutError(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise _TimeoutError


def _once(fn: Callable[[Any], object], arg: Any, budget: float) -> float:
    """One call, cut short after ``budget`` seconds (then infinite)."""
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, budget)
    start = time.process_time()
    try:
        fn(arg)
    except _TimeoutError:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return time.process_time() - start


def _per_call(fn: Callable[[Any], object], arg: Any, budget: float, total: float) -> float:
    """Per-call time of the call repeated for about ``total`` seconds (or of one call if faster).

    The garbage collector is paused while timing (as ``timeit`` does): its
    full collections depend on every live object of the process, not on the input.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        first = _once(fn, arg, budget)
        if first == float("inf"):
            return first
        loops = max(1, int(total / max(first, 1e-7)))
        start = time.process_time()
        for _ in range(loops):
            fn(arg)
        best = min(first, (time.process_time() - start) / loops)
    finally:
        if enabled:
            gc.enable()
    return best


def growth(
    fn: Callable[[Any], object],
    make: Callable[[int], Any],
    *,
    start: int = 64,
    most: int = 4_096,
    most_chars: int = 10_000,
    measurable: float = 0.0005,
    total: float = 0.002,
    budget: float = 2.0,
    limit: float | None = None,
    retries: int = 3,
    rounds: int = 2,
) -> tuple[float, int]:
    """Return ``(time(10 n) / time(n), n)``.

    ``n`` doubles from ``start`` until one call takes ``measurable`` seconds,
    or ``n`` reaches ``most``, or the input reaches ``most_chars`` (larger
    inputs measure the CPU caches, not the algorithm).  The two sizes are
    then timed in alternating rounds (best per-call time of each, calls
    repeated for about ``total`` seconds), so that load from other
    processes hits both alike.  A call longer than ``budget`` seconds gives
    an infinite ratio.  When the ratio exceeds ``limit`` the pair is timed
    again (``retries`` times, longer) and the smallest ratio is returned.
    """
    n = start
    while True:
        arg = make(n)
        t = _once(fn, arg, budget)
        if t == float("inf"):
            return t, n
        if t >= measurable or n * 2 > most or len(arg) * 2 > most_chars:
            break
        n *= 2
    small, large = make(n), make(10 * n)
    gc.collect()  # once: a collection costs with every live object of the process
    best_small = best_large = float("inf")
    ratio = float("inf")
    for attempt in range(1 + retries):
        for _ in range(rounds):
            best_small = min(best_small, _per_call(fn, small, budget, total * 2**attempt))
            best_large = min(best_large, _per_call(fn, large, budget, total * 2**attempt))
            if float("inf") in (best_small, best_large):
                return float("inf"), n
        ratio = best_large / max(best_small, 1e-9)
        if limit is None or ratio <= limit:
            break
    return ratio, n

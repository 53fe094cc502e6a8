"""Language containment of the regular expressions the emitters build.

A ``Shape`` is the structure of an emitted regex, kept beside its text:
``("c", intervals)`` one character of a class, ``("s", items)`` a
concatenation, ``("a", items)`` an alternation, ``("r", min, max, item)`` a
repetition (``max`` None: unbounded), ``("e",)`` the empty string; None is
a regex the emitter did not build (a substituted one): never compared.

``within(small, big)`` is True only when every string ``small`` matches,
``big`` matches too.  It decides that on the automata (Thompson NFAs over
the disjoint character intervals both use, explored as pairs of state sets
- the textbook product of ``small`` with the complement of ``big``), so it
sees through regrouping (``[*WSP CRLF] 1*WSP`` is within ``1*([CRLF] WSP)``).
An automaton larger than ``MAX_STATES`` (a bounded repeat such as
``*998OCTET``) or an exploration longer than ``MAX_PAIRS`` answers False:
"not known to be within", which only keeps an alternative.  Pure Python,
no FSM library: the compiler must not need one at run time.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from typing import Any

__all__ = [
    "MAX_PAIRS",
    "MAX_STATES",
    "Intervals",
    "Shape",
    "first_chars",
    "merge_intervals",
    "nullable",
    "within",
]

Intervals = tuple[tuple[int, int], ...]
# ("c", intervals) | ("s", items) | ("a", items) | ("r", min, max, item) | ("e",) | None
Shape = tuple[Any, ...] | None

MAX_STATES = 2_000
MAX_PAIRS = 5_000


class _TooLargeError(Exception):
    pass


def nullable(shape: Shape) -> bool:
    """Whether ``shape`` matches the empty string (False when unknown)."""
    if shape is None:
        return False
    kind = shape[0]
    if kind == "e":
        return True
    if kind == "c":
        return False
    if kind == "s":
        return all(nullable(item) for item in shape[1])
    if kind == "a":
        return any(nullable(item) for item in shape[1])
    return shape[1] == 0 or nullable(shape[3])


def first_chars(shape: Shape) -> Intervals | None:
    """The characters a non-empty match can start with (None: unknown)."""
    if shape is None:
        return None
    kind = shape[0]
    if kind == "e":
        return ()
    if kind == "c":
        chars: Intervals = shape[1]
        return chars
    if kind == "r":
        return first_chars(shape[3])
    found: list[tuple[int, int]] = []
    for item in shape[1]:
        part = first_chars(item)
        if part is None:
            return None
        found.extend(part)
        if kind == "s" and not nullable(item):
            break
    return merge_intervals(found)


def merge_intervals(intervals: Iterable[tuple[int, int]]) -> Intervals:
    """Sorted, disjoint, non-adjacent intervals covering the same code points."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def _subset(small: Intervals, big: Intervals) -> bool:
    return all(any(lo >= b_lo and hi <= b_hi for b_lo, b_hi in big) for lo, hi in small)


@lru_cache(maxsize=4096)
def within(small: Shape, big: Shape) -> bool:
    """Whether the language of ``small`` is contained in that of ``big``."""
    if small == big:
        return small is not None
    if small is None or big is None:
        return False
    if small[0] == "e":
        return nullable(big)
    if nullable(small) and not nullable(big):
        return False
    if small[0] == "c" and big[0] == "c":
        return _subset(small[1], big[1])
    first_small, first_big = first_chars(small), first_chars(big)
    if first_small is None or first_big is None or not _subset(first_small, first_big):
        return False
    try:
        return _contained(_Nfa(small), _Nfa(big))
    except _TooLargeError:
        return False


class _Nfa:
    """A Thompson NFA: state 0 starts, ``accept`` ends."""

    def __init__(self, shape: Shape) -> None:
        self.moves: list[list[tuple[Intervals, int]]] = []
        self.empty: list[list[int]] = []
        start = self._state()
        self.accept = self._build(shape, start)

    def _state(self) -> int:
        if len(self.moves) >= MAX_STATES:
            raise _TooLargeError
        self.moves.append([])
        self.empty.append([])
        return len(self.moves) - 1

    def _build(self, shape: Shape, start: int) -> int:
        """Add ``shape`` from state ``start``; return its end state."""
        if shape is None:
            raise _TooLargeError
        kind = shape[0]
        if kind == "e":
            return start
        if kind == "c":
            end = self._state()
            self.moves[start].append((shape[1], end))
            return end
        if kind == "s":
            for item in shape[1]:
                start = self._build(item, start)
            return start
        if kind == "a":
            end = self._state()
            for item in shape[1]:
                branch = self._state()
                self.empty[start].append(branch)
                self.empty[self._build(item, branch)].append(end)
            return end
        _, low, high, item = shape
        for _ in range(low):
            start = self._build(item, start)
        if high is None:
            loop = self._state()
            self.empty[start].append(loop)
            self.empty[self._build(item, loop)].append(loop)
            return loop
        end = self._state()
        for _ in range(high - low):
            self.empty[start].append(end)
            start = self._build(item, start)
        self.empty[start].append(end)
        return end

    def closure(self, states: frozenset[int] | set[int]) -> frozenset[int]:
        stack = list(states)
        seen = set(states)
        while stack:
            for nxt in self.empty[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return frozenset(seen)

    def step(self, states: frozenset[int], atom: tuple[int, int]) -> frozenset[int]:
        low, high = atom
        nxt = {
            end
            for state in states
            for chars, end in self.moves[state]
            if any(c_low <= low and high <= c_high for c_low, c_high in chars)
        }
        return self.closure(nxt) if nxt else frozenset()

    def bounds(self) -> set[int]:
        found = set()
        for moves in self.moves:
            for chars, _ in moves:
                for low, high in chars:
                    found.add(low)
                    found.add(high + 1)
        return found


def _contained(small: _Nfa, big: _Nfa) -> bool:
    cuts = sorted(small.bounds() | big.bounds())
    atoms = [(low, high - 1) for low, high in pairwise(cuts)]
    start = (small.closure({0}), big.closure({0}))
    seen = {start}
    stack = [start]
    while stack:
        s_states, b_states = stack.pop()
        if small.accept in s_states and big.accept not in b_states:
            return False
        for atom in atoms:
            s_next = small.step(s_states, atom)
            if not s_next:
                continue
            pair = (s_next, big.step(b_states, atom))
            if pair not in seen:
                if len(seen) >= MAX_PAIRS:
                    raise _TooLargeError
                seen.add(pair)
                stack.append(pair)
    return True

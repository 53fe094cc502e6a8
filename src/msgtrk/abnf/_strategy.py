"""Random strings that an ABNF rule accepts, as hypothesis strategies.

Repetitions are bounded (``max_repeat`` beyond the minimum), alternatives
are drawn evenly, and a recursive rule met ``depth`` times on the way down
expands to its shortest string.  Needs hypothesis (a test dependency).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from msgtrk._errors import AbnfError
from msgtrk.abnf._ast import (
    CharRange,
    Concatenation,
    Literal,
    Node,
    Prose,
    Reference,
    Repeat,
    rule_key,
)
from msgtrk.abnf._grammar import Grammar
from msgtrk.abnf._regex import MAX_INLINE_DEPTH, RegexBuilder, inline_depth_error

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["shortest", "strategy"]

_SURROGATES = (0xD800, 0xDFFF)


def shortest(grammar: Grammar) -> dict[str, str]:
    """A shortest string of every rule that has one (fixpoint)."""
    best: dict[str, str] = {}

    def short(node: Node) -> str | None:
        if isinstance(node, Literal):
            return node.text
        if isinstance(node, CharRange):
            return chr(_first_char(node.low, node.high))
        if isinstance(node, Reference):
            return best.get(node.key)
        if isinstance(node, Prose):
            return None
        if isinstance(node, Repeat):
            if node.min == 0:
                return ""
            inner = short(node.node)
            return None if inner is None else inner * node.min
        if isinstance(node, Concatenation):
            parts = [short(item) for item in node.items]
            return None if any(part is None for part in parts) else "".join(p or "" for p in parts)
        options = [s for s in (short(item) for item in node.items) if s is not None]
        return min(options, key=len) if options else None

    changed = True
    while changed:
        changed = False
        for definition in grammar:
            found = short(definition.node)
            old = best.get(definition.key)
            if found is not None and (old is None or len(found) < len(old)):
                best[definition.key] = found
                changed = True
    return best


def _first_char(low: int, high: int) -> int:
    if _SURROGATES[0] <= low <= _SURROGATES[1]:
        low = _SURROGATES[1] + 1
    return low if low <= high else high


def strategy(
    grammar: Grammar,
    rule: str,
    *,
    max_repeat: int = 3,
    depth: int = 2,
    exclude: Iterable[str] = (),
    ascii_weight: bool = True,
) -> SearchStrategy[str]:
    """Strings ABNF ``rule`` of ``grammar`` accepts.

    ``max_repeat`` bounds ``*x`` to at most that many more than the minimum,
    ``depth`` bounds how often one recursive rule nests, ``exclude`` names
    rules never to produce (alternatives needing them are left out).  With
    ``ascii_weight``, wide character ranges draw mostly from their ASCII
    part (every code point stays possible).
    """
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis is optional

    if rule not in grammar:
        raise AbnfError(f"no rule {rule} in the grammar", line=1, column=1, offset=0, rule=rule)
    excluded = frozenset(rule_key(name) for name in exclude)
    minimal = shortest(grammar)
    recursive = RegexBuilder(grammar).recursive
    cache: dict[str, SearchStrategy[str] | None] = {}

    def chars(low: int, high: int) -> SearchStrategy[str]:
        pieces = []
        if low <= _SURROGATES[0] - 1:
            pieces.append((low, min(high, _SURROGATES[0] - 1)))
        if high >= _SURROGATES[1] + 1:
            pieces.append((max(low, _SURROGATES[1] + 1), high))
        options = [st.integers(a, b).map(chr) for a, b in pieces]
        if ascii_weight and high > 0x7F and low <= 0x7F:
            options.insert(0, st.integers(low, 0x7F).map(chr))
        return st.one_of(options) if len(options) > 1 else options[0]

    def reference(node: Reference, stack: tuple[str, ...]) -> SearchStrategy[str] | None:
        key = node.key
        if key in excluded:
            return None
        if key not in grammar:
            raise AbnfError(
                f"undefined rule {node.name}", line=1, column=1, offset=0, rule=node.name
            )
        if len(stack) >= MAX_INLINE_DEPTH:
            raise inline_depth_error(node)
        if key in recursive:
            if stack.count(key) >= depth:
                return st.just(minimal[key]) if key in minimal else None
            return build(grammar[key].node, (*stack, key))
        if key not in cache:
            cache[key] = build(grammar[key].node, (*stack, key))
        return cache[key]

    def build(node: Node, stack: tuple[str, ...]) -> SearchStrategy[str] | None:
        if isinstance(node, Literal):
            if node.case_sensitive or node.text.lower() == node.text.upper():
                return st.just(node.text)
            return st.tuples(
                *(st.sampled_from(sorted({c, c.lower(), c.upper()})) for c in node.text)
            ).map("".join)
        if isinstance(node, CharRange):
            return chars(node.low, node.high)
        if isinstance(node, Prose):
            raise AbnfError(
                f"prose value <{node.text}> cannot generate strings",
                line=max(node.line, 1),
                column=max(node.column, 1),
                offset=node.offset,
            )
        if isinstance(node, Reference):
            return reference(node, stack)
        if isinstance(node, Repeat):
            inner = build(node.node, stack)
            top = (
                node.min + max_repeat if node.max is None else min(node.max, node.min + max_repeat)
            )
            if inner is None or top == 0:
                return st.just("") if node.min == 0 else None
            return st.lists(inner, min_size=node.min, max_size=top).map("".join)
        if isinstance(node, Concatenation):
            parts = [build(item, stack) for item in node.items]
            if any(part is None for part in parts):
                return None
            return st.tuples(*(part for part in parts if part is not None)).map("".join)
        options = [o for o in (build(item, stack) for item in node.items) if o is not None]
        return st.one_of(options) if options else None

    result = reference(Reference(name=rule), ())
    if result is None:
        raise AbnfError(f"rule {rule} produces no string", line=1, column=1, offset=0, rule=rule)
    return result

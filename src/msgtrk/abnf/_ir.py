"""The Lark-level form of a grammar, between ABNF and Lark text.

``Term`` and ``Ref`` name a terminal and a rule; ``Seq``, ``Choice`` and
``Rep`` combine them.  ``simplify`` deletes what became empty, merges
duplicate alternatives and folds nested optionals, so that LALR sees no
reduce/reduce conflict between two spellings of one thing.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

__all__ = ["EMPTY", "Choice", "Item", "Ref", "Rep", "Seq", "Term", "simplify", "walk"]


@attrs.frozen
class Term:
    name: str


@attrs.frozen
class Ref:
    name: str


@attrs.frozen
class Seq:
    items: tuple[Item, ...]


@attrs.frozen
class Choice:
    items: tuple[Item, ...]


@attrs.frozen
class Rep:
    min: int
    max: int | None
    item: Item


Item = Term | Ref | Seq | Choice | Rep

EMPTY = Seq(())


def walk(item: Item) -> Iterator[Item]:
    """``item`` and everything below it."""
    yield item
    if isinstance(item, Rep):
        yield from walk(item.item)
    elif isinstance(item, Seq | Choice):
        for child in item.items:
            yield from walk(child)


def _optional(item: Item) -> Item:
    if item == EMPTY:
        return EMPTY
    if isinstance(item, Rep) and item.min in (0, 1):
        return Rep(0, item.max, item.item)
    return Rep(0, 1, item)


def simplify(item: Item) -> Item:
    """Normalise bottom-up (see module doc)."""
    if isinstance(item, Seq):
        parts: list[Item] = []
        for child in map(simplify, item.items):
            parts.extend(child.items if isinstance(child, Seq) else (child,))
        return parts[0] if len(parts) == 1 else Seq(tuple(parts))
    if isinstance(item, Choice):
        options: list[Item] = []
        empty = False
        for child in map(simplify, item.items):
            for option in child.items if isinstance(child, Choice) else (child,):
                if option == EMPTY:
                    empty = True
                elif isinstance(option, Rep) and option.min == 0 and option.max == 1:
                    empty = True
                    if option.item not in options:
                        options.append(option.item)
                elif option not in options:
                    options.append(option)
        if not options:
            return EMPTY
        result = options[0] if len(options) == 1 else Choice(tuple(options))
        return _optional(result) if empty else result
    if isinstance(item, Rep):
        inner = simplify(item.item)
        if inner == EMPTY or item.max == 0:
            return EMPTY
        if (item.min, item.max) == (1, 1):
            return inner
        if (item.min, item.max) == (0, 1) and isinstance(inner, Rep) and inner.min <= 1:
            # (x*)? is x*, (x+)? is x*, (x~1..n)? is x~0..n
            return Rep(0, inner.max, inner.item)
        if isinstance(inner, Rep) and inner.min == 0 and inner.max == 1:
            # (x?)~m..n is x~0..n
            return simplify(Rep(0, item.max, inner.item))
        if isinstance(inner, Rep) and inner.max is None and item.max is None and inner.min <= 1:
            # (x*)* is x*, (x+)+ is x+
            return Rep(min(item.min, 1) * inner.min, None, inner.item)
        return Rep(item.min, item.max, inner)
    return item

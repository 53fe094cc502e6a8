"""The ABNF syntax tree (RFC 5234 §2-§4, RFC 7405).

Nodes are frozen attrs classes.  A group ``( ... )`` is not a node of its
own: it is the alternation or concatenation it contains.  An option
``[ x ]`` is ``Repeat(0, 1, x)``.  Source positions are kept in fields
with ``eq=False`` so that equal definitions compare equal wherever they
were written.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

__all__ = [
    "Alternation",
    "CharRange",
    "Concatenation",
    "Literal",
    "Node",
    "Prose",
    "Reference",
    "Repeat",
    "Rule",
    "iter_nodes",
    "rule_key",
]


def rule_key(name: str) -> str:
    """The case-insensitive identity of a rule name (RFC 5234 §2.1)."""
    return name.lower()


@attrs.frozen(kw_only=True)
class Literal:
    """A string: ``"abc"`` / ``%i"abc"`` (case-insensitive) or ``%s"abc"`` and
    dotted ``%x61.62.63`` (case-sensitive); RFC 5234 §2.3, RFC 7405 §2.2."""

    text: str
    case_sensitive: bool = False


@attrs.frozen(kw_only=True)
class CharRange:
    """One character in ``low``..``high`` (code points): ``%x30-39``, ``%d13``
    (RFC 5234 §2.3, §3.4)."""

    low: int
    high: int


@attrs.frozen(kw_only=True)
class Reference:
    """A reference to another rule by name (RFC 5234 §2.1)."""

    name: str
    line: int = attrs.field(default=0, eq=False)
    column: int = attrs.field(default=0, eq=False)
    offset: int = attrs.field(default=0, eq=False)

    @property
    def key(self) -> str:
        return rule_key(self.name)


@attrs.frozen(kw_only=True)
class Prose:
    """A prose value ``<...>`` (RFC 5234 §4): not machine-readable."""

    text: str
    line: int = attrs.field(default=0, eq=False)
    column: int = attrs.field(default=0, eq=False)
    offset: int = attrs.field(default=0, eq=False)


@attrs.frozen(kw_only=True)
class Repeat:
    """``min*max element`` (RFC 5234 §3.6, §3.7); ``max`` None is unbounded;
    ``[ x ]`` is ``Repeat(min=0, max=1, node=x)`` (§3.8)."""

    min: int
    max: int | None
    node: Node


@attrs.frozen(kw_only=True)
class Concatenation:
    """``a b c`` (RFC 5234 §3.1)."""

    items: tuple[Node, ...]


@attrs.frozen(kw_only=True)
class Alternation:
    """``a / b / c`` (RFC 5234 §3.2)."""

    items: tuple[Node, ...]


Node = Literal | CharRange | Reference | Prose | Repeat | Concatenation | Alternation


def iter_nodes(node: Node) -> Iterator[Node]:
    """Yield ``node`` and every node below it, depth first."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Repeat):
            stack.append(current.node)
        elif isinstance(current, Concatenation | Alternation):
            stack.extend(reversed(current.items))


@attrs.frozen(kw_only=True)
class Rule:
    """One rule definition as written in a source (RFC 5234 §2.2, §3.3).

    ``incremental`` is True for ``=/``.  ``section`` is the text of the
    ``; RFC NNNN §S`` comment that precedes the rule (None when absent),
    ``text`` the rule's ABNF exactly as written; ``line``, ``column`` and
    ``offset`` are the position of its name in ``source``.
    """

    name: str
    definition: Node
    incremental: bool = False
    source: str = attrs.field(default="<string>", eq=False)
    line: int = attrs.field(default=0, eq=False)
    section: str | None = attrs.field(default=None, eq=False)
    text: str = attrs.field(default="", eq=False)
    column: int = attrs.field(default=1, eq=False)
    offset: int = attrs.field(default=0, eq=False)

    @property
    def key(self) -> str:
        return rule_key(self.name)

    @property
    def where(self) -> str:
        """``file:line`` of the definition."""
        return f"{self.source}:{self.line}"

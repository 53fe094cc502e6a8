"""ABNF to Python regular expressions (every rule below inlined).

Used for the regex terminals of the Lark emitter and for the regex fast
path.  Characters are written so that Lark and ``re`` read them alike:
printable ASCII punctuation is backslash-escaped (``\\.``, ``\\]``) and
never written as ``\\xHH`` (Lark turns ``\\x2e`` into a raw ``.``, "any
character"); other characters are ``\\xHH``/``\\uHHHH``/``\\UHHHHHHHH``,
which both read as the character itself.  Recursive rules (nested
comments) are unrolled ``depth`` levels deep.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import attrs

from msgtrk._errors import AbnfError
from msgtrk.abnf._ast import (
    Alternation,
    CharRange,
    Concatenation,
    Literal,
    Node,
    Prose,
    Reference,
    Repeat,
    rule_key,
)
from msgtrk.abnf._contain import Intervals, Shape, merge_intervals, within
from msgtrk.abnf._grammar import Grammar

__all__ = [
    "MAX_INLINE_DEPTH",
    "RegexBuilder",
    "case_intervals",
    "char_class",
    "escape_char",
    "inline_depth_error",
    "is_nullable",
    "nonempty",
    "nullable_rules",
    "to_regex",
]


_ATOM, _SEQ, _ALT = 2, 1, 0

# How many rules deep references are inlined into one another (a regex, a
# generated string): far beyond the RFC grammars (about 20), far from
# Python's recursion limit.
MAX_INLINE_DEPTH = 100
_MAX_CODE = 0x10FFFF


def escape_char(code: int) -> str:
    """One character, readable by Lark and ``re`` alike (see module doc)."""
    char = chr(code)
    if char.isascii() and (char.isalnum() or char == "_"):
        return char
    if 0x21 <= code <= 0x7E:
        return "\\" + char
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _complement(merged: Intervals) -> Intervals:
    result = []
    previous = 0
    for low, high in merged:
        if low > previous:
            result.append((previous, low - 1))
        previous = high + 1
    if previous <= _MAX_CODE:
        result.append((previous, _MAX_CODE))
    return tuple(result)


def _size(merged: Intervals) -> int:
    return sum(high - low + 1 for low, high in merged)


def char_class(intervals: Iterable[tuple[int, int]]) -> str:
    """A regex matching one character of ``intervals``.

    A class larger than its complement is written negated (``[^...]``):
    interegular, which Lark's strict mode uses, enumerates positive classes
    and takes seconds on the large Unicode ranges of RFC 6532/6533.
    """
    merged = merge_intervals(intervals)
    if len(merged) == 1 and merged[0][0] == merged[0][1]:
        return escape_char(merged[0][0])
    complement = _complement(merged)
    if complement and _size(complement) < _size(merged):
        return "[^" + _class_body(complement) + "]"
    return "[" + _class_body(merged) + "]"


def _class_body(merged: Intervals) -> str:
    parts = []
    for low, high in merged:
        if low == high:
            parts.append(escape_char(low))
        elif high == low + 1:
            parts.append(escape_char(low) + escape_char(high))
        else:
            parts.append(f"{escape_char(low)}-{escape_char(high)}")
    return "".join(parts)


def case_intervals(char: str) -> Intervals:
    variants = {char, char.lower(), char.upper()}
    return merge_intervals((ord(v), ord(v)) for v in variants if len(v) == 1)


@attrs.frozen
class _Re:
    text: str
    precedence: int
    chars: Intervals | None = None  # a single-character class
    width: float = 1  # longest match (math.inf: unbounded)
    first: Intervals = ()  # the characters a match can start with
    nullable: bool = False
    shape: Shape = None  # the structure, for containment (msgtrk.abnf._contain)


_EMPTY = _Re("", _ATOM, width=0, nullable=True, shape=("e",))


def _class(intervals: Intervals) -> _Re:
    return _Re(char_class(intervals), _ATOM, intervals, first=intervals, shape=("c", intervals))


def _group(item: _Re, precedence: int) -> str:
    return item.text if item.precedence >= precedence else f"(?:{item.text})"


def _quantified(item: _Re, low: int, high: int | None) -> _Re:
    if not item.text or high == 0:
        return _EMPTY
    if (low, high) == (1, 1):
        return item
    single = item.chars is not None or (item.precedence == _ATOM and _is_one_atom(item.text))
    base = item.text if single else f"(?:{item.text})"
    if (low, high) == (0, None):
        suffix = "*"
    elif (low, high) == (1, None):
        suffix = "+"
    elif (low, high) == (0, 1):
        suffix = "?"
    elif high is None:
        suffix = f"{{{low},}}"
    elif low == high:
        suffix = f"{{{low}}}"
    else:
        suffix = f"{{{low},{high}}}"
    return _Re(
        base + suffix,
        _ATOM,
        width=math.inf if high is None else item.width * high,
        first=item.first,
        nullable=low == 0 or item.nullable,
        shape=None if item.shape is None else ("r", low, high, item.shape),
    )


def _is_one_atom(text: str) -> bool:
    if text.startswith("(?") and _closing(text, 0) == len(text) - 1:
        return True
    if text.startswith("[") and _class_end(text) == len(text) - 1:
        return True
    return (
        len(text) == 1
        or (len(text) == 2 and text[0] == "\\")
        or (text[0] == "\\" and text[1] in "xuU" and len(text) in (4, 6, 10))
    )


def _closing(text: str, start: int) -> int:
    depth = 0
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(text, index) + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _class_end(text: str, start: int = 0) -> int:
    index = start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == "]":
            return index
        index += 1
    return -1


def nullable_rules(grammar: Grammar) -> frozenset[str]:
    """Keys of the rules that match the empty string."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for definition in grammar:
            if definition.key not in found and is_nullable(definition.node, found):
                found.add(definition.key)
                changed = True
    return frozenset(found)


def is_nullable(node: Node, nullable: frozenset[str] | set[str]) -> bool:
    """Whether ``node`` matches the empty string, given the nullable rule keys."""
    if isinstance(node, Literal):
        return node.text == ""
    if isinstance(node, CharRange | Prose):
        return False
    if isinstance(node, Reference):
        return node.key in nullable
    if isinstance(node, Repeat):
        return node.min == 0 or node.max == 0 or is_nullable(node.node, nullable)
    if isinstance(node, Concatenation):
        return all(is_nullable(item, nullable) for item in node.items)
    return any(is_nullable(item, nullable) for item in node.items)


def nonempty(
    node: Node, grammar: Grammar, nullable: frozenset[str], _stack: tuple[str, ...] = ()
) -> Node | None:
    """``node`` without the empty string (None when it matches only that).

    Nullable rules it references are inlined.
    """
    if not is_nullable(node, nullable):
        return node
    if isinstance(node, Literal):
        return None
    if isinstance(node, Reference):
        if node.key in _stack:
            return None
        return nonempty(grammar[node.name].node, grammar, nullable, (*_stack, node.key))
    if isinstance(node, Repeat):
        if node.max == 0:
            return None
        inner = nonempty(node.node, grammar, nullable, _stack)
        return None if inner is None else Repeat(min=1, max=node.max, node=inner)
    if isinstance(node, Concatenation):
        choices: list[Node] = []
        for index, item in enumerate(node.items):
            head = nonempty(item, grammar, nullable, _stack)
            if head is None:
                continue
            rest = node.items[index + 1 :]
            choices.append(Concatenation(items=(head, *rest)) if rest else head)
        return _alternation(choices)
    if isinstance(node, Alternation):
        options = [nonempty(item, grammar, nullable, _stack) for item in node.items]
        return _alternation([option for option in options if option is not None])
    return node  # pragma: no cover - CharRange and Prose are never nullable


def _alternation(items: Sequence[Node]) -> Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else Alternation(items=tuple(items))


class RegexBuilder:
    """Compiles ABNF nodes of ``grammar`` to regex text.

    ``delete`` are rule keys replaced by the empty string; ``substitute``
    may return a ready regex for a rule key (None: inline the rule).
    """

    def __init__(
        self,
        grammar: Grammar,
        *,
        depth: int = 3,
        delete: Iterable[str] = (),
        substitute: Callable[[str], str | None] | None = None,
    ) -> None:
        self.grammar = grammar
        self.depth = depth
        self.delete = frozenset(rule_key(name) for name in delete)
        self.substitute = substitute
        self.recursive = _recursive_rules(grammar)
        self._cache: dict[str, _Re | None] = {}

    def rule(self, name: str) -> str:
        """The regex of rule ``name``."""
        return self.pattern(Reference(name=name))

    def pattern(self, node: Node) -> str:
        """The regex of ``node``; AbnfError if it can only match by recursing too deep."""
        return self.compiled(node)[0]

    def compiled(self, node: Node) -> tuple[str, Shape]:
        """The regex of ``node`` and its structure (``msgtrk.abnf._contain``)."""
        result = self._node(node, ())
        if result is None:
            raise AbnfError(
                f"{_describe(node)} cannot be unrolled into a regex {self.depth} levels deep",
                line=1,
                column=1,
                offset=0,
            )
        return result.text, result.shape

    def _node(self, node: Node, stack: tuple[str, ...]) -> _Re | None:
        if isinstance(node, CharRange):
            return _class(((node.low, node.high),))
        if isinstance(node, Literal):
            return self._literal(node)
        if isinstance(node, Reference):
            return self._reference(node, stack)
        if isinstance(node, Repeat):
            inner = self._node(node.node, stack)
            if inner is None:
                return _EMPTY if node.min == 0 else None
            return _quantified(inner, node.min, node.max)
        if isinstance(node, Concatenation):
            parts = []
            for item in node.items:
                part = self._node(item, stack)
                if part is None:
                    return None
                if part.text:
                    parts.append(part)
            if not parts:
                return _EMPTY
            if len(parts) == 1:
                return parts[0]
            return _concatenation(parts)
        if isinstance(node, Alternation):
            return self._alternation([self._node(item, stack) for item in node.items])
        raise AbnfError(
            f"prose value <{node.text}> cannot be compiled",
            line=max(node.line, 1),
            column=max(node.column, 1),
            offset=node.offset,
        )

    def _literal(self, node: Literal) -> _Re:
        parts = []
        for char in node.text:
            intervals = ((ord(char), ord(char)),) if node.case_sensitive else case_intervals(char)
            parts.append(_class(intervals))
        if not parts:
            return _EMPTY
        if len(parts) == 1:
            return parts[0]
        return _concatenation(parts)

    def _reference(self, node: Reference, stack: tuple[str, ...]) -> _Re | None:
        key = node.key
        if key in self.delete:
            return _EMPTY
        if self.substitute is not None:
            ready = self.substitute(key)
            if ready is not None:
                everything = ((0, _MAX_CODE),)
                precedence = _ATOM if _is_one_atom(ready) else _ALT
                return _Re(ready, precedence, width=math.inf, first=everything)
        if key not in self.grammar:
            raise AbnfError(
                f"undefined rule {node.name}",
                line=max(node.line, 1),
                column=max(node.column, 1),
                offset=node.offset,
                rule=node.name,
            )
        if len(stack) >= MAX_INLINE_DEPTH:
            raise inline_depth_error(node)
        if key not in self.recursive:
            if key not in self._cache:
                self._cache[key] = self._node(self.grammar[key].node, (*stack, key))
            return self._cache[key]
        if stack.count(key) >= self.depth:
            return None
        return self._node(self.grammar[key].node, (*stack, key))

    def _alternation(self, options: list[_Re | None]) -> _Re | None:
        kept = [option for option in options if option is not None]
        if not kept:
            return None
        classes = [option for option in kept if option.chars is not None]
        others: list[_Re] = []
        for option in kept:
            if option.chars is None and option.text not in (o.text for o in others):
                others.append(option)
        if classes:
            intervals = merge_intervals(pair for option in classes for pair in option.chars or ())
            others.append(_class(intervals))
        empty = any(not option.text for option in others)
        others = [option for option in others if option.text]
        if not others:
            return _EMPTY
        # A lexer takes the first alternative that matches, not the
        # longest: try the longer and wider-starting alternatives first.
        others = _prune(sorted(others, key=_order))
        if len(others) == 1:
            result = others[0]
        else:
            result = _Re(
                "|".join(_group(option, _SEQ) for option in others),
                _ALT,
                width=max(option.width for option in others),
                first=merge_intervals(pair for option in others for pair in option.first),
                nullable=any(option.nullable for option in others),
                shape=_shape("a", others),
            )
        return _quantified(result, 0, 1) if empty else result


def _order(option: _Re) -> tuple[float, int]:
    return -option.width, -_size(option.first)


def _prune(ordered: list[_Re]) -> list[_Re]:
    """Drop each alternative whose language is within an earlier one's.

    Such an alternative adds no string; under a repetition it doubles the
    ways to match (``(?:U-label|LDH-label)`` both match ``ab``: 2**n ways to
    fail on n labels).  An earlier alternative matches whenever the dropped
    one would have (same text, same position), so the first match - the
    lexer's token, an atomic group's choice - stays the same too.  Where the
    order ties (same width, same first characters) and the earlier
    alternative is within a later one, the wider one takes its place: the
    language stays, a first match may take more (in the bundled grammars:
    RFC 5322 FWS, whose first match is ignored or runs to a delimiter
    anyway, and ``4*DIGIT / 2*DIGIT``, both greedy to the last digit).
    """
    result: list[_Re] = []
    for option in ordered:
        if any(within(option.shape, earlier.shape) for earlier in result):
            continue
        ties = [
            index
            for index, earlier in enumerate(result)
            if _order(earlier) == _order(option) and within(earlier.shape, option.shape)
        ]
        if not ties:
            result.append(option)
            continue
        result[ties[0]] = option
        for index in reversed(ties[1:]):
            del result[index]
    return result


def _shape(kind: str, parts: Sequence[_Re]) -> Shape:
    if any(part.shape is None for part in parts):
        return None
    items: list[Shape] = []
    for part in parts:
        shape = part.shape
        assert shape is not None
        items.extend(shape[1] if shape[0] == kind else (shape,))
    return (kind, tuple(items))


def _concatenation(parts: Sequence[_Re]) -> _Re:
    first: list[tuple[int, int]] = []
    for part in parts:
        first.extend(part.first)
        if not part.nullable:
            break
    return _Re(
        "".join(_group(part, _SEQ) for part in parts),
        _SEQ,
        width=sum(part.width for part in parts),
        first=merge_intervals(first),
        nullable=all(part.nullable for part in parts),
        shape=_shape("s", parts),
    )


def _recursive_rules(grammar: Grammar) -> frozenset[str]:
    found = set()
    for definition in grammar:
        start = definition.key
        seen: set[str] = set()
        stack = [ref.key for ref in grammar.references(start)]
        while stack:
            key = stack.pop()
            if key == start:
                found.add(start)
                break
            if key in seen or key not in grammar:
                continue
            seen.add(key)
            stack.extend(ref.key for ref in grammar.references(key))
    return frozenset(found)


def inline_depth_error(node: Reference) -> AbnfError:
    """AbnfError at ``node``: rules nested more than MAX_INLINE_DEPTH deep."""
    return AbnfError(
        f"rule {node.name}: rules referenced more than {MAX_INLINE_DEPTH} levels deep",
        line=max(node.line, 1),
        column=max(node.column, 1) if node.line >= 1 else 1,
        offset=node.offset if node.line >= 1 else 0,
        rule=node.name,
    )


def _describe(node: Node) -> str:
    return f"rule {node.name}" if isinstance(node, Reference) else "the expression"


def to_regex(grammar: Grammar, rule: str, *, depth: int = 3, delete: Iterable[str] = ()) -> str:
    """A Python regex (for ``re.fullmatch``) of ABNF ``rule``, every rule
    below it inlined; recursive rules unrolled ``depth`` levels deep.

    Contained alternatives are dropped, but a grammar whose alternatives
    overlap under a repetition (``*("x" / "xx")``) still gives a regex that
    backtracks exponentially on a failing match: time it before running it
    on untrusted input (docs/conformance/abnf-compiler.md).
    """
    return RegexBuilder(grammar, depth=depth, delete=delete).rule(rule)

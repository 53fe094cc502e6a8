"""ABNF to Lark, cut into tokens as a spec declares (notes: abnf-to-lalr.md).

The fixes applied, in order:

* ``drop`` rules are deleted everywhere, ``ignore`` rules are deleted from
  rules and from the edges of tokens and become ``%ignore`` terminals;
* every ``tokens`` rule becomes one regex terminal with everything under
  it inlined (recursive rules unrolled ``recursion_depth`` levels);
  ``*r`` for a ``runs`` rule becomes one run terminal ``R_RUN``;
* literals are split at punctuation (``"ENVID="`` is ``"ENVID"i "="``) and
  case-insensitive ones are written ``"..."i``, never char by char;
* duplicate alternatives are merged after resolving unit rules, empty
  rules and optionals are folded;
* nullable tokens and rules are made non-empty and their uses optional;
* every terminal is named, and ``display`` maps each name to its ABNF
  spelling for error messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import lark

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
    Rule,
    rule_key,
)
from msgtrk.abnf._contain import Shape, within
from msgtrk.abnf._grammar import Definition, Grammar, rule_error
from msgtrk.abnf._ir import EMPTY, Choice, Item, Ref, Rep, Seq, Term, simplify, walk
from msgtrk.abnf._regex import (
    RegexBuilder,
    case_intervals,
    char_class,
    escape_char,
    is_nullable,
    nonempty,
    nullable_rules,
)
from msgtrk.abnf._spec import Spec

__all__ = [
    "NONEMPTY",
    "CompiledGrammar",
    "TerminalDef",
    "compile_grammar",
    "lark_name",
    "terminal_name",
    "with_field_values",
]

_PUNCTUATION = {
    "!": "BANG", '"': "DQUOTE", "#": "HASH", "$": "DOLLAR", "%": "PERCENT", "&": "AMPERSAND",
    "'": "QUOTE", "(": "LPAR", ")": "RPAR", "*": "STAR", "+": "PLUS", ",": "COMMA",
    "-": "MINUS", ".": "DOT", "/": "SLASH", ":": "COLON", ";": "SEMICOLON", "<": "LESSTHAN",
    "=": "EQUAL", ">": "MORETHAN", "?": "QMARK", "@": "AT", "[": "LSQB", "\\": "BACKSLASH",
    "]": "RSQB", "^": "CIRCUMFLEX", "_": "UNDERSCORE", "`": "BACKQUOTE", "{": "LBRACE",
    "|": "VBAR", "}": "RBRACE", "~": "TILDE", " ": "SP", "\t": "HTAB", "\r": "CR", "\n": "LF",
}  # fmt: skip
NONEMPTY = "__nonempty"
_PIECES = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*|[\s\S]")


def lark_name(abnf_name: str) -> str:
    """The Lark rule name of an ABNF rule: lower case, ``-`` as ``_``."""
    return abnf_name.lower().replace("-", "_")


def terminal_name(abnf_name: str) -> str:
    """The Lark terminal name of an ABNF token rule: upper case, ``-`` as ``_``."""
    return abnf_name.upper().replace("-", "_")


@attrs.frozen(kw_only=True)
class TerminalDef:
    """One emitted terminal: a literal string or a regex."""

    name: str
    pattern: str
    literal: bool = False
    case_insensitive: bool = False
    display: str = ""
    priority: int = 0
    ignore: bool = False
    recursive: bool = False  # unrolled from a recursive rule (a nested comment)
    comment: tuple[str, ...] = ()
    # the structure of a regex terminal (msgtrk.abnf._contain); None: unknown
    shape: Shape = attrs.field(default=None, eq=False, repr=False)

    def lark(self) -> str:
        """The terminal's Lark definition."""
        head = self.name if not self.priority else f"{self.name}.{self.priority}"
        if self.literal:
            text = self.pattern.replace("\\", "\\\\").replace('"', '\\"')
            return f'{head}: "{text}"' + ("i" if self.case_insensitive else "")
        return f"{head}: /{self.pattern}/"

    def language(self) -> Shape:
        """The structure of what the terminal matches (None: unknown)."""
        if not self.literal:
            return self.shape
        return (
            "s",
            tuple(
                ("c", case_intervals(char) if self.case_insensitive else ((ord(char), ord(char)),))
                for char in self.pattern
            ),
        )

    def regex(self) -> str:
        """The terminal as a Python regex."""
        if not self.literal:
            return self.pattern
        parts = []
        for char in self.pattern:
            variants = {char, char.upper(), char.lower()} if self.case_insensitive else {char}
            parts.append(char_class((ord(v), ord(v)) for v in variants if len(v) == 1))
        return "".join(parts)


@attrs.frozen(kw_only=True)
class RuleDef:
    """One emitted Lark rule."""

    name: str
    abnf_name: str
    body: Item
    comment: tuple[str, ...] = ()
    alias: str | None = None  # tree nodes named after this rule instead


@attrs.frozen(kw_only=True)
class CompiledGrammar:
    """A grammar compiled for Lark, with the tables the runtime needs."""

    spec: Spec
    rules: tuple[RuleDef, ...]
    terminals: tuple[TerminalDef, ...]
    start: tuple[str, ...]
    # regexes of the spec's regex rules that are not Lark rules (straight from the ABNF)
    extra_regex: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def rule_names(self) -> dict[str, str]:
        """Lark rule name -> ABNF rule name."""
        return {rule.name: rule.abnf_name for rule in self.rules}

    @property
    def display(self) -> dict[str, str]:
        """Terminal name -> ABNF spelling (rule name or quoted literal)."""
        return {terminal.name: terminal.display for terminal in self.terminals}

    def lark_text(self, header: Sequence[str] = ()) -> str:
        """The grammar as Lark text, each rule and terminal under its ABNF."""
        out = [f"// {line}" if line else "//" for line in header]
        out.append("// start rules: " + ", ".join(self.start))
        out.append("")
        for rule in self.rules:
            out.extend(f"// {line}".rstrip() for line in rule.comment)
            out.append(_emit_rule(rule))
            out.append("")
        for terminal in self.terminals:
            out.extend(f"// {line}".rstrip() for line in terminal.comment)
            out.append(terminal.lark())
            out.append("")
        for terminal in self.terminals:
            if terminal.ignore:
                out.append(f"%ignore {terminal.name}")
        return "\n".join(out).rstrip() + "\n"

    def lark(self, **options: Any) -> lark.Lark:
        """Build the ``lark.Lark`` parser (LALR with the contextual lexer by
        default for a LALR spec; Earley otherwise)."""
        settings: dict[str, Any] = {"start": list(self.start), "maybe_placeholders": False}
        if self.spec.parser == "lalr":
            settings |= {"parser": "lalr", "lexer": "contextual"}
        else:
            settings |= {"parser": "earley", "lexer": "dynamic"}
        settings |= options
        try:
            return lark.Lark(self.lark_text(), **settings)
        except lark.exceptions.LarkError as exc:
            # e.g. an LALR conflict: only msgtrk errors escape the compiler
            raise AbnfError(
                f"{self.spec.name}: Lark cannot build the {settings['parser']} parser: {exc}",
                line=1,
                column=1,
                offset=0,
                rule=self.start[0] if self.start else None,
            ) from exc

    def regex(self, rule: str, *, atomic: bool = True) -> str:
        """A Python regex accepting what the Lark grammar accepts as ``rule``
        (ignored terminals allowed between tokens, except recursive ones:
        the fast path takes no comments, the LALR fallback does); AbnfError
        if ``rule`` is recursive.  ``atomic`` commits each token like the
        lexer does."""
        bodies = {definition.name: definition.body for definition in self.rules}
        terminals = {terminal.name: terminal for terminal in self.terminals}
        ignored = [
            terminal.regex()
            for terminal in self.terminals
            if terminal.ignore and not terminal.recursive
        ]
        gap = ""
        if ignored:
            gap = "(?:" + "|".join(ignored) + ")*"
            gap = f"(?>{gap})" if atomic else gap

        def guard(option: Item, choice: Choice) -> str:
            # A token within another option's run token (a keyword that
            # 1*NAMECHAR also matches): where the run stops at the same end
            # the run already matched the text, so the token only adds a
            # match when a run character follows.  Without the lookahead,
            # n repeated codes fail in 2**n ways.
            if not atomic or not isinstance(option, Term):
                return ""
            small = terminals[option.name].language()
            for other in choice.items:
                if not isinstance(other, Term) or other == option:
                    continue
                big = terminals[other.name].language()
                if big is not None and big[0] == "r" and big[3][0] == "c" and within(small, big):
                    return f"(?={char_class(big[3][1])})"
            return ""

        def emit(item: Item, stack: tuple[str, ...]) -> str:
            if isinstance(item, Term):
                text = terminals[item.name].regex()
                text = f"(?>{text})" if atomic else f"(?:{text})"
                return gap + text
            if isinstance(item, Ref):
                if item.name in stack:
                    raise AbnfError(
                        f"rule {self.rule_names.get(item.name, item.name)} is recursive: no regex",
                        line=1,
                        column=1,
                        offset=0,
                        rule=self.rule_names.get(item.name, item.name),
                    )
                return "(?:" + emit(bodies[item.name], (*stack, item.name)) + ")"
            if isinstance(item, Seq):
                return "".join(emit(child, stack) for child in item.items)
            if isinstance(item, Choice):
                options = [emit(child, stack) + guard(child, item) for child in item.items]
                return "(?:" + "|".join(options) + ")"
            inner = "(?:" + emit(item.item, stack) + ")"
            low, high = item.min, item.max
            if (low, high) == (0, 1):
                return inner + "?"
            if high is None:
                return inner + ("*" if low == 0 else "+" if low == 1 else f"{{{low},}}")
            return inner + (f"{{{low}}}" if low == high else f"{{{low},{high}}}")

        name = lark_name(rule)
        if rule.lower() in self.extra_regex:
            return self.extra_regex[rule.lower()]
        if name not in bodies:
            raise AbnfError(
                f"no rule {rule} in grammar {self.spec.name}", line=1, column=1, offset=0
            )
        body = emit(Ref(name), ())
        return body + gap


def _atom(item: Item, text: str) -> str:
    return f"({text})" if isinstance(item, Seq | Choice | Rep) else text


def _emit(item: Item) -> str:
    if isinstance(item, Term | Ref):
        return item.name
    if isinstance(item, Seq):
        return " ".join(
            f"({_emit(child)})" if isinstance(child, Choice) else _emit(child)
            for child in item.items
        )
    if isinstance(item, Choice):
        return " | ".join(_emit(child) for child in item.items)
    inner = _atom(item.item, _emit(item.item))
    low, high = item.min, item.max
    if (low, high) == (0, 1):
        return inner + "?"
    if (low, high) == (0, None):
        return inner + "*"
    if (low, high) == (1, None):
        return inner + "+"
    if high is None:
        return f"{inner}~{low} {inner}*"
    if low == 0:
        return f"({inner}~1..{high})?"
    return f"{inner}~{low}" if low == high else f"{inner}~{low}..{high}"


def _emit_rule(rule: RuleDef) -> str:
    body = rule.body
    alias = f" -> {rule.alias}" if rule.alias else ""
    if isinstance(body, Choice):
        options = [_emit(option) + alias for option in body.items]
        return f"{rule.name}: " + "\n    | ".join(options)
    if alias:
        return f"{rule.name}: {_emit(body)}{alias}"
    return f"{rule.name}: {_emit(body)}" if body != EMPTY else f"{rule.name}:"


def _rule_comment(definition: Definition, extra: Iterable[str] = ()) -> tuple[str, ...]:
    lines: list[str] = list(extra)
    for rule in definition.rules:
        lines.extend(_rule_lines(rule))
    for rule in definition.replaced:
        lines.append(f"replaces ({rule.source}):")
        lines.extend("  " + line for line in _rule_lines(rule))
    return tuple(lines)


def _rule_lines(rule: Rule) -> list[str]:
    head = [f"{rule.section}" + ("" if rule.source.startswith("RFC") else f" ({rule.source})")]
    if not rule.section:
        head = [rule.source]
    return head + [line.rstrip() for line in rule.text.splitlines()]


def _describe_literal(text: str, case_sensitive: bool) -> str:
    if all(0x20 <= ord(char) <= 0x7E and char != '"' for char in text):
        return ('%s"' if case_sensitive and text.lower() != text.upper() else '"') + text + '"'
    return "%x" + ".".join(f"{ord(char):02X}" for char in text)


def _describe_range(low: int, high: int) -> str:
    return f"%x{low:02X}" if low == high else f"%x{low:02X}-{high:02X}"


class _Compiler:
    def __init__(self, grammar: Grammar, spec: Spec) -> None:
        self.spec = spec
        self.grammar = with_field_values(grammar, spec.field_values)
        self.start = [rule_key(name) for name in spec.start]
        for name in spec.start:
            if name not in self.grammar:
                raise AbnfError(f"{spec.name}: no start rule {name}", line=1, column=1, offset=0)
        self.grammar.check(self.start, warn=False)
        self.drop = spec.keys("drop")
        self.ignore = spec.keys("ignore")
        self.runs = spec.keys("runs")
        self.hidden = spec.keys("hidden")
        self.inline = spec.keys("inline")
        self.tokens = spec.keys("tokens") | (self.hidden & set(self.grammar.definitions))
        if spec.automatic:
            self.tokens |= {
                key for key, definition in self.grammar.definitions.items()
                if _single_char(definition.node, self.grammar, set())
            }  # fmt: skip
        # The grammar tokens are built from: dropped rules match nothing.
        deleted = {
            key: attrs.evolve(definition, node=Literal(text=""))
            for key, definition in self.grammar.definitions.items()
            if key in self.drop
        }
        self.token_grammar = Grammar(definitions={**self.grammar.definitions, **deleted})
        self.token_nullable = nullable_rules(self.token_grammar)
        self.builder = RegexBuilder(self.token_grammar, depth=spec.recursion_depth)
        self.terminals: dict[str, TerminalDef] = {}
        self.nullable_terms: set[str] = set()
        self.bodies: dict[str, Item] = {}
        self.order: list[str] = []
        self.aliases: dict[str, str] = {}
        self.abnf_names: dict[str, str] = {}
        self.comments: dict[str, tuple[str, ...]] = {}

    # ------------------------------------------------------------ terminals
    def _add(self, terminal: TerminalDef) -> str:
        old = self.terminals.get(terminal.name)
        if old is not None and (old.pattern, old.literal, old.case_insensitive) != (
            terminal.pattern,
            terminal.literal,
            terminal.case_insensitive,
        ):
            raise AbnfError(
                f"{self.spec.name}: two different terminals named {terminal.name}",
                line=1,
                column=1,
                offset=0,
            )
        if old is None:
            priority = self.spec.priorities.get(terminal.name, terminal.priority)
            self.terminals[terminal.name] = attrs.evolve(terminal, priority=priority)
        return terminal.name

    def _priority(self, key: str, name: str) -> int:
        by_rule = {rule_key(k): v for k, v in self.spec.priorities.items()}
        return self.spec.priorities.get(name, by_rule.get(key, 0))

    def token(self, key: str) -> Item:
        """A reference to token rule ``key`` (optional if it was nullable)."""
        definition = self.grammar.definitions[key]
        hidden = key in self.hidden
        name = ("_" if hidden else "") + terminal_name(definition.name)
        if name not in self.terminals:
            stripped = _strip_edges(definition.node, self.ignore)
            node = nonempty(stripped, self.token_grammar, self.token_nullable)
            if node is None:
                raise rule_error(
                    definition.first, f"token {definition.name} matches only the empty string"
                )
            if is_nullable(stripped, self.token_nullable):
                self.nullable_terms.add(name)
            pattern, shape = self.builder.compiled(node)
            self._add(
                TerminalDef(
                    name=name,
                    pattern=pattern,
                    display=definition.name,
                    priority=self._priority(key, name),
                    comment=_rule_comment(definition),
                    shape=shape,
                )
            )
        return Rep(0, 1, Term(name)) if name in self.nullable_terms else Term(name)

    def ignored(self, key: str) -> None:
        definition = self.grammar.definitions[key]
        name = terminal_name(definition.name)
        node = nonempty(definition.node, self.token_grammar, self.token_nullable)
        if node is None:
            return
        self._add(
            TerminalDef(
                name=name,
                pattern=self.builder.pattern(node),
                display=definition.name,
                priority=self._priority(key, name),
                ignore=True,
                recursive=key in self.builder.recursive,
                comment=_rule_comment(definition),
            )
        )

    def run(self, key: str, low: int, high: int | None) -> Item:
        definition = self.grammar.definitions[key]
        base = terminal_name(definition.name) + "_RUN"
        first = max(low, 1)
        name = base if (first, high) == (1, None) else f"{base}_{first}_{high or 'N'}"
        if name not in self.terminals:
            repeat = Repeat(min=first, max=high, node=Reference(name=definition.name))
            node = nonempty(repeat, self.token_grammar, self.token_nullable) or repeat
            shown = ("*" if low == 0 and high is None else f"{low}*{high or ''}") + definition.name
            pattern, shape = self.builder.compiled(node)
            self._add(
                TerminalDef(
                    name=name,
                    pattern=pattern,
                    display=shown,
                    priority=self._priority(key, name),
                    comment=_rule_comment(definition, [f"run of {definition.name}"]),
                    shape=shape,
                )
            )
        return Rep(0, 1, Term(name)) if low == 0 else Term(name)

    def literal(self, node: Literal) -> Item:
        if node.text == "":
            return EMPTY
        keep = not self.spec.split_keywords or node.text in self.spec.keep_literals
        pieces = [node.text] if keep else _PIECES.findall(node.text)
        items: list[Item] = []
        for piece in pieces:
            sensitive = node.case_sensitive and piece.lower() != piece.upper()
            printable = all(0x20 <= ord(char) <= 0x7E for char in piece)
            if len(piece) == 1 and piece in _PUNCTUATION:
                name = _PUNCTUATION[piece]
            elif re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", piece):
                name = "KW_" + re.sub(r"[-.]", "_", piece.upper())
            else:
                name = "LIT_" + "_".join(
                    _PUNCTUATION.get(
                        part, part.upper() if part.isalnum() else f"X{ord(part[0]):02X}"
                    )
                    for part in _PIECES.findall(piece)
                ).replace("-", "_").replace(".", "_")
            if sensitive:
                # RFC 7405: %s"GET" and %s"get" are different strings, so the
                # name records which letters are lower case (U/L per letter)
                name += "_CS"
                if piece != piece.upper():
                    name += "_" + "".join("L" if c.islower() else "U" for c in piece if c.isalpha())
            display = _describe_literal(piece, sensitive)
            if printable:
                terminal = TerminalDef(
                    name=name,
                    pattern=piece,
                    literal=True,
                    case_insensitive=not sensitive and piece.lower() != piece.upper(),
                    display=display,
                )
            else:
                pattern = "".join(escape_char(ord(char)) for char in piece)
                shape = ("s", tuple(("c", ((ord(char), ord(char)),)) for char in piece))
                terminal = TerminalDef(name=name, pattern=pattern, display=display, shape=shape)
            terminal = attrs.evolve(terminal, priority=self.spec.priorities.get(name, 0))
            items.append(Term(self._add(terminal)))
        return Seq(tuple(items))

    def char_range(self, node: CharRange) -> Item:
        if node.low == node.high:
            return self.literal(Literal(text=chr(node.low), case_sensitive=True))
        name = f"RANGE_{node.low:02X}_{node.high:02X}"
        return Term(
            self._add(
                TerminalDef(
                    name=name,
                    pattern=char_class(((node.low, node.high),)),
                    display=_describe_range(node.low, node.high),
                    shape=("c", ((node.low, node.high),)),
                )
            )
        )

    # ------------------------------------------------------------ rules
    def convert(self, node: Node, queue: list[str]) -> Item:
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, CharRange):
            return self.char_range(node)
        if isinstance(node, Reference):
            key = node.key
            if key in self.drop or key in self.ignore:
                return EMPTY
            if key in self.tokens:
                return self.token(key)
            if key in self.runs:
                return self.token(key)
            if key in self.inline:
                return self.convert(self.grammar.definitions[key].node, queue)
            queue.append(key)
            return Ref(lark_name(self.grammar.definitions[key].name))
        if isinstance(node, Repeat):
            inner = node.node
            if isinstance(inner, Reference) and inner.key in self.runs:
                return self.run(inner.key, node.min, node.max)
            return Rep(node.min, node.max, self.convert(inner, queue))
        if isinstance(node, Concatenation):
            return Seq(tuple(self.convert(item, queue) for item in node.items))
        if isinstance(node, Alternation):
            return Choice(tuple(self.convert(item, queue) for item in node.items))
        assert isinstance(node, Prose)  # checked before: unreachable
        raise AbnfError(
            f"prose value <{node.text}>",
            line=max(node.line, 1),
            column=max(node.column, 1),
            offset=node.offset,
        )

    def compile(self) -> CompiledGrammar:
        for key in sorted(self.ignore):
            if key in self.grammar.definitions:
                self.ignored(key)
        queue = list(reversed(self.start))
        order: list[str] = []
        while queue:
            key = queue.pop()
            definition = self.grammar.definitions[key]
            name = lark_name(definition.name)
            if name in self.bodies:
                continue
            if key in self.tokens or key in self.runs:
                # A start rule that is a token: a rule holding just the token.
                self.bodies[name] = self.token(key)
            else:
                found: list[str] = []
                self.bodies[name] = simplify(self.convert(definition.node, found))
                queue.extend(reversed(found))
            order.append(name)
            self.abnf_names[name] = definition.name
            self.comments[name] = _rule_comment(definition)
        start = [lark_name(self.grammar.definitions[key].name) for key in self.start]
        self.order = order
        self._merge_duplicates()
        self._nullable(start)
        used = _reachable(self.bodies, start)
        rules = tuple(
            RuleDef(
                name=name, abnf_name=self.abnf_names[name], body=self.bodies[name],
                comment=self.comments[name], alias=self.aliases.get(name),
            )
            for name in order if name in used
        )  # fmt: skip
        names_used = {
            item.name for rule in rules for item in walk(rule.body) if isinstance(item, Term)
        }
        terminals = tuple(
            terminal
            for terminal in sorted(self.terminals.values(), key=_terminal_order)
            if terminal.name in names_used or terminal.ignore
        )
        extra = {
            rule_key(name): self.builder.rule(name)
            for name in self.spec.regex
            if lark_name(name) not in used and name in self.grammar
        }
        return CompiledGrammar(
            spec=self.spec, rules=rules, terminals=terminals, start=tuple(start), extra_regex=extra
        )

    def _merge_duplicates(self) -> None:
        """Resolve unit rules inside alternatives and drop the duplicates."""
        for _ in range(10):
            units = {
                name: body for name, body in self.bodies.items() if isinstance(body, Term | Ref)
            }
            empties = {name for name, body in self.bodies.items() if body == EMPTY}
            changed = False
            for name, body in list(self.bodies.items()):
                new = simplify(_dedupe(body, units, empties))
                if new != body:
                    self.bodies[name] = new
                    changed = True
            if not changed:
                return

    def _nullable(self, start: list[str]) -> None:
        """Make nullable rules non-empty and their uses optional."""
        nullable: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name, body in self.bodies.items():
                if name not in nullable and _ir_nullable(body, nullable):
                    nullable.add(name)
                    changed = True
        if not nullable:
            return

        def wrap(item: Item) -> Item:
            if isinstance(item, Ref):
                return Rep(0, 1, item) if item.name in nullable else item
            if isinstance(item, Seq):
                return Seq(tuple(map(wrap, item.items)))
            if isinstance(item, Choice):
                return Choice(tuple(map(wrap, item.items)))
            if isinstance(item, Rep):
                return Rep(item.min, item.max, wrap(item.item))
            return item

        for name, body in list(self.bodies.items()):
            wrapped = simplify(wrap(body))
            self.bodies[name] = simplify(_ir_nonempty(wrapped)) if name in nullable else wrapped
        for name in start:
            if name in nullable:
                self._nullable_start(name)

    def _nullable_start(self, name: str) -> None:
        """A nullable start rule accepts the empty input; where other rules
        use it they use its non-empty twin, whose nodes are aliased to it."""
        twin = name + NONEMPTY
        self.bodies = {key: _rename(body, name, twin) for key, body in self.bodies.items()}
        self.bodies[twin] = self.bodies[name]
        self.bodies[name] = simplify(Rep(0, 1, self.bodies[twin]))
        self.abnf_names[twin] = self.abnf_names[name]
        self.comments[twin] = (f"{self.abnf_names[name]}, non-empty (where other rules use it)",)
        self.aliases[twin] = name
        self.order.insert(self.order.index(name) + 1, twin)


def _rename(item: Item, old: str, new: str) -> Item:
    if isinstance(item, Ref):
        return Ref(new) if item.name == old else item
    if isinstance(item, Seq):
        return Seq(tuple(_rename(child, old, new) for child in item.items))
    if isinstance(item, Choice):
        return Choice(tuple(_rename(child, old, new) for child in item.items))
    if isinstance(item, Rep):
        return Rep(item.min, item.max, _rename(item.item, old, new))
    return item


def _resolve(item: Item, units: Mapping[str, Item]) -> Item:
    seen: set[str] = set()
    while isinstance(item, Ref) and item.name in units and item.name not in seen:
        seen.add(item.name)
        item = units[item.name]
    return item


def _dedupe(item: Item, units: Mapping[str, Item], empties: set[str]) -> Item:
    """Delete references to empty rules; drop alternatives equal once unit rules are resolved."""
    if isinstance(item, Ref) and item.name in empties:
        return EMPTY
    if isinstance(item, Seq):
        return Seq(tuple(_dedupe(child, units, empties) for child in item.items))
    if isinstance(item, Rep):
        return Rep(item.min, item.max, _dedupe(item.item, units, empties))
    if isinstance(item, Choice):
        kept: list[Item] = []
        resolved: list[Item] = []
        for child in (_dedupe(option, units, empties) for option in item.items):
            target = _resolve(child, units)
            if target not in resolved:
                resolved.append(target)
                kept.append(child)
        return Choice(tuple(kept))
    return item


def _ir_nullable(item: Item, nullable: set[str] | frozenset[str] = frozenset()) -> bool:
    if isinstance(item, Term):
        return False
    if isinstance(item, Ref):
        return item.name in nullable
    if isinstance(item, Seq):
        return all(_ir_nullable(child, nullable) for child in item.items)
    if isinstance(item, Choice):
        return any(_ir_nullable(child, nullable) for child in item.items)
    return item.min == 0 or _ir_nullable(item.item, nullable)


def _ir_nonempty(item: Item) -> Item:
    if not _ir_nullable(item):
        return item
    if isinstance(item, Seq):
        options: list[Item] = []
        for index, child in enumerate(item.items):
            head = _ir_nonempty(child)
            if head != EMPTY:
                options.append(Seq((head, *item.items[index + 1 :])))
        return Choice(tuple(options)) if options else EMPTY
    if isinstance(item, Choice):
        return Choice(tuple(_ir_nonempty(child) for child in item.items))
    if isinstance(item, Rep):
        inner = _ir_nonempty(item.item)
        return EMPTY if inner == EMPTY or item.max == 0 else Rep(1, item.max, inner)
    return item  # pragma: no cover - Term and Ref are never nullable here


def _reachable(bodies: Mapping[str, Item], start: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        name = stack.pop()
        if name in seen or name not in bodies:
            continue
        seen.add(name)
        stack.extend(item.name for item in walk(bodies[name]) if isinstance(item, Ref))
    return seen


def _terminal_order(terminal: TerminalDef) -> tuple[int, str]:
    kind = 0 if terminal.display and not terminal.display.startswith(('"', "%")) else 1
    return kind, terminal.name


def _strip_edges(node: Node, ignore: frozenset[str], left: bool = True, right: bool = True) -> Node:
    """Delete references to ``ignore`` rules at the start and end of a token."""
    if isinstance(node, Reference) and node.key in ignore:
        return Literal(text="")
    if isinstance(node, Alternation):
        return Alternation(
            items=tuple(_strip_edges(item, ignore, left, right) for item in node.items)
        )
    if isinstance(node, Repeat) and node.min == 0 and node.max == 1:
        return Repeat(min=0, max=1, node=_strip_edges(node.node, ignore, left, right))
    if isinstance(node, Concatenation) and node.items:
        items = list(node.items)
        if left:
            items[0] = _strip_edges(items[0], ignore, True, len(items) == 1 and right)
        if right and len(items) > 1:
            items[-1] = _strip_edges(items[-1], ignore, False, True)
        return Concatenation(items=tuple(items))
    return node


def _single_char(node: Node, grammar: Grammar, seen: set[str]) -> bool:
    if isinstance(node, CharRange):
        return True
    if isinstance(node, Literal):
        return len(node.text) == 1
    if isinstance(node, Alternation):
        return all(_single_char(item, grammar, seen) for item in node.items)
    if isinstance(node, Reference):
        if node.key in seen or node.key not in grammar:
            return False
        return _single_char(grammar[node.name].node, grammar, seen | {node.key})
    return False


def with_field_values(grammar: Grammar, names: Iterable[str]) -> Grammar:
    """Derive ``<rule>-value`` for each ``rule = name ":" value`` (per alternative)."""
    added: dict[str, Definition] = {}
    for name in names:
        if f"{name}-value" in grammar:
            continue
        definition = grammar[name]
        node = definition.node
        options = node.items if isinstance(node, Alternation) else (node,)
        values: list[Node] = []
        for option in options:
            items = option.items if isinstance(option, Concatenation) else ()
            if len(items) < 2 or items[1] != Literal(text=":"):
                raise rule_error(
                    definition.first, f'{name} is not of the form field-name ":" value'
                )
            rest = items[2:]
            values.append(
                Literal(text="")
                if not rest
                else rest[0]
                if len(rest) == 1
                else Concatenation(items=rest)
            )
        value = values[0] if len(values) == 1 else Alternation(items=tuple(values))
        derived_name = f"{definition.name}-value"
        rule = Rule(
            name=derived_name,
            definition=value,
            source="derived",
            line=definition.first.line,
            column=definition.first.column,
            offset=definition.first.offset,
            section=definition.section,
            text=f'{derived_name} = the value of {definition.name} (after ":")',
        )
        added[rule.key] = Definition(name=derived_name, node=value, rules=(rule, *definition.rules))
    return Grammar(definitions={**grammar.definitions, **added}) if added else grammar


def compile_grammar(grammar: Grammar, spec: Spec) -> CompiledGrammar:
    """Compile ``grammar`` for Lark as ``spec`` declares."""
    return _Compiler(grammar, spec).compile()

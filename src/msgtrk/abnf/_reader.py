"""Reading ABNF text (RFC 5234 with RFC 7405 and errata 2968/3076).

The meta-grammar is RFC 5234 §4 written for Lark's LALR parser.  White
space, comments and a line break followed by white space (a continuation
line, ``c-nl WSP``) separate elements; a line break followed by anything
else ends a rule.  Blank lines and comment lines between rules are allowed
(``*WSP c-nl``, errata 3076).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

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
)

__all__ = ["MAX_NESTING", "read_rules"]

# The deepest nesting of groups "( )" and options "[ ]" a rule may have.  The
# RFCs nest at most a few levels; the limit keeps the recursive passes after
# the reader (to_regex, to_lark, strategy and the re module itself) far from
# Python's recursion limit.  A deeper bracket is an AbnfError at that bracket.
MAX_NESTING = 64

_META_GRAMMAR = r"""
rulelist: _NL* (rule _NL+)*
rule: RULENAME DEFINED_AS alternation
alternation: concatenation (_SLASH concatenation)*
concatenation: repetition+
repetition: REPEAT? _element
_element: RULENAME | group | option | CHAR_VAL | NUM_VAL | PROSE_VAL
group: _LPAR alternation _RPAR
option: _LSQB alternation _RSQB

RULENAME: /[A-Za-z][A-Za-z0-9-]*/
DEFINED_AS: /=\/?/
REPEAT: /(?:[0-9]*\*[0-9]*|[0-9]+)(?=[A-Za-z(\["%<])/
CHAR_VAL: /(?:%[sSiI])?"[ !#-~]*"/
NUM_VAL: /%[bB][01]+(?:-[01]+|(?:\.[01]+)+)?/
    | /%[dD][0-9]+(?:-[0-9]+|(?:\.[0-9]+)+)?/
    | /%[xX][0-9A-Fa-f]+(?:-[0-9A-Fa-f]+|(?:\.[0-9A-Fa-f]+)+)?/
PROSE_VAL: /<[ -=?-~]*>/
_SLASH: "/"
_LPAR: "("
_RPAR: ")"
_LSQB: "["
_RSQB: "]"
_NL: /\r?\n(?![ \t])/
_CONTINUATION: /\r?\n(?=[ \t])/
_WSP: /[ \t]+/
_COMMENT: /;[^\r\n]*/
%ignore _CONTINUATION
%ignore _WSP
%ignore _COMMENT
"""

# What each meta-grammar terminal is, for error messages.
_DESCRIPTIONS = {
    "RULENAME": "rule name",
    "DEFINED_AS": '"=" or "=/"',
    "REPEAT": "repeat count",
    "CHAR_VAL": "quoted string",
    "NUM_VAL": "%b/%d/%x value",
    "PROSE_VAL": "<prose>",
    "_SLASH": '"/"',
    "_LPAR": '"("',
    "_RPAR": '")"',
    "_LSQB": '"["',
    "_RSQB": '"]"',
    "_NL": "end of line",
    "$END": "end of input",
}

_SECTION = re.compile(r";\s*(RFC\s*\d+\s*§\s*[^\s;,]+)")
_BASES = {"b": 2, "d": 10, "x": 16}
_MAX_CODE = 0x10FFFF


@cache
def _meta_parser() -> lark.Lark:
    return lark.Lark(
        _META_GRAMMAR, start="rulelist", parser="lalr", lexer="contextual", propagate_positions=True
    )


def read_rules(text: str, *, filename: str = "<string>") -> list[Rule]:
    """Parse ABNF ``text`` into its rules, in order; raise AbnfError on bad ABNF."""
    source = text if text.endswith("\n") else text + "\n"
    try:
        tree = _meta_parser().parse(source)
    except lark.exceptions.UnexpectedInput as error:
        raise _error_from_lark(text, filename, error) from None
    lines = [line.rstrip("\r") for line in text.split("\n")]  # as Lark counts lines
    builder = _Builder(text, lines, filename)
    return [builder.rule(child) for child in tree.children if isinstance(child, lark.Tree)]


def _error_from_lark(text: str, filename: str, error: Any) -> AbnfError:
    names = getattr(error, "expected", None) or getattr(error, "allowed", None) or ()
    expected = sorted({_DESCRIPTIONS.get(name, name) for name in names})
    if isinstance(error, lark.exceptions.UnexpectedCharacters):
        offset: int = error.pos_in_stream or 0
        found = repr(text[offset]) if offset < len(text) else "end of input"
        message = f"{filename}: unexpected character {found} in ABNF"
    elif isinstance(error, lark.exceptions.UnexpectedToken) and error.token.type != "$END":
        offset = error.token.start_pos or 0
        what = _DESCRIPTIONS.get(error.token.type, error.token.type)
        message = f"{filename}: unexpected {what} {str(error.token)!r} in ABNF"
    else:
        offset = len(text)
        message = f"{filename}: unexpected end of ABNF"
    return _abnf_error(text, filename, offset, message, expected)


def _abnf_error(
    text: str, filename: str, offset: int, message: str, expected: list[str] | None = None
) -> AbnfError:
    error = AbnfError.at(
        text,
        offset,
        message if message.startswith(filename) else f"{filename}: {message}",
        expected=expected or (),
    )
    assert isinstance(error, AbnfError)
    return error


class _Builder:
    """Turns the meta-grammar's parse tree into AST rules."""

    def __init__(self, text: str, lines: list[str], filename: str) -> None:
        self.text = text
        self.lines = lines
        self.filename = filename
        self.depth = 0

    def rule(self, tree: lark.Tree[Any]) -> Rule:
        children: list[Any] = list(tree.children)
        name, defined_as, alternation = children
        line: int = name.line
        end: int = tree.meta.end_pos
        line_end = self.text.find("\n", end)
        if line_end < 0:
            line_end = len(self.text)
        start = self.text.rfind("\n", 0, name.start_pos) + 1
        return Rule(
            name=str(name),
            definition=self.node(alternation),
            incremental=str(defined_as) == "=/",
            source=self.filename,
            line=line,
            section=self._section(line),
            text=self.text[start:line_end].rstrip(),
            column=name.column,
            offset=name.start_pos,
        )

    def _section(self, line: int) -> str | None:
        index = line - 2
        while index >= 0 and self.lines[index].startswith(";"):
            index -= 1
        for comment in self.lines[index + 1 : line - 1]:
            match = _SECTION.match(comment)
            if match:
                return re.sub(r"\s+", " ", match.group(1)).replace("§ ", "§")
        return None

    def node(self, tree: Any) -> Node:
        kind = tree.data
        if kind == "alternation":
            items = tuple(self.node(child) for child in tree.children)
            return items[0] if len(items) == 1 else Alternation(items=items)
        if kind == "concatenation":
            items = tuple(self.node(child) for child in tree.children)
            return items[0] if len(items) == 1 else Concatenation(items=items)
        if kind == "repetition":
            *repeat, element = tree.children
            node = self.element(element)
            if not repeat:
                return node
            low, high = self._repeat(repeat[0])
            if high == 0:
                # "0<pchar>" (RFC 3986 path-empty): zero occurrences match only the
                # empty string (RFC 5234 §3.7), whatever the element, prose included
                return Literal(text="")
            return Repeat(min=low, max=high, node=node)
        raise AssertionError(kind)  # pragma: no cover

    def element(self, item: Any) -> Node:
        if isinstance(item, lark.Tree):
            if self.depth >= MAX_NESTING:
                raise _abnf_error(
                    self.text,
                    self.filename,
                    item.meta.start_pos,
                    f"groups and options nested more than {MAX_NESTING} levels deep",
                )
            self.depth += 1
            inner = self.node(item.children[0])
            self.depth -= 1
            return Repeat(min=0, max=1, node=inner) if item.data == "option" else inner
        kind, value = item.type, str(item)
        if kind == "RULENAME":
            return Reference(name=value, line=item.line, column=item.column, offset=item.start_pos)
        if kind == "CHAR_VAL":
            sensitive = value[:2].lower() == "%s"
            return Literal(text=value[value.index('"') + 1 : -1], case_sensitive=sensitive)
        if kind == "PROSE_VAL":
            return Prose(
                text=value[1:-1], line=item.line, column=item.column, offset=item.start_pos
            )
        return self._num_val(item)

    def _repeat(self, token: Any) -> tuple[int, int | None]:
        value = str(token)
        if "*" not in value:
            return int(value), int(value)
        low, _, high = value.partition("*")
        bounds = (int(low) if low else 0, int(high) if high else None)
        if bounds[1] is not None and bounds[1] < bounds[0]:
            raise _abnf_error(
                self.text, self.filename, token.start_pos, f"repeat {value}: maximum below minimum"
            )
        return bounds

    def _num_val(self, token: Any) -> Node:
        value = str(token)
        base = _BASES[value[1].lower()]
        body = value[2:]
        separator = "-" if "-" in body else "."
        codes = [int(part, base) for part in body.split(separator)]
        if any(code > _MAX_CODE for code in codes):
            raise _abnf_error(
                self.text, self.filename, token.start_pos, f"{value} is not a character value"
            )
        if separator == "-":
            low, high = codes
            if high < low:
                raise _abnf_error(self.text, self.filename, token.start_pos, f"empty range {value}")
            return CharRange(low=low, high=high)
        if len(codes) == 1:
            return CharRange(low=codes[0], high=codes[0])
        return Literal(text="".join(map(chr, codes)), case_sensitive=True)

"""Exact errors for input the fast path rejected (RFC 5321 §4.1.2, RFC 3461 §4, RFC 3885 §3).

Each function is called only after the pattern of its ABNF rule failed; it
finds the first offending character and names the rule that failed there.
Positions are offsets in the whole line.
"""

from __future__ import annotations

from collections.abc import Iterable

from msgtrk._errors import ParseError
from msgtrk.esmtp._rules import GRAMMAR, pattern

__all__ = [
    "addr_type_error",
    "keyword_error",
    "lalr_error",
    "literal_error",
    "mailbox_error",
    "notify_error",
    "path_error",
    "run_error",
    "timeout_error",
]

_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_ATEXT_ASCII = _ALNUM | frozenset("!#$%&'*+/=?^_`{|}~-")
_DCONTENT = frozenset(chr(c) for c in range(33, 127)) - {"[", "\\", "]"}


def _non_ascii(c: str) -> bool:
    if len(c) != 1:
        return False
    code = ord(c)
    return code >= 0x80 and not 0xD800 <= code <= 0xDFFF


def _atext(c: str) -> bool:
    return c in _ATEXT_ASCII or _non_ascii(c)


def _let_dig(c: str) -> bool:
    return c in _ALNUM or _non_ascii(c)


def run_error(text: str, value: str, start: int, rule: str, what: str) -> ParseError:
    """Error in a 1*(character class) rule: the first character outside the class."""
    rx = pattern(rule)
    for i, c in enumerate(value):
        if rx.fullmatch(c) is None:
            return ParseError.at(
                text,
                start + i,
                f"character {c!r} is not allowed in {rule}",
                rule=rule,
                expected=[what],
            )
    return ParseError.at(text, start + len(value), f"empty {rule}", rule=rule, expected=[what])


def timeout_error(text: str, value: str, start: int) -> ParseError:
    """Error in mtrk-timeout = 1*9DIGIT (RFC 3885 §3.1)."""
    for i, c in enumerate(value):
        if i == 9:
            return ParseError.at(
                text,
                start + i,
                "mtrk-timeout has at most 9 digits (RFC 3885 §3.1)",
                rule="mtrk-timeout",
                expected=["SP", "end of line"],
            )
        if c not in "0123456789":
            return ParseError.at(
                text,
                start + i,
                f"character {c!r} is not a DIGIT",
                rule="mtrk-timeout",
                expected=["DIGIT"],
            )
    return ParseError.at(
        text, start + len(value), "empty mtrk-timeout", rule="mtrk-timeout", expected=["DIGIT"]
    )


def _common(value: str, options: Iterable[str]) -> int:
    best = 0
    up = value.upper()
    for opt in options:
        n = 0
        while n < len(up) and n < len(opt) and up[n] == opt[n]:
            n += 1
        best = max(best, n)
    return best


def literal_error(
    text: str, value: str, start: int, options: tuple[str, ...], rule: str
) -> ParseError:
    """Error in a choice of case-insensitive literals: after the longest common prefix."""
    n = _common(value, options)
    return ParseError.at(
        text,
        start + n,
        f"expected one of {', '.join(options)}",
        rule=rule,
        expected=[f'"{o}"' for o in options],
    )


_NOTIFY_ELEMENTS = ("SUCCESS", "FAILURE", "DELAY")


def notify_error(text: str, value: str, start: int) -> ParseError:
    """Error in notify-esmtp-value (RFC 3461 §4.1)."""
    rule = "notify-esmtp-value"
    items = value.split(",")
    off = start
    for i, item in enumerate(items):
        up = item.upper()
        if up == "NEVER":
            if len(items) > 1:
                at = off + 5 if i == 0 else off
                return ParseError.at(
                    text,
                    at,
                    "NEVER must appear by itself (RFC 3461 §4.1 note a)",
                    rule=rule,
                    expected=["SP", "end of line"] if i == 0 else list(_NOTIFY_ELEMENTS),
                )
        elif up not in _NOTIFY_ELEMENTS:
            options = (*_NOTIFY_ELEMENTS, "NEVER") if i == 0 else _NOTIFY_ELEMENTS
            n = _common(item, options)
            return ParseError.at(
                text,
                off + n,
                "expected SUCCESS, FAILURE or DELAY (or NEVER alone)",
                rule=rule,
                expected=[f'"{o}"' for o in options],
            )
        off += len(item) + 1
    return lalr_error("notify-esmtp-value", text, start, start + len(value))


def addr_type_error(text: str, value: str, start: int) -> ParseError:
    """Error in ``addr-type ";"`` of original-recipient-address (RFC 3461 §4.2)."""
    for i, c in enumerate(value):
        if c == ";" and i > 0:
            break
        if c not in _ATEXT_ASCII:
            return ParseError.at(
                text,
                start + i,
                f"character {c!r} is not allowed in addr-type",
                rule="addr-type",
                expected=["atext"] + (['";"'] if i else []),
            )
    return ParseError.at(
        text,
        start + len(value),
        'ORCPT needs addr-type ";" xtext (RFC 3461 §4.2)',
        rule="original-recipient-address",
        expected=['";"'],
    )


def keyword_error(text: str, kw: str, start: int) -> ParseError:
    """Error in esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")."""
    for i, c in enumerate(kw):
        if c not in _ALNUM and (i == 0 or c != "-"):
            return ParseError.at(
                text,
                start + i,
                f"character {c!r} is not allowed in esmtp-keyword",
                rule="esmtp-keyword",
                expected=["ALPHA", "DIGIT"] + (['"-"'] if i else []),
            )
    return ParseError.at(
        text, start, "missing esmtp-keyword", rule="esmtp-keyword", expected=["ALPHA", "DIGIT"]
    )


def lalr_error(rule: str, text: str, start: int, end: int, *, suffix: str = "") -> ParseError:
    """The error the LALR parser generated from the ABNF reports for ``text[start:end]``.

    The backstop when the character-level scanners above find nothing: the
    LALR parser reports at the start of the token it could not take.
    """
    from msgtrk import _grammars  # noqa: PLC0415

    try:
        _grammars.parse(GRAMMAR, rule, text[start:end] + suffix, source=text, offset=start)
    except ParseError as exc:
        return exc
    return ParseError.at(text, start, f"rejected by the {rule} pattern", rule=rule)


class _Scan:
    """A small scanner over ``text[pos:end]`` for the path grammar of RFC 5321 §4.1.2."""

    def __init__(self, text: str, pos: int, end: int) -> None:
        self.text = text
        self.pos = pos
        self.end = end

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < self.end else ""

    def error(self, message: str, rule: str, expected: list[str]) -> ParseError:
        return ParseError.at(self.text, self.pos, message, rule=rule, expected=expected)

    def expect(self, char: str, rule: str) -> None:
        if self.peek() != char:
            raise self.error(f"expected {char!r}", rule, [f'"{char}"'])
        self.pos += 1

    def domain(self) -> None:
        while True:
            if not _let_dig(self.peek()):
                raise self.error("expected a letter or digit", "Domain", ["Let-dig"])
            last = self.peek()
            self.pos += 1
            while self.peek() == "-" or _let_dig(self.peek()):
                last = self.peek()
                self.pos += 1
            if last == "-":
                raise self.error("a label cannot end with '-'", "Domain", ["Let-dig"])
            if self.peek() != ".":
                return
            self.pos += 1

    def address_literal(self) -> None:
        start = self.pos
        self.pos += 1
        while self.peek() in _DCONTENT and self.peek():
            self.pos += 1
        inner = self.text[start + 1 : self.pos]
        if self.peek() != "]":
            raise self.error("expected ']'", "address-literal", ['"]"'])
        if pattern("address-literal").fullmatch(self.text, start, self.pos + 1) is None:
            tag, colon, _ = inner.partition(":")
            at = start + 1
            if colon:
                bad = next((i for i, c in enumerate(tag) if c not in _ALNUM and c != "-"), None)
                at = start + 1 + (bad if bad is not None else len(tag) + 1)
                if bad is None and not tag:
                    at = start + 1
            else:
                # IPv4-address-literal: Snum 3("." Snum), Snum = 1*3DIGIT
                parts = inner.split(".")
                off = start + 1
                at = start + 1 + len(inner)
                for k, part in enumerate(parts):
                    bad = next((i for i, c in enumerate(part) if c not in "0123456789"), None)
                    if bad is not None or not part or len(part) > 3 or k > 3:
                        at = off + (bad if bad is not None else min(len(part), 3))
                        break
                    off += len(part) + 1
            self.pos = at
            raise self.error("bad address literal (RFC 5321 §4.1.3)", "address-literal", [])
        self.pos += 1

    def local_part(self) -> None:
        if self.peek() == '"':
            self.pos += 1
            while True:
                c = self.peek()
                if c == '"':
                    self.pos += 1
                    return
                if c == "\\":
                    self.pos += 1
                    n = self.peek()
                    if not n or not " " <= n <= "~":
                        raise self.error("bad quoted-pair", "quoted-pairSMTP", ["%d32-126"])
                    self.pos += 1
                    continue
                if not c:
                    raise self.error("unterminated quoted string", "Quoted-string", ["DQUOTE"])
                if " " <= c <= "~" or _non_ascii(c):
                    self.pos += 1
                    continue
                raise self.error(f"character {c!r} is not allowed", "qtextSMTP", ["qtextSMTP"])
        while True:
            if not _atext(self.peek()):
                raise self.error("expected atext", "Dot-string", ["atext"])
            while _atext(self.peek()):
                self.pos += 1
            if self.peek() != ".":
                return
            self.pos += 1

    def mailbox(self) -> None:
        self.local_part()
        self.expect("@", "Mailbox")
        if self.peek() == "[":
            self.address_literal()
        else:
            self.domain()


def path_error(text: str, pos: int, end: int, rule: str) -> ParseError:
    """Error in Reverse-path / Forward-path at ``pos`` (RFC 5321 §4.1.2)."""
    s = _Scan(text, pos, end)
    try:
        s.expect("<", rule)
        if rule == "Reverse-path" and s.peek() == ">":
            s.pos += 1
        else:
            if s.peek() == "@":
                while True:
                    s.expect("@", "A-d-l")
                    s.domain()
                    if s.peek() != ",":
                        break
                    s.pos += 1
                s.expect(":", "A-d-l")
            s.mailbox()
            s.expect(">", "Path")
        if s.pos < end:
            cmd_rule = "mail" if rule == "Reverse-path" else "rcpt"
            return s.error("expected SP before the parameters", cmd_rule, ["SP", "CRLF"])
    except ParseError as exc:
        return exc
    return lalr_error("mail" if rule == "Reverse-path" else "rcpt", text, 0, end, suffix="\r\n")


def mailbox_error(text: str, pos: int, end: int) -> ParseError:
    """Error in a bare Mailbox (RFC 5321 §4.1.2)."""
    s = _Scan(text, pos, end)
    try:
        s.mailbox()
        if s.pos < end:
            return s.error("unexpected text after the mailbox", "Mailbox", [])
    except ParseError as exc:
        return exc
    return lalr_error("Mailbox", text, pos, end)

"""Level 2: the value grammars of the status fields, generated from the ABNF.

THE ONE PLACE where the field-value grammars enter the status parser.  Every
rule comes from ``grammar/specs/status.toml`` through ``msgtrk._grammars``:
``<field-rule>-value`` is the part of ``<field-rule>`` after the colon
(RFC 3464 §2.2-2.3, RFC 3886 §3.2-3.3, RFC 6533 §4.1).

``check(rule, value)`` accepts or raises the exact :class:`msgtrk.ParseError`:

1. the value is unfolded first (RFC 5322 §2.2.3: the line breaks of
   folding go, the white space stays; level 1 guarantees that every line
   break in a value is followed by WSP), so that CRLF and bare-LF bodies
   read alike;
2. the generated regex fast path (``_grammars.pattern``) decides almost
   every value;
3. comments (RFC 822 §3.4.3, ignored between tokens, RFC 3464 §2.1.1) are
   not in the regexes: a value with ``(`` is tried again with each comment
   (the generated ``comment`` pattern) replaced by a space;
4. only then the LALR parser (``_grammars.parse``) decides, and gives the
   exact position, rule and expected set of an error.

For ``message/global-delivery-status`` (RFC 6533 §4.1: "any field MAY contain
UTF-8 characters"), each UTF8-non-ascii character is read as a printable
ASCII one (``x``) before checking: the generated grammar keeps RFC 3464's
ASCII ``*text`` for most fields (see docs/conformance/status.md).
"""

from __future__ import annotations

import functools
import re

from msgtrk import _grammars
from msgtrk._errors import ParseError
from msgtrk._status._text import unfold

__all__ = ["RULES", "check", "fast", "value_pattern"]

GRAMMAR = "status"

#: The field rules (ABNF names) whose value has a generated grammar.
RULES = (
    "original-envelope-id-field",
    "reporting-mta-field",
    "dsn-gateway-field",
    "received-from-mta-field",
    "arrival-date-field",
    "original-recipient-field",
    "final-recipient-field",
    "action-field",
    "status-field",
    "remote-mta-field",
    "diagnostic-code-field",
    "last-attempt-date-field",
    "final-log-id-field",
    "will-retry-until-field",
    "localized-diagnostic-text-field",
    "extension-field",
)

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@functools.cache
def value_pattern(rule: str, utf8: bool = False) -> re.Pattern[str]:
    """The generated fast-path regex of the value of field rule ``rule`` (on unfolded text)."""
    del utf8  # one grammar; UTF-8 is mapped before matching (module doc)
    return _grammars.pattern(GRAMMAR, f"{rule}-value")


@functools.cache
def _comment() -> re.Pattern[str] | None:
    """The generated RFC 5322 ``comment`` regex (nesting unrolled, as the LALR lexer has it).

    Taken from the regex table if the spec lists it, else from the COMMENT
    terminal of the generated ``status.lark`` (read as text: no Lark import).
    """
    try:
        return _grammars.pattern(GRAMMAR, "comment")
    except KeyError:
        pass
    try:
        from importlib import resources  # noqa: PLC0415 - first comment only

        text = resources.files("msgtrk.grammars").joinpath(f"{GRAMMAR}.lark").read_text("utf-8")
    except (OSError, ModuleNotFoundError):
        return None
    m = re.search(r"^COMMENT(?:\.\d+)?: /(.*)/$", text, re.M)
    if m is None:
        return None
    try:
        return re.compile(m[1])
    except re.error:
        return None


def fast(rule: str, value: str, utf8: bool = False) -> bool:
    """True if the regex fast path accepts ``value`` (steps 1-3 of the module doc)."""
    v = unfold(value)
    if utf8 and not v.isascii():
        if _SURROGATE.search(v) is not None:
            return False
        v = _NON_ASCII.sub("x", v)
    pattern = value_pattern(rule)
    if pattern.fullmatch(v) is not None:
        return True
    if "(" in v:
        comment = _comment()
        if comment is not None:
            return pattern.fullmatch(comment.sub(" ", v)) is not None
    return False


def check(rule: str, value: str, utf8: bool = False) -> ParseError | None:
    """None if ``value`` is a valid value of ``rule``, else the error (offsets in ``value``)."""
    if fast(rule, value, utf8):
        return None
    v = unfold(value)
    if utf8 and not v.isascii():
        v = _NON_ASCII.sub(lambda m: m[0] if "\ud800" <= m[0] <= "\udfff" else "x", v)
    try:
        _grammars.parse(GRAMMAR, f"{rule}-value", v)
    except ParseError as error:
        at = _unfolded_to_original(value, error.offset)
        return ParseError.at(
            value, at, error.message, rule=_rule_name(error.rule, rule), expected=error.expected
        )
    return None


def _rule_name(rule: str | None, field_rule: str) -> str:
    """Report value errors under the field rule, not the derived ``-value`` start rule."""
    if rule is None or rule == f"{field_rule}-value":
        return field_rule
    return rule


def _unfolded_to_original(value: str, offset: int) -> int:
    """The offset in ``value`` of the character at ``offset`` of ``unfold(value)``."""
    if "\n" not in value:
        return offset
    i = 0  # index in value
    j = 0  # index in the unfolded text
    n = len(value)
    while i < n:
        if value.startswith("\r\n", i):
            i += 2
            continue
        if value[i] == "\n":
            i += 1
            continue
        if j == offset:
            return i
        i += 1
        j += 1
    return n

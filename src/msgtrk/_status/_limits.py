"""Resource limits of the status-body parsers (issue 7; RFC 5322 §2.1.1, RFC 5321 §4.5.3.1).

Every limit is checked before the parser spends memory on the part of the
body that exceeds it, and raises :class:`msgtrk.LimitError` (strict and
lenient mode alike: a limit is not a defect).
"""

from __future__ import annotations

import re
import sys
from typing import Any, NamedTuple

import attrs

from msgtrk._errors import LimitError

__all__ = [
    "DEFAULT",
    "DEFAULT_BOUNDS",
    "MAX_BODY",
    "MAX_COMMENT_DEPTH",
    "MAX_DEFECTS",
    "MAX_FIELDS",
    "MAX_LINE",
    "MAX_RECIPIENTS",
    "Bounds",
    "Limits",
    "comment_too_deep",
    "limit_error",
    "long_line",
    "more_than",
    "to_bounds",
]

#: Largest body accepted, in characters (octets for bytes input).
MAX_BODY = 16 * 1024 * 1024
#: Longest physical line, without its CRLF (RFC 5322 §2.1.1; RFC 5321 §4.5.3.1.6).
MAX_LINE = 998
#: Most per-recipient (per-tracking) groups in one body.
MAX_RECIPIENTS = 10_000
#: Most fields in one group (between blank lines), per-message group included.
MAX_FIELDS = 1000
#: Deepest nesting of comments in a field value (RFC 5322 §3.2.2).
MAX_COMMENT_DEPTH = 32
#: Most defects kept by one lenient parse; then one "too-many-defects" defect.
MAX_DEFECTS = 1000


def _positive_or_none(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"Limits.{attribute.name} must be an integer >= 1 or None, not {value!r}")


@attrs.frozen(kw_only=True)
class Limits:
    """Bounds on one ``message/delivery-status`` or ``message/tracking-status`` body.

    ``max_body``: characters of the body (octets for bytes input).
    ``line_length``: characters (octets for bytes) of one physical line,
    without its CRLF; a folded field is several lines.  998 is RFC 5322
    §2.1.1's MUST: a longer line could not have crossed SMTP (RFC 5321
    §4.5.3.1.6).
    ``max_recipients``: per-recipient groups.  10 000 is a hundred times the
    100 recipients an SMTP server must accept per message (RFC 5321
    §4.5.3.1.8) and above the per-message caps of common MTAs, while a 16 MiB
    body could otherwise hold about 400 000 groups.
    ``max_fields``: fields of one group, the per-message group included,
    counted between blank lines (so before lenient mode re-splits groups that
    lack their blank line).  RFC 3464 and RFC 6533 define 15 fields; a group
    of 1000 leaves room for any number of extension fields a real MTA adds.
    ``max_comment_depth``: nesting of ``(comments)`` in the values whose
    grammar has comments (RFC 5322 §3.2.2: comments nest); checked in one
    linear pass, without recursion, before the value is read.
    ``max_defects``: defects one lenient parse keeps; beyond them one final
    ``too-many-defects`` defect (not an error).

    Each limit is an integer of at least 1; ``None`` switches it off
    (``max_defects`` excepted), for input that comes from a trusted source.
    """

    max_body: int | None = attrs.field(default=MAX_BODY, validator=_positive_or_none)
    line_length: int | None = attrs.field(default=MAX_LINE, validator=_positive_or_none)
    max_recipients: int | None = attrs.field(default=MAX_RECIPIENTS, validator=_positive_or_none)
    max_fields: int | None = attrs.field(default=MAX_FIELDS, validator=_positive_or_none)
    max_comment_depth: int | None = attrs.field(
        default=MAX_COMMENT_DEPTH, validator=_positive_or_none
    )
    max_defects: int = attrs.field(default=MAX_DEFECTS, validator=attrs.validators.ge(1))


#: The limits used when a parse is given none.
DEFAULT = Limits()


class Bounds(NamedTuple):
    """The limits as the parser uses them: plain integers, ``None`` as no bound."""

    max_body: int
    line_length: int
    max_groups: int  # recipient groups + the per-message group
    max_fields: int
    max_comment_depth: int
    max_defects: int
    check_size: int  # min(max_body, line_length): no size check for a body this short


def _bound(value: int | None) -> int:
    return sys.maxsize if value is None else value


def to_bounds(limits: Limits | None) -> Bounds:
    """The :class:`Bounds` of ``limits`` (``None``: the defaults)."""
    if limits is None or limits is DEFAULT:
        return DEFAULT_BOUNDS
    max_body = _bound(limits.max_body)
    line_length = _bound(limits.line_length)
    return Bounds(
        max_body=max_body,
        line_length=line_length,
        max_groups=_bound(limits.max_recipients) + (limits.max_recipients is not None),
        max_fields=_bound(limits.max_fields),
        max_comment_depth=_bound(limits.max_comment_depth),
        max_defects=limits.max_defects,
        check_size=min(max_body, line_length),
    )


DEFAULT_BOUNDS = Bounds(
    max_body=MAX_BODY,
    line_length=MAX_LINE,
    max_groups=MAX_RECIPIENTS + 1,
    max_fields=MAX_FIELDS,
    max_comment_depth=MAX_COMMENT_DEPTH,
    max_defects=MAX_DEFECTS,
    check_size=min(MAX_BODY, MAX_LINE),
)


def limit_error(source: str | bytes, offset: int, message: str, *, rule: str | None) -> LimitError:
    """A LimitError at ``offset`` of ``source`` (line and column as ``position``).

    Unlike ``LimitError.at`` it copies at most 200 units of the offending
    line for the caret display: the line may be megabytes long.
    """
    nl: str | bytes = "\n" if isinstance(source, str) else b"\n"
    offset = max(0, min(offset, len(source)))
    line = source.count(nl, 0, offset) + 1  # type: ignore[arg-type]
    start = source.rfind(nl, 0, offset) + 1  # type: ignore[arg-type]
    piece = source[start : max(offset, start) + 200]
    piece = piece.split(nl, 1)[0]  # type: ignore[arg-type]
    shown = piece.decode("latin-1") if isinstance(piece, bytes) else piece
    return LimitError(
        message,
        line=line,
        column=offset - start + 1,
        offset=offset,
        rule=rule,
        source_line=shown.rstrip("\r"),
    )


def _line_end(source: str | bytes, start: int) -> tuple[int, int]:
    """(length without the final CR, offset of the next line) of the line at ``start``."""
    nl: str | bytes = "\n" if isinstance(source, str) else b"\n"
    end = source.find(nl, start)  # type: ignore[arg-type]
    after = end + 1
    if end < 0:
        end = after = len(source)
    length = end - start
    if length and source[end - 1 : end] in ("\r", b"\r"):
        length -= 1
    return length, after


def long_line(source: str | bytes, limit: int) -> int | None:
    """The offset of the first line longer than ``limit`` (without its CRLF), or None.

    A line of more than ``limit`` units holds ``block + 1`` consecutive units
    without LF starting at some multiple of ``block`` = (limit + 1) // 2 past
    the last line start looked at; so one ``find`` per block (stopped by the
    first LF, at C speed) rules out every line that could be too long, and
    only a block without LF is measured as a whole line.  Linear; no copy.
    """
    n = len(source)
    if n <= limit:
        return None
    nl: str | bytes = "\n" if isinstance(source, str) else b"\n"
    block = (limit + 1) // 2
    pos = 0
    while pos < n:
        if source.find(nl, pos, pos + block + 1) >= 0:  # type: ignore[arg-type]
            pos += block
            continue
        start = source.rfind(nl, 0, pos) + 1  # type: ignore[arg-type]
        length, after = _line_end(source, start)
        if length > limit:
            return start
        pos = after
    return None


def more_than(text: str, char: str, n: int) -> bool:
    """Whether ``char`` occurs more than ``n`` times in ``text``.

    Stops at occurrence ``n + 1``; a text with fewer is scanned at the
    speed of ``str.find`` (much faster than ``str.count``), one call per
    occurrence.
    """
    if n > 64:
        return text.count(char) > n
    i = text.find(char)
    while i >= 0:
        n -= 1
        if n < 0:
            return True
        i = text.find(char, i + 1)
    return False


_PARENS = re.compile(r"[()\\]")


def comment_too_deep(value: str, limit: int) -> int | None:
    """The index of the ``(`` that opens comment level ``limit + 1`` in ``value``, or None.

    One pass over the parentheses (a backslash quotes the next character
    inside a comment, as ``_text.strip_comments`` reads it).
    """
    depth = 0
    skip = -1
    for m in _PARENS.finditer(value):
        i = m.start()
        if i == skip:
            continue
        c = value[i]
        if c == "\\":
            if depth:
                skip = i + 1
        elif c == "(":
            depth += 1
            if depth > limit:
                return i
        elif depth:
            depth -= 1
    return None

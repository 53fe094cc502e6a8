"""Exceptions and defect records shared by every msgtrk format.

``MsgtrkError`` is the root.  ``ParseError`` carries a real position
(1-based ``line`` and ``column``, 0-based ``offset``) even at end of input,
the ABNF ``rule`` that failed and what was ``expected`` there.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import attrs

__all__ = [
    "AbnfError",
    "Defect",
    "LimitError",
    "LocalProtocolError",
    "MsgtrkError",
    "ParseError",
    "ProtocolError",
    "RemoteProtocolError",
    "SerializeError",
    "position",
]


# The last large text ``position`` was asked about, and its line-start table once
# asked twice: lenient parses record many defects in one input, and counting
# lines from the start for each would make them quadratic.
_SMALL = 4096
_seen: tuple[str | bytes, list[int] | None] | None = None


def _line_starts(text: str | bytes) -> list[int]:
    nl: str | bytes = "\n" if isinstance(text, str) else b"\n"
    starts = [0]
    at = text.find(nl)  # type: ignore[arg-type]
    while at >= 0:
        starts.append(at + 1)
        at = text.find(nl, at + 1)  # type: ignore[arg-type]
    return starts


def position(text: str | bytes, offset: int) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of ``offset`` in ``text``.

    Lines end at LF (a CR before it belongs to the line).  An offset at or
    past the end of the text gives the position just after the last
    character, never ``-1``.  Repeated calls on one large text cost
    ``O(log lines)`` each after the first two.
    """
    global _seen  # noqa: PLW0603
    offset = max(0, min(offset, len(text)))
    if len(text) > _SMALL:
        seen = _seen
        if seen is not None and seen[0] is text:
            starts = seen[1]
            if starts is None:
                starts = _line_starts(text)
                _seen = (text, starts)
            line = bisect.bisect_right(starts, offset)
            return line, offset - starts[line - 1] + 1
        _seen = (text, None)
    nl: str | bytes = "\n" if isinstance(text, str) else b"\n"
    line = text.count(nl, 0, offset) + 1  # type: ignore[arg-type]
    start = text.rfind(nl, 0, offset) + 1  # type: ignore[arg-type]
    return line, offset - start + 1


def _line_at(text: str | bytes, offset: int) -> tuple[str, int]:
    """The line holding ``offset`` (without its end) and the offset's 1-based
    column in that line as shown: octets of bytes input are shown decoded as
    UTF-8 (invalid octets as U+FFFD), so the caret counts characters."""
    offset = max(0, min(offset, len(text)))
    nl: str | bytes = "\n" if isinstance(text, str) else b"\n"
    start = text.rfind(nl, 0, offset) + 1  # type: ignore[arg-type]
    end = text.find(nl, offset)  # type: ignore[arg-type]
    if end < 0:
        end = len(text)
    line = text[start:end]
    if isinstance(line, bytes):
        shown = line.decode("utf-8", "replace")
        caret = len(line[: offset - start].decode("utf-8", "replace")) + 1
        return shown.rstrip("\r"), caret
    return line.rstrip("\r"), offset - start + 1


class MsgtrkError(Exception):
    """Root of every exception msgtrk raises on purpose."""


class ParseError(MsgtrkError, ValueError):
    """Input that does not match its grammar.

    ``str()`` shows the message, the position, the rule and what was
    expected, then the offending line with a caret under the column.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int,
        column: int,
        offset: int,
        rule: str | None = None,
        expected: Iterable[str] = (),
        source_line: str | None = None,
        source_column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
        self.rule = rule
        self.expected: tuple[str, ...] = tuple(expected)
        self.source_line = source_line
        # where the caret goes under source_line (differs from column for bytes input)
        self.source_column = column if source_column is None else source_column

    @classmethod
    def at(
        cls,
        text: str | bytes,
        offset: int,
        message: str,
        *,
        rule: str | None = None,
        expected: Iterable[str] = (),
    ) -> ParseError:
        """Build the error for ``offset`` in ``text``, computing line and column."""
        offset = max(0, min(offset, len(text)))
        line, column = position(text, offset)
        source_line, source_column = _line_at(text, offset)
        return cls(
            message,
            line=line,
            column=column,
            offset=offset,
            rule=rule,
            expected=expected,
            source_line=source_line,
            source_column=source_column,
        )

    def __str__(self) -> str:
        parts = [f"{self.message} (line {self.line}, column {self.column}"]
        if self.rule:
            parts.append(f", rule {self.rule}")
        parts.append(")")
        if self.expected:
            parts.append("\n  expected: " + ", ".join(self.expected))
        if self.source_line is not None:
            shown = self.source_line.expandtabs(1)
            parts.append(f"\n  | {shown}\n  | {' ' * (self.source_column - 1)}^")
        return "".join(parts)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_parse_error,
            (
                type(self),
                self.message,
                self.line,
                self.column,
                self.offset,
                self.rule,
                self.expected,
                self.source_line,
                self.source_column,
            ),
        )


def _rebuild_parse_error(  # noqa: PLR0917 - pickle passes positionals
    cls: type[ParseError],
    message: str,
    line: int,
    column: int,
    offset: int,
    rule: str | None,
    expected: tuple[str, ...],
    source_line: str | None,
    source_column: int | None = None,
) -> ParseError:
    return cls(
        message,
        line=line,
        column=column,
        offset=offset,
        rule=rule,
        expected=expected,
        source_line=source_line,
        source_column=source_column,
    )


class LimitError(ParseError):
    """Input that exceeds a configured size limit (checked before memory is spent)."""


class AbnfError(ParseError):
    """An ABNF grammar that cannot be read or compiled (RFC 5234, RFC 7405)."""


class SerializeError(MsgtrkError, ValueError):
    """A model that cannot be written as valid wire text."""


class ProtocolError(MsgtrkError):
    """A violation of the MTQP protocol state machine (RFC 3887)."""


class LocalProtocolError(ProtocolError):
    """Our own side tried to do something the protocol forbids."""


class RemoteProtocolError(ProtocolError):
    """The peer did something the protocol forbids."""


@attrs.frozen(kw_only=True)
class Defect:
    """One departure from the grammar that lenient parsing accepted.

    ``kind`` is a short stable identifier (``"missing-colon"``,
    ``"field-order"``...), ``message`` says what was wrong, and the position
    is that of the departure in the original input.
    """

    kind: str
    message: str
    line: int
    column: int
    offset: int
    rule: str | None = None

    @classmethod
    def at(
        cls, text: str | bytes, offset: int, kind: str, message: str, *, rule: str | None = None
    ) -> Defect:
        """Build the defect for ``offset`` in ``text``."""
        line, column = position(text, offset)
        return cls(kind=kind, message=message, line=line, column=column, offset=offset, rule=rule)

    @classmethod
    def from_error(cls, error: ParseError, kind: str = "syntax") -> Defect:
        """Record a strict-mode error as a lenient-mode defect."""
        return cls(
            kind=kind,
            message=error.message,
            line=error.line,
            column=error.column,
            offset=error.offset,
            rule=error.rule,
        )

"""Multi-line response bodies: dot-stuffing and the terminating line (RFC 3887 §2.3)."""

from __future__ import annotations

from msgtrk._errors import LimitError, SerializeError

__all__ = ["MAX_LINE", "refuse_long_first_line", "split_lines", "stuff", "unstuff_line"]

MAX_LINE = 998
"""Octets allowed on a command or response line before the CRLF (§2.2, §2.3)."""


def split_lines(body: bytes) -> list[bytes]:
    """The lines of ``body`` (each without its CRLF); ``body`` ends with CRLF or is empty."""
    if not body:
        return []
    return body[:-2].split(b"\r\n")


def stuff(body: bytes, needless: tuple[int, ...] = ()) -> bytes:
    """``body`` dot-stuffed and followed by the terminating ``.CRLF`` line (§2.3).

    ``needless`` lists lines (0-based) that a parsed input had stuffed
    without need; they are written the same way again.  Raises
    SerializeError for a line that would exceed 998 octets on the wire.
    """
    out: list[bytes] = []
    for number, line in enumerate(split_lines(body), 1):
        stuffed = line.startswith(b".") or (line and number - 1 in needless)
        wire = b"." + line if stuffed else line
        if len(wire) > MAX_LINE:
            raise SerializeError(
                f"body line {number} is {len(wire)} octets on the wire; RFC 3887 §2.3 allows 998"
            )
        out.append(wire + b"\r\n")
    out.append(b".\r\n")
    return b"".join(out)


def unstuff_line(line: bytes) -> bytes | None:
    """One received body line (without CRLF) unstuffed; ``None`` for the final ``.`` line."""
    if line.startswith(b"."):
        if len(line) == 1:
            return None
        return line[1:]
    return line


def refuse_long_first_line(data: bytes | bytearray | memoryview | str, *, rule: str) -> None:
    """LimitError when the first line is over 998 octets (§2.2, §2.3), before any copy.

    Only the first 1000 octets are looked at, so a huge input costs nothing
    (issue 7 limits: refuse before memory is spent).
    """
    window = data[: MAX_LINE + 2]
    head = window if isinstance(window, str) else bytes(window).decode("latin-1")
    if len(data) > MAX_LINE + 1 and "\n" not in head:
        raise LimitError.at(
            head, MAX_LINE, "line longer than 998 characters (RFC 3887 §2.2, §2.3)", rule=rule
        )

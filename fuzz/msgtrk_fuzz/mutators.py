"""Seeded mutation operators for text and octet inputs.

Every operator takes a ``random.Random`` and an input (``str`` or
``bytes``) and returns a new input of the same type, so a run is fully
determined by its seed.  ``mutate`` stacks one to three operators.

The operators are the ones issue 7 lists: flipped bytes, truncation,
duplication of spans, huge repetition, NUL, bare CR, overlong lines,
invalid UTF-8 (octet inputs) and characters from every Unicode general
category (text inputs), plus grammar-aware splicing of the punctuation
and keywords the msgtrk formats are built from.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = [
    "INVALID_UTF8",
    "OPERATORS",
    "TOKENS",
    "UNICODE_SAMPLES",
    "Data",
    "mutate",
    "mutate_with",
]

Data = TypeVar("Data", str, bytes)

# One or more characters of every Unicode general category (Unicode 15),
# chosen where Python's own string methods behave surprisingly:
# ``str.splitlines`` splits on \x0b \x0c \x1c-\x1e \x85 U+2028 U+2029,
# ``int()`` and ``str.isdigit`` accept non-ASCII digits, ``str.lower`` and
# ``str.upper`` change the length of U+0130 and U+FB00, surrogates cannot
# be encoded.
UNICODE_SAMPLES: dict[str, str] = {
    "Cc": "\x00\x01\x08\x0b\x0c\x1b\x1c\x1d\x1e\x7f\x85\x9b",
    "Cf": "\u00ad\u200b\u200d\u202e\u2060\ufeff",
    "Cn": "\u0378\ufdd0\uffff\U0010ffff",
    "Co": "\ue000\U000f0000",
    "Cs": "\ud800\udfff\udc80",
    "Ll": "aßſ\u0131",
    "Lm": "\u02b0\u3005",
    "Lo": "\u00aa\u05d0\u4e2d\U00020000",
    "Lt": "\u01c5\u1f88",
    "Lu": "A\u0130\u00c9\u212a",
    "Mc": "\u0903",
    "Me": "\u20dd",
    "Mn": "\u0301\u0300",
    "Nd": "0\u0663\uff11\U0001d7ce",
    "Nl": "\u2160\u3007",
    "No": "\u00b2\u00bd\u2460",
    "Pc": "_\u203f",
    "Pd": "-\u2014",
    "Pe": ")]}\uff09",
    "Pf": "\u00bb\u2019",
    "Pi": "\u00ab\u2018",
    "Po": "!\"#%&'*,./:;?@\\\u00b7",
    "Ps": "([{\uff08",
    "Sc": "$\u00a2\u20ac",
    "Sk": "^`\u00a8",
    "Sm": "+<=>|~\u00ac",
    "So": "\u00a6\u00a9\U0001f600",
    "Zl": "\u2028",
    "Zp": "\u2029",
    "Zs": " \u00a0\u1680\u3000",
    "Lig": "\ufb00\ufb01",
}

# Octet sequences that are not UTF-8: a lone continuation octet, truncated
# multi-octet sequences, overlong encodings, an encoded surrogate, a code
# point above U+10FFFF and the never-valid octets.
INVALID_UTF8: tuple[bytes, ...] = (
    b"\x80",
    b"\xbf",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xc0\xaf",
    b"\xe0\x80\xaf",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xfe",
    b"\xff",
)

# Punctuation and keywords of the msgtrk formats, spliced in by the
# grammar-aware operators.
TOKENS: tuple[str, ...] = (
    ":",
    ";",
    "=",
    ",",
    "(",
    ")",
    "\\",
    '"',
    "<",
    ">",
    "@",
    "[",
    "]",
    "+",
    ".",
    "/",
    "-",
    " ",
    "\t",
    "\r\n",
    "\n",
    "\r\n\r\n",
    "\r\n ",
    "\r\n\t",
    "rfc822;",
    "utf-8;",
    "dns;",
    "smtp;",
    "Action: ",
    "Status: ",
    "Final-Recipient: ",
    "Original-Recipient: ",
    "Reporting-MTA: ",
    "Arrival-Date: ",
    "Original-Envelope-Id: ",
    "X-Foo: ",
    "--",
    "boundary=",
    "Content-Type: ",
    "multipart/report; report-type=delivery-status; boundary=",
    "message/delivery-status",
    "message/tracking-status",
    " ENVID=",
    " MTRK=",
    " NOTIFY=",
    " ORCPT=",
    " RET=",
    "+2B",
    "+",
    "\\x{",
    "}",
    "TRACK ",
    "STARTTLS",
    "QUIT",
    "250-",
    "250 ",
    "550 ",
    "mtqp://",
    "%",
    "%x",
    "*",
    "1*",
    "/ ",
    "=/",
    '""',
    "<prose>",
)

_Op = Callable[[random.Random, Data], Data]


def _nl(data: Data) -> Data:
    return "\n" if isinstance(data, str) else b"\n"


def _cast(data: Data, text: str) -> Data:
    if isinstance(data, str):
        return text
    return text.encode("utf-8", "surrogatepass")


def _pos(rng: random.Random, data: Data) -> int:
    return rng.randint(0, len(data))


def _span(rng: random.Random, data: Data, most: int = 64) -> tuple[int, int]:
    start = _pos(rng, data)
    end = min(len(data), start + rng.randint(0, most))
    return start, end


def _insert(rng: random.Random, data: Data, piece: Data) -> Data:
    at = _pos(rng, data)
    return data[:at] + piece + data[at:]


def flip_bit(rng: random.Random, data: Data) -> Data:
    """Flip one bit of one octet (of one code point below U+0100 for text)."""
    if not data:
        return data
    at = rng.randrange(len(data))
    if isinstance(data, bytes):
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]
    code = ord(data[at])
    flipped = code ^ (1 << rng.randrange(8 if code < 0x100 else 16))
    if 0xD800 <= flipped <= 0xDFFF:
        flipped = code ^ 1
    return data[:at] + chr(flipped) + data[at + 1 :]


def random_byte(rng: random.Random, data: Data) -> Data:
    """Replace one position by a random octet (a random code point below U+0100)."""
    if not data:
        return data
    at = rng.randrange(len(data))
    value = rng.randrange(256)
    piece: Data = bytes([value]) if isinstance(data, bytes) else chr(value)
    return data[:at] + piece + data[at + 1 :]


def truncate(rng: random.Random, data: Data) -> Data:
    """Cut the input: keep a prefix (most often), a suffix, or drop the last octets."""
    choice = rng.randrange(4)
    if choice == 0:
        return data[: _pos(rng, data)]
    if choice == 1:
        return data[_pos(rng, data) :]
    if choice == 2:
        return data[: max(0, len(data) - rng.randint(1, 3))]
    # at a line end, so that whole fields or groups disappear
    nl = _nl(data)
    ends = [i for i in range(len(data)) if data[i : i + 1] == nl]
    return data[: rng.choice(ends) + 1] if ends else data[:0]


def delete_span(rng: random.Random, data: Data) -> Data:
    """Delete a short span."""
    start, end = _span(rng, data, 16)
    return data[:start] + data[end:]


def duplicate_span(rng: random.Random, data: Data) -> Data:
    """Copy a span and insert it elsewhere (or right after itself)."""
    start, end = _span(rng, data)
    piece = data[start:end]
    at = end if rng.random() < 0.5 else _pos(rng, data)
    return data[:at] + piece + data[at:]


def duplicate_line(rng: random.Random, data: Data) -> Data:
    """Repeat one whole line (a field, a command, a header)."""
    lines = data.splitlines(keepends=True)
    if not lines:
        return data
    at = rng.randrange(len(lines))
    lines.insert(at, lines[at])
    return data[:0].join(lines)


def swap_lines(rng: random.Random, data: Data) -> Data:
    """Swap two lines (field order, group order)."""
    lines = data.splitlines(keepends=True)
    if len(lines) < 2:
        return data
    i, j = rng.sample(range(len(lines)), 2)
    lines[i], lines[j] = lines[j], lines[i]
    return data[:0].join(lines)


def huge_repeat(rng: random.Random, data: Data) -> Data:
    """Repeat a short span hundreds to tens of thousands of times."""
    start, end = _span(rng, data, 8)
    piece = data[start:end] or _cast(data, rng.choice(TOKENS))
    count = rng.choice((100, 500, 2_000, 20_000)) // max(1, len(piece))
    return data[:end] + piece * count + data[end:]


def insert_nul(rng: random.Random, data: Data) -> Data:
    """Insert a NUL."""
    return _insert(rng, data, _cast(data, "\x00"))


def bare_cr(rng: random.Random, data: Data) -> Data:
    """Insert a bare CR, or turn one CRLF (or LF) into a bare CR."""
    cr = _cast(data, "\r")
    crlf = _cast(data, "\r\n")
    if rng.random() < 0.5 and crlf in data:
        at = data.find(crlf, _pos(rng, data))
        if at < 0:
            at = data.find(crlf)
        return data[:at] + cr + data[at + 2 :]
    return _insert(rng, data, cr)


def bare_lf(rng: random.Random, data: Data) -> Data:
    """Turn one CRLF into a bare LF, or add a CR before one bare LF."""
    crlf = _cast(data, "\r\n")
    lf = _nl(data)
    if crlf in data and rng.random() < 0.5:
        return data.replace(crlf, lf, rng.choice((1, -1)))
    return data.replace(lf, crlf, 1)


def overlong_line(rng: random.Random, data: Data) -> Data:
    """Insert a run of 999 to 5000 line characters (no line break)."""
    filler = rng.choice("aX0 ;.-=:(\t")
    return _insert(rng, data, _cast(data, filler * rng.choice((999, 1000, 1001, 2000, 5000))))


def deep_nesting(rng: random.Random, data: Data) -> Data:
    """Insert deeply nested comments or brackets."""
    depth = rng.choice((50, 200, 1_000, 5_000))
    opener, closer = rng.choice((("(", ")"), ("[", "]"), ("<", ">"), ("{", "}")))
    piece = opener * depth + ("x" + closer * depth if rng.random() < 0.5 else "")
    return _insert(rng, data, _cast(data, piece))


def invalid_utf8(rng: random.Random, data: Data) -> Data:
    """Insert an octet sequence that is not UTF-8 (text: a lone surrogate)."""
    if isinstance(data, str):
        return _insert(rng, data, rng.choice(UNICODE_SAMPLES["Cs"]))
    return _insert(rng, data, rng.choice(INVALID_UTF8))


def unicode_char(rng: random.Random, data: Data) -> Data:
    """Insert or substitute a character from a random Unicode general category."""
    char = rng.choice(UNICODE_SAMPLES[rng.choice(sorted(UNICODE_SAMPLES))])
    piece = _cast(data, char)
    if data and rng.random() < 0.5:
        at = rng.randrange(len(data))
        return data[:at] + piece + data[at + 1 :]
    return _insert(rng, data, piece)


def splice_token(rng: random.Random, data: Data) -> Data:
    """Insert (or substitute for a span) a punctuation mark or keyword of the formats."""
    piece = _cast(data, rng.choice(TOKENS))
    if rng.random() < 0.3:
        start, end = _span(rng, data, 8)
        return data[:start] + piece + data[end:]
    return _insert(rng, data, piece)


def change_case(rng: random.Random, data: Data) -> Data:
    """Upper- or lower-case a span (keywords are case-insensitive)."""
    start, end = _span(rng, data, 32)
    piece = data[start:end]
    piece = piece.upper() if rng.random() < 0.5 else piece.lower()
    return data[:start] + piece + data[end:]


OPERATORS: dict[str, Callable[..., object]] = {
    "flip_bit": flip_bit,
    "random_byte": random_byte,
    "truncate": truncate,
    "delete_span": delete_span,
    "duplicate_span": duplicate_span,
    "duplicate_line": duplicate_line,
    "swap_lines": swap_lines,
    "huge_repeat": huge_repeat,
    "insert_nul": insert_nul,
    "bare_cr": bare_cr,
    "bare_lf": bare_lf,
    "overlong_line": overlong_line,
    "deep_nesting": deep_nesting,
    "invalid_utf8": invalid_utf8,
    "unicode_char": unicode_char,
    "splice_token": splice_token,
    "change_case": change_case,
}

# Cheap structural operators are picked more often than the expensive
# ones that make inputs large.
_WEIGHTS: dict[str, int] = {
    "flip_bit": 6,
    "random_byte": 6,
    "truncate": 5,
    "delete_span": 5,
    "duplicate_span": 4,
    "duplicate_line": 4,
    "swap_lines": 3,
    "huge_repeat": 1,
    "insert_nul": 2,
    "bare_cr": 3,
    "bare_lf": 3,
    "overlong_line": 1,
    "deep_nesting": 1,
    "invalid_utf8": 3,
    "unicode_char": 6,
    "splice_token": 8,
    "change_case": 2,
}
_NAMES = sorted(OPERATORS)
_CUMULATIVE = [_WEIGHTS[name] for name in _NAMES]


def mutate_with(rng: random.Random, data: Data, names: Sequence[str]) -> Data:
    """Apply the named operators in order."""
    for name in names:
        data = OPERATORS[name](rng, data)  # type: ignore[assignment]
    return data


def mutate(rng: random.Random, data: Data, *, most: int = 3) -> tuple[Data, tuple[str, ...]]:
    """Apply one to ``most`` weighted random operators; return the result and their names."""
    names = tuple(rng.choices(_NAMES, weights=_CUMULATIVE, k=rng.randint(1, most)))
    return mutate_with(rng, data, names), names

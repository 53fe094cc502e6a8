"""xtext (RFC 3461 §4) and the RFC 6533 §3 unitext forms of the UTF-8 address type."""

from __future__ import annotations

import re

from msgtrk._errors import ParseError, SerializeError

__all__ = [
    "unitext_decode",
    "unitext_encode",
    "xtext_decode",
    "xtext_encode",
]

# RFC 3461 §4: xchar is "!" (33) to "~" (126) except "+" and "=".
_XCHAR = frozenset(range(0x21, 0x7F)) - {0x2B, 0x3D}
_ENCODE_TABLE = tuple(chr(b) if b in _XCHAR else f"+{b:02X}" for b in range(256))
_HEXCHAR = re.compile(r"\+([0-9A-F]{2})")
_HEX = "0123456789ABCDEF"


def xtext_encode(data: bytes | str) -> str:
    """Encode octets as xtext (RFC 3461 §4), hexchar only where required.

    A ``str`` is encoded as UTF-8 first (``surrogateescape`` keeps octets
    that came from :func:`xtext_decode` with ``as_text=True``).
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    table = _ENCODE_TABLE
    return "".join([table[b] for b in data])


def _scan_error(text: str, source: str | None, offset: int, rule: str) -> ParseError:
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "+":
            if i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
                i += 3
                continue
            bad = i + 1
            if i + 1 < n and text[i + 1] in _HEX:
                bad = i + 2
            return ParseError.at(
                source if source is not None else text,
                offset + bad,
                "hexchar must be '+' and two upper-case hexadecimal digits",
                rule="hexchar",
                expected=["HEXDIG (upper case)"],
            )
        if ord(c) in _XCHAR:
            i += 1
            continue
        return ParseError.at(
            source if source is not None else text,
            offset + i,
            f"character {c!r} is not allowed in xtext",
            rule=rule,
            expected=["xchar", "hexchar"],
        )
    raise AssertionError("unreachable: text is valid xtext")  # pragma: no cover


def xtext_decode(
    text: str, *, source: str | None = None, offset: int = 0, rule: str = "xtext"
) -> bytes:
    """Decode xtext (RFC 3461 §4) to octets.

    Raises :class:`msgtrk.ParseError` (rule ``xtext`` or ``hexchar``) at the
    first character that is neither an xchar nor a valid hexchar; positions
    are in ``source`` when given (``text`` starts at ``offset`` in it).
    """
    if "+" not in text:
        try:
            data = text.encode("ascii")
        except UnicodeEncodeError:
            raise _scan_error(text, source, offset, rule) from None
        if all(b in _XCHAR for b in data):
            return data
        raise _scan_error(text, source, offset, rule)
    out = bytearray()
    pos = 0
    for m in _HEXCHAR.finditer(text):
        out += _plain(text, pos, m.start(), source=source, offset=offset, rule=rule)
        out.append(int(m.group(1), 16))
        pos = m.end()
    out += _plain(text, pos, len(text), source=source, offset=offset, rule=rule)
    return bytes(out)


def _plain(text: str, start: int, end: int, *, source: str | None, offset: int, rule: str) -> bytes:
    chunk = text[start:end]
    try:
        data = chunk.encode("ascii")
    except UnicodeEncodeError:
        data = b"\x00"
    if "+" in chunk or not all(b in _XCHAR for b in data):
        raise _scan_error(text, source, offset, rule)
    return data


# RFC 6533 §3: QCHAR is ASCII printable except SP, "\", "+", "=".
_QCHAR = frozenset(chr(c) for c in range(0x21, 0x7F)) - {"+", "=", "\\"}
_EMBEDDED = re.compile(r"\\x\{([0-9A-Fa-f]{2,6})\}")


def _hexpoint_ok(digits: str) -> bool:
    """HEXPOINT of RFC 6533 §3: "\\" or a code point outside ASCII (or a CTL/xtext special)."""
    up = digits.upper()
    value = int(up, 16)
    if len(up) == 2:
        # 2-digit forms: 01-09, 11-19, 10, 20, 2B, 3D, 7F, 5C, 80-FF (as printed).
        return (
            (up[0] in "01" and up[1] in "123456789")
            or up in {"10", "20", "2B", "3D", "7F", "5C"}
            or up[0] in "89ABCDEF"
        )
    if up[0] == "0":
        return False
    if len(up) == 4 and up[0] == "D":
        return up[1] in "01234567"
    if len(up) == 6:
        return up.startswith("10")
    return value <= 0x10FFFF


def unitext_decode(
    text: str,
    *,
    allow_utf8: bool = True,
    source: str | None = None,
    offset: int = 0,
    rule: str = "utf-8-addr-unitext",
) -> str:
    """Decode utf-8-addr-xtext / utf-8-addr-unitext (RFC 6533 §3) to the address.

    ``\\x{HEXPOINT}`` becomes its code point; with ``allow_utf8=False`` only
    the 7-bit utf-8-addr-xtext form is accepted.
    """
    src = source if source is not None else text
    if not text:
        raise ParseError.at(src, offset, "empty UTF-8 address", rule=rule, expected=["QCHAR"])
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in _QCHAR:
            out.append(c)
            i += 1
            continue
        if c == "\\":
            m = _EMBEDDED.match(text, i)
            if m is None or not _hexpoint_ok(m.group(1)):
                bad = i + 1 if text[i + 1 : i + 2] != "x" else i + 2
                if m is not None:
                    bad = i + 3
                elif text[i + 1 : i + 3] == "x{":
                    j = i + 3
                    while j < n and text[j] in "0123456789abcdefABCDEF" and j < i + 9:
                        j += 1
                    bad = j
                raise ParseError.at(
                    src,
                    offset + bad,
                    "bad EmbeddedUnicodeChar (\\x{HEXPOINT})",
                    rule="EmbeddedUnicodeChar",
                    expected=["HEXPOINT"],
                )
            out.append(chr(int(m.group(1), 16)))
            i = m.end()
            continue
        code = ord(c)
        if allow_utf8 and code >= 0x80 and not 0xD800 <= code <= 0xDFFF:
            out.append(c)
            i += 1
            continue
        raise ParseError.at(
            src,
            offset + i,
            f"character {c!r} is not allowed in a UTF-8 address (RFC 6533 §3)",
            rule=rule,
            expected=["QCHAR", "EmbeddedUnicodeChar"] + (["UTF8-non-ascii"] if allow_utf8 else []),
        )
    return "".join(out)


def unitext_encode(address: str, *, utf8: bool = False) -> str:
    """Encode an address as utf-8-addr-xtext (default) or utf-8-addr-unitext (RFC 6533 §3).

    SP, CTLs, "\\", "+", "=" and (unless ``utf8``) every non-ASCII character
    become ``\\x{HEXPOINT}`` with the minimum number of upper-case digits.
    """
    out: list[str] = []
    for c in address:
        code = ord(c)
        if c in _QCHAR or (utf8 and code >= 0x80 and not 0xD800 <= code <= 0xDFFF):
            out.append(c)
            continue
        digits = f"{code:02X}"
        if not _hexpoint_ok(digits):
            raise SerializeError(f"U+{code:04X} has no HEXPOINT form in RFC 6533 §3 (as printed)")
        out.append(f"\\x{{{digits}}}")
    return "".join(out)

"""Small text helpers of the status fields: unfolding, comments, dates, RFC 6533 unitext."""

from __future__ import annotations

import datetime as _dt
import re

__all__ = [
    "COMMON_DATE",
    "InvalidDateError",
    "bad_unitext",
    "decode_unitext",
    "encode_unitext",
    "format_date",
    "is_leap_second",
    "parse_date",
    "parse_obsolete_date",
    "split_comments",
    "split_trailing_comment",
    "strip_comments",
    "unfold",
]


def unfold(value: str) -> str:
    """Remove the line breaks of folding (RFC 5322 §2.2.3); the white space stays."""
    if "\n" not in value:
        return value
    return value.replace("\r\n", "").replace("\n", "")


def strip_comments(text: str) -> str:
    """``text`` with every (possibly nested) parenthesised comment removed (RFC 822 §3.4.3)."""
    if "(" not in text:
        return text
    out: list[str] = []
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if depth and c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(c)
        i += 1
    return "".join(out)


_SPECIALS = re.compile(r"[()\\]")


def split_comments(text: str) -> tuple[str, list[str]]:
    """``text`` without its comments, and the text of each top-level comment in order
    (nested comments and quoted pairs kept verbatim inside; RFC 5322 §3.2.2).

    An unclosed comment runs to the end of ``text``.  One pass over the
    parentheses and backslashes only.
    """
    out: list[str] = []
    comments: list[str] = []
    depth = 0
    start = last = 0
    skip = -1
    for m in _SPECIALS.finditer(text):
        i = m.start()
        if i == skip:
            continue
        c = text[i]
        if c == "\\":
            if depth:
                skip = i + 1  # a quoted pair inside a comment
        elif c == "(":
            if not depth:
                out.append(text[last:i])
                start = i + 1
            depth += 1
        elif depth:
            depth -= 1
            if not depth:
                comments.append(text[start:i])
                last = i + 1
    if depth:
        comments.append(text[start:])
    else:
        out.append(text[last:])
    return "".join(out), comments


def split_trailing_comment(text: str) -> tuple[str, str | None]:
    """Split ``"x (c)"`` into ``("x", "c")``; without a final comment, ``(text, None)``."""
    t = text.rstrip()
    if not t.endswith(")"):
        return text, None
    depth = 0
    for i in range(len(t) - 1, -1, -1):
        c = t[i]
        if c == ")" and (i == 0 or t[i - 1] != "\\"):
            depth += 1
        elif c == "(" and (i == 0 or t[i - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return t[:i].rstrip(), t[i + 1 : -1]
    return text, None


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NO = {m.lower(): i + 1 for i, m in enumerate(_MONTHS)}
_DAY_NO = {d.lower(): i for i, d in enumerate(_DAYS)}

_W = r"[ \t\r\n]"
# RFC 5322 §3.3 date-time (comments removed first); numeric zone only.
_DATE = re.compile(
    rf"{_W}*(?:([A-Za-z]{{3}}){_W}*,{_W}*)?([0-9]{{1,2}}){_W}+([A-Za-z]{{3}}){_W}+([0-9]{{4}})"
    rf"{_W}+([0-9]{{2}}):([0-9]{{2}})(?::([0-9]{{2}}))?{_W}+([+-])([0-9]{{2}})([0-9]{{2}}){_W}*"
)

#: The usual spelling (``Sat, 28 Nov 2026 16:18:04 +0100``, single spaces, no
#: comment or folding): a subset of both ``_DATE`` and the grammar's date-time,
#: with the same groups.  Tried first; the parser also takes it as valid syntax.
#: (``\A``: linear even if used with ``search``.)
COMMON_DATE = re.compile(
    r"\A[ \t]*(Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{4}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})[ \t]*"
)

_ZONES: dict[tuple[str, str, str], _dt.tzinfo] = {}


class InvalidDateError(ValueError):
    """A ``date-time`` of the RFC 5322 §3.3 form that names no real instant."""


def _zone(sign: str, hh: str, mm: str) -> _dt.tzinfo:
    key = (sign, hh, mm)
    tz = _ZONES.get(key)
    if tz is None:
        if int(mm) > 59:
            raise InvalidDateError(
                f"zone {sign}{hh}{mm}: its last two digits MUST be 00 to 59 (RFC 5322 §3.3)"
            )
        minutes = int(hh) * 60 + int(mm)
        if minutes >= 24 * 60:
            raise InvalidDateError(f"zone {sign}{hh}{mm} out of range")
        delta = _dt.timedelta(minutes=-minutes if sign == "-" else minutes)
        tz = _dt.UTC if minutes == 0 else _dt.timezone(delta)
        _ZONES[key] = tz
    return tz


def parse_date(value: str) -> tuple[_dt.datetime, bool]:
    """Parse an RFC 5322 ``date-time`` (numeric zone); return ``(datetime, weekday_ok)``.

    Raise ValueError if the text is not of that form, :class:`InvalidDateError` (a
    ValueError) if it is but names no real instant (RFC 5322 §3.3: "MUST be
    semantically valid").  A leap second (``:60``, which RFC 5322 §3.3 allows)
    has no ``datetime``: it is read as second 59 with ``fold=1`` (see
    :func:`is_leap_second`).
    """
    m = COMMON_DATE.fullmatch(value)
    if m is None:
        if "(" in value:
            value = strip_comments(value)
        m = _DATE.fullmatch(value)
        if m is None:
            raise ValueError("not an RFC 5322 date-time")
    dname, day, mon, year, hh, mi, ss, sign, zh, zm = m.groups()
    month = _MONTH_NO.get(mon.lower())
    if month is None:
        raise ValueError(f"unknown month {mon!r}")
    second = int(ss) if ss is not None else 0
    fold = 0
    if second == 60:
        second, fold = 59, 1
    tz = _zone(sign, zh, zm)
    try:
        result = _dt.datetime(
            int(year), month, int(day), int(hh), int(mi), second, tzinfo=tz, fold=fold
        )
    except ValueError as exc:
        raise InvalidDateError(
            f"{day} {mon} {year} {hh}:{mi}:{ss or '00'} is no real date and time ({exc})"
        ) from None
    weekday_ok = True
    if dname is not None:
        wd = _DAY_NO.get(dname.lower())
        if wd is None:
            raise ValueError(f"unknown day name {dname!r}")
        weekday_ok = wd == result.weekday()
    return result, weekday_ok


_YEAR = re.compile(r"[0-9]{1,2}[ \t\r\n]+[A-Za-z]{3}[ \t\r\n]+([0-9]+)")


def _obs_year(digits: str) -> int:
    """RFC 5322 §4.3: a 2-digit year 00-49 is 20yy, 50-99 is 19yy; a 3-digit year
    is 1900 + it; 4 or more digits are the year itself (``email.utils`` reads
    50-68 as 20yy and 4-digit years below 100 as 2-digit ones)."""
    year = int(digits)
    if len(digits) == 2:
        return year + (2000 if year < 50 else 1900)
    if len(digits) == 3:
        return year + 1900
    return year


# RFC 5322 §4.3 obs-zone: the named zones and the military letters except "J"
_OBS_ZONE_NAMES = frozenset({"ut", "gmt", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt"})


def _obs_zone(text: str) -> bool:
    """Whether the last word of ``text`` is a zone or obs-zone (RFC 5322 §3.3, §4.3)."""
    zone = text.rsplit(None, 1)[-1].lower() if text else ""
    if zone in _OBS_ZONE_NAMES:
        return True
    if len(zone) == 1:
        return "a" <= zone <= "z" and zone != "j"
    return len(zone) == 5 and zone[0] in "+-" and zone[1:].isdigit() and zone[1:].isascii()


def parse_obsolete_date(value: str) -> _dt.datetime | None:
    """Read the obsolete forms (RFC 5322 §4.3: 2-digit years, named zones) or None."""
    import email.utils  # noqa: PLC0415 - obsolete dates only, off the import path

    text = strip_comments(value).strip()
    try:
        parts = email.utils.parsedate_tz(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parts is None or not _obs_zone(text):
        return None
    m = _YEAR.search(text)
    year = parts[0] if m is None else _obs_year(m[1])
    try:
        offset = parts[9] or 0
        return _dt.datetime(
            year,
            parts[1],
            parts[2],
            parts[3],
            parts[4],
            min(parts[5], 59),
            tzinfo=_dt.timezone(_dt.timedelta(seconds=offset)),
            fold=1 if parts[5] == 60 else 0,
        )
    except (ValueError, OverflowError):
        return None


def is_leap_second(value: _dt.datetime) -> bool:
    """Whether ``value`` stands for a leap second (``:60``, RFC 5322 §3.3).

    ``datetime`` has no second 60: the parser reads ``hh:mm:60`` as
    ``hh:mm:59`` with ``fold=1``, which has no other meaning for the fixed
    offsets (``datetime.timezone``) that dates are read with.  It compares
    equal to ``hh:mm:59``; the serializer writes it back as ``:60``.
    """
    return value.fold == 1 and value.second == 59 and isinstance(value.tzinfo, _dt.timezone)


def format_date(value: _dt.datetime) -> str:
    """RFC 5322 §3.3 ``date-time`` with a numeric zone: ``Mon, 1 Jan 2001 15:15:15 -0500``
    (a leap second, see :func:`is_leap_second`, as ``:60``)."""
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("a date needs a time zone (RFC 3464 §2.2.5: numeric zones MUST be used)")
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return (
        f"{_DAYS[value.weekday()]}, {value.day} {_MONTHS[value.month - 1]} {value.year:04d} "
        f"{value.hour:02d}:{value.minute:02d}:{60 if is_leap_second(value) else value.second:02d} "
        f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
    )


_UNITEXT = re.compile(r"\\x\{([0-9A-Fa-f]{2,6})\}")


def bad_unitext(text: str) -> str | None:
    """The first ``\\x{...}`` in ``text`` that is not an RFC 6533 §3 EmbeddedUnicodeChar
    (HEXPOINT has no 2-digit form of a printable ASCII character but 20, 2B, 3D, 5C
    and 7F; no leading zero; no surrogate; at most 10FFFF), or None.

    The rule is ``msgtrk.esmtp.unitext_decode``'s, applied to each escape.
    """
    from msgtrk._errors import ParseError  # noqa: PLC0415
    from msgtrk.esmtp._xtext import unitext_decode  # noqa: PLC0415

    i = text.find("\\x{")
    while i >= 0:
        m = _UNITEXT.match(text, i)
        if m is None:  # not 2 to 6 hexadecimal digits and "}"
            end = text.find("}", i, i + 12)
            return text[i : end + 1 if end >= 0 else i + 3]
        try:
            unitext_decode(m[0])
        except ParseError:
            return m[0]
        i = text.find("\\x{", m.end())
    return None


def decode_unitext(text: str) -> str:
    """Decode the RFC 6533 §3 ``\\x{HEXPOINT}`` escapes of ``text``.

    If any escape is not a valid EmbeddedUnicodeChar (:func:`bad_unitext`), the
    address does not conform and is returned unchanged (RFC 6533 §3: such an
    address is copied "without alteration").
    """
    if bad_unitext(text) is not None:
        return text
    return _UNITEXT.sub(lambda m: chr(int(m[1], 16)), text)


def encode_unitext(text: str) -> str:
    """Encode ``text`` as RFC 6533 §3 ``utf-8-addr-xtext`` (7-bit), as
    ``msgtrk.esmtp.unitext_encode`` does (SerializeError for a character that has
    no HEXPOINT form)."""
    from msgtrk.esmtp._xtext import unitext_encode  # noqa: PLC0415

    return unitext_encode(text)

"""Small text helpers of the status fields: unfolding, comments, dates, RFC 6533 unitext."""

from __future__ import annotations

import datetime as _dt
import email.utils
import re

__all__ = [
    "decode_unitext",
    "encode_unitext",
    "format_date",
    "parse_date",
    "parse_obsolete_date",
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

_ZONES: dict[tuple[str, str, str], _dt.tzinfo] = {}


def _zone(sign: str, hh: str, mm: str) -> _dt.tzinfo:
    key = (sign, hh, mm)
    tz = _ZONES.get(key)
    if tz is None:
        minutes = int(hh) * 60 + int(mm)
        if minutes >= 24 * 60:
            raise ValueError(f"zone {sign}{hh}{mm} out of range")
        delta = _dt.timedelta(minutes=-minutes if sign == "-" else minutes)
        tz = _dt.UTC if minutes == 0 else _dt.timezone(delta)
        _ZONES[key] = tz
    return tz


def parse_date(value: str) -> tuple[_dt.datetime, bool]:
    """Parse an RFC 5322 ``date-time`` (numeric zone); return ``(datetime, weekday_ok)``.

    Raise ValueError if the text is not of that form or names no real instant.
    """
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
    if second == 60:  # RFC 5322 §3.3 allows a leap second; datetime does not
        second = 59
    result = _dt.datetime(
        int(year), month, int(day), int(hh), int(mi), second, tzinfo=_zone(sign, zh, zm)
    )
    weekday_ok = True
    if dname is not None:
        wd = _DAY_NO.get(dname.lower())
        if wd is None:
            raise ValueError(f"unknown day name {dname!r}")
        weekday_ok = wd == result.weekday()
    return result, weekday_ok


def parse_obsolete_date(value: str) -> _dt.datetime | None:
    """Read the obsolete forms (RFC 5322 §4.3: 2-digit years, named zones) or None."""
    try:
        parts = email.utils.parsedate_tz(strip_comments(value).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parts is None:
        return None
    try:
        offset = parts[9] or 0
        return _dt.datetime(
            parts[0],
            parts[1],
            parts[2],
            parts[3],
            parts[4],
            min(parts[5], 59),
            tzinfo=_dt.timezone(_dt.timedelta(seconds=offset)),
        )
    except (ValueError, OverflowError):
        return None


def format_date(value: _dt.datetime) -> str:
    """RFC 5322 §3.3 ``date-time`` with a numeric zone: ``Mon, 1 Jan 2001 15:15:15 -0500``."""
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("a date needs a time zone (RFC 3464 §2.2.5: numeric zones MUST be used)")
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return (
        f"{_DAYS[value.weekday()]}, {value.day} {_MONTHS[value.month - 1]} {value.year:04d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} "
        f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
    )


_UNITEXT = re.compile(r"\\x\{([0-9A-Fa-f]{2,6})\}")


def decode_unitext(text: str) -> str:
    """Decode RFC 6533 §3 ``\\x{HEXPOINT}`` escapes."""

    def one(m: re.Match[str]) -> str:
        cp = int(m[1], 16)
        if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
            return m[0]
        return chr(cp)

    return _UNITEXT.sub(one, text)


def encode_unitext(text: str) -> str:
    """Encode ``text`` as RFC 6533 §3 ``utf-8-addr-xtext`` (7-bit)."""
    out = []
    for c in text:
        o = ord(c)
        if o < 0x21 or o > 0x7E or c in "\\+=":
            out.append(f"\\x{{{o:X}}}")
        else:
            out.append(c)
    return "".join(out)

"""MTQP responses: status indicator, response-info codes, text, body (RFC 3887 §2.3, §12)."""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING, Any

import attrs

from msgtrk._errors import Defect, LimitError, ParseError, SerializeError
from msgtrk.mtqp import _syntax
from msgtrk.mtqp._body import (
    MAX_LINE,
    refuse_long_first_line,
    split_lines,
    stuff,
    unstuff_line,
)

if TYPE_CHECKING:
    from msgtrk.tracking_status import TrackingResponse

__all__ = [
    "Indicator",
    "Response",
    "ResponseCode",
    "StatusLine",
    "join_body",
    "parse_body_lines",
    "parse_response",
    "parse_status_line",
    "serialize_response",
    "split_wire",
]


class Indicator(enum.Enum):
    """The status indicators of RFC 3887 §2.3 (case-insensitive on the wire, §12)."""

    OK = "+OK"  # success
    OK_MULTI = "+OK+"  # success followed by a dot-terminated body
    TEMP = "-TEMP"  # temporary failure
    ERR = "-ERR"  # permanent failure, or a command issued in the wrong state
    BAD = "-BAD"  # protocol error: unrecognised or syntactically invalid command

    @property
    def positive(self) -> bool:
        """``+OK`` or ``+OK+``."""
        return self in (Indicator.OK, Indicator.OK_MULTI)


_INDICATORS = {i.value.upper(): i for i in Indicator}


class ResponseCode(enum.Enum):
    """The registered response-info codes (RFC 3887 §3, §4, §6; §12 response-info).

    Codes are case-insensitive; unregistered ones are kept as plain strings.
    """

    MTQP = "MTQP"  # §3: required in the initial status response
    ADMIN = "admin"  # §3, §4: unavailable for administrative reasons
    UNAVAILABLE = "unavailable"  # §3, §4, §6: unavailable for other reasons
    NOINFO = "noinfo"  # §4: the message has not been seen by this server
    INSECURE = "insecure"  # §6.1: TLS level too low, every command but QUIT refused
    UNSUPPORTED = "unsupported"  # §6: TLS is not supported
    TLS_IN_PROGRESS = "tls-in-progress"  # §6: STARTTLS while a TLS session is active (-BAD)
    TLS_REQUIRED = "tls-required"  # §4: the server requires TLS for this query
    BAD_FQDN = "bad-fqdn"  # §6: STARTTLS domain not in the certificate (-BAD)

    @classmethod
    def lookup(cls, name: str) -> ResponseCode | str:
        """The registered code named ``name`` (any case), else ``name`` itself."""
        return _CODES.get(name.lower(), name)


_CODES = {c.value.lower(): c for c in ResponseCode}


def _codes(value: Any) -> tuple[ResponseCode | str, ...]:
    if isinstance(value, ResponseCode | str):
        value = (value,)
    return tuple(v if isinstance(v, ResponseCode) else ResponseCode.lookup(str(v)) for v in value)


def _code_name(code: ResponseCode | str) -> str:
    return code.value if isinstance(code, ResponseCode) else code


def _check_codes(inst: Any, attribute: Any, value: tuple[ResponseCode | str, ...]) -> None:
    for code in value:
        name = _code_name(code)
        if "/" in name or not _syntax.pattern("response-info").fullmatch("/" + name):
            raise ValueError(f"invalid response-info code {code!r} (RFC 3887 §12 NAMECHAR)")


def _check_text(inst: Any, attribute: Any, value: str | None) -> None:
    if value is not None and not _syntax.pattern("opt-text").fullmatch(" " + value):
        raise ValueError(f"invalid text {value!r}: printable ASCII and blanks only (§12 opt-text)")


@attrs.frozen(kw_only=True)
class StatusLine:
    """How a parsed status line was spelled (kept for byte-exact output)."""

    indicator: str
    codes: tuple[str, ...]
    separator: str  # the WSP character that starts opt-text ("" if no text)
    needless_dots: tuple[int, ...] = ()  # body lines sent stuffed without need (lenient)


@attrs.frozen(kw_only=True)
class Response:
    """One MTQP response (RFC 3887 §2.3).

    ``body`` holds the data lines of a ``+OK+`` response with the
    dot-stuffing removed, each line ending in CRLF; it is ``None`` for a
    single-line response.
    """

    indicator: Indicator
    codes: tuple[ResponseCode | str, ...] = attrs.field(
        default=(), converter=_codes, validator=_check_codes
    )
    text: str | None = attrs.field(default=None, validator=_check_text)
    body: bytes | None = attrs.field(default=None)
    spelling: StatusLine | None = attrs.field(default=None, eq=False, repr=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False, repr=False)

    @body.validator
    def _check_body(self, attribute: Any, value: bytes | None) -> None:
        if (value is not None) != (self.indicator is Indicator.OK_MULTI):
            raise ValueError("a body goes with +OK+ and only with +OK+ (RFC 3887 §2.3)")
        if value and not value.endswith(b"\r\n"):
            raise ValueError("a body is made of CRLF-terminated lines")
        if value and (b"\r" in value.replace(b"\r\n", b"") or b"\n" in value.replace(b"\r\n", b"")):
            raise ValueError("a body line holds no bare CR or LF (RFC 3887 §2.3: CRLF lines)")

    @classmethod
    def ok(cls, text: str | None = None, *, codes: Any = ()) -> Response:
        """A single-line ``+OK``."""
        return cls(indicator=Indicator.OK, codes=codes, text=text)

    @classmethod
    def multiline(cls, body: bytes | str, text: str | None = None, *, codes: Any = ()) -> Response:
        """A ``+OK+`` with ``body``: lines end with CRLF (§2.3), so bare LF line ends
        become CRLF and a missing final CRLF is added."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        data = re.sub(rb"\r?\n", b"\r\n", data)
        if data and not data.endswith(b"\r\n"):
            data += b"\r\n"
        return cls(indicator=Indicator.OK_MULTI, codes=codes, text=text, body=data)

    @classmethod
    def temp(cls, *codes: ResponseCode | str, text: str | None = None) -> Response:
        """A ``-TEMP`` with ``codes``."""
        return cls(indicator=Indicator.TEMP, codes=codes, text=text)

    @classmethod
    def err(cls, *codes: ResponseCode | str, text: str | None = None) -> Response:
        """A ``-ERR`` with ``codes``."""
        return cls(indicator=Indicator.ERR, codes=codes, text=text)

    @classmethod
    def bad(cls, *codes: ResponseCode | str, text: str | None = None) -> Response:
        """A ``-BAD`` with ``codes``."""
        return cls(indicator=Indicator.BAD, codes=codes, text=text)

    @property
    def positive(self) -> bool:
        """``+OK`` or ``+OK+``."""
        return self.indicator.positive

    def has(self, code: ResponseCode | str) -> bool:
        """Whether the response-info includes ``code`` (case-insensitive)."""
        wanted = _codes(code)[0]
        if isinstance(wanted, str):
            return any(isinstance(c, str) and c.lower() == wanted.lower() for c in self.codes)
        return wanted in self.codes

    @property
    def tracking(self) -> TrackingResponse:
        """The body read as a TRACK answer (RFC 3887 §4: multipart/related MTSN), leniently."""
        if self.body is None:
            raise ValueError("a single-line response has no tracking information")
        from msgtrk.tracking_status import parse_response as parse_mtsn  # noqa: PLC0415

        return parse_mtsn(self.body, strict=False)


def _status_line(resp: Response) -> bytes:
    sp = resp.spelling
    ind = resp.indicator.value
    if sp is not None and sp.indicator.upper() == ind.upper():
        ind = sp.indicator
    names = [_code_name(c) for c in resp.codes]
    if sp is not None and len(sp.codes) == len(names):
        names = [
            s if ResponseCode.lookup(s) == ResponseCode.lookup(n) else n
            for s, n in zip(sp.codes, names, strict=True)
        ]
    line = ind + "".join("/" + n for n in names)
    if resp.text is not None:
        sep = sp.separator if sp is not None and sp.separator in (" ", "\t") else " "
        line += sep + resp.text
    if len(line) > MAX_LINE:
        raise SerializeError(f"status line is {len(line)} characters; RFC 3887 §2.3 allows 998")
    return line.encode("ascii") + b"\r\n"


def serialize_response(resp: Response) -> bytes:
    """The wire form of ``resp``, body dot-stuffed and terminated (§2.3)."""
    head = _status_line(resp)
    if resp.body is None:
        return head
    return head + stuff(resp.body, resp.spelling.needless_dots if resp.spelling else ())


def parse_status_line(
    line: str, *, source: str | None = None, offset: int = 0
) -> tuple[Indicator, tuple[ResponseCode | str, ...], str | None, StatusLine]:
    """Parse a status line (without CRLF) starting at ``offset`` in ``source``.

    The line is split cheaply (indicator, ``/``-codes up to the first blank,
    text) and each part checked with the generated regexes; on a miss the
    LALR parser reports the error (RFC 3887 §12 command-response).
    """
    src = line if source is None else source
    if len(line) > MAX_LINE:
        raise LimitError.at(
            src,
            offset + MAX_LINE,
            "status line longer than 998 characters (§2.3)",
            rule="command-response",
        )
    n = 0
    while n < len(line) and (line[n] in "+-" or "A" <= line[n].upper() <= "Z"):
        n += 1
    word = line[:n]
    indicator = _INDICATORS.get(word.upper())
    end = n
    while end < len(line) and line[end] not in " \t":
        end += 1
    info, text_part = line[n:end], line[end:]
    if (
        indicator is None
        or not _syntax.pattern("response-info").fullmatch(info)
        or not _syntax.pattern("opt-text").fullmatch(text_part)
    ):
        tail = ".\r\n" if indicator is Indicator.OK_MULTI else ""
        raise _syntax.fail(
            "command-response",
            line + "\r\n" + tail,
            source=src,
            offset=offset,
            message="invalid status line",
        )
    spelled = tuple(info[1:].split("/")) if info else ()
    codes = tuple(ResponseCode.lookup(c) for c in spelled)
    text = text_part[1:] if text_part else None
    spelling = StatusLine(indicator=word, codes=spelled, separator=text_part[:1])
    return indicator, codes, text, spelling


def _lines(data: bytes, rule: str) -> list[tuple[int, bytes]]:
    """Split ``data`` into (offset, line) pairs; every line must end in CRLF."""
    out: list[tuple[int, bytes]] = []
    pos = 0
    src = data.decode("latin-1")
    while pos < len(data):
        lf = data.find(b"\n", pos)
        if lf < 0:
            raise ParseError.at(src, len(data), "line does not end with CRLF", rule=rule)
        if lf == pos or data[lf - 1] != 0x0D:
            raise ParseError.at(src, lf, "bare LF: lines end with CRLF (§2.3)", rule=rule)
        out.append((pos, data[pos : lf - 1]))
        pos = lf + 1
    if not out:
        raise ParseError.at(src, 0, "empty input", rule=rule)
    return out


def parse_body_lines(
    lines: list[tuple[int, bytes]], src: str, *, strict: bool, rule: str
) -> tuple[list[tuple[int, bytes]], list[Defect], int, tuple[int, ...]]:
    """Unstuff body lines up to the ``.`` line.

    Returns the (offset, content) of each data line, the defects, the
    number of lines used including the ``.`` line, and the indexes of the
    lines that were stuffed without need.
    """
    body: list[tuple[int, bytes]] = []
    defects: list[Defect] = []
    needless: list[int] = []
    for index, (off, line) in enumerate(lines):
        if len(line) > MAX_LINE:
            raise LimitError.at(
                src, off + MAX_LINE, "line longer than 998 octets (§2.3)", rule="dataline"
            )
        cr = line.find(b"\r")
        if cr >= 0:  # local-fixes dataline: no CR or LF inside a line
            raise ParseError.at(
                src,
                off + cr,
                "bare CR inside a line: lines end with CRLF (§2.3)",
                rule="dataline",
                expected=["CRLF"],
            )
        content = unstuff_line(line)
        if content is None:
            return body, defects, index + 1, tuple(needless)
        if line.startswith(b".") and not content.startswith(b"."):
            # §2.3: the client strips the period; the line was stuffed for nothing
            message = "a dot-stuffed line whose content does not begin with '.'"
            if strict:
                raise ParseError.at(src, off, message, rule="dataline")
            defects.append(Defect.at(src, off, "needless-dot-stuffing", message, rule="dataline"))
            needless.append(len(body))
        body.append((off + len(line) - len(content), content))
    end = lines[-1][0] + len(lines[-1][1]) + 2 if lines else len(src)
    raise ParseError.at(
        src, end, "missing the final '.' line", rule="dotcrlf", expected=['"." CRLF']
    )


def join_body(lines: list[tuple[int, bytes]]) -> bytes:
    """The body bytes of unstuffed (offset, content) lines."""
    return b"".join(content + b"\r\n" for _, content in lines)


def split_wire(
    data: bytes | bytearray | memoryview | str, rule: str
) -> tuple[bytes, str, list[tuple[int, bytes]]]:
    """(raw bytes, latin-1 text, CRLF lines with offsets) of a whole response.

    ``str`` input holds one character per octet (Latin-1), as the wire does;
    a character above U+00FF is not an octet and is refused where it is.
    """
    if isinstance(data, str):
        try:
            raw = data.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise ParseError.at(
                data,
                exc.start,
                f"U+{ord(data[exc.start]):04X} is not an octet: str input holds one character "
                "per octet (Latin-1); pass the response as bytes",
                rule=rule,
            ) from None
    else:
        raw = bytes(data)
    src = raw.decode("latin-1")
    return raw, src, _lines(raw, rule)


def parse_response(data: bytes | bytearray | memoryview | str, *, strict: bool = True) -> Response:
    """Parse one whole response, single- or multi-line (RFC 3887 §2.3, §12)."""
    refuse_long_first_line(data, rule="command-response")
    _raw, src, lines = split_wire(data, "command-response")
    first = lines[0][1]
    indicator, codes, text, spelling = parse_status_line(first.decode("latin-1"), source=src)
    body: bytes | None = None
    defects: list[Defect] = []
    used = 1
    if indicator is Indicator.OK_MULTI:
        contents, defects, used, needless = parse_body_lines(
            lines[1:], src, strict=strict, rule="multi-line-success"
        )
        body = join_body(contents)
        spelling = attrs.evolve(spelling, needless_dots=needless)
        used += 1
    if used < len(lines):
        raise ParseError.at(
            src, lines[used][0], "data after the end of the response", rule="command-response"
        )
    return Response(
        indicator=indicator,
        codes=codes,
        text=text,
        body=body,
        spelling=spelling,
        defects=tuple(defects),
    )


def body_lines(resp: Response) -> list[bytes]:
    """The unstuffed body lines of ``resp`` (no CRLF)."""
    return split_lines(resp.body or b"")

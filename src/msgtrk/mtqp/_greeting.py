"""The initial status response and its option list (RFC 3887 §3, §6.2, §10)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from msgtrk._errors import Defect, ParseError
from msgtrk.mtqp import _syntax
from msgtrk.mtqp._responses import (
    Indicator,
    Response,
    ResponseCode,
    StatusLine,
    _check_codes,
    _check_text,
    _codes,
    parse_body_lines,
    parse_status_line,
    serialize_response,
    split_wire,
)

__all__ = ["Greeting", "Option", "greeting_from_lines", "parse_greeting", "serialize_greeting"]


def _check_name(inst: Any, attribute: Any, value: str) -> None:
    if not _syntax.pattern("option-id").fullmatch(value):
        raise ValueError(f"invalid option identifier {value!r}")


def _check_params(inst: Any, attribute: Any, value: str | None) -> None:
    if value is None:
        return
    pieces = value.split("\r\n")
    joined = "x" + (" " + pieces[0] if pieces[0] else "") + "".join(pieces[1:])
    if any(p[:1] not in (" ", "\t") for p in pieces[1:]) or not _syntax.pattern(
        "option-spec"
    ).fullmatch(joined):
        raise ValueError(
            f"invalid option parameters {value!r}: visible characters, blanks between them, "
            "continuation lines start with a blank (RFC 3887 §3, option-spec)"
        )


@attrs.frozen(kw_only=True)
class Option:
    """One option specification of the greeting (RFC 3887 §3).

    ``name`` compares case-insensitively; ``parameters`` is the text after
    the first blank, continuation lines kept as ``CRLF`` + blank + text.
    """

    name: str = attrs.field(validator=_check_name, eq=str.lower)
    parameters: str | None = attrs.field(default=None, validator=_check_params)
    separator: str = attrs.field(default=" ", eq=False, repr=False)

    @classmethod
    def starttls(cls, *, required: bool = False) -> Option:
        """``STARTTLS [required]`` (§3)."""
        return cls(name="STARTTLS", parameters="required" if required else None)

    @property
    def words(self) -> list[str]:
        """The parameters split at blanks and line breaks."""
        return (self.parameters or "").split()

    @property
    def vendor(self) -> bool:
        """A ``vnd.`` vendor option (§3, §10)."""
        return self.name.lower().startswith("vnd.")

    @property
    def is_starttls(self) -> bool:
        """The STARTTLS option (§3)."""
        return self.name.upper() == "STARTTLS"


def _option_tuple(value: Iterable[Option] | None) -> tuple[Option, ...] | None:
    return None if value is None else tuple(value)


def _check_greeting_body(inst: Greeting, attribute: Any, value: tuple[Option, ...] | None) -> None:
    if (value is not None) != (inst.indicator is Indicator.OK_MULTI):
        raise ValueError("an option list goes with +OK+ and only with +OK+ (RFC 3887 §3)")


@attrs.frozen(kw_only=True)
class Greeting:
    """The server's initial status response (RFC 3887 §3).

    ``options`` is ``None`` for a single-line greeting and a tuple (maybe
    empty, Example #4) for ``+OK+``.
    """

    indicator: Indicator
    codes: tuple[ResponseCode | str, ...] = attrs.field(
        default=(ResponseCode.MTQP,), converter=_codes, validator=_check_codes
    )
    text: str | None = attrs.field(default=None, validator=_check_text)
    options: tuple[Option, ...] | None = attrs.field(
        default=None,
        converter=_option_tuple,
        validator=_check_greeting_body,
    )
    spelling: StatusLine | None = attrs.field(default=None, eq=False, repr=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False, repr=False)

    @classmethod
    def ready(cls, text: str | None = "MTQP server ready", options: Any = None) -> Greeting:
        """A positive greeting; with ``options`` (even empty) it is ``+OK+``."""
        indicator = Indicator.OK if options is None else Indicator.OK_MULTI
        return cls(indicator=indicator, text=text, options=options)

    @classmethod
    def refuse(
        cls,
        reason: ResponseCode | str = ResponseCode.UNAVAILABLE,
        text: str | None = None,
        *,
        temporary: bool = True,
    ) -> Greeting:
        """A negative greeting (``-TEMP`` or ``-ERR``) with its reason code (§3)."""
        indicator = Indicator.TEMP if temporary else Indicator.ERR
        return cls(indicator=indicator, codes=(ResponseCode.MTQP, reason), text=text)

    @property
    def positive(self) -> bool:
        """Whether the client may proceed with commands (§3)."""
        return self.indicator.positive

    @property
    def starttls(self) -> Option | None:
        """The STARTTLS option if offered."""
        return next((o for o in self.options or () if o.is_starttls), None)

    @property
    def tls_required(self) -> bool:
        """STARTTLS offered with the ``required`` parameter (§3)."""
        opt = self.starttls
        return opt is not None and [w.lower() for w in opt.words] == ["required"]

    def to_response(self) -> Response:
        """The greeting as a plain :class:`Response`."""
        body = None
        if self.options is not None:
            body = b"".join(
                (o.name + _params_text(o)).encode("ascii") + b"\r\n" for o in self.options
            )
        return Response(
            indicator=self.indicator,
            codes=self.codes,
            text=self.text,
            body=body,
            spelling=self.spelling,
        )


def _params_text(option: Option) -> str:
    if option.parameters is None:
        return ""
    if option.parameters.startswith("\r\n"):
        return option.parameters  # continuation lines only (§3)
    return (option.separator if option.separator in (" ", "\t") else " ") + option.parameters


def serialize_greeting(greeting: Greeting) -> bytes:
    """The wire form of ``greeting``."""
    return serialize_response(greeting.to_response())


def _wire_offset(segments: list[tuple[int, str]], pos: int) -> int:
    """Map an offset in the joined option text back to the wire."""
    for off, text in segments:
        if pos <= len(text):
            return off + pos
        pos -= len(text)
    return segments[-1][0] + len(segments[-1][1])


def _check_option(
    segments: list[tuple[int, str]], src: str, rule: str, *, message: str
) -> ParseError | None:
    joined = "".join(t for _, t in segments)
    if _syntax.pattern(rule).fullmatch(joined):
        return None
    err = _syntax.fail(rule, joined, message=message)
    return ParseError.at(
        src,
        _wire_offset(segments, err.offset),
        err.message,
        rule=err.rule,
        expected=err.expected,
    )


def _options(
    lines: list[tuple[int, bytes]], src: str, *, strict: bool, defects: list[Defect]
) -> tuple[Option, ...]:
    """The option specifications of a greeting body (§3; local-fixes option-spec)."""
    groups: list[list[tuple[int, str]]] = []
    for off, raw in lines:
        text = raw.decode("latin-1")
        if text[:1] in (" ", "\t"):
            if not groups:
                raise ParseError.at(
                    src, off, "a continuation line before any option (§3)", rule="option-spec"
                )
            groups[-1].append((off, text))
        else:
            groups.append([(off, text)])
    options: list[Option] = []
    for segments in groups:
        err = _check_option(segments, src, "option-spec", message="invalid option")
        if err is not None:
            raise err
        first = segments[0][1]
        cut = next((i for i, c in enumerate(first) if c in " \t"), len(first))
        name, sep, rest = first[:cut], first[cut : cut + 1], first[cut + 1 :]
        params = [rest] if sep else []
        params.extend("\r\n" + t for _, t in segments[1:])
        option = Option(
            name=name,
            parameters="".join(params) if params else None,
            separator=sep,
        )
        if option.is_starttls:
            err = _check_option(segments, src, "starttls-option", message="invalid STARTTLS option")
            if err is not None:
                if strict:
                    raise err
                defects.append(Defect.from_error(err, "starttls-parameter"))
        options.append(option)
    return tuple(options)


def greeting_from_lines(
    lines: list[tuple[int, bytes]], src: str, *, strict: bool = True
) -> tuple[Greeting, int]:
    """Build the greeting from CRLF ``lines`` (offset, line) of ``src``; returns lines used."""
    off, first = lines[0]
    indicator, codes, text, spelling = parse_status_line(
        first.decode("latin-1"), source=src, offset=off
    )
    defects: list[Defect] = []
    if ResponseCode.MTQP not in codes:
        err = ParseError.at(
            src,
            off + len(spelling.indicator),
            "the greeting lacks '/MTQP' (§3)",
            rule="greeting",
            expected=['"/MTQP"'],
        )
        if strict:
            raise err
        defects.append(Defect.from_error(err, "missing-mtqp"))
    if not indicator.positive and not any(c is not ResponseCode.MTQP for c in codes):
        err = ParseError.at(
            src,
            off + len(spelling.indicator),
            "a negative greeting needs a reason code (§3)",
            rule="greeting",
        )
        if strict:
            raise err
        defects.append(Defect.from_error(err, "missing-reason"))
    options = None
    used = 1
    if indicator is Indicator.OK_MULTI:
        contents, more, n, needless = parse_body_lines(
            lines[1:], src, strict=strict, rule="greeting"
        )
        spelling = attrs.evolve(spelling, needless_dots=needless)
        defects.extend(more)
        options = _options(contents, src, strict=strict, defects=defects)
        used += n
    greeting = Greeting(
        indicator=indicator,
        codes=codes,
        text=text,
        options=options,
        spelling=spelling,
        defects=tuple(defects),
    )
    return greeting, used


def parse_greeting(data: bytes | bytearray | memoryview | str, *, strict: bool = True) -> Greeting:
    """Parse a whole greeting (RFC 3887 §3), single- or multi-line."""
    _raw, src, lines = split_wire(data, "greeting")
    greeting, used = greeting_from_lines(lines, src, strict=strict)
    if used < len(lines):
        raise ParseError.at(
            src, lines[used][0], "data after the end of the greeting", rule="greeting"
        )
    return greeting

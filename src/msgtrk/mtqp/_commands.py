"""MTQP commands: TRACK, STARTTLS, COMMENT, QUIT and unknown ones (RFC 3887 §2.2, §4-7, §12)."""

from __future__ import annotations

import re
from typing import Any

import attrs

from msgtrk._errors import Defect, LimitError, ParseError, SerializeError
from msgtrk.mtqp import _syntax
from msgtrk.mtqp._body import MAX_LINE, refuse_long_first_line

__all__ = [
    "Command",
    "CommandSpelling",
    "Comment",
    "Quit",
    "StartTLS",
    "Track",
    "UnknownCommand",
    "check_line",
    "parse_command",
    "parse_command_line",
    "serialize_command",
]

_PRINTABLE = re.compile(r"[!-~]+")
_TOKENS = re.compile(r"[^ \t]+|[ \t]+")
_TEXTCHAR = re.compile(r"[!-~ \t]")  # §2.2: printable ASCII characters and blanks


def _printable(inst: Any, attribute: Any, value: str) -> None:
    if not _PRINTABLE.fullmatch(value):
        raise ValueError(f"{attribute.name} must be printable ASCII without blanks: {value!r}")


@attrs.frozen(kw_only=True)
class CommandSpelling:
    """How a parsed command was written: keyword case and the blanks between parts."""

    keyword: str
    gaps: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Track:
    """``TRACK unique-envid mtrk-secret`` (RFC 3887 §4).

    ``secret`` is the base64 text of the secret A (RFC 3885 §3.1).  The model
    accepts any printable ``envid`` so that lenient parsing can keep the
    §8.1 examples (``<tracking-id>`` has no ``@``); strict parsing requires
    RFC 3885 §3.2 ``unique-envid``.
    """

    envid: str = attrs.field(validator=_printable)
    secret: str = attrs.field(validator=_printable)
    spelling: CommandSpelling | None = attrs.field(default=None, eq=False, repr=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False, repr=False)

    KEYWORD = "TRACK"


@attrs.frozen(kw_only=True)
class StartTLS:
    """``STARTTLS domain`` (RFC 3887 §6): ``domain`` is the FQDN the client expects."""

    domain: str = attrs.field(validator=_printable)
    spelling: CommandSpelling | None = attrs.field(default=None, eq=False, repr=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False, repr=False)

    KEYWORD = "STARTTLS"


def _opt_text(inst: Any, attribute: Any, value: str | None) -> None:
    if value is not None and not _syntax.pattern("opt-text").fullmatch(" " + value):
        raise ValueError(f"invalid COMMENT text {value!r} (RFC 3887 §5 opt-text)")


@attrs.frozen(kw_only=True)
class Comment:
    """``COMMENT [text]`` (RFC 3887 §5): ``text`` is ``None`` when the command has none."""

    text: str | None = attrs.field(default=None, validator=_opt_text)
    spelling: CommandSpelling | None = attrs.field(default=None, eq=False, repr=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False, repr=False)

    KEYWORD = "COMMENT"


@attrs.frozen(kw_only=True)
class Quit:
    """``QUIT`` (RFC 3887 §7)."""

    spelling: CommandSpelling | None = attrs.field(default=None, eq=False, repr=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False, repr=False)

    KEYWORD = "QUIT"


def _known(inst: Any, attribute: Any, value: str) -> None:
    _printable(inst, attribute, value)
    if value.upper() in _KEYWORDS:
        raise ValueError(f"{value!r} is a defined MTQP command, not an unknown one")


@attrs.frozen(kw_only=True)
class UnknownCommand:
    """A command line whose keyword MTQP does not define (a server answers ``-BAD``, §2.3).

    ``keyword`` compares case-insensitively; ``arguments`` is the rest of the
    line after the first run of blanks, as it was (``None`` if nothing follows).
    """

    keyword: str = attrs.field(validator=_known, eq=str.upper)
    arguments: str | None = attrs.field(default=None, validator=_opt_text)
    spelling: CommandSpelling | None = attrs.field(default=None, eq=False, repr=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False, repr=False)


Command = Track | StartTLS | Comment | Quit | UnknownCommand
_KEYWORDS: dict[str, type[Track | StartTLS | Comment | Quit]] = {
    "TRACK": Track,
    "STARTTLS": StartTLS,
    "COMMENT": Comment,
    "QUIT": Quit,
}
_RULES = {
    Track: "track-command",
    StartTLS: "starttls-command",
    Comment: "comment-command",
    Quit: "quit-command",
}


def _gap(spelling: CommandSpelling | None, index: int, default: str = " ") -> str:
    if spelling is None or index >= len(spelling.gaps):
        return default
    gap = spelling.gaps[index]
    return gap if gap and not gap.strip(" \t") else default


def _keyword(cmd: Command, canonical: str) -> str:
    sp = cmd.spelling
    return sp.keyword if sp is not None and sp.keyword.upper() == canonical else canonical


def serialize_command(cmd: Command) -> bytes:
    """The wire form of ``cmd`` with its CRLF; the original spelling when parsed."""
    sp = cmd.spelling
    if isinstance(cmd, Track):
        line = _keyword(cmd, "TRACK") + _gap(sp, 0) + cmd.envid + _gap(sp, 1) + cmd.secret
        line += _gap(sp, 2, "")  # blanks before CRLF that lenient parsing kept
    elif isinstance(cmd, StartTLS):
        line = _keyword(cmd, "STARTTLS") + _gap(sp, 0) + cmd.domain + _gap(sp, 1, "")
    elif isinstance(cmd, Comment):
        line = _keyword(cmd, "COMMENT")
        if cmd.text is not None:
            line += _gap(sp, 0)[:1] + cmd.text
    elif isinstance(cmd, Quit):
        line = _keyword(cmd, "QUIT") + _gap(sp, 0, "")
    else:
        line = cmd.keyword
        if cmd.arguments is not None:
            line += _gap(sp, 0)[:1] + cmd.arguments
    if len(line) > MAX_LINE:
        raise SerializeError(f"command line is {len(line)} characters; RFC 3887 §2.2 allows 998")
    rule = _RULES.get(type(cmd))
    # a model lenient parsing built keeps its recorded departures; any other
    # must be what strict parsing accepts (design.md §2)
    if rule is not None and not cmd.defects and not _syntax.pattern(rule).fullmatch(line + "\r\n"):
        error = _syntax.fail(rule, line + "\r\n")
        raise SerializeError(
            f"{line!r} is not a valid {rule}: {error.message} at column {error.column}"
            f" (rule {error.rule}, expected {', '.join(error.expected) or '-'})"
        )
    return line.encode("ascii") + b"\r\n"


def check_line(line: str, src: str, offset: int, *, rule: str) -> None:
    """Reject a line (without CRLF) over 998 characters or with non-printable characters."""
    if len(line) > MAX_LINE:
        raise LimitError.at(
            src, offset + MAX_LINE, "line longer than 998 characters (RFC 3887 §2.2)", rule=rule
        )
    bad = _syntax.first_bad(line, 0, _TEXTCHAR)
    if bad < len(line):
        char = line[bad]
        what = "bare LF" if char == "\n" else "bare CR" if char == "\r" else f"{char!r}"
        raise ParseError.at(
            src, offset + bad, f"{what}: a command is printable ASCII and blanks", rule=rule
        )


def _split(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in _TOKENS.finditer(line)]


def parse_command_line(
    line: str, *, source: str | None = None, offset: int = 0, strict: bool = True
) -> Command:
    """Parse one command line given WITHOUT its CRLF, at ``offset`` in ``source``."""
    src = line if source is None else source
    check_line(line, src, offset, rule="client-command")
    parts = _split(line)
    if not parts or not parts[0][1].strip(" \t"):
        raise ParseError.at(
            src,
            offset,
            "expected a command keyword",
            rule="client-command",
            expected=list(_KEYWORDS),
        )
    keyword = parts[0][1]
    cls = _KEYWORDS.get(keyword.upper())
    gaps = [t for _, t in parts if not t.strip(" \t")]
    if cls is None:
        rest = line[len(keyword) :]
        return UnknownCommand(
            keyword=keyword,
            arguments=rest[1:] if rest else None,
            spelling=CommandSpelling(keyword=keyword, gaps=(rest[:1],)),
        )
    rule = _RULES[cls]
    defects: list[Defect] = []
    if not _syntax.pattern(rule).fullmatch(line + "\r\n"):
        error = _syntax.fail(rule, line + "\r\n", source=source or line + "\r\n", offset=offset)
        lenient = None if strict else _lenient(cls, parts, src, offset)
        if lenient is None:
            raise error
        defects.extend(lenient)
    words = [t for _, t in parts if t.strip(" \t")]
    spelling = CommandSpelling(keyword=keyword, gaps=tuple(gaps))
    if cls is Track:
        return Track(envid=words[1], secret=words[2], spelling=spelling, defects=tuple(defects))
    if cls is StartTLS:
        return StartTLS(domain=words[1], spelling=spelling, defects=tuple(defects))
    if cls is Quit:
        return Quit(spelling=spelling, defects=tuple(defects))
    rest = line[len(keyword) :]
    return Comment(
        text=rest[1:] if rest else None,
        spelling=CommandSpelling(keyword=keyword, gaps=(rest[:1],)),
        defects=tuple(defects),
    )


def _lenient(cls: type, parts: list[tuple[int, str]], src: str, offset: int) -> list[Defect] | None:
    """The defects lenient parsing records for a line the grammar refused, or None.

    Accepted departures: blanks at the end of TRACK or QUIT, "=" padding of
    the base64 secret, and an envid without "@" (RFC 3887 §8.1 examples).
    """
    words = [(o, t) for o, t in parts if t.strip(" \t")]
    defects: list[Defect] = []
    if parts[-1][1].strip(" \t") == "" and cls in (Track, Quit):
        defects.append(
            Defect.at(src, offset + parts[-1][0], "trailing-blanks", "blanks before CRLF")
        )
    if cls is Quit:
        return defects if len(words) == 1 and defects else None
    if cls is not Track or len(words) != 3:
        return None
    (_, _), (envid_at, envid), (secret_at, secret) = words
    if not _syntax.pattern("unique-envid").fullmatch(envid):
        if "@" in envid or not _syntax.pattern("unique-envid").fullmatch(envid + "@"):
            return None
        defects.append(
            Defect.at(
                src,
                offset + envid_at + len(envid),
                "envid-without-at",
                "not a unique-envid: no '@' fqhn (RFC 3885 §3.2)",
                rule="unique-envid",
            )
        )
    if not _syntax.pattern("mtrk-secret").fullmatch(secret):
        bare = secret.rstrip("=")
        if len(secret) - len(bare) > 2 or not _syntax.pattern("mtrk-secret").fullmatch(bare):
            return None
        defects.append(
            Defect.at(
                src,
                offset + secret_at + len(bare),
                "base64-padding",
                "'=' padding is not in the base64 set of RFC 3885 §1",
                rule="mtrk-secret",
            )
        )
    return defects or None


def parse_command(data: bytes | bytearray | memoryview | str, *, strict: bool = True) -> Command:
    """Parse one whole command line, CRLF included (RFC 3887 §2.2, §12 client-command).

    ``data`` is the line as received (any bytes-like object) or as text.
    """
    refuse_long_first_line(data, rule="client-command")
    src = data if isinstance(data, str) else bytes(data).decode("latin-1")
    end = src.find("\r\n")
    if end < 0:
        lf = src.find("\n")
        if lf >= 0:
            raise ParseError.at(src, lf, "bare LF: a command ends with CRLF", rule="client-command")
        if len(src) > MAX_LINE:
            raise LimitError.at(src, MAX_LINE, "line longer than 998 characters (RFC 3887 §2.2)")
        raise ParseError.at(
            src, len(src), "a command ends with CRLF", rule="client-command", expected=["CRLF"]
        )
    if end + 2 != len(src):
        raise ParseError.at(
            src, end + 2, "data after the end of the command line", rule="client-command"
        )
    return parse_command_line(src[:end], source=src, strict=strict)

"""One fuzz target per public msgtrk parser.

A target takes one input (``str`` or ``bytes``) and checks the hardening
contract of issue 7 on it:

* the only exception that may escape is a ``msgtrk.MsgtrkError``;
* a ``ParseError`` carries a position inside the input
  (``0 <= offset <= len(input)``) whose ``line`` and ``column`` are those
  ``msgtrk._errors.position`` computes in the whole input;
* what strict parsing accepts, lenient parsing accepts too, to an equal
  model without defects;
* nothing is lost: ``serialize(parse(x, strict=False)) == x`` for every
  input lenient parsing accepts (and so for strict parsing).

A violated invariant raises ``InvariantError`` (an ``AssertionError``); any
other exception is a bug of the parser and is left to escape, so that
atheris records the input as a crash.  The parsers are looked up at call
time, so a target whose module does not exist yet fails loudly instead of
silently testing nothing.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgtrk
from msgtrk._errors import MsgtrkError, ParseError, position

__all__ = [
    "TARGETS",
    "InvariantError",
    "Target",
    "check_error",
    "check_pair",
    "expect_msgtrk_errors",
    "resolve",
]

Input = str | bytes

# Events a Connection may return without consuming input (no progress):
# after this many in a row the target reports a hang.
_MAX_IDLE_EVENTS = 10_000


class InvariantError(AssertionError):
    """An invariant of the hardening contract does not hold for one input.

    ``key`` names the invariant (campaigns group failures by it).
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key or message.split(": ", 1)[0]


def resolve(dotted: str) -> Any:
    """Return the object named ``module.attr`` (imported now, not at load time)."""
    module, _, attr = dotted.rpartition(".")
    obj: Any = importlib.import_module(module)
    return getattr(obj, attr)


def _text_of(data: object) -> str | bytes:
    if isinstance(data, str | bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    raise TypeError(f"no text for {type(data).__name__}")


def _decoded_positions(text: str | bytes, offset: int, line: int, column: int) -> bool:
    """True if ``line``/``column`` are right for ``offset`` in the UTF-8 decoding of ``text``."""
    if not isinstance(text, bytes):
        return False
    decoded = text.decode("utf-8", "surrogateescape")
    return 0 <= offset <= len(decoded) and position(decoded, offset) == (line, column)


def _check_position(
    what: str, kind: str, *, offset: int, line: int, column: int, data: Input
) -> None:
    text = _text_of(data)
    if not 0 <= offset <= len(text):
        raise InvariantError(
            f"{what} offset {offset} outside the input (length {len(text)})",
            key=f"{kind} offset outside the input",
        )
    if line < 1 or column < 1:
        raise InvariantError(
            f"{what} has a non-positive line/column {line}:{column}",
            key=f"{kind} non-positive line/column",
        )
    expected = position(text, offset)
    if (line, column) == expected:
        return
    if _decoded_positions(text, offset, line, column):
        raise InvariantError(
            f"{what}: bytes input, position counts decoded characters, not octets "
            f"(offset {offset} is {line}:{column} in the decoded text, {expected} in the octets)",
            key="bytes input: positions count decoded characters, not octets",
        )
    raise InvariantError(
        f"{what}: wrong line/column (offset {offset} says {line}:{column}, "
        f"the input has {expected} there)",
        key=f"{kind} wrong line/column",
    )


def check_error(error: ParseError, data: Input) -> None:
    """Check that ``error`` points inside ``data`` and that its line and column agree."""
    what = f"{type(error).__name__}({error.message[:60]!r})"
    _check_position(
        what,
        type(error).__name__,
        offset=error.offset,
        line=error.line,
        column=error.column,
        data=data,
    )
    str(error)  # the caret display must not fail either


def _check_defects(model: object, data: Input) -> None:
    for defect in getattr(model, "defects", ()) or ():
        what = f"defect {defect.kind!r}"
        _check_position(
            what,
            "defect",
            offset=defect.offset,
            line=defect.line,
            column=defect.column,
            data=data,
        )


def expect_msgtrk_errors(fn: Callable[..., Any], data: Input, **kwargs: Any) -> Any:
    """Call ``fn(data, **kwargs)``; return its result, or None if it raised a msgtrk error.

    A ``ParseError`` must point inside ``data``.  Any other exception escapes.
    """
    try:
        return fn(data, **kwargs)
    except ParseError as error:
        check_error(error, data)
        return None
    except MsgtrkError:
        return None


def _same_text(out: object, data: Input) -> bool:
    if type(out) is type(data):
        return out == data
    if isinstance(out, bytes) and isinstance(data, str):
        return out == data.encode("utf-8", "surrogateescape") or out == data.encode(
            "latin-1", "replace"
        )
    if isinstance(out, str) and isinstance(data, bytes):
        return (
            out.encode("utf-8", "surrogateescape") == data
            or out.encode("latin-1", "replace") == data
        )
    return False


def _serialize(serialize: Callable[[Any], Any], model: object, what: str) -> Any:
    try:
        return serialize(model)
    except MsgtrkError as error:
        raise InvariantError(
            f"serialize() of a {what} model raised {error!r}",
            key=f"serialize() of a {what} model raised {type(error).__name__}",
        ) from error


def check_pair(
    parse: Callable[..., Any],
    serialize: Callable[[Any], Any] | None,
    data: Input,
    *,
    lenient: bool = True,
) -> tuple[Any, Any]:
    """Run the strict and the lenient parse of ``data`` and check every invariant.

    Returns ``(strict_model_or_None, lenient_model_or_None)``.
    """
    strict = expect_msgtrk_errors(parse, data)
    loose = expect_msgtrk_errors(parse, data, strict=False) if lenient else None
    if strict is not None:
        _check_defects(strict, data)
        if getattr(strict, "defects", ()):
            raise InvariantError(
                f"strict parse recorded defects {strict.defects!r}",
                key="strict parse recorded defects",
            )
        if lenient:
            if loose is None:
                raise InvariantError("strict parsing accepts, lenient parsing rejects")
            if loose != strict:
                raise InvariantError("strict and lenient parsing give different models")
            if getattr(loose, "defects", ()):
                raise InvariantError(
                    f"strict parsing accepts, lenient parsing records {loose.defects!r}",
                    key="strict parsing accepts, lenient parsing records defects",
                )
        if serialize is not None:
            out = _serialize(serialize, strict, "strict")
            if not _same_text(out, data):
                raise InvariantError(f"serialize(parse(x)) != x: {out!r}")
    if loose is not None:
        _check_defects(loose, data)
        if serialize is not None:
            out = _serialize(serialize, loose, "lenient")
            if not _same_text(out, data):
                raise InvariantError(f"serialize(parse(x, strict=False)) != x: {out!r}")
    return strict, loose


# ---------------------------------------------------------------------------
# The targets
# ---------------------------------------------------------------------------


def tracking_status(data: Input) -> None:
    """``msgtrk.tracking_status.parse`` / ``serialize`` (RFC 3886 §3)."""
    mod = msgtrk.tracking_status
    check_pair(mod.parse, mod.serialize, data)


def delivery_status(data: Input) -> None:
    """``msgtrk.delivery_status.parse`` / ``serialize``, strict and lenient (RFC 3464 §2)."""
    mod = msgtrk.delivery_status
    check_pair(mod.parse, mod.serialize, data)


def tracking_response(data: Input) -> None:
    """``msgtrk.tracking_status.parse_response`` (RFC 3887 §4, the MTSN)."""
    mod = msgtrk.tracking_status
    check_pair(mod.parse_response, getattr(mod, "serialize_response", None), data)


def delivery_report(data: Input) -> None:
    """``msgtrk.delivery_status.parse_report`` (RFC 6522 §3, a whole DSN)."""
    mod = msgtrk.delivery_status
    check_pair(mod.parse_report, getattr(mod, "serialize_report", None), data)


def _esmtp_line(name: str, data: Input) -> None:
    mod = msgtrk.esmtp
    check_pair(getattr(mod, name), mod.serialize, data)


def esmtp_mail(data: Input) -> None:
    """``msgtrk.esmtp.parse_mail`` (RFC 5321 §4.1.1.2, RFC 3461 §4, RFC 3885 §3)."""
    _esmtp_line("parse_mail", data)


def esmtp_rcpt(data: Input) -> None:
    """``msgtrk.esmtp.parse_rcpt`` (RFC 5321 §4.1.1.3, RFC 3461 §4)."""
    _esmtp_line("parse_rcpt", data)


def esmtp_ehlo(data: Input) -> None:
    """``msgtrk.esmtp.parse_ehlo`` / ``serialize_ehlo`` (RFC 5321 §4.1.1.1, §4.2 EHLO reply)."""
    mod = msgtrk.esmtp
    check_pair(mod.parse_ehlo, mod.serialize_ehlo, data)


def _mtqp_serialize(model: Any) -> Any:
    return msgtrk.mtqp.serialize(model)


def mtqp_command(data: Input) -> None:
    """``msgtrk.mtqp.parse_command`` (RFC 3887 §12 client-command)."""
    check_pair(msgtrk.mtqp.parse_command, _mtqp_serialize, data)


def mtqp_response(data: Input) -> None:
    """``msgtrk.mtqp.parse_response`` (RFC 3887 §12 command-response)."""
    check_pair(msgtrk.mtqp.parse_response, _mtqp_serialize, data)


def mtqp_greeting(data: Input) -> None:
    """``msgtrk.mtqp.parse_greeting`` (RFC 3887 §3 greeting and options)."""
    mod = msgtrk.mtqp
    check_pair(mod.parse_greeting, getattr(mod, "serialize_greeting", _mtqp_serialize), data)


def mtqp_uri(data: Input) -> None:
    """``msgtrk.mtqp.parse_uri`` (RFC 3887 §9.3)."""
    text = data if isinstance(data, str) else data.decode("latin-1")
    mod = msgtrk.mtqp
    strict = expect_msgtrk_errors(mod.parse_uri, text)
    if strict is not None:
        try:
            out = mod.build_uri(strict)
        except MsgtrkError as error:
            raise InvariantError(
                f"build_uri() of a parsed URI raised {error!r}",
                key="build_uri() of a parsed URI raised",
            ) from error
        again = expect_msgtrk_errors(mod.parse_uri, out)
        if again != strict:
            raise InvariantError(f"parse_uri(serialize_uri(u)) != u: {out!r}")


def _chunks(data: bytes) -> Iterator[bytes]:
    """Split ``data`` into chunks whose sizes come from the data itself."""
    i = 0
    size = 1
    while i < len(data):
        yield data[i : i + size]
        i += size
        size = data[i - 1] % 17 + 1 if i - 1 < len(data) else 1


def _drain(conn: Any, data: bytes) -> bool:
    """Pull events until NEED_DATA/PAUSED/closed; return False once the peer erred."""
    mtqp = msgtrk.mtqp
    stops = tuple(getattr(mtqp, name) for name in ("NEED_DATA", "PAUSED") if hasattr(mtqp, name))
    closed = getattr(mtqp, "ConnectionClosed", ())
    for _ in range(_MAX_IDLE_EVENTS):
        try:
            event = conn.next_event()
        except ParseError as error:
            _check_connection_error(error, data)
            return False
        except MsgtrkError:
            return False
        if event in stops or (closed and isinstance(event, closed)):
            return True
    raise InvariantError(
        f"next_event() returned {_MAX_IDLE_EVENTS} events without needing data",
        key="next_event() loops without needing data",
    )


def _check_connection_error(error: ParseError, data: bytes) -> None:
    # A ParseError out of a connection points into the bytes it received.
    if not 0 <= error.offset <= len(data):
        raise InvariantError(
            f"connection error offset {error.offset} past the {len(data)} octets",
            key="connection error offset past the input",
        )


def connection(data: Input) -> None:
    """``msgtrk.mtqp.Connection`` for both roles (lenient, and strict server), fed in chunks.

    Chunk sizes come from the data; after the data, EOF (``receive_data(b"")``).
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    mtqp = msgtrk.mtqp
    for role, strict in ((mtqp.CLIENT, False), (mtqp.SERVER, False), (mtqp.SERVER, True)):
        conn = mtqp.Connection(role, strict=strict)
        alive = True
        for chunk in _chunks(raw):
            try:
                conn.receive_data(chunk)
            except MsgtrkError:
                alive = False
                break
            if not _drain(conn, raw):
                alive = False
                break
        if alive:
            try:
                conn.receive_data(b"")
            except MsgtrkError:
                continue
            _drain(conn, raw)


def abnf_grammar(data: Input) -> None:
    """``msgtrk.abnf.Grammar.from_text`` (RFC 5234, RFC 7405), then compile if it loads."""
    text = data if isinstance(data, str) else data.decode("latin-1")
    abnf = msgtrk.abnf
    grammar = expect_msgtrk_errors(abnf.Grammar.from_text, text)
    if grammar is None:
        return
    to_lark = getattr(grammar, "to_lark", None)
    if to_lark is not None:
        with contextlib.suppress(MsgtrkError):
            to_lark()


@dataclass(frozen=True)
class Target:
    """A fuzz target: its function, the area that owns the parser, its input kind."""

    name: str
    area: str
    run: Callable[[Input], None]
    kind: str  # "text", "bytes" or "either": the type of its mutated inputs
    seed_globs: tuple[str, ...] = field(default=())


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("tracking_status", "status", tracking_status, "text", ("rfc3887-*-body*.txt",)),
        Target("delivery_status", "status", delivery_status, "text", ("rfc3464-*.txt",)),
        Target("tracking_response", "report", tracking_response, "bytes", ("rfc3887-*-mtsn.txt",)),
        Target("delivery_report", "report", delivery_report, "bytes", ("dsn-corpus/*.eml",)),
        Target("esmtp_mail", "esmtp", esmtp_mail, "text", ()),
        Target("esmtp_rcpt", "esmtp", esmtp_rcpt, "text", ()),
        Target("esmtp_ehlo", "esmtp", esmtp_ehlo, "text", ()),
        Target("mtqp_command", "mtqp", mtqp_command, "bytes", ()),
        Target("mtqp_response", "mtqp", mtqp_response, "bytes", ()),
        Target("mtqp_greeting", "mtqp", mtqp_greeting, "bytes", ()),
        Target("mtqp_uri", "mtqp", mtqp_uri, "text", ()),
        Target("connection", "mtqp", connection, "bytes", ()),
        Target("abnf_grammar", "abnf", abnf_grammar, "text", ("../../grammar/abnf/*.abnf",)),
    )
}

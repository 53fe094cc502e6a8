"""Limits (issue 7 item 4): each with a safe default, configurable, enforced with
``msgtrk.LimitError`` (with a position inside the input) before memory is spent.

Every row of ``LIMITS`` is checked just under its default (accepted), just
over it (LimitError, position checked like every fuzz error), and with
the configured override (the over input accepted with a larger limit, or
the under input refused with a smaller one).  ``MEMORY`` rows feed inputs
far over the limit and measure with ``tracemalloc`` that the parser does
not allocate a multiple of the input before refusing it.  SECURITY.md's
table lists the same rows with the test ids.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from msgtrk_fuzz.known import FINDINGS_URL
from msgtrk_fuzz.targets import check_error

import msgtrk


@dataclass(frozen=True)
class Limit:
    """One limit: how to build inputs at ``size``, how to parse them, how to configure it."""

    name: str
    default: int
    make: Callable[[int], str | bytes]  # an input of exactly ``size`` units of the limit
    parse: Callable[[str | bytes], object]
    configured: Callable[[str | bytes, int], object] | None  # parse with the limit set to n
    at: Callable[[int], int] | None = None  # the offset of the LimitError for make(size)

    def __str__(self) -> str:
        return self.name


def _mail(size: int) -> str:
    # the MAIL line is `size` octets long, CRLF included
    head = "MAIL FROM:<a@example.com> X-PAD="
    return head + "a" * (size - len(head) - 2) + "\r\n"


def _rcpt(size: int) -> str:
    head = "RCPT TO:<a@example.com> X-PAD="
    return head + "a" * (size - len(head) - 2) + "\r\n"


def _envid(size: int) -> str:
    return "MAIL FROM:<a@example.com> ENVID=" + "a" * size + "\r\n"


def _orcpt(size: int) -> str:
    value = "rfc822;" + "a" * (size - len("rfc822;") - len("@b.example")) + "@b.example"
    return "RCPT TO:<a@example.com> ORCPT=" + value + "\r\n"


def _mtqp_command(size: int) -> bytes:
    # a COMMENT line of `size` octets before the CRLF
    return b"COMMENT " + b"a" * (size - 8) + b"\r\n"


def _mtqp_status_line(size: int) -> bytes:
    return b"+OK " + b"a" * (size - 4) + b"\r\n"


def _mtqp_data_line(size: int) -> bytes:
    return b"+OK+\r\n" + b"a" * size + b"\r\n.\r\n"


_STATUS_HEAD = (
    "Reporting-MTA: dns; a.example\r\n\r\nFinal-Recipient: rfc822; a@b.example\r\n"
    "Action: failed\r\nStatus: 5.0.0\r\n"
)


def _status_body(size: int) -> str:
    # a delivery-status body of `size` characters: one extension field folded
    # into lines of 998 characters (the line length limit)
    head = _STATUS_HEAD + "X-Pad:"
    full, rest = divmod(size - len(head) - 5, 998)
    return head + ("\r\n " + "a" * 995) * full + "\r\n " + "a" * rest + "\r\n"


def _status_limits(**kwargs: int) -> Any:
    return msgtrk.delivery_status.Limits(**kwargs)


def _status_configured(name: str, *, strict: bool = True) -> Callable[[str | bytes, int], object]:
    def parse(data: str | bytes, n: int) -> object:
        return msgtrk.delivery_status.parse(data, strict=strict, limits=_status_limits(**{name: n}))

    return parse


_PAD = "X-Pad: "


def _status_line(size: int) -> str:
    # the last line of the body holds `size` characters before its CRLF
    return _STATUS_HEAD + _PAD + "a" * (size - len(_PAD)) + "\r\n"


def _status_line_octets(size: int) -> bytes:
    # the same in octets, with two-octet UTF-8 characters (message/global-delivery-status)
    pad = (_PAD + "\u00e9" * ((size - len(_PAD)) // 2)).encode() + b"a" * ((size - len(_PAD)) % 2)
    return _STATUS_HEAD.encode() + pad + b"\r\n"


_RECIPIENT = "Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.0.0\r\n"
_PER_MESSAGE = "Reporting-MTA: dns; a.example\r\n"


def _status_recipients(count: int) -> str:
    return _PER_MESSAGE + ("\r\n" + _RECIPIENT) * count


def _status_recipients_at(count: int) -> int:
    # the start of the first group over the limit (count - 1 groups before it)
    return len(_status_recipients(count - 1)) + 2


def _status_fields(count: int) -> str:
    # a per-message group of `count` fields
    return _PER_MESSAGE + "X-F: a\r\n" * (count - 1) + "\r\n" + _RECIPIENT


def _status_fields_at(count: int) -> int:
    return len(_PER_MESSAGE) + len("X-F: a\r\n") * (count - 2)


_ACTION = "Action: failed"


def _status_comments(depth: int) -> str:
    # Action: failed (((...))) nested `depth` deep (read leniently: the grammar's
    # comment has three levels, so deeper ones are a defect, not an error)
    return _STATUS_HEAD.replace(_ACTION, f"{_ACTION} " + "(" * depth + ")" * depth)


def _status_comments_at(depth: int) -> int:
    return _STATUS_HEAD.index(_ACTION) + len(_ACTION) + depth  # the "(" that goes too deep


def _lenient_status(data: str | bytes) -> object:
    return msgtrk.delivery_status.parse(data, strict=False)


def _connection_line(size: int) -> bytes:
    return b"COMMENT " + b"a" * (size - 8) + b"\r\n"


def _server(limits: Any = None) -> Any:
    mtqp = msgtrk.mtqp
    srv = mtqp.Connection(mtqp.SERVER, limits=limits)
    srv.send(mtqp.Greeting.ready())
    return srv


def _feed_commands(data: str | bytes, limits: Any = None) -> object:
    """Feed a server ``data``; a limit it reports through an event is raised here.

    An overlong command line comes back as ``BadCommand`` whose ``error`` is
    the LimitError (the server answers ``-BAD``, RFC 3887 §2.3).
    """
    mtqp = msgtrk.mtqp
    srv = _server(limits)
    srv.receive_data(data)
    events = []
    for _ in range(100_000):
        event = srv.next_event()
        if event is mtqp.NEED_DATA:
            break
        events.append(event)
        if isinstance(event, mtqp.BadCommand):
            if isinstance(event.error, msgtrk.LimitError):
                raise event.error
            srv.send(event.response)
        elif isinstance(event, mtqp.Rejected):
            srv.send(event.response)
        else:
            srv.send(mtqp.Response.ok())
    return events


def _receive_only(data: str | bytes, limits: Any = None) -> object:
    srv = _server(limits)
    srv.receive_data(data)  # max_buffer is checked here, before any parsing
    return srv


def _buffered(size: int) -> bytes:
    return b"x" * size


def _commands(count: int) -> bytes:
    return b"COMMENT\r\n" * count


def _limits(**kwargs: int) -> Any:
    return msgtrk.mtqp.Limits(**kwargs)


def _client_response(data: str | bytes, limits: Any = None) -> object:
    mtqp = msgtrk.mtqp
    cli = mtqp.Connection(mtqp.CLIENT, limits=limits)
    cli.receive_data(data)
    events = []
    for _ in range(1_000):
        event = cli.next_event()
        if event is mtqp.NEED_DATA:
            break
        events.append(event)
    return events


def _response_octets(size: int) -> bytes:
    # a multi-line greeting of about `size` octets (option lines of 10 octets)
    head = b"+OK+/MTQP\r\n"
    lines = (size - len(head) - 3) // 10
    return head + b"vnd.x-ab\r\n" * lines + b".\r\n"


LIMITS: list[Limit] = [
    Limit(
        "esmtp MAIL line (octets, CRLF included)",
        4096,
        _mail,
        msgtrk.esmtp.parse_mail,
        lambda d, n: msgtrk.esmtp.parse_mail(d, line_limit=n),
    ),
    Limit(
        "esmtp RCPT line (octets, CRLF included)",
        1042,
        _rcpt,
        msgtrk.esmtp.parse_rcpt,
        lambda d, n: msgtrk.esmtp.parse_rcpt(d, line_limit=n),
    ),
    Limit(
        "esmtp ENVID value (characters)",
        100,
        _envid,
        msgtrk.esmtp.parse_mail,
        None,
    ),
    Limit(
        "esmtp ORCPT value (characters)",
        500,
        _orcpt,
        msgtrk.esmtp.parse_rcpt,
        None,
    ),
    Limit(
        "mtqp command line (octets before CRLF)",
        998,
        _mtqp_command,
        msgtrk.mtqp.parse_command,
        None,
    ),
    Limit(
        "mtqp response status line (octets before CRLF)",
        998,
        _mtqp_status_line,
        msgtrk.mtqp.parse_response,
        None,
    ),
    Limit(
        "mtqp response data line (octets before CRLF)",
        998,
        _mtqp_data_line,
        msgtrk.mtqp.parse_response,
        None,
    ),
    Limit(
        "mtqp Connection line (Limits.line_length)",
        998,
        _connection_line,
        _feed_commands,
        lambda d, n: _feed_commands(d, _limits(line_length=n, max_buffer=max(n + 4, 1002))),
    ),
    Limit(
        "mtqp Connection buffered octets (Limits.max_buffer)",
        65536,
        _buffered,
        _receive_only,
        lambda d, n: _receive_only(d, _limits(max_buffer=n)),
    ),
    Limit(
        "mtqp Connection commands per connection (Limits.max_commands)",
        1000,
        _commands,
        _feed_commands,
        lambda d, n: _feed_commands(d, _limits(max_commands=n)),
    ),
    Limit(
        "mtqp Connection multi-line response (Limits.max_response, octets)",
        1 << 20,
        _response_octets,
        lambda d: _client_response(d, _limits(max_buffer=1 << 21)),
        lambda d, n: _client_response(d, _limits(max_response=n, max_buffer=1 << 21)),
    ),
    Limit(
        "status body (characters; Limits.max_body)",
        16 * 1024 * 1024,
        _status_body,
        msgtrk.delivery_status.parse,
        _status_configured("max_body"),
        lambda _size: 0,
    ),
    Limit(
        "status line (characters before CRLF; Limits.line_length)",
        998,
        _status_line,
        msgtrk.delivery_status.parse,
        _status_configured("line_length"),
        lambda _size: len(_STATUS_HEAD),
    ),
    Limit(
        "status line octets (bytes input; Limits.line_length)",
        998,
        _status_line_octets,
        msgtrk.delivery_status.parse,
        _status_configured("line_length"),
        lambda _size: len(_STATUS_HEAD),
    ),
    Limit(
        "status recipients (groups; Limits.max_recipients)",
        10_000,
        _status_recipients,
        msgtrk.delivery_status.parse,
        _status_configured("max_recipients"),
        _status_recipients_at,
    ),
    Limit(
        "status fields (per group; Limits.max_fields)",
        1000,
        _status_fields,
        msgtrk.delivery_status.parse,
        _status_configured("max_fields"),
        _status_fields_at,
    ),
    Limit(
        "status comment depth (lenient; Limits.max_comment_depth)",
        32,
        _status_comments,
        _lenient_status,
        _status_configured("max_comment_depth", strict=False),
        _status_comments_at,
    ),
]

# How far over the limit "just over" is, per row (a whole line or command).
_OVER: dict[str, int] = {
    "mtqp Connection commands per connection (Limits.max_commands)": 1,
    "mtqp Connection multi-line response (Limits.max_response, octets)": 20,
}


def _ids(rows: list[Limit]) -> list[str]:
    return [r.name.split(" (")[0].replace(" ", "-") for r in rows]


def test_defaults_are_the_documented_ones() -> None:
    from msgtrk.esmtp import _limits as esmtp_limits  # noqa: PLC0415

    assert esmtp_limits.MAIL_LINE_MAX == 4096
    assert esmtp_limits.RCPT_LINE_MAX == 1042
    assert esmtp_limits.ENVID_MAX == 100
    assert esmtp_limits.ORCPT_MAX == 500
    limits = msgtrk.mtqp.Limits()
    assert (limits.line_length, limits.max_buffer, limits.max_response, limits.max_commands) == (
        998,
        65536,
        1 << 20,
        1000,
    )
    assert msgtrk.mtqp.MAX_LINE == 998
    status = msgtrk.delivery_status.Limits()
    assert status == msgtrk.tracking_status.Limits()
    assert (
        status.max_body,
        status.line_length,
        status.max_recipients,
        status.max_fields,
        status.max_comment_depth,
        status.max_defects,
    ) == (16 * 1024 * 1024, 998, 10_000, 1000, 32, 1000)
    from msgtrk._status import _parse  # noqa: PLC0415

    assert (status.max_body, status.max_defects) == (_parse.MAX_BODY, _parse.MAX_DEFECTS)


@pytest.mark.parametrize("limit", LIMITS, ids=_ids(LIMITS))
def test_just_under_the_default_is_accepted(limit: Limit) -> None:
    limit.parse(limit.make(limit.default))


@pytest.mark.parametrize("limit", LIMITS, ids=_ids(LIMITS))
def test_just_over_the_default_is_a_limit_error(limit: Limit) -> None:
    data = limit.make(limit.default + _OVER.get(limit.name, 1))
    with pytest.raises(msgtrk.LimitError) as info:
        limit.parse(data)
    if limit.at is not None:
        assert info.value.offset == limit.at(limit.default + _OVER.get(limit.name, 1))
    if "Connection" not in limit.name:  # stream positions: checked below
        check_error(info.value, data)
    else:
        assert info.value.offset >= 0
        assert info.value.line >= 1
        assert info.value.column >= 1


CONFIGURABLE = [r for r in LIMITS if r.configured is not None]


@pytest.mark.parametrize("limit", CONFIGURABLE, ids=_ids(CONFIGURABLE))
def test_the_limit_is_configurable(limit: Limit) -> None:
    assert limit.configured is not None
    small = max(2, min(limit.default // 2, 100_000))
    if "max_buffer" in limit.name:
        small = 1002  # Limits refuses a buffer that cannot hold one line
    over = limit.make(limit.default + _OVER.get(limit.name, 1))
    if limit.name in LOWER_ONLY:
        pass  # can only be lowered: test_mtqp_line_length_can_only_be_lowered
    elif "status body" not in limit.name:  # raising MAX_BODY past 16 MiB is not worth the time
        limit.configured(over, limit.default * 2)  # a larger limit accepts it
    under = limit.make(small + _OVER.get(limit.name, 1))
    with pytest.raises(msgtrk.LimitError) as info:
        limit.configured(under, small)  # a smaller limit refuses what the default accepts
    if limit.at is not None:
        assert info.value.offset == limit.at(small + _OVER.get(limit.name, 1))
        check_error(info.value, under)
    limit.parse(under)


# Limits that can only be lowered (documented by the owner): a larger value
# does not admit longer lines.  Finding F18, closed as by design
# (docs/conformance/mtqp.md "Limits": longer lines are never valid MTQP).
LOWER_ONLY = {"mtqp Connection line (Limits.line_length)": "F18"}


def test_mtqp_line_length_can_only_be_lowered() -> None:
    over = _connection_line(999)
    with pytest.raises(msgtrk.LimitError):
        _feed_commands(over, _limits(line_length=1996, max_buffer=4000))


def test_esmtp_limit_can_be_switched_off() -> None:
    data = _mail(5_000)
    assert msgtrk.esmtp.parse_mail(data, line_limit=None).reverse_path is not None


@dataclass(frozen=True)
class Huge:
    """An input far over a limit; the parser must refuse it without copying it around."""

    name: str
    data: str | bytes
    parse: Callable[[str | bytes], object]
    finding: str | None = None


_MB = 1024 * 1024

MEMORY: list[Huge] = [
    Huge("status body, str", _STATUS_HEAD + "a" * (17 * _MB), msgtrk.delivery_status.parse),
    Huge(
        "status body, bytes",
        (_STATUS_HEAD + "a" * (17 * _MB)).encode(),
        msgtrk.delivery_status.parse,
    ),
    Huge("status line, str", _status_line(8 * _MB), msgtrk.delivery_status.parse),
    Huge("status line, bytes", _status_line_octets(8 * _MB), msgtrk.delivery_status.parse),
    # 16 MiB of the smallest groups: refused at group 10 001, having split only those
    Huge(
        "status recipients, str",
        _PER_MESSAGE + "\r\nX:\r\n" * (16 * _MB // 6 - 10),
        msgtrk.delivery_status.parse,
    ),
    Huge(
        "status fields, str",
        _PER_MESSAGE + "X:\r\n" * (16 * _MB // 4 - 10),
        msgtrk.delivery_status.parse,
    ),
    Huge("esmtp MAIL line, str", _mail(8 * _MB), msgtrk.esmtp.parse_mail),
    Huge("esmtp MAIL line, bytes", _mail(8 * _MB).encode(), msgtrk.esmtp.parse_mail),
    Huge("mtqp command, bytes", _mtqp_command(8 * _MB), msgtrk.mtqp.parse_command),
    Huge("mtqp response, bytes", _mtqp_status_line(8 * _MB), msgtrk.mtqp.parse_response),
    Huge("mtqp Connection, 8 MiB at once", _connection_line(8 * _MB), _feed_commands),
]


def _memory_param(huge: Huge) -> object:
    marks = ()
    if huge.finding is not None:
        reason = f"open fuzz finding {huge.finding} in {FINDINGS_URL}"
        marks = (pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason),)
    return pytest.param(huge, id=huge.name.replace(" ", "-"), marks=marks)


@pytest.mark.parametrize("huge", [_memory_param(h) for h in MEMORY])
def test_refused_before_memory_is_spent(huge: Huge) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(msgtrk.LimitError):
            huge.parse(huge.data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # a refusal may look at the input, not copy it: well under one input's size
    assert peak < len(huge.data) // 4, f"{peak:,} bytes allocated for a {len(huge.data):,} input"


def _status_max_defects() -> int:
    from msgtrk._status import _parse  # noqa: PLC0415

    return int(_parse.MAX_DEFECTS)


@pytest.mark.parametrize("parse", [msgtrk.delivery_status.parse, msgtrk.tracking_status.parse])
def test_status_defects_are_capped(parse: Callable[..., Any]) -> None:
    # finding F14: one defect per bad line was quadratic and unbounded; now at most
    # Limits.max_defects (default MAX_DEFECTS = 1000), then one final "too-many-defects"
    assert _status_max_defects() == 1000
    head = _STATUS_HEAD if parse is msgtrk.delivery_status.parse else ""
    under = parse(head + "X\r\n" * 999, strict=False)
    assert len(under.defects) <= 1000
    assert all(d.kind != "too-many-defects" for d in under.defects)
    over = parse(head + "X\r\n" * 5000, strict=False)
    assert len(over.defects) == 1001
    assert over.defects[-1].kind == "too-many-defects"


@pytest.mark.parametrize("parse", [msgtrk.delivery_status.parse, msgtrk.tracking_status.parse])
def test_status_defect_cap_is_configurable(parse: Callable[..., Any]) -> None:
    head = _STATUS_HEAD if parse is msgtrk.delivery_status.parse else ""
    limits = msgtrk.delivery_status.Limits(max_defects=10)
    model = parse(head + "X\r\n" * 50, strict=False, limits=limits)
    assert len(model.defects) == 11
    assert model.defects[-1].kind == "too-many-defects"


@pytest.mark.parametrize(
    "name", ["max_body", "line_length", "max_recipients", "max_fields", "max_comment_depth"]
)
def test_status_limit_can_be_switched_off(name: str) -> None:
    big = {
        "max_body": _STATUS_HEAD,  # not worth 16 MiB: None only skips the check
        "line_length": _status_line(5_000),
        "max_recipients": _status_recipients(3),
        "max_fields": _status_fields(5),
        "max_comment_depth": _status_comments(100),
    }[name]
    small = {name: 2}
    with pytest.raises(msgtrk.LimitError):
        msgtrk.delivery_status.parse(big, strict=False, limits=_status_limits(**small))
    off = msgtrk.delivery_status.Limits(**{name: None})  # type: ignore[arg-type]
    model = msgtrk.delivery_status.parse(big, strict=False, limits=off)
    assert msgtrk.delivery_status.serialize(model) == big


@pytest.mark.parametrize("value", [0, -1, True, 1.5, "10"])
@pytest.mark.parametrize(
    "name", ["max_body", "line_length", "max_recipients", "max_fields", "max_comment_depth"]
)
def test_status_limits_refuse_nonsense(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=name):
        msgtrk.delivery_status.Limits(**{name: value})  # type: ignore[arg-type]

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
    # a delivery-status body of `size` characters (one long extension field)
    return _STATUS_HEAD + "X-Pad: " + "a" * (size - len(_STATUS_HEAD) - 9) + "\r\n"


def _quiet_limit(fn: Callable[..., object], **kwargs: Any) -> Callable[[str | bytes], object]:
    return lambda data: fn(data, **kwargs)


def _status_max_body() -> int:
    from msgtrk._status import _parse  # noqa: PLC0415

    return int(_parse.MAX_BODY)


def _status_configured(data: str | bytes, n: int) -> object:
    from msgtrk._status import _parse  # noqa: PLC0415

    saved = _parse.MAX_BODY
    _parse.MAX_BODY = n
    try:
        return msgtrk.delivery_status.parse(data)
    finally:
        _parse.MAX_BODY = saved


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
        668,
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
        "status body (characters; msgtrk._status._parse.MAX_BODY)",
        16 * 1024 * 1024,
        _status_body,
        msgtrk.delivery_status.parse,
        _status_configured,
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

    assert esmtp_limits.MAIL_LINE_MAX == 668
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
    assert _status_max_body() == 16 * 1024 * 1024


@pytest.mark.parametrize("limit", LIMITS, ids=_ids(LIMITS))
def test_just_under_the_default_is_accepted(limit: Limit) -> None:
    limit.parse(limit.make(limit.default))


@pytest.mark.parametrize("limit", LIMITS, ids=_ids(LIMITS))
def test_just_over_the_default_is_a_limit_error(limit: Limit) -> None:
    data = limit.make(limit.default + _OVER.get(limit.name, 1))
    with pytest.raises(msgtrk.LimitError) as info:
        limit.parse(data)
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
    with pytest.raises(msgtrk.LimitError):
        limit.configured(under, small)  # a smaller limit refuses what the default accepts
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
    # MAX_DEFECTS (default 1000), then one final "too-many-defects"
    assert _status_max_defects() == 1000
    head = _STATUS_HEAD if parse is msgtrk.delivery_status.parse else ""
    under = parse(head + "X\r\n" * 999, strict=False)
    assert len(under.defects) <= 1000
    assert all(d.kind != "too-many-defects" for d in under.defects)
    over = parse(head + "X\r\n" * 5000, strict=False)
    assert len(over.defects) == 1001
    assert over.defects[-1].kind == "too-many-defects"

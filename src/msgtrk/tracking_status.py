"""``message/tracking-status`` (RFC 3886): the answer to an MTQP TRACK query.

>>> import msgtrk
>>> ts = msgtrk.tracking_status.parse(
...     "Original-Envelope-Id: 12345-20010101@example.com\\r\\n"
...     "Reporting-MTA: dns; example2.com\\r\\n"
...     "Arrival-Date: Mon, 1 Jan 2001 15:15:15 -0500\\r\\n\\r\\n"
...     "Original-Recipient: rfc822; user1@example1.com\\r\\n"
...     "Final-Recipient: rfc822; user1@example1.com\\r\\n"
...     "Action: delivered\\r\\nStatus: 2.5.0\\r\\n")
>>> ts.recipients[0].action
<Action.DELIVERED: 'delivered'>

The MTSN container (``multipart/related``, RFC 3886 §3) is read by
:func:`parse_response`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msgtrk._status import (
    Action,
    Address,
    ExtensionField,
    Finding,
    Limits,
    MtaName,
    Status,
    TrackingPerMessage,
    TrackingRecipient,
    TrackingStatus,
    render_table,
)
from msgtrk._status import parse_tracking_status as _parse
from msgtrk._status import serialize_tracking_status as _serialize
from msgtrk._status import validate as _validate
from msgtrk.status_codes import StatusCode

if TYPE_CHECKING:
    from msgtrk._mtsn import TrackingResponse, build_response, parse_response, serialize_response

__all__ = [
    "Action",
    "Address",
    "ExtensionField",
    "Finding",
    "Limits",
    "MtaName",
    "Status",
    "StatusCode",
    "TrackingPerMessage",
    "TrackingRecipient",
    "TrackingResponse",
    "TrackingStatus",
    "build_response",
    "parse",
    "parse_response",
    "render_table",
    "serialize",
    "serialize_response",
    "validate",
]

_MTSN_NAMES = frozenset(
    {"TrackingResponse", "build_response", "parse_response", "serialize_response"}
)


def parse(body: Any, *, strict: bool = True, limits: Limits | None = None) -> TrackingStatus:
    """Parse a tracking-status body: ``str``, ``bytes`` or an ``email.message.Message`` part.

    ``strict=True`` raises :class:`msgtrk.ParseError` (line, column, rule,
    expected) on any departure from RFC 3886 and on error-level semantic
    findings; ``strict=False`` accepts and records each departure in
    ``defects``.  ``limits`` (default ``Limits()``: 16 MiB body, 998-character
    lines, 10 000 recipients, 1000 fields per group, comments 32 deep) bounds
    the body; :class:`msgtrk.LimitError` beyond, in both modes.
    """
    return _parse(body, strict=strict, limits=limits)


def serialize(model: TrackingStatus) -> str:
    """The body as ``str``: canonical RFC 3886 text (CRLF) if built; if parsed, the input's
    text: a ``str`` input itself, a ``bytes`` input decoded as UTF-8 with undecodable
    octets as surrogate escapes (``serialize(m).encode("utf-8", "surrogateescape")``
    gives those octets back)."""
    return _serialize(model)


def validate(model: TrackingStatus) -> tuple[Finding, ...]:
    """Semantic findings (errors and warnings), each citing its RFC section."""
    return _validate(model)


def __getattr__(name: str) -> Any:
    if name in _MTSN_NAMES:
        from msgtrk import _mtsn  # noqa: PLC0415 - _mtsn imports msgtrk._status

        value = getattr(_mtsn, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'msgtrk.tracking_status' has no attribute {name!r}")

"""``message/delivery-status`` (RFC 3464) and ``message/global-delivery-status`` (RFC 6533).

>>> import msgtrk
>>> ds = msgtrk.delivery_status.parse(
...     "Reporting-MTA: dns; mx.example.org\\r\\n\\r\\n"
...     "Final-Recipient: rfc822; bob@example.com\\r\\n"
...     "Action: failed\\r\\nStatus: 5.1.1\\r\\n")
>>> ds.recipients[0].status.meaning
'Bad destination mailbox address'

The whole DSN message (``multipart/report``, RFC 6522) is read by
:func:`parse_report`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from msgtrk._status import (
    Action,
    Address,
    DeliveryPerMessage,
    DeliveryRecipient,
    DeliveryStatus,
    Diagnostic,
    ExtensionField,
    Finding,
    Limits,
    LocalizedDiagnostic,
    MtaName,
    Status,
    render_table,
)
from msgtrk._status import parse_delivery_status as _parse
from msgtrk._status import serialize_delivery_status as _serialize
from msgtrk._status import validate as _validate
from msgtrk.status_codes import StatusCode

if TYPE_CHECKING:
    from msgtrk._report import DeliveryReport, build_report, parse_report, serialize_report

__all__ = [
    "Action",
    "Address",
    "DeliveryPerMessage",
    "DeliveryRecipient",
    "DeliveryReport",
    "DeliveryStatus",
    "Diagnostic",
    "ExtensionField",
    "Finding",
    "Limits",
    "LocalizedDiagnostic",
    "MtaName",
    "Status",
    "StatusCode",
    "build_report",
    "parse",
    "parse_report",
    "render_table",
    "serialize",
    "serialize_report",
    "validate",
]

_REPORT_NAMES = frozenset({"DeliveryReport", "build_report", "parse_report", "serialize_report"})


def parse(
    body: Any,
    *,
    strict: bool = True,
    global_: bool | Literal["auto"] = "auto",
    limits: Limits | None = None,
) -> DeliveryStatus:
    """Parse a delivery-status body: ``str``, ``bytes`` or an ``email.message.Message`` part.

    ``strict=True`` raises :class:`msgtrk.ParseError` (line, column, rule,
    expected) on any departure from RFC 3464 and on error-level semantic
    findings; ``strict=False`` accepts what real MTAs send and records each
    departure in ``defects``.  ``global_``: True for
    ``message/global-delivery-status`` (UTF-8, RFC 6533 §4.1), False for
    7-bit only, ``"auto"`` (default) to accept UTF-8 if present.  ``limits``
    (default ``Limits()``: 16 MiB body, 998-character lines, 10 000
    recipients, 1000 fields per group, comments 32 deep) bounds the body;
    :class:`msgtrk.LimitError` beyond, in both modes.
    """
    return _parse(body, strict=strict, global_=global_, limits=limits)


def serialize(model: DeliveryStatus) -> str:
    """The body as ``str``: canonical RFC 3464 text (CRLF) if built; if parsed, the input's
    text: a ``str`` input itself, a ``bytes`` input decoded as UTF-8 with undecodable
    octets as surrogate escapes (``serialize(m).encode("utf-8", "surrogateescape")``
    gives those octets back)."""
    return _serialize(model)


def validate(model: DeliveryStatus) -> tuple[Finding, ...]:
    """Semantic findings (errors and warnings), each citing its RFC section."""
    return _validate(model)


def __getattr__(name: str) -> Any:
    if name in _REPORT_NAMES:
        from msgtrk import _report  # noqa: PLC0415 - _report imports msgtrk._status

        value = getattr(_report, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'msgtrk.delivery_status' has no attribute {name!r}")

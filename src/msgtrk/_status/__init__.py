"""Shared machinery of the status bodies (private).

``message/delivery-status`` (RFC 3464), ``message/global-delivery-status``
(RFC 6533) and ``message/tracking-status`` (RFC 3886) share one field
syntax: this package holds the models, the two-level parser, the
serializer, the semantic checks and the views.  The public faces are
``msgtrk.delivery_status`` and ``msgtrk.tracking_status``.
"""

from __future__ import annotations

from msgtrk._status._limits import Limits
from msgtrk._status._models import (
    Action,
    Address,
    DeliveryPerMessage,
    DeliveryRecipient,
    DeliveryStatus,
    Diagnostic,
    ExtensionField,
    LocalizedDiagnostic,
    MtaName,
    Status,
    TrackingPerMessage,
    TrackingRecipient,
    TrackingStatus,
)
from msgtrk._status._parse import (
    MAX_BODY,
    MAX_DEFECTS,
    parse_delivery_status,
    parse_tracking_status,
)
from msgtrk._status._render import render_html, render_table, table_rows
from msgtrk._status._serialize import (
    serialize,
    serialize_delivery_status,
    serialize_tracking_status,
)
from msgtrk._status._validate import Finding, validate

__all__ = [
    "MAX_BODY",
    "MAX_DEFECTS",
    "Action",
    "Address",
    "DeliveryPerMessage",
    "DeliveryRecipient",
    "DeliveryStatus",
    "Diagnostic",
    "ExtensionField",
    "Finding",
    "Limits",
    "LocalizedDiagnostic",
    "MtaName",
    "Status",
    "TrackingPerMessage",
    "TrackingRecipient",
    "TrackingStatus",
    "parse_delivery_status",
    "parse_tracking_status",
    "render_html",
    "render_table",
    "serialize",
    "serialize_delivery_status",
    "serialize_tracking_status",
    "table_rows",
    "validate",
]

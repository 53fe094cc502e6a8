"""Human views of a status body: a plain-text table (``msgtrk inspect``) and HTML (Jupyter)."""

from __future__ import annotations

import datetime as _dt
import html
from typing import Any

from msgtrk._status._models import Action, DeliveryStatus, TrackingStatus

__all__ = ["render_html", "render_table", "table_rows"]

_COLUMNS = (
    "#",
    "Final-Recipient",
    "Original-Recipient",
    "Action",
    "Status",
    "Remote-MTA",
    "Detail",
)


def _s(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Action):
        return v.value
    if isinstance(v, _dt.datetime):
        return v.isoformat()
    return str(v)


def per_message_rows(model: DeliveryStatus | TrackingStatus) -> list[tuple[str, str]]:
    """(field, value) pairs of the per-message group, for display."""
    pm = model.per_message
    rows = [
        ("Type", _kind(model)),
        ("Original-Envelope-Id", _s(pm.original_envelope_id)),
        ("Reporting-MTA", _s(pm.reporting_mta)),
    ]
    if isinstance(model, DeliveryStatus):
        dpm = model.per_message
        rows += [
            ("DSN-Gateway", _s(dpm.dsn_gateway)),
            ("Received-From-MTA", _s(dpm.received_from_mta)),
        ]
    rows.append(("Arrival-Date", _s(pm.arrival_date)))
    rows += [(e.name, e.value) for e in pm.extensions]
    return [(k, v) for k, v in rows if v]


def _kind(model: DeliveryStatus | TrackingStatus) -> str:
    if isinstance(model, TrackingStatus):
        return "message/tracking-status"
    return "message/global-delivery-status" if model.is_global else "message/delivery-status"


def table_rows(model: DeliveryStatus | TrackingStatus) -> list[tuple[str, ...]]:
    """One row per recipient: the columns of :func:`render_table`."""
    rows: list[tuple[str, ...]] = []
    r: Any
    for i, r in enumerate(model.recipients, 1):
        status = ""
        if r.status is not None:
            status = str(r.status.code) if r.status.code is not None else (r.status.text or "")
            meaning = r.status.code.description if r.status.code is not None else ""
            if meaning:
                status += f" {meaning}"
        detail = []
        diag = getattr(r, "diagnostic_code", None)
        if diag is not None:
            detail.append(str(diag))
        if r.last_attempt_date is not None:
            detail.append(f"last attempt {r.last_attempt_date.isoformat()}")
        if r.will_retry_until is not None:
            detail.append(f"retry until {r.will_retry_until.isoformat()}")
        detail += [f"{e.name}: {e.value}" for e in r.extensions]
        rows.append(
            (
                str(i),
                _s(r.final_recipient),
                _s(r.original_recipient),
                _s(r.action),
                status,
                _s(r.remote_mta),
                "; ".join(detail),
            )
        )
    return rows


def render_table(model: DeliveryStatus | TrackingStatus) -> str:
    """A plain-text view: per-message fields, then a per-recipient table, then defects."""
    out = [f"{k}: {v}" for k, v in per_message_rows(model)]
    rows = [_COLUMNS, *table_rows(model)]
    widths = [max(len(row[c]) for row in rows) for c in range(len(_COLUMNS))]
    out.append("")
    for n, row in enumerate(rows):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    if model.defects:
        out.append("")
        out.append(f"{len(model.defects)} defect(s):")
        out += [f"  line {d.line}, column {d.column}: {d.kind}: {d.message}" for d in model.defects]
    return "\n".join(out) + "\n"


def render_html(model: DeliveryStatus | TrackingStatus) -> str:
    """An HTML view (Jupyter ``_repr_html_``): per-message fields and a recipient table."""
    e = html.escape
    parts = ["<div class='msgtrk-status'>", "<table>"]
    parts += [
        f"<tr><th style='text-align:left'>{e(k)}</th><td>{e(v)}</td></tr>"
        for k, v in per_message_rows(model)
    ]
    parts.append("</table>")
    parts.append(
        "<table><thead><tr>"
        + "".join(f"<th>{e(c)}</th>" for c in _COLUMNS)
        + "</tr></thead><tbody>"
    )
    for row in table_rows(model):
        parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
    parts.append("</tbody></table>")
    if model.defects:
        parts.append("<ul>")
        parts += [
            f"<li>line {d.line}, column {d.column}: {e(d.kind)}: {e(d.message)}</li>"
            for d in model.defects
        ]
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)

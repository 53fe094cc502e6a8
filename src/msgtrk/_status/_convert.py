"""``to_dict`` / ``from_dict``: JSON-able dicts (datetimes ISO 8601, enums by value)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs

from msgtrk._errors import Defect
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
    action_from_text,
)
from msgtrk.status_codes import StatusCode

__all__ = ["defect_dict", "delivery_from_dict", "to_dict", "tracking_from_dict"]

_SKIP = frozenset({"raw", "source_fields", "defects"})


def defect_dict(d: Defect) -> dict[str, Any]:
    """A defect as a dict."""
    return {
        "kind": d.kind,
        "message": d.message,
        "line": d.line,
        "column": d.column,
        "offset": d.offset,
        "rule": d.rule,
    }


def _value(v: Any) -> Any:
    if v is None or (isinstance(v, bool | int | str) and not isinstance(v, Action)):
        return v
    if isinstance(v, Action):
        return v.value
    if isinstance(v, _dt.datetime):
        return v.isoformat()
    if isinstance(v, tuple | list):
        return [_value(x) for x in v]
    if isinstance(v, Status):
        return {
            "code": None if v.code is None else str(v.code),
            "comment": v.comment,
            "text": v.text,
            "meaning": v.meaning,
        }
    if attrs.has(type(v)):
        return {
            a.name: _value(getattr(v, a.name)) for a in attrs.fields(type(v)) if a.name not in _SKIP
        }
    raise TypeError(f"cannot convert {type(v).__name__}")


def to_dict(model: DeliveryStatus | TrackingStatus) -> dict[str, Any]:
    """``model`` as a JSON-able dict."""
    if isinstance(model, TrackingStatus):
        kind = "message/tracking-status"
    elif model.is_global:
        kind = "message/global-delivery-status"
    else:
        kind = "message/delivery-status"
    return {
        "type": kind,
        "per_message": _value(model.per_message),
        "recipients": [_value(r) for r in model.recipients],
        "defects": [defect_dict(d) for d in model.defects],
    }


def _date(v: Any) -> _dt.datetime | None:
    return None if v is None else _dt.datetime.fromisoformat(v)


def _mta(v: Any) -> MtaName | None:
    return None if v is None else MtaName(type=v["type"], name=v["name"], comment=v.get("comment"))


def _addr(v: Any) -> Address | None:
    return None if v is None else Address(type=v["type"], address=v["address"])


def _status(v: Any) -> Status | None:
    if v is None:
        return None
    code = v.get("code")
    return Status(
        code=None if code is None else StatusCode.parse(code),
        comment=v.get("comment"),
        text=v.get("text"),
    )


def _diag(v: Any) -> Diagnostic | None:
    return None if v is None else Diagnostic(type=v["type"], text=v["text"])


def _ext(items: Any) -> tuple[ExtensionField, ...]:
    return tuple(ExtensionField(name=e["name"], value=e["value"]) for e in items or ())


def _action(v: Any) -> Action | str | None:
    return None if v is None else action_from_text(v)


def delivery_from_dict(data: dict[str, Any]) -> DeliveryStatus:
    """Rebuild a :class:`DeliveryStatus` from :func:`to_dict` output (defects not restored)."""
    pm = data.get("per_message") or {}
    return DeliveryStatus(
        per_message=DeliveryPerMessage(
            original_envelope_id=pm.get("original_envelope_id"),
            reporting_mta=_mta(pm.get("reporting_mta")),
            dsn_gateway=_mta(pm.get("dsn_gateway")),
            received_from_mta=_mta(pm.get("received_from_mta")),
            arrival_date=_date(pm.get("arrival_date")),
            extensions=_ext(pm.get("extensions")),
        ),
        recipients=tuple(
            DeliveryRecipient(
                original_recipient=_addr(r.get("original_recipient")),
                final_recipient=_addr(r.get("final_recipient")),
                action=_action(r.get("action")),
                status=_status(r.get("status")),
                remote_mta=_mta(r.get("remote_mta")),
                diagnostic_code=None
                if r.get("diagnostic_code") is None
                else Diagnostic(
                    type=r["diagnostic_code"]["type"], text=r["diagnostic_code"]["text"]
                ),
                localized_diagnostics=tuple(
                    LocalizedDiagnostic(language=x["language"], text=x["text"])
                    for x in r.get("localized_diagnostics") or ()
                ),
                last_attempt_date=_date(r.get("last_attempt_date")),
                final_log_id=r.get("final_log_id"),
                will_retry_until=_date(r.get("will_retry_until")),
                extensions=_ext(r.get("extensions")),
            )
            for r in data.get("recipients") or ()
        ),
        is_global=data.get("type") == "message/global-delivery-status",
    )


def tracking_from_dict(data: dict[str, Any]) -> TrackingStatus:
    """Rebuild a :class:`TrackingStatus` from :func:`to_dict` output (defects not restored)."""
    pm = data.get("per_message") or {}
    return TrackingStatus(
        per_message=TrackingPerMessage(
            original_envelope_id=pm.get("original_envelope_id"),
            reporting_mta=_mta(pm.get("reporting_mta")),
            arrival_date=_date(pm.get("arrival_date")),
            extensions=_ext(pm.get("extensions")),
        ),
        recipients=tuple(
            TrackingRecipient(
                original_recipient=_addr(r.get("original_recipient")),
                final_recipient=_addr(r.get("final_recipient")),
                action=_action(r.get("action")),
                status=_status(r.get("status")),
                remote_mta=_mta(r.get("remote_mta")),
                last_attempt_date=_date(r.get("last_attempt_date")),
                will_retry_until=_date(r.get("will_retry_until")),
                extensions=_ext(r.get("extensions")),
            )
            for r in data.get("recipients") or ()
        ),
    )

"""Semantic checks: one row per rule, each asserting its code, level and RFC section."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

import msgtrk
from msgtrk import delivery_status, tracking_status
from msgtrk._status import (
    Action,
    Address,
    DeliveryPerMessage,
    DeliveryRecipient,
    DeliveryStatus,
    Diagnostic,
    LocalizedDiagnostic,
    MtaName,
    Status,
    TrackingPerMessage,
    TrackingRecipient,
    TrackingStatus,
)

T0 = dt.datetime(2001, 1, 1, 15, 15, 15, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
T1 = T0 + dt.timedelta(hours=4)


def ds(**recipient: Any) -> DeliveryStatus:
    fields: dict[str, Any] = {
        "final_recipient": Address.rfc822("a@b.example"),
        "action": Action.FAILED,
        "status": Status.of("5.1.1"),
    }
    fields.update(recipient)
    return DeliveryStatus(
        per_message=DeliveryPerMessage(reporting_mta=MtaName.dns("mx.example"), arrival_date=T0),
        recipients=(DeliveryRecipient(**fields),),
    )


def ts(**recipient: Any) -> TrackingStatus:
    fields: dict[str, Any] = {
        "original_recipient": Address.rfc822("a@b.example"),
        "final_recipient": Address.rfc822("a@b.example"),
        "action": Action.DELIVERED,
        "status": Status.of("2.0.0"),
    }
    fields.update(recipient)
    return TrackingStatus(
        per_message=TrackingPerMessage(
            original_envelope_id="1@a.example",
            reporting_mta=MtaName.dns("mx.example"),
            arrival_date=T0,
        ),
        recipients=(TrackingRecipient(**fields),),
    )


# model, level, code, section
ROWS = [
    (ds(), None, None, None),
    (ts(), None, None, None),
    (ds(final_recipient=None), "error", "missing-field", "RFC 3464 §2.3.2"),
    (ds(action=None), "error", "missing-field", "RFC 3464 §2.3.3"),
    (ds(status=None), "error", "missing-field", "RFC 3464 §2.3.4"),
    (ts(original_recipient=None), "error", "missing-field", "RFC 3886 §3.3.1"),
    (
        attrs.evolve(
            ts(), per_message=TrackingPerMessage(reporting_mta=MtaName.dns("x"), arrival_date=T0)
        ),
        "error",
        "missing-field",
        "RFC 3886 §3.2.1",
    ),
    (
        attrs.evolve(ds(), per_message=DeliveryPerMessage()),
        "error",
        "missing-field",
        "RFC 3464 §2.2.2",
    ),
    (attrs.evolve(ds(), recipients=()), "error", "no-recipients", "RFC 3464 §2.1"),
    (ds(action="error"), "error", "unknown-action", "RFC 3464 §2.3.3"),
    (
        ds(action=Action.OPAQUE, status=Status.of("5.0.0")),
        "error",
        "tracking-action",
        "RFC 3464 §2.3.3",
    ),
    (ds(status=Status(code=None, text="unknown")), "error", "bad-status", "RFC 3464 §2.3.4"),
    (ds(status=Status.of("3.1.1")), "error", "status-class", "RFC 3463 §2"),
    (
        ts(action=Action.DELIVERED, status=Status.of("2.1.9")),
        "error",
        "x19-not-relayed",
        "RFC 3886 §3.3.4",
    ),
    (
        ds(action=Action.DELIVERED, status=Status.of("2.1.9")),
        "warning",
        "x19-not-relayed",
        "RFC 3886 §3.3.4",
    ),
    (
        ts(action=Action.RELAYED, status=Status.of("5.1.9")),
        "warning",
        "x19-class",
        "RFC 3886 §3.3.4",
    ),
    (
        ts(action=Action.OPAQUE, status=Status.of("5.0.0"), remote_mta=MtaName.dns("x")),
        "error",
        "opaque-field",
        "RFC 3886 §3.3.5",
    ),
    (
        ts(action=Action.OPAQUE, status=Status.of("4.0.0"), will_retry_until=T1),
        "error",
        "opaque-field",
        "RFC 3886 §3.3.7",
    ),
    (ts(will_retry_until=T1), "error", "retry-not-delayed", "RFC 3886 §3.3.7"),
    (ds(will_retry_until=T1), "error", "retry-not-delayed", "RFC 3464 §2.3.9"),
    (ds(action=Action.DELIVERED), "warning", "action-status-class", "RFC 3464 §2.3.3, RFC 3463 §2"),
    (
        ds(action=Action.DELAYED, status=Status.of("5.0.0")),
        "warning",
        "action-status-class",
        "RFC 3464 §2.3.3, RFC 3463 §2",
    ),
    (ds(status=Status.of("5.9.9")), "warning", "unregistered-status", "RFC 3463 §2"),
    (
        ds(final_recipient=Address.rfc822("not an address")),
        "warning",
        "bad-address",
        "RFC 3464 §2.3.2",
    ),
    (ds(original_recipient=Address.rfc822("a@@b")), "warning", "bad-address", "RFC 3464 §2.3.1"),
    (ds(final_recipient=Address.utf8("jöran@b.example")), "error", "utf8-address", "RFC 6533 §3"),
    (
        ds(
            diagnostic_code=Diagnostic.smtp("550 no"),
            localized_diagnostics=(
                LocalizedDiagnostic(language="de", text="nein"),
                LocalizedDiagnostic(language="DE", text="nee"),
            ),
        ),
        "error",
        "localized-duplicate",
        "RFC 6533 §4.1",
    ),
    (
        ds(localized_diagnostics=(LocalizedDiagnostic(language="de", text="nein"),)),
        "warning",
        "localized-without-diagnostic",
        "RFC 6533 §4.1",
    ),
    (ts(remote_mta=MtaName.dns("x")), "warning", "missing-last-attempt", "RFC 3886 §3.3.6"),
    (ds(last_attempt_date=T0 - dt.timedelta(days=1)), "warning", "date-order", "RFC 3464 §2.2.5"),
    (
        ds(
            action=Action.DELAYED,
            status=Status.of("4.0.0"),
            last_attempt_date=T1,
            will_retry_until=T0,
        ),
        "warning",
        "date-order",
        "RFC 3464 §2.3.9",
    ),
    (ds(last_attempt_date=dt.datetime(2001, 1, 1)), "error", "naive-date", "RFC 3464 §2.3.7"),
]


@pytest.mark.parametrize(("model", "level", "code", "section"), ROWS)
def test_rule(model: Any, level: str | None, code: str | None, section: str | None) -> None:
    findings = model_findings(model)
    if level is None:
        assert findings == ()
        return
    # relayed + 5.1.9 is also a class mismatch (RFC 3464 §2.3.3)
    extra = [("warning", "action-status-class", "RFC 3464 §2.3.3, RFC 3463 §2")]
    expected = [(level, code, section)] + (extra if code == "x19-class" else [])
    assert [(f.level, f.code, f.section) for f in findings] == expected
    assert str(findings[0]).startswith(level)
    if level == "error":
        module = tracking_status if isinstance(model, TrackingStatus) else delivery_status
        with pytest.raises(msgtrk.SerializeError):
            module.serialize(model)


def model_findings(model: Any) -> tuple[msgtrk.delivery_status.Finding, ...]:
    if isinstance(model, TrackingStatus):
        return tracking_status.validate(model)
    return delivery_status.validate(model)


def test_global_allows_utf8_address() -> None:
    model = attrs.evolve(ds(final_recipient=Address.utf8("jöran@bücher.example")), is_global=True)
    assert delivery_status.validate(model) == ()
    text = delivery_status.serialize(model)
    assert "jöran" in text
    assert delivery_status.parse(text, global_=True) == model


def test_positions_of_parsed_findings() -> None:
    text = (
        "Original-Envelope-Id: x\r\nReporting-MTA: dns; a\r\n"
        "Arrival-Date: Mon, 1 Jan 2001 15:15:15 -0500\r\n\r\n"
        "Original-Recipient: rfc822; a@b.example\r\nFinal-Recipient: rfc822; a@b.example\r\n"
        "Action: delivered\r\nStatus: 2.1.9\r\n"
    )
    with pytest.raises(msgtrk.ParseError) as info:
        tracking_status.parse(text)
    assert (info.value.line, info.value.column, info.value.rule) == (8, 1, "status-field")
    model = tracking_status.parse(text, strict=False)
    (finding,) = tracking_status.validate(model)
    assert (finding.line, finding.column, finding.recipient, finding.field) == (8, 1, 0, "Status")

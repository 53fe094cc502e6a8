"""Round-trip properties of the report-area models (hypothesis)."""

from __future__ import annotations

import contextlib
import email
import email.policy

from hypothesis import given, settings
from hypothesis import strategies as st

from msgtrk import ParseError, contentmanager
from msgtrk._mtsn import TrackingResponse, parse_response, serialize_response
from msgtrk._report import DeliveryReport, parse_report, serialize_report
from report.strategies_report import (
    delivery_reports,
    raw_mtsns,
    raw_reports,
    tracking_responses,
)

FAST = settings(max_examples=30)


@FAST
@given(delivery_reports())
def test_report_parse_serialize(rep: DeliveryReport) -> None:
    wire = serialize_report(rep)
    again = parse_report(wire)
    assert again == rep
    assert again.defects == ()
    assert serialize_report(again) == wire


@FAST
@given(delivery_reports())
def test_report_through_the_stdlib(rep: DeliveryReport) -> None:
    msg = email.message_from_bytes(serialize_report(rep), policy=contentmanager.policy)
    assert msg.get_content().status == rep.status
    parts = [p for p in msg.walk() if p.get_content_type() == rep.status_type]
    assert parts[0].get_content() == rep.status


@FAST
@given(tracking_responses(others=False))
def test_response_parse_serialize(resp: TrackingResponse) -> None:
    wire = serialize_response(resp)
    again = parse_response(wire)
    assert again == resp
    assert again.defects == ()
    assert serialize_response(again) == wire


@FAST
@given(tracking_responses(others=True))
def test_response_with_other_parts_lenient(resp: TrackingResponse) -> None:
    again = parse_response(serialize_response(resp), strict=False)
    assert again == resp
    assert [d.kind for d in again.defects] == ["part-type"] * len(resp.other_parts)


@FAST
@given(raw_reports())
def test_parsed_report_text_round_trips(wire: bytes) -> None:
    for data in (wire, wire.decode("utf-8")):
        rep = parse_report(data, strict=False)
        assert serialize_report(rep) == wire
        assert rep.status is not None


@FAST
@given(raw_mtsns())
def test_parsed_mtsn_text_round_trips(wire: bytes) -> None:
    resp = parse_response(wire, strict=False)
    assert serialize_response(resp) == wire
    assert resp.statuses


@settings(max_examples=80)
@given(st.binary(max_size=300) | raw_reports().map(lambda b: b[: len(b) // 2]))
def test_only_our_errors_escape(data: bytes) -> None:
    for strict in (True, False):
        with contextlib.suppress(ParseError):
            parse_report(data, strict=strict)
        with contextlib.suppress(ParseError):
            parse_response(data, strict=strict)

"""Serializing: canonical text for built models, exact text for parsed ones, SerializeError
for models that cannot be written; to_dict/from_dict, the table and HTML views, and
email.message input."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from pathlib import Path

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
    ExtensionField,
    MtaName,
    Status,
    TrackingPerMessage,
    TrackingRecipient,
    TrackingStatus,
    render_table,
)

DATA = Path(__file__).parent.parent / "data"
EST = dt.timezone(dt.timedelta(hours=-5))


def example06() -> TrackingStatus:
    return TrackingStatus(
        per_message=TrackingPerMessage(
            original_envelope_id="12345-20010101@example.com",
            reporting_mta=MtaName.dns("example2.com"),
            arrival_date=dt.datetime(2001, 1, 1, 15, 15, 15, tzinfo=EST),
        ),
        recipients=[
            TrackingRecipient(
                original_recipient=Address.rfc822("user1@example1.com"),
                final_recipient=Address.rfc822("user1@example1.com"),
                action=Action.DELIVERED,
                status=Status.of("2.5.0"),
            )
        ],
    )


def test_built_model_is_canonical() -> None:
    """RFC 3887 §4.1 example #6, built in code, gives the printed body with CRLF."""
    expected = (DATA / "rfc3887-4.1-example06-body.txt").read_text().replace("\n", "\r\n")
    assert tracking_status.serialize(example06()) == expected
    assert tracking_status.parse(expected) == example06()


def test_canonical_delivery_status() -> None:
    model = DeliveryStatus(
        per_message=DeliveryPerMessage(
            original_envelope_id="QQ314159",
            reporting_mta=MtaName.dns("mx.example.org"),
            received_from_mta=MtaName.dns("client.example.com", comment="192.0.2.7"),
            arrival_date=dt.datetime(2026, 11, 28, 9, 5, 0, tzinfo=dt.UTC),
            extensions=[ExtensionField(name="X-Postfix-Queue-ID", value="4F1D2C0A1B")],
        ),
        recipients=[
            DeliveryRecipient(
                original_recipient=Address.rfc822("Bob@example.com"),
                final_recipient=Address.rfc822("bob@example.com"),
                action=Action.FAILED,
                status=Status.of("5.1.1", comment="user unknown"),
                remote_mta=MtaName.dns("mx.example.com"),
                diagnostic_code=Diagnostic.smtp("550 5.1.1 <bob@example.com>: user unknown"),
                last_attempt_date=dt.datetime(2026, 11, 28, 9, 6, 1, tzinfo=dt.UTC),
                final_log_id="4F1D2C0A1B",
            )
        ],
    )
    text = delivery_status.serialize(model)
    assert text == (
        "Original-Envelope-Id: QQ314159\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n"
        "Received-From-MTA: dns; client.example.com (192.0.2.7)\r\n"
        "Arrival-Date: Sat, 28 Nov 2026 09:05:00 +0000\r\n"
        "X-Postfix-Queue-ID: 4F1D2C0A1B\r\n"
        "\r\n"
        "Original-Recipient: rfc822; Bob@example.com\r\n"
        "Final-Recipient: rfc822; bob@example.com\r\n"
        "Action: failed\r\n"
        "Status: 5.1.1 (user unknown)\r\n"
        "Remote-MTA: dns; mx.example.com\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: user unknown\r\n"
        "Last-Attempt-Date: Sat, 28 Nov 2026 09:06:01 +0000\r\n"
        "Final-Log-ID: 4F1D2C0A1B\r\n"
    )
    assert delivery_status.parse(text) == model


def test_evolve_rewrites_only_the_changed_group() -> None:
    text = (DATA / "rfc3887-4.1-example11-body.txt").read_text()
    parsed = tracking_status.parse(text)
    first, second = parsed.recipients
    changed = attrs.evolve(second, action=Action.DELAYED, status=Status.of("4.4.1"))
    model = attrs.evolve(parsed, recipients=(first, changed))
    out = tracking_status.serialize(model)
    head, _, tail = out.rpartition("\n\n")
    assert head + "\n\n" == text[: len(head) + 2]  # unchanged groups kept byte for byte (LF)
    assert tail == (
        "Original-Recipient: rfc822; user2@example1.com\n"
        "Final-Recipient: rfc822; user4@example3.com\n"
        "Action: delayed\n"
        "Status: 4.4.1\n"
    )
    assert tracking_status.parse(out).recipients[1] == changed


@pytest.mark.parametrize(
    "change",
    [
        {"status": Status.of("5.1.1", comment="unbalanced ( paren")},
        {"final_recipient": Address(type="rfc822", address=" padded@example.com")},
        {"final_recipient": Address(type="rfc 822", address="a@b.example")},
        {"final_recipient": Address(type="rfc822", address="line\r\nbreak")},
        {"diagnostic_code": Diagnostic(type="smtp", text="trailing ")},
        {"last_attempt_date": dt.datetime(2001, 1, 1, tzinfo=dt.UTC).replace(microsecond=5)},
        {"extensions": [ExtensionField(name="Bad Name", value="x")]},
        {"extensions": [ExtensionField(name="Status", value="5.0.0")]},
        {"extensions": [ExtensionField(name="X-A", value="é")]},
        {"final_log_id": "x\x00y"},
    ],
)
def test_unwritable_models_raise(change: dict[str, object]) -> None:
    base = DeliveryRecipient(
        final_recipient=Address.rfc822("a@b.example"),
        action=Action.FAILED,
        status=Status.of("5.0.0"),
    )
    model = DeliveryStatus(
        per_message=DeliveryPerMessage(reporting_mta=MtaName.dns("x.example")),
        recipients=[attrs.evolve(base, **change)],
    )
    with pytest.raises(msgtrk.SerializeError):
        delivery_status.serialize(model)


def test_serialize_type_checks() -> None:
    with pytest.raises(msgtrk.SerializeError):
        delivery_status.serialize(example06())  # type: ignore[arg-type]


def test_to_dict_round_trip_and_json() -> None:
    model = tracking_status.parse(
        (DATA / "rfc3887-4.1-example09-body.txt").read_text(), strict=False
    )
    data = model.to_dict()
    again = json.loads(json.dumps(data))
    assert again["type"] == "message/tracking-status"
    assert again["per_message"]["arrival_date"] == "2001-01-01T15:15:15-05:00"
    assert again["recipients"][1]["status"] == {
        "code": "5.2.2",
        "comment": "Mailbox full",
        "text": None,
        "meaning": "Mailbox full",
    }
    assert again["recipients"][0]["action"] == "relayed"
    assert again["defects"][0]["kind"] == "missing-colon"
    assert TrackingStatus.from_dict(again) == model
    ds = delivery_status.parse((DATA / "rfc3464-E-multi-recipient.txt").read_text())
    assert DeliveryStatus.from_dict(json.loads(json.dumps(ds.to_dict()))) == ds


def test_views() -> None:
    model = tracking_status.parse(
        (DATA / "rfc3887-4.1-example09-body.txt").read_text(), strict=False
    )
    table = render_table(model)
    assert "Reporting-MTA: dns; example2.com" in table
    assert "5.2.2 Permanent Failure: Mailbox full" in table
    assert "line 15, column 7: missing-colon" in table
    html = model._repr_html_()
    assert html.count("<tr>") == 7  # 4 per-message rows, header, 2 recipients
    assert html.count("<td>2</td>") == 1
    assert "user2@example1.com" in html


def test_email_message_input() -> None:
    body = (DATA / "rfc3464-E-multi-recipient.txt").read_text()
    raw = "Content-Type: message/delivery-status\n\n" + body
    part = email.message_from_string(raw, policy=email.policy.default)
    model = delivery_status.parse(part)
    assert [r.final_recipient.address for r in model.recipients] == [
        "arathib@vnet.ibm.com",
        "johnh@hpnjld.njd.hp.com",
        "wsnell@sdcc13.ucsd.edu",
    ]
    tbody = (DATA / "rfc3887-4.1-example11-body.txt").read_text()
    tpart = email.message_from_string(
        "Content-Type: message/tracking-status\n\n" + tbody, policy=email.policy.default
    )
    assert tracking_status.parse(tpart) == tracking_status.parse(tbody)


def test_bytes_round_trip_with_undecodable_octets() -> None:
    data = (
        b"Reporting-MTA: dns; x\xff.example\n\n"
        b"Final-Recipient: rfc822; a@b\nAction: failed\nStatus: 5.0.0\n"
    )
    model = delivery_status.parse(data, strict=False)
    assert delivery_status.serialize(model).encode("utf-8", "surrogateescape") == data
    (defect,) = [d for d in model.defects if d.kind in {"non-ascii", "bad-utf8"}]
    assert (defect.line, defect.column, defect.offset) == (1, 22, 21)


def test_long_values_are_folded() -> None:
    """RFC 5322 §2.1.1: lines of at most 998 characters; unfolding gives the value back."""
    text = " ".join(["word"] * 600)
    model = DeliveryStatus(
        per_message=DeliveryPerMessage(reporting_mta=MtaName.dns("x.example")),
        recipients=[
            DeliveryRecipient(
                final_recipient=Address.rfc822("a@b.example"),
                action=Action.FAILED,
                status=Status.of("5.0.0"),
                diagnostic_code=Diagnostic.smtp(text),
                extensions=[ExtensionField(name="X-Long", value=text)],
            )
        ],
    )
    out = delivery_status.serialize(model)
    assert max(len(line) for line in out.split("\r\n")) <= 998
    assert out.count("\r\n ") >= 4
    assert delivery_status.parse(out) == model
    unfoldable = attrs.evolve(
        model,
        recipients=[attrs.evolve(model.recipients[0], extensions=[], final_log_id="x" * 1000)],
    )
    with pytest.raises(msgtrk.SerializeError):
        delivery_status.serialize(unfoldable)

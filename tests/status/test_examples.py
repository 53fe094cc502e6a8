"""Every example body of RFC 3887 §4.1 (the message/tracking-status parts of #6-#12) and
RFC 3464 Appendix E (the message/delivery-status parts).  RFC 3886 itself prints no
example body.

Each parses (leniently where the RFC example breaks the grammar, with exactly those
defects), strict parsing rejects the broken ones at the right line and column, and
every body round-trips byte for byte, with LF (as printed) and CRLF (as sent).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import msgtrk
from msgtrk import delivery_status, tracking_status
from msgtrk._status import Action
from msgtrk.status_codes import StatusCode

DATA = Path(__file__).parent.parent / "data"

# file, module, strict error (line, column, rule, expected) or None, lenient defects
EXAMPLES = [
    ("rfc3887-4.1-example06-body.txt", tracking_status, None, []),
    # RFC README: #7 puts Status after Remote-MTA and Last-Attempt-Date (RFC 3886 §3.3 order)
    (
        "rfc3887-4.1-example07-body.txt",
        tracking_status,
        (8, 1, "per-recipient-fields", ("Status",)),
        [("field-order", 8, 1)],
    ),
    ("rfc3887-4.1-example08-body.txt", tracking_status, None, []),
    # RFC README: #9's second recipient has "Status 5.2.2 (Mailbox full)" with no colon
    (
        "rfc3887-4.1-example09-body.txt",
        tracking_status,
        (15, 7, "status-field", ('":"',)),
        [("missing-colon", 15, 7)],
    ),
    ("rfc3887-4.1-example10-body1.txt", tracking_status, None, []),
    ("rfc3887-4.1-example10-body2.txt", tracking_status, None, []),
    ("rfc3887-4.1-example11-body.txt", tracking_status, None, []),
    ("rfc3887-4.1-example12-body1.txt", tracking_status, None, []),
    ("rfc3887-4.1-example12-body2.txt", tracking_status, None, []),
    ("rfc3464-E-simple.txt", delivery_status, None, []),
    # Remote-MTA after Diagnostic-Code: the grammar reads it as an extension field, so it is
    # valid; we read it as Remote-MTA and validate() warns about the order.
    ("rfc3464-E-multi-recipient.txt", delivery_status, None, []),
    # Status before Action (RFC 3464 §2.3 order)
    (
        "rfc3464-E-gateway.txt",
        delivery_status,
        (4, 1, "per-recipient-fields", ("Action",)),
        [("field-order", 4, 1)],
    ),
    (
        "rfc3464-E-delayed.txt",
        delivery_status,
        (4, 1, "per-recipient-fields", ("Action",)),
        [("field-order", 4, 1)],
    ),
]

IDS = [row[0] for row in EXAMPLES]


def _read(name: str) -> str:
    return (DATA / name).read_text(encoding="ascii")


@pytest.mark.parametrize(("name", "module", "error", "defects"), EXAMPLES, ids=IDS)
@pytest.mark.parametrize("nl", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_example(name: str, module: object, error: object, defects: object, nl: str) -> None:
    text = _read(name).replace("\n", nl)
    parse = module.parse  # type: ignore[attr-defined]
    serialize = module.serialize  # type: ignore[attr-defined]
    lenient = parse(text, strict=False)
    assert [(d.kind, d.line, d.column) for d in lenient.defects] == defects
    assert serialize(lenient) == text
    assert serialize(parse(text.encode("ascii"), strict=False)) == text
    if error is None:
        strict = parse(text)
        assert strict == lenient
        assert serialize(strict) == text
    else:
        line, column, rule, expected = error  # type: ignore[misc]
        with pytest.raises(msgtrk.ParseError) as info:
            parse(text)
        assert (info.value.line, info.value.column, info.value.rule) == (line, column, rule)
        assert info.value.expected == expected


def test_example06_values() -> None:
    ts = tracking_status.parse(_read("rfc3887-4.1-example06-body.txt"))
    pm = ts.per_message
    assert pm.original_envelope_id == "12345-20010101@example.com"
    assert (pm.reporting_mta.type, pm.reporting_mta.name) == ("dns", "example2.com")
    assert pm.arrival_date == dt.datetime(
        2001, 1, 1, 15, 15, 15, tzinfo=dt.timezone(dt.timedelta(hours=-5))
    )
    (r,) = ts.recipients
    assert r.original_recipient.address == "user1@example1.com"
    assert r.final_recipient.type == "rfc822"
    assert r.action is Action.DELIVERED
    assert r.status.code == StatusCode(klass=2, subject=5, detail=0)


def test_example08_comment_and_dates() -> None:
    ts = tracking_status.parse(_read("rfc3887-4.1-example08-body.txt"))
    r = ts.recipients[0]
    assert r.action is Action.DELAYED
    assert str(r.status.code) == "4.4.1"
    assert r.status.comment == "No answer from host"
    assert r.status.meaning == "No answer from host"
    assert r.will_retry_until == dt.datetime(2001, 1, 4, 20, 15, 15, tzinfo=dt.UTC)


def test_example09_lenient_reads_the_colonless_status() -> None:
    ts = tracking_status.parse(_read("rfc3887-4.1-example09-body.txt"), strict=False)
    first, second = ts.recipients
    assert first.action is Action.RELAYED
    assert first.status.code.meaning == "Message relayed to non-compliant mailer"
    assert second.action is Action.FAILED
    assert str(second.status) == "5.2.2 (Mailbox full)"


def test_example07_lenient_reads_the_late_status() -> None:
    ts = tracking_status.parse(_read("rfc3887-4.1-example07-body.txt"), strict=False)
    r = ts.recipients[0]
    assert r.action is Action.TRANSFERRED
    assert str(r.status.code) == "2.4.0"
    assert r.remote_mta.name == "example3.com"
    findings = tracking_status.validate(ts)
    assert [(f.level, f.code, f.section) for f in findings] == [
        ("warning", "field-order", "RFC 3886 §3.3")
    ]


def test_multi_recipient_folded_diagnostic() -> None:
    ds = delivery_status.parse(_read("rfc3464-E-multi-recipient.txt"))
    first = ds.recipients[0]
    assert first.diagnostic_code.type == "smtp"
    # unfolded: the CRLF goes, the white space stays (RFC 5322 §2.2.3)
    assert first.diagnostic_code.text == (
        "550 'arathib@vnet.IBM.COM' is not a registered gateway user"
    )
    assert first.diagnostic_code.smtp_code == 550
    assert first.remote_mta.name == "vnet.ibm.com"
    assert [r.action for r in ds.recipients] == [Action.FAILED, Action.DELAYED, Action.FAILED]
    assert ds.recipients[1].status.comment == "hpnjld.njd.jp.com: host name lookup failure"
    findings = delivery_status.validate(ds)
    assert {(f.code, f.recipient, f.field) for f in findings} == {
        ("field-order", 0, "Remote-MTA"),
        ("field-order", 2, "Remote-MTA"),
    }


def test_gateway_unknown_address_type_kept() -> None:
    ds = delivery_status.parse(_read("rfc3464-E-gateway.txt"), strict=False)
    assert ds.per_message.reporting_mta.type == "mailbus"
    assert ds.per_message.reporting_mta.name == "SYS30"
    r = ds.recipients[0]
    assert (r.final_recipient.type, r.final_recipient.address) == ("unknown", "nair_s")
    assert r.action is Action.FAILED


def test_simple_status_class_four_with_failed_is_allowed() -> None:
    # RFC 3464 §2.3.3 NOTE: a "4" status may come with "failed"
    ds = delivery_status.parse(_read("rfc3464-E-simple.txt"))
    assert delivery_status.validate(ds) == ()
    assert ds.recipients[0].last_attempt_date.utcoffset() == dt.timedelta(hours=-4)

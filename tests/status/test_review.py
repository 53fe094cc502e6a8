"""Fixes for the black-box review (/tmp/review/REPORT.md): the status bodies."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import msgtrk
from msgtrk import delivery_status as ds
from msgtrk import tracking_status as ts

N = "\r\n"


def body(*lines: str) -> str:
    return N.join(lines) + N


TPM = (
    "Original-Envelope-Id: 12345@example.com",  # 1
    "Reporting-MTA: dns; mta.example.com",  # 2
    "Arrival-Date: Mon, 1 Jan 2001 12:00:00 -0800",  # 3
    "",  # 4
    "Original-Recipient: rfc822; a@example.org",  # 5
    "Final-Recipient: rfc822; a@example.org",  # 6
)
PM = ("Reporting-MTA: dns; mx.example.com", "", "Final-Recipient: rfc822; b@example.org")


# -- finding 5: RFC 3886 §3.3.6 does not forbid Last-Attempt-Date with opaque ------


def test_opaque_with_last_attempt_date_is_valid() -> None:
    text = body(
        *TPM, "Action: opaque", "Status: 2.0.0", "Last-Attempt-Date: Mon, 1 Jan 2001 12:05:00 -0800"
    )
    model = ts.parse(text)
    assert model.recipients[0].last_attempt_date is not None
    assert [f.code for f in ts.validate(model) if f.code == "opaque-field"] == []
    assert ts.parse(text, strict=False).defects == ()


@pytest.mark.parametrize(
    ("field", "line", "section"),
    [
        ("Remote-MTA: dns; x.example", 9, "RFC 3886 §3.3.5"),
        ("Will-Retry-Until: Mon, 1 Jan 2001 12:05:00 -0800", 9, "RFC 3886 §3.3.7"),
    ],
)
def test_opaque_still_refuses_remote_mta_and_will_retry_until(
    field: str, line: int, section: str
) -> None:
    text = body(*TPM, "Action: opaque", "Status: 2.0.0", field)
    with pytest.raises(msgtrk.ParseError) as info:
        ts.parse(text)
    assert (info.value.line, info.value.column) == (line, 1)
    assert section in info.value.message
    assert "MUST NOT be included with an opaque Action" in info.value.message


# -- finding 11: lenient mode records the error-level findings as defects ----------


@pytest.mark.parametrize(
    ("text", "module", "kind", "line"),
    [
        (body(*PM, "Action: failed", "Status: 3.1.1"), ds, "status-class", 5),
        (
            body(
                *PM,
                "Action: failed",
                "Status: 5.1.1",
                "Will-Retry-Until: Mon, 1 Jan 2001 12:05:00 -0800",
            ),
            ds,
            "retry-not-delayed",
            6,
        ),
        (body(*TPM, "Action: delivered", "Status: 2.1.9"), ts, "x19-not-relayed", 8),
        (
            body(*TPM, "Action: opaque", "Status: 2.0.0", "Remote-MTA: dns; x.example"),
            ts,
            "opaque-field",
            9,
        ),
    ],
)
def test_lenient_records_semantic_errors(text: str, module: object, kind: str, line: int) -> None:
    with pytest.raises(msgtrk.ParseError) as info:
        module.parse(text)  # type: ignore[attr-defined]
    model = module.parse(text, strict=False)  # type: ignore[attr-defined]
    assert [(d.kind, d.line, d.column) for d in model.defects] == [(kind, line, 1)]
    d = model.defects[0]
    assert (d.line, d.column, d.offset, d.rule) == (
        info.value.line,
        info.value.column,
        info.value.offset,
        info.value.rule,
    )
    assert d.message == info.value.message
    assert module.serialize(model) == text  # type: ignore[attr-defined]


def test_lenient_semantic_defect_positions_in_octets() -> None:
    # a non-ASCII character before the finding: the offset is in octets for bytes input
    text = body("Reporting-MTA: dns; mx.example.com", "X-Note: é", "", *PM[2:], "Action: failed")
    data = (text + "Status: 3.1.1\r\n").encode("utf-8")
    model = ds.parse(data, strict=False)
    assert [(d.kind, d.line, d.column, d.offset) for d in model.defects] == [
        ("status-class", 6, 1, data.index(b"Status"))
    ]


def test_lenient_semantic_defects_in_a_report() -> None:
    status = body(*PM, "Action: failed", "Status: 3.1.1")
    message = (
        "MIME-Version: 1.0\r\n"  # 1
        "Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n"  # 2
        "\r\n--B\r\n\r\nfailed\r\n--B\r\n"  # 3-7
        "Content-Type: message/delivery-status\r\n\r\n"  # 8-9
        f"{status}\r\n--B--\r\n"  # 10...: Status on line 14
    )
    rep = ds.parse_report(message, strict=False)
    assert [(d.kind, d.line, d.column) for d in rep.defects] == [("status-class", 14, 1)]
    with pytest.raises(msgtrk.ParseError) as info:
        ds.parse_report(message)
    assert (info.value.line, info.value.column) == (14, 1)


def test_lenient_no_duplicate_for_parser_defects() -> None:
    # the parser already reports these: one defect each, not two
    text = body(*PM, "Action: error", "Status: unknown")
    model = ds.parse(text, strict=False)
    assert [d.kind for d in model.defects] == ["unknown-action", "bad-status"]
    model = ds.parse(body(*PM, "Action: opaque", "Status: 5.0.0"), strict=False)
    assert [d.kind for d in model.defects] == ["tracking-action"]
    model = ds.parse("", strict=False)
    assert [d.kind for d in model.defects] == ["empty"]
    model = ds.parse(body(PM[0]), strict=False)
    assert [d.kind for d in model.defects] == ["no-recipients"]


# -- finding 6: dates (RFC 5322 §3.3) -----------------------------------------------


def _dated(date: str) -> str:
    # the date value starts at line 6, column 20
    return body(*PM, "Action: failed", "Status: 5.1.1", f"Last-Attempt-Date: {date}")


@pytest.mark.parametrize(
    ("date", "words"),
    [
        ("Mon, 1 Jan 2001 12:00:00 +0099", "zone +0099"),  # zone minutes 00-59
        ("Mon, 1 Jan 2001 12:00:00 -0060", "zone -0060"),
        ("Mon, 1 Jan 0000 12:00:00 -0800", "1 Jan 0000"),  # a 4-digit year is not obsolete
        ("Thu, 29 Feb 2001 12:00:00 -0800", "29 Feb 2001"),
    ],
)
def test_invalid_dates(date: str, words: str) -> None:
    text = _dated(date)
    with pytest.raises(msgtrk.ParseError) as info:
        ds.parse(text)
    err = info.value
    assert (err.line, err.column, err.rule) == (6, 20, "date-time")
    assert words in err.message
    model = ds.parse(text, strict=False)
    assert model.recipients[0].last_attempt_date is None
    assert [(d.kind, d.line, d.column) for d in model.defects] == [("bad-date", 6, 20)]
    assert model.defects[0].message == err.message
    assert "obsolete" not in err.message and "numeric zones" not in err.message
    assert ds.serialize(model) == text


def test_zone_minutes_59_accepted() -> None:
    value = ds.parse(_dated("Mon, 1 Jan 2001 12:00:00 +0559")).recipients[0].last_attempt_date
    assert value is not None
    assert value.utcoffset() == dt.timedelta(hours=5, minutes=59)


def test_leap_second_kept() -> None:
    from msgtrk._status._text import is_leap_second  # noqa: PLC0415

    text = _dated("Sat, 31 Dec 2016 23:59:60 +0000")
    model = ds.parse(text)  # RFC 5322 §3.3 allows second 60
    assert ds.parse(text, strict=False).defects == ()
    value = model.recipients[0].last_attempt_date
    assert value is not None
    assert (value.second, value.fold) == (59, 1)
    assert is_leap_second(value)
    # equal to second 59 (datetime has no second 60), but written back as :60
    plain = ds.parse(_dated("Sat, 31 Dec 2016 23:59:59 +0000")).recipients[0].last_attempt_date
    assert plain is not None and not is_leap_second(plain)
    assert value == plain
    rebuilt = attrs.evolve(model, recipients=[attrs.evolve(model.recipients[0])])
    assert "Last-Attempt-Date: Sat, 31 Dec 2016 23:59:60 +0000\r\n" in ds.serialize(rebuilt)
    second59 = attrs.evolve(rebuilt.recipients[0], last_attempt_date=plain)
    assert "23:59:59 +0000" in ds.serialize(attrs.evolve(model, recipients=[second59]))


def test_leap_second_only_for_fixed_offsets() -> None:
    from msgtrk._status._text import format_date, is_leap_second  # noqa: PLC0415

    class Zone(dt.tzinfo):  # a zone where fold has its PEP 495 meaning
        def utcoffset(self, d: dt.datetime | None) -> dt.timedelta:
            return dt.timedelta(hours=-5)

    value = dt.datetime(2001, 1, 1, 1, 30, 59, tzinfo=Zone(), fold=1)
    assert not is_leap_second(value)
    assert format_date(value) == "Mon, 1 Jan 2001 01:30:59 -0500"


# -- finding 12(a): action strings become the enum (attrs converter) -----------------


def _recipient(action: object) -> ds.DeliveryRecipient:
    return ds.DeliveryRecipient(
        final_recipient=ds.Address.rfc822("a@b.example"),
        action=action,  # type: ignore[arg-type]
        status=ds.Status.of("5.1.1"),
    )


def _dsn(action: object) -> ds.DeliveryStatus:
    return ds.DeliveryStatus(
        per_message=ds.DeliveryPerMessage(reporting_mta=ds.MtaName.dns("m.example")),
        recipients=[_recipient(action)],
    )


@pytest.mark.parametrize("text", ["failed", "FAILED", "Failed"])
def test_action_string_converted(text: str) -> None:
    r = _recipient(text)
    assert r.action is ds.Action.FAILED
    assert "Action: failed\r\n" in ds.serialize(_dsn(text))
    tr = ts.TrackingRecipient(action="opaque")
    assert tr.action is ts.Action.OPAQUE


def test_unknown_action_string_kept() -> None:
    r = _recipient("x-bounced")
    assert r.action == "x-bounced" and not isinstance(r.action, ds.Action)
    assert [f.code for f in ds.validate(_dsn("x-bounced")) if f.level == "error"] == [
        "unknown-action"
    ]
    with pytest.raises(msgtrk.SerializeError, match="'x-bounced' is not an action-value"):
        ds.serialize(_dsn("x-bounced"))
    with pytest.raises(TypeError):
        _recipient(3)


def test_parsed_unknown_action_unchanged() -> None:
    model = ds.parse(body(*PM, "Action: error", "Status: 5.1.1"), strict=False)
    assert model.recipients[0].action == "error"
    assert [(d.kind, d.line, d.column) for d in model.defects] == [("unknown-action", 4, 9)]


# -- finding 12(b): every Status comment is kept ----------------------------------


@pytest.mark.parametrize(
    ("value", "code", "comment"),
    [
        ("5.1.1 (x) (y)", "5.1.1", "x y"),
        ("5.1.1 (x)", "5.1.1", "x"),
        ("(before) 5.1.1 (after)", "5.1.1", "before after"),
        ("5.1.1 (a (nested) b) (c)", "5.1.1", "a (nested) b c"),
        ("5.1.1", "5.1.1", None),
    ],
)
def test_status_comments(value: str, code: str, comment: str | None) -> None:
    text = body(*PM, "Action: failed", f"Status: {value}")
    model = ds.parse(text)
    status = model.recipients[0].status
    assert status is not None
    assert (str(status.code), status.comment) == (code, comment)
    assert ds.serialize(model) == text  # the parsed text, byte for byte
    # rewritten canonically, the comments read back the same
    rebuilt = attrs.evolve(model, recipients=[attrs.evolve(model.recipients[0])])
    assert ds.parse(ds.serialize(rebuilt)) == model


# -- finding 12(c): one HEXPOINT rule (RFC 6533 §3) --------------------------------


@pytest.mark.parametrize(
    ("address", "mailbox"),
    [
        ("a\\x{E9}@example.com", "a\u00e9@example.com"),
        ("a\\x{e9}@example.com", "a\u00e9@example.com"),
        ("a\\x{20}b@example.com", "a b@example.com"),  # 20: SP
        ("a\\x{2B}b@example.com", "a+b@example.com"),
        ("\\x{10FFFF}@example.com", "\U0010ffff@example.com"),
        # not HEXPOINTs: kept as they are, the esmtp decoder refuses them too
        ("a\\x{41}@example.com", "a\\x{41}@example.com"),
        ("a\\x{E9}\\x{41}@example.com", "a\\x{E9}\\x{41}@example.com"),
        ("a\\x{9}@example.com", "a\\x{9}@example.com"),
        ("a\\x{0E9}@example.com", "a\\x{0E9}@example.com"),
        ("a\\x{D800}@example.com", "a\\x{D800}@example.com"),
    ],
)
def test_mailbox_unitext_agrees_with_esmtp(address: str, mailbox: str) -> None:
    got = ds.Address(type="utf-8", address=address).mailbox
    assert got == mailbox
    try:
        decoded = msgtrk.esmtp.unitext_decode(address)
    except msgtrk.ParseError:
        assert got == address
    else:
        assert decoded == got


def test_validate_warns_on_bad_unitext() -> None:
    text = body(
        "Reporting-MTA: dns; mx.example.com",
        "",
        "Final-Recipient: utf-8; a\\x{41}@example.com",
        "Action: failed",
        "Status: 5.1.1",
    )
    model = ds.parse(text)  # *text in the grammar: not a parse error
    findings = [f for f in ds.validate(model) if f.field == "Final-Recipient"]
    assert [(f.level, f.code, f.line, f.column, f.section) for f in findings] == [
        ("warning", "bad-unitext", 3, 1, "RFC 6533 §3")
    ]
    assert "\\x{41}" in findings[0].message


# -- finding 12(j): one defect per undecodable octet, shown as \xNN ---------------


def test_invalid_utf8_one_defect_per_octet() -> None:
    data = (
        b"Reporting-MTA: dns; mx.example.com\r\n"  # 1
        b"X-Note: \xe9\r\n"  # 2
        b"\r\n"
        b"Final-Recipient: rfc822; b\xe9@example.org\r\n"  # 4
        b"Action: failed\r\n"
        b"Status: 5.1.1\r\n"
        b"Diagnostic-Code: smtp; 550 \xc3\x28\xff\r\n"  # 7: a cut sequence, then \xff
    )
    with pytest.raises(msgtrk.ParseError) as info:
        ds.parse(data)
    assert (info.value.line, info.value.column, info.value.rule) == (2, 9, "utf8-text")
    assert info.value.message == "invalid UTF-8: octet \\xe9 (RFC 6533 §4.1)"
    model = ds.parse(data, strict=False)
    got = [(d.kind, d.line, d.column, d.message) for d in model.defects]
    assert got == [
        ("bad-utf8", 2, 9, "invalid UTF-8: octet \\xe9 (RFC 6533 §4.1)"),
        ("bad-utf8", 4, 27, "invalid UTF-8: octet \\xe9 (RFC 6533 §4.1)"),
        ("bad-utf8", 7, 28, "invalid UTF-8: octet \\xc3 (RFC 6533 §4.1)"),
        ("bad-utf8", 7, 30, "invalid UTF-8: octet \\xff (RFC 6533 §4.1)"),
    ]
    assert all("\\udc" not in d.message for d in model.defects)
    assert ds.serialize(model).encode("utf-8", "surrogateescape") == data


def test_invalid_utf8_run_is_one_defect() -> None:
    data = b"Reporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; b\xe9\xff@x\r\n"
    data += b"Action: failed\r\nStatus: 5.1.1\r\n"
    model = ds.parse(data, strict=False)
    assert [(d.kind, d.line, d.column, d.message) for d in model.defects] == [
        ("bad-utf8", 3, 27, "invalid UTF-8: octets \\xe9\\xff (RFC 6533 §4.1)")
    ]


def test_invalid_utf8_in_tracking_status() -> None:
    data = body(*TPM, "Action: delivered", "Status: 2.0.0").encode()
    data = data.replace(b"a@example.org\r\nFinal", b"a\xe9@example.org\r\nFinal")
    model = ts.parse(data, strict=False)
    assert [(d.kind, d.line, d.column) for d in model.defects] == [("non-ascii", 5, 30)]


@pytest.mark.parametrize(
    ("date", "year"),
    [
        ("Mon, 1 Jan 01 15:15:00 EST", 2001),  # RFC 5322 §4.3: 00-49 -> 20yy
        ("Sat, 1 Jan 55 15:15:00 EST", 1955),  # 50-99 -> 19yy (email.utils says 2055)
        ("Mon, 1 Jan 101 15:15:00 EST", 2001),  # 3 digits -> 1900 + yyy
    ],
)
def test_obsolete_years(date: str, year: int) -> None:
    model = ds.parse(_dated(date), strict=False)
    value = model.recipients[0].last_attempt_date
    assert value is not None and value.year == year
    assert [(d.kind, d.line, d.column) for d in model.defects] == [("obsolete-date", 6, 20)]


def test_obsolete_form_with_year_0000_is_invalid() -> None:
    model = ds.parse(_dated("Mon, 1 Jan 0000 12:00:00 EST"), strict=False)
    assert model.recipients[0].last_attempt_date is None
    assert [(d.kind, d.line, d.column) for d in model.defects] == [("bad-date", 6, 20)]


@pytest.mark.parametrize(
    ("date", "valid"),
    [
        ("Mon, 1 Jan 01 12:00:00 J", False),  # RFC 5322 §4.3 obs-zone skips "J"
        ("Mon, 1 Jan 01 12:00:00 XYZ", False),
        ("Mon, 1 Jan 01 12:00:00", False),  # no zone at all
        ("Mon, 1 Jan 01 12:00:00 A", True),  # military zones read as +0000
        ("Mon, 1 Jan 01 12:00:00 EDT", True),
    ],
)
def test_obsolete_zones(date: str, valid: bool) -> None:
    # second review, finding 8: an invalid zone was reported as obsolete and read as UTC
    model = ds.parse(_dated(date), strict=False)
    value = model.recipients[0].last_attempt_date
    assert (value is not None) == valid
    kind = "obsolete-date" if valid else "bad-date"
    assert [(d.kind, d.line, d.column) for d in model.defects] == [(kind, 6, 20)]
    if valid:
        assert value is not None and value.year == 2001
    assert ds.serialize(model) == _dated(date)

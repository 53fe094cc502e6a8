"""parse_report / build_report / serialize_report (RFC 6522 §3, RFC 3464 §2, RFC 6533 §4.4)."""

from __future__ import annotations

import email
import email.policy

import attrs
import pytest

import msgtrk
from msgtrk import ParseError
from msgtrk._report import DeliveryReport, build_report, parse_report, serialize_report
from msgtrk._status import (
    Action,
    Address,
    DeliveryPerMessage,
    DeliveryRecipient,
    DeliveryStatus,
    MtaName,
    Status,
    serialize_delivery_status,
)

STATUS = (
    "Reporting-MTA: dns; mx.example.org\n"
    "\n"
    "Final-Recipient: rfc822; bob@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
)


def dsn(
    ctype: str = "multipart/report; report-type=delivery-status; boundary=XYZ",
    status: str = STATUS,
    status_type: str = "message/delivery-status",
    extra: str = "",
) -> str:
    """A small DSN with LF line ends; the status part body starts on line 12."""
    return (
        "From: MAILER-DAEMON@mx.example.org\n"  # 1
        "To: alice@example.org\n"  # 2
        "Subject: Undelivered\n"  # 3
        "MIME-Version: 1.0\n"  # 4
        f"Content-Type: {ctype}\n"  # 5
        "\n"  # 6
        "--XYZ\n"  # 7
        "\n"  # 8 (no header fields: text/plain)
        "It failed.\n"  # 9
        "--XYZ\n"  # 10
        f"Content-Type: {status_type}\n"  # 11
        "\n"  # 12
        f"{status}"  # 13...
        "\n"
        f"{extra}"
        "--XYZ--\n"
    )


def test_parse_minimal() -> None:
    rep = parse_report(dsn())
    assert rep.report_type == "delivery-status"
    assert rep.human_readable == "It failed."
    assert rep.human_readable_type == "text/plain"
    assert rep.status_type == "message/delivery-status"
    assert rep.header("subject") == "Undelivered"
    assert [r.final_recipient.mailbox for r in rep.recipients] == ["bob@example.com"]
    assert rep.recipients[0].action is Action.FAILED
    assert str(rep.recipients[0].status.code) == "5.1.1"
    assert rep.per_message.reporting_mta == MtaName.dns("mx.example.org")
    assert rep.returned is None and rep.returned_type is None
    assert rep.defects == ()
    assert rep.status_text == STATUS


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("kind", ["str", "bytes", "bytearray", "message"])
def test_input_forms_round_trip(newline: str, kind: str) -> None:
    text = dsn().replace("\n", newline)
    data: object = {
        "str": text,
        "bytes": text.encode(),
        "bytearray": bytearray(text.encode()),
        "message": email.message_from_bytes(text.encode(), policy=email.policy.compat32),
    }[kind]
    rep = parse_report(data)  # type: ignore[arg-type]
    assert [r.final_recipient.mailbox for r in rep.recipients] == ["bob@example.com"]
    if kind != "message":
        assert serialize_report(rep) == text.encode()
        assert rep.status_text in (
            STATUS.replace("\n", newline),
            STATUS.replace("\n", newline).encode(),
        )


def test_returned_message_and_headers() -> None:
    extra = "--XYZ\nContent-Type: message/rfc822\n\nFrom: alice@example.org\nSubject: hi\n\nbody\n"
    rep = parse_report(dsn(extra=extra))
    assert rep.returned_type == "message/rfc822"
    assert rep.returned == b"From: alice@example.org\nSubject: hi\n\nbody"
    msg = rep.returned_message
    assert msg is not None and msg["Subject"] == "hi"


def test_global_delivery_status_utf8() -> None:
    status = (
        "Reporting-MTA: dns; mx.example.de\n\n"
        "Final-Recipient: utf-8; jörg@例え.jp\nAction: failed\nStatus: 5.1.1\n"
    )
    data = dsn(status=status, status_type="message/global-delivery-status").encode()
    rep = parse_report(data)
    assert rep.status_type == "message/global-delivery-status"
    assert rep.recipients[0].final_recipient.mailbox == "jörg@例え.jp"
    assert serialize_report(rep) == data
    assert rep.status_text == status.encode()


def test_human_readable_alternative_quoted_printable() -> None:
    data = (
        "Content-Type: multipart/report; report-type=delivery-status; boundary=A\n\n"
        "--A\nContent-Type: multipart/alternative; boundary=B\n\n"
        "--B\nContent-Type: text/html\n\n<p>x</p>\n"
        "--B\nContent-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe, caf=\n=E9\n"
        "--B--\n"
        f"--A\nContent-Type: message/delivery-status\n\n{STATUS}\n--A--\n"
    )
    rep = parse_report(data)
    assert rep.human_readable_type == "multipart/alternative"
    assert rep.human_readable == "Grüße, café"


def test_base64_human_readable() -> None:
    data = (
        "Content-Type: multipart/report; report-type=delivery-status; boundary=A\n\n"
        "--A\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        "R3LDvMOfZQ==\n"
        f"--A\nContent-Type: message/delivery-status\n\n{STATUS}\n--A--\n"
    )
    assert parse_report(data).human_readable == "Grüße"


def test_mbox_from_line_and_preamble_epilogue() -> None:
    text = (
        "From MAILER-DAEMON Mon Jan  5 10:12:03 2026\n"
        + dsn().replace("\n\n--XYZ\n\n", "\n\nThis is a MIME-encapsulated message.\n\n--XYZ\n\n", 1)
        + "epilogue\n"
    )
    rep = parse_report(text)
    assert rep.header("From") == "MAILER-DAEMON@mx.example.org"
    assert len(rep.recipients) == 1
    assert serialize_report(rep) == text.encode()


def test_report_type_case_and_uppercase_status_type() -> None:
    rep = parse_report(
        dsn(
            ctype='Multipart/Report; Report-Type="Delivery-Status"; boundary="XYZ"',
            status_type="message/DELIVERY-STATUS",
        )
    )
    assert rep.report_type == "Delivery-Status"
    assert rep.status_type == "message/delivery-status"
    assert rep.defects == ()


# Invalid input: every row fails strictly at (line, column, rule) and, leniently,
# records a defect of `kind` at the same place.
INVALID = [
    # RFC 6522 §3: a DSN is multipart/report (here: no Content-Type at all)
    pytest.param(
        "From: a@example.org\nSubject: x\n\nHi. This is the qmail-send program.\n",
        "not-multipart-report",
        4,
        1,
        "content",
        id="no-content-type",
    ),
    # RFC 6522 §3: text/plain instead of multipart/report
    pytest.param(
        dsn(ctype="text/plain"), "not-multipart-report", 5, 15, "content", id="text-plain"
    ),
    # RFC 6522 §3: report-type is a required parameter
    pytest.param(
        dsn(ctype="multipart/report; boundary=XYZ"),
        "report-type",
        5,
        45,
        "report-type",
        id="no-report-type",
    ),
    # RFC 3464 §2: an MDN is not a DSN
    pytest.param(
        dsn(ctype="multipart/report; report-type=disposition-notification; boundary=XYZ"),
        "report-type",
        5,
        33,
        "report-type",
        id="mdn-report-type",
    ),
    # RFC 2046 §5.1.1: bchars exclude "%"
    pytest.param(
        dsn(ctype="multipart/report; report-type=delivery-status; boundary=XY%Z").replace(
            "--XYZ", "--XY%Z"
        ),
        "boundary-syntax",
        5,
        73,
        "boundary",
        id="boundary-bchars",
    ),
    # RFC 2046 §5.1.1: the close delimiter is required
    pytest.param(
        dsn().replace("--XYZ--\n", ""),
        "no-close-delimiter",
        19,
        1,
        "close-delimiter",
        id="no-close-delimiter",
    ),
    # RFC 3464 §2.1: 7bit MUST be used for message/delivery-status
    pytest.param(
        dsn(status_type="message/delivery-status\nContent-Transfer-Encoding: quoted-printable"),
        "status-encoding",
        12,
        28,
        "delivery-status-content",
        id="qp-status-part",
    ),
    # RFC 6522 §3: at most three parts
    pytest.param(
        dsn(extra="--XYZ\nContent-Type: text/rfc822-headers\n\none\n--XYZ\n\ntwo\n"),
        "extra-parts",
        24,
        1,
        "multipart-report",
        id="four-parts",
    ),
    # RFC 6522 §3: the second part is the machine-readable one
    pytest.param(
        dsn(status_type="text/plain"),
        "no-status-part",
        11,
        1,
        "multipart-report",
        id="no-status-part",
    ),
    # RFC 6522 §3: status part found, but third
    pytest.param(
        dsn(
            status_type="text/plain",
            extra=f"--XYZ\nContent-Type: message/delivery-status\n\n{STATUS}\n",
        ),
        "status-part-position",
        20,
        1,
        "multipart-report",
        id="status-part-third",
    ),
]


@pytest.mark.parametrize(("data", "kind", "line", "column", "rule"), INVALID)
def test_invalid_strict(data: str, kind: str, line: int, column: int, rule: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_report(data)
    assert (info.value.line, info.value.column, info.value.rule) == (line, column, rule)


@pytest.mark.parametrize(("data", "kind", "line", "column", "rule"), INVALID)
def test_invalid_lenient(data: str, kind: str, line: int, column: int, rule: str) -> None:
    rep = parse_report(data, strict=False)
    first = rep.defects[0]
    assert (first.kind, first.line, first.column, first.rule) == (kind, line, column, rule)
    assert serialize_report(rep) == data.encode()


def test_status_body_error_positions_are_in_the_whole_message() -> None:
    bad = STATUS.replace("Status: 5.1.1", "Status 5.1.1")  # RFC 3464 §2.3.4: missing colon
    data = dsn(status=bad)
    with pytest.raises(ParseError) as info:
        parse_report(data)
    assert (info.value.line, info.value.column) == (17, 7)
    assert info.value.offset == data.index("Status 5.1.1") + 6
    rep = parse_report(data, strict=False)
    assert [(d.line, d.column) for d in rep.defects] == [(17, 7)]
    assert rep.defects[0].offset == info.value.offset
    # the status model keeps body-relative positions
    assert [(d.line, d.column) for d in rep.status.defects] == [(5, 7)]


def test_third_part_of_any_type() -> None:
    data = dsn(extra="--XYZ\nContent-Type: image/png\n\nPNG\n")
    rep = parse_report(data)  # RFC 6522 §3 and RFC 3464 §2 do not restrict its type
    assert rep.returned_type == "image/png"
    assert rep.returned == b"PNG"
    assert rep.defects == ()


# Fuzz findings F9-F11 (fuzz/FINDINGS.md): only ParseError escapes, and every
# position is that of the input as given.
def test_non_ascii_content_type() -> None:
    data = b"Content-Type:\xe2\x84\xaa\xfe"
    with pytest.raises(ParseError) as info:
        parse_report(data)
    assert (info.value.line, info.value.column, info.value.offset) == (1, 14, 13)
    rep = parse_report(data, strict=False)
    assert rep.defects[0].offset == 13 and serialize_report(rep) == data


def test_nul_in_charset() -> None:
    data = (
        b'Content-Type: multipart/report; boundary="B"\n\n--B\n'
        b"Content-Type: text/plain; charset=\x00\n\nhi\n--B--\n"
    )
    rep = parse_report(data, strict=False)
    assert rep.human_readable == "hi"


@pytest.mark.parametrize("charset", ["rot13", "base64", "x-unknown", ""])
def test_odd_charsets(charset: str) -> None:
    data = (
        "Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n"
        f"--B\nContent-Type: text/plain; charset={charset}\n\nh\u00e9\n"
        f"--B\nContent-Type: message/delivery-status\n\n{STATUS}\n--B--\n"
    ).encode()
    assert parse_report(data).human_readable == "h\u00e9"


def test_defects_in_an_encoded_status_part_point_at_the_part() -> None:
    data = (
        b'Content-Type:multipart/report;report-type=delivery-status;boundary="E"\n\n'
        b"--E\n\nx\n--E\nContent-Type:message/delivery-status\n"
        b"Content-Transfer-Encoding:base64\n\nUmVwb3J0aW5nLU1UQTogDQoNCkZ\n--E--\n"
    )
    body_start = data.index(b"UmVw")
    rep = parse_report(data, strict=False)
    assert rep.defects[0].kind == "status-encoding"
    for d in rep.defects[1:]:
        assert (d.offset, d.line, d.column) == (body_start, 10, 1)
        assert d.message.startswith("in the decoded base64 status part")


def test_lone_surrogates_in_str_input() -> None:
    text = dsn().replace("Undelivered", "Undelivered \ud800")
    rep = parse_report(text)
    assert serialize_report(rep) == text.encode("utf-8", "surrogatepass")


def test_qsbmf_greeting_without_recipients_is_no_status() -> None:
    data = (
        "From: MAILER-DAEMON@x\n\nHi. This is the qmail-send program at x.example.\n\n"
        "Nothing to report.\n\n--- Below this line is a copy of the message.\n\n<a@b>:\nno\n"
    )
    rep = parse_report(data, strict=False)
    assert rep.status is None and rep.status_from_text is False


def test_qsbmf_recipient_without_code() -> None:
    data = (
        "From: MAILER-DAEMON@x\n\nHi. This is the qmail-send program at x.example.\n\n"
        "<a@example.org>:\nConnected to 192.0.2.1 but sender was rejected.\n"
    )
    rep = parse_report(data, strict=False)
    assert rep.status_from_text
    (r,) = rep.recipients
    assert (r.final_recipient.address, str(r.status.code)) == ("a@example.org", "5.0.0")
    assert r.diagnostic_code.type == "X-qmail"
    assert rep.per_message.reporting_mta.name == "x.example"
    assert DeliveryReport.from_dict(rep.to_dict()) == rep


def test_lenient_non_dsn_keeps_text() -> None:
    data = "From: MAILER-DAEMON@x\nSubject: failure notice\n\nHi. This is the qmail-send program.\n"
    rep = parse_report(data, strict=False)
    assert rep.status is None
    assert rep.recipients == ()
    assert rep.per_message is None
    assert rep.human_readable == "Hi. This is the qmail-send program.\n"


def test_header_without_colon_strict_and_lenient() -> None:
    data = dsn().replace("Subject: Undelivered\n", "Subject Undelivered\n")
    with pytest.raises(ParseError) as info:
        parse_report(data)
    assert (info.value.line, info.value.column, info.value.rule) == (3, 8, "field")
    assert parse_report(data, strict=False).defects[0].kind == "missing-header-separator"


def test_type_error_for_other_input() -> None:
    with pytest.raises(TypeError):
        parse_report(42)  # type: ignore[arg-type]


def model() -> DeliveryStatus:
    return DeliveryStatus(
        per_message=DeliveryPerMessage(reporting_mta=MtaName.dns("mx.example.org")),
        recipients=[
            DeliveryRecipient(
                final_recipient=Address.rfc822("bob@example.com"),
                action=Action.FAILED,
                status=Status.of("5.1.1"),
            )
        ],
    )


def test_build_serialize_parse_round_trip() -> None:
    rep = build_report(
        model(),
        human_readable="Your message could not be delivered.\n",
        headers=[("From", "MAILER-DAEMON@mx.example.org"), ("Subject", "Undelivered")],
        returned=b"From: a@example.org\r\nSubject: x\r\n\r\nhello\r\n",
    )
    wire = serialize_report(rep)
    assert wire.startswith(b"From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered\r\n")
    assert b"report-type=delivery-status" in wire
    again = parse_report(wire)
    assert again == rep
    assert again.defects == ()
    assert serialize_report(again) == wire
    assert email.message_from_bytes(wire).get_content_type() == "multipart/report"


def test_build_headers_returned_types_and_global() -> None:
    utf8 = DeliveryStatus(
        is_global=True,
        per_message=DeliveryPerMessage(reporting_mta=MtaName.dns("mx.example.de")),
        recipients=[
            DeliveryRecipient(
                final_recipient=Address.utf8("jörg@example.de"),
                action=Action.FAILED,
                status=Status.of("5.1.1"),
            )
        ],
    )
    rep = build_report(
        utf8,
        human_readable="Zustellung fehlgeschlagen: jörg\n",
        headers={"Subject": "Unzustellbar"},
        returned="Subject: Grüße\n\n",
        returned_type="message/global-headers",
        boundary="b1",
    )
    assert rep.status_type == "message/global-delivery-status"
    wire = serialize_report(rep)
    assert (
        b"Content-Type: message/global-delivery-status\r\nContent-Transfer-Encoding: 8bit" in wire
    )
    assert b"boundary=b1" in wire
    assert parse_report(wire) == rep


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"returned": b"x", "returned_type": "text/plain"}, "returned_type"),
        ({"boundary": "bad%boundary"}, "boundary"),
    ],
)
def test_build_rejects(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(msgtrk.SerializeError, match=match):
        build_report(model(), human_readable="x", **kwargs)  # type: ignore[arg-type]


def test_serialize_rejects_bad_models() -> None:
    with pytest.raises(msgtrk.SerializeError):
        serialize_report(DeliveryReport(status=None, human_readable="x"))
    with pytest.raises(msgtrk.SerializeError):
        serialize_report(build_report(model(), human_readable="x", headers=[("Bad Name", "v")]))
    with pytest.raises(msgtrk.SerializeError):
        serialize_report(build_report(model(), human_readable="x", headers=[("X", "a\nb")]))
    with pytest.raises(msgtrk.SerializeError, match="boundary"):
        serialize_report(build_report(model(), human_readable="--b1\n", boundary="b1"))
    utf8_in_plain = build_report(
        DeliveryStatus(
            per_message=DeliveryPerMessage(reporting_mta=MtaName.dns("mx.example.de")),
            recipients=[
                DeliveryRecipient(
                    final_recipient=Address.utf8("jörg@example.de"),
                    action=Action.FAILED,
                    status=Status.of("5.1.1"),
                )
            ],
        ),
        human_readable="x",
        status_type="message/delivery-status",
    )
    with pytest.raises(msgtrk.SerializeError, match="RFC 6533"):
        serialize_report(utf8_in_plain)


def test_to_dict_from_dict_and_html() -> None:
    rep = parse_report(dsn(extra="--XYZ\nContent-Type: text/rfc822-headers\n\nSubject: hi\n"))
    d = rep.to_dict()
    assert d["kind"] == "delivery-report"
    assert d["status"]["recipients"][0]["action"] == "failed"
    assert d["returned"] == "Subject: hi"
    back = DeliveryReport.from_dict(d)
    assert back == rep
    html = rep._repr_html_()
    assert "bob@example.com" in html and "Undelivered" in html


def test_facade_names() -> None:
    assert msgtrk.delivery_status.parse_report is parse_report
    assert msgtrk.delivery_status.DeliveryReport is DeliveryReport
    assert msgtrk.delivery_status.serialize_report is serialize_report
    assert msgtrk.delivery_status.build_report is build_report
    assert serialize_delivery_status(parse_report(dsn()).status) == STATUS


def test_evolved_report_is_written_canonically() -> None:
    rep = parse_report(dsn())
    assert serialize_report(rep) == dsn().encode()
    changed = attrs.evolve(rep, headers=[("Subject", "Changed")], boundary=None)
    assert changed.source is None and changed.status_span is None
    wire = serialize_report(changed)
    assert wire.startswith(b"Subject: Changed\r\nMIME-Version: 1.0\r\n")
    again = parse_report(wire)
    assert again.status == rep.status and again.headers == (("Subject", "Changed"),)


def test_comments_in_content_type_parameters() -> None:
    # RFC 2045 §5.1 / RFC 5322 §3.2.2: a comment after a parameter value is not part of it.
    data = dsn(
        ctype="multipart/report (dsn); report-type=delivery-status (RFC 3464);\n"
        ' boundary="XYZ" (the boundary)'
    )
    rep = parse_report(data)
    assert rep.report_type == "delivery-status"
    assert rep.boundary == "XYZ"
    assert [r.action.value for r in rep.recipients] == ["failed"]


def test_message_the_stdlib_cannot_flatten_gives_our_error() -> None:
    # email.message.Message.as_bytes() raises UnicodeEncodeError on this message it
    # parsed itself (non-ASCII boundary); only msgtrk errors may escape (RFC 2046 §5.1.1).
    data = (
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B\xff"\r\n'
        b"\r\npre\xff\r\n--B\xff\r\n\r\nhi\r\n--B\xff--\r\n"
    )
    msg = email.message_from_bytes(data, policy=email.policy.default)
    with pytest.raises(ParseError) as info:
        parse_report(msg)
    # positions are in the text the stdlib flattened (it rewrites the boundary as RFC 2231)
    assert (info.value.line, info.value.column, info.value.rule) == (1, 16, "boundary")
    assert parse_report(msg, strict=False).status is None

"""MTSN: multipart/related; type="message/tracking-status" (RFC 3886 §3, RFC 2387),
and RFC 3887 §4.1 examples #6-#12 exactly as printed."""

from __future__ import annotations

import base64
import datetime as dt
import email
import pathlib

import attrs
import pytest

import msgtrk
from msgtrk import ParseError, SerializeError
from msgtrk._mtsn import (
    BodyPart,
    TrackingResponse,
    build_response,
    parse_response,
    serialize_response,
)
from msgtrk._status import (
    Action,
    Address,
    MtaName,
    Status,
    TrackingPerMessage,
    TrackingRecipient,
    TrackingStatus,
    serialize_tracking_status,
)

DATA = pathlib.Path(__file__).parent.parent / "data"


def example(n: int) -> bytes:
    return (DATA / f"rfc3887-4.1-example{n:02d}-mtsn.txt").read_bytes()


# Every example: boundary=%%%% ("%" is not a bchars character, RFC 2046 §5.1.1) at 1:43
# and type=tracking-status (erratum 3721) at 1:54; then the field-level defects
# listed in shared/rfc/README.md (RFC 3887 §4.1).
COMMON = [("boundary-syntax", 1, 43, "boundary"), ("related-type", 1, 54, "related-param")]
EXAMPLE_DEFECTS = {
    6: COMMON,
    # Status after Remote-MTA and Last-Attempt-Date (RFC 3886 §3.3 field order)
    7: [*COMMON, ("field-order", 13, 1, "per-recipient-fields")],
    # "..Dot-Stuffed-Header" is a legal header field name: no defect
    8: COMMON,
    # "Status 5.2.2 (Mailbox full)" has no colon
    9: [*COMMON, ("missing-colon", 20, 7, "status-field")],
    10: COMMON,
    11: COMMON,
    12: COMMON,
}
PARTS = {6: 1, 7: 1, 8: 1, 9: 1, 10: 2, 11: 1, 12: 2}
RECIPIENTS = {
    6: [("user1@example1.com", "delivered", "2.5.0")],
    7: [("user1@example1.com", "transferred", "2.4.0")],
    8: [("user1@example1.com", "delayed", "4.4.1")],
    9: [("user1@example1.com", "relayed", "2.1.9"), ("user2@example1.com", "failed", "5.2.2")],
    10: [("user1@example1.com", "relayed", "2.1.9"), ("user4@example3.com", "delivered", "2.5.0")],
    11: [("user1@example1.com", "relayed", "2.1.9"), ("user4@example3.com", "delivered", "2.5.0")],
    12: [("user1@example1.com", "relayed", "2.1.9"), ("user4@example1.com", "delivered", "2.5.0")],
}
EXAMPLES = sorted(EXAMPLE_DEFECTS)


# lines of each extracted example (RFC 3887 §4.1, "S: " prefixes removed; for #10
# the page break, RFC lines 503-510, dropped)
LINES = {6: 15, 7: 17, 8: 19, 9: 24, 10: 29, 11: 22, 12: 29}


@pytest.mark.parametrize("n", EXAMPLES)
def test_example_files_are_the_rfc_text(n: int) -> None:
    text = example(n).decode("ascii")
    lines = text.split("\n")
    assert lines[0] == "Content-Type: multipart/related; boundary=%%%%; type=tracking-status"
    assert lines[-2:] == ["--%%%%--", ""]
    assert len(lines) - 1 == LINES[n]
    assert "\r" not in text and "\f" not in text and "[Page" not in text
    assert not any(ln.startswith(("S:", "C:")) for ln in lines)


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
@pytest.mark.parametrize("n", EXAMPLES)
def test_examples_lenient(n: int, newline: bytes) -> None:
    data = example(n).replace(b"\n", newline)
    resp = parse_response(data, strict=False)
    assert [(d.kind, d.line, d.column, d.rule) for d in resp.defects] == EXAMPLE_DEFECTS[n]
    assert len(resp.statuses) == PARTS[n]
    got = [(r.final_recipient.mailbox, str(r.action), str(r.status.code)) for r in resp.recipients]
    assert got == RECIPIENTS[n]
    assert resp.boundary == "%%%%"
    assert serialize_response(resp) == data
    for status, (start, end) in zip(resp.statuses, resp.status_spans, strict=True):
        assert serialize_tracking_status(status).encode() == data[start:end]


@pytest.mark.parametrize("n", EXAMPLES)
def test_examples_strict_fail_at_the_boundary(n: int) -> None:
    with pytest.raises(ParseError) as info:
        parse_response(example(n))
    assert (info.value.line, info.value.column, info.value.rule) == (1, 43, "boundary")


def fixed(n: int) -> bytes:
    """Example n with erratum 3721 applied and a bchars boundary."""
    return (
        example(n)
        .replace(b"type=tracking-status", b'type="message/tracking-status"')
        .replace(b"%%%%", b"mtsn")
    )


@pytest.mark.parametrize("n", EXAMPLES)
def test_examples_strict_after_fixes(n: int) -> None:
    data = fixed(n)
    body_defects = EXAMPLE_DEFECTS[n][2:]
    if not body_defects:
        resp = parse_response(data)
        assert resp.defects == ()
        assert resp == parse_response(example(n), strict=False)
        return
    _kind, line, column, rule = body_defects[0]
    with pytest.raises(ParseError) as info:
        parse_response(data)
    assert (info.value.line, info.value.column, info.value.rule) == (line, column, rule)


def test_example8_keeps_the_dot_stuffed_header() -> None:
    resp = parse_response(example(8), strict=False)
    assert resp.headers == (("..Dot-Stuffed-Header", "as an example"),)
    unstuffed = parse_response(example(8).replace(b"\n..Dot", b"\n.Dot"), strict=False)
    assert unstuffed.headers == ((".Dot-Stuffed-Header", "as an example"),)


@pytest.mark.parametrize("n", EXAMPLES)
def test_examples_without_outer_headers(n: int) -> None:
    _head, body = example(n).split(b"\n\n", 1)
    resp = parse_response(body, strict=False)
    assert resp.with_headers is False
    assert resp.headers == ()
    assert resp.statuses == parse_response(example(n), strict=False).statuses
    assert serialize_response(resp) == body
    assert next((d.kind, d.line, d.column) for d in resp.defects) == ("boundary-syntax", 1, 3)


def status(user: str = "user1", action: Action = Action.DELIVERED) -> TrackingStatus:
    return TrackingStatus(
        per_message=TrackingPerMessage(
            original_envelope_id="12345-20010101@example.com",
            reporting_mta=MtaName.dns("example2.com"),
            arrival_date=dt.datetime(
                2001, 1, 1, 15, 15, 15, tzinfo=dt.timezone(dt.timedelta(hours=-5))
            ),
        ),
        recipients=[
            TrackingRecipient(
                original_recipient=Address.rfc822(f"{user}@example1.com"),
                final_recipient=Address.rfc822(f"{user}@example1.com"),
                action=action,
                status=Status.of("2.5.0"),
            )
        ],
    )


def test_build_serialize_parse() -> None:
    resp = build_response([status(), status("user2")], boundary="mtsn-1")
    wire = serialize_response(resp)
    assert wire.startswith(
        b'Content-Type: multipart/related; boundary=mtsn-1; type="message/tracking-status"\r\n'
        b"\r\n--mtsn-1\r\nContent-Type: message/tracking-status\r\n\r\n"
    )
    assert wire.endswith(b"Status: 2.5.0\r\n\r\n--mtsn-1--\r\n")
    again = parse_response(wire)
    assert again == resp and again.defects == ()
    assert serialize_response(again) == wire
    # the stdlib sees the same structure
    msg = email.message_from_bytes(wire)
    assert msg.get_content_type() == "multipart/related"
    assert msg.get_param("type") == "message/tracking-status"
    assert [p.get_content_type() for p in msg.get_payload()] == ["message/tracking-status"] * 2


def test_build_without_headers_and_default_boundary() -> None:
    resp = build_response([status()], with_headers=False)
    wire = serialize_response(resp)
    assert wire.startswith(b"--msgtrk-")
    assert parse_response(wire) == resp
    assert build_response([status()]).boundary is None
    assert serialize_response(build_response([status()])) == serialize_response(
        build_response([status()])
    )


def test_other_parts_are_kept_leniently() -> None:
    extra = BodyPart(headers=[("Content-Type", "text/plain")], body=b"chained server said hi")
    resp = build_response([status()], other_parts=[extra], headers=[("MIME-Version", "1.0")])
    wire = serialize_response(resp)
    with pytest.raises(ParseError) as info:  # RFC 3886 §3: each part MUST be tracking-status
        parse_response(wire)
    assert info.value.rule == "body-part"
    assert info.value.line == wire[: wire.index(b"text/plain")].count(b"\n") + 1
    lenient = parse_response(wire, strict=False)
    assert lenient == resp
    assert lenient.other_parts[0].content_type == "text/plain"
    assert [d.kind for d in lenient.defects] == ["part-type"]


INVALID = [
    # RFC 3886 §3: an MTSN is multipart/related
    pytest.param(
        b'Content-Type: multipart/mixed; boundary=b; type="message/tracking-status"\n\n'
        b"--b\nContent-Type: message/tracking-status\n\n",
        "mtsn-type",
        1,
        15,
        "content",
        id="multipart-mixed",
    ),
    # RFC 2387 erratum 5578: the type parameter is required
    pytest.param(
        b"Content-Type: multipart/related; boundary=b\n\n--b\n\n--b--\n",
        "related-type",
        1,
        44,
        "related-param",
        id="no-type",
    ),
    # RFC 2046 §5.1.1: close delimiter missing
    pytest.param(
        b'Content-Type: multipart/related; boundary=b; type="message/tracking-status"\n\n'
        b"--b\nContent-Type: message/tracking-status\n\n",
        "no-close-delimiter",
        6,
        1,
        "close-delimiter",
        id="no-close",
    ),
    # RFC 3886 §3.1: 7bit MUST be used
    pytest.param(
        b'Content-Type: multipart/related; boundary=b; type="message/tracking-status"\n\n'
        b"--b\nContent-Type: message/tracking-status\nContent-Transfer-Encoding: 8bit\n\nx\n"
        b"--b--\n",
        "status-encoding",
        5,
        28,
        "body-part",
        id="8bit",
    ),  # RFC 2387 §3.2: start names the Content-ID of the root part; here none has it
    pytest.param(
        b'Content-Type: multipart/related; boundary=b; type="message/tracking-status"; '
        b'start="<nope@x>"\n\n--b\nContent-Type: message/tracking-status\n'
        b"Content-ID: <root@x>\n\nx\n--b--\n",
        "related-start",
        1,
        84,
        "related-param",
        id="start-unknown",
    ),
]


@pytest.mark.parametrize(("data", "kind", "line", "column", "rule"), INVALID)
def test_invalid(data: bytes, kind: str, line: int, column: int, rule: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_response(data)
    assert (info.value.line, info.value.column, info.value.rule) == (line, column, rule)
    lenient = parse_response(data, strict=False)
    assert (lenient.defects[0].kind, lenient.defects[0].line, lenient.defects[0].column) == (
        kind,
        line,
        column,
    )


@pytest.mark.parametrize(
    ("data", "line", "column", "rule"),
    [
        # no Content-Type at all: nothing to go on, even leniently
        (b"Subject: x\n\nhello\n", 1, 1, "content"),
        # multipart without boundary
        (b'Content-Type: multipart/related; type="message/tracking-status"\n\n', 1, 64, "boundary"),
        # a bare body that is not a multipart
        (b"\n\nno delimiter here\n", 1, 1, "multipart-body"),
    ],
)
def test_fatal_even_leniently(data: bytes, line: int, column: int, rule: str) -> None:
    for strict in (True, False):
        with pytest.raises(ParseError) as info:
            parse_response(data, strict=strict)
        assert (info.value.line, info.value.column, info.value.rule) == (line, column, rule)


def test_status_body_error_position_in_whole_mtsn() -> None:
    data = fixed(9)
    with pytest.raises(ParseError) as info:
        parse_response(data)
    assert info.value.offset == data.index(b"Status 5.2.2") + 6
    assert info.value.source_line == "Status 5.2.2 (Mailbox full)"


def test_serialize_errors() -> None:
    with pytest.raises(SerializeError):
        build_response([])
    with pytest.raises(SerializeError):
        build_response([status()], boundary="%%%%")
    with pytest.raises(SerializeError):
        serialize_response(TrackingResponse(statuses=[]))
    with pytest.raises(SerializeError):
        serialize_response(
            TrackingResponse(statuses=[status()], headers=[("X", "y")], with_headers=False)
        )
    bad = BodyPart(headers=[("Content-Type", "text/plain")], body=b"--b1\n")
    with pytest.raises(SerializeError):
        serialize_response(build_response([status()], other_parts=[bad], boundary="b1"))


def test_to_dict_from_dict_html_and_facade() -> None:
    resp = parse_response(example(10), strict=False)
    d = resp.to_dict()
    assert d["kind"] == "tracking-response"
    assert len(d["statuses"]) == 2
    assert [x["kind"] for x in d["defects"]] == ["boundary-syntax", "related-type"]
    assert TrackingResponse.from_dict(d) == resp
    assert "user4@example3.com" in resp._repr_html_()
    assert resp.per_message.reporting_mta == MtaName.dns("example2.com")
    assert msgtrk.tracking_status.parse_response is parse_response
    assert msgtrk.tracking_status.TrackingResponse is TrackingResponse
    assert msgtrk.tracking_status.build_response is build_response
    assert msgtrk.tracking_status.serialize_response is serialize_response


def test_message_input() -> None:
    msg = email.message_from_bytes(fixed(12))
    resp = parse_response(msg)
    assert len(resp.statuses) == 2


def test_headerless_body_of_spaces_is_linear() -> None:
    # fuzz finding F13: a quadratic regex on "--" + spaces; now one pass
    data = b"--" + b" " * 200_000 + b"x\r\n"
    resp = parse_response(data, strict=False)
    # (no == on the 200 kB strings: a failing assert would make pytest diff them)
    assert resp.boundary is not None and len(resp.boundary) == 200_001
    assert [d.kind for d in resp.defects][:2] == ["boundary-syntax", "no-close-delimiter"]


def test_encoded_tracking_part_defects_point_at_the_part() -> None:

    body = base64.b64encode(example(9).split(b"\n\n", 2)[2].split(b"\n--%%%%--")[0])
    data = (
        b'Content-Type: multipart/related; boundary=b; type="message/tracking-status"\n\n'
        b"--b\nContent-Type: message/tracking-status\nContent-Transfer-Encoding: base64\n\n"
        + body
        + b"\n--b--\n"
    )
    resp = parse_response(data, strict=False)
    kinds = [(d.kind, d.line, d.column) for d in resp.defects]
    assert kinds[0] == ("status-encoding", 5, 28)
    assert ("missing-colon", 7, 1) in kinds
    with pytest.raises(ParseError) as info:
        parse_response(data)
    assert (info.value.line, info.value.column) == (5, 28)


def test_evolved_response_is_written_canonically() -> None:
    resp = parse_response(fixed(10))
    changed = attrs.evolve(resp, statuses=resp.statuses[:1], boundary="one")
    assert changed.source is None and changed.status_spans == ()
    wire = serialize_response(changed)
    assert wire.count(b"--one\r\n") == 1
    assert parse_response(wire).statuses == resp.statuses[:1]


def test_start_parameter_and_comments() -> None:
    # RFC 2387 §3.2: start given as the Content-ID of a part (compared without
    # folding, blanks or comments); RFC 2045 §5.1: comments in the Content-Type.
    body = serialize_tracking_status(status())
    data = (
        'Content-Type: Multipart/Related (mtsn); BOUNDARY=b; TYPE="message/tracking-status"'
        ' (root type); start="<root@x>" (the root)\r\n\r\n'
        "--b\r\nContent-Type: message/tracking-status\r\nContent-ID: <root@x> (c)\r\n\r\n"
        f"{body}\r\n--b--\r\n"
    )
    resp = parse_response(data)
    assert resp.statuses == (status(),)
    assert resp.defects == ()
    assert serialize_response(resp) == data.encode()

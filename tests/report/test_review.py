"""Fixes for the black-box review (/tmp/review/REPORT.md): MIME container level."""

from __future__ import annotations

import pytest

import msgtrk
from msgtrk import delivery_status as ds
from msgtrk import tracking_status as ts
from msgtrk._mtsn import BodyPart
from msgtrk._report import build_report, parse_report, serialize_report
from msgtrk._status import Limits

_MTSN_HEAD = 'Content-Type: multipart/related; boundary=X; type="message/tracking-status"\r\n\r\n'
_WRONG_PART = "--X\r\nContent-Type: text/plain\r\n\r\nx\r\n"  # 4 lines


def _mtsn_wrong_parts(n: int) -> str:
    """An MTSN whose ``n`` parts are text/plain: part k's Content-Type value is at
    line 4 + 4k, column 15."""
    return _MTSN_HEAD + _WRONG_PART * n + "--X--\r\n"


# -- finding 1: the container defects are capped like the status bodies' ----------


def test_mtsn_defects_capped_at_max_defects() -> None:
    r = ts.parse_response(_mtsn_wrong_parts(1500), strict=False)
    assert len(r.defects) == 1001
    assert [d.kind for d in r.defects[:1000]] == ["part-type"] * 1000
    assert (r.defects[999].line, r.defects[999].column) == (4 + 4 * 999, 15)
    last = r.defects[-1]
    assert last.kind == "too-many-defects"
    # at the first defect not kept: part 1000
    assert (last.line, last.column) == (4 + 4 * 1000, 15)
    assert "1000" in last.message


def test_mtsn_defect_cap_follows_limits() -> None:
    r = ts.parse_response(_mtsn_wrong_parts(10), strict=False, limits=Limits(max_defects=3))
    assert [d.kind for d in r.defects] == ["part-type"] * 3 + ["too-many-defects"]
    assert (r.defects[-1].line, r.defects[-1].column) == (16, 15)
    assert len(r.other_parts) == 10  # the parts are still read


def test_mtsn_under_the_cap_unchanged() -> None:
    r = ts.parse_response(_mtsn_wrong_parts(5), strict=False)
    assert [d.kind for d in r.defects] == ["part-type"] * 5 + ["no-status-part"]


def _dsn(status: str, ctype: str = "multipart/report; boundary=XYZ") -> str:
    return (
        "From: MAILER-DAEMON@mx.example.org\n"  # 1
        "MIME-Version: 1.0\n"  # 2
        f"Content-Type: {ctype}\n"  # 3
        "\n"  # 4
        "--XYZ\n"  # 5
        "\n"  # 6
        "It failed.\n"  # 7
        "--XYZ\n"  # 8
        "Content-Type: message/delivery-status\n"  # 9
        "\n"  # 10
        f"{status}"  # 11...
        "\n"
        "--XYZ--\n"
    )


_BAD_STATUS = (
    "Reporting-MTA: dns; mx.example.org\n"  # 11
    "\n"
    "Final-Recipient: rfc822; bob@example.com\n"  # 13
    "Action: failed\n"
    "Status: 5.1.1\n"
    "junk 1\n"  # 16
    "junk 2\n"
    "junk 3\n"
    "junk 4\n"
    "junk 5\n"
)


_GOOD_STATUS = _BAD_STATUS[: _BAD_STATUS.index("junk")]


def test_report_defects_capped_across_container_and_status_part() -> None:
    # one container defect (no report-type) + the status part's own (capped) defects
    rep = parse_report(_dsn(_BAD_STATUS), strict=False, limits=Limits(max_defects=3))
    kinds = [d.kind for d in rep.defects]
    assert kinds == ["report-type", "not-a-field", "not-a-field", "too-many-defects"]
    assert (rep.defects[0].line, rep.defects[0].column) == (3, 45)
    assert (rep.defects[1].line, rep.defects[1].column) == (16, 5)
    # the first defect not kept: the third junk line
    assert (rep.defects[-1].line, rep.defects[-1].column) == (18, 5)


def test_report_defects_default_cap_unchanged_below() -> None:
    rep = parse_report(_dsn(_BAD_STATUS), strict=False)
    assert [d.kind for d in rep.defects] == ["report-type"] + ["not-a-field"] * 5


# -- finding 10: built containers are CRLF text (RFC 2046 canonical form) ----------

_LF_TRACKING = (
    "Original-Envelope-Id: 12345@example.com\n"
    "Reporting-MTA: dns; mta.example.com\n"
    "Arrival-Date: Mon, 1 Jan 2001 12:00:00 -0800\n"
    "\n"
    "Original-Recipient: rfc822; a@example.org\n"
    "Final-Recipient: rfc822; a@example.org\n"
    "Action: delivered\n"
    "Status: 2.0.0\n"
)
_LF_DELIVERY = (
    "Reporting-MTA: dns; mx.example.org\n"
    "\n"
    "Final-Recipient: rfc822; bob@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
)


def _bare_lf(data: bytes) -> int:
    return data.count(b"\n") - data.count(b"\r\n")


def test_build_response_from_lf_body_is_crlf() -> None:
    from msgtrk import mtqp  # noqa: PLC0415

    status = ts.parse(_LF_TRACKING)
    other = BodyPart(headers=[("Content-Type", "text/plain")], body=b"a\r\nb\r\n")
    wire = ts.serialize_response(ts.build_response([status], other_parts=[other]))
    assert _bare_lf(wire) == 0
    assert b"\r\n" + _LF_TRACKING.replace("\n", "\r\n").encode() + b"\r\n--" in wire
    # an MTQP multi-line response takes it as its body (RFC 3887 §2.3)
    mtqp.Response(indicator=mtqp.Indicator.OK_MULTI, text="x", body=wire)
    back = ts.parse_response(wire, strict=False)  # RFC 3886 §3: other parts are defects
    assert [d.kind for d in back.defects] == ["part-type"]
    assert back.statuses == (status,)
    assert back.other_parts[0].body == b"a\r\nb\r\n"
    assert ts.serialize_response(back) == wire  # a parsed container: its input


def test_build_report_from_lf_body_is_crlf() -> None:
    status = ds.parse(_LF_DELIVERY)
    rep = build_report(status, human_readable="It failed.\n", returned=b"Subject: x\r\n\r\nb\r\n")
    wire = serialize_report(rep)
    assert _bare_lf(wire) == 0
    assert _LF_DELIVERY.replace("\n", "\r\n").encode() in wire
    back = parse_report(wire)
    assert back.status == status
    assert back.defects == ()
    assert serialize_report(back) == wire


def test_parsed_lf_containers_still_round_trip() -> None:
    mtsn = (
        'Content-Type: multipart/related; boundary=X; type="message/tracking-status"\n\n'
        f"--X\nContent-Type: message/tracking-status\n\n{_LF_TRACKING}\n--X--\n"
    )
    assert ts.serialize_response(ts.parse_response(mtsn)) == mtsn.encode()


# -- finding 12(i): at most one Content-Type per entity (RFC 2045 §3) --------------


def test_report_two_content_types() -> None:
    text = _dsn(
        _GOOD_STATUS,
        ctype="multipart/report; report-type=delivery-status; boundary=XYZ\n"
        "Content-Type: text/plain",
    )
    # the second Content-Type is line 4
    with pytest.raises(msgtrk.ParseError) as info:
        parse_report(text)
    err = info.value
    assert (err.line, err.column, err.rule) == (4, 1, "entity-headers")
    assert "RFC 2045 §3" in err.message
    rep = parse_report(text, strict=False)
    assert [(d.kind, d.line, d.column) for d in rep.defects] == [("duplicate-mime-field", 4, 1)]
    assert rep.status is not None  # the first Content-Type is used
    assert serialize_report(rep) == text.encode()


def test_part_two_content_transfer_encodings() -> None:
    status = _GOOD_STATUS
    text = (
        "MIME-Version: 1.0\n"  # 1
        "Content-Type: multipart/report; report-type=delivery-status; boundary=XYZ\n"  # 2
        "\n--XYZ\n\nIt failed.\n--XYZ\n"  # 3-7
        "Content-Type: message/delivery-status\n"  # 8
        "Content-Transfer-Encoding: 7bit\n"  # 9
        "content-transfer-encoding: 7bit\n"  # 10
        f"\n{status}\n--XYZ--\n"
    )
    with pytest.raises(msgtrk.ParseError) as info:
        parse_report(text)
    assert (info.value.line, info.value.column) == (10, 1)
    rep = parse_report(text, strict=False)
    assert [(d.kind, d.line, d.column) for d in rep.defects] == [("duplicate-mime-field", 10, 1)]


def test_mtsn_two_content_types() -> None:
    text = (
        'Content-Type: multipart/related; boundary=X; type="message/tracking-status"\r\n'
        "Content-Type: text/plain\r\n\r\n"
        "--X\r\nContent-Type: message/tracking-status\r\n\r\n"
        + _LF_TRACKING.replace("\n", "\r\n")
        + "\r\n--X--\r\n"
    )
    with pytest.raises(msgtrk.ParseError) as info:
        ts.parse_response(text)
    assert (info.value.line, info.value.column) == (2, 1)
    r = ts.parse_response(text, strict=False)
    assert [(d.kind, d.line, d.column) for d in r.defects] == [("duplicate-mime-field", 2, 1)]
    assert len(r.statuses) == 1


# -- finding 4: what the round trip returns (documented, types unchanged) ----------


def test_round_trip_types_as_documented() -> None:
    text = _dsn(_GOOD_STATUS, ctype="multipart/report; report-type=delivery-status; boundary=XYZ")
    text = text.replace("It failed.", "Zustellung f\u00fcr j\u00f6rg fehlgeschlagen.")
    out = serialize_report(parse_report(text))
    assert isinstance(out, bytes)
    assert out == text.encode("utf-8", "surrogateescape")
    assert serialize_report(parse_report(out)) == out
    mtsn = (
        'Content-Type: multipart/related; boundary=X; type="message/tracking-status"\n\n'
        f"--X\nContent-Type: message/tracking-status\n\n{_LF_TRACKING}\n--X--\n"
    )
    assert ts.serialize_response(ts.parse_response(mtsn)) == mtsn.encode("utf-8")
    body = _GOOD_STATUS.encode() + b"X-Note: \xe9\n"
    back = ds.serialize(ds.parse(body, strict=False))
    assert isinstance(back, str)
    assert back.encode("utf-8", "surrogateescape") == body

"""msgtrk.contentmanager: the stdlib email package hands back msgtrk models."""

from __future__ import annotations

import copy
import email
import email.contentmanager
import email.message
import email.policy
import pathlib

import pytest

from msgtrk import ParseError, contentmanager
from msgtrk._mtsn import TrackingResponse, build_response, parse_response
from msgtrk._report import DeliveryReport, parse_report
from msgtrk._status import DeliveryStatus, TrackingStatus, parse_delivery_status

DATA = pathlib.Path(__file__).parent.parent / "data"
CORPUS = DATA / "dsn-corpus"
POLICY = email.policy.default.clone(content_manager=contentmanager.content_manager)


def parts(msg: email.message.Message, ctype: str) -> list[email.message.EmailMessage]:
    found = [p for p in msg.walk() if p.get_content_type() == ctype]
    assert all(isinstance(p, email.message.EmailMessage) for p in found)
    return found  # type: ignore[return-value]


@pytest.mark.parametrize(
    "name",
    ["sendmail-user-unknown.eml", "postfix-three-recipients.eml", "gmail-address-not-found.eml"],
)
def test_get_content_delivery_status_matches_raw_parse(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    msg = email.message_from_bytes(data, policy=POLICY)
    (part,) = parts(msg, "message/delivery-status")
    got = part.get_content(strict=False)
    assert isinstance(got, DeliveryStatus)
    assert got == parse_report(data, strict=False).status


def test_get_content_global_delivery_status() -> None:
    data = (CORPUS / "postfix-smtputf8-global.eml").read_bytes()
    msg = email.message_from_bytes(data, policy=contentmanager.policy)
    (part,) = parts(msg, "message/global-delivery-status")
    got = part.get_content(strict=False)
    assert got.recipients[0].final_recipient.mailbox == "δοκιμή@παράδειγμα.δοκιμή"
    assert got == parse_report(data, strict=False).status


def test_get_content_tracking_status_and_mtsn() -> None:
    data = (DATA / "rfc3887-4.1-example12-mtsn.txt").read_bytes()
    msg = email.message_from_bytes(data, policy=POLICY)
    statuses = [p.get_content() for p in parts(msg, "message/tracking-status")]
    assert all(isinstance(s, TrackingStatus) for s in statuses)
    resp = parse_response(data, strict=False)
    assert statuses == list(resp.statuses)
    whole = msg.get_content(strict=False)
    assert isinstance(whole, TrackingResponse) and whole == resp


def test_missing_colon_survives_the_stdlib_block_split() -> None:
    # RFC 3887 §4.1 example #9: the stdlib turns the colon-less line and the rest
    # of its block into a block body; the rebuilt text keeps it.
    data = (DATA / "rfc3887-4.1-example09-mtsn.txt").read_bytes()
    msg = email.message_from_bytes(data, policy=POLICY)
    (part,) = parts(msg, "message/tracking-status")
    assert b"Status 5.2.2 (Mailbox full)\n" in contentmanager.body_text(part)
    with pytest.raises(ParseError) as info:
        part.get_content()
    assert info.value.rule == "status-field"
    lenient = part.get_content(strict=False)
    assert [d.kind for d in lenient.defects] == ["missing-colon"]
    assert str(lenient.recipients[1].status.code) == "5.2.2"


def test_delivery_status_blocks_rebuilt() -> None:
    body = (
        "Reporting-MTA: dns;x.example\n"
        "Arrival-Date: Mon, 1 Jan 2001\n 15:15:15 -0500\n\n\n"
        "Final-Recipient: rfc822; a@example.com\nAction:\t failed\nStatus 5.0.0\n"
        "Remote-MTA: dns; y.example\n"
    )
    raw = (
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
        f"--b\n\nhi\n--b\nContent-Type: message/delivery-status\n\n{body}\n--b--\n"
    )
    msg = email.message_from_string(raw, policy=POLICY)
    (part,) = parts(msg, "message/delivery-status")
    # one space after each colon (the stdlib drops what was there); all else kept
    assert contentmanager.body_text(part).decode() == body.replace(":\t failed", ": failed")


def test_set_content_delivery_status_round_trip() -> None:
    data = (CORPUS / "sendmail-user-unknown.eml").read_bytes()
    model = parse_report(data).status
    assert model is not None
    part = email.message.EmailMessage(policy=POLICY)
    part.set_content(model)
    assert part.get_content_type() == "message/delivery-status"
    wire = part.as_bytes()
    again = email.message_from_bytes(wire, policy=POLICY)
    assert again.get_content() == model
    assert parse_delivery_status(wire.split(b"\n\n", 1)[1]) == model


def test_set_content_tracking_and_global() -> None:
    resp = parse_response((DATA / "rfc3887-4.1-example10-mtsn.txt").read_bytes(), strict=False)
    part = email.message.EmailMessage(policy=POLICY)
    part.set_content(resp.statuses[1], disposition="inline", cid="<ts2@example>")
    assert part.get_content_type() == "message/tracking-status"
    assert part["Content-ID"] == "<ts2@example>"
    assert part["Content-Disposition"] == "inline"
    again = email.message_from_bytes(part.as_bytes(), policy=POLICY)
    assert again.get_content() == resp.statuses[1]

    g = parse_report((CORPUS / "postfix-smtputf8-global.eml").read_bytes(), strict=False).status
    gpart = email.message.EmailMessage(policy=POLICY)
    gpart.set_content(g, headers=["X-Test: 1"])
    assert gpart.get_content_type() == "message/global-delivery-status"
    assert gpart["Content-Transfer-Encoding"] == "8bit"
    assert gpart["X-Test"] == "1"
    back = email.message_from_bytes(gpart.as_bytes(), policy=POLICY)
    assert back.get_content(strict=False) == g


def test_set_content_whole_report_and_mtsn() -> None:
    rep = parse_report((CORPUS / "postfix-user-unknown.eml").read_bytes(), strict=False)
    msg = email.message.EmailMessage(policy=POLICY)
    msg.set_content(rep)
    assert msg.get_content_type() == "multipart/report"
    assert msg["Subject"] == "Undelivered Mail Returned to Sender"
    again = msg.get_content(strict=False)
    assert isinstance(again, DeliveryReport)
    assert again.status == rep.status and again.human_readable == rep.human_readable

    resp = build_response(
        [
            parse_response(
                (DATA / "rfc3887-4.1-example06-mtsn.txt").read_bytes(), strict=False
            ).statuses[0]
        ]
    )
    mtsn = email.message.EmailMessage(policy=POLICY)
    mtsn.set_content(resp)
    assert mtsn.get_content_type() == "multipart/related"
    got = mtsn.get_content()
    assert got.statuses == resp.statuses
    assert got.headers == (("MIME-Version", "1.0"),)  # added by EmailMessage.set_content


def test_other_multipart_related_falls_back() -> None:
    raw = "Content-Type: multipart/related; boundary=b; type=text/html\n\n--b\n\nx\n--b--\n"
    msg = email.message_from_string(raw, policy=POLICY)
    with pytest.raises(KeyError):  # what raw_data_manager does for multiparts
        msg.get_content()


def test_other_multipart_report_falls_back() -> None:
    # An MDN (report-type=disposition-notification) is not a DSN (RFC 3464 §2):
    # get_content() behaves as without msgtrk; a DSN's report-type is case-insensitive.
    raw = (
        "Content-Type: multipart/report; report-type=disposition-notification; boundary=b\n\n"
        "--b\n\nx\n--b--\n"
    )
    with pytest.raises(KeyError):
        email.message_from_string(raw, policy=POLICY).get_content()
    dsn = (
        (CORPUS / "postfix-user-unknown.eml")
        .read_text()
        .replace("report-type=delivery-status", "report-type=Delivery-Status")
    )
    assert "Delivery-Status" in dsn
    got = email.message_from_string(dsn, policy=POLICY).get_content(strict=False)
    assert isinstance(got, DeliveryReport) and got.recipients


def test_register_on_own_manager_and_default_untouched() -> None:
    mine = copy.deepcopy(email.contentmanager.raw_data_manager)
    contentmanager.register(mine)
    data = (CORPUS / "exim-user-unknown.eml").read_bytes()
    msg = email.message_from_bytes(data, policy=email.policy.default.clone(content_manager=mine))
    (part,) = parts(msg, "message/delivery-status")
    assert isinstance(part.get_content(strict=False), DeliveryStatus)
    # the stdlib's own manager is unchanged: first block only, as bytes
    plain = email.message_from_bytes(data, policy=email.policy.default)
    (p,) = parts(plain, "message/delivery-status")
    assert not isinstance(p.get_content(), DeliveryStatus)


@pytest.mark.parametrize("strict", [True, False])
def test_one_get_content_call_walks_a_whole_dsn(strict: bool) -> None:
    # review finding (session 2): the stdlib's own handlers refused strict=
    data = (CORPUS / "gmail-address-not-found.eml").read_bytes()
    msg = email.message_from_bytes(data, policy=POLICY)
    plain = email.message_from_bytes(data, policy=email.policy.default)
    kinds = {}
    for ours, theirs in zip(msg.walk(), plain.walk(), strict=True):
        if ours.get_content_maintype() == "multipart" and ours is not msg:
            continue  # the stdlib has no get_content for multipart/alternative
        got = ours.get_content(strict=strict)
        kinds[ours.get_content_type()] = type(got).__name__
        if not ours.get_content_type().startswith(("multipart/", "message/")):
            assert got == theirs.get_content()
    assert kinds["multipart/report"] == "DeliveryReport"
    assert kinds["message/delivery-status"] == "DeliveryStatus"
    assert kinds["text/plain"] == "str"


def test_register_leaves_the_stdlib_manager_alone() -> None:
    manager = copy.deepcopy(email.contentmanager.raw_data_manager)
    contentmanager.register(manager)
    text = email.contentmanager.raw_data_manager.get_handlers["text"]  # type: ignore[attr-defined]
    assert text is email.contentmanager.get_text_content  # type: ignore[attr-defined]
    contentmanager.register(manager)  # twice: handlers are wrapped once
    wrapped = manager.get_handlers["text"]  # type: ignore[attr-defined]
    assert wrapped.__closure__ is not None
    assert wrapped.__closure__[0].cell_contents is email.contentmanager.get_text_content  # type: ignore[attr-defined]

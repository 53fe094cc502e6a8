"""End to end over 127.0.0.1: smtplib -> msgtrk.esmtp.aiosmtpd.TrackingSMTP (issue 4 item 7)."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from msgtrk.esmtp import Notify, Ret, new_mtrk_secret
from msgtrk.esmtp.aiosmtpd import TrackingEnvelope, TrackingSMTP

TIMEOUT = 10
MESSAGE = b"Subject: hi\r\n\r\nhello\r\n"


class Recorder:
    """A handler that keeps what it was handed."""

    def __init__(self) -> None:
        self.mail: list[Any] = []
        self.rcpt: list[Any] = []
        self.options: list[list[str]] = []
        self.messages: list[TrackingEnvelope] = []

    async def handle_MAIL(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        self.mail.append(envelope.mail_command)
        self.options.append(options)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        self.rcpt.append(envelope.rcpt_commands[-1])
        self.options.append(options)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope)
        return "250 Message accepted"


class TrackingController(Controller):  # type: ignore[misc]
    def factory(self) -> TrackingSMTP:
        return TrackingSMTP(self.handler, **self.SMTP_kwargs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server() -> Iterator[tuple[Recorder, int]]:
    handler = Recorder()
    port = _free_port()
    controller = TrackingController(
        handler,
        hostname="127.0.0.1",
        port=port,
        ready_timeout=TIMEOUT,
        server_hostname="mx.example.org",
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_dsn_and_mtrk_reach_the_handler_decoded(server: tuple[Recorder, int]) -> None:
    handler, port = server
    _secret, certifier = new_mtrk_secret()
    envid = "QQ314159+x@sender.example.com"
    with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
        code, _ = client.ehlo("client.example.com")
        assert code == 250
        assert client.has_extn("DSN")
        assert client.has_extn("MTRK")
        mail_options = [
            "ENVID=QQ314159+2Bx@sender.example.com",
            "RET=HDRS",
            f"MTRK={certifier}:3600",
        ]
        rcpt_options = ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;Bob+2BTag@Example.COM"]
        refused = client.sendmail(
            "alice@sender.example.com",
            ["bob@example.org"],
            MESSAGE,
            mail_options=mail_options,
            rcpt_options=rcpt_options,
        )
        assert refused == {}
    mail = handler.mail[0]
    assert str(mail.reverse_path) == "alice@sender.example.com"
    assert mail.envid == envid
    assert mail.ret is Ret.HDRS
    assert mail.mtrk.certifier == certifier  # case kept: aiosmtpd alone upper-cases it
    assert mail.mtrk.timeout == 3600
    rcpt = handler.rcpt[0]
    assert str(rcpt.forward_path) == "bob@example.org"
    assert rcpt.notify == (Notify.SUCCESS, Notify.FAILURE)
    assert rcpt.orcpt.addr_type == "rfc822"
    assert rcpt.orcpt.address == "Bob+Tag@Example.COM"
    # smtplib adds SIZE (lower case): kept verbatim, as every parameter
    assert handler.options == [[f"size={len(MESSAGE)}", *mail_options], rcpt_options]
    assert handler.messages[0].mail_command == mail


def test_bad_mtrk_gets_501_naming_the_parameter(server: tuple[Recorder, int]) -> None:
    handler, port = server
    with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
        client.ehlo("client.example.com")
        code, text = client.mail("a@example.com", ["ENVID=x@example.com", "MTRK=not-base64:60"])
        assert code == 501
        assert b"5.5.4" in text
        assert b"MTRK" in text
        assert b"mtrk-certifier" in text
        code, text = client.mail("a@example.com", ["MTRK=abc:60"])
        assert code == 501
        assert b"ENVID" in text
        code, text = client.mail("a@example.com", ["FOO-BAR=1"])
        assert code == 555
        assert b"FOO-BAR" in text
        code, _ = client.mail("a@example.com", ["ENVID=x@example.com"])
        assert code == 250
        code, text = client.rcpt("b@example.org", ["NOTIFY=NEVER,DELAY"])
        assert code == 501
        assert b"NOTIFY" in text
        code, text = client.rcpt("b@example.org", ["ORCPT=rfc822;a", "ORCPT=rfc822;b"])
        assert code == 501
        assert b"ORCPT" in text
    assert handler.mail[0].envid == "x@example.com"
    assert handler.rcpt == []


def test_null_reverse_path_and_postmaster(server: tuple[Recorder, int]) -> None:
    handler, port = server
    with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
        client.ehlo("client.example.com")
        assert client.docmd("MAIL", "FROM:<> RET=FULL")[0] == 250
        assert client.docmd("RCPT", "TO:<Postmaster>")[0] == 250
        assert client.docmd("RCPT", "TO:<@relay.example:bob@example.org>")[0] == 250
        assert client.docmd("RCPT", "TO:<bob@example.org.>")[0] == 501
    assert handler.mail[0].reverse_path is None
    assert handler.rcpt[0].forward_path.is_postmaster
    assert handler.rcpt[1].source_route == ("relay.example",)


def test_lenient_server_answers_501_for_unreadable_parameters() -> None:
    # review #7: leniently read parameters that cannot be understood are kept as InvalidParam;
    # the server still refuses them, naming the parameter
    handler = Recorder()
    port = _free_port()
    controller = TrackingController(
        handler, hostname="127.0.0.1", port=port, ready_timeout=TIMEOUT, strict=False
    )
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
            client.ehlo("client.example.com")
            code, text = client.mail("a@example.com", ["ENVID=QQ+2"])
            assert (code, text[:27]) == (501, b"5.5.4 Bad ENVID parameter: ")
            assert b"hexchar" in text
            # review #12(k): a MAIL line well over 668 octets (AUTH= may add 500) is read
            code, _ = client.mail("a@example.com", ["ENVID=x@h", "SIZE=1", "X-LONG=" + "v" * 900])
            assert code == 555  # not recognized, rather than "line too long"
            code, _ = client.mail("a@example.com", ["ENVID=x@h"])
            assert code == 250
            code, text = client.rcpt("b@example.org", ["NOTIFY=NEVER,DELAY"])
            assert (code, text[:28]) == (501, b"5.5.4 Bad NOTIFY parameter: ")
    finally:
        controller.stop()
    assert handler.rcpt == []

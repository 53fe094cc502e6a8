"""Relay rules (RFC 3885 §3.1, §3.3; RFC 3461 §5.2.1, §5.2.2)."""

from __future__ import annotations

import pytest

from msgtrk.esmtp import (
    MtrkParam,
    Notify,
    decrement_timeout,
    parse_ehlo,
    parse_mail,
    parse_rcpt,
    relay_mail,
    relay_rcpt,
    serialize,
)

MAIL = "MAIL FROM:<a@b> SIZE=9 ENVID=QQ+2B1@h RET=HDRS MTRK=abc:3600"
BOTH = parse_ehlo("250-mx.example\r\n250-DSN\r\n250 MTRK\r\n")


def test_timeout_decremented() -> None:
    # RFC 3885 §3.1: "decremented by the number of seconds the message has lingered"
    out = relay_mail(parse_mail(MAIL), lingered=600, next_hop=BOTH)
    assert out.mtrk == MtrkParam(certifier="abc", timeout=3000)
    assert serialize(out) == "MAIL FROM:<a@b> SIZE=9 ENVID=QQ+2B1@h RET=HDRS MTRK=abc:3000\r\n"


def test_values_kept_verbatim() -> None:
    # RFC 3461 §5.2.1 (a): the same esmtp-value, even where we would encode differently
    out = relay_mail(parse_mail("MAIL FROM:<a@b> ENVID=+41@h RET=hdrs"), lingered=0, next_hop=BOTH)
    assert serialize(out) == "MAIL FROM:<a@b> ENVID=+41@h RET=hdrs\r\n"


@pytest.mark.parametrize("lingered", [3600, 3600.0, 3599.5, 10_000])
def test_expired_timeout_drops_mtrk(lingered: float) -> None:
    # RFC 3885 §3.1: <= 0 -> the entire MTRK parameter MUST NOT be passed
    out = relay_mail(parse_mail(MAIL), lingered=lingered, next_hop=BOTH)
    assert out.mtrk is None
    assert out.envid == "QQ+1@h"


def test_decrement_timeout() -> None:
    assert decrement_timeout(10, 0) == 10
    assert decrement_timeout(10, 9.2) is None  # 10 whole seconds lingered (rounded up)
    assert decrement_timeout(10, 8.5) == 1
    assert decrement_timeout(10, 10) is None
    assert decrement_timeout(10, -5) == 10


def test_next_hop_without_mtrk() -> None:
    # RFC 3885 §3.3: "the MTRK= parameter MUST be deleted"; DSN hop keeps ENVID (RFC 3461 §5.2.1)
    out = relay_mail(parse_mail(MAIL), lingered=1, next_hop=["DSN", "SIZE"])
    assert out.mtrk is None
    assert out.envid == "QQ+1@h"
    assert serialize(out) == "MAIL FROM:<a@b> SIZE=9 ENVID=QQ+2B1@h RET=HDRS\r\n"


def test_next_hop_without_dsn_or_mtrk() -> None:
    # RFC 3461 §5.2.2 (a): ENVID, RET MUST NOT be issued
    out = relay_mail(parse_mail(MAIL), lingered=1, next_hop=[])
    assert serialize(out) == "MAIL FROM:<a@b> SIZE=9\r\n"


def test_mtrk_hop_without_dsn_keeps_envid() -> None:
    # RFC 3885 §2 (4): an MTRK server MUST support ENVID; RET is a DSN parameter only
    out = relay_mail(parse_mail(MAIL), lingered=0, next_hop=["mtrk"])
    assert serialize(out) == "MAIL FROM:<a@b> SIZE=9 ENVID=QQ+2B1@h MTRK=abc:3600\r\n"


@pytest.mark.parametrize(
    ("recipients", "primary", "mailing_list", "kept"),
    [
        (1, False, False, True),  # §3.3 exactly one recipient: ordinary hop
        (2, False, False, False),  # §3.3 MUST NOT copy to more than one
        (5, True, False, True),  # §3.3 MAY designate a primary recipient
        (1, False, True, False),  # §3.3 MUST NOT forward on list expansion
        (3, True, True, False),  # §3.3 list expansion wins
    ],
)
def test_alias_expansion(recipients: int, primary: bool, mailing_list: bool, kept: bool) -> None:
    out = relay_mail(
        parse_mail(MAIL),
        lingered=0,
        next_hop=BOTH,
        recipients=recipients,
        primary=primary,
        mailing_list=mailing_list,
    )
    assert (out.mtrk is not None) is kept
    assert out.envid == "QQ+1@h"  # §3.3: ENVID and ORCPT are not deleted for DSN hops


def test_default_timeout() -> None:
    # RFC 3885 §3.1: without a timeout the local default applies; pass the remaining life on
    cmd = parse_mail("MAIL FROM:<a@b> ENVID=x@y MTRK=abc")
    assert relay_mail(cmd, lingered=5, next_hop=BOTH).mtrk == MtrkParam(certifier="abc")
    out = relay_mail(cmd, lingered=5, next_hop=BOTH, default_timeout=8 * 86400)
    assert out.mtrk == MtrkParam(certifier="abc", timeout=8 * 86400 - 5)


def test_rcpt_relay() -> None:
    rcpt = parse_rcpt("RCPT TO:<@r.example:b@c> NOTIFY=success ORCPT=rfc822;Bob@C XX=1")
    out = relay_rcpt(rcpt, next_hop=BOTH)
    # RFC 3461 §5.2.1 (c), (d): NOTIFY and ORCPT kept, ORCPT case unchanged; route stripped
    assert serialize(out) == "RCPT TO:<b@c> NOTIFY=success ORCPT=rfc822;Bob@C XX=1\r\n"
    assert out.notify == (Notify.SUCCESS,)
    assert serialize(relay_rcpt(rcpt, next_hop=["SIZE"])) == "RCPT TO:<b@c> XX=1\r\n"  # §5.2.2 (a)
    assert (
        serialize(relay_rcpt(rcpt, next_hop=["MTRK"]))
        == "RCPT TO:<b@c> ORCPT=rfc822;Bob@C XX=1\r\n"
    )


def test_rcpt_add_orcpt() -> None:
    # RFC 3461 §5.2.1 (d): MAY add ORCPT with the address received
    out = relay_rcpt(parse_rcpt("RCPT TO:<b+x@c>"), next_hop=BOTH, add_orcpt=True)
    assert serialize(out) == "RCPT TO:<b+x@c> ORCPT=rfc822;b+2Bx@c\r\n"
    assert relay_rcpt(parse_rcpt("RCPT TO:<b@c>"), next_hop=[], add_orcpt=True).orcpt is None


# --- review #7: parameters read leniently but not understood are passed on, not lost ---

HOP = parse_ehlo("250-mx.example\r\n250-DSN\r\n250 MTRK\r\n")


@pytest.mark.parametrize(
    ("line", "relayed"),
    [
        # RFC 3461 §5.2.1 (a), (b): ENVID and RET "with the same associated esmtp-value"
        (
            "MAIL FROM:<a@example.com> ENVID=QQ+2 RET=HDRS",
            "MAIL FROM:<a@example.com> ENVID=QQ+2 RET=HDRS",
        ),
        ("MAIL FROM:<a@b> RET=ALL ENVID=x", "MAIL FROM:<a@b> RET=ALL ENVID=x"),
        (
            "MAIL FROM:<a@b> ENVID=a+0D@h",
            "MAIL FROM:<a@b> ENVID=a+0D@h",
        ),  # not printable: as received
        # RFC 3885 §3.1: a malformed MTRK cannot be decremented: dropped
        ("MAIL FROM:<a@b> ENVID=x@h MTRK=abc:12x", "MAIL FROM:<a@b> ENVID=x@h"),
        # RFC 3885 §3.2: MTRK needs an ENVID local@fqhn: not passed on without one
        ("MAIL FROM:<a@b> MTRK=abc:60", "MAIL FROM:<a@b>"),
        ("MAIL FROM:<a@b> ENVID=x MTRK=abc:60", "MAIL FROM:<a@b> ENVID=x"),
        ("MAIL FROM:<a@b> ENVID=x+40h MTRK=abc:60", "MAIL FROM:<a@b> ENVID=x+40h"),
        # RFC 3461 §4.5: of a repeated keyword, the first (the one the model reads)
        ("MAIL FROM:<a@b> RET=FULL RET=HDRS", "MAIL FROM:<a@b> RET=FULL"),
    ],
)
def test_lenient_mail_relayed_verbatim(line: str, relayed: str) -> None:
    cmd = parse_mail(line, strict=False)
    assert serialize(relay_mail(cmd, lingered=0, next_hop=HOP)) == relayed + "\r\n"


@pytest.mark.parametrize(
    ("line", "relayed"),
    [
        # RFC 3461 §5.2.1 (c): NOTIFY "along with its associated esmtp-value"; NEVER stays NEVER
        (
            "RCPT TO:<b@example.org> NOTIFY=NEVER,SUCCESS",
            "RCPT TO:<b@example.org> NOTIFY=NEVER,SUCCESS",
        ),
        (
            "RCPT TO:<b@x> NOTIFY=SUCCESS,, ORCPT=rfc822;b+0D",
            "RCPT TO:<b@x> NOTIFY=SUCCESS,, ORCPT=rfc822;b+0D",
        ),
        # RFC 3461 §5.2.1 (d): the identical original-recipient-address
        ("RCPT TO:<b@x> ORCPT=rfc822;b+2", "RCPT TO:<b@x> ORCPT=rfc822;b+2"),
        ("RCPT TO:<b@x> ORCPT=utf-8;a+tag@x", "RCPT TO:<b@x> ORCPT=utf-8;a+tag@x"),
        # blanks after the commas: read as one NOTIFY, sent without them
        ("RCPT TO:<b@x> NOTIFY=SUCCESS, FAILURE", "RCPT TO:<b@x> NOTIFY=SUCCESS,FAILURE"),
        ("RCPT TO:<b@x> X_Y=1 Z", "RCPT TO:<b@x> X_Y=1 Z"),
    ],
)
def test_lenient_rcpt_relayed_verbatim(line: str, relayed: str) -> None:
    cmd = parse_rcpt(line, strict=False)
    assert serialize(relay_rcpt(cmd, next_hop=HOP)) == relayed + "\r\n"


def test_invalid_params_follow_the_rules_of_their_keyword() -> None:
    # RFC 3461 §5.2.2 (a): no ENVID, RET, NOTIFY, ORCPT to a hop without DSN (nor MTRK)
    mail = parse_mail("MAIL FROM:<a@b> ENVID=QQ+2 RET=ALL X_Y=1", strict=False)
    assert serialize(relay_mail(mail, lingered=0, next_hop=["SIZE"])) == "MAIL FROM:<a@b> X_Y=1\r\n"
    rcpt = parse_rcpt("RCPT TO:<b@x> NOTIFY=NEVER,DELAY ORCPT=x;+", strict=False)
    assert serialize(relay_rcpt(rcpt, next_hop=["SIZE"])) == "RCPT TO:<b@x>\r\n"
    # an MTRK hop without DSN keeps ENVID and ORCPT (RFC 3885 §2 (4)), not RET or NOTIFY
    assert serialize(relay_mail(mail, lingered=0, next_hop=["MTRK"])) == (
        "MAIL FROM:<a@b> ENVID=QQ+2 X_Y=1\r\n"
    )
    assert serialize(relay_rcpt(rcpt, next_hop=["MTRK"])) == "RCPT TO:<b@x> ORCPT=x;+\r\n"

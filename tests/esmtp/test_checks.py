"""Semantic checks, each finding citing its section (issue 4 item 6)."""

from __future__ import annotations

import pytest

from msgtrk import ParseError
from msgtrk.esmtp import (
    ENFORCED,
    EnvidParam,
    ExtensionParam,
    MailCommand,
    MtrkParam,
    OrcptParam,
    RcptCommand,
    Severity,
    check,
    parse_mail,
    parse_rcpt,
)

CERT = "R01UlPS9jrccO3CqNXimYp57XpQ"


def kinds(cmd: MailCommand | RcptCommand) -> list[tuple[str, str]]:
    return [(f.kind, f.section) for f in check(cmd)]


def test_clean() -> None:
    assert check(parse_mail(f"MAIL FROM:<a@b.example> ENVID=QQ@h MTRK={CERT}:60 RET=FULL")) == ()
    assert check(parse_rcpt("RCPT TO:<a@b> NOTIFY=NEVER ORCPT=rfc822;a@b")) == ()


def test_mtrk_without_envid() -> None:
    # built models can say anything: the check still finds it
    cmd = MailCommand(reverse_path="a@b", params=(MtrkParam(certifier=CERT),))
    assert kinds(cmd) == [("mtrk-without-envid", "RFC 3885 §3.2")]
    lenient = parse_mail(f"MAIL FROM:<a@b> MTRK={CERT}", strict=False)
    assert kinds(lenient) == [("mtrk-without-envid", "RFC 3885 §3.2")]


def test_envid_not_unique_with_mtrk() -> None:
    cmd = MailCommand(reverse_path="a@b", params=(EnvidParam(envid="x"), MtrkParam(certifier=CERT)))
    assert kinds(cmd) == [("envid-not-unique", "RFC 3885 §3.2")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("MAIL FROM:<a@b> ENVID=x@y MTRK=abc", [("certifier-not-sha1", "RFC 3885 §3.1, §3.2")]),
        (f"MAIL FROM:<a@b> ENVID=x@y MTRK={CERT}:0", [("mtrk-expired", "RFC 3885 §3.1")]),
        ("MAIL FROM:<a@b> ENVID=" + "x" * 39, [("envid-long-for-submission", "RFC 3461 §5.4")]),
        ("MAIL FROM:<a@b> ENVID=a+0Ab", [("envid-not-printable", "RFC 3461 §4.4")]),
        ("MAIL FROM:<a@b> NOTIFY=NEVER", [("rcpt-parameter-on-mail", "RFC 3461 §4.1, §4.2")]),
        ("MAIL FROM:<a@[300.1.1.1]>", [("bad-address-literal", "RFC 5321 §4.1.3")]),
        ("MAIL FROM:<a@[IPv6:1::2::3]>", [("bad-address-literal", "RFC 5321 §4.1.3")]),
        ("MAIL FROM:<" + "l" * 65 + "@b>", [("local-part-too-long", "RFC 5321 §4.5.3.1.1")]),
    ],
)
def test_mail_findings(line: str, expected: list[tuple[str, str]]) -> None:
    _strict_agrees(line, expected)
    assert kinds(parse_mail(line, strict=False)) == expected


def _strict_agrees(line: str, expected: list[tuple[str, str]]) -> None:
    # strict parsing raises exactly the ENFORCED findings (review #8)
    parse = parse_mail if line.startswith("MAIL") else parse_rcpt
    if any(kind in ENFORCED for kind, _ in expected):
        with pytest.raises(ParseError):
            parse(line)
        lenient = parse(line, strict=False)
        assert [d.kind for d in lenient.defects] == [k for k, _ in expected]
    else:
        assert kinds(parse(line)) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("RCPT TO:<a@b> ORCPT=x-foo;a", [("addr-type-unregistered", "RFC 3461 §4.2")]),
        ("RCPT TO:<a@b> ORCPT=rfc822;a+0Db", [("orcpt-not-printable", "RFC 3461 §4.2")]),
        (
            "RCPT TO:<a@b> ORCPT=utf-8;no\\x{E9}mailbox",
            [("utf8-address-not-mailbox", "RFC 6533 §3")],
        ),
        (
            "RCPT TO:<a@b> MTRK=abc",
            [("mail-parameter-on-rcpt", "RFC 3461 §4.3, §4.4, RFC 3885 §3")],
        ),
    ],
)
def test_rcpt_findings(line: str, expected: list[tuple[str, str]]) -> None:
    _strict_agrees(line, expected)
    assert kinds(parse_rcpt(line, strict=False)) == expected


def test_duplicates_and_sizes_in_built_or_lenient_models() -> None:
    cmd = parse_mail("MAIL FROM:<a@b> SIZE=1 size=2", strict=False)
    assert kinds(cmd) == [("duplicate-parameter", "RFC 3461 §4.5")]
    long_envid = MailCommand(reverse_path=None, params=(EnvidParam(envid="e" * 101),))
    assert kinds(long_envid) == [("envid-too-long", "RFC 3461 §4.4, RFC 3885 §3.2")]
    long_orcpt = RcptCommand(
        forward_path="a@b", params=(OrcptParam(addr_type="rfc822", address="o" * 500),)
    )
    assert kinds(long_orcpt) == [("orcpt-too-long", "RFC 3461 §4.2")]
    ext = MailCommand(reverse_path=None, params=(ExtensionParam(keyword="X"),))
    assert check(ext) == ()


def test_severity() -> None:
    (finding,) = check(parse_mail("MAIL FROM:<a@b> ENVID=x@y MTRK=abc"))
    assert finding.severity is Severity.WARNING
    assert finding.keyword == "MTRK"


def test_invalid_parameter_finding() -> None:
    # review #7: an unreadable parameter kept by lenient parsing is an error-level finding
    cmd = parse_mail(f"MAIL FROM:<a@b> ENVID=x+ MTRK={CERT}", strict=False)
    (finding,) = check(cmd)
    assert (finding.kind, finding.keyword, finding.severity) == (
        "invalid-parameter",
        "ENVID",
        Severity.ERROR,
    )
    assert "ENVID: hexchar" in finding.message
    assert "invalid-parameter" in ENFORCED

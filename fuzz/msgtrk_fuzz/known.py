"""Open fuzz findings (``fuzz/FINDINGS.md``) and their reproducers.

Each entry names the finding, the target whose campaign hits it, the
failure signature prefix the campaign groups it under, and a minimal
reproducer.  ``tests/fuzz/test_regressions.py`` runs every reproducer as a strict
xfail whose reason is the finding, so the bug stays visible and the test
turns red the moment it is fixed (then the entry is deleted here).  The
mutation campaigns do not fail on a known open finding, only on new ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["FINDINGS", "FINDINGS_URL", "FIXED", "KNOWN_OPEN", "Known", "is_known"]

FINDINGS_URL = "fuzz/FINDINGS.md"


@dataclass(frozen=True)
class Known:
    """One open finding: id, target, signature prefix, reproducer input."""

    finding: str
    target: str
    signature: str
    data: str | bytes
    # Only inputs this predicate accepts are explained by the finding (default: all).
    applies: Callable[[str | bytes], bool] = field(default=lambda data: True, compare=False)
    fixed: bool = False  # fixed rows stay as plain regression tests

    @property
    def reason(self) -> str:
        return f"open fuzz finding {self.finding} in {FINDINGS_URL}"


def _b(data: str | bytes) -> bytes:
    return data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data


_DECODED = "invariant: bytes input: positions count decoded characters"
_MAIL_DECODED = b"MAIL FROM:<> X=\xc3\xbc\r\nMAIL FROM:<"
_DSN = (
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n--B\n\ntext\n'
    b"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; a.example\n\n"
    b"Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.0.0\n\n--B\n\n--B--\n"
)
_NO_PER_MESSAGE = (
    b'n:\nContent-Type:multipart/report;report-type=delivery-status;boundary="X400-NDN-0130"\n\n'
    b"--X400-NDN-0130\ne:\n--X400-NDN-0130\nContent-Type:message/delivery-status\n--X400-NDN-0130--"
)

_ENCODED = (
    b'Content-Type:multipart/;boundary="ENC-0205"\n--ENC-0205\nContent-Type:message/delivery-status\n'
    b"Content-Transfer-Encoding:base64\nUmVwb3J0aW5nLU1UQTogDQoNCkZ"
)

FINDINGS: tuple[Known, ...] = (
    Known("F1", "esmtp_mail", "TypeError at esmtp/_diagnose.py", "MAIL FROM:<", fixed=True),
    Known("F1", "esmtp_rcpt", "TypeError at esmtp/_diagnose.py", "RCPT TO:<", fixed=True),
    Known(
        "F2",
        "esmtp_mail",
        "UnicodeEncodeError at esmtp/_parse.py",
        "MAIL FROM:<a@b>\ud800",
        fixed=True,
    ),
    Known("F2", "esmtp_rcpt", "UnicodeEncodeError at esmtp/_parse.py", "\ud800", fixed=True),
    Known("F3", "esmtp_mail", _DECODED, _MAIL_DECODED, fixed=True),
    Known(
        "F3",
        "esmtp_rcpt",
        _DECODED,
        b"RCPT TO:<b\xc3\xbccher@example.org> ORCPT=utr@example.org\r\nRCPT TO\xc3\xbc",
        fixed=True,
    ),
    Known(
        "F4",
        "mtqp_response",
        "invariant: serialize(parse(x, strict=False)) != x",
        b"+OK+\r\n.e\r\n.\r\n",
        lambda d: re.search(rb"\n\.(?!\.|\r?\n)", _b(d)) is not None,
        fixed=True,
    ),
    Known(
        "F5",
        "mtqp_response",
        "invariant: serialize() of a lenient model raised SerializeError",
        b"+OK+\r\n" + b"a" * 1000 + b"\r\n.\r\n",
        lambda d: any(len(line) > 998 for line in _b(d).split(b"\n")),
        fixed=True,
    ),
    Known(
        "F6",
        "mtqp_greeting",
        "invariant: serialize() of a strict model raised SerializeError",
        b"-TEMP/MTQP/a" + b"x" * 1000 + b"\r\n",
        lambda d: any(len(line) > 998 for line in _b(d).split(b"\n")),
        fixed=True,
    ),
    Known(
        "F7",
        "mtqp_greeting",
        "invariant: serialize(parse(x, strict=False)) != x",
        b"+OK+/y\r\n\r\n\r\n.\r\n",
        lambda d: re.search(rb"\n(\r?\n|[ \t])", _b(d)) is not None,
        fixed=True,
    ),
    Known(
        "F8",
        "tracking_status",
        _DECODED,
        b"Reporting-MTA: dns; \xc3\xbc\nFinal-Recipient:\n",
        fixed=True,
    ),
    Known(
        "F8",
        "delivery_status",
        _DECODED,
        b"Reporting-MTA: dns; cs.\xc3\xbdtk.edu\nFinal-Recipient:\n",
        fixed=True,
    ),
    Known(
        "F8",
        "tracking_response",
        _DECODED,
        b"--B\nContent-Type: message/tracking-status\n\n\xc3\xbc\n",
        fixed=True,
    ),
    Known(
        "F8",
        "delivery_report",
        _DECODED,
        _DSN.replace(b"a.example", b"\xc3\xbc.example") + b"x:\n",
        fixed=True,
    ),
    Known(
        "F9",
        "delivery_report",
        "UnicodeEncodeError at _report.py",
        b"Content-Type:\xe2\x84\xaa\xfe",
        fixed=True,
    ),
    Known(
        "F10",
        "delivery_report",
        "ValueError at _report.py",
        b'Content-Type: multipart/report; boundary="B"\n\n--B\n'
        b"Content-Type: text/plain; charset=\x00\n\nhi\n--B--\n",
        fixed=True,
    ),
    Known(
        "F11",
        "delivery_report",
        "invariant: ParseError wrong line/column",
        _NO_PER_MESSAGE,
        fixed=True,
    ),
    Known(
        "F20",
        "abnf_grammar",
        "invariant: AbnfError wrong line/column",
        'a=""<>\nb=("")\nb=("")',
        fixed=True,
    ),
    Known(
        "F21",
        "abnf_grammar",
        "RecursionError at abnf/",
        "ss = " + "(" * 200 + '"a"' + ")" * 200,
        fixed=True,
    ),
    Known(
        "F21",
        "abnf_grammar",
        "RecursionError at abnf/",
        "ss = " + "[" * 2000 + '"a"' + "]" * 2000,
        fixed=True,
    ),
    Known(
        "F22",
        "mtqp_response",
        "ValueError at mtqp/_responses.py",
        b"+OK+\r\n\r\r\n.\r\n",
        fixed=True,
    ),
    Known(
        "F23",
        "mtqp_command",
        "invariant: serialize(parse(x, strict=False)) != x",
        b"TRACK a@b QUJD \r\n",
        lambda d: re.search(rb"[ \t]\r?\n", _b(d)) is not None,
        fixed=True,
    ),
    Known(
        "F24",
        "mtqp_uri",
        "ValueError at mtqp/_uri.py",
        "mtqp://[2001:db8::1]:" + "1" * 5000 + "/track/a@b/QUJD",
        fixed=True,
    ),
    Known("F11", "delivery_report", "invariant: defect wrong line/column", _ENCODED, fixed=True),
    Known("F12", "delivery_report", "invariant: strict parse recorded defects", _DSN, fixed=True),
)


KNOWN_OPEN: tuple[Known, ...] = tuple(k for k in FINDINGS if not k.fixed)
FIXED: tuple[Known, ...] = tuple(k for k in FINDINGS if k.fixed)


def is_known(target: str, signature: str, data: str | bytes | None = None) -> Known | None:
    """The open finding that explains ``signature`` on ``target`` (for ``data``), if any."""
    for known in KNOWN_OPEN:
        if (
            known.target == target
            and signature.startswith(known.signature)
            and (data is None or known.applies(data))
        ):
            return known
    return None

"""Seed inputs of the fuzz targets.

Three sources, in this order: a few valid inputs written here (from the
RFC examples, so that every target has seeds even on its own), the RFC
example files of ``tests/data/`` and the DSN corpus
``tests/data/dsn-corpus/`` (matched by each target's globs), and valid
inputs generated from the ABNF by ``msgtrk.abnf.strategy`` when the tests
ask for them (see ``tests/fuzz/test_mutation.py``).
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BUILTIN",
    "DATA_DIR",
    "REPO",
    "data_files",
    "seeds_for",
    "transcript_blocks",
    "transcript_seeds",
    "transcript_stream",
]

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "tests" / "data"

_TS_PER_MESSAGE = (
    "Original-Envelope-Id: 12345-20010101@example.com\r\n"
    "Reporting-MTA: dns; example2.com\r\n"
    "Arrival-Date: Mon, 1 Jan 2001 15:15:15 -0500\r\n"
)
_TRACKING_STATUS = (
    _TS_PER_MESSAGE + "\r\n"
    "Original-Recipient: rfc822; user1@example1.com\r\n"
    "Final-Recipient: rfc822; user1@example1.com\r\n"
    "Action: delayed\r\n"
    "Status: 4.4.1 (No answer from host)\r\n"
    "Remote-MTA: dns; example3.com\r\n"
    "Last-Attempt-Date: Mon, 1 Jan 2001 19:15:03 -0500\r\n"
    "Will-Retry-Until: Thu, 4 Jan 2001 15:15:15 -0500\r\n"
)
_TRACKING_STATUS_2 = (
    _TS_PER_MESSAGE + "\r\n"
    "Original-Recipient: rfc822; user1@example1.com\r\n"
    "Final-Recipient: rfc822; user1@example1.com\r\n"
    "Action: relayed\r\n"
    "Status: 2.1.9\r\n"
    "Remote-MTA: dns; example3.com\r\n"
    "\r\n"
    "Original-Recipient: rfc822; user2@example1.com\r\n"
    "Final-Recipient: rfc822; user2@example1.com\r\n"
    "Action: failed\r\n"
    "Status: 5.2.2 (Mailbox full)\r\n"
)
_DELIVERY_STATUS = (
    "Reporting-MTA: dns; cs.utk.edu\r\n"
    "\r\n"
    "Original-Recipient: rfc822;louisl@larry.slip.umd.edu\r\n"
    "Final-Recipient: rfc822;louisl@larry.slip.umd.edu\r\n"
    "Action: failed\r\n"
    "Status: 4.0.0\r\n"
    "Diagnostic-Code: smtp; 426 connection timed out\r\n"
    "Last-Attempt-Date: Thu, 7 Jul 1994 17:15:49 -0400\r\n"
)
_DELIVERY_STATUS_2 = (
    "Reporting-MTA: dns; cs.utk.edu\n"
    "Received-From-MTA: dns; x.example (x.example [192.0.2.1])\n"
    "X-Vendor-Field: (a (nested) comment) value\n"
    "\n"
    "Original-Recipient: rfc822;arathib@vnet.ibm.com\n"
    "Final-Recipient: rfc822;arathib@vnet.ibm.com\n"
    "Action: failed\n"
    "Status: 5.0.0 (permanent failure)\n"
    "Diagnostic-Code: smtp;  550 'arathib@vnet.IBM.COM' is not a\n"
    " registered gateway user\n"
    "Remote-MTA: dns; vnet.ibm.com\n"
    "\n"
    "Original-Recipient: rfc822;johnh@hpnjld.njd.hp.com\n"
    "Final-Recipient: rfc822;johnh@hpnjld.njd.hp.com\n"
    "Action: delayed\n"
    "Status: 4.0.0 (hpnjld.njd.jp.com: host name lookup failure)\n"
)
_DELIVERY_STATUS_UTF8 = (
    "Reporting-MTA: dns; xn--bcher-kva.example\r\n"
    "\r\n"
    "Original-Recipient: utf-8;b\\x{FC}cher@example.org\r\n"
    "Final-Recipient: utf-8;b\\x{FC}cher@example.org\r\n"
    "Action: delivered\r\n"
    "Status: 2.0.0\r\n"
)
_DSN = (
    "Date: Thu, 7 Jul 1994 17:16:05 -0400\r\n"
    "From: Mail Delivery Subsystem <MAILER-DAEMON@CS.UTK.EDU>\r\n"
    "Message-Id: <199407072116.RAA14128@CS.UTK.EDU>\r\n"
    "Subject: Returned mail: Cannot send message for 5 days\r\n"
    "To: <owner-info-mime@cs.utk.edu>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
    '       boundary="RAA14128.773615765/CS.UTK.EDU"\r\n'
    "\r\n"
    "--RAA14128.773615765/CS.UTK.EDU\r\n"
    "\r\n"
    "The original message was received at Sat, 2 Jul 1994 17:10:28 -0400\r\n"
    "from root@localhost\r\n"
    "\r\n"
    "--RAA14128.773615765/CS.UTK.EDU\r\n"
    "content-type: message/delivery-status\r\n"
    "\r\n" + _DELIVERY_STATUS + "\r\n"
    "--RAA14128.773615765/CS.UTK.EDU\r\n"
    "content-type: message/rfc822\r\n"
    "\r\n"
    "Subject: original\r\n"
    "\r\n"
    "[original message goes here]\r\n"
    "\r\n"
    "--RAA14128.773615765/CS.UTK.EDU--\r\n"
)
_MTSN = (
    'Content-Type: multipart/related; boundary="%%%%"; type="message/tracking-status"\r\n'
    "\r\n"
    "--%%%%\r\n"
    "Content-Type: message/tracking-status\r\n"
    "\r\n" + _TRACKING_STATUS + "\r\n"
    "--%%%%--\r\n"
)


def _stuffed(lines: str) -> str:
    return "".join(
        ("." + line if line.startswith(".") else line) for line in lines.splitlines(True)
    )


_MTQP_RESPONSES = (
    "+OK/MTQP MTQP server ready\r\n",
    "-TEMP/MTQP/admin Service down for admin, call back later\r\n",
    "-ERR/MTQP/unavailable Service down\r\n",
    "-BAD/MTQP/tls-required\r\n",
    "+OK+/MTQP MTQP server ready\r\n.\r\n",
    "+OK+/MTQP MTQP server ready\r\nstarttls\r\n"
    "vnd.com.example.option2 with parameters private to example.com\r\n"
    "vnd.com.example.option3 with a very long\r\n list of parameters\r\n.\r\n",
    "+OK+ Tracking information follows\r\n" + _stuffed(_MTSN) + ".\r\n",
    "+OK+ Tracking information follows\r\n..Dot-Stuffed-Header: as an example\r\n.\r\n",
)

BUILTIN: dict[str, tuple[str, ...]] = {
    "tracking_status": (_TRACKING_STATUS, _TRACKING_STATUS_2, _TS_PER_MESSAGE),
    "delivery_status": (_DELIVERY_STATUS, _DELIVERY_STATUS_2, _DELIVERY_STATUS_UTF8),
    "tracking_response": (_MTSN,),
    "delivery_report": (_DSN,),
    "esmtp_mail": (
        "MAIL FROM:<a@example.com> ENVID=x@y MTRK=R01UlPS9jrccO3CqNXimYp57XpQ:3600\r\n",
        "MAIL FROM:<> RET=HDRS ENVID=QQ314159+2B\r\n",
        'MAIL FROM:<"john smith"@[192.0.2.1]> SIZE=1000 BODY=8BITMIME\r\n',
        "MAIL FROM:<@a.example,@b.example:user@c.example> SMTPUTF8\r\n",
        "MAIL FROM:<Postmaster>\r\n",
    ),
    "esmtp_rcpt": (
        "RCPT TO:<b@example.org> NOTIFY=SUCCESS,FAILURE\r\n",
        "RCPT TO:<b@example.org> NOTIFY=NEVER ORCPT=rfc822;b+40example.org\r\n",
        "RCPT TO:<Postmaster>\r\n",
        "RCPT TO:<bücher@example.org> ORCPT=utf-8;b\\x{FC}cher@example.org\r\n",
    ),
    "esmtp_ehlo": (
        "250-mail.example.com Hello\r\n250-DSN\r\n250-MTRK\r\n250 SIZE 10240000\r\n",
        "250 mail.example.com\r\n",
        "250-mx.example.org greets client.example\n250-8BITMIME\n250-AUTH PLAIN LOGIN\n250 DSN\n",
        "250-a.example\r\n250-X-VENDOR-THING a=b c\r\n250 SMTPUTF8\r\n",
    ),
    "mtqp_command": (
        "TRACK 12345@example.com QUJD\r\n",
        "TRACK 12345-20010101@example.com YWJjZGVmZ2g\r\n",
        "STARTTLS example.com\r\n",
        "QUIT\r\n",
        "COMMENT hello there\r\n",
        "COMMENT\r\n",
    ),
    "mtqp_response": _MTQP_RESPONSES,
    "mtqp_greeting": _MTQP_RESPONSES[:6],
    "mtqp_uri": (
        "mtqp://mtqp.example.com/track/12345@example.com/QUJD",
        "mtqp://[2001:db8::1]:1038/track/a+2Bb@example.com/YWJjZGVmZ2g",
        "MTQP://user@example.com:0/track/x@y/z",
    ),
    "connection": (
        "+OK+/MTQP MTQP server ready\r\nstarttls\r\n.\r\n"
        "+OK+ Tracking information follows\r\n" + _stuffed(_MTSN) + ".\r\n"
        "+OK bye\r\n",
        "TRACK 12345@example.com QUJD\r\nCOMMENT x\r\nSTARTTLS example.com\r\nQUIT\r\n",
        "-ERR/MTQP/unavailable Service down\r\n",
    ),
    "abnf_grammar": (
        'rule = "a" / %x62-63 / 2*3DIGIT / [ other ] ; comment\r\nother = *( "x" rule )\r\n',
        'mtqp-uri = "mtqp://" authority "/track/" unique-envid "/" mtrk-secret\n'
        'authority = 1*ALPHA\nunique-envid = 1*ALPHA "@" 1*ALPHA\nmtrk-secret = 1*ALPHA\n',
        'a = %s"Abc" / %i"def" / %d13.10 / <prose value>\na =/ b\nb = 1*( a / "z" )\n',
        'r = ( ( ( "x" ) ) ) *2r\n',
    ),
}

_TEXT_SUFFIXES = {".txt", ".eml", ".msg", ".abnf", ""}


def transcript_blocks(text: str, side: str) -> list[str]:
    """The wire text of each run of ``side`` ("C" or "S") lines of an RFC 3887 transcript.

    ``S: +OK+ ...`` lines lose their ``S: `` prefix and end in CRLF; a bare
    ``S:`` is an empty line.  Consecutive lines of one side form one block
    (one greeting, or one response; each client line is one command).
    """
    blocks: list[list[str]] = []
    previous = None
    for line in text.splitlines():
        if line[:2] not in ("C:", "S:"):
            previous = None
            continue
        who, rest = line[0], line[2:]
        rest = rest.removeprefix(" ")
        if who != side:
            previous = who
            continue
        if previous != side or side == "C":
            blocks.append([])
        blocks[-1].append(rest + "\r\n")
        previous = who
    return ["".join(block) for block in blocks]


def transcript_stream(text: str, side: str) -> str:
    """Everything ``side`` sends in a transcript, as one wire stream."""
    return "".join(transcript_blocks(text, side))


# Seeds derived from the RFC 3887 transcripts of tests/data (C:/S: lines).
_TRANSCRIPT_SEEDS: dict[str, tuple[str, str, str]] = {
    # target: (glob, side, "blocks" or "stream")
    "mtqp_command": ("rfc3887-*-example??.txt", "C", "blocks"),
    "mtqp_response": ("rfc3887-[48].1-example??.txt", "S", "blocks"),
    "mtqp_greeting": ("rfc3887-3.1-example??.txt", "S", "blocks"),
    "connection": ("rfc3887-*-example??.txt", "S", "stream"),
}


def transcript_seeds(name: str) -> list[str]:
    """Wire seeds of ``name`` cut from the RFC 3887 transcripts."""
    if name not in _TRANSCRIPT_SEEDS:
        return []
    pattern, side, how = _TRANSCRIPT_SEEDS[name]
    out: list[str] = []
    for path in data_files((pattern,)):
        text = path.read_text("utf-8")
        if how == "stream":
            out.append(transcript_stream(text, side))
            out.append(transcript_stream(text, "C"))
        else:
            out.extend(transcript_blocks(text, side))
    return out


def data_files(globs: tuple[str, ...]) -> list[Path]:
    """The files of ``tests/data`` matched by ``globs`` (sorted, so runs repeat)."""
    found: set[Path] = set()
    if DATA_DIR.is_dir():
        for pattern in globs:
            found.update(p for p in DATA_DIR.glob(pattern) if p.is_file())
    return sorted(p for p in found if p.suffix in _TEXT_SUFFIXES or p.suffix == ".eml")


def seeds_for(name: str, globs: tuple[str, ...], kind: str) -> list[str | bytes]:
    """Every seed of target ``name``: the built-in ones, then the data files."""
    out: list[str | bytes] = []
    for text in BUILTIN.get(name, ()):
        out.append(text.encode("utf-8") if kind == "bytes" else text)
    for path in data_files(globs):
        raw = path.read_bytes()[:200_000]
        out.append(raw if kind == "bytes" else raw.decode("utf-8", "replace"))
    for text in transcript_seeds(name):
        out.append(text.encode("utf-8") if kind == "bytes" else text)
    return out

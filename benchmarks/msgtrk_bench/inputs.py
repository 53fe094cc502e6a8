"""Benchmark inputs: realistic wire texts generated from a fixed seed.

Every generator takes an explicit ``seed`` (default :data:`SEED`) and returns
``bytes`` with CRLF line ends, as the texts arrive on the wire.  The shapes
follow what MTAs send (Postfix-style DSNs, RFC 3886 tracking bodies with a
mix of actions), kept within the RFC 3464 / RFC 3886 field order so that a
strict parser must accept them.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

__all__ = [
    "DATA_DIR",
    "SEED",
    "delivery_status_body",
    "dsn_message",
    "fold",
    "mail_line",
    "mtqp_pipelined_session",
    "mtqp_track_answer",
    "mtsn_message",
    "rcpt_line",
    "rfc_examples",
    "tracking_status_body",
]

SEED = 20261128
REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "tests" / "data"

_FIRST = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
_LAST = ["smith", "jones", "nguyen", "garcia", "muller", "rossi", "kowalski", "tanaka"]
_DOMAINS = [
    "example.com",
    "example.net",
    "example.org",
    "mail.example.com",
    "corp.example.net",
    "lists.example.org",
]
_MTAS = [
    "mx1.example.net",
    "mx2.example.net",
    "smtp.example.org",
    "mail.example.com",
    "relay3.corp.example.net",
    "mx-in-07.lists.example.org",
]
_BASE = datetime(2026, 11, 28, 14, 3, 12, tzinfo=UTC)
_ZONES = [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=1))]

# (action, status, diagnostic) for RFC 3464 bodies; status class matches action.
_DSN_OUTCOMES = [
    (
        "failed",
        "5.1.1",
        "smtp; 550 5.1.1 <{addr}>: Recipient address rejected: User unknown in "
        "virtual mailbox table",
    ),
    (
        "failed",
        "5.2.2",
        "smtp; 552-5.2.2 The email account that you tried to reach is over quota and "
        "inactive. Please direct the recipient to https://support.example.com/mail/?p=422 "
        "x12si3456789qkb.123 - gsmtp",
    ),
    (
        "delayed",
        "4.4.1",
        "smtp; 421 4.4.1 Connection timed out while talking to {mta}; will keep trying "
        "for five days",
    ),
    ("delivered", "2.0.0", "smtp; 250 2.0.0 OK 1764338595 x12si3456789qkb.123 - gsmtp"),
    ("relayed", "2.0.0", "smtp; 250 2.0.0 Ok: queued as 4F3A21C0D2"),
    ("expanded", "2.0.0", "smtp; 250 2.1.5 Ok, expanded to 12 list members"),
]

_REPLY = {"2": "250", "4": "451", "5": "550"}

# (action, status) for RFC 3886 bodies (RFC 3886 §3.3.3 actions; 2.1.9 only with relayed).
_MTSN_OUTCOMES = [
    ("delivered", "2.0.0"),
    ("delivered", "2.0.0"),
    ("transferred", "2.0.0"),
    ("relayed", "2.1.9"),
    ("delayed", "4.4.1"),
    ("failed", "5.1.1"),
    ("expanded", "2.0.0"),
]


def fold(name: str, value: str, width: int = 76) -> str:
    """``name: value`` folded at white space (RFC 5322 §2.2.3), CRLF-terminated."""
    line = f"{name}: "
    out: list[str] = []
    for word in value.split(" "):
        if len(line) + len(word) > width and line.strip():
            out.append(line.rstrip(" "))
            line = " "
        line += word + " "
    out.append(line.rstrip(" "))
    return "\r\n".join(out) + "\r\n"


def _date(rng: random.Random, later: int = 0) -> str:
    when = _BASE + timedelta(seconds=later + rng.randrange(0, 3600))
    return format_datetime(when.astimezone(rng.choice(_ZONES)))


def _address(rng: random.Random) -> str:
    sep = rng.choice([".", "_", "-", ""])
    return (
        f"{rng.choice(_FIRST)}{sep}{rng.choice(_LAST)}{rng.randrange(100)}@{rng.choice(_DOMAINS)}"
    )


def _queue_id(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789ABCDEF") for _ in range(10))


def tracking_status_body(
    recipients: int, *, seed: int = SEED, extra_field_chars: int = 0, reporting_mta: str = ""
) -> bytes:
    """A ``message/tracking-status`` body (RFC 3886 §3) with ``recipients`` groups.

    Each group has Original-Recipient, Final-Recipient, Action, Status, and
    (when a delivery attempt was made) Remote-MTA, Last-Attempt-Date,
    Will-Retry-Until for delayed messages, and one or two X- extension fields,
    one of them folded.  ``extra_field_chars`` adds to the per-message fields an
    X- field of about that many characters, folded at 76 columns (the
    folded-field scaling input).
    """
    rng = random.Random(seed + recipients)
    mta = reporting_mta or rng.choice(_MTAS)
    lines = [
        f"Original-Envelope-Id: {_queue_id(rng).lower()}-{rng.randrange(10**6)}@{mta}\r\n",
        f"Reporting-MTA: dns; {mta}\r\n",
        f"Arrival-Date: {_date(rng)}\r\n",
        f"X-Queue-ID: {_queue_id(rng)}\r\n",
    ]
    if extra_field_chars:
        words_rng = random.Random(seed)  # its own stream: the rest of the body stays the same
        words: list[str] = []
        size = 0
        while size < extra_field_chars:
            word = "".join(
                words_rng.choice("abcdefghijklmnopqrstuvwxyz")
                for _ in range(words_rng.randrange(2, 9))
            )
            words.append(word)
            size += len(word) + 1
        lines.append(fold("X-Trace", " ".join(words)[:extra_field_chars].rstrip(" ")))
    for _ in range(recipients):
        action, status = rng.choice(_MTSN_OUTCOMES)
        original = _address(rng)
        final = original if rng.random() < 0.7 else _address(rng)
        group = [
            "\r\n",
            f"Original-Recipient: rfc822; {original}\r\n",
            f"Final-Recipient: rfc822; {final}\r\n",
            f"Action: {action}\r\n",
            f"Status: {status}\r\n",
        ]
        remote = mta
        if action != "expanded" or rng.random() < 0.5:
            remote = rng.choice(_MTAS)
            group.append(f"Remote-MTA: dns; {remote}\r\n")
            group.append(f"Last-Attempt-Date: {_date(rng, 3600)}\r\n")
            if action == "delayed":
                group.append(f"Will-Retry-Until: {_date(rng, 5 * 86400)}\r\n")
        group.append(f"X-Queue-ID: {_queue_id(rng)}\r\n")
        if rng.random() < 0.5:
            group.append(
                fold(
                    "X-Delivery-Detail",
                    f"{remote} said: {_REPLY[status[0]]} {status} queued as "
                    f"{_queue_id(rng)} (delay=0.{rng.randrange(10, 99)}, "
                    f"delays=0.01/0/0.02/0.{rng.randrange(10, 99)}, dsn={status})",
                )
            )
        lines.extend(group)
    return "".join(lines).encode("ascii")


def delivery_status_body(recipients: int, *, seed: int = SEED) -> bytes:
    """A ``message/delivery-status`` body (RFC 3464 §2) as Postfix-like MTAs write it.

    Per-message: Original-Envelope-Id, Reporting-MTA, Received-From-MTA,
    Arrival-Date, two X- fields.  Per recipient: Original-Recipient (most),
    Final-Recipient, Action, Status, Remote-MTA, a Diagnostic-Code folded over
    two or three lines, Last-Attempt-Date, Final-Log-ID (some),
    Will-Retry-Until (delayed), an X- field.
    """
    rng = random.Random(seed * 7 + recipients)
    mta = rng.choice(_MTAS)
    lines = [
        f"Original-Envelope-Id: {_queue_id(rng)}.{rng.randrange(10**9)}@{mta}\r\n",
        f"Reporting-MTA: dns; {mta}\r\n",
        f"Received-From-MTA: dns; client-{rng.randrange(255)}.{rng.choice(_DOMAINS)}\r\n",
        f"Arrival-Date: {_date(rng)}\r\n",
        f"X-Postfix-Queue-ID: {_queue_id(rng)}\r\n",
        f"X-Postfix-Sender: rfc822; {_address(rng)}\r\n",
    ]
    for _ in range(recipients):
        action, status, diagnostic = rng.choice(_DSN_OUTCOMES)
        addr = _address(rng)
        remote = rng.choice(_MTAS)
        group = ["\r\n"]
        if rng.random() < 0.8:
            group.append(f"Original-Recipient: rfc822;{addr}\r\n")
        group += [
            f"Final-Recipient: rfc822; {addr}\r\n",
            f"Action: {action}\r\n",
            f"Status: {status}\r\n",
            f"Remote-MTA: dns; {remote}\r\n",
            fold("Diagnostic-Code", diagnostic.format(addr=addr, mta=remote)),
            f"Last-Attempt-Date: {_date(rng, 3600)}\r\n",
        ]
        if rng.random() < 0.3:
            group.append(f"Final-Log-ID: {_queue_id(rng)}@{mta}\r\n")
        if action == "delayed":
            group.append(f"Will-Retry-Until: {_date(rng, 5 * 86400)}\r\n")
        group.append(f"X-Postfix-Recipient-Detail: {rng.choice(['local', 'virtual', 'smtp'])}\r\n")
        lines.extend(group)
    return "".join(lines).encode("ascii")


def dsn_message(recipients: int, *, seed: int = SEED) -> bytes:
    """A whole DSN: ``multipart/report; report-type=delivery-status`` (RFC 6522).

    Postfix-shaped: top-level headers, a text/plain notification, the
    message/delivery-status part and a text/rfc822-headers part.
    """
    rng = random.Random(seed * 11 + recipients)
    body = delivery_status_body(recipients, seed=seed).decode("ascii")
    mta = body.split("Reporting-MTA: dns; ", 1)[1].split("\r\n", 1)[0]
    sender = _address(rng)
    qid = _queue_id(rng)
    boundary = f"{qid}.{rng.randrange(10**9)}/{mta}"
    date = _date(rng)
    headers = (
        f"Return-Path: <>\r\n"
        f"Received: by {mta} (Postfix)\r\n\tid {qid}; {date}\r\n"
        f"Date: {date}\r\n"
        f"From: MAILER-DAEMON@{mta} (Mail Delivery System)\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\n"
        f"To: {sender}\r\n"
        f"Auto-Submitted: auto-replied\r\n"
        f"MIME-Version: 1.0\r\n"
        f"Content-Type: multipart/report; report-type=delivery-status;\r\n"
        f'\tboundary="{boundary}"\r\n'
        f"Content-Transfer-Encoding: 7bit\r\n"
        f"Message-Id: <{rng.randrange(10**9)}.{qid}@{mta}>\r\n"
        f"\r\n"
        f"This is a MIME-encapsulated message.\r\n"
        f"\r\n"
    )
    notice = (
        f"--{boundary}\r\n"
        f"Content-Description: Notification\r\n"
        f"Content-Type: text/plain; charset=us-ascii\r\n"
        f"\r\n"
        f"This is the mail system at host {mta}.\r\n"
        f"\r\n"
        f"I'm sorry to have to inform you that your message could not\r\n"
        f"be delivered to one or more recipients. It's attached below.\r\n"
        f"\r\n"
        f"For further assistance, please send mail to postmaster.\r\n"
        f"\r\n"
        f"                   The mail system\r\n"
        f"\r\n"
    )
    report = (
        f"--{boundary}\r\n"
        f"Content-Description: Delivery report\r\n"
        f"Content-Type: message/delivery-status\r\n"
        f"\r\n"
        f"{body}\r\n"
    )
    returned = (
        f"--{boundary}\r\n"
        f"Content-Description: Undelivered Message Headers\r\n"
        f"Content-Type: text/rfc822-headers\r\n"
        f"\r\n"
        f"Return-Path: <{sender}>\r\n"
        f"Received: from client.{rng.choice(_DOMAINS)}"
        f" (client [192.0.2.{rng.randrange(1, 255)}])\r\n"
        f"\tby {mta} (Postfix) with ESMTPS id {qid}\r\n\tfor <{_address(rng)}>; {date}\r\n"
        f"Date: {date}\r\n"
        f"From: {sender}\r\n"
        f"To: {_address(rng)}\r\n"
        f"Subject: Quarterly report\r\n"
        f"Message-ID: <{rng.randrange(10**12)}@{sender.split('@')[1]}>\r\n"
        f"MIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n"
        f"\r\n"
        f"--{boundary}--\r\n"
    )
    return (headers + notice + report + returned).encode("ascii")


def mtsn_message(recipients: int, *, parts: int = 2, seed: int = SEED) -> bytes:
    """A whole MTSN: ``multipart/related; type="message/tracking-status"`` (RFC 3886 §3).

    ``parts`` tracking-status parts (a chained answer, RFC 3888), the
    recipients spread over them; the MIME entity as carried in an MTQP
    ``+OK+`` answer (headers, blank line, body).
    """
    boundary = f"mtsn-{random.Random(seed).randrange(10**9)}"
    out = [
        f'Content-Type: multipart/related; boundary="{boundary}";\r\n'
        f' type="message/tracking-status"\r\n'
        "\r\n"
    ]
    per_part = [recipients // parts + (1 if i < recipients % parts else 0) for i in range(parts)]
    for i, count in enumerate(per_part):
        body = tracking_status_body(
            max(count, 1), seed=seed + 1000 * i, reporting_mta=_MTAS[i % len(_MTAS)]
        )
        out.append(
            f"--{boundary}\r\nContent-Type: message/tracking-status\r\n\r\n"
            + body.decode("ascii")
            + "\r\n"
        )
    out.append(f"--{boundary}--\r\n")
    return "".join(out).encode("ascii")


def mtqp_track_answer(recipients: int, *, seed: int = SEED) -> bytes:
    """An MTQP ``+OK+`` multi-line TRACK answer (RFC 3887 §4, §2.3): dot-stuffed, ``.`` end."""
    mime = mtsn_message(recipients, parts=1, seed=seed).decode("ascii")
    lines = mime.split("\r\n")[:-1]
    stuffed = ["." + line if line.startswith(".") else line for line in lines]
    return ("+OK+ Tracking information follows\r\n" + "\r\n".join(stuffed) + "\r\n.\r\n").encode(
        "ascii"
    )


def mtqp_pipelined_session(commands: int = 10) -> tuple[bytes, bytes]:
    """(client bytes, server bytes) of an MTQP session with ``commands`` pipelined TRACKs.

    The server side: the greeting (RFC 3887 §3), then one answer per TRACK in
    order (RFC 3887 §8): alternating a multi-line ``+OK+`` answer and
    ``-ERR/noinfo``, then ``+OK`` for QUIT.
    """
    client = []
    server = [b"+OK/MTQP mtqp.example.net MTQP server ready\r\n"]
    for i in range(commands):
        client.append(
            f"TRACK {i:05d}-20261128@mail.example.com YWJjZGVmZ2hpamtsbW5vcA\r\n".encode()
        )
        if i % 2 == 0:
            server.append(mtqp_track_answer(2, seed=SEED + i))
        else:
            server.append(b"-ERR/noinfo No tracking information for that envelope\r\n")
    client.append(b"QUIT\r\n")
    server.append(b"+OK Goodbye\r\n")
    return b"".join(client), b"".join(server)


def mail_line(seed: int = SEED) -> str:
    """A MAIL command line with MTRK (RFC 3885), ENVID, RET (RFC 3461), SIZE and BODY."""
    rng = random.Random(seed)
    sender = _address(rng)
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    certifier = "".join(rng.choice(b64) for _ in range(27))
    envid = f"{_queue_id(rng)}-{rng.randrange(10**6)}@{sender.split('@')[1]}"
    return (
        f"MAIL FROM:<{sender}> SIZE={rng.randrange(1000, 10**7)} BODY=8BITMIME "
        f"ENVID={envid} RET=HDRS MTRK={certifier}:3600"
    )


def rcpt_line(seed: int = SEED) -> str:
    """A RCPT command line with NOTIFY and ORCPT (RFC 3461 §4.1, §4.2), ORCPT xtext-encoded."""
    rng = random.Random(seed + 1)
    rcpt = _address(rng)
    local, domain = rcpt.split("@")
    return f"RCPT TO:<{rcpt}> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;{local}+2Blist@{domain}"


def rfc_examples(pattern: str) -> list[tuple[str, bytes]]:
    """``(file name, bytes)`` of the files ``tests/data/<pattern>`` (a glob), sorted."""
    if not DATA_DIR.is_dir():
        return []
    return [(p.name, p.read_bytes()) for p in sorted(DATA_DIR.glob(pattern)) if p.is_file()]

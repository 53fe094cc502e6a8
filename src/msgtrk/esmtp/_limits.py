"""Size limits of MAIL and RCPT command lines and of their parameters.

RFC 5321 §4.5.3.1.4 (512 octets, command word and CRLF included), extended
by RFC 3461 §5.4 and RFC 3885 §2 (5), and by every other extension whose
parameters a MAIL line may carry (RFC 3461 §5.4, last paragraph).
"""

from __future__ import annotations

__all__ = [
    "COMMAND_LINE_MAX",
    "DOMAIN_MAX",
    "ENVID_EXTRA",
    "ENVID_MAX",
    "LOCAL_PART_MAX",
    "MAIL_LINE_DSN_MTRK",
    "MAIL_LINE_MAX",
    "MTRK_EXTRA",
    "ORCPT_MAX",
    "PATH_MAX",
    "RCPT_LINE_MAX",
    "RET_EXTRA",
]

COMMAND_LINE_MAX = 512
"""RFC 5321 §4.5.3.1.4."""

MTRK_EXTRA = 40
"""RFC 3885 §2 (5): MAIL grows by 40 characters for MTRK (the longest MTRK
parameter, SP + "MTRK=" + 27 + ":" + 9 digits, is 43: a defect of the RFC;
the 40 fits a timeout of up to 6 digits)."""

ENVID_EXTRA = 107
"""RFC 3885 §2 (5), from RFC 3461 §4.4: SP + "ENVID=" + 100."""

RET_EXTRA = 9
"""RFC 3461 §5.4 (d): RET parameter of 8 characters, plus SP."""

MAIL_LINE_DSN_MTRK = COMMAND_LINE_MAX + ENVID_EXTRA + RET_EXTRA + MTRK_EXTRA
"""668 octets: the MAIL line a DSN + MTRK server must accept at least."""

MAIL_LINE_MAX = 4096
"""The default MAIL line limit (octets, CRLF included).

RFC 3461 §5.4: an MTA "MUST be able to accept a command-line large enough
for each SMTP command and any combination of ESMTP parameters which may be
used with that command".  Beyond DSN and MTRK (668) a MAIL line carries
AUTH= (+500, RFC 4954), SIZE (+26, RFC 1870), SMTPUTF8 (+10, RFC 6531),
BODY, BY, MT-PRIORITY, HOLDFOR, REQUIRETLS...: about 1300 octets
for the registered ones, so a round 4096 (a common MTA bound) leaves room
for later extensions and still bounds the work per line (issue 7)."""

RCPT_LINE_MAX = COMMAND_LINE_MAX + 530
"""1042 octets: RFC 3461 §5.4 adds 530 for ORCPT and NOTIFY (the RFC's own
total, "1036", is a miscount of 512 + 530)."""

ENVID_MAX = 100
"""RFC 3461 §4.4 and §5.4 (a); RFC 3885 §3.2: the ENVID esmtp-value, encoded."""

ORCPT_MAX = 500
"""RFC 3461 §4.2 and §5.4 (c): the ORCPT esmtp-value, encoded."""

LOCAL_PART_MAX = 64
"""RFC 5321 §4.5.3.1.1 (octets)."""

DOMAIN_MAX = 255
"""RFC 5321 §4.5.3.1.2 (octets)."""

PATH_MAX = 256
"""RFC 5321 §4.5.3.1.3 (octets, punctuation included)."""

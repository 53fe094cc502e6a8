"""ESMTP: the MTRK extension (RFC 3885) and the DSN parameters (RFC 3461, RFC 6533).

Read and write MAIL / RCPT command lines and EHLO replies, make and check
tracking secrets, and apply the relay rules::

    cmd = msgtrk.esmtp.parse_mail("MAIL FROM:<a@example.com> ENVID=x@y MTRK=...:3600")
    cmd.mtrk.timeout, cmd.envid
    line = msgtrk.esmtp.serialize(cmd)          # the exact original
    secret, certifier = msgtrk.esmtp.new_mtrk_secret()
"""

from __future__ import annotations

from msgtrk.esmtp._checks import ENFORCED, Finding, Severity, check
from msgtrk.esmtp._ehlo import EhloLine, EhloReply, parse_ehlo, serialize_ehlo
from msgtrk.esmtp._limits import (
    ENVID_MAX,
    MAIL_LINE_DSN_MTRK,
    MAIL_LINE_MAX,
    MTRK_EXTRA,
    ORCPT_MAX,
    RCPT_LINE_MAX,
)
from msgtrk.esmtp._models import (
    EnvidParam,
    ExtensionParam,
    InvalidParam,
    Mailbox,
    MailCommand,
    MailParam,
    MtrkParam,
    Notify,
    NotifyParam,
    OrcptParam,
    RcptCommand,
    RcptParam,
    Ret,
    RetParam,
)
from msgtrk.esmtp._parse import Line, parse_mail, parse_mailbox, parse_rcpt
from msgtrk.esmtp._relay import decrement_timeout, relay_mail, relay_rcpt
from msgtrk.esmtp._secret import (
    MtrkSecretError,
    mtrk_certifier,
    new_mtrk_secret,
    new_unique_envid,
    verify_mtrk_secret,
)
from msgtrk.esmtp._serialize import format_param, format_params, serialize
from msgtrk.esmtp._xtext import unitext_decode, unitext_encode, xtext_decode, xtext_encode

__all__ = [
    "ENFORCED",
    "ENVID_MAX",
    "MAIL_LINE_DSN_MTRK",
    "MAIL_LINE_MAX",
    "MTRK_EXTRA",
    "ORCPT_MAX",
    "RCPT_LINE_MAX",
    "EhloLine",
    "EhloReply",
    "EnvidParam",
    "ExtensionParam",
    "Finding",
    "InvalidParam",
    "Line",
    "MailCommand",
    "MailParam",
    "Mailbox",
    "MtrkParam",
    "MtrkSecretError",
    "Notify",
    "NotifyParam",
    "OrcptParam",
    "RcptCommand",
    "RcptParam",
    "Ret",
    "RetParam",
    "Severity",
    "check",
    "decrement_timeout",
    "format_param",
    "format_params",
    "mtrk_certifier",
    "new_mtrk_secret",
    "new_unique_envid",
    "parse_ehlo",
    "parse_mail",
    "parse_mailbox",
    "parse_rcpt",
    "relay_mail",
    "relay_rcpt",
    "serialize",
    "serialize_ehlo",
    "unitext_decode",
    "unitext_encode",
    "verify_mtrk_secret",
    "xtext_decode",
    "xtext_encode",
]

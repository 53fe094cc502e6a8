"""Writing MAIL and RCPT command lines (RFC 5321 §4.1.1.2, §4.1.1.3, §4.1.2).

A parsed command is written back exactly as it was received; a built one in
canonical form (upper-case keywords, minimum quoting, xtext only where
required), and a parameter that keeps its ``source`` is written verbatim
(RFC 3461 §5.2.1: relayed values keep the same esmtp-value).
"""

from __future__ import annotations

from typing import Any

from msgtrk._errors import SerializeError
from msgtrk.esmtp._checks import refuse
from msgtrk.esmtp._limits import ENVID_MAX, MAIL_LINE_MAX, ORCPT_MAX, RCPT_LINE_MAX
from msgtrk.esmtp._models import (
    MAIL_TYPED,
    RCPT_TYPED,
    EnvidParam,
    ExtensionParam,
    InvalidParam,
    Mailbox,
    MailCommand,
    OrcptParam,
    RcptCommand,
    check_unique,
)

__all__ = ["format_param", "format_params", "serialize"]

_DEFAULT = object()


def format_param(param: Any) -> str:
    """One esmtp-param as written on the wire (RFC 5321 §4.1.2)."""
    if param.source is not None:
        return str(param.source)
    if isinstance(param, InvalidParam):
        raise SerializeError(f"{param.keyword}: an InvalidParam is written only as it was received")
    if isinstance(param, ExtensionParam):
        return param.keyword if param.value is None else f"{param.keyword}={param.value}"
    value = param.value
    if isinstance(param, EnvidParam) and len(value) > ENVID_MAX:
        raise SerializeError(f"ENVID longer than {ENVID_MAX} characters (RFC 3461 §4.4)")
    if isinstance(param, OrcptParam) and len(value) > ORCPT_MAX:
        raise SerializeError(f"ORCPT longer than {ORCPT_MAX} characters (RFC 3461 §4.2)")
    return f"{param.keyword}={value}"


def format_params(cmd: MailCommand | RcptCommand) -> list[str]:
    """The parameters as strings, e.g. for ``smtplib``'s ``mail_options``/``rcpt_options``."""
    check_unique(cmd.params, MAIL_TYPED if isinstance(cmd, MailCommand) else RCPT_TYPED)
    return [format_param(p) for p in cmd.params]


def _path(mailbox: Mailbox | None) -> str:
    return "<>" if mailbox is None else f"<{mailbox}>"


def serialize(cmd: MailCommand | RcptCommand, *, line_limit: int | object | None = _DEFAULT) -> str:
    """The command line, CRLF included: the original text if parsed, else canonical.

    Raises :class:`msgtrk.SerializeError` for a repeated parameter, for a
    model that strict parsing would refuse (:data:`msgtrk.esmtp._checks.ENFORCED`:
    e.g. MTRK without ENVID, a non-printable ENVID) or a line longer than
    ``line_limit`` (default: the limits of
    :mod:`msgtrk.esmtp._limits`, RFC 5321 §4.5.3.1.4 as extended by RFC 3461
    §5.4 and RFC 3885 §2).
    """
    if cmd.source is not None:
        return cmd.source
    if isinstance(cmd, MailCommand):
        head = "MAIL FROM:" + _path(cmd.reverse_path)
        default = MAIL_LINE_MAX
    elif isinstance(cmd, RcptCommand):
        head = "RCPT TO:" + _path(cmd.forward_path)
        default = RCPT_LINE_MAX
    else:
        raise SerializeError(f"not a MAIL or RCPT command: {cmd!r}")
    params = format_params(cmd)
    refuse(cmd)
    line = " ".join([head, *params]) + "\r\n"
    limit = default if line_limit is _DEFAULT else line_limit
    if isinstance(limit, int):
        size = len(line) if line.isascii() else len(line.encode("utf-8"))
        if size > limit:
            raise SerializeError(
                f"command line of {size} octets exceeds {limit} (RFC 5321 §4.5.3.1.4, "
                "RFC 3461 §5.4, RFC 3885 §2)"
            )
    return line

"""aiosmtpd integration: an SMTP server that speaks DSN (RFC 3461) and MTRK (RFC 3885).

Install with the ``msgtrk[aiosmtpd]`` extra.  aiosmtpd 1.4 upper-cases the
whole MAIL/RCPT parameter string (corrupting base64 certifiers and ORCPT
addresses), refuses keywords containing "-" and answers 555 to any parameter
but SIZE, BODY and SMTPUTF8.  :class:`TrackingSMTP` replaces its MAIL and
RCPT handling with :mod:`msgtrk.esmtp`:

- EHLO also advertises ``DSN`` and ``MTRK`` (RFC 3461 §3, RFC 3885 §2);
- the command-line limits grow as RFC 3461 §5.4 and RFC 3885 §2 (5) say;
- MAIL and RCPT are parsed by :func:`~msgtrk.esmtp.parse_mail` /
  :func:`~msgtrk.esmtp.parse_rcpt`; a bad parameter gets ``501 5.5.4`` naming
  it (RFC 3461 §5.1), a bad address ``501 5.1.7`` / ``501 5.1.3``, an
  unsupported parameter ``555 5.5.4`` (RFC 5321 §4.1.1.11);
- the models reach the handler on the envelope: ``envelope.mail_command``
  (set before ``handle_MAIL`` runs) and ``envelope.rcpt_commands`` (the
  current RCPT is appended before ``handle_RCPT`` runs, and removed again if
  the hook answers other than 2xx).  The hooks keep aiosmtpd's signature;
  their ``options`` list holds the parameters exactly as received.

Usage::

    from aiosmtpd.controller import Controller
    from msgtrk.esmtp.aiosmtpd import TrackingSMTP

    class MyController(Controller):
        def factory(self):
            return TrackingSMTP(self.handler, **self.SMTP_kwargs)
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
from typing import Any

try:
    from aiosmtpd.smtp import MISSING, SMTP, Envelope, syntax
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "msgtrk.esmtp.aiosmtpd needs aiosmtpd: pip install 'msgtrk[aiosmtpd]'"
    ) from exc

from msgtrk._errors import ParseError
from msgtrk.esmtp._ehlo import parse_ehlo, serialize_ehlo
from msgtrk.esmtp._limits import MAIL_LINE_MAX, RCPT_LINE_MAX
from msgtrk.esmtp._models import ExtensionParam, InvalidParam, MailCommand, RcptCommand
from msgtrk.esmtp._parse import parse_mail, parse_rcpt
from msgtrk.esmtp._serialize import format_param

__all__ = ["TrackingEnvelope", "TrackingSMTP", "error_reply"]

_PATH_RULES = frozenset(
    {
        "Reverse-path",
        "Forward-path",
        "Path",
        "A-d-l",
        "Mailbox",
        "Local-part",
        "Dot-string",
        "Quoted-string",
        "qtextSMTP",
        "quoted-pairSMTP",
        "Domain",
        "address-literal",
    }
)


class TrackingEnvelope(Envelope):
    """An aiosmtpd envelope that also carries the parsed msgtrk models."""

    def __init__(self) -> None:
        super().__init__()
        self.mail_command: MailCommand | None = None
        self.rcpt_commands: list[RcptCommand] = []


def _param_at(line: str, offset: int) -> str:
    start = line.rfind(" ", 0, offset + 1) + 1
    stop = line.find(" ", offset)
    token = line[start : stop if stop >= 0 else len(line)]
    return token.partition("=")[0].upper()


def error_reply(line: str, error: ParseError, verb: str) -> str:
    """The SMTP reply for a MAIL/RCPT line that failed to parse.

    A bad address: ``501 5.1.7`` (sender) or ``501 5.1.3`` (recipient)
    (RFC 3463 §3.2); a bad or repeated parameter: ``501 5.5.4`` naming the
    parameter (RFC 3461 §5.1); anything else ``501 5.5.2``.
    """
    detail = f"{error.message} (column {error.column}, rule {error.rule})"
    rule = error.rule or ""
    if rule in _PATH_RULES:
        code = "5.1.7" if verb == "MAIL" else "5.1.3"
        who = "sender" if verb == "MAIL" else "recipient"
        return f"501 {code} Bad {who} address syntax: {detail}"
    if rule in {"mail", "rcpt"} and error.offset < 10:
        return f"501 5.5.2 Syntax error: {detail}"
    if rule == "envid-parameter" and "requires" in error.message:
        return f"501 5.5.4 MTRK parameter requires ENVID: {detail}"
    keyword = _param_at(line, error.offset)
    return f"501 5.5.4 Bad {keyword} parameter: {detail}"


def _invalid_reply(param: InvalidParam) -> str:
    """501 for a parameter lenient parsing could not read (kept as an InvalidParam)."""
    detail = param.defect.message if param.defect is not None else "cannot be read"
    return f"501 5.5.4 Bad {param.keyword.upper() or 'empty'} parameter: {detail}"


class TrackingSMTP(SMTP):
    """An aiosmtpd ``SMTP`` that advertises DSN and MTRK and parses MAIL/RCPT with msgtrk.

    ``mail_params`` / ``rcpt_params``: extra parameter keywords the handler
    supports (beyond ENVID, RET, MTRK, NOTIFY, ORCPT, SIZE, BODY, SMTPUTF8);
    any other parameter is answered with 555.  ``strict=False`` parses
    leniently (e.g. ``MAIL FROM: <a@b>``).
    """

    # MAIL and RCPT lines up to their limits must fit (RFC 3461 §5.4); the
    # reader's line limit is shared with DATA, which then accepts lines that long too.
    line_length_limit = max(MAIL_LINE_MAX, RCPT_LINE_MAX)

    def __init__(
        self,
        handler: Any,
        *,
        advertise: Iterable[str] = ("DSN", "MTRK"),
        mail_params: Iterable[str] = (),
        rcpt_params: Iterable[str] = (),
        strict: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(handler, **kwargs)
        # aiosmtpd keeps these limits in a class-level dict; keep ours per instance.
        self.command_size_limits = collections.defaultdict(lambda: SMTP.command_size_limit)
        self.advertise = tuple(advertise)
        self.strict = strict
        self.mail_params = frozenset(
            {"MTRK", "ENVID", "RET", "SIZE", "BODY", "SMTPUTF8"} | {p.upper() for p in mail_params}
        )
        self.rcpt_params = frozenset({"NOTIFY", "ORCPT"} | {p.upper() for p in rcpt_params})

    def _create_envelope(self) -> TrackingEnvelope:
        return TrackingEnvelope()

    async def smtp_EHLO(self, hostname: str) -> None:  # noqa: N802
        """EHLO as aiosmtpd answers it, plus DSN and MTRK (RFC 3461 §3, RFC 3885 §2)."""
        pushed: list[str] = []

        async def collect(status: str) -> None:
            pushed.append(status)

        # aiosmtpd pushes each EHLO line itself: collect them, then answer once
        setattr(self, "push", collect)  # noqa: B010
        try:
            await super().smtp_EHLO(hostname)
        finally:
            delattr(self, "push")
        if pushed and pushed[0].startswith("250") and len(pushed[0]) > 3:
            reply = parse_ehlo("".join(line + "\r\n" for line in pushed), strict=False)
            reply = reply.with_extensions(*self.advertise)
            pushed = serialize_ehlo(reply).split("\r\n")[:-1]
            self.command_size_limits["MAIL"] = MAIL_LINE_MAX
            self.command_size_limits["RCPT"] = RCPT_LINE_MAX
        for line in pushed:
            await self.push(line)

    async def _check_extensions(self, cmd: MailCommand) -> str | None:
        for p in cmd.params:
            if isinstance(p, InvalidParam):
                return _invalid_reply(p)
            if not isinstance(p, ExtensionParam):
                continue
            key = p.keyword.upper()
            if key not in self.mail_params:
                return f"555 5.5.4 {key} parameter not recognized or not implemented"
            if key == "BODY" and (p.value or "").upper() not in {"7BIT", "8BITMIME"}:
                return "501 5.5.4 BODY can only be one of 7BIT, 8BITMIME"
            if key == "SMTPUTF8":
                if p.value is not None:
                    return "501 5.5.4 SMTPUTF8 takes no arguments"
                if not self.enable_SMTPUTF8:
                    return "501 5.5.4 SMTPUTF8 disabled"
            if key == "SIZE":
                if p.value is None or not p.value.isdigit():
                    return "501 5.5.4 Bad SIZE parameter"
                if self.data_size_limit and int(p.value) > self.data_size_limit:
                    return "552 5.3.4 Error: message size exceeds fixed maximum message size"
        return None

    @syntax("MAIL FROM: <address>", extended=" [SP <mail-parameters>]")
    async def smtp_MAIL(self, arg: str | None) -> None:  # noqa: N802
        """MAIL with DSN and MTRK parameters (RFC 5321 §4.1.1.2, RFC 3461, RFC 3885)."""
        if await self.check_helo_needed():
            return
        if await self.check_auth_needed("MAIL"):
            return
        assert self.session is not None
        assert isinstance(self.envelope, TrackingEnvelope)
        syntaxerr = "501 Syntax: MAIL FROM: <address>"
        if self.session.extended_smtp:
            syntaxerr += " [SP <mail-parameters>]"
        if arg is None:
            await self.push(syntaxerr)
            return
        if self.envelope.mail_command is not None:
            await self.push("503 5.5.1 Error: nested MAIL command")
            return
        line = "MAIL " + arg
        try:
            cmd = parse_mail(line, strict=self.strict, line_limit=None)
        except ParseError as exc:
            await self.push(error_reply(line, exc, "MAIL"))
            return
        if cmd.params and not self.session.extended_smtp:
            await self.push(syntaxerr)
            return
        problem = await self._check_extensions(cmd)
        if problem is not None:
            await self.push(problem)
            return
        address = "" if cmd.reverse_path is None else str(cmd.reverse_path)
        options = [format_param(p) for p in cmd.params]
        self.envelope.mail_command = cmd
        self.envelope.smtp_utf8 = "SMTPUTF8" in cmd
        status = await self._call_handler_hook("MAIL", address, options)
        if status is MISSING:
            self.envelope.mail_from = address
            self.envelope.mail_options.extend(options)
            status = "250 OK"
        elif not str(status).startswith("2"):
            self.envelope.mail_command = None
        await self.push(status)

    @syntax("RCPT TO: <address>", extended=" [SP <mail-parameters>]")
    async def smtp_RCPT(self, arg: str | None) -> None:  # noqa: N802
        """RCPT with DSN parameters (RFC 5321 §4.1.1.3, RFC 3461 §4.1, §4.2)."""
        if await self.check_helo_needed():
            return
        if await self.check_auth_needed("RCPT"):
            return
        assert self.session is not None
        assert isinstance(self.envelope, TrackingEnvelope)
        if self.envelope.mail_command is None:
            await self.push("503 5.5.1 Error: need MAIL command")
            return
        syntaxerr = "501 Syntax: RCPT TO: <address>"
        if self.session.extended_smtp:
            syntaxerr += " [SP <mail-parameters>]"
        if arg is None:
            await self.push(syntaxerr)
            return
        line = "RCPT " + arg
        try:
            cmd = parse_rcpt(line, strict=self.strict, line_limit=None)
        except ParseError as exc:
            await self.push(error_reply(line, exc, "RCPT"))
            return
        if cmd.params and not self.session.extended_smtp:
            await self.push(syntaxerr)
            return
        for p in cmd.params:
            if isinstance(p, InvalidParam):
                await self.push(_invalid_reply(p))
                return
            if isinstance(p, ExtensionParam) and p.keyword.upper() not in self.rcpt_params:
                await self.push(
                    f"555 5.5.4 {p.keyword.upper()} parameter not recognized or not implemented"
                )
                return
        address = str(cmd.forward_path)
        options = [format_param(p) for p in cmd.params]
        self.envelope.rcpt_commands.append(cmd)
        status = await self._call_handler_hook("RCPT", address, options)
        if status is MISSING:
            self.envelope.rcpt_tos.append(address)
            self.envelope.rcpt_options.extend(options)
            status = "250 OK"
        elif not str(status).startswith("2"):
            self.envelope.rcpt_commands.pop()
        await self.push(status)

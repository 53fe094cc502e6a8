"""Semantic checks of MAIL and RCPT commands, each finding citing its RFC section."""

from __future__ import annotations

import base64
import binascii
import enum
import ipaddress

import attrs

from msgtrk._errors import SerializeError
from msgtrk.esmtp._limits import DOMAIN_MAX, ENVID_MAX, LOCAL_PART_MAX, ORCPT_MAX, PATH_MAX
from msgtrk.esmtp._models import (
    EnvidParam,
    ExtensionParam,
    InvalidParam,
    Mailbox,
    MailCommand,
    MtrkParam,
    Notify,
    NotifyParam,
    OrcptParam,
    RcptCommand,
)
from msgtrk.esmtp._rules import pattern

__all__ = ["ENFORCED", "Finding", "Severity", "check", "refuse"]


class Severity(enum.Enum):
    """How serious a finding is (RFC 2119 terms of the cited section)."""

    ERROR = "error"  # violates a MUST / MUST NOT
    WARNING = "warning"  # violates a SHOULD / SHOULD NOT or a size minimum


@attrs.frozen(kw_only=True)
class Finding:
    """One semantic problem: ``kind`` (stable id), ``section`` ("RFC 3885 §3.2")."""

    kind: str
    message: str
    section: str
    severity: Severity = Severity.ERROR
    keyword: str | None = None


ENFORCED = frozenset(
    {
        "duplicate-parameter",  # RFC 3461 §4.5
        "envid-too-long",  # RFC 3461 §4.4
        "envid-not-printable",  # RFC 3461 §4.4
        "envid-not-unique",  # RFC 3885 §3.2
        "invalid-parameter",  # RFC 5321 §4.1.2 and the parameter's own RFC
        "mtrk-without-envid",  # RFC 3885 §3.2
        "notify-never-combined",  # RFC 3461 §4.1
        "orcpt-too-long",  # RFC 3461 §4.2
        "orcpt-not-printable",  # RFC 3461 §4.2
        "utf8-address-not-mailbox",  # RFC 6533 §3
    }
)
"""The error-level findings that strict parsing raises and :func:`serialize` refuses.

The other error-level findings are left to the caller: ``bad-address-literal``
(RFC 5321 §4.1.3 range of Snum and IPv6 form, a server may still take the
line), ``rcpt-parameter-on-mail`` / ``mail-parameter-on-rcpt`` (an
unsupported parameter: a server answers 555, RFC 5321 §4.1.1.11, not a
syntax error) and ``mtrk-expired`` (RFC 3885 §3.1 forbids a relay to pass
it on; the grammar allows 0).
"""

_PER_PARAM = frozenset(
    {
        "envid-too-long",
        "envid-not-printable",
        "invalid-parameter",
        "orcpt-too-long",
        "orcpt-not-printable",
        "utf8-address-not-mailbox",
    }
)

_PRINTABLE = frozenset(chr(c) for c in range(0x20, 0x7F)) | {"\t"}
_REGISTERED_ADDR_TYPES = frozenset({"rfc822", "utf-8", "x400", "unknown"})


def _wire_value(p: EnvidParam | OrcptParam) -> str:
    return p.source.partition("=")[2] if p.source is not None else p.value


def _mailbox(mb: Mailbox | None, out: list[Finding]) -> None:
    if mb is None or mb.domain is None:
        return
    if len(mb.quoted_local_part.encode("utf-8")) > LOCAL_PART_MAX:
        out.append(
            Finding(
                kind="local-part-too-long",
                severity=Severity.WARNING,
                message=f"local part longer than {LOCAL_PART_MAX} octets",
                section="RFC 5321 §4.5.3.1.1",
            )
        )
    if len(mb.domain.encode("utf-8")) > DOMAIN_MAX:
        out.append(
            Finding(
                kind="domain-too-long",
                severity=Severity.WARNING,
                message=f"domain longer than {DOMAIN_MAX} octets",
                section="RFC 5321 §4.5.3.1.2",
            )
        )
    if len(str(mb).encode("utf-8")) + 2 > PATH_MAX:
        out.append(
            Finding(
                kind="path-too-long",
                severity=Severity.WARNING,
                message=f"path longer than {PATH_MAX} octets",
                section="RFC 5321 §4.5.3.1.3",
            )
        )
    if mb.domain.startswith("["):
        inner = mb.domain[1:-1]
        tag, colon, rest = inner.partition(":")
        try:
            if not colon:
                if any(int(part) > 255 for part in inner.split(".")):
                    raise ValueError(inner)
            elif tag.upper() == "IPV6":
                ipaddress.IPv6Address(rest)
        except ValueError:
            out.append(
                Finding(
                    kind="bad-address-literal",
                    message=f"{mb.domain} is not a valid address literal",
                    section="RFC 5321 §4.1.3",
                )
            )


def _repeats(params: tuple[object, ...], out: list[Finding]) -> None:
    seen: set[str] = set()
    for p in params:
        key = str(getattr(p, "keyword", "")).upper()
        if key in seen:
            out.append(
                Finding(
                    kind="duplicate-parameter",
                    keyword=key,
                    message=f"{key} appears more than once",
                    section="RFC 3461 §4.5",
                )
            )
        seen.add(key)


def refuse(cmd: MailCommand | RcptCommand) -> None:
    """Raise SerializeError for the first :data:`ENFORCED` finding of a command to write.

    A parameter that keeps its ``source`` was received and is written as it
    was (RFC 3461 §5.2.1, RFC 3885 §3.3), so its own findings are not judged
    again; findings across parameters always are.
    """
    for f in check(cmd):
        if f.kind not in ENFORCED:
            continue
        if f.kind in _PER_PARAM and getattr(cmd.get(f.keyword or ""), "source", None) is not None:
            continue
        raise SerializeError(f"{f.message} ({f.section})")


def check(cmd: MailCommand | RcptCommand) -> tuple[Finding, ...]:
    """All semantic findings for a MAIL or RCPT command (empty when clean).

    Strict parsing raises the :data:`ENFORCED` ones and lenient parsing
    records a defect for each (``duplicate``, ``limit``, ``syntax``... as
    defect kinds); :func:`serialize` refuses them in built models.
    """
    out: list[Finding] = []
    _repeats(cmd.params, out)
    _invalid(cmd.params, out)
    if isinstance(cmd, MailCommand):
        _mailbox(cmd.reverse_path, out)
        _check_mail(cmd, out)
    else:
        _mailbox(cmd.forward_path, out)
        _check_rcpt(cmd, out)
    return tuple(out)


def _invalid(params: tuple[object, ...], out: list[Finding]) -> None:
    for p in params:
        if isinstance(p, InvalidParam):
            key = p.keyword.upper()
            detail = p.defect.message if p.defect is not None else "cannot be read"
            out.append(
                Finding(
                    kind="invalid-parameter",
                    keyword=key,
                    message=f"parameter kept as received: {detail}",
                    section="RFC 5321 §4.1.2",
                )
            )


def _check_mail(cmd: MailCommand, out: list[Finding]) -> None:
    mtrk = cmd.mtrk
    envid = cmd.get("ENVID")
    for p in cmd.params:
        if isinstance(p, ExtensionParam) and p.keyword.upper() in {"NOTIFY", "ORCPT"}:
            out.append(
                Finding(
                    kind="rcpt-parameter-on-mail",
                    keyword=p.keyword.upper(),
                    message=f"{p.keyword.upper()} belongs to RCPT",
                    section="RFC 3461 §4.1, §4.2",
                )
            )
    if isinstance(envid, EnvidParam):
        value = _wire_value(envid)
        if len(value) > ENVID_MAX:
            out.append(
                Finding(
                    kind="envid-too-long",
                    keyword="ENVID",
                    message=f"ENVID longer than {ENVID_MAX} characters",
                    section="RFC 3461 §4.4, RFC 3885 §3.2",
                )
            )
        elif len(value) > 38:
            out.append(
                Finding(
                    kind="envid-long-for-submission",
                    keyword="ENVID",
                    severity=Severity.WARNING,
                    message="user agents SHOULD NOT send ENVIDs over 38 characters",
                    section="RFC 3461 §5.4",
                )
            )
        if not set(envid.envid) <= _PRINTABLE:
            out.append(
                Finding(
                    kind="envid-not-printable",
                    keyword="ENVID",
                    message="decoded ENVID must be printable US-ASCII",
                    section="RFC 3461 §4.4",
                )
            )
    if mtrk is None:
        return
    if isinstance(envid, InvalidParam):
        pass  # reported as invalid-parameter
    elif not isinstance(envid, EnvidParam):
        out.append(
            Finding(
                kind="mtrk-without-envid",
                keyword="MTRK",
                message="MTRK requires an ENVID parameter",
                section="RFC 3885 §3.2",
            )
        )
    elif envid.unique_envid is None:
        out.append(
            Finding(
                kind="envid-not-unique",
                keyword="ENVID",
                message="with MTRK, ENVID must be local-envid@fqhn",
                section="RFC 3885 §3.2",
            )
        )
    _check_certifier(mtrk, out)


def _check_certifier(mtrk: MtrkParam, out: list[Finding]) -> None:
    cert = mtrk.certifier
    try:
        raw = base64.b64decode(cert + "=" * (-len(cert) % 4), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(cert) != 27 or len(raw) != 20:
        out.append(
            Finding(
                kind="certifier-not-sha1",
                keyword="MTRK",
                severity=Severity.WARNING,
                message="the certifier should be 27 base64 characters (SHA-1)",
                section="RFC 3885 §3.1, §3.2",
            )
        )
    if mtrk.timeout == 0:
        out.append(
            Finding(
                kind="mtrk-expired",
                keyword="MTRK",
                message="an mtrk-timeout of 0 has expired and MUST NOT be passed on",
                section="RFC 3885 §3.1",
            )
        )


def _check_rcpt(cmd: RcptCommand, out: list[Finding]) -> None:
    for p in cmd.params:
        if isinstance(p, ExtensionParam) and p.keyword.upper() in {"MTRK", "ENVID", "RET"}:
            out.append(
                Finding(
                    kind="mail-parameter-on-rcpt",
                    keyword=p.keyword.upper(),
                    message=f"{p.keyword.upper()} belongs to MAIL",
                    section="RFC 3461 §4.3, §4.4, RFC 3885 §3",
                )
            )
        elif isinstance(p, NotifyParam) and Notify.NEVER in p.notify and len(p.notify) > 1:
            out.append(
                Finding(
                    kind="notify-never-combined",
                    keyword="NOTIFY",  # pragma: no cover
                    message="NEVER must appear by itself",
                    section="RFC 3461 §4.1",
                )
            )
        elif isinstance(p, OrcptParam):
            _check_orcpt(p, out)


def _check_orcpt(p: OrcptParam, out: list[Finding]) -> None:
    value = _wire_value(p)
    if len(value) > ORCPT_MAX:
        out.append(
            Finding(
                kind="orcpt-too-long",
                keyword="ORCPT",
                message=f"ORCPT longer than {ORCPT_MAX} characters",
                section="RFC 3461 §4.2",
            )
        )
    atype = p.addr_type.lower()
    if atype not in _REGISTERED_ADDR_TYPES:
        out.append(
            Finding(
                kind="addr-type-unregistered",
                keyword="ORCPT",
                severity=Severity.WARNING,
                message=f"address type {p.addr_type!r} is not IANA-registered",
                section="RFC 3461 §4.2",
            )
        )
    if atype == "utf-8":
        if pattern("Mailbox").fullmatch(p.address) is None:
            out.append(
                Finding(
                    kind="utf8-address-not-mailbox",
                    keyword="ORCPT",
                    message="a utf-8 address must be a Mailbox once decoded",
                    section="RFC 6533 §3",
                )
            )
    elif not set(p.address) <= _PRINTABLE:
        out.append(
            Finding(
                kind="orcpt-not-printable",
                keyword="ORCPT",
                message="decoded ORCPT must be printable US-ASCII",
                section="RFC 3461 §4.2",
            )
        )

"""Relay rules for the tracking and DSN parameters, as pure functions.

RFC 3885 §3.1 (timeout decrement), §3.3 (forwarding certifiers); RFC 3461
§5.2.1 and §5.2.2 (relay to conforming and non-conforming servers).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TypeVar

import attrs

from msgtrk.esmtp._ehlo import EhloReply
from msgtrk.esmtp._models import (
    EnvidParam,
    InvalidParam,
    MailCommand,
    MailParam,
    MtrkParam,
    NotifyParam,
    OrcptParam,
    RcptCommand,
    RcptParam,
    RetParam,
)

__all__ = ["decrement_timeout", "relay_mail", "relay_rcpt"]

P = TypeVar("P", MailParam, RcptParam)


def _offers(next_hop: EhloReply | Iterable[str]) -> frozenset[str]:
    if isinstance(next_hop, EhloReply):
        return frozenset(next_hop.keywords)
    return frozenset(k.upper() for k in next_hop)


def decrement_timeout(timeout: int, lingered: float) -> int | None:
    """The mtrk-timeout to pass on, or None when it has expired (RFC 3885 §3.1).

    The timeout is decremented by the (whole, rounded up) seconds the message
    lingered; a result <= 0 means the MTRK parameter MUST NOT be passed.
    """
    left = timeout - math.ceil(max(lingered, 0))
    return left if left > 0 else None


def relay_mail(
    cmd: MailCommand,
    *,
    lingered: float,
    next_hop: EhloReply | Iterable[str],
    recipients: int = 1,
    primary: bool = False,
    mailing_list: bool = False,
    default_timeout: int | None = None,
) -> MailCommand:
    """The MAIL command to send to the next hop.

    - MTRK is dropped when the next hop does not offer MTRK (RFC 3885 §3.3),
      when the timeout expired (§3.1), on mailing-list expansion, and when an
      alias expanded to more than one recipient unless this copy goes to the
      designated ``primary`` recipient (§3.3).  Otherwise the timeout is
      decremented by ``lingered`` seconds; without a timeout,
      ``default_timeout`` (the local default of §3.1) is used if given.
    - ENVID and RET are kept, with the same esmtp-value, for a DSN-capable
      hop (RFC 3461 §5.2.1 (a), (b)); ENVID also for an MTRK hop (RFC 3885
      §2 (4) makes MTRK servers support it); both are dropped otherwise
      (RFC 3461 §5.2.2 (a)).
    - MTRK is also dropped when there is no ENVID of the form local@fqhn
      to go with it (RFC 3885 §3.2 makes it required), so that the command
      sent is one the next hop can accept.
    - An :class:`InvalidParam` (read leniently) is passed on verbatim under
      the rule of its keyword (same esmtp-value, RFC 3461 §5.2.1), except a
      malformed MTRK, which is dropped: its timeout cannot be decremented as
      RFC 3885 §3.1 requires.
    - Other parameters are kept as received; of a repeated keyword only the
      first (the one the model's accessors read) is kept.
    """
    offers = _offers(next_hop)
    dsn = "DSN" in offers
    mtrk_ok = (
        "MTRK" in offers
        and not mailing_list
        and (recipients <= 1 or primary)
        and _unique_envid(cmd)
    )
    out: list[MailParam] = []
    for p in _first_of_each(cmd.params):
        key = p.keyword.upper()
        if isinstance(p, MtrkParam):
            if not mtrk_ok:
                continue
            timeout = p.timeout if p.timeout is not None else default_timeout
            if timeout is None:
                out.append(p)
                continue
            left = decrement_timeout(timeout, lingered)
            if left is None:
                continue
            if left == p.timeout:
                out.append(p)
            else:
                out.append(MtrkParam(certifier=p.certifier, timeout=left))
        elif isinstance(p, EnvidParam) or (isinstance(p, InvalidParam) and key == "ENVID"):
            if dsn or "MTRK" in offers:
                out.append(p)
        elif isinstance(p, RetParam) or (isinstance(p, InvalidParam) and key == "RET"):
            if dsn:
                out.append(p)
        elif not (isinstance(p, InvalidParam) and key == "MTRK"):
            out.append(p)
    return attrs.evolve(cmd, params=tuple(out), source=None, source_route=(), defects=())


def _first_of_each(params: tuple[P, ...]) -> list[P]:
    seen: set[str] = set()
    out: list[P] = []
    for p in params:
        key = p.keyword.upper()
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _unique_envid(cmd: MailCommand) -> bool:
    """Is there an ENVID of the form local-envid "@" fqhn (RFC 3885 §3.2)?"""
    envid = cmd.get("ENVID")
    if not isinstance(envid, EnvidParam):
        return False
    if envid.source is not None:
        return "@" in envid.source.partition("=")[2]
    return envid.unique_envid is not None


def relay_rcpt(
    cmd: RcptCommand,
    *,
    next_hop: EhloReply | Iterable[str],
    add_orcpt: bool = False,
) -> RcptCommand:
    """The RCPT command to send to the next hop.

    NOTIFY and ORCPT are kept unchanged (ORCPT: same case, same value) for a
    DSN-capable hop (RFC 3461 §5.2.1 (c), (d)) and ORCPT also for an MTRK hop
    (RFC 3885 §2 (4)); they are dropped otherwise (§5.2.2 (a)).  With
    ``add_orcpt``, a missing ORCPT is added from the received address
    (§5.2.1 (d)).  The source route is dropped (RFC 5321 §4.1.1.3).  An
    :class:`InvalidParam` is passed on verbatim under the rule of its keyword;
    of a repeated keyword only the first is kept.
    """
    offers = _offers(next_hop)
    dsn = "DSN" in offers
    out: list[RcptParam] = []
    has_orcpt = False
    for p in _first_of_each(cmd.params):
        key = p.keyword.upper()
        if isinstance(p, NotifyParam) or (isinstance(p, InvalidParam) and key == "NOTIFY"):
            if dsn:
                out.append(p)
        elif isinstance(p, OrcptParam) or (isinstance(p, InvalidParam) and key == "ORCPT"):
            has_orcpt = True
            if dsn or "MTRK" in offers:
                out.append(p)
        else:
            out.append(p)
    if add_orcpt and not has_orcpt and (dsn or "MTRK" in offers) and cmd.forward_path.domain:
        out.append(OrcptParam(addr_type="rfc822", address=str(cmd.forward_path)))
    return attrs.evolve(cmd, params=tuple(out), source=None, source_route=(), defects=())

"""Hypothesis strategies for the esmtp models (RFC 5321 §4.1.2, RFC 3461 §4, RFC 3885 §3)."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from msgtrk.esmtp import (
    EhloLine,
    EhloReply,
    EnvidParam,
    ExtensionParam,
    Mailbox,
    MailCommand,
    MtrkParam,
    Notify,
    NotifyParam,
    OrcptParam,
    RcptCommand,
    Ret,
    RetParam,
)

__all__ = [
    "ehlo_replies",
    "esmtp_mail_commands",
    "esmtp_mailboxes",
    "esmtp_rcpt_commands",
]

_ALNUM = string.ascii_letters + string.digits
_ATEXT = _ALNUM + "!#$%&'*+/=?^_`{|}~-"
_BASE64 = _ALNUM + "+/"
_VCHAR_NO_EQ = "".join(chr(c) for c in range(33, 127) if chr(c) != "=")
_U = st.characters(min_codepoint=0x80, max_codepoint=0x2FFF, exclude_categories=("Cs",))

_label = st.builds(
    lambda first, mid, last: first + mid + last if mid or last else first,
    st.sampled_from(_ALNUM),
    st.text(_ALNUM + "-", max_size=5),
    st.sampled_from(_ALNUM),
) | st.text(_U, min_size=1, max_size=4)
_domain = st.lists(_label, min_size=1, max_size=3).map(".".join)
_ipv4 = st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: "[" + ".".join(map(str, t)) + "]")
_dot_string = st.lists(
    st.text(st.sampled_from(_ATEXT) | _U, min_size=1, max_size=6), min_size=1, max_size=3
).map(".".join)
_quoted = st.text(st.characters(min_codepoint=32, max_codepoint=126) | _U, max_size=8)

esmtp_mailboxes = st.builds(
    lambda local, domain: Mailbox(local_part=local, domain=domain),
    _dot_string | _quoted,
    _domain | _ipv4,
)
"""Mailboxes of RFC 5321 §4.1.2 / RFC 6531 §3.3 (quoted or not, names or IPv4 literals)."""

_keywords = (
    st.text(_ALNUM + "-", max_size=8)
    .map(lambda s: "X" + s)
    .filter(lambda k: k.upper() not in {"MTRK", "ENVID", "RET", "NOTIFY", "ORCPT"})
)
_extensions = st.builds(
    lambda k, v: ExtensionParam(keyword=k, value=v),
    _keywords,
    st.none() | st.text(st.sampled_from(_VCHAR_NO_EQ) | _U, min_size=1, max_size=12),
)
# RFC 3461 §4.4, §4.2: printable US-ASCII ("graphic and white space") before xtext
_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.just("\t")
_envid_text = st.text(_PRINTABLE, max_size=20)
# anything a caller may put in a built model (serialize must refuse what is invalid)
_any_text = st.text(
    st.characters(min_codepoint=1, max_codepoint=0x2FFF, exclude_categories=("Cs",)), max_size=20
)


@st.composite
def esmtp_mail_commands(draw: st.DrawFn, *, valid: bool = True) -> MailCommand:
    """Valid MAIL commands: any order of unique parameters; MTRK comes with local@fqhn ENVID.

    ``valid=False``: built models that may break the RFC MUSTs that strict
    parsing enforces (ENVID not printable, MTRK without a local@fqhn ENVID).
    """
    params: list[object] = draw(
        st.lists(_extensions, max_size=3, unique_by=lambda p: p.keyword.upper())
    )
    text = _envid_text if valid else _any_text
    has_mtrk = draw(st.booleans())
    if has_mtrk:
        params.append(
            MtrkParam(
                certifier=draw(st.text(_BASE64, min_size=1, max_size=27)),
                timeout=draw(st.none() | st.integers(0, 999_999_999)),
            )
        )
        if valid or draw(st.booleans()):
            envid = draw(text) + "@" + draw(st.text(_ALNUM + ".-", max_size=20))
            params.append(
                EnvidParam(
                    envid=envid if valid else draw(st.sampled_from([envid, envid.replace("@", "")]))
                )
            )
    elif draw(st.booleans()):
        params.append(EnvidParam(envid=draw(text.filter(bool))))
    if draw(st.booleans()):
        params.append(RetParam(ret=draw(st.sampled_from(Ret))))
    params = draw(st.permutations(params))
    path = draw(st.none() | esmtp_mailboxes)
    return MailCommand(reverse_path=path, params=tuple(params))


_notify = st.just((Notify.NEVER,)) | st.lists(
    st.sampled_from([Notify.SUCCESS, Notify.FAILURE, Notify.DELAY]),
    min_size=1,
    max_size=3,
    unique=True,
).map(tuple)
_ADDR_TYPES = st.sampled_from(["rfc822", "RFC822", "x400", "unknown", "x-local"])
# RFC 6533 §3: the decoded utf-8 address MUST be a Mailbox (quoted local parts included)
_utf8_mailbox = st.builds(
    lambda local, domain: f"{Mailbox(local_part=local, domain=domain)}",
    _dot_string | _quoted,
    _domain,
)
_orcpt = st.builds(
    lambda t, a: OrcptParam(addr_type=t, address=a),
    _ADDR_TYPES,
    st.text(_PRINTABLE, max_size=30),
) | st.builds(
    lambda address, utf8: OrcptParam(addr_type="utf-8", address=address, utf8=utf8),
    _utf8_mailbox,
    st.booleans(),
)
_any_orcpt = st.builds(
    lambda t, a: OrcptParam(addr_type=t, address=a),
    _ADDR_TYPES | st.just("utf-8"),
    _any_text | st.text(st.sampled_from(_ATEXT + "\\= @") | _U, min_size=1, max_size=10),
)
_postmaster = st.sampled_from(["Postmaster", "postmaster", "POSTMASTER"]).map(
    lambda s: Mailbox(local_part=s, domain=None)
)


@st.composite
def esmtp_rcpt_commands(draw: st.DrawFn, *, valid: bool = True) -> RcptCommand:
    """Valid RCPT commands, <Postmaster> included (``valid=False``: ORCPT may break a MUST)."""
    params: list[object] = draw(
        st.lists(_extensions, max_size=3, unique_by=lambda p: p.keyword.upper())
    )
    if draw(st.booleans()):
        params.append(NotifyParam(notify=draw(_notify)))
    if draw(st.booleans()):
        params.append(draw(_orcpt if valid else _orcpt | _any_orcpt))
    params = draw(st.permutations(params))
    path = draw(esmtp_mailboxes | _postmaster)
    return RcptCommand(forward_path=path, params=tuple(params))


ehlo_replies = st.builds(
    lambda domain, greeting, lines: EhloReply(domain=domain, greeting=greeting, lines=lines),
    _domain.filter(str.isascii),
    st.none()
    | st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=20).filter(
        lambda s: not s.startswith(" ")
    ),
    st.lists(
        st.builds(
            lambda k, ps: EhloLine(keyword=k, params=tuple(ps)),
            st.text(_ALNUM + "-", max_size=8).map(lambda s: "E" + s),
            st.lists(
                st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=8),
                max_size=3,
            ),
        ),
        max_size=6,
    ).map(tuple),
)
"""EHLO replies (RFC 5321 §4.1.1.1)."""

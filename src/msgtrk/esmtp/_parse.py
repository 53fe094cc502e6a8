"""Parsing of MAIL and RCPT command lines (RFC 5321 §4.1.1.2, §4.1.1.3, §4.1.2).

Fast path: the path and each parameter value are checked with the regular
expression of their ABNF rule (:mod:`msgtrk.esmtp._rules`) and taken apart
with cheap string operations.  Only when a check fails does the scanner in
:mod:`msgtrk.esmtp._diagnose` run, to report the exact column and rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

import attrs

from msgtrk._errors import Defect, LimitError, ParseError
from msgtrk.esmtp import _diagnose
from msgtrk.esmtp._limits import ENVID_MAX, MAIL_LINE_MAX, ORCPT_MAX, RCPT_LINE_MAX
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
    Ret,
    RetParam,
)
from msgtrk.esmtp._rules import pattern
from msgtrk.esmtp._xtext import unitext_decode, xtext_decode

__all__ = ["Line", "as_octets", "parse_mail", "parse_mailbox", "parse_rcpt"]

_DEFAULT = object()

Line: TypeAlias = str | bytes | bytearray | memoryview
"""A command line: text, or octets in any bytes-like object (UTF-8, RFC 6531 §3.3)."""


def as_octets(line: object) -> str | bytes | memoryview:
    """``str`` and ``bytes`` as they are; any other bytes-like object as a flat octet view.

    No copy is made, so that a size limit can be checked first.
    """
    if isinstance(line, (str, bytes)):
        return line
    try:
        view = memoryview(line)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"expected str or a bytes-like object, not {type(line).__name__}") from None
    return view.cast("B") if view.c_contiguous else memoryview(view.tobytes())


class _Ctx:
    """State of one parse: the whole line, the mode and the defects found."""

    __slots__ = ("defects", "strict", "text")

    def __init__(self, text: str, strict: bool) -> None:
        self.text = text
        self.strict = strict
        self.defects: list[Defect] = []

    def fail(self, error: ParseError, kind: str = "syntax") -> None:
        if self.strict:
            raise error
        self.defects.append(Defect.from_error(error, kind))


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _decode(line: str | bytes, rule: str) -> str:
    if isinstance(line, str):
        if not line.isascii():
            m = _SURROGATE.search(line)
            if m is not None:
                raise ParseError.at(
                    line, m.start(), "a surrogate is not a character (RFC 6531 §3.3)", rule=rule
                )
        return line
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError.at(
            line, exc.start, "the line is not valid UTF-8 (RFC 6531 §3.3)", rule=rule
        ) from None


def _octet_offset(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-8"))


def _rebase(raw: bytes, text: str, error: ParseError) -> ParseError:
    """The same error with its position in the octets of ``raw`` (the input as given)."""
    return type(error).at(
        raw,
        _octet_offset(text, error.offset),
        error.message,
        rule=error.rule,
        expected=error.expected,
    )


def _rebase_defects(raw: bytes, text: str, cmd: Any) -> Any:
    """``cmd`` with its defects (and those of its InvalidParams) at octet positions of ``raw``."""
    moved = {
        id(d): Defect.at(raw, _octet_offset(text, d.offset), d.kind, d.message, rule=d.rule)
        for d in cmd.defects
    }
    params = tuple(
        attrs.evolve(p, defect=moved.get(id(p.defect), p.defect))
        if isinstance(p, InvalidParam) and p.defect is not None
        else p
        for p in cmd.params
    )
    return attrs.evolve(cmd, params=params, defects=tuple(moved[id(d)] for d in cmd.defects))


def _body_end(text: str | bytes | memoryview) -> int:
    """End of the command proper: line end and trailing SP/HTAB removed."""
    end = len(text)
    if not isinstance(text, str):
        if text[end - 2 : end] == b"\r\n":
            end -= 2
        elif text[end - 1 : end] == b"\n":
            end -= 1
        while end and text[end - 1] in b" \t":
            end -= 1
        return end
    if text.endswith("\r\n"):
        end -= 2
    elif text.endswith("\n"):
        end -= 1
    while end and text[end - 1] in " \t":
        end -= 1
    return end


def _check_limit(line: str | bytes | memoryview, limit: int | None, rule: str) -> None:
    """RFC 5321 §4.5.3.1.4: the limit counts octets, the command word and the CRLF.

    Checked on the input as given, before it is decoded or copied (issue 7):
    a str has no more characters than octets, so only a line whose characters
    fit is encoded, and then only up to the limit.
    """
    if limit is None:
        return
    end = _body_end(line)
    cut = max(limit - 2, 0)
    if not isinstance(line, str) or line.isascii():
        if end <= cut:
            return
        at = cut
    else:
        if end <= cut // 4:
            return  # even 4 octets per character fit
        head = line[: min(end, cut + 1)].encode("utf-8", "surrogatepass")
        if len(head) <= cut and end <= cut:
            return
        at = len(head[:cut].decode("utf-8", "ignore"))
    head_text = line[: at + 1]
    raise LimitError.at(
        head_text.tobytes() if isinstance(head_text, memoryview) else head_text,
        at,
        f"command line longer than {limit} octets (RFC 5321 §4.5.3.1.4)",
        rule=rule,
    )


def _verb(ctx: _Ctx, verb: str, rule: str, end: int) -> int:
    text = ctx.text
    n = len(verb)
    if text[:n].upper() == verb:
        pos = n
    else:
        i = 0
        while i < n and i < end and text[i].upper() == verb[i]:
            i += 1
        raise ParseError.at(text, i, f"expected {verb!r}", rule=rule, expected=[f'"{verb}"'])
    if pos < end and text[pos] == " ":
        ctx.fail(
            ParseError.at(
                text, pos, "space after the colon (RFC 5321 §4.1.1.2)", rule=rule, expected=["<"]
            ),
            "space-after-colon",
        )
        while pos < end and text[pos] == " ":
            pos += 1
    return pos


def _split_mailbox(mailbox: str) -> tuple[str, str]:
    """Split a Mailbox already checked by its pattern into (local part, domain)."""
    if mailbox[0] == '"':
        i = 1
        out: list[str] = []
        while True:
            c = mailbox[i]
            if c == "\\":
                out.append(mailbox[i + 1])
                i += 2
            elif c == '"':
                break
            else:
                out.append(c)
                i += 1
        return "".join(out), mailbox[i + 2 :]
    local, _, domain = mailbox.partition("@")
    return local, domain


def _path(ctx: _Ctx, pos: int, end: int, rule: str) -> tuple[Mailbox | None, tuple[str, ...], int]:
    """Read the path at ``pos``; return (mailbox, source route, end of path)."""
    text = ctx.text
    m = pattern(rule).match(text, pos, end)
    if m is None or (m.end() < end and text[m.end()] != " "):
        if not ctx.strict and pos < end and text[pos] != "<":
            return _bare_path(ctx, pos, end, rule)
        raise _diagnose.path_error(text, pos, end, rule)
    stop = m.end()
    inner = text[pos + 1 : stop - 1]
    if not inner:
        return None, (), stop
    route: tuple[str, ...] = ()
    if inner[0] == "@":
        adl, _, inner = inner.partition(":")
        route = tuple(d[1:] for d in adl.split(","))
    local, domain = _split_mailbox(inner)
    return _mailbox(local, domain), route, stop


def _bare_path(
    ctx: _Ctx, pos: int, end: int, rule: str
) -> tuple[Mailbox | None, tuple[str, ...], int]:
    """Lenient: a mailbox without angle brackets (a common departure)."""
    text = ctx.text
    m = pattern("Mailbox").match(text, pos, end)
    if m is None or (m.end() < end and text[m.end()] != " "):
        raise _diagnose.path_error(text, pos, end, rule)
    ctx.defects.append(Defect.at(text, pos, "no-angle-brackets", "path without < >", rule=rule))
    local, domain = _split_mailbox(text[pos : m.end()])
    return _mailbox(local, domain), (), m.end()


def _mailbox(local: str, domain: str | None) -> Mailbox:
    mb = object.__new__(Mailbox)
    object.__setattr__(mb, "local_part", local)
    object.__setattr__(mb, "domain", domain)
    return mb


def parse_mailbox(address: str) -> Mailbox:
    """Read a Mailbox ``local@domain`` (RFC 5321 §4.1.2, RFC 6531 §3.3)."""
    if pattern("Mailbox").fullmatch(address) is None:
        raise _diagnose.mailbox_error(address, 0, len(address))
    local, domain = _split_mailbox(address)
    return _mailbox(local, domain)


# --- parameters ------------------------------------------------------------

_Handler = Callable[[_Ctx, str, int, int, str], Any]


def _need_value(ctx: _Ctx, key: str, value: str, eq: str, vstart: int) -> bool:
    if eq and value:
        return True
    text = ctx.text
    if not eq:
        ctx.fail(
            ParseError.at(
                text, vstart, f"{key} needs a value", rule=_KEY_RULE[key], expected=['"="']
            )
        )
    else:
        ctx.fail(
            ParseError.at(
                text, vstart, f"{key}= needs a value", rule="esmtp-value", expected=["esmtp-value"]
            )
        )
    return False


def _mtrk(ctx: _Ctx, value: str, start: int, vstart: int, src: str) -> Any:
    cert, colon, timeout = value.partition(":")
    if pattern("mtrk-certifier").fullmatch(cert) is None:
        ctx.fail(_diagnose.run_error(ctx.text, cert, vstart, "mtrk-certifier", "base64"))
        return None
    t: int | None = None
    if colon:
        if pattern("mtrk-timeout").fullmatch(timeout) is None:
            ctx.fail(_diagnose.timeout_error(ctx.text, timeout, vstart + len(cert) + 1))
            return None
        t = int(timeout)
    p = object.__new__(MtrkParam)
    object.__setattr__(p, "certifier", cert)
    object.__setattr__(p, "timeout", t)
    object.__setattr__(p, "start", start)
    object.__setattr__(p, "source", src)
    return p


_LOWER_HEX = re.compile(r"\+([0-9A-Fa-f]{2})")


def _upper_hex(ctx: _Ctx, value: str, vstart: int, key: str) -> str | None:
    """Lenient: hexchars with lower-case digits (RFC 3461 §4 says upper case), repaired."""
    if ctx.strict or "+" not in value:
        return None
    fixed = _LOWER_HEX.sub(lambda m: "+" + m.group(1).upper(), value)
    if fixed == value or pattern("xtext").fullmatch(fixed) is None:
        return None
    at = next(i for i, (a, b) in enumerate(zip(value, fixed, strict=True)) if a != b)
    ctx.defects.append(
        Defect.at(
            ctx.text,
            vstart + at,
            "lowercase-hexchar",
            f"{key}: hexchar digits must be upper case (RFC 3461 §4)",
            rule="hexchar",
        )
    )
    return fixed


_PRINTABLE_OCTETS = frozenset(range(0x20, 0x7F)) | {0x09}


def _printable(ctx: _Ctx, value: str, vstart: int, key: str, section: str) -> None:
    """RFC 3461 §4.2, §4.4: the value before xtext encoding MUST be printable US-ASCII.

    ``value`` is valid xtext, whose xchars are all printable: only a hexchar
    can break the rule.
    """
    if "+" not in value:
        return
    for m in _HEXCHARS.finditer(value):
        if int(m.group(1), 16) not in _PRINTABLE_OCTETS:
            ctx.fail(
                ParseError.at(
                    ctx.text,
                    vstart + m.start(),
                    f"{key}: {m.group(0)} decodes to an octet that is not printable US-ASCII "
                    f"(RFC 3461 {section})",
                    rule=_KEY_RULE[key],
                    expected=["printable US-ASCII"],
                ),
                f"{key.lower()}-not-printable",
            )
            return


_HEXCHARS = re.compile(r"\+([0-9A-F]{2})")


def _envid(ctx: _Ctx, value: str, start: int, vstart: int, src: str) -> Any:
    if pattern("xtext").fullmatch(value) is None:
        fixed = _upper_hex(ctx, value, vstart, "ENVID")
        if fixed is None:
            try:
                xtext_decode(value, source=ctx.text, offset=vstart)
            except ParseError as exc:
                ctx.fail(exc)
            return None
        value = fixed
    if ENVID_MAX is not None and len(value) > ENVID_MAX:
        ctx.fail(
            LimitError.at(
                ctx.text,
                vstart + ENVID_MAX,
                f"ENVID longer than {ENVID_MAX} characters (RFC 3461 §4.4, RFC 3885 §3.2)",
                rule="envid-parameter",
            ),
            "limit",
        )
    _printable(ctx, value, vstart, "ENVID", "§4.4")
    envid = value if "+" not in value else _xdecode(value)
    p = object.__new__(EnvidParam)
    object.__setattr__(p, "envid", envid)
    object.__setattr__(p, "start", start)
    object.__setattr__(p, "source", src)
    return p


def _xdecode(value: str) -> str:
    return xtext_decode(value).decode("utf-8", "surrogateescape")


_RET = {"FULL": Ret.FULL, "HDRS": Ret.HDRS}


def _ret(ctx: _Ctx, value: str, start: int, vstart: int, src: str) -> Any:
    ret = _RET.get(value.upper()) if pattern("ret-esmtp-value").fullmatch(value) else None
    if ret is None:
        ctx.fail(
            _diagnose.literal_error(ctx.text, value, vstart, ("FULL", "HDRS"), "ret-esmtp-value")
        )
        return None
    p = object.__new__(RetParam)
    object.__setattr__(p, "ret", ret)
    object.__setattr__(p, "start", start)
    object.__setattr__(p, "source", src)
    return p


_NOTIFY = {n.value: n for n in Notify}


def _notify(ctx: _Ctx, value: str, start: int, vstart: int, src: str) -> Any:
    if pattern("notify-esmtp-value").fullmatch(value) is None:
        ctx.fail(_diagnose.notify_error(ctx.text, value, vstart))
        return None
    items = value.upper().split(",")
    if len(set(items)) != len(items):
        seen: set[str] = set()
        off = vstart
        for item in items:
            if item in seen:
                ctx.fail(
                    ParseError.at(
                        ctx.text,
                        off,
                        f"NOTIFY value {item} repeated (RFC 3461 §4.1)",
                        rule="notify-esmtp-value",
                    )
                )
                return None
            seen.add(item)
            off += len(item) + 1
    p = object.__new__(NotifyParam)
    object.__setattr__(p, "notify", tuple(_NOTIFY[i] for i in items))
    object.__setattr__(p, "start", start)
    object.__setattr__(p, "source", src)
    return p


def _orcpt(ctx: _Ctx, value: str, start: int, vstart: int, src: str) -> Any:
    text = ctx.text
    atype, semi, addr = value.partition(";")
    if not semi or pattern("addr-type").fullmatch(atype) is None:
        ctx.fail(_diagnose.addr_type_error(text, value, vstart))
        return None
    astart = vstart + len(atype) + 1
    utf8 = False
    if atype.lower() == "utf-8":
        address = _utf8_address(ctx, addr, astart)
        if address is None:
            return None
        utf8 = not addr.isascii()
    else:
        if addr and pattern("xtext").fullmatch(addr) is None:
            fixed = _upper_hex(ctx, addr, astart, "ORCPT")
            if fixed is None:
                try:
                    xtext_decode(addr, source=text, offset=astart)
                except ParseError as exc:
                    ctx.fail(exc)
                return None
            addr = fixed
        _printable(ctx, addr, astart, "ORCPT", "§4.2")
        address = addr if "+" not in addr else _xdecode(addr)
    if ORCPT_MAX is not None and len(value) > ORCPT_MAX:
        ctx.fail(
            LimitError.at(
                text,
                vstart + ORCPT_MAX,
                f"ORCPT longer than {ORCPT_MAX} characters (RFC 3461 §4.2)",
                rule="orcpt-parameter",
            ),
            "limit",
        )
    p = object.__new__(OrcptParam)
    object.__setattr__(p, "addr_type", atype)
    object.__setattr__(p, "address", address)
    object.__setattr__(p, "utf8", utf8)
    object.__setattr__(p, "start", start)
    object.__setattr__(p, "source", src)
    return p


def _utf8_address(ctx: _Ctx, addr: str, astart: int) -> str | None:
    """The address of ``ORCPT=utf-8;...`` (RFC 6533 §3), or None after a failure.

    In ORCPT the address is utf-8-addr-xtext or utf-8-addr-unitext: CTLs,
    SP, "\\", "+" and "=" MUST be written as ``\\x{HEXPOINT}``, so the bare
    utf-8-address form with one of them is an error (lenient: read as the
    Mailbox it is, with a defect); the decoded address MUST be a Mailbox.
    """
    text = ctx.text
    if pattern("utf-8-addr-unitext").fullmatch(addr) is not None:
        address = unitext_decode(addr) if "\\" in addr else addr
        if pattern("Mailbox").fullmatch(address) is None:
            if "\\" in addr:
                error = ParseError.at(
                    text,
                    astart,
                    "ORCPT: the decoded utf-8 address is not a Mailbox (RFC 6533 §3)",
                    rule="utf-8-address",
                    expected=["Mailbox"],
                )
            else:
                where = _diagnose.mailbox_error(text, astart, astart + len(addr))
                error = ParseError(
                    f"ORCPT: the utf-8 address is not a Mailbox (RFC 6533 §3): {where.message}",
                    line=where.line,
                    column=where.column,
                    offset=where.offset,
                    rule=where.rule,
                    expected=where.expected,
                    source_line=where.source_line,
                    source_column=where.source_column,
                )
            ctx.fail(error, "utf8-address-not-mailbox")
        return address
    try:
        unitext_decode(addr, source=text, offset=astart, rule="utf-8-enc-addr")
        error = _diagnose.lalr_error("Mailbox", text, astart, astart + len(addr))
    except ParseError as exc:
        error = exc
    if ctx.strict or not addr or pattern("Mailbox").fullmatch(addr) is None:
        ctx.fail(error)
        return None
    ctx.defects.append(
        Defect.at(
            text,
            error.offset,
            "utf8-address-unencoded",
            "ORCPT: a utf-8 address MUST write CTLs, SP, '\\', '+' and '=' as \\x{HEXPOINT} "
            "(RFC 6533 §3)",
            rule=error.rule,
        )
    )
    return addr


_KEY_RULE = {
    "MTRK": "mtrk-parameter",
    "ENVID": "envid-parameter",
    "RET": "ret-parameter",
    "NOTIFY": "notify-parameter",
    "ORCPT": "orcpt-parameter",
}
_MAIL_HANDLERS: dict[str, _Handler] = {"MTRK": _mtrk, "ENVID": _envid, "RET": _ret}
_RCPT_HANDLERS: dict[str, _Handler] = {"NOTIFY": _notify, "ORCPT": _orcpt}


def _extension(
    ctx: _Ctx, kw: str, eq: str, value: str, *, start: int, vstart: int, src: str
) -> Any:
    if eq:
        if not value:
            _need_value(ctx, kw.upper(), value, eq, vstart)
            return None
        if pattern("esmtp-value").fullmatch(value) is None:
            ctx.fail(_diagnose.run_error(ctx.text, value, vstart, "esmtp-value", "esmtp-value"))
            return None
    p = object.__new__(ExtensionParam)
    object.__setattr__(p, "keyword", kw)
    object.__setattr__(p, "value", value if eq else None)
    object.__setattr__(p, "start", start)
    object.__setattr__(p, "source", src)
    return p


def _invalid(
    ctx: _Ctx, kw: str, eq: str, value: str, *, start: int, src: str, before: int
) -> InvalidParam:
    """Lenient: the parameter ``src`` that could not be read, kept as received.

    Its first defect (recorded since ``before``) is renamed after the keyword.
    """
    defect: Defect | None = None
    if len(ctx.defects) > before:
        first = ctx.defects[before]
        defect = attrs.evolve(first, message=f"{kw.upper() or 'parameter'}: {first.message}")
        ctx.defects[before] = defect
    p = object.__new__(InvalidParam)
    object.__setattr__(p, "keyword", kw)
    object.__setattr__(p, "value", value if eq else None)
    object.__setattr__(p, "defect", defect)
    object.__setattr__(p, "start", start)
    object.__setattr__(p, "source", src)
    return p


_NOTIFY_WORD = re.compile(r"(?:SUCCESS|FAILURE|DELAY|NEVER)(?:,(?:SUCCESS|FAILURE|DELAY|NEVER))*,?")


def _spaced_notify(ctx: _Ctx, tokens: list[str], index: int, start: int) -> tuple[Any, int] | None:
    """Lenient: ``NOTIFY=SUCCESS, FAILURE`` (blanks after the commas) read as one NOTIFY.

    ``tokens[index]`` is the NOTIFY parameter, its value ending in ",".
    Returns (the NotifyParam, the number of tokens it takes) or None.
    """
    value = tokens[index].partition("=")[2]
    j = index + 1
    while value.endswith(",") and j < len(tokens):
        word = tokens[j]
        if _NOTIFY_WORD.fullmatch(word.upper()) is None:
            break
        value += word
        j += 1
    if j == index + 1 or pattern("notify-esmtp-value").fullmatch(value) is None:
        return None
    items = value.upper().split(",")
    if len(set(items)) != len(items):
        return None
    ctx.defects.append(
        Defect.at(
            ctx.text,
            start + len(tokens[index]),
            "notify-blank",
            "NOTIFY: blank after a comma; the value is read as "
            f"{','.join(items)} (RFC 3461 §4.1, esmtp-value has no SP)",
            rule="notify-esmtp-value",
        )
    )
    p = object.__new__(NotifyParam)
    object.__setattr__(p, "notify", tuple(_NOTIFY[i] for i in items))
    object.__setattr__(p, "start", start)
    object.__setattr__(p, "source", None)  # relayed in canonical form, without the blanks
    return p, j - index


def _params(
    ctx: _Ctx, pos: int, end: int, handlers: dict[str, _Handler], list_rule: str
) -> list[Any]:
    text = ctx.text
    out: list[Any] = []
    if pos >= end:
        return out
    if text[pos] != " ":  # pragma: no cover - the path reader guarantees it
        raise ParseError.at(text, pos, "expected SP", rule=list_rule, expected=["SP"])
    seen: dict[str, int] = {}
    keyword_re = pattern("esmtp-keyword")
    start = pos + 1
    tokens = text[start:end].split(" ")
    index = 0
    while index < len(tokens):
        src = tokens[index]
        index += 1
        kw, eq, value = src.partition("=")
        vstart = start + len(kw) + 1
        before = len(ctx.defects)
        if not kw or keyword_re.fullmatch(kw) is None:
            ctx.fail(_diagnose.keyword_error(text, kw, start))
            if src:
                out.append(_invalid(ctx, kw, eq, value, start=start, src=src, before=before))
            start += len(src) + 1
            continue
        key = kw.upper()
        if key in seen:
            ctx.fail(
                ParseError.at(
                    text,
                    start,
                    f"parameter {key} appears more than once (RFC 3461 §4.5)",
                    rule=list_rule,
                ),
                "duplicate",
            )
        seen[key] = start
        handler = handlers.get(key)
        if handler is _notify and not ctx.strict and value.endswith(","):
            spaced = _spaced_notify(ctx, tokens, index - 1, start)
            if spaced is not None:
                out.append(spaced[0])
                taken = tokens[index - 1 : index - 1 + spaced[1]]
                index += spaced[1] - 1
                start += sum(len(t) + 1 for t in taken)
                continue
        before = len(ctx.defects)
        if handler is None:
            param = _extension(ctx, kw, eq, value, start=start, vstart=vstart, src=src)
        elif _need_value(ctx, key, value, eq, vstart if eq else start + len(kw)):
            param = handler(ctx, value, start, vstart, src)
        else:
            param = None
        out.append(
            param
            if param is not None
            else _invalid(ctx, kw, eq, value, start=start, src=src, before=before)
        )
        start += len(src) + 1
    return out


def _mtrk_needs_envid(ctx: _Ctx, params: list[Any]) -> None:
    """RFC 3885 §3.2: with MTRK, an ENVID of the form local-envid "@" fqhn is required."""
    mtrk = envid = None
    for p in params:
        if isinstance(p, MtrkParam):
            mtrk = p
        elif isinstance(p, EnvidParam):
            envid = p
        elif isinstance(p, InvalidParam) and p.keyword.upper() == "ENVID":
            return  # an ENVID is there; its own defect says what is wrong with it
    if mtrk is None:
        return
    if envid is None:
        ctx.fail(
            ParseError.at(
                ctx.text,
                mtrk.start or 0,
                "MTRK requires an ENVID parameter (RFC 3885 §3.2)",
                rule="envid-parameter",
                expected=["ENVID="],
            ),
            "mtrk-without-envid",
        )
    elif "@" not in (envid.source or "@"):
        src = envid.source or ""
        ctx.fail(
            ParseError.at(
                ctx.text,
                (envid.start or 0) + len(src),
                "with MTRK, ENVID must be local-envid@fqhn (RFC 3885 §3.2)",
                rule="unique-envid",
                expected=['"@"'],
            ),
            "envid-not-unique",
        )


def _input(line: Line, limit: int | object | None, default: int, rule: str) -> str | bytes:
    """The line as str or bytes, its size checked before anything is copied."""
    data = as_octets(line)
    _check_limit(data, default if limit is _DEFAULT else limit, rule)  # type: ignore[arg-type]
    return data.tobytes() if isinstance(data, memoryview) else data


_C = TypeVar("_C", MailCommand, RcptCommand)


def _run(
    line: Line,
    strict: bool,
    line_limit: int | object | None,
    default_limit: int,
    *,
    rule: str,
    parse: Callable[[str, bool, int | object | None], _C],
) -> _C:
    """Check the limit, decode, parse; positions of non-ASCII bytes input in octets."""
    line = _input(line, line_limit, default_limit, rule)
    text = _decode(line, rule)
    if not isinstance(line, bytes) or text.isascii():
        return parse(text, strict, line_limit)
    try:
        cmd = parse(text, strict, line_limit)
    except ParseError as exc:
        raise _rebase(line, text, exc) from None
    rebased: _C = _rebase_defects(line, text, cmd)
    return rebased


def parse_mail(
    line: Line, *, strict: bool = True, line_limit: int | object | None = _DEFAULT
) -> MailCommand:
    """Parse ``MAIL FROM:<reverse-path> [SP Mail-parameters]`` (RFC 5321 §4.1.1.2).

    ``line`` is a str or any bytes-like object (UTF-8).  It may end in CRLF,
    LF or nothing, and trailing blanks are ignored.  ``line_limit`` (octets,
    CRLF included) defaults to :data:`MAIL_LINE_MAX` (4096: room for any
    combination of the registered MAIL parameters, RFC 3461 §5.4); None
    disables it.  Strict mode raises :class:`msgtrk.ParseError`, also for the
    MUSTs of RFC 3461 §4.2/§4.4 (decoded ENVID and ORCPT printable US-ASCII),
    RFC 6533 §3 (utf-8 ORCPT form) and RFC 3885 §3.2 (MTRK needs
    local@fqhn ENVID).  Lenient mode records :class:`msgtrk.Defect` objects
    in ``defects`` and keeps a parameter it cannot read as an
    :class:`InvalidParam`, in order.
    """
    return _run(line, strict, line_limit, MAIL_LINE_MAX, rule="mail", parse=_parse_mail)


def _parse_mail(text: str, strict: bool, line_limit: int | object | None) -> MailCommand:
    end = _body_end(text)
    ctx = _Ctx(text, strict)
    pos = _verb(ctx, "MAIL FROM:", "mail", end)
    mailbox, route, pos = _path(ctx, pos, end, "Reverse-path")
    params = _params(ctx, pos, end, _MAIL_HANDLERS, "Mail-parameters")
    _mtrk_needs_envid(ctx, params)
    cmd = object.__new__(MailCommand)
    object.__setattr__(cmd, "reverse_path", mailbox)
    object.__setattr__(cmd, "params", tuple(params))
    object.__setattr__(cmd, "source_route", route)
    object.__setattr__(cmd, "source", text)
    object.__setattr__(cmd, "defects", tuple(ctx.defects))
    return cmd


def parse_rcpt(
    line: Line, *, strict: bool = True, line_limit: int | object | None = _DEFAULT
) -> RcptCommand:
    """Parse ``RCPT TO:<forward-path> [SP Rcpt-parameters]`` (RFC 5321 §4.1.1.3).

    ``<Postmaster>`` (any case) gives a mailbox with no domain.  ``line_limit``
    defaults to 512 + 530 (RFC 3461 §5.4).  See :func:`parse_mail`.
    """
    return _run(line, strict, line_limit, RCPT_LINE_MAX, rule="rcpt", parse=_parse_rcpt)


def _parse_rcpt(text: str, strict: bool, line_limit: int | object | None) -> RcptCommand:
    end = _body_end(text)
    ctx = _Ctx(text, strict)
    pos = _verb(ctx, "RCPT TO:", "rcpt", end)
    if text[pos : pos + 12].upper() == "<POSTMASTER>" and (
        pos + 12 == end or text[pos + 12] == " "
    ):
        mailbox: Mailbox | None = _mailbox(text[pos + 1 : pos + 11], None)
        route: tuple[str, ...] = ()
        pos += 12
    else:
        mailbox, route, pos = _path(ctx, pos, end, "Forward-path")
    params = _params(ctx, pos, end, _RCPT_HANDLERS, "Rcpt-parameters")
    cmd = object.__new__(RcptCommand)
    object.__setattr__(cmd, "forward_path", mailbox)
    object.__setattr__(cmd, "params", tuple(params))
    object.__setattr__(cmd, "source_route", route)
    object.__setattr__(cmd, "source", text)
    object.__setattr__(cmd, "defects", tuple(ctx.defects))
    return cmd

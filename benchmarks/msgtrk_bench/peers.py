"""The peers: what a user would pick instead of msgtrk, each doing the same job.

- ``email`` (standard library) with ``policy.default`` and with ``compat32``,
  reading every field of every block (peers.md §1.1);
- the regex floor: one precompiled expression that only splits names from
  values (the lower bound of any field reader);
- the ``abnf`` package (PyPI, with its Rust engine) loaded with the project's
  own ABNF from ``grammar/abnf/`` (peers.md §1.2);
- aiosmtpd's MAIL/RCPT argument handling, called from ``aiosmtpd.smtp.SMTP``
  itself (peers.md §1.5).
"""

from __future__ import annotations

import email
import email.policy
import importlib
import re
import tomllib
from collections.abc import Callable
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import Policy
from pathlib import Path
from typing import Any

__all__ = [
    "ABNF_DIR",
    "DS_PREFIX",
    "FLOOR_RE",
    "Unavailable",
    "abnf_mail_rules",
    "aiosmtpd_mail",
    "aiosmtpd_rcpt",
    "floor_body",
    "floor_multipart",
    "stdlib_body",
    "stdlib_dsn",
    "stdlib_mtsn",
]

ABNF_DIR = Path(__file__).resolve().parents[2] / "grammar" / "abnf"

# Without a Content-Type the stdlib reads only the first block as headers; as
# message/delivery-status its feedparser splits every block (peers.md §1.1).
# A user reading a tracking-status body with the stdlib must do the same,
# since message/tracking-status takes the message/rfc822 path.
DS_PREFIX = b"Content-Type: message/delivery-status\r\n\r\n"

FLOOR_RE = re.compile(rb"^([^:\r\n]+):[ \t]*([^\r\n]*)", re.M)
_BOUNDARY_RE = re.compile(rb'boundary="?([^";\r\n]+)"?', re.I)
_STATUS_PART_RE = re.compile(rb"content-type:[ \t]*message/(?:delivery|tracking)-status", re.I)


class Unavailable(Exception):  # noqa: N818 - a reason, not an error
    """The case cannot run (its target does not exist yet, or a peer is missing)."""


def _read_blocks(blocks: list[Any]) -> list[tuple[str, str]]:
    return [(name, str(value)) for block in blocks for name, value in block.items()]


def stdlib_body(data: bytes, policy: Policy) -> list[tuple[str, str]]:
    """Parse a status body with the stdlib and read every field of every block."""
    msg = email.message_from_bytes(DS_PREFIX + data, policy=policy)
    payload = msg.get_payload()
    assert isinstance(payload, list)
    return _read_blocks(payload)


def stdlib_dsn(data: bytes, policy: Policy) -> list[tuple[str, str]]:
    """Parse a whole DSN (multipart/report) and read every header and status field.

    Every part's headers, the text part's content, and every field of every
    block of the message/delivery-status part.
    """
    msg = email.message_from_bytes(data, policy=policy)
    out = [(name, str(value)) for name, value in msg.items()]
    for part in msg.walk():
        if part is msg:
            continue
        out.extend((name, str(value)) for name, value in part.items())
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            payload = part.get_payload()
            assert isinstance(payload, list)
            out.extend(_read_blocks(payload))
        elif not part.is_multipart():
            out.append(("body", str(part.get_payload())))
    return out


_BLANK_LINE = re.compile(r"\r?\n\r?\n")


def stdlib_mtsn(data: bytes, policy: Policy) -> list[tuple[str, str]]:
    """Parse a whole MTSN (multipart/related) and read every field of every part.

    The stdlib reads message/tracking-status as message/rfc822 (peers.md
    §1.1): the first block becomes the nested message's headers and the
    recipient blocks one unparsed string.  A user then splits that string at
    blank lines and parses each block with a header parser.
    """
    msg = email.message_from_bytes(data, policy=policy)
    header_parser = BytesHeaderParser(policy=policy)
    out = [(name, str(value)) for name, value in msg.items()]
    parts = msg.get_payload()
    assert isinstance(parts, list)
    for part in parts:
        assert isinstance(part, Message)
        out.extend((name, str(value)) for name, value in part.items())
        inner = part.get_payload()
        assert isinstance(inner, list)
        for nested in inner:
            assert isinstance(nested, Message)
            out.extend((name, str(value)) for name, value in nested.items())
            rest = nested.get_payload()
            assert isinstance(rest, str)
            for block in _BLANK_LINE.split(rest):
                if block.strip():
                    parsed = header_parser.parsebytes(block.encode("ascii", "surrogateescape"))
                    out.extend((name, str(value)) for name, value in parsed.items())
    return out


def floor_body(data: bytes) -> list[tuple[bytes, bytes]]:
    """The floor: one precompiled regex splitting field names from values."""
    return FLOOR_RE.findall(data)


def floor_multipart(data: bytes) -> list[tuple[bytes, bytes]]:
    """The floor for a whole message: split at the boundary, regex-split the status parts."""
    match = _BOUNDARY_RE.search(data)
    assert match is not None
    out: list[tuple[bytes, bytes]] = []
    for part in data.split(b"--" + match.group(1)):
        if _STATUS_PART_RE.search(part):
            out.extend(FLOOR_RE.findall(part))
    return out


# --- abnf (PyPI) -----------------------------------------------------------

# RFC 5234 Appendix B core rules: built into the abnf package, which refuses
# redefinitions of them.
_CORE = {
    "alpha",
    "bit",
    "char",
    "cr",
    "crlf",
    "ctl",
    "digit",
    "dquote",
    "hexdig",
    "htab",
    "lf",
    "lwsp",
    "octet",
    "sp",
    "vchar",
    "wsp",
}

# The order in which files are layered: later "=" definitions replace earlier
# ones (case-insensitive names), as msgtrk's compiler layers local-fixes.abnf.
# RFC 5321 comes after RFC 3461 so that its Domain (not RFC 3461 §9.3's
# informative domain) is the one MAIL/RCPT use.
_MAIL_FILES = [
    "rfc5322.abnf",
    "rfc3461.abnf",
    "rfc3885.abnf",
    "rfc6533.abnf",
    "rfc5321.abnf",
    "local-fixes.abnf",
]

# The command lines with the DSN and MTRK parameters dispatched by keyword, the
# way msgtrk reads them; written in ABNF over the RFC rules (RFC 3461 §4,
# RFC 3885 §3.1, RFC 5321 §4.1.2 esmtp-param for the rest).
GLUE = """\
bench-mail = "MAIL FROM:" Reverse-path [SP bench-mail-param *(SP bench-mail-param)]
bench-mail-param = mtrk-parameter / envid-parameter / bench-ret / esmtp-param
bench-ret = "RET=" ret-esmtp-value
bench-rcpt = "RCPT TO:" Forward-path [SP bench-rcpt-param *(SP bench-rcpt-param)]
bench-rcpt-param = bench-notify / orcpt-parameter / esmtp-param
bench-notify = "NOTIFY=" notify-esmtp-value
"""

_RULE_START = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*(=/|=)", re.M)
_RULENAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


def _strip_comments(text: str) -> str:
    out = []
    for line in text.splitlines():
        cut, quoted = len(line), False
        for i, ch in enumerate(line):
            if ch == '"':
                quoted = not quoted
            elif ch == ";" and not quoted:
                cut = i
                break
        out.append(line[:cut].rstrip())
    return "\n".join(out)


def _split_rules(text: str) -> list[tuple[str, str, str]]:
    """(name, "=" or "=/", elements) for each rule of an ABNF file."""
    body = _strip_comments(text)
    starts = list(_RULE_START.finditer(body))
    rules = []
    for m, nxt in zip(starts, [*starts[1:], None], strict=True):
        end = nxt.start() if nxt else len(body)
        elements = " ".join(body[m.end() : end].split())
        rules.append((m.group(1), m.group(2), elements))
    return rules


def _references(elements: str) -> set[str]:
    no_strings = re.sub(r'"[^"]*"|<[^>]*>|%[xdbXDB][0-9A-Fa-f.-]+', " ", elements)
    no_strings = re.sub(r"\b\d*\*\d*", " ", no_strings)
    return {n.lower() for n in _RULENAME.findall(no_strings)}


SPEC = ABNF_DIR.parent / "specs" / "esmtp.toml"


def _spec_sources() -> list[tuple[str, set[str] | None, set[str], bool]]:
    """``(file, only, exclude, override)`` per source of grammar/specs/esmtp.toml.

    The same selection of rules msgtrk's own esmtp grammar is generated from;
    without the spec file, the files of ``_MAIL_FILES`` layered in order.
    """
    if not SPEC.is_file():
        return [(name, None, set(), True) for name in _MAIL_FILES]
    spec = tomllib.loads(SPEC.read_text(encoding="utf-8"))
    return [
        (
            src["file"],
            {n.lower() for n in src["only"]} if "only" in src else None,
            {n.lower() for n in src.get("exclude", ())},
            bool(src.get("override", False)),
        )
        for src in spec.get("source", [])
    ]


def abnf_mail_rules() -> tuple[str, list[str]]:
    """The ABNF text (CRLF line ends) for ``bench-mail``/``bench-rcpt`` and the files used.

    Rules are taken from ``grammar/abnf/`` as ``grammar/specs/esmtp.toml``
    selects them (``only``/``exclude`` per file; ``override`` files replace
    earlier definitions, others add to them), then only those reachable from
    the two start rules are kept.  Raises :class:`Unavailable` when a file or
    a referenced rule is missing.
    """
    defined: dict[str, tuple[str, str]] = {}
    files = []
    for name, only, exclude, override in _spec_sources():
        path = ABNF_DIR / name
        if not path.is_file():
            raise Unavailable(f"grammar/abnf/{name} missing")
        files.append(name)
        for rule, op, elements in _split_rules(path.read_text(encoding="utf-8")):
            key = rule.lower()
            if key in _CORE or key in exclude or (only is not None and key not in only):
                continue
            if op == "=/" and key in defined:
                old_name, old = defined[key]
                defined[key] = (old_name, f"{old} / {elements}")
            elif override or key not in defined:
                defined[key] = (rule, elements)
    for rule, _op, elements in _split_rules(GLUE):
        defined[rule.lower()] = (rule, elements)
    todo, seen = ["bench-mail", "bench-rcpt"], set()
    while todo:
        key = todo.pop()
        if key in seen or key in _CORE:
            continue
        if key not in defined:
            raise Unavailable(
                f"ABNF rule {key!r} not defined in grammar/abnf/{{{','.join(files)}}}"
            )
        seen.add(key)
        elements = defined[key][1]
        if "<" in re.sub(r'"[^"]*"', "", elements):
            raise Unavailable(f"ABNF rule {key!r} is prose")
        todo.extend(_references(elements))
    lines = [f"{defined[k][0]} = {defined[k][1]}" for k in sorted(seen)]
    return "\r\n".join(lines) + "\r\n", files


def load_abnf_mail() -> tuple[Callable[[str], Any], Callable[[str], Any], str]:
    """``(parse_mail, parse_rcpt, backend)`` from the abnf package on our ABNF."""
    try:
        abnf_parser = importlib.import_module("abnf.parser")
    except ImportError as exc:
        raise Unavailable(f"abnf not installed ({exc})") from exc
    backend = str(getattr(abnf_parser, "_BACKEND", "unknown"))
    text, _ = abnf_mail_rules()

    grammar: Any = type(
        "MailGrammar", (abnf_parser.Rule,), {"__doc__": "MAIL/RCPT ABNF in its own namespace."}
    )

    try:
        grammar.load_grammar(text)
    except Exception as exc:
        raise Unavailable(f"abnf rejected grammar/abnf rules: {exc}") from exc
    mail = grammar("bench-mail")
    rcpt = grammar("bench-rcpt")
    return mail.parse_all, rcpt.parse_all, backend


# --- aiosmtpd ---------------------------------------------------------------


class _SessionStub:
    """What ``SMTP._getaddr`` reads from ``self`` (aiosmtpd 1.4.6)."""

    local_part_limit = 0


def _aiosmtpd() -> Any:
    try:
        return importlib.import_module("aiosmtpd.smtp").SMTP
    except ImportError as exc:
        raise Unavailable(f"aiosmtpd not installed ({exc})") from exc


def aiosmtpd_mail() -> Callable[[str], object]:
    """aiosmtpd's own MAIL handling (``smtp_MAIL`` minus I/O), calling its methods.

    As ``SMTP._handle_client`` and ``smtp_MAIL`` do: split the verb, strip
    ``FROM:``, ``_getaddr`` (stdlib ``get_angle_addr``), upper-case and split
    the parameters, ``_getparams``.
    """
    smtp = _aiosmtpd()
    stub = _SessionStub()
    strip, getaddr, getparams = smtp._strip_command_keyword, smtp._getaddr, smtp._getparams

    def parse(line: str) -> object:
        i = line.find(" ")
        command, arg = line[:i].upper(), line[i + 1 :].strip()
        assert command == "MAIL"
        arg = strip(stub, "FROM:", arg)
        address, params = getaddr(stub, arg)
        return address, getparams(stub, params.upper().split())

    return parse


def aiosmtpd_rcpt() -> Callable[[str], object]:
    """aiosmtpd's own RCPT handling (``smtp_RCPT`` minus I/O); see :func:`aiosmtpd_mail`."""
    smtp = _aiosmtpd()
    stub = _SessionStub()
    strip, getaddr, getparams = smtp._strip_command_keyword, smtp._getaddr, smtp._getparams

    def parse(line: str) -> object:
        i = line.find(" ")
        command, arg = line[:i].upper(), line[i + 1 :].strip()
        assert command == "RCPT"
        arg = strip(stub, "TO:", arg)
        address, params = getaddr(stub, arg)
        return address, getparams(stub, params.upper().split())

    return parse


POLICIES: dict[str, Policy] = {
    "email policy.default": email.policy.default,
    "email compat32": email.policy.compat32,
}

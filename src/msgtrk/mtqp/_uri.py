"""The ``mtqp://`` URI scheme (RFC 3887 §9, Appendix A)."""

from __future__ import annotations

import ipaddress
import re

import attrs

from msgtrk._errors import ParseError, SerializeError
from msgtrk.mtqp import _syntax

__all__ = ["DEFAULT_PORT", "MtqpUri", "build_uri", "parse_uri"]

DEFAULT_PORT = 1038
"""The MTQP port assigned by IANA (RFC 3887 §2, §10)."""

_SCHEME = "mtqp://"
_TRACK = "/track/"
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
# §9.4 requires "/", "?" and "%" to be encoded; "#" is encoded too because
# RFC 3986 would read it as the start of a fragment.
_ENCODE = frozenset("/?%#")


@attrs.frozen(kw_only=True)
class MtqpUri:
    """``mtqp://host[:port]/track/unique-envid/mtrk-secret`` (RFC 3887 §9.3).

    ``envid`` and ``secret`` are the decoded values; ``port`` is ``None``
    when the URI gives none (the default, 1038, applies).
    """

    host: str
    port: int | None = attrs.field(default=None)
    envid: str
    secret: str

    @port.validator
    def _check_port(self, attribute: object, value: int | None) -> None:
        if value is not None and not 0 < value < 65536:
            raise ValueError(f"port out of range: {value}")

    @property
    def effective_port(self) -> int:
        """The port to connect to (1038 unless given)."""
        return DEFAULT_PORT if self.port is None else self.port


def _host_ok(host: str) -> bool:
    """An FQDN (local-fixes ``authority = domain [":" *DIGIT]``) or an IP literal."""
    if _syntax.pattern("domain").fullmatch(host):
        return True
    literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        address = ipaddress.ip_address(literal)
    except ValueError:
        return False
    return (address.version == 6) == (literal != host)


def _encode(value: str) -> str:
    out: list[str] = []
    for ch in value:
        if ch in _ENCODE or not "!" <= ch <= "~":
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


def build_uri(uri: MtqpUri | None = None, **fields: object) -> str:
    """The text of an MTQP URI, with the §9.4 percent-encoding.

    Call with a :class:`MtqpUri`, or with its fields as keywords.
    """
    if uri is None:
        uri = MtqpUri(**fields)  # type: ignore[arg-type]
    if not _host_ok(uri.host):
        raise SerializeError(f"invalid host for an MTQP URI: {uri.host!r}")
    if not uri.envid or not uri.secret:
        raise SerializeError("an MTQP URI needs a unique-envid and an mtrk-secret")
    port = "" if uri.port is None else f":{uri.port}"
    return f"{_SCHEME}{uri.host}{port}{_TRACK}{_encode(uri.envid)}/{_encode(uri.secret)}"


def _decode(text: str, start: int, source: str) -> str:
    for m in re.finditer("%", text):
        if not _PCT.match(text, m.start()):
            raise ParseError.at(
                source,
                start + m.start(),
                "'%' must be followed by two hex digits (§9.4)",
                rule="mtqp-uri",
            )
    raw = _PCT.sub(lambda m: chr(int(m.group(1), 16)), text)
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def parse_uri(text: str) -> MtqpUri:
    """Parse an MTQP URI (RFC 3887 §9.3; "mtqp" and "/track/" case-insensitive)."""
    if not text[: len(_SCHEME)].lower() == _SCHEME:
        raise ParseError.at(
            text, 0, "an MTQP URI starts with 'mtqp://'", rule="mtqp-uri", expected=['"mtqp://"']
        )
    bad = next((i for i, c in enumerate(text) if not "!" <= c <= "~"), -1)
    if bad >= 0:
        raise ParseError.at(text, bad, "URIs are printable ASCII without blanks", rule="mtqp-uri")
    pos = len(_SCHEME)
    slash = text.find("/", pos)
    if slash < 0:
        raise ParseError.at(
            text, len(text), "expected '/track/'", rule="mtqp-uri", expected=['"/track/"']
        )
    authority = text[pos:slash]
    host, port = authority, None
    if "@" in authority:
        raise ParseError.at(
            text, pos + authority.index("@"), "an MTQP URI has no user info", rule="authority"
        )
    m = re.fullmatch(r"(\[[^\]]*\]|[^:]*)(?::([0-9]*))?", authority)
    if m is None:
        raise ParseError.at(text, pos, "invalid authority", rule="authority")
    host = m.group(1)
    if not _host_ok(host):
        raise ParseError.at(
            text, pos, "expected a fully qualified domain name or an IP address", rule="domain"
        )
    if m.group(2):
        # At most 5 digits before int(): Python refuses huge digit strings.
        port = int(m.group(2)) if len(m.group(2)) <= 5 else 0
        if not 0 < port < 65536:
            raise ParseError.at(text, pos + len(host) + 1, "port out of range", rule="port")
    if text[slash : slash + len(_TRACK)].lower() != _TRACK:
        raise ParseError.at(
            text, slash, "expected '/track/'", rule="mtqp-uri", expected=['"/track/"']
        )
    rest_at = slash + len(_TRACK)
    rest = text[rest_at:]
    for ch in "?#":
        if ch in rest:
            raise ParseError.at(
                text,
                rest_at + rest.index(ch),
                f"{ch!r} must be percent-encoded (§9.4)",
                rule="mtqp-uri",
            )
    if rest.count("/") != 1:
        where = rest_at + (rest.find("/", rest.find("/") + 1) if rest.count("/") > 1 else len(rest))
        raise ParseError.at(
            text,
            where,
            "expected unique-envid '/' mtrk-secret ('/' inside them is %2F, §9.4)",
            rule="mtqp-uri",
        )
    envid_text, secret_text = rest.split("/")
    if not envid_text:
        raise ParseError.at(text, rest_at, "expected a unique-envid", rule="unique-envid")
    if not secret_text:
        raise ParseError.at(text, len(text), "expected an mtrk-secret", rule="mtrk-secret")
    envid = _decode(envid_text, rest_at, text)
    secret_at = rest_at + len(envid_text) + 1
    secret = _decode(secret_text, secret_at, text)
    if not _syntax.pattern("unique-envid").fullmatch(envid):
        raise ParseError.at(
            text,
            rest_at,
            "not a unique-envid (RFC 3885 §3.2: xtext '@' xtext)",
            rule="unique-envid",
        )
    if not _syntax.pattern("mtrk-secret").fullmatch(secret):
        raise ParseError.at(text, secret_at, "not a base64 mtrk-secret", rule="mtrk-secret")
    return MtqpUri(host=host, port=port, envid=envid, secret=secret)

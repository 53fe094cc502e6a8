"""The tracking secret and certifier (RFC 3885 §3.1, §3.2; RFC 3887 §4).

A is a random number of 128 to 1024 bits; the certifier B is base64(SHA1(A)).
Both are written as unpadded base64, since the ``base64`` set of RFC 3885 §1
has no "=" (the 160-bit SHA-1 gives the "27 octet string" of §3.2).  TRACK
(RFC 3887 §4) sends A; the server hashes the decoded octets of A (RFC 3885
defines A as a number, B = SHA1(A)).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from msgtrk._errors import MsgtrkError
from msgtrk.esmtp._xtext import xtext_encode

__all__ = [
    "MtrkSecretError",
    "mtrk_certifier",
    "new_mtrk_secret",
    "new_unique_envid",
    "verify_mtrk_secret",
]

MIN_BITS = 128
MAX_BITS = 1024
ENVID_LIMIT = 100


class MtrkSecretError(MsgtrkError, ValueError):
    """A tracking secret outside what RFC 3885 §3.1 allows (128 to 1024 bits)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str | bytes) -> bytes | None:
    if isinstance(text, str):
        try:
            text = text.encode("ascii")
        except UnicodeEncodeError:
            return None
    text = text.rstrip(b"=")
    try:
        return base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _check_bits(bits: int) -> None:
    if not MIN_BITS <= bits <= MAX_BITS:
        raise MtrkSecretError(
            f"a tracking secret has {MIN_BITS} to {MAX_BITS} bits (RFC 3885 §3.1), not {bits}"
        )


def mtrk_certifier(secret: str | bytes, *, check_bits: bool = True) -> str:
    """The certifier B = base64(SHA1(A)) for a secret A (RFC 3885 §3.1).

    ``secret`` is the base64 text of A as a ``str``, or the octets of A as
    ``bytes``.  With ``check_bits`` (default) A must have 128 to 1024 bits.
    """
    raw = secret if isinstance(secret, bytes) else _unb64(secret)
    if raw is None:
        raise MtrkSecretError("the tracking secret is not base64 (RFC 3885 §1)")
    if check_bits:
        _check_bits(len(raw) * 8)
    return _b64(hashlib.sha1(raw).digest())


def new_mtrk_secret(bits: int = 256) -> tuple[str, str]:
    """A new secret A (``bits`` random bits from :mod:`secrets`) and its certifier B.

    Returns ``(base64(A), base64(SHA1(A)))``, both unpadded (RFC 3885 §3.1).
    ``bits`` must be 128 to 1024 and a multiple of 8.
    """
    if not isinstance(bits, int) or isinstance(bits, bool):
        raise MtrkSecretError("bits must be an int")
    _check_bits(bits)
    if bits % 8:
        raise MtrkSecretError("bits must be a multiple of 8 (the secret is octets)")
    raw = secrets.token_bytes(bits // 8)
    return _b64(raw), _b64(hashlib.sha1(raw).digest())


def verify_mtrk_secret(
    secret: str | bytes, certifier: str | bytes, *, check_bits: bool = False
) -> bool:
    """True if base64(SHA1(A)) of the TRACK secret equals the stored certifier.

    The comparison is constant-time (:func:`hmac.compare_digest`); padding
    "=" on either side is ignored.  Malformed input gives False.  RFC 3887
    §4.1 prints secrets shorter than 128 bits, so the length is only checked
    with ``check_bits=True``.
    """
    raw = _unb64(secret)
    if raw is None or (check_bits and not MIN_BITS <= len(raw) * 8 <= MAX_BITS):
        return False
    expected = base64.b64encode(hashlib.sha1(raw).digest()).rstrip(b"=")
    given = certifier.encode("utf-8", "replace") if isinstance(certifier, str) else certifier
    return hmac.compare_digest(expected, given.rstrip(b"="))


def new_unique_envid(fqhn: str, local_envid: str | None = None) -> str:
    """An ENVID ``local-envid@fqhn`` that fits in 100 characters (RFC 3885 §3.2).

    ``local_envid`` defaults to 32 random hexadecimal digits.  When
    local-envid + "@" + fqhn is longer than 100 characters, fqhn is replaced
    by base64(SHA1(fqhn)) (27 characters) as §3.2 prescribes.  The result is
    the decoded ENVID; its xtext form (what counts on the wire) fits too.
    """
    local = secrets.token_hex(16) if local_envid is None else local_envid
    if len(xtext_encode(local)) + 1 + len(xtext_encode(fqhn)) > ENVID_LIMIT:
        fqhn = _b64(hashlib.sha1(fqhn.encode("utf-8")).digest())
    room = ENVID_LIMIT - 1 - len(xtext_encode(fqhn))
    if len(xtext_encode(local)) > room:
        if local_envid is not None:
            raise MtrkSecretError(f"local-envid must fit in {room} characters (RFC 3885 §3.2)")
        local = local[:room]  # a hashed fqhn full of "+" leaves less room
    return f"{local}@{fqhn}"

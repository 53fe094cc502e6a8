"""The tracking secret and certifier (RFC 3885 §3.1, §3.2; RFC 3887 §4).

The test values printed in RFC 3887 §4.1 are WRONG and are not used as
vectors: its "SHA1 hash B" 734ba8b31975d0dbae4d6e249f4e8da270796c94 is
SHA-0("abcdefgh"), and its TRACK secret YWJjZGVmZ2gK is base64 of
"abcdefgh" plus a newline (see shared/rfc/README.md).  Our vectors are
derived from the standard SHA-1 (hashlib) and base64.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msgtrk import MsgtrkError
from msgtrk.esmtp import (
    MtrkSecretError,
    mtrk_certifier,
    new_mtrk_secret,
    new_unique_envid,
    parse_mail,
    verify_mtrk_secret,
    xtext_encode,
)

# SHA-1("abcdefgh") as FIPS 180-1 defines it (not the SHA-0 value RFC 3887 §4.1 prints)
ABCDEFGH_SHA1 = "425af12a0743502b322e93a015bcf868e324d56a"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def test_vector_from_standard_sha1() -> None:
    assert hashlib.sha1(b"abcdefgh").hexdigest() == ABCDEFGH_SHA1
    assert ABCDEFGH_SHA1 != "734ba8b31975d0dbae4d6e249f4e8da270796c94"  # RFC 3887 §4.1's SHA-0
    certifier = _b64(bytes.fromhex(ABCDEFGH_SHA1))
    assert certifier == "QlrxKgdDUCsyLpOgFbz4aOMk1Wo"
    # the secret as TRACK sends it: base64("abcdefgh"), not RFC 3887's "YWJjZGVmZ2gK" (+ LF)
    assert verify_mtrk_secret("YWJjZGVmZ2g", certifier)
    assert verify_mtrk_secret("YWJjZGVmZ2g=", certifier)  # padding is ignored
    assert not verify_mtrk_secret("YWJjZGVmZ2gK", certifier)  # RFC 3887 §4.1 as printed
    assert mtrk_certifier(b"abcdefgh", check_bits=False) == certifier
    with pytest.raises(MtrkSecretError):
        mtrk_certifier(b"abcdefgh")  # 64 bits: below RFC 3885 §3.1's 128
    assert not verify_mtrk_secret("YWJjZGVmZ2g", certifier, check_bits=True)


@pytest.mark.parametrize("bits", [128, 160, 256, 512, 1024])
def test_new_secret(bits: int) -> None:
    secret, certifier = new_mtrk_secret(bits=bits)
    raw = base64.b64decode(secret + "=" * (-len(secret) % 4))
    assert len(raw) * 8 == bits
    assert certifier == _b64(hashlib.sha1(raw).digest())
    assert len(certifier) == 27  # RFC 3885 §3.2: "a 27 octet string"
    assert "=" not in secret + certifier  # RFC 3885 §1 base64 has no padding
    assert verify_mtrk_secret(secret, certifier)
    # the certifier is a valid MTRK value
    cmd = parse_mail(f"MAIL FROM:<a@b> ENVID=x@y MTRK={certifier}:60")
    assert cmd.mtrk is not None and cmd.mtrk.certifier == certifier


@pytest.mark.parametrize("bits", [0, 8, 120, 127, 1025, 1032, 2048, -128])
def test_bits_out_of_range(bits: int) -> None:
    with pytest.raises(MtrkSecretError) as info:
        new_mtrk_secret(bits=bits)
    assert isinstance(info.value, MsgtrkError) and isinstance(info.value, ValueError)


def test_bits_must_be_octets() -> None:
    with pytest.raises(MtrkSecretError):
        new_mtrk_secret(bits=130)


def test_secrets_differ() -> None:
    assert len({new_mtrk_secret()[0] for _ in range(20)}) == 20


@given(st.binary(min_size=16, max_size=128))
def test_agrees_with_hashlib_and_base64(raw: bytes) -> None:
    secret = base64.b64encode(raw).decode()
    certifier = base64.b64encode(hashlib.sha1(raw).digest()).decode()
    assert mtrk_certifier(secret) == certifier.rstrip("=")
    assert mtrk_certifier(raw) == certifier.rstrip("=")
    assert verify_mtrk_secret(secret, certifier)
    assert verify_mtrk_secret(secret.rstrip("="), certifier.rstrip("="))
    flipped = bytes([raw[0] ^ 1]) + raw[1:]
    assert not verify_mtrk_secret(base64.b64encode(flipped).decode(), certifier)


@given(st.binary(max_size=15) | st.binary(min_size=129, max_size=200))
def test_rejects_secrets_outside_128_to_1024_bits(raw: bytes) -> None:
    with pytest.raises(MtrkSecretError):
        mtrk_certifier(raw)
    cert = base64.b64encode(hashlib.sha1(raw).digest()).decode()
    assert not verify_mtrk_secret(base64.b64encode(raw).decode(), cert, check_bits=True)


@pytest.mark.parametrize("bad", ["not base64!", "é", "", "Q", "QQ=Q"])
def test_malformed_secret_is_false(bad: str) -> None:
    assert not verify_mtrk_secret(bad, "QlrxKgdDUCsyLpOgFbz4aOMk1Wo")


def test_malformed_certifier_is_false() -> None:
    secret, _ = new_mtrk_secret()
    assert not verify_mtrk_secret(secret, "é")
    assert not verify_mtrk_secret(secret, b"")


def test_unique_envid_short_fqhn() -> None:
    envid = new_unique_envid("mta.example.com")
    local, _, fqhn = envid.rpartition("@")
    assert fqhn == "mta.example.com"
    assert len(local) == 32
    assert new_unique_envid("mta.example.com") != envid
    assert new_unique_envid("h.example", "QQ314159") == "QQ314159@h.example"


def test_unique_envid_long_fqhn_is_hashed() -> None:
    # RFC 3885 §3.2: over 100 characters -> fqhn becomes base64(SHA1(fqhn)), 27 characters
    fqhn = "a" * 63 + "." + "b" * 40 + ".example"
    envid = new_unique_envid(fqhn)
    _local, _, hashed = envid.rpartition("@")
    assert hashed == _b64(hashlib.sha1(fqhn.encode()).digest())
    assert len(hashed) == 27
    assert len(xtext_encode(envid)) <= 100
    cmd = parse_mail(f"MAIL FROM:<a@b> ENVID={xtext_encode(envid)} MTRK=abc")
    assert cmd.envid == envid


def test_unique_envid_local_too_long() -> None:
    with pytest.raises(MtrkSecretError):
        new_unique_envid("h.example", "x" * 99)
    # §3.2: with a hashed fqhn of 27 characters, local-envid may have 72
    fqhn = next(f for f in ("h" * 60 + str(i) for i in range(100)) if "+" not in _hash(f))
    assert len(new_unique_envid(fqhn, "x" * 72)) == 100
    # a "+" in the base64 hash costs 2 more characters once xtext-encoded (RFC 3461 §4)
    plus = next(f for f in ("h" * 60 + str(i) for i in range(100)) if "+" in _hash(f))
    with pytest.raises(MtrkSecretError):
        new_unique_envid(plus, "x" * 72)


def _hash(fqhn: str) -> str:
    return _b64(hashlib.sha1(fqhn.encode()).digest())

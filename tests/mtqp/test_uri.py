"""The mtqp:// URI (RFC 3887 §9): valid and invalid rows, each with its reason."""

from __future__ import annotations

import pytest
from hypothesis import given

from msgtrk import mtqp
from strategies.mtqp import mtqp_uris

VALID = [
    # (text, host, port, envid, secret)
    # §9.3 first form: standard port
    (
        "mtqp://example2.com/track/12345@example.com/YWJj",
        "example2.com",
        None,
        "12345@example.com",
        "YWJj",
    ),
    # §9.3 second form: explicit port
    ("mtqp://example2.com:1039/track/a@b/QUJD", "example2.com", 1039, "a@b", "QUJD"),
    # §9.3: "/track/" case-insensitive, envid and secret case-sensitive
    ("MTQP://h.example/TRACK/AbC@x/QuJd", "h.example", None, "AbC@x", "QuJd"),
    # §9.4: "/", "?" and "%" percent-encoded
    ("mtqp://h.example/track/a%2Fb%3F%25@x/ab%2Fcd", "h.example", None, "a/b?%@x", "ab/cd"),
    # the §4.1 envid with its angle brackets
    (
        "mtqp://h.example/track/<12345-20010101@example.com>/YWJjZGVmZ2gK",
        "h.example",
        None,
        "<12345-20010101@example.com>",
        "YWJjZGVmZ2gK",
    ),
    # IP literals (RFC 3986 authority)
    ("mtqp://[::1]:1038/track/a@b/QUJD", "[::1]", 1038, "a@b", "QUJD"),
    ("mtqp://127.0.0.1/track/a@b/QUJD", "127.0.0.1", None, "a@b", "QUJD"),
]

INVALID = [
    # (text, offset, rule)
    ("http://h/track/a@b/QUJD", 0, "mtqp-uri"),  # wrong scheme
    ("mtqp://h.example/trak/a@b/QUJD", 16, "mtqp-uri"),  # not /track/
    ("mtqp://h", 8, "mtqp-uri"),  # no path
    ("mtqp://h.example/track/a/b@c/QUJD", 28, "mtqp-uri"),  # "/" in envid must be %2F (§9.4)
    ("mtqp://h.example/track/a?b@c/QUJD", 24, "mtqp-uri"),  # "?" must be %3F (§9.4)
    ("mtqp://h.example/track/a%zz@c/QUJD", 24, "mtqp-uri"),  # bad percent-escape
    ("mtqp://h.example/track//QUJD", 23, "unique-envid"),
    ("mtqp://h.example/track/a@b/", 27, "mtrk-secret"),
    ("mtqp://h.example:99999/track/a@b/QUJD", 17, "port"),
    ("mtqp://u@h/track/a@b/QUJD", 8, "authority"),  # no userinfo
    ("mtqp://h.example/track/a b@c/QUJD", 24, "mtqp-uri"),  # blank
    ("mtqp:///track/a@b/QUJD", 7, "domain"),
    ("mtqp://localhost/track/a@b/QUJD", 7, "domain"),  # authority = domain: an FQDN
    ("mtqp://[127.0.0.1]/track/a@b/QUJD", 7, "domain"),  # brackets are for IPv6
    ("mtqp://h.example/track/nobody/QUJD", 23, "unique-envid"),  # no "@" (RFC 3885 §3.2)
    ("mtqp://h.example/track/a@b/QU=D", 27, "mtrk-secret"),  # "=" is not base64 (RFC 3885 §1)
]


@pytest.mark.parametrize(("text", "host", "port", "envid", "secret"), VALID)
def test_valid(text: str, host: str, port: int | None, envid: str, secret: str) -> None:
    uri = mtqp.parse_uri(text)
    assert uri == mtqp.MtqpUri(host=host, port=port, envid=envid, secret=secret)
    assert uri.effective_port == (port or 1038)
    assert mtqp.parse_uri(mtqp.build_uri(uri)) == uri


@pytest.mark.parametrize(("text", "offset", "rule"), INVALID)
def test_invalid(text: str, offset: int, rule: str) -> None:
    with pytest.raises(mtqp.ParseError) as info:
        mtqp.parse_uri(text)
    assert (info.value.offset, info.value.column, info.value.rule) == (offset, offset + 1, rule)


def test_build_encodes() -> None:
    uri = mtqp.MtqpUri(host="h.example", envid="a/b?c%d#e@x", secret="ab/c")
    assert mtqp.build_uri(uri) == "mtqp://h.example/track/a%2Fb%3Fc%25d%23e@x/ab%2Fc"
    assert mtqp.serialize(uri) == mtqp.build_uri(uri).encode()
    with pytest.raises(mtqp.SerializeError):
        mtqp.build_uri(host="", envid="a@b", secret="x")


@given(mtqp_uris)
def test_round_trip(uri: mtqp.MtqpUri) -> None:
    assert mtqp.parse_uri(mtqp.build_uri(uri)) == uri

"""EHLO replies (RFC 5321 §4.1.1.1, §4.2; RFC 3461 §3; RFC 3885 §2)."""

from __future__ import annotations

import pytest

from msgtrk import ParseError, SerializeError
from msgtrk.esmtp import EhloLine, EhloReply, parse_ehlo, serialize_ehlo

REPLY = (
    "250-mx.example.org Hello client [192.0.2.7]\r\n"
    "250-SIZE 10240000\r\n"
    "250-8BITMIME\r\n"
    "250-DSN\r\n"
    "250-mtrk\r\n"
    "250-AUTH PLAIN LOGIN\r\n"
    "250 ENHANCEDSTATUSCODES\r\n"
)


def test_parse_multiline() -> None:
    reply = parse_ehlo(REPLY)
    assert reply.domain == "mx.example.org"
    assert reply.greeting == "Hello client [192.0.2.7]"
    assert reply.keywords == ("SIZE", "8BITMIME", "DSN", "MTRK", "AUTH", "ENHANCEDSTATUSCODES")
    assert reply.offers("MTRK") and reply.offers("dsn") and reply.offers("Mtrk")
    assert not reply.offers("STARTTLS")
    assert reply.params("size") == ("10240000",)
    assert reply.params("AUTH") == ("PLAIN", "LOGIN")
    assert reply.params("DSN") == ()
    assert reply.params("CHUNKING") is None
    assert serialize_ehlo(reply) == REPLY
    assert parse_ehlo(REPLY.replace("\r\n", "\n")) == reply
    assert parse_ehlo(REPLY.encode()) == reply


def test_single_line() -> None:
    reply = parse_ehlo("250 mx.example.org\r\n")
    assert reply == EhloReply(domain="mx.example.org")
    assert reply.lines == ()
    assert parse_ehlo("250 [192.0.2.1] hi").greeting == "hi"  # §4.1.1.1 address literal


def test_build() -> None:
    reply = EhloReply.build("mx.example.org", ["SIZE 1000", "DSN", EhloLine(keyword="MTRK")])
    text = "250-mx.example.org\r\n250-SIZE 1000\r\n250-DSN\r\n250 MTRK\r\n"
    assert serialize_ehlo(reply) == text
    assert parse_ehlo(text) == reply
    added = parse_ehlo("250-mx\r\n250 SIZE 1\r\n").with_extensions("DSN", "MTRK", "size")
    assert serialize_ehlo(added) == "250-mx\r\n250-SIZE 1\r\n250-DSN\r\n250 MTRK\r\n"
    with pytest.raises(SerializeError):
        EhloLine(keyword="-X")
    with pytest.raises(SerializeError):
        EhloLine(keyword="X", params=("a b",))


# fmt: off
BAD = [
    ("", 1, 1, "ehlo-ok-rsp"),  # §4.1.1.1 a reply
    ("220 mx\r\n", 1, 1, "ehlo-ok-rsp"),  # §4.1.1.1 250
    ("250-mx\r\n", 1, 4, "ehlo-ok-rsp"),  # §4.2 last line "250" SP
    ("250 mx\r\n250 DSN\r\n", 1, 4, "ehlo-ok-rsp"),  # §4.2 "250-" before the last line
    ("250-mx\r\n251 DSN\r\n", 2, 1, "ehlo-ok-rsp"),  # §4.2 same code
    ("250-mx\r\n250 -DSN\r\n", 2, 5, "ehlo-keyword"),  # §4.1.1.1 (ALPHA / DIGIT) first
    ("250-mx\r\n250 AUTH=LOGIN\r\n", 2, 5, "ehlo-keyword"),  # §4.1.1.1 old "AUTH=" form
    ("250-mx\r\n250 SIZE  1\r\n", 2, 10, "ehlo-param"),  # §4.1.1.1 1*(%d33-126)
    ("250-mx_x\r\n250 DSN\r\n", 1, 5, "Domain"),  # §4.1.1.1 Domain
]
# fmt: on


@pytest.mark.parametrize(("text", "line", "column", "rule"), BAD)
def test_bad_replies(text: str, line: int, column: int, rule: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_ehlo(text)
    assert (info.value.line, info.value.column, info.value.rule) == (line, column, rule)


def test_lenient_skips_bad_lines() -> None:
    reply = parse_ehlo("250-mx\r\n250-AUTH=LOGIN\r\n250 MTRK\r\n", strict=False)
    assert reply.keywords == ("MTRK",)
    assert [(d.line, d.column, d.rule) for d in reply.defects] == [(2, 5, "ehlo-keyword")]
    assert serialize_ehlo(reply) == "250-mx\r\n250-AUTH=LOGIN\r\n250 MTRK\r\n"


def test_non_ascii_bytes() -> None:
    with pytest.raises(ParseError) as info:
        parse_ehlo(b"250-mx\r\n250 D\xffSN\r\n")
    assert (info.value.line, info.value.column) == (2, 6)


def test_bare_last_code_positions_stay_inside() -> None:
    text = "250-mx\r\n250-DSN\r\n250"
    with pytest.raises(ParseError) as info:
        parse_ehlo(text)
    assert (info.value.offset, info.value.line, info.value.column) == (20, 3, 4)
    reply = parse_ehlo("250-mx\r\n250-DSN\r\n250-X|\r\n250", strict=False)
    assert [(d.offset, d.line, d.column) for d in reply.defects] == [(21, 3, 5), (28, 4, 4)]


def test_bytes_like_reply() -> None:
    # review #12(d): bytearray / memoryview buffers, as network code holds them
    data = b"250-mx.example\r\n250-DSN\r\n250 MTRK\r\n"
    for wrapped in (bytearray(data), memoryview(data), memoryview(bytearray(data))):
        assert parse_ehlo(wrapped) == parse_ehlo(data)

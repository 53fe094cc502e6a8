"""Hostile input: only msgtrk errors escape, positions are real, lenient loses nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msgtrk import MsgtrkError, ParseError
from msgtrk._errors import position
from msgtrk.esmtp import parse_ehlo, parse_mail, parse_rcpt, serialize, serialize_ehlo

_PIECES = st.sampled_from(
    [
        "MAIL FROM:",
        "RCPT TO:",
        "<",
        ">",
        "@",
        ".",
        ":",
        ",",
        '"',
        "\\",
        " ",
        "=",
        "+",
        "+2B",
        "ENVID=",
        "MTRK=",
        "RET=",
        "NOTIFY=",
        "ORCPT=",
        "rfc822;",
        "utf-8;",
        "\\x{E9}",
        "NEVER",
        "SUCCESS",
        "a",
        "Z9",
        "-",
        "[",
        "]",
        "IPv6:",
        "\r\n",
        "\n",
        "\t",
        "é",
        "\x00",
        "\ud800",
        "250-",
        "250 ",
        "DSN",
        "Postmaster",
    ]
)
_LINES = st.lists(_PIECES, max_size=14).map("".join) | st.text(max_size=40)


def _check(parse: object, data: str | bytes) -> None:
    for strict in (True, False):
        try:
            result = parse(data, strict=strict)  # type: ignore[operator]
        except ParseError as exc:
            assert 0 <= exc.offset <= len(data)
            assert (exc.line, exc.column) == position(data, exc.offset)
            continue
        except MsgtrkError:
            continue
        for d in result.defects:
            assert 0 <= d.offset <= len(data)
            assert (d.line, d.column) == position(data, d.offset)
        if strict:
            assert result.defects == ()
            assert parse(data, strict=False) == result  # type: ignore[operator]
        if isinstance(data, str):
            text = serialize_ehlo(result) if parse is parse_ehlo else serialize(result)
            assert text == data


@given(_LINES)
def test_mail(data: str) -> None:
    _check(parse_mail, data)
    _check(parse_mail, "MAIL FROM:" + data)
    _check(parse_mail, data.encode("utf-8", "surrogatepass"))


@given(_LINES)
def test_rcpt(data: str) -> None:
    _check(parse_rcpt, data)
    _check(parse_rcpt, "RCPT TO:<a@b> " + data)


@given(_LINES)
def test_ehlo(data: str) -> None:
    _check(parse_ehlo, data)
    _check(parse_ehlo, "250-mx\r\n250 " + data)


def test_many_labels_then_a_bad_character() -> None:
    # exponential backtracking before the emitter dropped the contained LDH branch
    # of sub-domain (fuzz finding F15 family): 2^labels on a failing match
    for parse, head in ((parse_mail, "MAIL FROM:<a@"), (parse_rcpt, "RCPT TO:<a@")):
        line = head + "ab." * 60 + "-b>"
        with pytest.raises(ParseError) as info:
            parse(line)
        assert info.value.rule == "Domain"
    reply = "250 " + "ab." * 60 + "-\r\n"
    with pytest.raises(ParseError):
        parse_ehlo(reply)

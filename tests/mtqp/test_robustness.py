"""Arbitrary bytes: only msgtrk errors escape, positions are real, buffers stay bounded."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msgtrk import MsgtrkError, mtqp
from msgtrk._errors import position

_ALPHABET = st.sampled_from(
    [
        b"\r\n",
        b"\n",
        b"\r",
        b".",
        b"..",
        b" ",
        b"\t",
        b"/",
        b"+OK",
        b"+OK+",
        b"-ERR",
        b"TRACK",
        b"QUIT",
        b"STARTTLS",
        b"a@b",
        b"QUJD",
        b"\x00",
        b"\xff",
        b"x" * 600,
        b"MTQP",
    ]
)
_junk = st.one_of(st.binary(max_size=300), st.lists(_ALPHABET, max_size=30).map(b"".join))


@given(_junk)
def test_parsers_raise_only_our_errors(data: bytes) -> None:
    for parse in (mtqp.parse_command, mtqp.parse_response, mtqp.parse_greeting):
        for strict in (True, False):
            try:
                model = parse(data, strict=strict)  # type: ignore[operator]
            except mtqp.ParseError as err:
                assert 0 <= err.offset <= len(data)
                assert (err.line, err.column) == position(data, err.offset)
            else:
                assert mtqp.serialize(model) == data  # nothing lost


@given(st.text(max_size=80))
def test_uri_raises_only_our_errors(text: str) -> None:
    try:
        mtqp.parse_uri("mtqp://" + text)
    except mtqp.ParseError as err:
        assert 0 <= err.offset <= len(text) + 7


@given(st.sampled_from([mtqp.CLIENT, mtqp.SERVER]), st.lists(_junk, max_size=8))
def test_connection_raises_only_our_errors(role: mtqp.Role, pieces: list[bytes]) -> None:
    conn = mtqp.Connection(role)
    if role is mtqp.SERVER:
        conn.send(mtqp.Greeting.ready(options=[mtqp.Option.starttls()]))
    try:
        for piece in [*pieces, b""]:
            conn.receive_data(piece)
            for _ in range(50):
                event = conn.next_event()
                if event is mtqp.NEED_DATA or isinstance(event, mtqp.ConnectionClosed):
                    break
                if event is mtqp.PAUSED:
                    if conn.state is mtqp.State.TLS:
                        conn.start_tls_done()
                        conn.send(mtqp.Greeting.ready())
                        continue
                    break
                if isinstance(event, mtqp.BadCommand | mtqp.Rejected):
                    conn.send(event.response)
                elif isinstance(event, mtqp.Quit | mtqp.StartTLS):
                    conn.send(mtqp.Response.ok())
                elif role is mtqp.SERVER:
                    conn.send(mtqp.Response.multiline(b"x\r\n"))
                elif isinstance(event, mtqp.Greeting) and event.positive:
                    conn.send(mtqp.Comment())
            assert len(conn.trailing_data) <= conn.limits.max_buffer
    except MsgtrkError:
        pass


def test_many_codes_with_a_bad_tail_are_rejected_at_the_bad_octet() -> None:
    # Fuzz finding F15: the generated response-info regex backtracks
    # exponentially; codes are checked one by one, so 40 codes stay linear.
    line = b"-ERR" + b"/ADMIN" * 40 + b"\x00"
    for strict in (True, False):
        with pytest.raises(mtqp.ParseError) as err:
            mtqp.parse_response(line + b"\r\n", strict=strict)
        assert (err.value.line, err.value.column, err.value.rule) == (1, 245, "command-response")
        with pytest.raises(mtqp.ParseError) as gerr:
            mtqp.parse_greeting(b"+OK/MTQP" + b"/admin" * 40 + b"!\r\n", strict=strict)
        assert (gerr.value.line, gerr.value.column) == (1, 249)


@pytest.mark.parametrize("strict", [True, False])
def test_bare_cr_inside_a_body_line_is_a_parse_error(strict: bool) -> None:
    # Fuzz finding F22; RFC 3887 §2.3 (lines end with CRLF), local-fixes dataline.
    for wire, where in [(b"+OK+\r\n\r\r\n.\r\n", (2, 1)), (b"+OK+ x\r\nab\rc\r\n.\r\n", (2, 3))]:
        with pytest.raises(mtqp.ParseError) as err:
            mtqp.parse_response(wire, strict=strict)
        assert (err.value.line, err.value.column, err.value.rule) == (*where, "dataline")
    client = mtqp.Connection(mtqp.CLIENT, strict=strict)
    client.receive_data(b"+OK/MTQP\r\n")
    assert isinstance(client.next_event(), mtqp.Greeting)
    client.send(mtqp.Comment())
    client.receive_data(b"+OK+\r\nab\rc\r\n.\r\n")
    with pytest.raises(mtqp.RemoteParseError) as rerr:
        client.next_event()
    assert (rerr.value.line, rerr.value.column) == (3, 3)


@pytest.mark.parametrize(
    ("parse", "data", "rule"),
    [
        (mtqp.parse_command, b"COMMENT " + b"a" * 4_000_000 + b"\r\n", "client-command"),
        (mtqp.parse_command, "COMMENT " + "a" * 4_000_000 + "\r\n", "client-command"),
        (mtqp.parse_response, b"+OK " + b"a" * 4_000_000 + b"\r\n", "command-response"),
    ],
)
def test_long_line_refused_before_memory_is_spent(parse: Any, data: bytes | str, rule: str) -> None:
    # Fuzz finding F17; RFC 3887 §2.2/§2.3: 998 octets, refused from the first 1000.
    tracemalloc.start()
    try:
        with pytest.raises(mtqp.LimitError) as err:
            parse(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (err.value.line, err.value.column, err.value.rule) == (1, 999, rule)
    assert peak < len(data) // 100


@given(
    keyword=st.sampled_from(["TRACK", "track", "QUIT", "Quit"]),
    blanks=st.text(alphabet=" \t", min_size=1, max_size=5),
)
def test_lenient_trailing_blanks_round_trip(keyword: str, blanks: str) -> None:
    # fuzz finding F23: lenient parsing kept the blanks before CRLF but serialize dropped them
    args = " a@b.example QUJD" if keyword.upper() == "TRACK" else ""
    line = f"{keyword}{args}{blanks}\r\n".encode()
    with pytest.raises(mtqp.ParseError):
        mtqp.parse_command(line)
    command = mtqp.parse_command(line, strict=False)
    assert [d.kind for d in command.defects] == ["trailing-blanks"]
    assert command.defects[0].column == len(keyword) + len(args) + 1
    assert mtqp.serialize(command) == line


@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize(
    ("parse", "data", "column"),
    [
        (mtqp.parse_response, "+OK caf\u20ac\r\n", 8),
        (mtqp.parse_greeting, "+OK/MTQP \u2028\r\n", 10),
        (mtqp.parse_response, "-ERR/\ud800x\r\n", 6),
    ],
)
def test_str_input_above_latin1_is_a_parse_error(
    parse: Any, data: str, column: int, strict: bool
) -> None:
    # review finding (session 2): a bare UnicodeEncodeError escaped
    with pytest.raises(mtqp.ParseError) as info:
        parse(data, strict=strict)
    assert (info.value.line, info.value.column) == (1, column)
    assert "not an octet" in info.value.message


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_responses_take_any_bytes_like(kind: type) -> None:
    wire = b"+OK+ here\r\n..dot\r\nline\r\n.\r\n"
    assert mtqp.parse_response(kind(wire)) == mtqp.parse_response(wire)
    greeting = b"+OK/MTQP ready\r\n"
    assert mtqp.parse_greeting(kind(greeting)) == mtqp.parse_greeting(greeting)


def test_stream_errors_name_their_rule() -> None:
    # second review, finding 4: these errors had rule=None
    with pytest.raises(mtqp.ParseError) as info:
        mtqp.parse_command(b"QUIT\r\nx")
    assert (info.value.rule, info.value.line, info.value.column) == ("client-command", 2, 1)
    greeting = mtqp.parse_greeting(b"+OK/MTQP hi\r\n")
    server = mtqp.Connection(mtqp.SERVER)
    server.send(greeting)
    server.receive_data(b"TRACK a@b")
    server.receive_data(b"")
    with pytest.raises(mtqp.ParseError) as info:
        server.next_event()
    assert (info.value.rule, info.value.line, info.value.column) == ("client-command", 1, 10)
    server = mtqp.Connection(mtqp.SERVER, limits=mtqp.Limits(max_buffer=2000))
    server.send(greeting)
    server.receive_data(b"COMMENT a\r\n" + b"x" * 1000)
    with pytest.raises(mtqp.LimitError) as info:
        server.receive_data(b"y" * 1000)
    assert (info.value.rule, info.value.line, info.value.column) == ("client-command", 2, 1001)

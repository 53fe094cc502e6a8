"""Arbitrary bytes: only msgtrk errors escape, positions are real, buffers stay bounded."""

from __future__ import annotations

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

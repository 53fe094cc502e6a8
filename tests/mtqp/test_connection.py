"""The sans-IO Connection: RFC transcripts fed whole, byte by byte and with trailing data."""

from __future__ import annotations

import pytest

from msgtrk import mtqp
from msgtrk.mtqp import State

from ._helpers import chunkings, drain, feed, transcript
from .test_wire import COMMAND_ROWS, GREETING_ROWS, RESPONSE_ROWS

GREETING = b"+OK/MTQP MTQP server ready\r\n"
GREETING_TLS = b"+OK+/MTQP ready\r\nSTARTTLS\r\n.\r\n"


def client(greeting: bytes = GREETING) -> mtqp.Connection:
    conn = mtqp.Connection(mtqp.CLIENT)
    conn.receive_data(greeting)
    assert isinstance(conn.next_event(), mtqp.Greeting)
    return conn


def server(greeting: mtqp.Greeting | None = None) -> mtqp.Connection:
    conn = mtqp.Connection(mtqp.SERVER)
    conn.send(greeting or mtqp.Greeting.ready())
    return conn


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("how", ["whole", "bytewise", "split"])
def test_client_reads_rfc_greetings(number: int, how: str) -> None:
    _, wire = transcript(f"rfc3887-3.1-example{number:02d}.txt")
    pieces = dict(chunkings(wire))[how]
    conn = mtqp.Connection(mtqp.CLIENT)
    events = feed(conn, pieces)
    assert events[0] == mtqp.parse_greeting(wire)
    assert conn.state is (State.READY if number not in (2, 3) else State.CLOSED)


@pytest.mark.parametrize("number", [6, 7, 8, 9, 10, 11, 12])
@pytest.mark.parametrize("how", ["whole", "bytewise", "split"])
def test_rfc_track_examples_both_roles(number: int, how: str) -> None:
    client_wire, server_wire = transcript(f"rfc3887-4.1-example{number:02d}.txt")
    srv = server()
    events = feed(srv, dict(chunkings(client_wire))[how])
    assert events == [mtqp.parse_command(client_wire)]
    assert srv.send(mtqp.parse_response(server_wire)) == server_wire
    cli = client()
    assert cli.send(events[0]) == client_wire  # type: ignore[arg-type]
    got = feed(cli, dict(chunkings(server_wire))[how])
    assert got == [mtqp.parse_response(server_wire)]
    assert mtqp.serialize(got[0]) == server_wire  # type: ignore[arg-type]
    assert cli.state is State.READY and cli.pending == ()


@pytest.mark.parametrize("how", ["whole", "bytewise", "split"])
def test_rfc_example_14_pipelining(how: str) -> None:
    client_wire, server_wire = transcript("rfc3887-8.1-example14.txt")
    srv = server()
    srv.receive_data(client_wire)
    first = srv.next_event()
    assert isinstance(first, mtqp.Track) and first.envid == "<tracking-id>"
    assert [d.kind for d in first.defects] == ["envid-without-at"]  # lenient server
    assert (first.defects[0].line, first.defects[0].column) == (1, 20)
    assert srv.next_event() is mtqp.PAUSED  # one command at a time, answered in order
    answers = server_wire.split(b"\r\n.\r\n")
    out = srv.send(mtqp.parse_response(answers[0] + b"\r\n.\r\n"))
    second = srv.next_event()
    assert isinstance(second, mtqp.Track) and second.secret == "QUJDREVGR0gK"
    assert (second.defects[0].line, second.defects[0].column) == (2, 22)  # in the stream
    out += srv.send(mtqp.parse_response(answers[1] + b"\r\n.\r\n"))
    assert out == server_wire
    cli = client()
    sent = b"".join(
        cli.send(mtqp.parse_command(line, strict=False))
        for line in client_wire.splitlines(keepends=True)
    )
    assert sent == client_wire and len(cli.pending) == 2
    events = feed(cli, dict(chunkings(server_wire))[how])
    assert len(events) == 2 and cli.pending == ()


@pytest.mark.parametrize("how", ["whole", "bytewise", "split"])
def test_trailing_data_stays_buffered(how: str) -> None:
    _, wire = transcript("rfc3887-4.1-example09.txt")
    conn = client()
    conn.send(mtqp.Track(envid="a@b", secret="QUJD"))
    conn.send(mtqp.Comment())
    events = feed(conn, dict(chunkings(wire + b"+OK tra"))[how])
    assert events == [mtqp.parse_response(wire)]
    assert conn.trailing_data == b"+OK tra"
    conn.receive_data(b"iling\r\n")
    assert conn.next_event() == mtqp.Response.ok("trailing")
    srv = server()
    events = feed(srv, dict(chunkings(b"COMMENT x\r\nQUI"))[how])
    assert events == [mtqp.Comment(text="x")]
    assert srv.trailing_data == b"QUI"


def test_starttls_upgrade_and_reset() -> None:
    srv = server(mtqp.Greeting.ready(options=[mtqp.Option.starttls()]))
    cli = mtqp.Connection(mtqp.CLIENT)
    cli.receive_data(GREETING_TLS)
    greeting = cli.next_event()
    assert isinstance(greeting, mtqp.Greeting) and greeting.starttls is not None
    srv.receive_data(cli.send(mtqp.StartTLS(domain="mtqp.example.com")))
    with pytest.raises(mtqp.LocalProtocolError):  # STARTTLS is the last of its batch (§6)
        cli.send(mtqp.Comment())
    assert isinstance(srv.next_event(), mtqp.StartTLS) and srv.state is State.STARTTLS
    cli.receive_data(srv.send(mtqp.Response.ok("begin TLS")))
    assert srv.state is State.TLS and srv.next_event() is mtqp.PAUSED
    assert cli.next_event() == mtqp.Response.ok("begin TLS")
    assert cli.state is State.TLS and cli.next_event() is mtqp.PAUSED
    srv.start_tls_done()
    cli.start_tls_done()
    assert srv.state is cli.state is State.GREETING
    assert srv.greeting is None and cli.greeting is None  # §6.2: options forgotten
    with pytest.raises(mtqp.LocalProtocolError, match=r"6\.2"):
        server_again = mtqp.Connection(mtqp.SERVER)
        server_again.send(mtqp.Greeting.ready(options=[mtqp.Option.starttls()]))
        server_again.receive_data(b"STARTTLS a.b\r\n")
        server_again.next_event()
        server_again.send(mtqp.Response.ok())
        server_again.start_tls_done()
        server_again.send(mtqp.Greeting.ready(options=[mtqp.Option.starttls()]))
    cli.receive_data(srv.send(mtqp.Greeting.ready(options=[])))
    post = cli.next_event()
    assert isinstance(post, mtqp.Greeting) and post.starttls is None
    with pytest.raises(mtqp.LocalProtocolError):  # §6.2: MUST NOT start TLS again
        cli.send(mtqp.StartTLS(domain="mtqp.example.com"))


def test_client_rejects_starttls_offer_after_tls() -> None:
    cli = client(GREETING_TLS)
    cli.send(mtqp.StartTLS(domain="a.example"))
    cli.receive_data(b"+OK\r\n")
    cli.next_event()
    cli.start_tls_done()
    cli.receive_data(GREETING_TLS)
    with pytest.raises(mtqp.RemoteProtocolError, match=r"6\.2"):
        cli.next_event()
    assert cli.state is State.ERROR


def test_starttls_refused_returns_to_ready() -> None:
    cli = client()
    cli.send(mtqp.StartTLS(domain="a.example"))
    cli.receive_data(b"-ERR/unsupported\r\n")
    assert cli.next_event() == mtqp.Response.err(mtqp.ResponseCode.UNSUPPORTED)
    assert cli.state is State.READY


def test_plaintext_after_starttls_is_refused() -> None:
    srv = server(mtqp.Greeting.ready(options=[mtqp.Option.starttls()]))
    srv.receive_data(b"STARTTLS a.example\r\nTRACK a@b QUJD\r\n")  # injection (§6, §8)
    assert isinstance(srv.next_event(), mtqp.StartTLS)
    srv.send(mtqp.Response.ok())
    with pytest.raises(mtqp.RemoteProtocolError, match="last command"):
        srv.start_tls_done()
    cli = client(GREETING_TLS)
    cli.send(mtqp.StartTLS(domain="a.example"))
    cli.receive_data(b"+OK\r\n+OK injected\r\n")
    assert cli.next_event() == mtqp.Response.ok() and cli.next_event() is mtqp.PAUSED
    with pytest.raises(mtqp.RemoteProtocolError):
        cli.start_tls_done()


def test_server_refusals() -> None:
    srv = server()  # no STARTTLS offered
    srv.receive_data(b"STARTTLS a.example\r\n")
    ev = srv.next_event()
    assert isinstance(ev, mtqp.Rejected) and ev.response.has(mtqp.ResponseCode.UNSUPPORTED)
    with pytest.raises(mtqp.LocalProtocolError):  # a refused command is answered negatively
        srv.send(mtqp.Response.ok())
    srv = server()
    srv.insecure = True  # §6.1
    srv.receive_data(b"TRACK a@b QUJD\r\nQUIT\r\n")
    ev = srv.next_event()
    assert isinstance(ev, mtqp.Rejected)
    assert ev.response.indicator is mtqp.Indicator.ERR
    assert ev.response.has(mtqp.ResponseCode.INSECURE)
    srv.send(ev.response)
    assert srv.next_event() == mtqp.Quit()
    srv.send(mtqp.Response.ok())
    assert srv.state is State.CLOSED


def test_starttls_in_tls_is_bad_tls_in_progress() -> None:
    srv = server(mtqp.Greeting.ready(options=[mtqp.Option.starttls()]))
    srv.receive_data(b"STARTTLS a.example\r\n")
    srv.next_event()
    srv.send(mtqp.Response.ok())
    srv.start_tls_done()
    srv.send(mtqp.Greeting.ready())
    srv.receive_data(b"STARTTLS a.example\r\n")
    ev = srv.next_event()
    assert isinstance(ev, mtqp.Rejected)
    assert ev.response.indicator is mtqp.Indicator.BAD
    assert ev.response.has(mtqp.ResponseCode.TLS_IN_PROGRESS)


def test_quit() -> None:
    cli, srv = client(), server()
    srv.receive_data(cli.send(mtqp.Quit()))
    with pytest.raises(mtqp.LocalProtocolError):
        cli.send(mtqp.Comment())
    assert srv.next_event() == mtqp.Quit()
    with pytest.raises(mtqp.LocalProtocolError, match="quit-refused"):
        server_copy = server()
        server_copy.receive_data(b"QUIT\r\n")
        server_copy.next_event()
        server_copy.send(mtqp.Response.err())  # §7: MUST respond with success
    cli.receive_data(srv.send(mtqp.Response.ok("bye")))
    assert cli.next_event() == mtqp.Response.ok("bye")
    assert cli.state is srv.state is State.CLOSED
    cli.receive_data(b"")
    assert isinstance(cli.next_event(), mtqp.ConnectionClosed)


def test_track_success_must_be_multiline() -> None:
    cli = client()
    cli.send(mtqp.Track(envid="a@b", secret="QUJD"))
    cli.receive_data(b"+OK\r\n")
    with pytest.raises(mtqp.RemoteProtocolError, match=r"multi-line"):
        cli.next_event()


def test_greeting_first() -> None:
    cli = mtqp.Connection(mtqp.CLIENT)
    with pytest.raises(mtqp.LocalProtocolError):
        cli.send(mtqp.Quit())
    srv = mtqp.Connection(mtqp.SERVER)
    srv.receive_data(b"QUIT\r\n")
    assert srv.next_event() is mtqp.PAUSED  # nothing before our greeting
    with pytest.raises(mtqp.LocalProtocolError):
        srv.send(mtqp.Response.ok())


def test_refused_greeting_closes() -> None:
    cli = mtqp.Connection(mtqp.CLIENT)
    cli.receive_data(b"-TEMP/MTQP/admin down\r\n")
    assert isinstance(cli.next_event(), mtqp.Greeting)
    assert cli.state is State.CLOSED
    with pytest.raises(mtqp.LocalProtocolError):
        cli.send(mtqp.Track(envid="a@b", secret="QUJD"))


# --- hostile input: answered as the RFC says, or our error with its position -------
def test_server_answers_bad_input_with_bad() -> None:
    srv = server()
    long_line = b"COMMENT " + b"x" * 1500 + b"\r\n"
    srv.receive_data(b"FOO\r\nTRACK a\x00@b QUJD\r\nCOMMENT caf\xc3\xa9\r\nQUIT\n" + long_line)
    ev = srv.next_event()
    assert isinstance(ev, mtqp.UnknownCommand)  # the app answers -BAD
    srv.send(mtqp.Response.bad(text="unknown"))
    expected = [
        (2, 8, "client-command"),
        (3, 12, "client-command"),
        (4, 5, "client-command"),
        (5, 999, "dataline"),
    ]
    for line, column, rule in expected:
        ev = srv.next_event()
        assert isinstance(ev, mtqp.BadCommand), ev
        assert (ev.error.line, ev.error.column, ev.error.rule) == (line, column, rule)
        with pytest.raises(mtqp.LocalProtocolError):
            srv.send(mtqp.Response.err())  # §2.3: invalid commands get -BAD
        assert srv.send(ev.response) == b"-BAD Syntax error\r\n"
    assert srv.next_event() is mtqp.NEED_DATA
    assert len(srv.trailing_data) == 0  # the long line was discarded, not buffered


def test_server_long_line_fed_bytewise_is_bounded() -> None:
    srv = server()
    for _ in range(3000):
        srv.receive_data(b"y")
        ev = srv.next_event()
        if isinstance(ev, mtqp.BadCommand):
            assert isinstance(ev.error, mtqp.LimitError)
            srv.send(ev.response)
        assert len(srv.trailing_data) <= 1000
    srv.receive_data(b"\r\nQUIT\r\n")
    assert srv.next_event() == mtqp.Quit()


@pytest.mark.parametrize(
    ("data", "line", "column", "error"),
    [
        (b"+OK" + b"x" * 1200, 2, 999, mtqp.RemoteLimitError),  # over 998 characters
        (b"+OK\n", 2, 4, mtqp.RemoteParseError),  # bare LF
        (b"+OK\x00\r\n", 2, 4, mtqp.RemoteParseError),  # NUL in a status line
        (b"+OK caf\xc3\xa9\r\n", 2, 8, mtqp.RemoteParseError),  # non-ASCII text
        (b"OK\r\n", 2, 1, mtqp.RemoteParseError),
        (b"+OK+\r\nline\r\n", 4, 1, mtqp.RemoteParseError),  # EOF before the final "."
        (b"+OK+\r\nline", 3, 5, mtqp.RemoteParseError),  # EOF mid-line
    ],
)
def test_client_errors_have_positions(
    data: bytes, line: int, column: int, error: type[Exception]
) -> None:
    for _, pieces in chunkings(data):
        cli = client()
        cli.send(mtqp.Comment())
        with pytest.raises(error) as info:
            feed(cli, [*pieces, b""])
        assert isinstance(info.value, mtqp.RemoteProtocolError)
        assert isinstance(info.value, mtqp.ParseError)
        assert (info.value.line, info.value.column) == (line, column)
        assert cli.state is State.ERROR


def test_unsolicited_response() -> None:
    cli = client()
    cli.receive_data(b"+OK\r\n")
    with pytest.raises(mtqp.RemoteProtocolError, match="unsolicited"):
        cli.next_event()


def test_eof_while_waiting() -> None:
    cli = client()
    cli.send(mtqp.Track(envid="a@b", secret="QUJD"))
    cli.receive_data(b"")
    with pytest.raises(mtqp.RemoteProtocolError, match="await"):
        cli.next_event()
    cli = mtqp.Connection(mtqp.CLIENT)
    cli.receive_data(b"")
    with pytest.raises(mtqp.RemoteProtocolError, match="greeting"):
        cli.next_event()
    srv = server()
    srv.receive_data(b"QUI")
    srv.receive_data(b"")
    with pytest.raises(mtqp.RemoteParseError):
        srv.next_event()
    srv = server()
    srv.receive_data(b"")
    assert isinstance(srv.next_event(), mtqp.ConnectionClosed)
    with pytest.raises(mtqp.LocalProtocolError):
        srv.receive_data(b"x")


def test_limits() -> None:
    limits = mtqp.Limits(max_buffer=2000, max_response=100, max_commands=2)
    srv = mtqp.Connection(mtqp.SERVER, limits=limits)
    srv.send(mtqp.Greeting.ready())
    with pytest.raises(mtqp.RemoteLimitError):
        srv.receive_data(b"x" * 2001)
    srv = mtqp.Connection(mtqp.SERVER, limits=limits)
    srv.send(mtqp.Greeting.ready())
    srv.receive_data(b"COMMENT\r\n" * 3)
    for _ in range(2):
        srv.next_event()
        srv.send(mtqp.Response.ok())
    with pytest.raises(mtqp.RemoteLimitError, match=r"2\.5") as info:
        srv.next_event()
    assert (info.value.line, info.value.offset) == (3, 18)
    cli = mtqp.Connection(mtqp.CLIENT, limits=limits)
    cli.receive_data(b"+OK+/MTQP\r\n" + b"vnd.x\r\n" * 20)
    with pytest.raises(mtqp.RemoteLimitError, match="response longer"):
        cli.next_event()


def test_needless_dot_is_a_defect_on_the_connection() -> None:
    cli = client()
    cli.send(mtqp.Comment())
    cli.receive_data(b"+OK+\r\n.x\r\n.\r\n")
    resp = cli.next_event()
    assert isinstance(resp, mtqp.Response) and resp.body == b"x\r\n"
    assert [(d.kind, d.line) for d in resp.defects] == [("needless-dot-stuffing", 3)] or [
        d.kind for d in resp.defects
    ] == ["needless-dot-stuffing"]


def test_send_wrong_things() -> None:
    cli = client()
    with pytest.raises(mtqp.LocalProtocolError):
        cli.send(mtqp.Response.ok())  # a client does not answer
    srv = server()
    with pytest.raises(mtqp.LocalProtocolError):
        srv.send(mtqp.Quit())  # a server does not send commands
    srv = server()
    with pytest.raises(mtqp.LocalProtocolError):
        srv.send(mtqp.Response.ok())  # nothing to answer
    assert drain(client()) == []


# --- every (model, wire) row of test_wire through the connection -------------------
def _rows() -> list[tuple[str, object, bytes]]:
    rows = [("command", m, w) for m, w in COMMAND_ROWS]
    rows += [("response", m, w) for m, w in RESPONSE_ROWS]
    rows += [("greeting", m, w) for m, w in GREETING_ROWS]
    return rows


@pytest.mark.parametrize(("kind", "model", "wire"), _rows())
@pytest.mark.parametrize("how", ["whole", "bytewise", "split"])
@pytest.mark.parametrize("trailing", [b"", b"TRAIL"])
def test_rows_through_connection(
    kind: str, model: object, wire: bytes, how: str, trailing: bytes
) -> None:
    pieces = dict(chunkings(wire + trailing))[how]
    if kind == "command":
        conn = server(OFFER_GREETING)
    elif kind == "response":
        conn = client()
        conn.send(mtqp.Comment())
        conn.send(mtqp.Comment())  # so that trailing bytes are an awaited answer
    else:
        conn = mtqp.Connection(mtqp.CLIENT)
        events: list[object] = []
        for piece in pieces:  # stop at the greeting: what follows is not awaited yet
            conn.receive_data(piece)
            while not events and (ev := conn.next_event()) is not mtqp.NEED_DATA:
                events.append(ev)
        assert events == [model]
        assert conn.trailing_data == trailing
        assert mtqp.serialize(events[0]) == wire  # type: ignore[arg-type]
        return
    events = feed(conn, pieces)
    assert events == [model]
    assert conn.trailing_data == trailing
    if kind != "command":
        assert mtqp.serialize(events[0]) == wire  # type: ignore[arg-type]


OFFER_GREETING = mtqp.Greeting.ready(options=[mtqp.Option.starttls()])

"""The connection state machine: every (state, event) pair, and client/server back to back.

As in h2's state-machine tests: whatever happens, the outcome is a valid state
or one of our protocol errors, nothing else.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msgtrk import mtqp
from msgtrk.mtqp import Connection, State
from strategies.mtqp import mtqp_commands

OFFER = mtqp.Greeting.ready(options=[mtqp.Option.starttls()])
EVENTS: dict[str, object] = {
    "greeting": mtqp.Greeting.ready(),
    "greeting-starttls": OFFER,
    "greeting-refused": mtqp.Greeting.refuse(),
    "track": mtqp.Track(envid="a@b.example", secret="QUJD"),
    "comment": mtqp.Comment(text="x"),
    "unknown": mtqp.UnknownCommand(keyword="NOOP"),
    "starttls": mtqp.StartTLS(domain="mtqp.example"),
    "quit": mtqp.Quit(),
    "ok": mtqp.Response.ok(),
    "ok-multi": mtqp.Response.multiline(b"body\r\n"),
    "err": mtqp.Response.err(mtqp.ResponseCode.NOINFO),
    "bad": mtqp.Response.bad(),
}


def _recv(conn: Connection, data: bytes) -> None:
    conn.receive_data(data)
    for _ in range(3):
        ev = conn.next_event()
        if ev is mtqp.NEED_DATA or ev is mtqp.PAUSED or isinstance(ev, mtqp.ConnectionClosed):
            return


def _action(name: str) -> Callable[[Connection], None]:
    if name == "tls-done":
        return lambda c: c.start_tls_done()
    if name == "eof":
        return lambda c: _recv(c, b"") if not c._eof else None
    if name == "garbage":
        return lambda c: _recv(c, b"\x00\xff junk\n")
    verb, _, key = name.partition(":")
    event = EVENTS[key]
    if verb == "send":
        return lambda c: c.send(event)  # type: ignore[arg-type]
    return lambda c: _recv(c, mtqp.serialize(event))  # type: ignore[arg-type]


ACTIONS = ["tls-done", "eof", "garbage"] + [
    f"{verb}:{key}" for verb in ("send", "recv") for key in EVENTS
]


def _server_in(state: State) -> Connection:
    conn = Connection(mtqp.SERVER)
    if state is State.GREETING:
        return conn
    if state is State.ERROR:
        conn.send(OFFER)
        try:
            conn.receive_data(b"QUIT\r\n" + b"\xff" * 70000)
        except mtqp.RemoteProtocolError:
            return conn
        raise AssertionError("not in ERROR")
    if state is State.CLOSED:
        conn.send(mtqp.Greeting.refuse())
        return conn
    conn.send(OFFER)
    if state is State.READY:
        return conn
    key = {State.STARTTLS: "starttls", State.TLS: "starttls", State.QUIT: "quit"}[state]
    _recv(conn, mtqp.serialize(EVENTS[key]))  # type: ignore[arg-type]
    if state is State.TLS:
        conn.send(mtqp.Response.ok())
    return conn


def _client_in(state: State) -> Connection:
    conn = Connection(mtqp.CLIENT)
    if state is State.GREETING:
        return conn
    if state is State.ERROR:
        try:
            _recv(conn, b"garbage\r\n")
        except mtqp.RemoteProtocolError:
            return conn
        raise AssertionError("not in ERROR")
    if state is State.CLOSED:
        _recv(conn, mtqp.serialize(mtqp.Greeting.refuse()))
        return conn
    _recv(conn, mtqp.serialize(OFFER))
    conn.send(mtqp.Track(envid="p@q", secret="QUJD"))  # one pipelined command pending
    if state is State.READY:
        return conn
    conn.send(mtqp.StartTLS(domain="a.example") if state is not State.QUIT else mtqp.Quit())
    if state is State.TLS:
        _recv(conn, mtqp.serialize(mtqp.Response.multiline(b"")))
        _recv(conn, b"+OK\r\n")
    return conn


BUILDERS = {mtqp.SERVER: _server_in, mtqp.CLIENT: _client_in}


def _check(conn: Connection, action: str) -> None:
    with contextlib.suppress(mtqp.ProtocolError):
        _action(action)(conn)
    assert isinstance(conn.state, State)


@pytest.mark.parametrize("role", [mtqp.CLIENT, mtqp.SERVER])
@pytest.mark.parametrize("state", list(State))
def test_every_state_event_pair(role: mtqp.Role, state: State) -> None:
    assert BUILDERS[role](state).state is state
    for action in ACTIONS:
        _check(BUILDERS[role](state), action)


@given(
    st.sampled_from([mtqp.CLIENT, mtqp.SERVER]),
    st.sampled_from(list(State)),
    st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=8),
)
def test_random_action_sequences(role: mtqp.Role, state: State, actions: list[str]) -> None:
    conn = BUILDERS[role](state)
    for action in actions:
        _check(conn, action)


def _answer(data: st.DataObject, cmd: object) -> mtqp.Response:
    if isinstance(cmd, mtqp.Quit):
        return mtqp.Response.ok("bye")
    if isinstance(cmd, mtqp.Track):
        return data.draw(
            st.sampled_from(
                [
                    mtqp.Response.multiline(b"Content-Type: text/plain\r\n\r\n.x\r\n"),
                    mtqp.Response.err(mtqp.ResponseCode.NOINFO),
                    mtqp.Response.temp(mtqp.ResponseCode.UNAVAILABLE),
                ]
            )
        )
    if isinstance(cmd, mtqp.StartTLS):
        return data.draw(st.sampled_from([mtqp.Response.ok(), mtqp.Response.err("unavailable")]))
    if isinstance(cmd, mtqp.UnknownCommand):
        return mtqp.Response.bad(text="unknown")
    return data.draw(st.sampled_from([mtqp.Response.ok(), mtqp.Response.multiline(b"")]))


@given(st.data())
def test_back_to_back(data: st.DataObject) -> None:
    cli, srv = Connection(mtqp.CLIENT), Connection(mtqp.SERVER)
    greeting = OFFER if data.draw(st.booleans()) else mtqp.Greeting.ready()
    cli.receive_data(srv.send(greeting))
    assert cli.next_event() == greeting
    for _ in range(data.draw(st.integers(1, 6))):
        batch = data.draw(st.lists(mtqp_commands, min_size=1, max_size=4))
        sent = []
        for cmd in batch:
            try:
                wire = cli.send(cmd)
            except mtqp.LocalProtocolError:
                assert cli.state in (State.STARTTLS, State.QUIT) or isinstance(cmd, mtqp.StartTLS)
                break
            sent.append(cmd)
            srv.receive_data(wire)
        for cmd in sent:
            event = srv.next_event()
            if isinstance(event, mtqp.Rejected):
                assert event.command == cmd
                answer = event.response
            else:
                assert event == cmd
                answer = _answer(data, cmd)
            cli.receive_data(srv.send(answer))
            assert cli.next_event() == answer
        assert srv.next_event() in (mtqp.NEED_DATA, mtqp.PAUSED) or srv.state is State.CLOSED
        assert cli.state is srv.state and cli.pending == srv.pending == ()
        if cli.state is State.TLS:
            cli.start_tls_done()
            srv.start_tls_done()
            again = mtqp.Greeting.ready(options=[])
            cli.receive_data(srv.send(again))
            assert cli.next_event() == again and cli.tls_active and srv.tls_active
        if cli.state is State.CLOSED:
            cli.receive_data(b"")
            srv.receive_data(b"")
            assert isinstance(cli.next_event(), mtqp.ConnectionClosed)
            assert isinstance(srv.next_event(), mtqp.ConnectionClosed)
            break

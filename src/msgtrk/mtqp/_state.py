"""The MTQP conversation state machine: ONE table, shared by both roles (RFC 3887 §2-§8).

Both ends of a connection observe the same conversation.  An event is
reduced to a :class:`Kind`; ``TRANSITIONS[(state, kind)]`` is the next
state, and a pair missing from the table is a protocol error (ours when we
send, the peer's when we receive).  ``SENDERS`` says which role may send
each kind.  Pipelining (§8) is the queue of commands awaiting an answer,
kept by the connection; answers are matched to its head.
"""

from __future__ import annotations

import enum

__all__ = ["SENDERS", "TRANSITIONS", "Kind", "Role", "State"]


class Role(enum.Enum):
    """The two ends of an MTQP connection."""

    CLIENT = "client"  # sends commands
    SERVER = "server"  # sends the greeting and the responses


class State(enum.Enum):
    """States of the conversation (RFC 3887 §3, §6, §7)."""

    GREETING = "greeting"  # §3: before the initial status response (also after TLS, §6.2)
    READY = "ready"  # commands may be sent and pipelined (§8)
    STARTTLS = "starttls"  # STARTTLS sent: last of its batch, awaiting its answer (§6)
    TLS = "tls"  # STARTTLS accepted: the caller runs the TLS handshake (§6.1)
    QUIT = "quit"  # QUIT sent, awaiting its answer (§7)
    CLOSED = "closed"  # conversation over (QUIT answered, greeting refused, EOF)
    ERROR = "error"  # a protocol error happened; the connection is unusable


class Kind(enum.Enum):
    """What an event means for the state machine."""

    GREETING_OK = "greeting-ok"  # positive initial status response
    GREETING_REFUSED = "greeting-refused"  # -TEMP / -ERR initial status response
    COMMAND = "command"  # TRACK, COMMENT, an unknown or a refused command
    STARTTLS = "starttls"  # STARTTLS while no TLS session is active
    STARTTLS_AGAIN = "starttls-again"  # STARTTLS inside TLS: the client MUST NOT (§6.2)
    QUIT = "quit"  # QUIT
    ANSWER = "answer"  # the answer to a queued TRACK/COMMENT/unknown/refused command
    STARTTLS_OK = "starttls-ok"  # positive answer to STARTTLS
    STARTTLS_REFUSED = "starttls-refused"  # negative answer to STARTTLS
    QUIT_OK = "quit-ok"  # positive answer to QUIT
    QUIT_REFUSED = "quit-refused"  # negative answer to QUIT: the server MUST NOT (§7)
    UNSOLICITED = "unsolicited"  # a response while no command awaits one
    TLS_DONE = "tls-done"  # the caller reports the TLS handshake complete (§6.2)
    EOF = "eof"  # the peer closed the connection


TRANSITIONS: dict[tuple[State, Kind], State] = {
    (State.GREETING, Kind.GREETING_OK): State.READY,
    (State.GREETING, Kind.GREETING_REFUSED): State.CLOSED,
    (State.GREETING, Kind.EOF): State.CLOSED,
    (State.READY, Kind.COMMAND): State.READY,
    (State.READY, Kind.STARTTLS): State.STARTTLS,
    (State.READY, Kind.QUIT): State.QUIT,
    (State.READY, Kind.ANSWER): State.READY,
    (State.READY, Kind.EOF): State.CLOSED,
    (State.STARTTLS, Kind.ANSWER): State.STARTTLS,
    (State.STARTTLS, Kind.STARTTLS_OK): State.TLS,
    (State.STARTTLS, Kind.STARTTLS_REFUSED): State.READY,
    (State.STARTTLS, Kind.EOF): State.CLOSED,
    (State.TLS, Kind.TLS_DONE): State.GREETING,
    (State.TLS, Kind.EOF): State.CLOSED,
    (State.QUIT, Kind.ANSWER): State.QUIT,
    (State.QUIT, Kind.QUIT_OK): State.CLOSED,
    (State.QUIT, Kind.EOF): State.CLOSED,
    (State.CLOSED, Kind.EOF): State.CLOSED,
}

SENDERS: dict[Kind, Role | None] = {
    Kind.GREETING_OK: Role.SERVER,
    Kind.GREETING_REFUSED: Role.SERVER,
    Kind.COMMAND: Role.CLIENT,
    Kind.STARTTLS: Role.CLIENT,
    Kind.STARTTLS_AGAIN: Role.CLIENT,
    Kind.QUIT: Role.CLIENT,
    Kind.ANSWER: Role.SERVER,
    Kind.STARTTLS_OK: Role.SERVER,
    Kind.STARTTLS_REFUSED: Role.SERVER,
    Kind.QUIT_OK: Role.SERVER,
    Kind.QUIT_REFUSED: Role.SERVER,
    Kind.UNSOLICITED: Role.SERVER,
    Kind.TLS_DONE: None,  # local: reported by the caller on either side
    Kind.EOF: None,  # local: receive_data(b"") on either side
}

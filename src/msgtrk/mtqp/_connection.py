"""The sans-IO MTQP connection, h11-style, for both roles (RFC 3887 §2-§8).

Feed received bytes with :meth:`Connection.receive_data` (``b""`` for EOF),
pull events with :meth:`Connection.next_event` (an event, ``NEED_DATA`` or
``PAUSED``), and turn events into bytes with :meth:`Connection.send`.  The
rules live in the one table of :mod:`msgtrk.mtqp._state`; this module reads
lines, builds events and keeps the queue of commands awaiting answers.
"""

from __future__ import annotations

import collections
from typing import NoReturn

import attrs

from msgtrk._errors import Defect, LimitError, LocalProtocolError, ParseError, RemoteProtocolError
from msgtrk.mtqp._commands import (
    Command,
    Comment,
    Quit,
    StartTLS,
    Track,
    UnknownCommand,
    parse_command_line,
    serialize_command,
)
from msgtrk.mtqp._events import NEED_DATA, PAUSED, BadCommand, ConnectionClosed, Rejected
from msgtrk.mtqp._greeting import Greeting, greeting_from_lines, serialize_greeting
from msgtrk.mtqp._limits import Limits, RemoteLimitError, RemoteParseError
from msgtrk.mtqp._responses import (
    Indicator,
    Response,
    ResponseCode,
    join_body,
    parse_body_lines,
    parse_status_line,
    serialize_response,
)
from msgtrk.mtqp._state import SENDERS, TRANSITIONS, Kind, Role, State

__all__ = ["CLIENT", "SERVER", "Connection", "Event"]

CLIENT = Role.CLIENT
SERVER = Role.SERVER

Event = Greeting | Response | Command | BadCommand | Rejected | ConnectionClosed
_COMMANDS = (Track, StartTLS, Comment, Quit, UnknownCommand)


@attrs.frozen
class _Pending:
    command: Command | None  # None for an unparseable line
    disposition: str  # "normal", "rejected" or "bad"


def _shift(err: ParseError, offset: int, line: int, cls: type[ParseError]) -> ParseError:
    """``err`` (positions in a text starting at stream ``offset``, ``line``) as ``cls``."""
    return cls(
        err.message,
        line=line + err.line - 1,
        column=err.column,
        offset=offset + err.offset,
        rule=err.rule,
        expected=err.expected,
        source_line=err.source_line,
        source_column=err.source_column,
    )


class Connection:
    """One end of an MTQP conversation (client or server), without I/O.

    ``strict=False`` (the default) records content departures that do not
    break the framing (e.g. a padded base64 secret, needless dot-stuffing)
    as ``defects`` on the event; framing errors always raise.
    """

    def __init__(self, our_role: Role, *, limits: Limits | None = None, strict: bool = False):
        self.our_role = our_role
        self.their_role = SERVER if our_role is CLIENT else CLIENT
        self.limits = limits or Limits()
        self.strict = strict
        self.state = State.GREETING
        self.tls_active = False
        #: Server: answer every command but QUIT with -ERR/insecure (§6.1).
        self.insecure = False
        #: The greeting of this session (forgotten after TLS, §6.2).
        self.greeting: Greeting | None = None
        self.commands_received = 0
        self._pending: collections.deque[_Pending] = collections.deque()
        self._buf = bytearray()
        self._eof = False
        self._offset = 0  # stream offset of _buf[0]
        self._line = 1  # stream line number of _buf[0]
        self._response: list[tuple[int, int, bytes]] = []  # client: lines of a response
        self._response_size = 0
        self._status: tuple[Indicator, int] | None = None
        self._skipping = False  # server: discarding the rest of an overlong line

    # -- public API -------------------------------------------------------

    @property
    def pending(self) -> tuple[Command | None, ...]:
        """Commands sent (client) or received (server) that await their answers, in order."""
        return tuple(p.command for p in self._pending)

    @property
    def trailing_data(self) -> bytes:
        """Received bytes not yet turned into events."""
        return bytes(self._buf)

    def receive_data(self, data: bytes) -> None:
        """Add bytes received from the peer; ``b""`` means the peer closed (EOF)."""
        if self._eof and data:
            raise LocalProtocolError("receive_data() after EOF")
        if not data:
            self._eof = True
            return
        if len(self._buf) + len(data) > self.limits.max_buffer:
            self._error(
                RemoteLimitError(
                    f"more than {self.limits.max_buffer} bytes received but not processed",
                    line=self._line + self._buf.count(b"\n"),
                    column=len(self._buf) - self._buf.rfind(b"\n"),
                    offset=self._offset + len(self._buf),
                    rule=self._peer_rule(),
                )
            )
        self._buf += data

    def next_event(self) -> Event | type[NEED_DATA] | type[PAUSED]:
        """The next event from the peer, or NEED_DATA, or PAUSED (see :class:`PAUSED`)."""
        if self.state is State.ERROR:
            raise RemoteProtocolError("the connection has failed")
        if self.state is State.TLS:
            return PAUSED
        if self.state is State.CLOSED:
            return ConnectionClosed()
        try:
            if self.our_role is SERVER:
                return self._server_event()
            return self._client_event()
        except RemoteProtocolError:
            self.state = State.ERROR
            raise

    def send(self, event: Greeting | Response | Command) -> bytes:
        """The bytes to send for ``event``; raises LocalProtocolError if it is not allowed."""
        if self.state is State.ERROR:
            raise LocalProtocolError("the connection has failed")
        if isinstance(event, Greeting):
            data = serialize_greeting(event)
            kind = Kind.GREETING_OK if event.positive else Kind.GREETING_REFUSED
            if self.tls_active and event.starttls is not None:
                self._error(LocalProtocolError("no STARTTLS option after TLS (RFC 3887 §6.2)"))
            self._apply(kind, local=True)
            self.greeting = event
            return data
        if isinstance(event, Response):
            data = serialize_response(event)
            kind = self._answer_kind(event, local=True)
            self._apply(kind, local=True)
            self._pending.popleft()
            return data
        if isinstance(event, _COMMANDS):
            data = serialize_command(event)
            self._apply(self._command_kind(event), local=True)
            self._pending.append(_Pending(event, "normal"))
            return data
        raise LocalProtocolError(f"cannot send {type(event).__name__}")

    def start_tls_done(self) -> None:
        """Report the TLS handshake complete: the protocol restarts (RFC 3887 §6.2)."""
        if self.state is State.TLS and self._buf:
            self._error(
                RemoteProtocolError(
                    "data received after the STARTTLS answer and before TLS: STARTTLS must "
                    "be the last command of a batch (RFC 3887 §6, §8)"
                )
            )
        self._apply(Kind.TLS_DONE, local=True)
        self.tls_active = True
        self.greeting = None
        self._pending.clear()
        self._offset = 0
        self._line = 1

    # -- state machine ------------------------------------------------------

    def _peer_rule(self) -> str:
        """The RFC 3887 §12 rule of what the peer is sending now."""
        if self.our_role is SERVER:
            return "client-command"
        return "greeting" if self.state is State.GREETING else "command-response"

    def _error(self, error: Exception) -> NoReturn:
        # Our own misuse changes nothing (no bytes were produced); a peer's
        # violation leaves the stream out of step, so the connection fails.
        if not isinstance(error, LocalProtocolError):
            self.state = State.ERROR
        raise error

    def _apply(self, kind: Kind, *, local: bool) -> None:
        cls = LocalProtocolError if local else RemoteProtocolError
        sender = SENDERS[kind]
        role = self.our_role if local else self.their_role
        if sender is not None and sender is not role:
            self._error(cls(f"a {role.value} does not send {kind.value}"))
        new = TRANSITIONS.get((self.state, kind))
        if new is None:
            self._error(cls(f"{kind.value} is not allowed in state {self.state.value}"))
        self.state = new

    def _command_kind(self, cmd: Command) -> Kind:
        if isinstance(cmd, StartTLS):
            return Kind.STARTTLS_AGAIN if self.tls_active else Kind.STARTTLS
        if isinstance(cmd, Quit):
            return Kind.QUIT
        return Kind.COMMAND

    def _answer_kind(self, resp: Response, *, local: bool) -> Kind:
        if self.state is State.GREETING or not self._pending:
            return Kind.UNSOLICITED
        cls = LocalProtocolError if local else RemoteProtocolError
        head = self._pending[0]
        if head.disposition == "bad" and resp.indicator is not Indicator.BAD:
            self._error(cls("an invalid command is answered -BAD (RFC 3887 §2.3)"))
        if head.disposition == "rejected" and resp.positive:
            self._error(cls("a refused command is answered negatively (RFC 3887 §2.3)"))
        if head.disposition != "normal":
            return Kind.ANSWER
        cmd = head.command
        if isinstance(cmd, StartTLS):
            return Kind.STARTTLS_OK if resp.positive else Kind.STARTTLS_REFUSED
        if isinstance(cmd, Quit):
            return Kind.QUIT_OK if resp.positive else Kind.QUIT_REFUSED
        if isinstance(cmd, Track) and resp.indicator is Indicator.OK:
            self._error(cls("a successful TRACK answer is multi-line, +OK+ (RFC 3887 §4)"))
        return Kind.ANSWER

    # -- line reader ----------------------------------------------------------

    def _consume(self, n: int) -> None:
        self._line += self._buf.count(b"\n", 0, n)
        self._offset += n
        del self._buf[:n]

    def _take_line(self) -> tuple[str, int, int, bytes]:
        """("line"|"bare-lf"|"long"|"none", stream offset, line number, line without CRLF)."""
        limit = self.limits.line_length
        lf = self._buf.find(b"\n", 0, limit + 2)
        offset, line = self._offset, self._line
        if lf < 0:
            if len(self._buf) >= limit + 2:
                return "long", offset, line, bytes(self._buf[:limit])
            return "none", offset, line, b""
        if lf == 0 or self._buf[lf - 1] != 0x0D:
            text = bytes(self._buf[:lf])
            self._consume(lf + 1)
            return "bare-lf", offset, line, text
        text = bytes(self._buf[: lf - 1])
        if len(text) > limit:
            return "long", offset, line, text[:limit]
        self._consume(lf + 1)
        return "line", offset, line, text

    def _long_error(self, offset: int, line: int, text: bytes, cls: type[ParseError]) -> ParseError:
        return cls(
            f"line longer than {self.limits.line_length} octets (RFC 3887 §2.2, §2.3)",
            line=line,
            column=self.limits.line_length + 1,
            offset=offset + self.limits.line_length,
            rule="dataline",
            source_line=text.decode("latin-1"),
        )

    def _truncated(self, what: str) -> NoReturn:
        self._error(
            RemoteParseError(
                f"connection closed {what}",
                line=self._line + self._buf.count(b"\n"),
                column=len(self._buf) - self._buf.rfind(b"\n"),
                offset=self._offset + len(self._buf),
                rule=self._peer_rule(),
                expected=("CRLF",),
            )
        )

    # -- server side ------------------------------------------------------------

    def _server_event(self) -> Event | type[NEED_DATA] | type[PAUSED]:
        if self.state is State.GREETING:
            if self._eof:
                self._apply(Kind.EOF, local=False)
                return ConnectionClosed()
            return PAUSED
        if self._pending:
            return PAUSED
        if self._skipping:
            lf = self._buf.find(b"\n")
            if lf < 0:
                self._consume(len(self._buf))
                if self._eof:
                    self._truncated("in the middle of a command line")
                return NEED_DATA
            self._consume(lf + 1)
            self._skipping = False
        what, offset, line, text = self._take_line()
        if what == "none":
            if self._eof:
                if self._buf:
                    self._truncated("in the middle of a command line")
                self._apply(Kind.EOF, local=False)
                return ConnectionClosed()
            return NEED_DATA
        if what == "long":
            self._skipping = True
            return self._bad(text, self._long_error(offset, line, text, LimitError))
        if what == "bare-lf":
            err = ParseError(
                "bare LF: a command line ends with CRLF (RFC 3887 §2.2)",
                line=line,
                column=len(text) + 1,
                offset=offset + len(text),
                rule="client-command",
                expected=("CRLF",),
                source_line=text.decode("latin-1"),
            )
            return self._bad(text, err)
        self.commands_received += 1
        cap = self.limits.max_commands
        if cap is not None and self.commands_received > cap:
            self._error(
                RemoteLimitError(
                    f"more than {cap} commands on one connection (RFC 3887 §2.5)",
                    line=line,
                    column=1,
                    offset=offset,
                    rule="client-command",
                )
            )
        source = text.decode("latin-1")
        try:
            cmd = parse_command_line(source, strict=self.strict)
        except ParseError as err:
            cls = LimitError if isinstance(err, LimitError) else ParseError
            return self._bad(text, _shift(err, offset, line, cls))
        if cmd.defects:  # positions in the stream, not in the line
            cmd = attrs.evolve(
                cmd,
                defects=tuple(
                    attrs.evolve(d, line=line + d.line - 1, offset=offset + d.offset)
                    for d in cmd.defects
                ),
            )
        refusal = self._refusal(cmd)
        if refusal is not None:
            self._apply(Kind.COMMAND, local=False)
            self._pending.append(_Pending(cmd, "rejected"))
            return Rejected(command=cmd, response=refusal)
        self._apply(self._command_kind(cmd), local=False)
        self._pending.append(_Pending(cmd, "normal"))
        return cmd

    def _bad(self, text: bytes, error: ParseError) -> BadCommand:
        self._apply(Kind.COMMAND, local=False)
        self._pending.append(_Pending(None, "bad"))
        return BadCommand(line=text, error=error)

    def _refusal(self, cmd: Command) -> Response | None:
        if self.insecure and not isinstance(cmd, Quit):
            return Response.err(ResponseCode.INSECURE, text="TLS security level too low")
        if isinstance(cmd, StartTLS):
            if self.tls_active:
                return Response.bad(ResponseCode.TLS_IN_PROGRESS, text="TLS already active")
            if self.greeting is None or self.greeting.starttls is None:
                return Response.err(ResponseCode.UNSUPPORTED, text="TLS not available")
        return None

    # -- client side ------------------------------------------------------------

    def _client_event(self) -> Event | type[NEED_DATA] | type[PAUSED]:
        waiting = self.state is State.GREETING or bool(self._pending)
        while True:
            if not waiting and (self._buf or self._eof):
                if self._buf:
                    self._apply(Kind.UNSOLICITED, local=False)
                self._apply(Kind.EOF, local=False)
                return ConnectionClosed()
            what, offset, line, text = self._take_line()
            if what == "none":
                if not self._eof:
                    return NEED_DATA
                if self._buf:
                    self._truncated("in the middle of a response line")
                if self._response:
                    self._truncated("before the final '.' line of a multi-line response")
                if self.state is State.QUIT:
                    self._apply(Kind.EOF, local=False)
                    return ConnectionClosed()
                if not waiting:
                    self._apply(Kind.EOF, local=False)
                    return ConnectionClosed()
                self._truncated(
                    "before the greeting"
                    if self.state is State.GREETING
                    else f"while {len(self._pending)} command(s) await an answer"
                )
            if what == "long":
                self._error(self._long_error(offset, line, text, RemoteLimitError))
            if what == "bare-lf":
                self._error(
                    RemoteParseError(
                        "bare LF: response lines end with CRLF (RFC 3887 §2.3)",
                        line=line,
                        column=len(text) + 1,
                        offset=offset + len(text),
                        rule=self._peer_rule(),
                        expected=("CRLF",),
                        source_line=text.decode("latin-1"),
                    )
                )
            self._response_size += len(text) + 2
            if self._response_size > self.limits.max_response:
                self._error(
                    RemoteLimitError(
                        f"response longer than {self.limits.max_response} octets",
                        line=line,
                        column=1,
                        offset=offset,
                        rule=self._peer_rule(),
                    )
                )
            self._response.append((offset, line, text))
            if self._status is None:
                try:
                    indicator, *_ = parse_status_line(text.decode("latin-1"))
                except ParseError as err:
                    self._error(_shift(err, offset, line, RemoteParseError))
                self._status = (indicator, offset)
            if self._status[0] is Indicator.OK_MULTI and not (
                len(self._response) > 1 and text == b"."
            ):
                continue
            return self._finish_response()

    def _finish_response(self) -> Greeting | Response:
        lines = self._response
        base_offset, base_line = lines[0][0], lines[0][1]
        wire = b"".join(t + b"\r\n" for _, _, t in lines)
        src = wire.decode("latin-1")
        rel: list[tuple[int, bytes]] = [(o - base_offset, t) for o, _, t in lines]
        self._response = []
        self._response_size = 0
        self._status = None
        event: Greeting | Response
        try:
            if self.state is State.GREETING:
                event, _ = greeting_from_lines(rel, src, strict=True)
            else:
                indicator, codes, text, spelling = parse_status_line(rel[0][1].decode("latin-1"))
                body = None
                defects: list[Defect] = []
                if indicator is Indicator.OK_MULTI:
                    contents, defects, _, needless = parse_body_lines(
                        rel[1:], src, strict=self.strict, rule="multi-line-success"
                    )
                    body = join_body(contents)
                    spelling = attrs.evolve(spelling, needless_dots=needless)
                event = Response(
                    indicator=indicator,
                    codes=codes,
                    text=text,
                    body=body,
                    spelling=spelling,
                    defects=tuple(defects),
                )
        except ParseError as err:
            self._error(_shift(err, base_offset, base_line, RemoteParseError))
        if isinstance(event, Greeting):
            if self.tls_active and event.starttls is not None:
                self._error(RemoteProtocolError("STARTTLS offered again after TLS (§6.2)"))
            self._apply(Kind.GREETING_OK if event.positive else Kind.GREETING_REFUSED, local=False)
            self.greeting = event
            return event
        self._apply(self._answer_kind(event, local=False), local=False)
        self._pending.popleft()
        return event

"""MTQP, the Message Tracking Query Protocol (RFC 3887).

Wire formats (each a model, a parser and :func:`serialize`): commands
(:func:`parse_command`), responses (:func:`parse_response`), the greeting
(:func:`parse_greeting`) and the ``mtqp://`` URI (:func:`parse_uri`,
:func:`build_uri`).  :class:`Connection` is the sans-IO protocol engine for
either role, in the style of h11.  The asyncio client and server live in
``msgtrk.mtqp.aio``, the SQLite store in ``msgtrk.mtqp.store``.

The TRACK secret: RFC 3887 §4 says the value of mtrk-secret "is hashed
using SHA1"; msgtrk hashes the base64-DECODED octets of A (RFC 3885 §3.1
defines A as a number and B = SHA1(A)), see ``docs/conformance/mtqp.md``.
"""

from __future__ import annotations

from msgtrk._errors import (
    LimitError,
    LocalProtocolError,
    ParseError,
    ProtocolError,
    RemoteProtocolError,
    SerializeError,
)
from msgtrk.mtqp._body import MAX_LINE
from msgtrk.mtqp._commands import (
    Command,
    CommandSpelling,
    Comment,
    Quit,
    StartTLS,
    Track,
    UnknownCommand,
    parse_command,
    serialize_command,
)
from msgtrk.mtqp._connection import CLIENT, SERVER, Connection, Event
from msgtrk.mtqp._events import NEED_DATA, PAUSED, BadCommand, ConnectionClosed, Rejected
from msgtrk.mtqp._greeting import Greeting, Option, parse_greeting, serialize_greeting
from msgtrk.mtqp._limits import Limits, RemoteLimitError, RemoteParseError
from msgtrk.mtqp._responses import (
    Indicator,
    Response,
    ResponseCode,
    StatusLine,
    parse_response,
    serialize_response,
)
from msgtrk.mtqp._state import Kind, Role, State
from msgtrk.mtqp._uri import DEFAULT_PORT, MtqpUri, build_uri, parse_uri

__all__ = [
    "CLIENT",
    "DEFAULT_PORT",
    "MAX_LINE",
    "NEED_DATA",
    "PAUSED",
    "SERVER",
    "BadCommand",
    "Command",
    "CommandSpelling",
    "Comment",
    "Connection",
    "ConnectionClosed",
    "Event",
    "Greeting",
    "Indicator",
    "Kind",
    "LimitError",
    "Limits",
    "LocalProtocolError",
    "MtqpUri",
    "Option",
    "ParseError",
    "ProtocolError",
    "Quit",
    "Rejected",
    "RemoteLimitError",
    "RemoteParseError",
    "RemoteProtocolError",
    "Response",
    "ResponseCode",
    "Role",
    "SerializeError",
    "StartTLS",
    "State",
    "StatusLine",
    "Track",
    "UnknownCommand",
    "build_uri",
    "parse_command",
    "parse_greeting",
    "parse_response",
    "parse_uri",
    "serialize",
]


def serialize(obj: Command | Response | Greeting | MtqpUri) -> bytes:
    """The wire bytes of a command, response or greeting (a URI gives its ASCII text)."""
    if isinstance(obj, Greeting):
        return serialize_greeting(obj)
    if isinstance(obj, Response):
        return serialize_response(obj)
    if isinstance(obj, MtqpUri):
        return build_uri(obj).encode("ascii")
    if isinstance(obj, Track | StartTLS | Comment | Quit | UnknownCommand):
        return serialize_command(obj)
    raise TypeError(f"cannot serialize {type(obj).__name__}")

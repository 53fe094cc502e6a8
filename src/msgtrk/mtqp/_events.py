"""Events of the sans-IO connection that are not wire models (RFC 3887 §2.3)."""

from __future__ import annotations

import attrs

from msgtrk._errors import ParseError
from msgtrk.mtqp._commands import Command
from msgtrk.mtqp._responses import Response

__all__ = ["NEED_DATA", "PAUSED", "BadCommand", "ConnectionClosed", "Rejected", "Sentinel"]


class Sentinel(type):
    """Metaclass of the NEED_DATA / PAUSED markers: they are their own type, as in h11."""

    def __repr__(cls) -> str:
        return cls.__name__


class NEED_DATA(metaclass=Sentinel):  # noqa: N801
    """``next_event()`` needs more bytes from ``receive_data()``."""


class PAUSED(metaclass=Sentinel):
    """``next_event()`` has nothing until our side acts.

    Returned after STARTTLS was accepted (do the TLS handshake, then call
    ``start_tls_done()``), and on a server while a command awaits its answer.
    """


@attrs.frozen(kw_only=True)
class BadCommand:
    """Server side: a command line that cannot be parsed (§2.3: answer ``-BAD``).

    ``response`` is the answer the connection proposes; send it or another
    ``-BAD`` response.
    """

    line: bytes
    error: ParseError
    response: Response = attrs.field(factory=lambda: Response.bad(text="Syntax error"))


@attrs.frozen(kw_only=True)
class Rejected:
    """Server side: a well-formed command the state does not allow (§2.3, §6, §6.1).

    ``response`` is the negative answer the RFC asks for (``-ERR``, or
    ``-BAD/tls-in-progress`` for STARTTLS inside TLS); send it or another
    negative response.
    """

    command: Command
    response: Response


@attrs.frozen
class ConnectionClosed:
    """The peer closed the connection (``receive_data(b"")``) and all data was read."""

"""Resource limits of the MTQP connection (RFC 3887 §2.2, §2.3, §2.5)."""

from __future__ import annotations

import attrs

from msgtrk._errors import LimitError, ParseError, RemoteProtocolError

__all__ = ["Limits", "RemoteLimitError", "RemoteParseError"]


@attrs.frozen(kw_only=True)
class Limits:
    """Bounds that keep every buffer finite.

    ``line_length``: octets before CRLF (998 in §2.2 and §2.3).
    ``max_buffer``: received bytes not yet turned into events.
    ``max_response``: octets of one multi-line response (client side).
    ``max_commands``: commands per connection (server side, §2.5 allows a
    cap); ``None`` for no cap.
    """

    line_length: int = attrs.field(default=998, validator=attrs.validators.ge(1))
    max_buffer: int = attrs.field(default=65536, validator=attrs.validators.ge(1002))
    max_response: int = attrs.field(default=1 << 20, validator=attrs.validators.ge(1))
    max_commands: int | None = attrs.field(default=1000)


class RemoteParseError(RemoteProtocolError, ParseError):
    """The peer sent bytes that do not parse; carries the position in the stream."""


class RemoteLimitError(RemoteParseError, LimitError):
    """The peer exceeded one of the :class:`Limits`; carries the position in the stream."""

"""asyncio MTQP client and server, built on the sans-IO :class:`~msgtrk.mtqp.Connection`.

This is the edge of msgtrk (sockets, TLS, DNS).  :func:`track` asks a server
about one message (RFC 3887 §2, §4, §6); :func:`serve` answers TRACK queries
from a ``lookup`` function such as :meth:`msgtrk.mtqp.store.SqliteStore.lookup`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import ipaddress
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal, Protocol

from msgtrk._errors import MsgtrkError, ProtocolError, RemoteProtocolError
from msgtrk.mtqp._commands import Comment, Quit, StartTLS, Track, UnknownCommand
from msgtrk.mtqp._connection import CLIENT, SERVER, Connection
from msgtrk.mtqp._events import NEED_DATA, PAUSED, BadCommand, ConnectionClosed, Rejected
from msgtrk.mtqp._greeting import Greeting, Option
from msgtrk.mtqp._limits import Limits, RemoteLimitError
from msgtrk.mtqp._responses import Response, ResponseCode, serialize_response
from msgtrk.mtqp._uri import DEFAULT_PORT, MtqpUri, parse_uri
from msgtrk.mtqp.store import TrackingRecord, record_body

if TYPE_CHECKING:
    from msgtrk.tracking_status import TrackingResponse

__all__ = [
    "CLIENT_TIMEOUT",
    "SERVER_AUTOLOGOUT",
    "DnsResolver",
    "Lookup",
    "Resolver",
    "SrvRecord",
    "TrackRefusedError",
    "TrackingRecord",
    "query",
    "serve",
    "track",
]

CLIENT_TIMEOUT = 120.0
"""The shortest inactivity timeout a client may use, in seconds (RFC 3887 §2.5)."""
SERVER_AUTOLOGOUT = 600.0
"""The shortest autologout timer a server may use, in seconds (RFC 3887 §2.5)."""
_CHUNK = 16384

SrvRecord = tuple[int, int, int, str]
"""(priority, weight, port, target) of one SRV record (RFC 2782)."""


class Resolver(Protocol):
    """Finds the SRV records of ``_mtqp._tcp.<host>`` (RFC 3887 §2)."""

    async def srv(self, name: str) -> list[SrvRecord]:
        """The SRV records of ``name`` (empty if there are none)."""
        ...


class DnsResolver:
    """The default :class:`Resolver`, on dnspython's asyncio resolver."""

    async def srv(self, name: str) -> list[SrvRecord]:
        """SRV records of ``name``; no records (or no DNS) gives an empty list."""
        import dns.asyncresolver  # noqa: PLC0415 - deferred (import cost / cycle)
        import dns.exception  # noqa: PLC0415 - deferred (import cost / cycle)

        try:
            answer = await dns.asyncresolver.resolve(name, "SRV")
        except dns.exception.DNSException:
            return []
        return [
            (r.priority, r.weight, r.port, r.target.to_text(omit_final_dot=True)) for r in answer
        ]


class TrackRefusedError(MsgtrkError):
    """The server refused (greeting or TRACK answer); ``response`` holds its answer."""

    def __init__(self, message: str, response: Response | Greeting | None = None) -> None:
        super().__init__(message)
        self.response = response


async def _event(conn: Connection, reader: asyncio.StreamReader, timeout: float) -> object:
    while True:
        event = conn.next_event()
        if event is not NEED_DATA:
            return event
        data = await asyncio.wait_for(reader.read(_CHUNK), timeout)
        conn.receive_data(data)


def _refuse_plaintext_after_starttls(reader: asyncio.StreamReader) -> None:
    """Raise if clear-text bytes wait in ``reader`` when TLS is about to start (RFC 3887 §6).

    asyncio keeps bytes already read from the socket in the reader's buffer
    across ``start_tls()`` and would later return them as if they had come
    through TLS (command injection, as in CVE-2011-0411).  Bytes the
    connection has already been fed are caught by ``start_tls_done()``.
    """
    if getattr(reader, "_buffer", None):
        raise RemoteProtocolError(
            "data received after the STARTTLS answer and before TLS: STARTTLS must "
            "be the last command of a batch (RFC 3887 §6, §8)"
        )


async def _targets(host: str, port: int | None, resolver: Resolver | None) -> list[tuple[str, int]]:
    """Where to connect: SRV targets of ``_mtqp._tcp.host`` first, else host itself (§2)."""
    if port is not None:
        return [(host.strip("[]"), port)]  # an IPv6 literal without its URI brackets
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        records = await (resolver or DnsResolver()).srv(f"_mtqp._tcp.{host}")
        if len(records) == 1 and records[0][3] in ("", "."):
            raise TrackRefusedError(
                f"{host} says it has no MTQP service (SRV target '.')"
            ) from None
        ordered = sorted(records, key=lambda r: (r[0], -r[1]))
        if ordered:
            return [(target, p) for _, _, p, target in ordered if target not in ("", ".")]
    return [(host.strip("[]"), DEFAULT_PORT)]


async def query(
    target: str | MtqpUri,
    envid: str | None = None,
    secret: str | None = None,
    *,
    port: int | None = None,
    ssl_context: ssl.SSLContext | None = None,
    server_hostname: str | None = None,
    starttls: Literal["auto", "require", "never"] = "auto",
    timeout: float = CLIENT_TIMEOUT,
    resolver: Resolver | None = None,
) -> Response:
    """Run one TRACK query and return the server's answer (positive or negative).

    ``target`` is an ``mtqp://`` URI (which gives envid and secret) or a host.
    Without an explicit port the client looks up ``_mtqp._tcp.<host>`` SRV
    records through ``resolver`` (default: dnspython), then falls back to the
    host on port 1038 (§2).  STARTTLS is used when the server offers it
    (``starttls="auto"``), always (``"require"``), or never (``"never"``);
    ``server_hostname`` is the FQDN sent with STARTTLS and checked against
    the certificate (default: the host).  ``timeout`` is the inactivity
    timer, at least 2 minutes (§2.5).
    """
    if timeout < CLIENT_TIMEOUT:
        raise ValueError("RFC 3887 §2.5: a client timer MUST be at least 2 minutes")
    if isinstance(target, str) and target[:7].lower() == "mtqp://":
        target = parse_uri(target)
    if isinstance(target, MtqpUri):
        host, port = target.host, target.port if port is None else port
        envid = target.envid if envid is None else envid
        secret = target.secret if secret is None else secret
    else:
        host = target
    if envid is None or secret is None:
        raise ValueError("a TRACK query needs an envid and a secret")
    command = Track(envid=envid, secret=secret)
    last: OSError | None = None
    for address, number in await _targets(host, port, resolver):
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(address, number), timeout
            )
        except OSError as err:
            last = err
            continue
        try:
            return await _converse(
                reader,
                writer,
                command,
                ssl_context=ssl_context,
                server_hostname=server_hostname or host.strip("[]"),
                starttls=starttls,
                timeout=timeout,
            )
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
    raise last or OSError(f"cannot connect to an MTQP server for {host}")


def _expect(event: object) -> Response:
    if not isinstance(event, Response):  # pragma: no cover - the connection guarantees it
        raise RemoteProtocolError(f"expected a response, got {event!r}")
    return event


async def _converse(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    command: Track,
    *,
    ssl_context: ssl.SSLContext | None,
    server_hostname: str,
    starttls: str,
    timeout: float,
) -> Response:
    conn = Connection(CLIENT)
    greeting = await _event(conn, reader, timeout)
    if not isinstance(greeting, Greeting) or not greeting.positive:
        raise TrackRefusedError("the server refused the connection", greeting)  # type: ignore[arg-type]
    offered = greeting.starttls is not None
    if starttls == "require" and not offered:
        raise TrackRefusedError("the server does not offer STARTTLS", greeting)
    if offered and starttls != "never":
        writer.write(conn.send(StartTLS(domain=server_hostname)))
        answer = _expect(await _event(conn, reader, timeout))
        if answer.positive:
            context = ssl_context or ssl.create_default_context()
            conn.start_tls_done()  # raises if the server sent data after its +OK
            _refuse_plaintext_after_starttls(reader)
            await writer.start_tls(context, server_hostname=server_hostname)
            greeting = await _event(conn, reader, timeout)
            if not isinstance(greeting, Greeting) or not greeting.positive:
                raise TrackRefusedError("the server refused the connection after TLS", greeting)  # type: ignore[arg-type]
        elif starttls == "require" or greeting.tls_required:
            raise TrackRefusedError("STARTTLS was refused", answer)
    writer.write(conn.send(command))
    response = _expect(await _event(conn, reader, timeout))
    with contextlib.suppress(ProtocolError, OSError, TimeoutError):
        writer.write(conn.send(Quit()))
        await asyncio.wait_for(_event(conn, reader, timeout), 5.0)
    return response


async def track(
    target: str | MtqpUri,
    envid: str | None = None,
    secret: str | None = None,
    **options: object,
) -> TrackingResponse:
    """Ask an MTQP server where a message is (RFC 3887 §4): the tracking information.

    Takes the arguments of :func:`query`.  A negative answer raises
    :class:`TrackRefusedError` (with the response); the MTSN body is read
    leniently (``strict=False``), its defects in ``.defects``.
    """
    response = await query(target, envid, secret, **options)  # type: ignore[arg-type]
    if not response.positive or response.body is None:
        codes = "/".join(c.value if isinstance(c, ResponseCode) else c for c in response.codes)
        raise TrackRefusedError(
            f"TRACK refused: {response.indicator.value}/{codes} {response.text or ''}".strip(),
            response,
        )
    return response.tracking


# --- server -------------------------------------------------------------------------

Lookup = Callable[[str], "TrackingRecord | Awaitable[TrackingRecord | None] | None"]
_DUMMY_CERTIFIER = "2jmj7l5rSw0yVb/vlWAYkK/YBwk"


def _verify(secret: str, certifier: str) -> bool:
    from msgtrk.esmtp import verify_mtrk_secret  # noqa: PLC0415 - deferred (import cost / cycle)

    return verify_mtrk_secret(secret, certifier)


def _envelope_id(envid: str) -> str:
    """The Original-Envelope-Id of a TRACK envid: its xtext decoded (RFC 3461 §6.3).

    The unique-envid's parts are xtext (RFC 3885 §3.2); a value that does
    not decode to printable ASCII is kept encoded (no line breaks injected).
    """
    from msgtrk.esmtp import xtext_decode  # noqa: PLC0415 - deferred (import cost / cycle)

    try:
        decoded = xtext_decode(envid).decode("ascii")
    except (MsgtrkError, UnicodeDecodeError):
        return envid
    return decoded if all(" " < c <= "~" for c in decoded) else envid


def _opaque_body(envid: str, hostname: str) -> bytes:
    """A tracking-status whose action is "opaque" (RFC 3886 §3.3.3, RFC 3887 §4)."""
    from email.utils import formatdate  # noqa: PLC0415 - deferred (import cost / cycle)

    from msgtrk import tracking_status  # noqa: PLC0415 - deferred (import cost / cycle)

    text = (
        f"Original-Envelope-Id: {_envelope_id(envid)}\r\n"
        f"Reporting-MTA: dns; {hostname}\r\n"
        f"Arrival-Date: {formatdate(time.time())}\r\n"
        "\r\n"
        "Original-Recipient: rfc822; unknown\r\n"
        "Final-Recipient: rfc822; unknown\r\n"
        "Action: opaque\r\n"
        "Status: 2.0.0\r\n"
    )
    status = tracking_status.parse(text, strict=False)
    return tracking_status.serialize_response(tracking_status.build_response([status]))


async def _answer_track(
    cmd: Track,
    conn: Connection,
    lookup: Lookup,
    *,
    tls_required: bool,
    unknown: str,
    hostname: str,
) -> Response:
    if tls_required and not conn.tls_active:
        return Response.err(ResponseCode.TLS_REQUIRED, text="Use STARTTLS first")
    try:
        found = lookup(cmd.envid)
        record = await found if inspect.isawaitable(found) else found
    except Exception:  # a failing store must not kill the connection
        return Response.temp(ResponseCode.UNAVAILABLE, text="Tracking store unavailable")
    certifier = record.certifier if isinstance(record, TrackingRecord) else _DUMMY_CERTIFIER
    valid = _verify(cmd.secret, certifier)  # constant time, also for unknown envids
    if isinstance(record, TrackingRecord) and valid:
        return Response.multiline(record_body(record), "Tracking information follows")
    # A wrong secret gets the same answer as an unknown message: no oracle.
    if unknown == "opaque":
        return Response.multiline(_opaque_body(cmd.envid, hostname), "Tracking information follows")
    return Response.err(ResponseCode.NOINFO, text="No information about this message")


async def _handle(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    *,
    lookup: Lookup,
    ssl_context: ssl.SSLContext | None,
    tls_required: bool,
    hostnames: frozenset[str] | None,
    unknown: str,
    hostname: str,
    autologout: float,
    limits: Limits,
) -> None:
    conn = Connection(SERVER, limits=limits)
    options = [Option.starttls(required=tls_required)] if ssl_context is not None else None
    writer.write(conn.send(Greeting.ready(f"{hostname} MTQP server ready", options)))
    try:
        while True:
            event = conn.next_event()
            if event is NEED_DATA:
                await writer.drain()
                try:
                    data = await asyncio.wait_for(reader.read(_CHUNK), autologout)
                except TimeoutError:
                    return  # autologout (§2.5)
                conn.receive_data(data)
                continue
            if isinstance(event, ConnectionClosed) or event is PAUSED:
                return
            if isinstance(event, BadCommand | Rejected):
                writer.write(conn.send(event.response))
            elif isinstance(event, Track):
                writer.write(
                    conn.send(
                        await _answer_track(
                            event,
                            conn,
                            lookup,
                            tls_required=tls_required,
                            unknown=unknown,
                            hostname=hostname,
                        )
                    )
                )
            elif isinstance(event, Comment):
                writer.write(conn.send(Response.ok()))
            elif isinstance(event, UnknownCommand):
                writer.write(conn.send(Response.bad(text="Unknown command")))
            elif isinstance(event, StartTLS) and ssl_context is not None:
                if hostnames is not None and event.domain.lower() not in hostnames:
                    writer.write(conn.send(Response.bad(ResponseCode.BAD_FQDN)))
                    continue
                writer.write(conn.send(Response.ok("Begin TLS negotiation")))
                await writer.drain()
                conn.start_tls_done()  # raises if commands followed STARTTLS
                _refuse_plaintext_after_starttls(reader)
                await writer.start_tls(ssl_context)
                writer.write(conn.send(Greeting.ready(f"{hostname} MTQP server ready")))
            elif isinstance(event, Quit):
                writer.write(conn.send(Response.ok("Bye")))
                await writer.drain()
                return
    except RemoteLimitError:
        # §2.5 allows the cap; the answer is written outside the failed connection
        writer.write(
            serialize_response(Response.temp(ResponseCode.UNAVAILABLE, text="Limit exceeded"))
        )
        with contextlib.suppress(OSError):
            await writer.drain()
    except (ProtocolError, OSError, ssl.SSLError, asyncio.IncompleteReadError):
        return
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def serve(
    lookup: Lookup,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    ssl_context: ssl.SSLContext | None = None,
    tls_required: bool = False,
    hostnames: set[str] | None = None,
    unknown: Literal["noinfo", "opaque"] = "noinfo",
    hostname: str = "localhost",
    autologout: float = SERVER_AUTOLOGOUT,
    max_commands: int | None = 1000,
) -> asyncio.Server:
    """Start an MTQP server answering TRACK from ``lookup(envid)`` (RFC 3887 §4).

    ``lookup`` returns a :class:`~msgtrk.mtqp.store.TrackingRecord` (or an
    awaitable of one) or None.  The secret is checked against the stored
    certifier in constant time; an unknown message or a wrong secret is
    answered ``-ERR/noinfo`` (or, with ``unknown="opaque"``, a tracking-status
    whose action is "opaque").  With ``ssl_context`` the greeting offers
    STARTTLS (``tls_required`` adds "required" and TRACK without TLS gets
    ``-ERR/tls-required``); ``hostnames`` (the certificate's names) enables
    the ``-BAD/bad-fqdn`` check.  ``autologout`` is at least 10 minutes
    (§2.5); ``max_commands`` caps the commands of one connection.  Returns
    the listening :class:`asyncio.Server`.
    """
    if autologout < SERVER_AUTOLOGOUT:
        raise ValueError("RFC 3887 §2.5: an autologout timer MUST be at least 10 minutes")
    names = None if hostnames is None else frozenset(n.lower() for n in hostnames)
    limits = Limits(max_commands=max_commands)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _handle(
            reader,
            writer,
            lookup=lookup,
            ssl_context=ssl_context,
            tls_required=tls_required,
            hostnames=names,
            unknown=unknown,
            hostname=hostname,
            autologout=autologout,
            limits=limits,
        )

    return await asyncio.start_server(handler, host, port)

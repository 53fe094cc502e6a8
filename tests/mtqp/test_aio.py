"""End to end over real TCP on 127.0.0.1: the asyncio server and client (RFC 3887)."""

from __future__ import annotations

import asyncio
import ssl

import pytest
import trustme

from msgtrk import mtqp
from msgtrk.esmtp import new_mtrk_secret
from msgtrk.mtqp import aio
from msgtrk.mtqp.store import SqliteStore

from ._helpers import transcript

ENVID = "<12345-20010101@example.com>"
SECRET, CERTIFIER = new_mtrk_secret()
NAME = "mtqp.example.test"
STATUS = (
    "Original-Envelope-Id: 12345-20010101@example.com\r\n"
    "Reporting-MTA: dns; example2.com\r\n"
    "Arrival-Date: Mon, 1 Jan 2001 15:15:15 -0500\r\n"
    "\r\n"
    "Original-Recipient: rfc822; user1@example1.com\r\n"
    "Final-Recipient: rfc822; user1@example1.com\r\n"
    "Action: delivered\r\n"
    "Status: 2.5.0\r\n"
)
LIMIT = 20  # seconds: no test may hang


class NoSrv:
    """A resolver that never touches the network."""

    def __init__(self, records: list[aio.SrvRecord] | None = None) -> None:
        self.records = records or []
        self.asked: list[str] = []

    async def srv(self, name: str) -> list[aio.SrvRecord]:
        self.asked.append(name)
        return self.records


@pytest.fixture
def store() -> SqliteStore:
    db = SqliteStore(":memory:")
    db.add(ENVID, CERTIFIER, [STATUS])
    return db


@pytest.fixture
def tls() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(NAME).configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    return server_ctx, client_ctx


async def _server(store: SqliteStore, **options: object) -> tuple[asyncio.Server, int]:
    server = await aio.serve(store.lookup, "127.0.0.1", 0, **options)  # type: ignore[arg-type]
    return server, server.sockets[0].getsockname()[1]


async def _raw(port: int, data: bytes, *, until: bytes = b"", eof: bool = False) -> bytes:
    """Send ``data`` on a plain socket (then EOF if asked) and read until EOF (or ``until``)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    if eof:
        writer.write_eof()
    out = b""
    while not (until and until in out):
        chunk = await reader.read(65536)
        if not chunk:
            break
        out += chunk
    writer.close()
    return out


def run(coro: object) -> object:
    async def bounded() -> object:
        return await asyncio.wait_for(coro, LIMIT)  # type: ignore[arg-type]

    return asyncio.run(bounded())


def test_track_right_and_wrong_secret(store: SqliteStore) -> None:
    async def main() -> None:
        server, port = await _server(store)
        async with server:
            resolver = NoSrv()
            result = await aio.track("127.0.0.1", ENVID, SECRET, port=port, resolver=resolver)
            assert [r.action.value for r in result.recipients] == ["delivered"]
            assert result.per_message.reporting_mta is not None
            uri = mtqp.build_uri(host="127.0.0.1", port=port, envid=ENVID, secret=SECRET)
            assert (await aio.track(uri)).statuses == result.statuses
            with pytest.raises(aio.TrackRefusedError) as info:
                await aio.track("127.0.0.1", ENVID, "V3JvbmcK", port=port)
            assert info.value.response.has(mtqp.ResponseCode.NOINFO)  # type: ignore[union-attr]
            with pytest.raises(aio.TrackRefusedError):
                await aio.track("127.0.0.1", "unknown@example.com", SECRET, port=port)

    run(main())


def test_pipelining_and_quit_on_the_wire(store: SqliteStore) -> None:
    async def main() -> None:
        server, port = await _server(store)
        async with server:
            batch = (
                f"TRACK {ENVID} {SECRET}\r\n"
                f"track {ENVID} V3JvbmcK\r\n"
                "COMMENT pipelined\r\n"
                "NOOP\r\n"
                "TRACK broken\r\n"
                "QUIT\r\n"
            ).encode()
            wire = await _raw(port, batch)
            conn = mtqp.Connection(mtqp.CLIENT)
            conn.receive_data(wire)
            greeting = conn.next_event()
            assert isinstance(greeting, mtqp.Greeting) and greeting.starttls is None
            for line in batch.splitlines(keepends=True):
                if b"broken" in line:  # stands for the unparseable line in our queue
                    conn.send(mtqp.UnknownCommand(keyword="X"))
                else:
                    conn.send(mtqp.parse_command(line, strict=False))
            answers = [conn.next_event() for _ in range(6)]
            kinds = [a.indicator for a in answers]  # type: ignore[union-attr]
            assert kinds == [
                mtqp.Indicator.OK_MULTI,
                mtqp.Indicator.ERR,
                mtqp.Indicator.OK,
                mtqp.Indicator.BAD,
                mtqp.Indicator.BAD,
                mtqp.Indicator.OK,
            ]
            conn.receive_data(b"")
            assert isinstance(conn.next_event(), mtqp.ConnectionClosed)  # closed after QUIT

    run(main())


def test_starttls_upgrade(store: SqliteStore, tls: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server_ctx, client_ctx = tls

    async def main() -> None:
        server, port = await _server(
            store, ssl_context=server_ctx, tls_required=True, hostnames={NAME}
        )
        async with server:
            # the greeting offers STARTTLS required; TRACK in clear gets -ERR/tls-required
            wire = await _raw(port, f"TRACK {ENVID} {SECRET}\r\nQUIT\r\n".encode())
            assert wire.startswith(b"+OK+/MTQP ")
            assert b"\r\nSTARTTLS required\r\n.\r\n-ERR/tls-required " in wire
            wire = await _raw(port, b"STARTTLS other.example.test\r\nQUIT\r\n")
            assert b"-BAD/bad-fqdn\r\n" in wire
            with pytest.raises(aio.TrackRefusedError):
                await aio.track("127.0.0.1", ENVID, SECRET, port=port, starttls="never")
            result = await aio.track(
                "127.0.0.1",
                ENVID,
                SECRET,
                port=port,
                ssl_context=client_ctx,
                server_hostname=NAME,
            )
            assert [r.action.value for r in result.recipients] == ["delivered"]
            # the same by hand, to see the post-TLS greeting without STARTTLS
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            conn = mtqp.Connection(mtqp.CLIENT)
            greetings = []

            async def event() -> object:
                while (ev := conn.next_event()) is mtqp.NEED_DATA:
                    conn.receive_data(await reader.read(4096))
                return ev

            greetings.append(await event())
            writer.write(conn.send(mtqp.StartTLS(domain=NAME)))
            assert (await event()).positive  # type: ignore[union-attr]
            conn.start_tls_done()
            await writer.start_tls(client_ctx, server_hostname=NAME)
            greetings.append(await event())
            assert writer.get_extra_info("ssl_object") is not None
            assert [g.starttls is not None for g in greetings] == [True, False]  # type: ignore[union-attr]
            with pytest.raises(mtqp.LocalProtocolError):  # §6.2: not twice
                conn.send(mtqp.StartTLS(domain=NAME))
            writer.write(b"STARTTLS " + NAME.encode() + b"\r\nQUIT\r\n")
            data = b""
            while chunk := await reader.read(4096):
                data += chunk
            assert data == b"-BAD/tls-in-progress TLS already active\r\n+OK Bye\r\n"
            writer.close()

    run(main())


def test_hostile_input_is_answered_not_hung(store: SqliteStore) -> None:
    async def main() -> None:
        server, port = await _server(store, max_commands=5)
        async with server:
            long_line = b"COMMENT " + b"x" * 5000 + b"\r\n"
            wire = await _raw(port, long_line + b"QUIT\x00\r\nTRACK a\xe9@b QUJD\r\nBARE\nQUIT\r\n")
            lines = wire.split(b"\r\n")
            assert lines[1:6] == [
                b"-BAD Syntax error",
                b"-BAD Syntax error",
                b"-BAD Syntax error",
                b"-BAD Syntax error",
                b"+OK Bye",
            ]
            wire = await _raw(port, b"COMMENT\r\n" * 7)
            assert wire.count(b"+OK\r\n") == 5
            assert wire.endswith(b"+OK\r\n-TEMP/unavailable Limit exceeded\r\n")
            # a client that goes away mid-line, and a silent one, do not hang the server
            assert (await _raw(port, b"COMM", eof=True)).startswith(b"+OK/MTQP")

    run(main())


def test_client_against_misbehaving_servers() -> None:
    async def fake(reply: bytes) -> tuple[asyncio.Server, int]:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(reply)
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        return server, server.sockets[0].getsockname()[1]

    async def main() -> None:
        cases = [
            (b"+OK/MTQP hi\r\n+OK+ x\r\nContent-Type: text/plain\r\n", mtqp.RemoteParseError),
            (b"+OK/MTQP hi\r\n" + b"+OK+ " + b"y" * 2000, mtqp.RemoteLimitError),
            (b"-TEMP/MTQP/admin down\r\n", aio.TrackRefusedError),
            (b"+OK/MTQP\n", mtqp.RemoteParseError),
        ]
        for reply, error in cases:
            server, port = await fake(reply)
            async with server:
                with pytest.raises(error):
                    await aio.query("127.0.0.1", "a@b", "QUJD", port=port)

    run(main())


def test_srv_lookup_through_injected_resolver(store: SqliteStore) -> None:
    async def main() -> None:
        server, port = await _server(store)
        async with server:
            resolver = NoSrv([(10, 5, port, "127.0.0.1"), (20, 0, 1, "127.0.0.9")])
            result = await aio.track("mtqp.example.test", ENVID, SECRET, resolver=resolver)
            assert resolver.asked == ["_mtqp._tcp.mtqp.example.test"]
            assert len(result.recipients) == 1
            with pytest.raises(aio.TrackRefusedError, match="no MTQP service"):
                await aio.track("x.example.test", ENVID, SECRET, resolver=NoSrv([(0, 0, 0, ".")]))

    run(main())


def test_opaque_answer(store: SqliteStore) -> None:
    async def main() -> None:
        server, port = await _server(store, unknown="opaque", hostname="mtqp.example.test")
        async with server:
            result = await aio.track("127.0.0.1", "nobody@example.com", SECRET, port=port)
            assert [r.action.value for r in result.recipients] == ["opaque"]
            # RFC 3461 §6.3: the Original-Envelope-Id is the decoded xtext
            result = await aio.track("127.0.0.1", "no+2Bbody@example.com", SECRET, port=port)
            assert result.per_message.original_envelope_id == "no+body@example.com"
            # a decoded CR LF would break the body: kept encoded
            result = await aio.track("127.0.0.1", "x+0D+0AAction:@example.com", SECRET, port=port)
            assert result.per_message.original_envelope_id == "x+0D+0AAction:@example.com"
            assert [r.action.value for r in result.recipients] == ["opaque"]

    run(main())


def test_timer_minimums(store: SqliteStore) -> None:
    with pytest.raises(ValueError, match="2 minutes"):
        run(aio.query("127.0.0.1", "a@b", "QUJD", port=1, timeout=10))
    with pytest.raises(ValueError, match="10 minutes"):
        run(aio.serve(store.lookup, "127.0.0.1", 0, autologout=60))


def test_rfc_example_through_server(store: SqliteStore) -> None:
    client_wire, _ = transcript("rfc3887-4.1-example06.txt")

    async def main() -> None:
        server, port = await _server(store)
        async with server:
            wire = await _raw(port, client_wire + b"QUIT\r\n")
            assert b"\r\n-ERR/noinfo " in wire  # the example's secret is not ours

    run(main())


def test_failing_or_async_lookup() -> None:
    def broken(envid: str) -> None:
        raise RuntimeError("database down")

    async def slow(envid: str) -> aio.TrackingRecord | None:
        await asyncio.sleep(0)
        return aio.TrackingRecord(certifier=CERTIFIER, tracking=[STATUS])

    async def main() -> None:
        server = await aio.serve(broken, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            wire = await _raw(port, f"TRACK {ENVID} {SECRET}\r\nQUIT\r\n".encode())
            assert b"\r\n-TEMP/unavailable " in wire
        server = await aio.serve(slow, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            result = await aio.track("127.0.0.1", ENVID, SECRET, port=port)
            assert len(result.recipients) == 1

    run(main())


def test_ipv6_uri_host_connects_without_brackets() -> None:
    # RFC 3986 §3.2.2: "[::1]" in a URI is the address ::1; the socket needs it bare.
    resolver = NoSrv()
    uri = mtqp.parse_uri("mtqp://[::1]:1039/track/a@b.example/QUJD")
    assert run(aio._targets(uri.host, uri.port, resolver)) == [("::1", 1039)]
    assert run(aio._targets("[::1]", None, resolver)) == [("::1", mtqp.DEFAULT_PORT)]
    assert resolver.asked == []  # no SRV lookup for an address literal


def test_plaintext_buffered_by_asyncio_is_refused_before_tls() -> None:
    # RFC 3887 §6/§8: nothing may follow STARTTLS in clear.  asyncio keeps bytes
    # it has read in the StreamReader across start_tls(); they must not be
    # taken for commands sent through TLS (command injection).
    async def main() -> None:
        reader = asyncio.StreamReader()
        aio._refuse_plaintext_after_starttls(reader)  # nothing pending: fine
        reader.feed_data(b"TRACK a@b.example QUJD\r\n")
        with pytest.raises(mtqp.RemoteProtocolError, match="before TLS"):
            aio._refuse_plaintext_after_starttls(reader)

    run(main())


def test_injected_command_after_starttls_at_a_read_boundary(
    store: SqliteStore, tls: tuple[ssl.SSLContext, ssl.SSLContext]
) -> None:
    # The STARTTLS line ends exactly where the server's read of 16 KiB ends, so the
    # injected TRACK stays in asyncio's buffer: the server closes, it starts no TLS.
    server_ctx, _ = tls

    async def main() -> None:
        server, port = await _server(store, ssl_context=server_ctx)
        async with server:
            starttls = f"STARTTLS {NAME}\r\n".encode()
            filler = 16384 - len(starttls)
            comments = b"COMMENT " + b"x" * 988 + b"\r\n"  # 998 + CRLF
            head = comments * (filler // len(comments))
            head += b"COMMENT " + b"y" * (filler - len(head) - 10) + b"\r\n"
            assert len(head + starttls) == 16384
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head + starttls + f"TRACK {ENVID} {SECRET}\r\n".encode())
            wire = b""
            closed = False
            try:
                while chunk := await asyncio.wait_for(reader.read(65536), 5):
                    wire += chunk
                closed = True
            except TimeoutError:
                pass  # the server waits for a TLS handshake: it took the bait
            finally:
                writer.close()
            assert closed
            assert wire.count(b"+OK\r\n") == 17
            assert wire.endswith(b"+OK Begin TLS negotiation\r\n")  # then closed, no TLS

    run(main())

"""``msgtrk serve --db FILE``: run an MTQP server on an SQLite tracking store (RFC 3887).

The store's schema is documented in :mod:`msgtrk.mtqp.store`; ``--add``
records a message (envid, certifier, tracking-status files) and exits.
With ``--cert`` (and ``--key``) the server offers STARTTLS (§6).  It prints
``listening on HOST:PORT`` once ready and serves until interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import ssl
import sys
from pathlib import Path

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the sub-command's arguments."""
    parser.add_argument("--db", required=True, metavar="FILE", help="the SQLite store")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=1038, help="port (0: any free port)")
    parser.add_argument("--cert", help="PEM certificate chain: offer STARTTLS")
    parser.add_argument("--key", help="PEM private key (if not in --cert)")
    parser.add_argument("--tls-required", action="store_true", help="TRACK only under TLS")
    parser.add_argument("--hostname", default="localhost", help="name in greeting and opaque")
    parser.add_argument(
        "--unknown",
        choices=("noinfo", "opaque"),
        default="noinfo",
        help="answer for unknown messages or wrong secrets (RFC 3887 §4)",
    )
    parser.add_argument("--max-commands", type=int, default=1000, help="commands per connection")
    parser.add_argument(
        "--add",
        nargs="+",
        metavar=("ENVID", "CERTIFIER"),
        help="record ENVID CERTIFIER [STATUS-FILE...] in the store and exit",
    )


def run(args: argparse.Namespace) -> int:
    """Serve (or add a record); 0 on a clean stop, 2 on a start-up failure."""
    from msgtrk.mtqp import aio  # noqa: PLC0415 - deferred (import cost / cycle)
    from msgtrk.mtqp.store import SqliteStore  # noqa: PLC0415 - deferred (import cost / cycle)

    store = SqliteStore(args.db)
    if args.add:
        if len(args.add) < 2:
            print("msgtrk serve: --add needs ENVID CERTIFIER", file=sys.stderr)
            return 2
        envid, certifier, *files = args.add
        try:
            store.add(envid, certifier, [Path(f).read_text(encoding="ascii") for f in files])
        except (OSError, UnicodeError, ValueError) as exc:
            print(f"msgtrk serve: --add: {exc}", file=sys.stderr)
            return 2
        finally:
            store.close()
        return 0
    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    async def main() -> None:
        server = await aio.serve(
            store.lookup,
            args.host,
            args.port,
            ssl_context=context,
            tls_required=args.tls_required,
            unknown=args.unknown,
            hostname=args.hostname,
            max_commands=args.max_commands,
        )
        host, port = server.sockets[0].getsockname()[:2]
        print(f"listening on {host}:{port}", flush=True)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(main())
    except OSError as err:
        print(f"msgtrk serve: {err}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0

"""``msgtrk track TARGET [ENVID SECRET]``: ask an MTQP server where a message is (RFC 3887).

TARGET is an ``mtqp://host[:port]/track/envid/secret`` URI (§9) or a host
name (then ENVID and SECRET are required).  Prints the tracking information
as a table (``--json`` for JSON, ``--raw`` for the MIME body as received).
Exit status: 0 answered, 1 refused (the server's answer on standard error),
2 connection or protocol failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import sys

from msgtrk._errors import MsgtrkError

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the sub-command's arguments."""
    parser.add_argument("target", metavar="TARGET", help="an mtqp:// URI or a host name")
    parser.add_argument("envid", nargs="?", help="the unique-envid (RFC 3885 §3.2)")
    parser.add_argument("secret", nargs="?", help="the base64 secret A (RFC 3885 §3.1)")
    parser.add_argument("--port", type=int, help="server port (default: SRV lookup, else 1038)")
    parser.add_argument(
        "--starttls",
        choices=("auto", "require", "never"),
        default="auto",
        help="use STARTTLS when offered (auto), always (require) or never",
    )
    parser.add_argument("--cafile", help="PEM file of the CAs trusted for STARTTLS")
    parser.add_argument("--server-name", help="the FQDN sent with STARTTLS and checked")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="inactivity timeout, >= 120 s (§2.5)"
    )
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--raw", action="store_true", help="print the MIME body as received")


def run(args: argparse.Namespace) -> int:
    """Run the query; see the module docstring for the exit status."""
    from msgtrk import tracking_status  # noqa: PLC0415 - deferred (import cost / cycle)
    from msgtrk.mtqp import aio  # noqa: PLC0415 - deferred (import cost / cycle)

    context = None
    if args.cafile:
        context = ssl.create_default_context(cafile=args.cafile)
    try:
        response = asyncio.run(
            aio.query(
                args.target,
                args.envid,
                args.secret,
                port=args.port,
                ssl_context=context,
                server_hostname=args.server_name,
                starttls=args.starttls,
                timeout=args.timeout,
            )
        )
    except aio.TrackRefusedError as err:
        print(f"msgtrk track: {err}", file=sys.stderr)
        return 1
    except (MsgtrkError, ValueError, OSError, TimeoutError) as err:
        print(f"msgtrk track: {err}", file=sys.stderr)
        return 2
    if not response.positive or response.body is None:
        from msgtrk.mtqp import serialize  # noqa: PLC0415 - deferred (import cost / cycle)

        sys.stderr.write(serialize(response).decode("ascii"))
        return 1
    if args.raw:
        sys.stdout.buffer.write(response.body)
        return 0
    tracking = response.tracking
    if args.json:
        print(json.dumps(tracking.to_dict(), indent=2, default=str))
        return 0
    for status in tracking.statuses:
        print(tracking_status.render_table(status))
    for defect in tracking.defects:
        print(f"defect {defect.line}:{defect.column}: {defect.kind}: {defect.message}")
    return 0

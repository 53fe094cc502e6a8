"""Shared helpers of the mtqp tests: RFC example transcripts and feeding patterns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from msgtrk import mtqp

DATA = Path(__file__).resolve().parent.parent / "data"


def transcript(name: str) -> tuple[bytes, bytes]:
    """(client bytes, server bytes) of an RFC 3887 example file, prefixes removed."""
    client, server = [], []
    for line in (DATA / name).read_text(encoding="ascii").splitlines():
        side, _, rest = line.partition(":")
        text = rest[1:] if rest.startswith(" ") else rest
        (client if side == "C" else server).append(text.encode("ascii") + b"\r\n")
    return b"".join(client), b"".join(server)


def chunkings(data: bytes) -> Iterator[tuple[str, list[bytes]]]:
    """The same bytes whole, byte by byte, and in two uneven pieces."""
    yield "whole", [data]
    yield "bytewise", [data[i : i + 1] for i in range(len(data))]
    cut = max(1, len(data) // 3)
    yield "split", [data[:cut], data[cut:]]


def drain(conn: mtqp.Connection) -> list[object]:
    """Every event available now (stops at NEED_DATA, PAUSED or ConnectionClosed)."""
    events: list[object] = []
    while True:
        event = conn.next_event()
        if event is mtqp.NEED_DATA or event is mtqp.PAUSED:
            return events
        events.append(event)
        if isinstance(event, mtqp.ConnectionClosed):
            return events


def feed(conn: mtqp.Connection, pieces: list[bytes]) -> list[object]:
    """Feed ``pieces`` one at a time, draining events after each."""
    events: list[object] = []
    for piece in pieces:
        conn.receive_data(piece)
        events.extend(drain(conn))
    return events

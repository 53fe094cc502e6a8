"""A default tracking store for the MTQP server: one SQLite file (standard library).

Schema (``SCHEMA``)::

    messages(envid TEXT PRIMARY KEY,    -- unique-envid, RFC 3885 §3.2 (the ENVID= value)
             certifier TEXT NOT NULL,   -- base64(SHA1(A)), the MTRK= value (RFC 3885 §3.1)
             expires INTEGER)           -- Unix time after which the record is gone; NULL: kept
    statuses(envid TEXT NOT NULL REFERENCES messages(envid) ON DELETE CASCADE,
             seq INTEGER NOT NULL,      -- order of the parts in the TRACK answer
             body TEXT NOT NULL,        -- one message/tracking-status body (RFC 3886 §3)
             PRIMARY KEY (envid, seq))

A TRACK answer is the ``multipart/related`` MTSN of the envid's statuses, in
``seq`` order (RFC 3887 §4).
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from msgtrk.tracking_status import TrackingResponse, TrackingStatus

__all__ = ["SCHEMA", "SqliteStore", "TrackingRecord", "record_body"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    envid TEXT PRIMARY KEY,
    certifier TEXT NOT NULL,
    expires INTEGER
);
CREATE TABLE IF NOT EXISTS statuses (
    envid TEXT NOT NULL REFERENCES messages(envid) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (envid, seq)
);
"""


@attrs.frozen(kw_only=True)
class TrackingRecord:
    """What a server knows about one message: the certifier and the tracking data.

    ``tracking`` is a whole MTSN (``bytes``: the MIME body part of RFC 3887
    §4, Content-Type line first), a :class:`TrackingResponse`, or a sequence
    of tracking-status bodies (text or models) to be wrapped in one.
    """

    certifier: str
    tracking: bytes | TrackingResponse | Sequence[str | TrackingStatus]


def record_body(record: TrackingRecord) -> bytes:
    """The MIME body part a ``+OK+`` TRACK answer carries for ``record`` (RFC 3887 §4).

    Line ends are made CRLF (stored text may have LF only).
    """
    data = record.tracking
    if isinstance(data, bytes | bytearray):
        body = bytes(data)
    else:
        from msgtrk import tracking_status  # noqa: PLC0415 - deferred (import cost / cycle)

        if isinstance(data, tracking_status.TrackingResponse):
            body = tracking_status.serialize_response(data)
        else:
            statuses = [
                tracking_status.parse(_crlf(s), strict=False) if isinstance(s, str) else s
                for s in data
            ]
            body = tracking_status.serialize_response(tracking_status.build_response(statuses))
    return re.sub(rb"\r?\n", b"\r\n", body)


def _crlf(text: str) -> str:
    return re.sub(r"\r?\n", "\r\n", text)


class SqliteStore:
    """The tracking store in an SQLite file (``":memory:"`` for a temporary one).

    Use :meth:`lookup` as the ``lookup`` of :func:`msgtrk.mtqp.aio.serve`.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(SCHEMA)

    def add(
        self,
        envid: str,
        certifier: str,
        statuses: Iterable[str | TrackingStatus] = (),
        *,
        expires: float | None = None,
    ) -> None:
        """Record (or replace) a message and its tracking-status bodies.

        ``envid`` must be a ``unique-envid`` (RFC 3885 §3.2), the form a TRACK
        command names, and ``certifier`` the base64 ``mtrk-certifier`` (§3.1);
        anything else raises ValueError, since no TRACK could ever find it.
        """
        from msgtrk import tracking_status  # noqa: PLC0415 - deferred (import cost / cycle)
        from msgtrk.mtqp import _syntax  # noqa: PLC0415 - deferred (import cost / cycle)

        if not _syntax.pattern("unique-envid").fullmatch(envid):
            raise ValueError(f"not a unique-envid (RFC 3885 §3.2): {envid!r}")
        if not _syntax.pattern("mtrk-secret").fullmatch(certifier.rstrip("=")):
            raise ValueError(f"not a base64 mtrk-certifier (RFC 3885 §3.1): {certifier!r}")
        bodies = [s if isinstance(s, str) else tracking_status.serialize(s) for s in statuses]
        with self._db:
            self._db.execute("DELETE FROM messages WHERE envid = ?", (envid,))
            self._db.execute(
                "INSERT INTO messages (envid, certifier, expires) VALUES (?, ?, ?)",
                (envid, certifier, None if expires is None else int(expires)),
            )
            self._db.executemany(
                "INSERT INTO statuses (envid, seq, body) VALUES (?, ?, ?)",
                [(envid, seq, body) for seq, body in enumerate(bodies)],
            )

    def add_status(self, envid: str, status: str | TrackingStatus) -> None:
        """Append one tracking-status body to a known message."""
        from msgtrk import tracking_status  # noqa: PLC0415 - deferred (import cost / cycle)

        body = status if isinstance(status, str) else tracking_status.serialize(status)
        with self._db:
            (seq,) = self._db.execute(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM statuses WHERE envid = ?", (envid,)
            ).fetchone()
            self._db.execute(
                "INSERT INTO statuses (envid, seq, body) VALUES (?, ?, ?)", (envid, seq, body)
            )

    def lookup(self, envid: str) -> TrackingRecord | None:
        """The record of ``envid``, or None if unknown, expired or without any status."""
        row = self._db.execute(
            "SELECT certifier, expires FROM messages WHERE envid = ?", (envid,)
        ).fetchone()
        if row is None or (row[1] is not None and row[1] <= time.time()):
            return None
        bodies = [
            b
            for (b,) in self._db.execute(
                "SELECT body FROM statuses WHERE envid = ? ORDER BY seq", (envid,)
            )
        ]
        if not bodies:
            return None
        return TrackingRecord(certifier=row[0], tracking=tuple(bodies))

    def purge(self, now: float | None = None) -> int:
        """Delete expired records; returns how many."""
        with self._db:
            cur = self._db.execute(
                "DELETE FROM messages WHERE expires IS NOT NULL AND expires <= ?",
                (time.time() if now is None else now,),
            )
        return cur.rowcount

    def close(self) -> None:
        """Close the database."""
        self._db.close()

"""The SQLite tracking store (msgtrk.mtqp.store)."""

from __future__ import annotations

import pathlib
import time

import pytest

from msgtrk import tracking_status
from msgtrk.mtqp.store import SqliteStore, TrackingRecord, record_body

from .test_aio import STATUS


def test_add_lookup_expire(tmp_path: object) -> None:
    db = SqliteStore(":memory:")
    assert db.lookup("a@b") is None
    db.add("a@b", "CERT", [STATUS])
    db.add_status("a@b", STATUS.replace("delivered", "relayed"))
    record = db.lookup("a@b")
    assert record is not None and record.certifier == "CERT"
    assert len(record.tracking) == 2  # type: ignore[arg-type]
    body = record_body(record)
    assert body.startswith(b"Content-Type: multipart/related;")
    parsed = tracking_status.parse_response(body)
    assert [r.action.value for r in parsed.recipients] == ["delivered", "relayed"]
    db.add("old@b", "C", [STATUS], expires=time.time() - 1)
    assert db.lookup("old@b") is None
    assert db.purge() == 1
    db.add("empty@b", "C")
    assert db.lookup("empty@b") is None  # nothing to answer with
    db.close()


def test_record_body_forms() -> None:
    raw = b"Content-Type: text/plain\n\nhello\n"
    assert record_body(TrackingRecord(certifier="C", tracking=raw)) == raw.replace(b"\n", b"\r\n")
    model = tracking_status.build_response([tracking_status.parse(STATUS)])
    body = record_body(TrackingRecord(certifier="C", tracking=model))
    assert tracking_status.parse_response(body) == model
    status = tracking_status.parse(STATUS)
    assert record_body(TrackingRecord(certifier="C", tracking=[status])) == body


def test_add_refuses_what_no_track_command_could_name(tmp_path: object) -> None:
    # second review, finding 6: "bad envid" was stored and could never be tracked
    store = SqliteStore(str(pathlib.Path(str(tmp_path)) / "s.db"))
    certifier = "jvLQirC0e3r5uCsyZrccbn67e6k"
    with pytest.raises(ValueError, match="unique-envid"):
        store.add("bad envid", certifier)
    with pytest.raises(ValueError, match="mtrk-certifier"):
        store.add("a@b.example", "not base64!")
    store.add("a@b.example", certifier, [STATUS])
    assert store.lookup("a@b.example") is not None
    assert store.lookup("bad envid") is None
    store.close()

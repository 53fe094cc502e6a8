"""Nothing lost (issue 7 item 5): ``serialize(parse(x, strict=False)) == x``.

Every RFC example and every message of the malformed DSN corpus is
accepted by lenient parsing, and written back byte for byte (the mutated
inputs that lenient parsing accepts get the same check in
``test_mutation.py``, through ``msgtrk_fuzz.targets.check_pair``).  Where
strict parsing accepts too, it must give the same model, without defects.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from msgtrk_fuzz.seeds import DATA_DIR, data_files, transcript_blocks
from msgtrk_fuzz.targets import check_pair

import msgtrk

CORPUS = data_files(("dsn-corpus/*.eml",))


def _cases() -> list[tuple[str, str, str | bytes]]:
    """(parser, id, input) for every example file and every transcript block."""
    cases: list[tuple[str, str, str | bytes]] = []
    for path in CORPUS:
        cases.append(("delivery_report", path.name, path.read_bytes()))
    for path in data_files(("rfc3464-E-*.txt",)):
        cases.append(("delivery_status", path.name, path.read_text("utf-8")))
    for path in data_files(("rfc3887-4.1-*-body*.txt",)):
        cases.append(("tracking_status", path.name, path.read_text("utf-8")))
    for path in data_files(("rfc3887-4.1-*-mtsn.txt",)):
        cases.append(("tracking_response", path.name, path.read_bytes()))
    for path in data_files(("rfc3887-3.1-example??.txt",)):
        for i, block in enumerate(transcript_blocks(path.read_text("utf-8"), "S")):
            cases.append(("mtqp_greeting", f"{path.name}#{i}", block.encode()))
    for path in data_files(("rfc3887-4.1-example??.txt",)):
        for i, block in enumerate(transcript_blocks(path.read_text("utf-8"), "S")):
            cases.append(("mtqp_response", f"{path.name}#{i}", block.encode()))
        for i, block in enumerate(transcript_blocks(path.read_text("utf-8"), "C")):
            cases.append(("mtqp_command", f"{path.name}#C{i}", block.encode()))
    return cases


CASES = _cases()


def _pair(kind: str) -> tuple[object, object]:
    ts, ds, mtqp = msgtrk.tracking_status, msgtrk.delivery_status, msgtrk.mtqp
    return {
        "delivery_report": (ds.parse_report, ds.serialize_report),
        "delivery_status": (ds.parse, ds.serialize),
        "tracking_status": (ts.parse, ts.serialize),
        "tracking_response": (ts.parse_response, ts.serialize_response),
        "mtqp_greeting": (mtqp.parse_greeting, mtqp.serialize_greeting),
        "mtqp_response": (mtqp.parse_response, mtqp.serialize),
        "mtqp_command": (mtqp.parse_command, mtqp.serialize),
    }[kind]


@pytest.mark.parametrize(("kind", "name", "data"), CASES, ids=[f"{k}:{n}" for k, n, _ in CASES])
def test_lenient_parsing_keeps_every_byte(kind: str, name: str, data: str | bytes) -> None:
    parse, serialize = _pair(kind)
    _strict, lenient = check_pair(parse, serialize, data)  # type: ignore[arg-type]
    assert lenient is not None, f"{name}: lenient parsing refused an RFC example or corpus message"


def test_every_kind_of_example_is_there() -> None:
    kinds = {k for k, _, _ in CASES}
    assert kinds == {
        "delivery_report",
        "delivery_status",
        "tracking_status",
        "tracking_response",
        "mtqp_greeting",
        "mtqp_response",
        "mtqp_command",
    }
    assert len(CORPUS) >= 30
    assert DATA_DIR.is_dir()


def test_the_transcripts_are_cut_as_the_wire() -> None:
    text = "C: TRACK a@b QUJD\nS: +OK+ x\nS: ..dot\nS:\nS: .\n"
    assert transcript_blocks(text, "C") == ["TRACK a@b QUJD\r\n"]
    assert transcript_blocks(text, "S") == ["+OK+ x\r\n..dot\r\n\r\n.\r\n"]


def test_paths_are_files() -> None:
    assert all(isinstance(p, Path) and p.is_file() for p in CORPUS)

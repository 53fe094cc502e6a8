"""The real-world DSN corpus (tests/data/dsn-corpus): every message parses leniently
with the recipients a human reads (expected.json, written by hand), and the status
body and the whole message round-trip byte for byte."""

from __future__ import annotations

import email
import email.policy
import json
import pathlib
from typing import Any

import pytest

from msgtrk import ParseError
from msgtrk._report import parse_report, serialize_report
from msgtrk._status import serialize_delivery_status

CORPUS = pathlib.Path(__file__).parent.parent / "data" / "dsn-corpus"
EXPECTED: dict[str, Any] = {
    k: v
    for k, v in json.loads((CORPUS / "expected.json").read_text("utf-8")).items()
    if not k.startswith("_")
}
NAMES = sorted(EXPECTED)


def test_corpus_is_complete() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.eml"))
    assert files == NAMES
    assert len(files) >= 30
    raw = [(CORPUS / n).read_bytes() for n in files]
    assert any(b"\r\n" in r for r in raw) and any(b"\r\n" not in r for r in raw)


def _status_text(code: Any) -> str | None:
    if code is None:
        return None
    return str(code.code) if code.code is not None else code.text


@pytest.mark.parametrize("name", NAMES)
def test_corpus_message(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    want = EXPECTED[name]
    rep = parse_report(data, strict=False)
    got = [
        {
            "final_recipient": r.final_recipient.mailbox if r.final_recipient else None,
            "action": str(r.action).lower() if r.action is not None else None,
            "status": _status_text(r.status),
        }
        for r in rep.recipients
    ]
    assert got == want["recipients"]
    kinds = [d.kind for d in rep.defects if d.kind in _REPORT_KINDS]
    assert kinds == want["report_defects"]
    assert rep.returned_type == want["returned_type"]
    assert rep.status_type == want["status_type"]
    assert rep.status_from_text is want.get("status_from_text", False)
    # byte-exact round trips: the message, and the status body as sliced from it
    assert serialize_report(rep) == data
    encoded = "status-encoding" in want["report_defects"]
    assert (rep.status_text is None) is (rep.status_from_text or encoded)
    if rep.status_text is not None:
        assert serialize_delivery_status(rep.status).encode("utf-8") == rep.status_text
    # every defect position points into the message
    for d in rep.defects:
        assert 0 <= d.offset <= len(data)
        assert d.line == data.count(b"\n", 0, d.offset) + 1


_REPORT_KINDS = frozenset(
    {
        "not-multipart-report",
        "report-type",
        "no-boundary",
        "boundary-syntax",
        "no-delimiter",
        "no-close-delimiter",
        "status-part-position",
        "no-status-part",
        "extra-parts",
        "status-encoding",
        "missing-header-separator",
        "qsbmf",
    }
)


@pytest.mark.parametrize("name", NAMES)
def test_corpus_strict_agrees_with_defects(name: str) -> None:
    """Strict parsing raises exactly when lenient parsing found a departure, and
    at the position of the first one."""
    data = (CORPUS / name).read_bytes()
    lenient = parse_report(data, strict=False)
    if not lenient.defects:
        assert parse_report(data) == lenient
        return
    with pytest.raises(ParseError) as info:
        parse_report(data)
    first = min(lenient.defects, key=lambda d: d.offset)
    assert (info.value.line, info.value.column) in {(d.line, d.column) for d in lenient.defects}
    assert info.value.offset >= 0 and first.offset >= 0


@pytest.mark.parametrize("name", NAMES)
def test_corpus_as_stdlib_message(name: str) -> None:
    """An email.message.Message (any policy) gives the same models as the raw bytes."""
    data = (CORPUS / name).read_bytes()
    want = parse_report(data, strict=False)
    for policy in (email.policy.compat32, email.policy.default, email.policy.SMTP):
        got = parse_report(email.message_from_bytes(data, policy=policy), strict=False)
        assert got.status == want.status
        assert got.returned_type == want.returned_type

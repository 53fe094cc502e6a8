"""Differential tests against the standard library ``email`` (issue 7 item 6).

For every DSN of the corpus (``tests/data/dsn-corpus/*.eml``) and every
RFC 3464 example, the stdlib must find the same header blocks, the same
field names and the same raw values as msgtrk.  The stdlib parses a
``message/delivery-status`` part as a list of header blocks
(``email/feedparser.py``); its raw value (policy compat32) is the text
after the colon with leading blanks removed, continuation lines kept,
the final line break removed.  msgtrk's view is rebuilt from the parsed
model alone: each group's ``raw`` text cut at its ``source_fields``.

Where the stdlib cannot see the status part as header blocks - a
``message/global-delivery-status`` part (the stdlib takes it for
``message/rfc822``) or a base64/quoted-printable encoded one (the stdlib
does not decode ``message/*``) - both parse the text msgtrk decoded,
through the stdlib's own ``message/delivery-status`` path.

The ABNF side of item 6 (the ``abnf`` package accepts and rejects alike
on the grammars both load) is ``tests/abnf/test_foreign.py`` (compiler
helper), not repeated here.
"""

from __future__ import annotations

import email
import email.message
import email.policy
from pathlib import Path

import pytest

import msgtrk

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = sorted((DATA / "dsn-corpus").glob("*.eml"))
RFC3464 = sorted(DATA.glob("rfc3464-E-*.txt"))

Fields = list[tuple[str, str]]


def _msgtrk_blocks(status: object) -> list[Fields]:
    blocks: list[Fields] = []
    for group in (status.per_message, *status.recipients):  # type: ignore[attr-defined]
        raw: str = group.raw or ""
        starts = [offset for _name, offset in group.source_fields or ()]
        base = starts[0] if starts else 0
        fields: Fields = []
        for i, start in enumerate(starts):
            end = starts[i + 1] - base if i + 1 < len(starts) else len(raw)
            text = raw[start - base : end]
            name, _, value = text.partition(":")
            fields.append((name, value.lstrip(" \t").rstrip("\r\n")))
        blocks.append(fields)
    return blocks


def _stdlib_blocks(part: email.message.Message) -> list[Fields]:
    payload = part.get_payload()
    assert isinstance(payload, list), type(payload)
    # an empty block (two blank lines in a row) carries no fields
    return [list(block.items()) for block in payload if block.keys()]


def _stdlib_from_text(text: str) -> list[Fields]:
    message = email.message_from_string(
        "Content-Type: message/delivery-status\n\n" + text, policy=email.policy.compat32
    )
    return _stdlib_blocks(message)


def _stdlib_status_part(raw: bytes) -> email.message.Message | None:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status" and part.get(
            "content-transfer-encoding", "7bit"
        ).lower().strip() not in {"base64", "quoted-printable"}:
            return part
    return None


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_stdlib_finds_the_same_fields_in_the_corpus(path: Path) -> None:
    raw = path.read_bytes()
    report = msgtrk.delivery_status.parse_report(raw, strict=False)
    if report.status is None or report.status_from_text:
        # no message/delivery-status part at all (a qmail bounce): the stdlib finds none either
        assert _stdlib_status_part(raw) is None
        return
    ours = _msgtrk_blocks(report.status)
    part = _stdlib_status_part(raw)
    theirs = _stdlib_blocks(part) if part is not None else _stdlib_from_text(report.status.raw)
    assert [[n for n, _ in b] for b in ours] == [[n for n, _ in b] for b in theirs]
    assert ours == theirs


@pytest.mark.parametrize("path", RFC3464, ids=[p.name for p in RFC3464])
def test_stdlib_finds_the_same_fields_in_the_rfc_examples(path: Path) -> None:
    text = path.read_text("utf-8")
    status = msgtrk.delivery_status.parse(text, strict=False)
    assert _msgtrk_blocks(status) == _stdlib_from_text(text)


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) >= 30
    assert len(RFC3464) == 4

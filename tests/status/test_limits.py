"""The ``limits`` keyword of every status parse (finding F19, issue 7 item 4).

A limit is not a defect: strict and lenient parsing both raise LimitError,
with the position in the whole input as given (octets for bytes input);
parse_report and the MTSN parse_response pass the limits to the status part.
The default rows and the memory rows are in tests/fuzz/test_limits.py.
"""

from __future__ import annotations

import email
import pathlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import msgtrk
from msgtrk import delivery_status, mtqp, tracking_status
from msgtrk._errors import position
from msgtrk._status._limits import comment_too_deep, long_line
from strategies.status import delivery_statuses, tracking_statuses

Limits = delivery_status.Limits
DATA = pathlib.Path(__file__).parent.parent / "data"

PER_MESSAGE = "Reporting-MTA: dns; a.example\r\nArrival-Date: Mon, 1 Jan 2001 15:15:15 -0500\r\n"
RECIPIENT = "Final-Recipient: rfc822; {n}@b.example\r\nAction: failed\r\nStatus: 5.0.0\r\n"
TRACKING = "Original-Envelope-Id: a@b.example\r\n" + PER_MESSAGE
TRACKED = "Original-Recipient: rfc822; {n}@b.example\r\n" + RECIPIENT


def dsn_body(recipients: int = 2, extra: str = "") -> str:
    groups = [RECIPIENT.format(n=i) for i in range(recipients)]
    return PER_MESSAGE + extra + "".join("\r\n" + g for g in groups)


def tracking_body(recipients: int = 2, extra: str = "") -> str:
    groups = [TRACKED.format(n=i) for i in range(recipients)]
    return TRACKING + extra + "".join("\r\n" + g for g in groups)


BODIES: dict[str, tuple[Callable[..., Any], Callable[..., str]]] = {
    "delivery": (delivery_status.parse, dsn_body),
    "tracking": (tracking_status.parse, tracking_body),
}


def test_one_limits_class() -> None:
    assert tracking_status.Limits is delivery_status.Limits
    assert "Limits" in tracking_status.__all__
    assert "Limits" in delivery_status.__all__


def _second_group(text: str) -> int:
    return text.index("\r\n\r\n", text.index("\r\n\r\n") + 1) + 4


# (limits, how to make the body too big for them, where the error is, rule)
def _cases(make: Callable[..., str]) -> list[tuple[str, Limits, str, int]]:
    two = make(2)
    long_value = make(1, extra="X-Long: " + "a" * 92 + "\r\n")
    deep = make(1).replace("Action: failed", "Action: failed " + "(" * 5 + ")" * 5)
    # the first group with a third field: tracking's per-message group, DSN's recipient
    third_field = "Arrival-Date" if two.startswith("Original") else "Status:"
    return [
        ("max_recipients", Limits(max_recipients=1), two, _second_group(two)),
        ("max_fields", Limits(max_fields=2), two, two.index(third_field)),
        ("line_length", Limits(line_length=99), long_value, long_value.index("X-Long")),
        ("max_comment_depth", Limits(max_comment_depth=4), deep, deep.index("(((((") + 4),
        ("max_body", Limits(max_body=len(two) - 1), two, 0),
    ]


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
@pytest.mark.parametrize("kind", sorted(BODIES))
def test_each_limit_in_both_modes(kind: str, strict: bool) -> None:
    parse, make = BODIES[kind]
    for name, given_limits, text, given_offset in _cases(make):
        limits, offset = given_limits, given_offset
        if name == "max_comment_depth" and strict:
            # the grammar's comment nests three deep: deeper is a syntax error first
            # unless the limit is lower than that
            limits = Limits(max_comment_depth=2)
            offset = text.index("(((((") + 2
        parse(text, strict=False)  # the default limits accept it
        for data in (text, text.encode()):
            with pytest.raises(msgtrk.LimitError) as info:
                parse(data, strict=strict, limits=limits)
            error = info.value
            assert (error.offset, (error.line, error.column)) == (
                offset,
                position(text, offset),
            ), name
            assert f"Limits.{name}" in error.message


def test_fields_per_group_counts_the_per_message_group_too() -> None:
    text = dsn_body(1)  # per-message: 2 fields; recipient: 3 fields
    delivery_status.parse(text, limits=Limits(max_fields=3))
    with pytest.raises(msgtrk.LimitError) as info:
        delivery_status.parse(text, limits=Limits(max_fields=2))
    assert info.value.offset == text.index("Status:")
    assert info.value.rule == "per-recipient-fields"
    with pytest.raises(msgtrk.LimitError) as info:
        delivery_status.parse(text, limits=Limits(max_fields=1))
    assert info.value.offset == text.index("Arrival-Date")
    assert info.value.rule == "per-message-fields"


def test_lenient_regrouping_counts_recipients() -> None:
    # two recipient groups without their blank line: lenient mode splits them,
    # and the second one is over a limit of one
    text = dsn_body(2).replace("5.0.0\r\n\r\n", "5.0.0\r\n")
    assert len(delivery_status.parse(text, strict=False).recipients) == 2
    with pytest.raises(msgtrk.LimitError) as info:
        delivery_status.parse(text, strict=False, limits=Limits(max_recipients=1))
    assert info.value.offset == text.index("Final-Recipient: rfc822; 1@")


def test_line_length_is_per_physical_line() -> None:
    # a folded field of many 60-character lines is fine under a 60 limit
    folded = "X-Folded:" + "".join("\r\n " + "a" * 59 for _ in range(20)) + "\r\n"
    text = dsn_body(1, extra=folded)
    model = delivery_status.parse(text, limits=Limits(line_length=60))
    assert model.per_message.extensions[0].name == "X-Folded"
    with pytest.raises(msgtrk.LimitError) as info:
        delivery_status.parse(text, limits=Limits(line_length=59))
    assert info.value.offset == text.index("X-Folded:\r\n a") + len("X-Folded:\r\n")


def test_line_length_counts_octets_in_bytes() -> None:
    line = "X-Text: " + "\u00e9" * 50 + "\r\n"  # 58 characters, 108 octets
    text = dsn_body(1, extra=line)
    delivery_status.parse(text, limits=Limits(line_length=58))
    delivery_status.parse(text.encode(), limits=Limits(line_length=108))
    with pytest.raises(msgtrk.LimitError) as info:
        delivery_status.parse(text.encode(), limits=Limits(line_length=107))
    data = text.encode()
    assert info.value.offset == data.index(b"X-Text")
    assert (info.value.line, info.value.column) == position(data, info.value.offset)


def test_comment_depth_only_where_the_grammar_has_comments() -> None:
    # parentheses in *text (Diagnostic-Code text, extension fields) are not comments
    text = "(" * 40 + "x" + ")" * 40
    body = dsn_body(1).replace(
        "Status: 5.0.0\r\n", f"Status: 5.0.0\r\nDiagnostic-Code: smtp; {text}\r\nX-T: {text}\r\n"
    )
    model = delivery_status.parse(body, limits=Limits(max_comment_depth=2))
    assert model.recipients[0].diagnostic_code is not None
    assert model.recipients[0].diagnostic_code.text == text


def test_email_message_input() -> None:
    msg = email.message_from_string("Content-Type: message/delivery-status\n\n" + dsn_body(3))
    assert len(delivery_status.parse(msg).recipients) == 3
    with pytest.raises(msgtrk.LimitError):
        delivery_status.parse(msg, limits=Limits(max_recipients=2))


# ---------------------------------------------------------------------------
# containers pass the limits through
# ---------------------------------------------------------------------------


def _report(recipients: int) -> bytes:
    status = delivery_status.parse(dsn_body(recipients))
    model = delivery_status.build_report(status, human_readable="Delivery failed.\r\n")
    return delivery_status.serialize_report(model)


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
def test_parse_report_passes_limits(strict: bool) -> None:
    data = _report(3)
    assert len(delivery_status.parse_report(data, strict=strict).status.recipients) == 3
    with pytest.raises(msgtrk.LimitError) as info:
        delivery_status.parse_report(data, strict=strict, limits=Limits(max_recipients=2))
    # the third group, in the whole message
    assert info.value.offset == data.index(b"Final-Recipient: rfc822; 2@")
    assert (info.value.line, info.value.column) == position(data, info.value.offset)


def test_parse_report_encoded_status_part() -> None:
    data = (DATA / "dsn-corpus" / "base64-status-part.eml").read_bytes()
    report = delivery_status.parse_report(data, strict=False)
    assert report.status is not None
    with pytest.raises(msgtrk.LimitError, match="in the decoded") as info:
        delivery_status.parse_report(data, strict=False, limits=Limits(max_fields=1))
    # positions inside base64 text mean nothing: the error points at the part's body
    start = info.value.offset
    assert data[start - 2 : start] in (b"\n\n", b"\r\n")
    assert (info.value.line, info.value.column) == position(data, start)


def _mtsn(recipients: int) -> bytes:
    status = tracking_status.parse(tracking_body(recipients))
    return tracking_status.serialize_response(tracking_status.build_response([status]))


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
def test_mtsn_parse_response_passes_limits(strict: bool) -> None:
    data = _mtsn(3)
    assert len(tracking_status.parse_response(data, strict=strict).statuses[0].recipients) == 3
    with pytest.raises(msgtrk.LimitError) as info:
        tracking_status.parse_response(data, strict=strict, limits=Limits(max_recipients=2))
    assert info.value.offset == data.index(b"Original-Recipient: rfc822; 2@")
    assert (info.value.line, info.value.column) == position(data, info.value.offset)


def test_mtsn_rfc_example_lenient() -> None:
    data = (DATA / "rfc3887-4.1-example09-mtsn.txt").read_bytes()
    assert len(tracking_status.parse_response(data, strict=False).statuses[0].recipients) == 2
    with pytest.raises(msgtrk.LimitError) as info:
        tracking_status.parse_response(data, strict=False, limits=Limits(max_recipients=1))
    second = data.index(b"\n\n", data.index(b"Original-Recipient")) + 2
    assert info.value.offset == second


def test_mtqp_tracking_answer_uses_the_default_limits() -> None:
    # an MTSN in a TRACK answer (RFC 3887 §4) is read by Response.tracking with
    # the default limits: a comment 33 deep is refused (lenient reading or not)
    body = _mtsn(1).replace(b"Action: failed", b"Action: failed " + b"(" * 33 + b")" * 33)
    answer = b"+OK+ Tracking information follows\r\n" + body + b".\r\n"
    response = mtqp.parse_response(answer)
    with pytest.raises(msgtrk.LimitError, match="max_comment_depth"):
        _ = response.tracking
    fine = _mtsn(1).replace(b"Action: failed", b"Action: failed (x)")
    ok = mtqp.parse_response(b"+OK+ Tracking information follows\r\n" + fine + b".\r\n")
    assert len(ok.tracking.statuses) == 1


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

small = st.integers(min_value=1, max_value=40) | st.none()
small_limits = st.builds(
    Limits,
    max_body=st.integers(min_value=1, max_value=4000) | st.none(),
    line_length=st.integers(min_value=1, max_value=200) | st.none(),
    max_recipients=small,
    max_fields=small,
    max_comment_depth=small,
    max_defects=st.integers(min_value=1, max_value=40),
)


@given(model=delivery_statuses | tracking_statuses, limits=small_limits, strict=st.booleans())
@settings(max_examples=150, deadline=None)
def test_any_limits_parse_or_raise_limit_error(model: Any, limits: Any, strict: bool) -> None:
    is_delivery = isinstance(model, delivery_status.DeliveryStatus)
    module: Any = delivery_status if is_delivery else tracking_status
    text = module.serialize(model)
    for data in (text, text.encode("utf-8")):
        try:
            parsed = module.parse(data, strict=strict, limits=limits)
        except msgtrk.LimitError as error:
            assert 0 <= error.offset <= len(data)
            assert (error.line, error.column) == position(data, error.offset)
        else:
            assert parsed == module.parse(data, strict=strict)


@given(
    text=st.text(alphabet="ab\r\n", max_size=60) | st.binary(max_size=60),
    limit=st.integers(min_value=1, max_value=8),
)
def test_long_line_is_the_first_line_over_the_limit(text: str | bytes, limit: int) -> None:
    nl: Any = "\n" if isinstance(text, str) else b"\n"
    expected = None
    start = 0
    for line in text.split(nl):
        length = len(line) - (1 if line[-1:] in ("\r", b"\r") else 0)
        if length > limit:
            expected = start
            break
        start += len(line) + 1
    assert long_line(text, limit) == expected


def test_long_line_at_the_default() -> None:
    for size in (998, 999):
        for line in ("a" * size, "a" * size + "\r", "a" * (size - 1) + "\rb"):
            for end in ("\n", "\r\n", ""):
                text = "x\n" + line + end + ("y\n" if end else "")
                got = long_line(text, 998)
                physical = (line + end).rstrip("\n")  # the line up to its LF
                length = len(physical) - (1 if physical.endswith("\r") else 0)
                assert got == (2 if length > 998 else None), (size, repr(line[-3:]), end)
                assert long_line(text.encode(), 998) == got
    assert long_line("a" * 1500, 1200) == 0
    assert long_line("a\n" + "b" * 1201 + "\n", 1200) == 2
    assert long_line("a\n" + "b" * 1200 + "\n", 1200) is None


@given(
    text=st.text(alphabet="()\\x", max_size=40),
    limit=st.integers(min_value=1, max_value=5),
)
def test_comment_depth_scan(text: str, limit: int) -> None:
    # reference: the per-character walk of _text.strip_comments
    depth = 0
    i = 0
    expected = None
    while i < len(text):
        c = text[i]
        if depth and c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
            if depth > limit:
                expected = i
                break
        elif c == ")" and depth:
            depth -= 1
        i += 1
    assert comment_too_deep(text, limit) == expected


PIECES = [
    "Reporting-MTA: dns; a.example\r\n",
    "Final-Recipient: rfc822; a@b.example\r\n",
    "Action: failed\r\n",
    "Status: 5.0.0\r\n",
    "X-F: a\r\n",
    " folded\r\n",
    "\r\n",
    " \r\n",
    "junk\r\n",
    "Status 5.0.0\n",
    "\n",
]


@given(st.lists(st.sampled_from(PIECES), max_size=30), st.integers(min_value=1, max_value=40))
@settings(max_examples=200, deadline=None)
def test_split_in_pieces_reads_the_same(pieces: list[str], chunk: int) -> None:
    # the splitter cuts large bodies in pieces (to refuse them early): any piece
    # size reads every body exactly as one piece does
    from msgtrk._status import _parse  # noqa: PLC0415

    text = "".join(pieces)
    whole = delivery_status.parse(text, strict=False)
    saved = _parse.CHUNK, _parse.SPLIT_WHOLE
    _parse.CHUNK = _parse.SPLIT_WHOLE = chunk
    try:
        cut = delivery_status.parse(text, strict=False)
    finally:
        _parse.CHUNK, _parse.SPLIT_WHOLE = saved
    assert cut == whole
    assert cut.defects == whole.defects
    assert [r.source_fields for r in cut.recipients] == [r.source_fields for r in whole.recipients]

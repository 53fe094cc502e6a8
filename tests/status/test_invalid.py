"""The invalid-input table: every row asserts the strict error's line, column and rule,
and the exact defects of the lenient parse (which must still round-trip byte for byte).

Rows without a strict error position parse strictly (a lenient-only departure never
happens: the grammar and the defects agree).  ``global_=False`` rows are 7-bit DSNs.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

import msgtrk
from msgtrk import delivery_status as D  # noqa: N812
from msgtrk import tracking_status as T  # noqa: N812

N = "\r\n"


def body(*lines: str) -> str:
    return N.join(lines) + N


PM = "Reporting-MTA: dns; mx.example"
TPM = (
    "Original-Envelope-Id: 1@a.example",
    "Reporting-MTA: dns; mx.example",
    "Arrival-Date: Mon, 1 Jan 2001 15:15:15 -0500",
)
R = ("Final-Recipient: rfc822; a@b.example", "Action: failed", "Status: 5.1.1")
TR = ("Original-Recipient: rfc822; a@b.example", "Final-Recipient: rfc822; a@b.example")


class Row(NamedTuple):
    name: str
    module: Any
    text: str
    error: tuple[int, int, str] | None
    defects: list[tuple[str, int, int]]


ROWS = [
    # RFC 3464 §2.2: Reporting-MTA is required
    Row("empty", D, "", (1, 1, "per-message-fields"), [("empty", 1, 1)]),
    # RFC 3464 §2.1: 1*( CRLF per-recipient-fields )
    Row("no recipients", D, body(PM), (2, 1, "delivery-status-content"), [("no-recipients", 2, 1)]),
    # RFC 3464 §2.1: the per-message fields come first
    Row(
        "leading blank line",
        D,
        N + body(PM, "", *R),
        (1, 1, "delivery-status-content"),
        [("leading-blank-line", 1, 1)],
    ),
    # RFC 3464 §2.1: one blank line between groups (MimeKit #855 class)
    Row(
        "extra blank line",
        D,
        body(PM, "", "", *R),
        (3, 1, "delivery-status-content"),
        [("extra-blank-line", 3, 1)],
    ),
    # RFC 3464 §2.1: an empty group after the last one
    Row(
        "trailing blank line",
        D,
        body(PM, "", *R, ""),
        (6, 1, "delivery-status-content"),
        [("trailing-blank-line", 6, 1)],
    ),
    # RFC 3464 §2.1: every field ends with CRLF (MimeKit #250 class)
    Row(
        "missing final CRLF",
        D,
        body(PM, "", *R)[:-2],
        (5, 14, "delivery-status-content"),
        [("missing-final-newline", 5, 14)],
    ),
    # RFC 5322 §2.2.3: a WSP line continues the field
    Row(
        "whitespace line is folding, not a separator",
        D,
        body(PM, "  ", *R),
        (3, 1, "per-message-fields"),
        [("missing-blank-line", 3, 1)],
    ),
    # RFC 3464 §2.1: a blank line is CRLF alone
    Row(
        "whitespace-only separator",
        D,
        body(PM, "", "  ", *R),
        (3, 1, "delivery-status-content"),
        [("whitespace-line", 3, 1)],
    ),
    # RFC 3464 §2.3.3 action-field (RFC 3887 #9 class)
    Row(
        "missing colon",
        D,
        body(PM, "", R[0], "Action failed", R[2]),
        (4, 7, "action-field"),
        [("missing-colon", 4, 7)],
    ),
    # RFC 3464 §A extension-field
    Row(
        "not a field",
        D,
        body(PM, "", *R, "garbage"),
        (6, 8, "extension-field"),
        [("not-a-field", 6, 8)],
    ),
    # RFC 5322 §2.2.3: continuation without a field
    Row(
        "continuation first",
        D,
        body(" folded", PM, "", *R),
        (1, 1, "delivery-status-content"),
        [("stray-continuation", 1, 1)],
    ),
    # RFC 3464 §2.2.2: required
    Row(
        "missing Reporting-MTA",
        D,
        body("Arrival-Date: Mon, 1 Jan 2001 15:15:15 -0500", "", *R),
        (1, 1, "per-message-fields"),
        [("field-order", 1, 1), ("missing-field", 2, 1)],
    ),
    # RFC 3464 §2.3.2: MUST be present
    Row(
        "missing Final-Recipient",
        D,
        body(PM, "", *R[1:]),
        (3, 1, "per-recipient-fields"),
        [("field-order", 3, 1), ("missing-field", 5, 1)],
    ),
    # RFC 3464 §2.3.4: MUST be present
    Row(
        "missing Status",
        D,
        body(PM, "", *R[:2]),
        (5, 1, "per-recipient-fields"),
        [("missing-field", 5, 1)],
    ),
    # RFC 3464 §2.2: at most once
    Row(
        "duplicate Reporting-MTA",
        D,
        body(PM, PM, "", *R),
        (2, 1, "per-message-fields"),
        [("duplicate-field", 2, 1)],
    ),
    # RFC 3464 §2.3: one Action per group
    Row(
        "duplicate Action",
        D,
        body(PM, "", *R, "Action: failed"),
        (6, 1, "per-recipient-fields"),
        [("duplicate-field", 6, 1)],
    ),
    # RFC 3464 §2.2: blank line missing
    Row(
        "Final-Recipient in per-message group",
        D,
        body(PM, *R),
        (2, 1, "per-message-fields"),
        [("missing-blank-line", 2, 1)],
    ),
    # RFC 3464 §2.2: a per-message field
    Row(
        "Reporting-MTA in recipient group",
        D,
        body(PM, "", *R, PM),
        (6, 1, "per-recipient-fields"),
        [("misplaced-field", 6, 1)],
    ),
    # RFC 3464 §2.3.3 action-value (opensmtpd's "error")
    Row(
        "unknown action",
        D,
        body(PM, "", R[0], "Action: error", R[2]),
        (4, 9, "action-value"),
        [("unknown-action", 4, 9)],
    ),
    # RFC 3464 §2.3.3: transferred is RFC 3886 only
    Row(
        "tracking action in DSN",
        D,
        body(PM, "", R[0], "Action: transferred", "Status: 2.4.0"),
        (4, 9, "action-value"),
        [("tracking-action", 4, 9)],
    ),
    # RFC 3464 §2.3.4 status-code (Apache James' "unknown")
    Row(
        "status unknown",
        D,
        body(PM, "", *R[:2], "Status: unknown"),
        (5, 9, "status-code"),
        [("bad-status", 5, 9)],
    ),
    # RFC 3464 §2.3.4 status-code
    Row(
        "status two parts",
        D,
        body(PM, "", *R[:2], "Status: 5.1"),
        (5, 9, "status-code"),
        [("bad-status", 5, 9)],
    ),
    # RFC 3464 §2.3.4: 1*3DIGIT
    Row(
        "status four digits",
        D,
        body(PM, "", *R[:2], "Status: 5.1.1000"),
        (5, 16, "status-field"),
        [("bad-status", 5, 16)],
    ),
    # RFC 3464 §2.3.4: no leading zero digits
    Row(
        "status leading zero",
        D,
        body(PM, "", *R[:2], "Status: 5.01.1"),
        (5, 11, "status-code"),
        [("leading-zero", 5, 11)],
    ),
    # RFC 3463 §2: class 2, 4 or 5
    Row(
        "status class 3",
        D,
        body(PM, "", *R[:2], "Status: 3.1.1"),
        (5, 1, "status-code"),
        [("status-class", 5, 1)],
    ),
    # RFC 3464 §2.3.4: comment after the code
    Row(
        "status unterminated comment",
        D,
        body(PM, "", *R[:2], "Status: 5.1.1 (oops"),
        (5, 15, "status-field"),
        [("bad-status", 5, 15)],
    ),
    # RFC 3464 §2.2.5: numeric zones MUST be used; RFC 5322 §4.3
    Row(
        "obsolete date",
        D,
        body(PM, "Arrival-Date: Mon, 1 Jan 01 15:15:15 EST", "", *R),
        (2, 15, "date-time"),
        [("obsolete-date", 2, 15)],
    ),
    # RFC 5322 §3.3: day-of-week MUST match the date
    Row(
        "day of week",
        D,
        body(PM, "Arrival-Date: Tue, 1 Jan 2001 15:15:15 -0500", "", *R),
        (2, 15, "day-of-week"),
        [("day-of-week", 2, 15)],
    ),
    # RFC 5322 §3.3: a real date
    Row(
        "31 Feb",
        D,
        body(PM, "Arrival-Date: Sat, 31 Feb 2001 15:15:15 -0500", "", *R),
        (2, 15, "date-time"),
        [("bad-date", 2, 15)],
    ),
    # RFC 3464 §2.2.5 date-time
    Row(
        "garbage date",
        D,
        body(PM, "Arrival-Date: yesterday", "", *R),
        (2, 15, "arrival-date-field"),
        [("bad-date", 2, 15)],
    ),
    # RFC 3464 §2.2.2: mta-name-type ";" mta-name
    Row(
        "mta without type",
        D,
        body("Reporting-MTA: mx.example", "", *R),
        (1, 18, "reporting-mta-field"),
        [("missing-type", 1, 18)],
    ),
    # RFC 3464 §2.3.2: address-type ";" (flufl.bounce kludge)
    Row(
        "address without type",
        D,
        body(PM, "", "Final-Recipient: <a@b.example>", *R[1:]),
        (3, 18, "atom"),
        [("missing-type", 3, 18)],
    ),
    # RFC 3464 §2.3.6: diagnostic-type ";"
    Row(
        "diagnostic without type",
        D,
        body(PM, "", *R, "Diagnostic-Code: 550 no such user"),
        (6, 22, "diagnostic-code-field"),
        [("missing-type", 6, 22)],
    ),
    # RFC 3464 §2.1: 7bit; RFC 6533 §3
    Row(
        "non-ascii in 7-bit DSN",
        D,
        body(PM, "", "Final-Recipient: utf-8; é@b.example", *R[1:]),
        (3, 25, "text"),
        [("non-ascii", 3, 25)],
    ),
    # RFC 3464 §A: extension-field-name = atom
    Row(
        "bad field name",
        D,
        body(PM, "", *R, "X@Y: 1"),
        (6, 1, "extension-field-name"),
        [("bad-field-name", 6, 1)],
    ),
    # RFC 3464 §A: extension fields after the fields
    Row(
        "extension before required",
        D,
        body(PM, "", "X-Foo: 1", *R),
        (3, 1, "per-recipient-fields"),
        [("field-order", 3, 1)],
    ),
    # RFC 3464 §2.3: Original-Recipient before Final-Recipient
    Row(
        "Postfix order",
        D,
        body(PM, "", R[0], "Original-Recipient: rfc822;a@b.example", *R[1:]),
        (4, 1, "per-recipient-fields"),
        [("field-order", 4, 1)],
    ),
    # RFC 3464 §2.1.3 text: no bare CR
    Row(
        "lone CR",
        D,
        body(PM, "", R[0], "Action: fai\rled", R[2]),
        (4, 9, "action-value"),
        [("unknown-action", 4, 9)],
    ),
    # RFC 3464 §2.1.3 text: no NUL
    Row(
        "NUL in extension",
        D,
        body(PM, "", *R, "X-A: a\x00b"),
        (6, 7, "extension-field"),
        [("syntax", 6, 7)],
    ),
    # RFC 3464 §2.3.9: only for delayed
    Row(
        "Will-Retry-Until with failed",
        D,
        body(PM, "", *R, "Will-Retry-Until: Mon, 1 Jan 2001 15:15:15 -0500"),
        (6, 1, "will-retry-until-field"),
        [("retry-not-delayed", 6, 1)],
    ),
    # RFC 6533 §4.1: different language tags
    Row(
        "localized duplicate",
        D,
        body(
            PM,
            "",
            *R,
            "Diagnostic-Code: smtp; 550 no",
            "Localized-Diagnostic: de; nein",
            "Localized-Diagnostic: DE; nee",
        ),
        (8, 1, "localized-diagnostic-text-field"),
        [("localized-duplicate", 8, 1)],
    ),
    # RFC 3886 §3.2.1: REQUIRED
    Row(
        "TS missing envelope id",
        T,
        body(*TPM[1:], "", *TR, *R[1:]),
        (1, 1, "per-message-fields"),
        [("field-order", 1, 1), ("missing-field", 3, 1)],
    ),
    # RFC 3886 §3.2.3: REQUIRED
    Row(
        "TS missing arrival date",
        T,
        body(*TPM[:2], "", *TR, *R[1:]),
        (3, 1, "per-message-fields"),
        [("missing-field", 3, 1)],
    ),
    # RFC 3886 §3.3.1: REQUIRED
    Row(
        "TS missing original recipient",
        T,
        body(*TPM, "", *TR[1:], *R[1:]),
        (5, 1, "per-recipient-fields"),
        [("field-order", 5, 1), ("missing-field", 8, 1)],
    ),
    # RFC 3886 §3.3.4: 2.1.9 exclusively with relayed
    Row(
        "TS X.1.9 not relayed",
        T,
        body(*TPM, "", *TR, "Action: delivered", "Status: 2.1.9"),
        (8, 1, "status-field"),
        [("x19-not-relayed", 8, 1)],
    ),
    # RFC 3886 §3.3.5: MUST NOT with opaque
    Row(
        "TS opaque with Remote-MTA",
        T,
        body(*TPM, "", *TR, "Action: opaque", "Status: 5.0.0", "Remote-MTA: dns; x.example"),
        (9, 1, "per-recipient-fields"),
        [("opaque-field", 9, 1)],
    ),
    # (RFC 3886 §3.3.6 allows Last-Attempt-Date with opaque: tests/status/test_review.py)
    # RFC 3886 §3.3.7: not in the queue
    Row(
        "TS Will-Retry-Until with delivered",
        T,
        body(
            *TPM,
            "",
            *TR,
            "Action: delivered",
            "Status: 2.0.0",
            "Will-Retry-Until: Mon, 1 Jan 2001 15:15:15 -0500",
        ),
        (9, 1, "will-retry-until-field"),
        [("retry-not-delayed", 9, 1)],
    ),
    # RFC 3886 §3.3: field order
    Row(
        "TS status before action",
        T,
        body(*TPM, "", *TR, "Status: 2.0.0", "Action: delivered"),
        (7, 1, "per-recipient-fields"),
        [("field-order", 7, 1)],
    ),
    # RFC 3886 §3.2: at most once
    Row(
        "TS duplicate Arrival-Date",
        T,
        body(*TPM, TPM[2], "", *TR, *R[1:]),
        (4, 1, "per-message-fields"),
        [("duplicate-field", 4, 1)],
    ),
]


def _kw(row: Row) -> dict[str, Any]:
    return {"global_": False} if row.name == "non-ascii in 7-bit DSN" else {}


def test_table_size() -> None:
    assert len(ROWS) >= 40
    assert len({r.name for r in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_strict(row: Row) -> None:
    assert row.error is not None
    with pytest.raises(msgtrk.ParseError) as info:
        row.module.parse(row.text, **_kw(row))
    err = info.value
    assert (err.line, err.column, err.rule) == row.error
    assert str(err)  # renders with the caret line


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_lenient(row: Row) -> None:
    model = row.module.parse(row.text, strict=False, **_kw(row))
    assert [(d.kind, d.line, d.column) for d in model.defects] == row.defects
    assert row.module.serialize(model) == row.text


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_lf_variant_same_positions(row: Row) -> None:
    text = row.text.replace("\r\n", "\n")
    model = row.module.parse(text, strict=False, **_kw(row))
    assert [(d.kind, d.line) for d in model.defects] == [(k, ln) for k, ln, _c in row.defects]
    assert row.module.serialize(model) == text
    with pytest.raises(msgtrk.ParseError) as info:
        row.module.parse(text, **_kw(row))
    assert row.error is not None
    assert (info.value.line, info.value.rule) == (row.error[0], row.error[2])


_SEMANTIC = {
    "status-class",
    "x19-not-relayed",
    "opaque-field",
    "retry-not-delayed",
    "localized-duplicate",
}


@pytest.mark.parametrize(
    "row", [r for r in ROWS if {d[0] for d in r.defects} <= _SEMANTIC], ids=lambda r: r.name
)
def test_semantic_errors_are_findings(row: Row) -> None:
    """Rows with no syntax defect fail strict parsing on an error-level finding, which
    lenient parsing records as a defect of the finding's code at its position (finding 11)."""
    model = row.module.parse(row.text, strict=False, **_kw(row))
    errors = [f for f in row.module.validate(model) if f.level == "error"]
    assert errors
    assert row.error is not None
    assert (errors[0].line, errors[0].column, errors[0].rule) == row.error
    assert [(d.kind, d.line, d.column, d.rule) for d in model.defects] == [
        (f.code, f.line, f.column, f.rule) for f in errors
    ]


def test_defects_are_capped() -> None:
    """At most MAX_DEFECTS defects, then one "too-many-defects" (fuzz finding F14)."""
    from msgtrk._status import MAX_DEFECTS  # noqa: PLC0415

    text = body(PM, "", *R) + "X\r\n" * (MAX_DEFECTS + 50)
    model = D.parse(text, strict=False)
    assert len(model.defects) == MAX_DEFECTS + 1
    assert model.defects[-1].kind == "too-many-defects"
    assert (model.defects[0].line, model.defects[0].column) == (6, 2)
    assert D.serialize(model) == text

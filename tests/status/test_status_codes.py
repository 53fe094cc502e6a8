"""The RFC 3463 registry (with X.1.9 from RFC 3886 §3.3.4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import msgtrk
from msgtrk.status_codes import RegisteredCode, StatusClass, StatusCode, Subject

# RFC 3463 §3.1 to the start of §4, verbatim (page breaks included)
RFC3463_3 = Path(__file__).resolve().parents[1] / "data" / "rfc3463-3.txt"


def test_every_section_3_code_is_registered() -> None:
    """§3.1-3.8 list 49 codes (X.3.5 only in §3.4, not in Appendix A); RFC 3886 adds X.1.9."""
    assert len(RegisteredCode) == 50
    assert RegisteredCode.lookup(1, 9) is RegisteredCode.X_1_9
    assert RegisteredCode.X_1_9.title == "Message relayed to non-compliant mailer"
    assert RegisteredCode.X_1_9.section == "RFC 3886 §3.3.4"
    assert RegisteredCode.X_3_5.title == "System incorrectly configured"
    assert all(
        code.section.startswith("RFC 3463 §3.")
        for code in RegisteredCode
        if code.subject != 1 or code.detail != 9
    )


def test_titles_match_the_rfc_text() -> None:
    body = RFC3463_3.read_text(encoding="ascii")
    assert body.startswith("3.1 Other or Undefined Status")
    listed = dict(re.findall(r"^\s+(X\.\d\.\d)\s+(.+?)\s*$", body, re.M))
    assert set(listed) == {c.value for c in RegisteredCode} - {"X.1.9"}
    for code in RegisteredCode:
        if code.value in listed:
            assert code.title == listed[code.value]


@pytest.mark.parametrize(
    ("text", "klass", "meaning", "description"),
    [
        ("5.1.1", StatusClass.PERMANENT_FAILURE, "Bad destination mailbox address", None),
        ("2.1.9", StatusClass.SUCCESS, "Message relayed to non-compliant mailer", None),
        ("4.4.7", StatusClass.PERSISTENT_TRANSIENT_FAILURE, "Delivery time expired", None),
        ("2.0.0", StatusClass.SUCCESS, "Other undefined Status", "Success: Other undefined Status"),
        # RFC 3463 §2: report the subject when the detail is unknown
        ("5.1.23", StatusClass.PERMANENT_FAILURE, None, "Permanent Failure: Addressing Status"),
        (
            "4.9.9",
            StatusClass.PERSISTENT_TRANSIENT_FAILURE,
            None,
            "Persistent Transient Failure: unknown subject",
        ),
        ("3.0.0", None, "Other undefined Status", "class 3: Other undefined Status"),
    ],
)
def test_parse(
    text: str, klass: StatusClass | None, meaning: str | None, description: str | None
) -> None:
    code = StatusCode.parse(text)
    assert str(code) == text
    assert code.status_class is klass
    assert code.meaning == meaning
    assert code.is_well_formed is (klass is not None)
    if description is not None:
        assert code.description == description


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("", 1),
        ("5", 2),
        ("5.", 3),
        ("5.1", 4),
        ("5.1.", 5),
        ("5.1.1000", 8),
        ("a.1.1", 1),
        ("5.1.1 ", 6),
    ],
)
def test_parse_errors(text: str, column: int) -> None:
    with pytest.raises(msgtrk.ParseError) as info:
        StatusCode.parse(text)
    assert info.value.column == column
    assert info.value.rule == "status-code"


def test_subject_and_class_titles() -> None:
    assert Subject(7).title == "Security or Policy Status"
    assert StatusClass(4).title == "Persistent Transient Failure"
    assert StatusCode.of(5, 7, 1).subject_meaning == "Security or Policy Status"
    with pytest.raises(ValueError, match=r"0\.\.999"):
        StatusCode(klass=5, subject=1000, detail=0)


@pytest.mark.parametrize("text", ["5.01.1", "4.1.01", "2.0.000", "5.001.1"])
def test_leading_zeros_are_kept_and_not_well_formed(text: str) -> None:
    # RFC 3463 §2: sub-codes MUST be expressed without leading zero digits
    code = StatusCode.parse(text)
    assert str(code) == text
    assert not code.is_well_formed
    plain = StatusCode.of(code.klass, code.subject, code.detail)
    assert code == plain
    assert plain.is_well_formed
    assert str(plain) != text

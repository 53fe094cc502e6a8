"""Property tests: parse(serialize(m)) == m, serialize(parse(x)) == x, lenient never loses."""

from __future__ import annotations

import contextlib
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import msgtrk
from msgtrk import delivery_status, tracking_status
from msgtrk._errors import position
from msgtrk._status import MAX_BODY
from strategies.status import (
    delivery_statuses,
    global_delivery_statuses,
    tracking_statuses,
)


@given(delivery_statuses)
def test_delivery_round_trip(model: msgtrk.delivery_status.DeliveryStatus) -> None:
    text = delivery_status.serialize(model)
    assert text.isascii()
    parsed = delivery_status.parse(text, global_=False)
    assert parsed == model
    assert parsed.defects == ()
    assert delivery_status.serialize(parsed) == text
    assert delivery_status.parse(text.encode("ascii")) == model


@given(global_delivery_statuses)
def test_global_delivery_round_trip(model: msgtrk.delivery_status.DeliveryStatus) -> None:
    text = delivery_status.serialize(model)
    parsed = delivery_status.parse(text.encode("utf-8"), global_=True)
    assert parsed == model
    assert parsed.is_global


@given(tracking_statuses)
def test_tracking_round_trip(model: msgtrk.tracking_status.TrackingStatus) -> None:
    text = tracking_status.serialize(model)
    parsed = tracking_status.parse(text)
    assert parsed == model
    assert tracking_status.serialize(parsed) == text
    assert tracking_status.parse(text.replace("\r\n", "\n")) == model


_NAME = re.compile(
    r"^((?!X-)[A-Za-z-]+):", re.M
)  # registered names only: X- names are kept as sent


@given(tracking_statuses, st.randoms(use_true_random=False))
def test_variants_read_the_same(model: msgtrk.tracking_status.TrackingStatus, rnd: object) -> None:
    """LF line ends, any case of field names, extra white space: same model, same text back."""
    assert isinstance(rnd, random.Random)
    text = tracking_status.serialize(model)
    variant = _NAME.sub(
        lambda m: "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in m[1]) + ":",
        text,
    )
    if rnd.random() < 0.5:
        variant = variant.replace("\r\n", "\n")
    variant = re.sub(
        r"^([A-Za-z-]+): ", lambda m: m[1] + ":" + " " * rnd.randint(0, 3), variant, flags=re.M
    )
    if rnd.random() < 0.5:
        # comments are ignored in structured values (RFC 3464 §2.1.1): the LALR fallback
        variant = re.sub(
            r"^((?:Action|Arrival-Date|Last-Attempt-Date|Will-Retry-Until):.*?)(\r?\n)",
            r"\1 (a (nested) comment)\2",
            variant,
            flags=re.M | re.I,
        )
    if rnd.random() < 0.3:
        variant = re.sub(r"^(Action:)", "\\1\r\n ", variant, flags=re.M | re.I)  # folded
    parsed = tracking_status.parse(variant)
    assert parsed == model
    assert tracking_status.serialize(parsed) == variant


_lines = st.lists(
    st.sampled_from(
        [
            "Reporting-MTA: dns; a.example",
            "Original-Envelope-Id: x@y",
            "Arrival-Date: Mon, 1 Jan 2001 15:15:15 -0500",
            "Arrival-Date: 1 Jan 01 15:15 EST",
            "Final-Recipient: rfc822; a@b.example",
            "Original-Recipient: rfc822;a@b.example",
            "Final-Recipient: <c@d.example>",
            "Action: failed",
            "Action: error",
            "Action: opaque",
            "Status: 5.1.1 (no such user)",
            "Status 4.0.0",
            "Status: unknown",
            "Status: 05.01.1",
            "Remote-MTA: dns; mx.example",
            "Diagnostic-Code: smtp; 550 no",
            " folded continuation",
            "Will-Retry-Until: Mon, 1 Jan 2001 15:15:15 -0500",
            "X-Postfix-Queue-ID: 1234",
            "Bad Line Here",
            "",
            "   ",
            "Status: 2.1.9",
            "Status: 3.1.1",
            "Action: delivered",
            "Last-Attempt-Date: Mon, 1 Jan 2001 15:15:15 +0099",
            "é: ü",
            "Localized-Diagnostic: en; text",
        ]
    ),
    max_size=14,
)


@given(_lines, st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans())
@settings(max_examples=300)
def test_lenient_never_loses_and_strict_agrees(
    lines: list[str], nl: str, final: bool, as_bytes: bool
) -> None:
    text = nl.join(lines) + (nl if final else "")
    data: str | bytes = text.encode("utf-8") if as_bytes else text
    for module in (delivery_status, tracking_status):
        lenient = module.parse(data, strict=False)
        assert module.serialize(lenient) == text
        for d in lenient.defects:
            assert 0 <= d.offset <= len(data)
            assert (d.line, d.column) == position(data, d.offset)
        try:
            strict = module.parse(data)
        except msgtrk.ParseError as exc:
            assert 0 <= exc.offset <= len(data)
            assert (exc.line, exc.column) == position(data, exc.offset)
            # what strict refuses, lenient reads with at least one defect (review #11)
            assert lenient.defects
        else:
            assert strict == lenient
            assert lenient.defects == ()


@given(st.text(max_size=200) | st.binary(max_size=200))
@settings(max_examples=300)
def test_only_our_errors_escape(data: str | bytes) -> None:
    for module in (delivery_status, tracking_status):
        lenient = module.parse(data, strict=False)
        expected = data if isinstance(data, str) else data.decode("utf-8", "surrogateescape")
        assert module.serialize(lenient) == expected
        with contextlib.suppress(msgtrk.ParseError):
            module.parse(data)


@pytest.mark.parametrize("module", [delivery_status, tracking_status])
def test_limit(module: object) -> None:
    with pytest.raises(msgtrk.LimitError):
        module.parse("X: " + "a" * MAX_BODY)  # type: ignore[attr-defined]

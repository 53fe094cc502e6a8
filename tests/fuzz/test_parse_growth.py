"""Every public parse runs in linear time on worst-case inputs (issue 7 item 3).

A valid seed of each parser gets a long run of one unit (a space, an
open parenthesis, a backslash, a folded line, a line that is not a
field...) spliced in at the start of the first value or at the end, and
the parse (strict and lenient) is timed for ``n`` and ``10 n`` units in
the same run.  The ratio must stay near 10 (linear); quadratic work
(rescanning, position computations per defect, regex backtracking)
shows as about 100.  Inputs over a size limit are rejected early, which
is linear too.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any

import pytest
from msgtrk_fuzz import stats
from msgtrk_fuzz.redos import growth
from msgtrk_fuzz.seeds import BUILTIN

import msgtrk

# time(10 n) / time(n): linear work measures 10-13 (allocation grows a bit
# faster than the input); quadratic work measures about 100.  30 leaves room
# for a loaded machine (the other xdist worker shares the caches).
MAX_RATIO = 30.0
UNITS = (" ", "a", "(", "\\", "\r\n", "\r\n ", "X\r\n", "a: b\r\n", ";", "\x00", "é")
# inside the first value: the units that value grammars loop on
VALUE_UNITS = (" ", "(", "\\", "\r\n ", "é", ";")


def _quiet(fn: Callable[..., Any], **kwargs: Any) -> Callable[[Any], None]:
    def call(data: Any) -> None:
        with contextlib.suppress(msgtrk.MsgtrkError):
            fn(data, **kwargs)

    return call


def _connection(strict: bool) -> Callable[[bytes], None]:
    def feed(data: bytes) -> None:
        mtqp = msgtrk.mtqp
        for role in (mtqp.CLIENT, mtqp.SERVER):
            conn = mtqp.Connection(role, strict=strict)
            try:
                conn.receive_data(data)
                conn.receive_data(b"")
                for _ in range(len(data) + 10):
                    event = conn.next_event()
                    if event is mtqp.NEED_DATA or isinstance(event, mtqp.ConnectionClosed):
                        break
            except msgtrk.MsgtrkError:
                pass

    return feed


def _parsers() -> dict[str, tuple[str, Callable[[Any], None]]]:
    ts, ds, esmtp, mtqp = (
        msgtrk.tracking_status,
        msgtrk.delivery_status,
        msgtrk.esmtp,
        msgtrk.mtqp,
    )
    table: dict[str, tuple[str, Callable[[Any], None]]] = {}
    for name, kind, fn in (
        ("tracking_status", "text", ts.parse),
        ("delivery_status", "text", ds.parse),
        ("tracking_response", "bytes", ts.parse_response),
        ("delivery_report", "bytes", ds.parse_report),
        ("esmtp_mail", "text", esmtp.parse_mail),
        ("esmtp_rcpt", "text", esmtp.parse_rcpt),
        ("esmtp_ehlo", "text", esmtp.parse_ehlo),
        ("mtqp_command", "bytes", mtqp.parse_command),
        ("mtqp_response", "bytes", mtqp.parse_response),
        ("mtqp_greeting", "bytes", mtqp.parse_greeting),
    ):
        table[f"{name}"] = (kind, _quiet(fn))
        table[f"{name} lenient"] = (kind, _quiet(fn, strict=False))
    table["mtqp_uri"] = ("text", _quiet(mtqp.parse_uri))
    table["connection"] = ("bytes", _connection(False))
    table["connection strict"] = ("bytes", _connection(True))
    return table


PARSERS = _parsers()


# Finding F14 (fixed): lenient status parsing was quadratic in the number of
# defects; test_status_defect_per_line_is_linear keeps the large-n check.
F14_UNITS = {"\r\n", "\r\n ", "X\r\n"}
F14_PARSERS = {"tracking_status lenient", "delivery_status lenient"}


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    for label in PARSERS:
        for unit in UNITS:
            cases.append((label, unit, "end"))
        for unit in VALUE_UNITS:
            cases.append((label, unit, "value"))
    return cases


def _splice(seed: str, where: str) -> tuple[str, str]:
    if where == "end":
        return seed, ""
    # inside the first value: after the first ": " or "=" or the first space
    for mark in (": ", ":", "=", " "):
        at = seed.find(mark)
        if at >= 0:
            cut = at + len(mark)
            return seed[:cut], seed[cut:]
    return "", seed


@pytest.mark.parametrize(("label", "unit", "where"), _cases())
def test_parse_time_is_linear(label: str, unit: str, where: str) -> None:
    kind, fn = PARSERS[label]
    seed = BUILTIN[label.split(maxsplit=1)[0]][0]
    prefix, suffix = _splice(seed, where)

    def make(n: int) -> str | bytes:
        text = prefix + unit * n + suffix
        return text.encode("utf-8") if kind == "bytes" else text

    ratio, n = growth(fn, make, start=64, most=4_096, measurable=0.0005, limit=MAX_RATIO)
    stats.record("parse worst-case inputs (n and 10n)", 2)
    assert ratio <= MAX_RATIO, (
        f"{label}: {unit!r} x n spliced at the {where}: time grows x{ratio:.0f} from n={n} to 10n"
    )


def test_mtsn_without_headers_is_linear() -> None:
    # fixed finding F13: parse_response on a body that starts with "--" (no header
    # block) was quadratic in a run of spaces after the "--"
    fn = functools.partial(_quiet(msgtrk.tracking_status.parse_response))
    ratio, n = growth(
        fn, lambda n: b"--" + b" " * n + b"x\r\n", start=256, most=4_096, limit=MAX_RATIO
    )
    assert ratio <= MAX_RATIO, f"x{ratio:.0f} from n={n}"


@pytest.mark.parametrize("label", sorted(F14_PARSERS))
@pytest.mark.parametrize("unit", sorted(F14_UNITS))
def test_status_defect_per_line_is_linear(label: str, unit: str) -> None:
    # one defect per added line; n big enough that a quadratic term dominates
    _, fn = PARSERS[label]
    seed = BUILTIN[label.split(maxsplit=1)[0]][0]
    ratio, n = growth(
        fn, lambda n: seed + unit * n, start=2_000, most=2_000, measurable=0.0, limit=MAX_RATIO
    )
    assert ratio <= MAX_RATIO, f"x{ratio:.0f} from n={n}"


@pytest.mark.parametrize(
    "label", ["mtqp_response", "mtqp_response lenient", "mtqp_greeting", "mtqp_greeting lenient"]
)
def test_mtqp_response_codes_are_linear(label: str) -> None:
    # fixed finding F15: the generated response-info regex was exponential on
    # "/ADMIN" * n (now guarded by the emitter; the parsers run it)
    _, fn = PARSERS[label]
    ratio, n = growth(
        fn, lambda n: b"-ERR" + b"/ADMIN" * n + b"\x00\r\n", start=8, most=64, budget=1.0
    )
    assert ratio <= MAX_RATIO, f"x{ratio:.0f} from n={n}"


_CONTAINERS = {
    "tracking_response": (
        'Content-Type: multipart/related; boundary=X; type="message/tracking-status"\r\n\r\n'
    ),
    "delivery_report": (
        "Content-Type: multipart/report; report-type=delivery-status; boundary=X\r\n\r\n"
    ),
}


@pytest.mark.parametrize("label", sorted(_CONTAINERS))
def test_container_defect_per_part_is_linear(label: str) -> None:
    # review finding (session 2): one defect per wrongly typed part made the lenient
    # container parse quadratic (each defect's line counted from the start of the input)
    parse = msgtrk.tracking_status.parse_response
    if label == "delivery_report":
        parse = msgtrk.delivery_status.parse_report
    fn = _quiet(parse, strict=False)
    head = _CONTAINERS[label]
    part = "--X\r\nContent-Type: text/plain\r\n\r\nx\r\n"
    ratio, n = growth(
        fn,
        lambda n: (head + part * n + "--X--\r\n").encode(),
        start=1_000,
        most=1_000,
        measurable=0.0,
        limit=MAX_RATIO,
    )
    assert ratio <= MAX_RATIO, f"x{ratio:.0f} from n={n}"

"""Hypothesis strategies for the report-area models: DeliveryReport (RFC 6522),
TrackingResponse and BodyPart (RFC 3886 §3), and raw MIME texts derived from them.

Status bodies come from the status area's strategies (``strategies.status``).
"""

from __future__ import annotations

from hypothesis import strategies as st

from msgtrk._mtsn import BodyPart, TrackingResponse, build_response, serialize_response
from msgtrk._report import DeliveryReport, build_report, serialize_report
from strategies.status import delivery_statuses, global_delivery_statuses, tracking_statuses

__all__ = [
    "body_parts",
    "boundaries",
    "delivery_reports",
    "header_fields",
    "human_texts",
    "raw_mtsns",
    "raw_reports",
    "returned_contents",
    "tracking_responses",
]

boundaries = st.from_regex(r"[0-9A-Za-z'()+_,\-./:=?]{1,30}", fullmatch=True).filter(
    lambda b: not b.startswith("-")
)
"""RFC 2046 §5.1.1 boundaries (bcharsnospace only, not starting with '-')."""

_NAMES = st.sampled_from(
    ["From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "X-Mailer", "Reply-To"]
)
_VALUE = st.from_regex(r"[!-~](?:[ !-~]{0,40}[!-~])?", fullmatch=True)
header_fields = st.tuples(_NAMES, _VALUE)
"""Message header fields (RFC 5322 field-name, unfolded printable value)."""

human_texts = st.lists(
    st.from_regex(r"[ -~äöüéß]{0,50}", fullmatch=True).map(str.rstrip), max_size=6
).map(lambda lines: "\n".join(line for line in lines if not line.startswith("--")))
"""Human-readable first parts (LF line ends, no line that looks like a delimiter)."""

returned_contents = st.lists(header_fields, min_size=1, max_size=4).map(
    lambda fields: "".join(f"{k}: {v}\r\n" for k, v in fields).encode() + b"\r\nbody\r\n"
)
"""Returned messages (RFC 5322 header section and a short body)."""


@st.composite
def delivery_reports(draw: st.DrawFn) -> DeliveryReport:
    """A built DSN message model (RFC 6522 §3), plain or global (RFC 6533 §4.4)."""
    status = draw(st.one_of(delivery_statuses, global_delivery_statuses))
    returned = draw(st.none() | returned_contents)
    rtype = None
    if returned is not None:
        rtype = draw(
            st.sampled_from(
                [
                    "message/rfc822",
                    "text/rfc822-headers",
                    "message/global",
                    "message/global-headers",
                ]
            )
        )
    return build_report(
        status,
        human_readable=draw(human_texts),
        headers=draw(st.lists(header_fields, max_size=5)),
        returned=returned,
        returned_type=rtype,
        boundary=draw(st.none() | boundaries),
    )


body_parts = st.builds(
    BodyPart,
    headers=st.just([("Content-Type", "text/plain")]),
    body=st.from_regex(r"[a-z ]{0,30}", fullmatch=True).map(str.encode),
)
"""Non-tracking-status MTSN parts (RFC 2387 allows them; RFC 3886 §3 does not)."""


@st.composite
def tracking_responses(draw: st.DrawFn, *, others: bool = False) -> TrackingResponse:
    """A built MTSN model (RFC 3886 §3) with 1-3 chained tracking-status parts."""
    with_headers = draw(st.booleans())
    return build_response(
        draw(st.lists(tracking_statuses, min_size=1, max_size=3)),
        headers=draw(st.lists(header_fields, max_size=2)) if with_headers else (),
        other_parts=draw(st.lists(body_parts, max_size=2)) if others else (),
        boundary=draw(st.none() | boundaries),
        with_headers=with_headers,
    )


def _variants(draw: st.DrawFn, wire: bytes, *, body_only: bool) -> bytes:
    """The same MIME entity in forms a parser must keep byte for byte."""
    if draw(st.booleans()):
        wire = wire.replace(b"\r\n", b"\n")
    nl = b"\r\n" if b"\r\n" in wire else b"\n"
    if not body_only and draw(st.booleans()):
        head, _, rest = wire.partition(nl + nl)
        wire = head + nl + nl + b"This is a MIME-encapsulated message." + nl + nl + rest
    if draw(st.booleans()):
        wire += b"epilogue" + nl
    if draw(st.booleans()):
        wire = wire.rstrip(b"\r\n")
    return wire


@st.composite
def raw_reports(draw: st.DrawFn) -> bytes:
    """DSN message texts: a serialized model with LF ends, a preamble, an epilogue
    or no final line break."""
    return _variants(draw, serialize_report(draw(delivery_reports())), body_only=False)


@st.composite
def raw_mtsns(draw: st.DrawFn) -> bytes:
    """MTSN texts: a serialized model in the same variations."""
    resp = draw(tracking_responses())
    return _variants(draw, serialize_response(resp), body_only=not resp.with_headers)

"""The MTSN: ``multipart/related; type="message/tracking-status"`` (RFC 3886 §3).

An MTSN is the body of a positive answer to an MTQP TRACK command
(RFC 3887 §4): a multipart/related (RFC 2387) whose parts are
message/tracking-status bodies, one per server when a server chains the
request to the next one.  In MTQP the body starts with its own
``Content-Type`` header line; a bare multipart body (starting with the
first delimiter line) is accepted too.

Lenient parsing accepts what RFC 3887 §4.1's examples #6-#12 print: the
``type=tracking-status`` parameter (erratum 3721 says
``type="message/tracking-status"``) and the field-level departures that the
tracking-status parser reports (with positions in the whole MTSN).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from msgtrk import _status
from msgtrk._errors import Defect, ParseError, SerializeError
from msgtrk._report import (
    Collector,
    HeaderBlock,
    MessageInput,
    MimeSource,
    Part,
    attach_source,
    check_boundary,
    check_boundary_at,
    check_boundary_param,
    check_header,
    content_type,
    make_boundary,
    parse_header_block,
    parse_part,
    parse_status_body,
    quote,
    split_multipart,
    strip_comments,
    to_crlf,
    to_octets,
    unfold,
    write_header,
)

if TYPE_CHECKING:
    from msgtrk._status import TrackingStatus

__all__ = [
    "TRACKING_STATUS_TYPE",
    "BodyPart",
    "TrackingResponse",
    "build_response",
    "parse_response",
    "serialize_response",
]

#: The media type of every part of an MTSN (RFC 3886 §3.1).
TRACKING_STATUS_TYPE = "message/tracking-status"
_TYPE_PARAM = re.compile(r"(?i)(?:^|;)\s*type\s*=\s*")
_START_PARAM = re.compile(r"(?i)(?:^|;)\s*start\s*=\s*")


def _pairs(value: Iterable[tuple[str, str]] | Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(k), str(v)) for k, v in items)


def _octets(value: bytes | bytearray | str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


@attrs.frozen(kw_only=True)
class BodyPart:
    """A part of an MTSN that is not message/tracking-status.

    RFC 3886 §3 says every part MUST be message/tracking-status; lenient
    parsing keeps other parts here (with a defect) and ``build_response``
    can write them for peers that want RFC 2387's general form.
    """

    headers: tuple[tuple[str, str], ...] = attrs.field(converter=_pairs)
    body: bytes = attrs.field(converter=_octets)

    @property
    def content_type(self) -> str:
        """The part's media type (``text/plain`` when it has no Content-Type)."""
        for name, value in self.headers:
            if name.lower() == "content-type":
                return content_type(value).type
        return "text/plain"


def _statuses(value: Iterable[TrackingStatus]) -> tuple[TrackingStatus, ...]:
    return tuple(value)


def _parts(value: Iterable[BodyPart]) -> tuple[BodyPart, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class TrackingResponse:
    """An MTSN (RFC 3886 §3, RFC 2387): the tracking-status parts in order
    (the first from the server asked, the next ones from chained servers),
    any other parts, and the outer header fields other than Content-Type."""

    statuses: tuple[TrackingStatus, ...] = attrs.field(converter=_statuses)
    other_parts: tuple[BodyPart, ...] = attrs.field(default=(), converter=_parts)
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    boundary: str | None = attrs.field(default=None, eq=False)
    with_headers: bool = attrs.field(default=True, eq=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False)
    # Set by parse_response only (attrs.evolve drops them: a changed response is
    # written canonically).
    source: bytes | str | None = attrs.field(default=None, init=False, eq=False, repr=False)
    status_spans: tuple[tuple[int, int], ...] = attrs.field(
        default=(), init=False, eq=False, repr=False
    )

    @property
    def recipients(self) -> tuple[Any, ...]:
        """Every per-recipient group of every part, in order (RFC 3886 §3.3)."""
        return tuple(r for s in self.statuses for r in s.recipients)

    @property
    def per_message(self) -> Any:
        """The per-message fields of the first part (the server asked)."""
        return self.statuses[0].per_message if self.statuses else None

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-ready dict."""
        return {
            "kind": "tracking-response",
            "headers": [[k, v] for k, v in self.headers],
            "statuses": [s.to_dict() for s in self.statuses],
            "other_parts": [
                {
                    "headers": [[k, v] for k, v in p.headers],
                    "body": p.body.decode("utf-8", "surrogateescape"),
                }
                for p in self.other_parts
            ],
            "defects": [
                {
                    "kind": d.kind,
                    "message": d.message,
                    "line": d.line,
                    "column": d.column,
                    "offset": d.offset,
                    "rule": d.rule,
                }
                for d in self.defects
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrackingResponse:
        """Rebuild a response from ``to_dict()`` output (defects are not restored)."""
        return cls(
            statuses=[_status.TrackingStatus.from_dict(s) for s in data.get("statuses", ())],
            other_parts=[
                BodyPart(
                    headers=[(k, v) for k, v in p["headers"]],
                    body=p["body"].encode("utf-8", "surrogateescape"),
                )
                for p in data.get("other_parts", ())
            ],
            headers=[(k, v) for k, v in data.get("headers", ())],
        )

    def _repr_html_(self) -> str:
        return "".join(s._repr_html_() for s in self.statuses)


def parse_response(
    mime: MessageInput, *, strict: bool = True, limits: _status.Limits | None = None
) -> TrackingResponse:
    """Parse an MTSN (RFC 3886 §3), with or without its outer header section.

    Strict mode raises ``ParseError`` (positions in the whole input) on the
    first departure from RFC 3886 §3, RFC 2387 (with erratum 5578: the
    ``type`` parameter is required) or the tracking-status grammar; lenient
    mode records defects instead.  ``limits`` bounds each tracking-status
    part as in ``tracking_status.parse`` (``LimitError`` in both modes), and
    its ``max_defects`` also caps the defects of the whole MTSN (then one
    ``too-many-defects`` defect).
    """
    src = MimeSource.of(mime)
    defects: list[Defect] = []
    report = Collector(
        src, strict, defects, _status.MAX_DEFECTS if limits is None else limits.max_defects
    )
    text = src.text
    headers: tuple[tuple[str, str], ...] = ()
    with_headers = True
    outer: Any = None  # the outer Content-Type field, if any
    if text.startswith("--") or text[:1] in ("\r", "\n"):
        with_headers = False
        m = re.search(r"(?m)^--([^\r\n]*)", text)
        if m is None:
            raise ParseError.at(
                src.raw,
                0,
                "no delimiter line: not a multipart body (RFC 2046 §5.1.1)",
                rule="multipart-body",
                expected=["--boundary"],
            )
        boundary = m.group(1).rstrip(" \t")
        body_start = 0
        check_boundary_at(src, m.start(1), boundary, report)
    else:
        head = parse_header_block(src, 0, report)
        headers = tuple((f.name, f.value) for f in head.fields if f.name.lower() != "content-type")
        boundary = _check_outer(src, head, report)
        outer = head.get("content-type")
        body_start = head.body_start
    multipart = split_multipart(src, body_start, len(text), boundary, report)
    statuses: list[Any] = []
    spans: list[tuple[int, int]] = []
    others: list[BodyPart] = []
    parts = [parse_part(src, span, report) for span in multipart.parts]
    if outer is not None:
        _check_start(src, outer, parts, report)
    for part in parts:
        if part.type != TRACKING_STATUS_TYPE:
            where = part.head.get("content-type")
            report.fail(
                where.value_offset if where else part.start,
                f"MTSN part of type {part.type}; each part MUST be "
                "message/tracking-status (RFC 3886 §3)",
                kind="part-type",
                rule="body-part",
                expected=[TRACKING_STATUS_TYPE],
            )
            others.append(
                BodyPart(
                    headers=[(f.name, f.value) for f in part.head.fields],
                    body=src.octets(part.body_start, part.end),
                )
            )
            continue
        model, body_span = _parse_status(src, part, report, limits)
        if model is not None:
            statuses.append(model)
            if body_span is not None:
                spans.append(body_span)
    if not statuses:
        report.fail(
            multipart.end if multipart.parts else body_start,
            "an MTSN holds at least one message/tracking-status part (RFC 3886 §3)",
            kind="no-status-part",
            rule="body-part",
            expected=[TRACKING_STATUS_TYPE],
        )
    result = TrackingResponse(
        statuses=statuses,
        other_parts=others,
        headers=headers,
        boundary=boundary,
        with_headers=with_headers,
        defects=tuple(defects),
    )
    attach_source(result, src.raw, status_spans=tuple(spans))
    return result


def _msg_id(value: str) -> str:
    """A Content-ID or ``start`` value as compared: unfolded, comments and blanks removed."""
    return "".join(strip_comments(unfold(value)).split())


def _check_start(src: MimeSource, field: Any, parts: Sequence[Part], report: Collector) -> None:
    """RFC 2387 §3.2: ``start``, when given, is the Content-ID of the root body part."""
    start = content_type(field.value).params.get("start")
    if start is None:
        return
    ids = {_msg_id(f.value) for p in parts for f in p.head.fields if f.name.lower() == "content-id"}
    if _msg_id(start) in ids:
        return
    m = _START_PARAM.search(src.text[field.value_offset : field.end])
    report.fail(
        field.value_offset + (m.end() if m else 0),
        f"start={start} is the Content-ID of no body part (RFC 2387 §3.2)",
        kind="related-start",
        rule="related-param",
        expected=["the Content-ID of the root body part"],
    )


def _check_outer(src: MimeSource, head: HeaderBlock, report: Collector) -> str:
    """Check the outer Content-Type (RFC 3886 §3, RFC 2387 §3); return the boundary."""
    field = head.get("content-type")
    if field is None:
        raise ParseError.at(
            src.raw,
            head.start,
            "no Content-Type: an MTSN is multipart/related (RFC 3886 §3)",
            rule="content",
            expected=['Content-Type: multipart/related; type="message/tracking-status"'],
        )
    ct = content_type(field.value)
    if ct.type != "multipart/related":
        report.fail(
            field.value_offset,
            f"MTSN of type {ct.type}; it MUST be multipart/related (RFC 3886 §3)",
            kind="mtsn-type",
            rule="content",
            expected=["multipart/related"],
        )
    boundary = ct.params.get("boundary")
    if not boundary or not ct.type.startswith("multipart/"):
        raise ParseError.at(
            src.raw,
            field.end,
            "multipart without its boundary parameter (RFC 2046 §5.1.1)",
            rule="boundary",
            expected=["; boundary=..."],
        )
    check_boundary_param(src, field, boundary, report)
    raw_value = src.text[field.value_offset : field.end]
    m = _TYPE_PARAM.search(raw_value)
    related_type = ct.params.get("type")
    if related_type is None or m is None:
        report.fail(
            field.end,
            "multipart/related without its required type parameter (RFC 2387 §3.1, "
            'erratum 5578); an MTSN has type="message/tracking-status" (RFC 3886 §3)',
            kind="related-type",
            rule="related-param",
            expected=['; type="message/tracking-status"'],
        )
    elif related_type.lower() != TRACKING_STATUS_TYPE:
        report.fail(
            field.value_offset + m.end(),
            f"type={related_type}: the type parameter of an MTSN is "
            '"message/tracking-status" (RFC 3886 §3; RFC 3887 erratum 3721)',
            kind="related-type",
            rule="related-param",
            expected=['"message/tracking-status"'],
        )
    return boundary


def _parse_status(
    src: MimeSource, part: Part, report: Collector, limits: _status.Limits | None
) -> tuple[Any, tuple[int, int] | None]:
    if part.cte not in ("", "7bit"):
        report.fail(
            part.cte_offset,
            f"Content-Transfer-Encoding {part.cte}; 7bit MUST be used (RFC 3886 §3.1)",
            kind="status-encoding",
            rule="body-part",
            expected=["7bit"],
        )
    encoded = part.cte in ("base64", "quoted-printable")
    model = parse_status_body(
        src,
        part,
        report,
        lambda data: _status.parse_tracking_status(data, strict=report.strict, limits=limits),
        decoded=f"{part.cte} part" if encoded else None,
    )
    if model is None or encoded:
        return model, None
    return model, (part.body_start, part.end)


def build_response(
    statuses: Iterable[TrackingStatus],
    *,
    headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
    other_parts: Iterable[BodyPart] = (),
    boundary: str | None = None,
    with_headers: bool = True,
) -> TrackingResponse:
    """Build an MTSN model from one or more tracking-status models (RFC 3886 §3).

    ``with_headers=False`` makes ``serialize_response`` write the bare
    multipart body (no Content-Type line); ``boundary`` defaults to one
    derived from the content.
    """
    result = TrackingResponse(
        statuses=statuses,
        other_parts=other_parts,
        headers=headers,
        boundary=boundary,
        with_headers=with_headers,
    )
    if not result.statuses:
        raise SerializeError("an MTSN holds at least one tracking-status (RFC 3886 §3)")
    if boundary is not None:
        check_boundary(boundary)
    return result


def serialize_response(response: TrackingResponse) -> bytes:
    """Write an MTSN as octets (RFC 3886 §3).

    A parsed response gives its input back as octets: a ``bytes`` input
    itself, a ``str`` input encoded as UTF-8 (surrogate escapes as the octets
    they stand for, other lone surrogates as UTF-8-style sequences), so
    compare with ``x.encode("utf-8", "surrogateescape")``.  A built or changed
    response is CRLF text (RFC 2046 canonical form, RFC 3887 §2.3: a status
    body parsed from LF text gets CRLF line ends) with the ``Content-Type:
    multipart/related; boundary=...; type="message/tracking-status"`` line
    first (as in RFC 3887 §4.1), one part per status, then the other parts,
    whose bodies are written as given (so that they read back equal): give
    them CRLF line ends.
    """
    if response.source is not None:
        raw = response.source
        return to_octets(raw) if isinstance(raw, str) else raw
    if not response.statuses:
        raise SerializeError("an MTSN holds at least one tracking-status (RFC 3886 §3)")
    parts: list[tuple[Sequence[tuple[str, str]], bytes]] = []
    for status in response.statuses:
        text = _status.serialize_tracking_status(status)
        if not text.isascii():
            raise SerializeError("message/tracking-status is 7bit (RFC 3886 §3.1)")
        parts.append(([("Content-Type", TRACKING_STATUS_TYPE)], to_crlf(text.encode("ascii"))))
    parts.extend((p.headers, p.body) for p in response.other_parts)
    boundary = response.boundary or make_boundary([p[1] for p in parts])
    check_boundary(boundary)
    delim = b"--" + boundary.encode("ascii")
    out: list[bytes] = []
    if response.with_headers:
        ctype = f'multipart/related; boundary={quote(boundary)}; type="{TRACKING_STATUS_TYPE}"'
        out.append(write_header("Content-Type", ctype))
        out.extend(write_header(name, value) for name, value in response.headers)
        out.append(b"\r\n")
    elif response.headers:
        raise SerializeError("header fields need with_headers=True")
    for headers, content in parts:
        if re.search(rb"(?m)^" + re.escape(delim), content):
            raise SerializeError(f"the boundary {boundary!r} occurs in a part's content")
        for name, value in headers:
            check_header(name, value)
        out.append(delim + b"\r\n")
        out.extend(write_header(name, value) for name, value in headers)
        out.append(b"\r\n")
        out.append(content)
        out.append(b"\r\n")
    out.append(delim + b"--\r\n")
    return b"".join(out)

"""The RFC 6522 ``multipart/report`` DSN message (RFC 3464 §2, RFC 6533 §4.4).

``parse_report`` splits the MIME structure itself (RFC 2046 §5.1.1 boundary
rules) so that every part is a slice of the original input: the status body
handed to the delivery-status parser is the exact byte range of the second
part, positions in errors and defects are those of the whole message, and
``serialize_report`` of a parsed report returns the input's octets (``bytes``
always: a ``str`` input comes back UTF-8 encoded).  Header
parameters (``boundary``, ``report-type``, ``charset``) are read with the
standard library ``email`` package.

The helpers at the end (``MimeSource``, ``parse_header_block``,
``split_multipart``...) are shared with ``msgtrk._mtsn``.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email.message
import email.parser
import email.policy
import email.utils
import functools
import hashlib
import html
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from msgtrk import _status
from msgtrk._errors import Defect, LimitError, ParseError, SerializeError, position
from msgtrk._status._limits import MAX_DEFECTS

if TYPE_CHECKING:
    from msgtrk._status import DeliveryStatus

__all__ = [
    "RETURNED_TYPES",
    "STATUS_TYPES",
    "DeliveryReport",
    "build_report",
    "parse_report",
    "serialize_report",
]

#: Media types of the machine-readable second part (RFC 3464 §2, RFC 6533 §4.1).
STATUS_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
#: Media types of the optional third part (RFC 6522 §3 and §4, RFC 6533 §4.2-4.4).
RETURNED_TYPES = frozenset(
    {"message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers"}
)
_STRUCTURAL = frozenset({"mime-version", "content-type", "content-transfer-encoding"})
_IDENTITY_CTE = frozenset({"", "7bit", "8bit", "binary"})

MessageInput = bytes | bytearray | memoryview | str | email.message.Message


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def _header_pairs(
    value: Iterable[tuple[str, str]] | Mapping[str, str],
) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(k), str(v)) for k, v in items)


def _lf(text: str | None) -> str | None:
    return None if text is None else text.replace("\r\n", "\n")


def _opt_bytes(value: bytes | bytearray | str | None) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


@attrs.frozen(kw_only=True)
class DeliveryReport:
    """A DSN message: ``multipart/report; report-type=delivery-status`` (RFC 6522 §3).

    ``human_readable`` is the text of the first part (its text/plain
    alternative when it is a multipart), with LF line ends; ``status`` the
    parsed second part (``None`` only when a lenient parse found no
    RFC 3464 part at all); ``status_from_text`` is true when a lenient parse
    rebuilt ``status`` from the text of a qmail bounce (QSBMF) because there
    was no RFC 3464 part; ``returned`` the third part's
    content (CTE-decoded octets) and ``returned_type`` its media type.
    ``headers`` are the message's header fields other than MIME-Version,
    Content-Type and Content-Transfer-Encoding, in order.  A parsed report
    keeps its input in ``source`` (``serialize_report`` returns it); a report
    changed with ``attrs.evolve`` loses it and is written canonically.
    """

    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_header_pairs)
    report_type: str | None = "delivery-status"
    human_readable: str | None = attrs.field(default=None, converter=_lf)
    human_readable_type: str = "text/plain"
    status: DeliveryStatus | None = None
    status_from_text: bool = False
    status_type: str = attrs.field(
        default="message/delivery-status", validator=attrs.validators.in_(STATUS_TYPES)
    )
    returned: bytes | None = attrs.field(default=None, converter=_opt_bytes)
    returned_type: str | None = None
    boundary: str | None = attrs.field(default=None, eq=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False)
    # Set by parse_report only (not __init__ arguments, so attrs.evolve drops them
    # and a changed report is written canonically).
    source: bytes | str | None = attrs.field(default=None, init=False, eq=False, repr=False)
    status_span: tuple[int, int] | None = attrs.field(
        default=None, init=False, eq=False, repr=False
    )

    @property
    def per_message(self) -> Any:
        """The per-message fields of the status part (RFC 3464 §2.2), or ``None``."""
        return None if self.status is None else self.status.per_message

    @property
    def recipients(self) -> tuple[Any, ...]:
        """The per-recipient groups of the status part (RFC 3464 §2.3)."""
        return () if self.status is None else tuple(self.status.recipients)

    @property
    def status_text(self) -> bytes | str | None:
        """The exact text of the status part's body as it was parsed (or ``None``)."""
        if self.source is None or self.status_span is None:
            return None
        return self.source[self.status_span[0] : self.status_span[1]]

    def header(self, name: str) -> str | None:
        """The first header field called ``name`` (case-insensitive), unfolded."""
        key = name.lower()
        for k, v in self.headers:
            if k.lower() == key:
                return _unfold(v)
        return None

    @property
    def returned_message(self) -> email.message.EmailMessage | None:
        """The returned message or header block as a stdlib message, or ``None``."""
        if self.returned is None:
            return None
        parser = email.parser.BytesParser(policy=email.policy.default)
        msg = parser.parsebytes(self.returned)
        assert isinstance(msg, email.message.EmailMessage)
        return msg

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-ready dict (status as ``DeliveryStatus.to_dict()``)."""
        return {
            "kind": "delivery-report",
            "headers": [[k, v] for k, v in self.headers],
            "report_type": self.report_type,
            "human_readable": self.human_readable,
            "human_readable_type": self.human_readable_type,
            "status_type": self.status_type,
            "status": None if self.status is None else self.status.to_dict(),
            "status_from_text": self.status_from_text,
            "returned_type": self.returned_type,
            "returned": None
            if self.returned is None
            else self.returned.decode("utf-8", "surrogateescape"),
            "defects": [_defect_dict(d) for d in self.defects],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeliveryReport:
        """Rebuild a report from ``to_dict()`` output (defects are not restored)."""
        status = data.get("status")
        model: Any = None
        if status is not None:
            model = _status.DeliveryStatus.from_dict(status)
        returned = data.get("returned")
        return cls(
            headers=[(k, v) for k, v in data.get("headers", ())],
            report_type=data.get("report_type", "delivery-status"),
            human_readable=data.get("human_readable"),
            human_readable_type=data.get("human_readable_type", "text/plain"),
            status=model,
            status_from_text=bool(data.get("status_from_text", False)),
            status_type=data.get("status_type", "message/delivery-status"),
            returned=None if returned is None else returned.encode("utf-8", "surrogateescape"),
            returned_type=data.get("returned_type"),
        )

    def _repr_html_(self) -> str:
        head = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(_unfold(v))}</td></tr>"
            for k, v in self.headers
            if k.lower() in {"from", "to", "subject", "date"}
        )
        body = "" if self.status is None else self.status._repr_html_()
        return f"<div><table>{head}</table>{body}</div>"


def _defect_dict(d: Defect) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "message": d.message,
        "line": d.line,
        "column": d.column,
        "offset": d.offset,
        "rule": d.rule,
    }


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------


def parse_report(
    message: MessageInput, *, strict: bool = True, limits: _status.Limits | None = None
) -> DeliveryReport:
    """Parse a whole DSN message (RFC 6522 §3, RFC 3464 §2, RFC 6533 §4.4).

    ``message`` is the message as bytes or str (CRLF or LF line ends), or an
    ``email.message.Message`` (flattened with its own policy first, so
    positions refer to that flattened text).  ``strict=False`` accepts the
    departures real MTAs make (a missing or wrong ``report-type``, a status
    part elsewhere than second, extra parts, an encoded status part, a
    non-RFC 3464 bounce such as qmail's) and records each in ``defects``.
    ``limits`` bounds the status part as in ``delivery_status.parse``: over
    a limit is a ``LimitError`` in both modes; its ``max_defects`` also caps
    the defects of the whole message (then one ``too-many-defects`` defect).
    """
    src = MimeSource.of(message)
    defects: list[Defect] = []
    report = _Collector(src, strict, defects, _max_defects(limits))
    head = parse_header_block(src, 0, report, allow_unixfrom=True)
    fields = head.fields
    ctype_field = head.get("content-type")
    headers = tuple((f.name, f.value) for f in fields if f.name.lower() not in _STRUCTURAL)
    if ctype_field is None:
        report.fail(
            head.body_start if head.body_start < len(src.text) else 0,
            "no Content-Type: a DSN is a multipart/report message (RFC 6522 §3)",
            kind="not-multipart-report",
            rule="content",
            expected=["Content-Type: multipart/report"],
        )
        return _non_dsn(src, head, headers, report, "text/plain")
    ctype = content_type(ctype_field.value)
    if ctype.type != "multipart/report":
        report.fail(
            ctype_field.value_offset,
            f"Content-Type is {ctype.type}, not multipart/report (RFC 6522 §3)",
            kind="not-multipart-report",
            rule="content",
            expected=["multipart/report"],
        )
        if not ctype.type.startswith("multipart/"):
            return _non_dsn(src, head, headers, report, ctype.type)
    report_type = ctype.params.get("report-type")
    if ctype.type == "multipart/report":
        if report_type is None:
            report.fail(
                ctype_field.end,
                "multipart/report without its required report-type parameter (RFC 6522 §3)",
                kind="report-type",
                rule="report-type",
                expected=["; report-type=delivery-status"],
            )
        elif report_type.lower() not in {"delivery-status", "global-delivery-status"}:
            report.fail(
                ctype_field.value_offset + ctype_field.value.lower().find("report-type"),
                f"report-type={report_type} is not a delivery status report (RFC 3464 §2)",
                kind="report-type",
                rule="report-type",
                expected=["delivery-status"],
            )
    boundary = ctype.params.get("boundary")
    if not boundary:
        report.fail(
            ctype_field.end,
            "multipart without its required boundary parameter (RFC 2046 §5.1.1)",
            kind="no-boundary",
            rule="boundary",
            expected=["; boundary=..."],
        )
        return _non_dsn(src, head, headers, report, ctype.type, report_type=report_type)
    check_boundary_param(src, ctype_field, boundary, report)
    parts = split_multipart(src, head.body_start, len(src.text), boundary, report)
    parsed = [parse_part(src, p, report) for p in parts.parts]

    human: Part | None = None
    status_part: Part | None = None
    returned: Part | None = None
    if ctype.type == "multipart/report" and len(parsed) >= 2 and parsed[1].type in STATUS_TYPES:
        human, status_part = parsed[0], parsed[1]
        if len(parsed) >= 3:
            returned = parsed[2]  # any type: RFC 6522 §3 and RFC 3464 §2 do not restrict it
        if len(parsed) > 3:
            report.fail(
                parsed[3].start,
                f"multipart/report has {len(parsed)} parts; at most three (RFC 6522 §3)",
                kind="extra-parts",
                rule="multipart-report",
            )
    else:
        # Lenient: look for the status part anywhere in the tree.
        where = parsed[1].start if len(parsed) >= 2 else parts.end
        found = _find_status(src, parsed, report)
        if found is None:
            report.fail(
                where,
                "no message/delivery-status part (RFC 6522 §3: the second part)",
                kind="no-status-part",
                rule="multipart-report",
                expected=["message/delivery-status"],
            )
        else:
            report.fail(
                found.start,
                "the message/delivery-status part is not the second part of a "
                "multipart/report (RFC 6522 §3)",
                kind="status-part-position",
                rule="multipart-report",
            )
            status_part = found
            index = next((i for i, p in enumerate(parsed) if p is found), None)
            if index is not None:
                human = parsed[0] if index > 0 else None
                if index + 1 < len(parsed):
                    returned = parsed[index + 1]
        if human is None and parsed and parsed[0] is not status_part:
            human = parsed[0]

    human_text, human_type = (
        (None, "text/plain") if human is None else _human_text(src, human, report)
    )
    status_model: Any = None
    status_type = "message/delivery-status"
    span: tuple[int, int] | None = None
    if status_part is not None:
        status_type = status_part.type
        status_model, span = _parse_status_part(src, status_part, report, limits)
    returned_bytes = None if returned is None else decode_body(src, returned, report)
    result = DeliveryReport(
        headers=headers,
        report_type=report_type,
        human_readable=human_text,
        human_readable_type=human_type,
        status=status_model,
        status_type=status_type,
        returned=returned_bytes,
        returned_type=None if returned is None else returned.type,
        boundary=boundary,
        defects=tuple(defects),
    )
    attach_source(result, src.raw, status_span=span)
    return result


def _non_dsn(
    src: MimeSource,
    head: HeaderBlock,
    headers: tuple[tuple[str, str], ...],
    report: _Collector,
    ctype: str,
    *,
    report_type: str | None = None,
) -> DeliveryReport:
    """A lenient result for a message with no RFC 3464 part (qmail's QSBMF, ...)."""
    raw = src.slice(head.body_start, len(src.text))
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    status = _qsbmf(text) if ctype == "text/plain" else None
    if status is not None:
        report.add(
            Defect.at(
                src.raw,
                head.body_start,
                "qsbmf",
                "a qmail-send bounce (QSBMF), not an RFC 3464 DSN: recipients, action "
                "and status read from its text",
                rule="delivery-status-content",
            )
        )
    result = DeliveryReport(
        headers=headers,
        report_type=report_type,
        human_readable=text,
        human_readable_type=ctype,
        status=status,
        status_from_text=status is not None,
        defects=tuple(report.defects),
    )
    attach_source(result, src.raw)
    return result


_QSBMF_HELLO = re.compile(r"Hi\. This is the (?:qmail-send program at )?([^\s]*?)\.?\s")
_QSBMF_CODE = re.compile(
    r"\(#([245]\.[0-9]{1,3}\.[0-9]{1,3})\)|\b([245]\.[0-9]{1,3}\.[0-9]{1,3})\b"
)
_QSBMF_REMOTE = re.compile(r"Remote host said: (.*)")


def _qsbmf(text: str) -> DeliveryStatus | None:
    """Read a qmail-send bounce message (QSBMF, D. J. Bernstein's qsbmf.txt).

    Paragraphs are separated by blank lines: a greeting starting "Hi. This is
    the", then one paragraph per recipient starting ``<address>:``, up to a
    paragraph starting "--- ".  Every recipient failed (QSBMF reports
    permanent failures); the status is the ``(#x.y.z)`` code qmail appends,
    else the first enhanced code of a remote reply, else 5.0.0.
    """
    paragraphs = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip("\n"))
    hello = _QSBMF_HELLO.match(paragraphs[0] + " ") if paragraphs else None
    if hello is None:
        return None
    recipients = []
    for para in paragraphs[1:]:
        if para.startswith("--- "):
            break
        first, _, rest = para.partition("\n")
        if not (first.startswith("<") and first.endswith(">:")):
            continue
        detail = " ".join(line.strip() for line in rest.splitlines() if line.strip())
        m = _QSBMF_CODE.search(detail)
        code = (m.group(1) or m.group(2)) if m else "5.0.0"
        remote = _QSBMF_REMOTE.search(detail)
        diagnostic = (
            _status.Diagnostic.smtp(remote.group(1).split(" Giving up")[0].strip())
            if remote
            else _status.Diagnostic(type="X-qmail", text=detail)
        )
        recipients.append(
            _status.DeliveryRecipient(
                final_recipient=_status.Address.rfc822(first[1:-2]),
                action=_status.Action.FAILED,
                status=_status.Status.of(code),
                diagnostic_code=diagnostic if detail else None,
            )
        )
    if not recipients:
        return None
    host = hello.group(1)
    return _status.DeliveryStatus(
        per_message=_status.DeliveryPerMessage(
            reporting_mta=_status.MtaName.dns(host) if host else None
        ),
        recipients=recipients,
    )


def _find_status(src: MimeSource, parts: Sequence[Part], report: _Collector) -> Part | None:
    for part in parts:
        if part.type in STATUS_TYPES:
            return part
    for part in parts:
        if part.type.startswith("multipart/") and part.boundary:
            inner = split_multipart(src, part.body_start, part.end, part.boundary, report)
            found = _find_status(src, [parse_part(src, p, report) for p in inner.parts], report)
            if found is not None:
                return found
    return None


def _human_text(src: MimeSource, part: Part, report: _Collector) -> tuple[str | None, str]:
    if part.type.startswith("multipart/") and part.boundary:
        inner = split_multipart(src, part.body_start, part.end, part.boundary, report)
        subparts = [parse_part(src, p, report) for p in inner.parts]
        chosen = next((p for p in subparts if p.type == "text/plain"), None)
        if chosen is None:
            chosen = next((p for p in subparts if p.type.startswith("text/")), None)
        if chosen is None:
            return None, part.type
        text, _ = _human_text(src, chosen, report)
        return text, part.type
    data = decode_body(src, part, report)
    charset = part.params.get("charset") or ("utf-8" if src.is_bytes else "us-ascii")
    return decode_text(data, charset), part.type


def decode_text(data: bytes, charset: str) -> str:
    """Decode ``data`` in ``charset`` (unknown charsets as UTF-8), never raising."""
    try:
        codec = codecs.lookup(charset.strip().lower() or "us-ascii").name
    except (LookupError, ValueError):  # unknown, or a name with NUL in it
        codec = "utf-8"
    if codec == "ascii":
        codec = "utf-8"  # 8-bit octets in a us-ascii part are common; keep them readable
    try:
        return data.decode(codec, "replace")
    except (LookupError, ValueError, TypeError):  # not a text encoding (rot13, base64...)
        return data.decode("utf-8", "replace")


def _parse_status_part(
    src: MimeSource, part: Part, report: _Collector, limits: _status.Limits | None
) -> tuple[Any, tuple[int, int] | None]:
    is_global = part.type == "message/global-delivery-status"
    cte = part.cte
    encoded = cte not in _IDENTITY_CTE
    if encoded and not is_global:
        report.fail(
            part.cte_offset,
            f"Content-Transfer-Encoding {cte} on message/delivery-status; "
            "7bit MUST be used (RFC 3464 §2.1)",
            kind="status-encoding",
            rule="delivery-status-content",
            expected=["7bit"],
        )
    model = parse_status_body(
        src,
        part,
        report,
        lambda data: _status.parse_delivery_status(
            data, strict=report.strict, global_=is_global, limits=limits
        ),
        decoded=f"{cte} status part" if encoded else None,
    )
    return model, (None if encoded else (part.body_start, part.end))


def parse_status_body(
    src: MimeSource,
    part: Part,
    report: _Collector,
    parse: Callable[[Any], Any],
    *,
    decoded: str | None,
) -> Any:
    """Parse a status part's body with ``parse``; positions refer to the whole message.

    ``decoded`` names the transfer-encoded part when its body must be decoded
    first: positions inside encoded text mean nothing in the message, so its
    errors and defects point at the part (strict or lenient as ``report``).
    A ``LimitError`` is raised in both modes (a limit is not a defect).
    Returns the model, or None when the part could not be read.
    """
    if decoded is not None:
        try:
            model = parse(decode_body(src, part, report))
        except LimitError as exc:
            raise LimitError.at(
                src.raw, part.body_start, f"in the decoded {decoded}: {exc.message}", rule=exc.rule
            ) from None
        except ParseError as exc:
            report.fail(
                part.body_start,
                f"in the decoded {decoded}: {exc.message}",
                kind="encoded-status-syntax",
                rule=exc.rule,
                expected=exc.expected,
            )
            return None
        for d in model.defects:
            if not report.keep(part.body_start):
                break
            report.defects.append(
                Defect.at(
                    src.raw,
                    part.body_start,
                    d.kind,
                    f"in the decoded {decoded} (line {d.line}, column {d.column}): {d.message}",
                    rule=d.rule,
                )
            )
        return model
    try:
        model = parse(src.slice(part.body_start, part.end))
    except ParseError as exc:
        shifted = shift_error(exc, src, part.body_start)
        if report.strict or isinstance(exc, LimitError):
            raise shifted from None
        report.add(Defect.from_error(shifted))
        return None
    base = part.body_start
    for d in model.defects:
        if not report.keep(base + d.offset):
            break
        report.defects.append(shift_defect(d, src, base))
    return model


# ---------------------------------------------------------------------------
# Building and serializing
# ---------------------------------------------------------------------------


def build_report(
    status: DeliveryStatus,
    *,
    human_readable: str,
    headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
    returned: bytes | str | None = None,
    returned_type: str | None = None,
    status_type: str | None = None,
    boundary: str | None = None,
) -> DeliveryReport:
    """Build a DSN message model (RFC 6522 §3).

    ``headers`` are the message header fields (From, To, Subject, Date,
    Message-ID, Auto-Submitted...); MIME-Version and Content-Type are added
    by ``serialize_report``.  ``returned`` is the returned message (default
    type message/rfc822) or header block (pass ``text/rfc822-headers``).
    ``status_type`` defaults to message/global-delivery-status for a model
    with ``is_global`` (RFC 6533 §4.4), else message/delivery-status.
    """
    if status_type is None:
        status_type = (
            "message/global-delivery-status" if status.is_global else "message/delivery-status"
        )
    if returned is not None and returned_type is None:
        returned_type = "message/rfc822"
    if returned_type is not None and returned_type.lower() not in RETURNED_TYPES:
        raise SerializeError(
            f"returned_type {returned_type!r} is not one of {sorted(RETURNED_TYPES)}"
        )
    if boundary is not None:
        check_boundary(boundary)
    return DeliveryReport(
        headers=_header_pairs(headers),
        report_type="delivery-status",
        human_readable=human_readable,
        human_readable_type="text/plain",
        status=status,
        status_type=status_type,
        returned=_opt_bytes(returned),
        returned_type=None if returned_type is None else returned_type.lower(),
        boundary=boundary,
    )


def serialize_report(report: DeliveryReport) -> bytes:
    """Write a DSN message as octets (RFC 6522 §3).

    A parsed report gives its input back as octets: a ``bytes`` input itself, a
    ``str`` input encoded as UTF-8 (surrogate escapes as the octets they stand
    for, other lone surrogates as UTF-8-style sequences), so compare with
    ``x.encode("utf-8", "surrogateescape")``.  A built or changed report
    is written canonically with CRLF line ends (``report-type=delivery-status``):
    the human-readable text and the status body (even one parsed from LF
    text) are put in RFC 2046 canonical form; ``returned`` is written as given
    (so that it reads back equal): give it CRLF line ends.
    """
    if report.source is not None:
        raw = report.source
        return to_octets(raw) if isinstance(raw, str) else raw
    if report.status is None:
        raise SerializeError("a DSN needs a delivery-status part (RFC 6522 §3)")

    for name, value in report.headers:
        check_header(name, value)
    status_text = _status.serialize_delivery_status(report.status)
    status_bytes = to_crlf(status_text.encode("utf-8"))
    if report.status_type == "message/delivery-status" and not status_text.isascii():
        raise SerializeError(
            "non-ASCII status text needs message/global-delivery-status (RFC 6533 §4.1)"
        )
    human = (report.human_readable or "").replace("\n", "\r\n").encode("utf-8")
    charset = "us-ascii" if human.isascii() else "utf-8"
    parts: list[tuple[list[tuple[str, str]], bytes]] = [
        (
            [
                ("Content-Type", f"text/plain; charset={charset}"),
                ("Content-Transfer-Encoding", "7bit" if human.isascii() else "8bit"),
            ],
            human,
        ),
        (
            [("Content-Type", report.status_type)]
            + ([] if status_text.isascii() else [("Content-Transfer-Encoding", "8bit")]),
            status_bytes,
        ),
    ]
    if report.returned is not None:
        rtype = report.returned_type or "message/rfc822"
        extra = [] if report.returned.isascii() else [("Content-Transfer-Encoding", "8bit")]
        parts.append(([("Content-Type", rtype), *extra], report.returned))
    boundary = report.boundary or make_boundary([p[1] for p in parts])
    head = [*report.headers, ("MIME-Version", "1.0")]
    head.append(
        (
            "Content-Type",
            f"multipart/report; report-type=delivery-status; boundary={quote(boundary)}",
        )
    )
    return write_multipart(head, parts, boundary)


# ---------------------------------------------------------------------------
# Shared MIME helpers (also used by msgtrk._mtsn)
# ---------------------------------------------------------------------------

_FIELD_NAME = re.compile(r"[!-9;-~]+")
_BCHARS = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
# RFC 2045 token characters, less "'", "*" and "%" (which RFC 2231 readers,
# the stdlib's among them, take for charset/continuation syntax)
_SAFE_TOKEN = re.compile(r"[!#$&+\-.0-9A-Z^-~]+")


def _flatten(msg: email.message.Message) -> bytes | str:
    """``msg`` as octets, or as text when the stdlib generator cannot write octets.

    The standard library's generator raises UnicodeEncodeError on some
    messages it parsed itself (non-ASCII left in a multipart preamble);
    that must surface as our error, never as the stdlib's.
    """
    try:
        return msg.as_bytes(policy=msg.policy)
    except (UnicodeError, LookupError):
        pass
    try:
        return msg.as_string(policy=msg.policy)
    except (UnicodeError, LookupError):
        raise ParseError(
            "the standard library cannot flatten this email.message.Message; "
            "pass the raw octets instead",
            line=1,
            column=1,
            offset=0,
            rule="message",
        ) from None


@attrs.frozen
class MimeSource:
    """The input as text for searching (bytes decoded as Latin-1, so offsets are
    byte offsets) and as given, for slicing the exact octets of a part."""

    text: str
    raw: bytes | str

    @classmethod
    def of(cls, data: MessageInput) -> MimeSource:
        """Wrap bytes, str or an ``email.message.Message`` (flattened)."""
        if isinstance(data, email.message.Message):
            data = _flatten(data)
        if isinstance(data, bytearray | memoryview):
            data = bytes(data)
        if isinstance(data, bytes):
            return cls(data.decode("latin-1"), data)
        if isinstance(data, str):
            return cls(data, data)
        raise TypeError(f"expected bytes, str or email.message.Message, not {type(data).__name__}")

    @property
    def is_bytes(self) -> bool:
        """Whether the input was octets."""
        return isinstance(self.raw, bytes)

    def slice(self, start: int, end: int) -> bytes | str:
        """The exact input between two offsets."""
        return self.raw[start:end]

    def octets(self, start: int, end: int) -> bytes:
        """The input between two offsets as octets (str input encoded as UTF-8)."""
        raw = self.raw[start:end]
        return raw if isinstance(raw, bytes) else to_octets(raw)


@attrs.frozen
class _Collector:
    """Strict mode raises, lenient mode records a defect.

    At most ``max_defects`` defects are kept (``Limits.max_defects``, as for
    the status bodies); the first one beyond becomes a final
    ``too-many-defects`` defect at its position, and the rest are dropped
    before their position is computed.
    """

    src: MimeSource
    strict: bool
    defects: list[Defect]
    max_defects: int = MAX_DEFECTS

    def keep(self, offset: int) -> bool:
        """Whether one more defect (at ``offset`` of the input) is kept."""
        n = len(self.defects)
        cap = self.max_defects
        if n < cap:
            return True
        if n == cap:
            self.defects.append(
                Defect.at(
                    self.src.raw,
                    offset,
                    "too-many-defects",
                    f"more than {cap} defects (Limits.max_defects)",
                )
            )
        return False

    def add(self, defect: Defect) -> None:
        """Record ``defect`` (its position already in the whole input) unless over the cap."""
        if self.keep(defect.offset):
            self.defects.append(defect)

    def fail(
        self,
        offset: int,
        message: str,
        *,
        kind: str,
        rule: str | None = None,
        expected: Iterable[str] = (),
    ) -> None:
        if self.strict:
            raise ParseError.at(self.src.raw, offset, message, rule=rule, expected=expected)
        if self.keep(offset):
            self.defects.append(Defect.at(self.src.raw, offset, kind, message, rule=rule))


Collector = _Collector


def _max_defects(limits: _status.Limits | None) -> int:
    return MAX_DEFECTS if limits is None else limits.max_defects


@attrs.frozen
class Field:
    """One header field as found: raw value (folding kept), positions."""

    name: str
    value: str
    start: int
    value_offset: int
    end: int


@attrs.frozen
class HeaderBlock:
    """A header section and where the body after it starts."""

    fields: tuple[Field, ...]
    start: int
    body_start: int
    has_separator: bool

    def get(self, name: str) -> Field | None:
        """The first field called ``name`` (case-insensitive)."""
        key = name.lower()
        return next((f for f in self.fields if f.name.lower() == key), None)


def _lines(text: str, start: int, end: int) -> Iterable[tuple[int, int, int]]:
    """Yield ``(line_start, content_end, next_line_start)`` for lines in range."""
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        if nl < 0:
            yield pos, end, end
            return
        content_end = nl - 1 if nl > pos and text[nl - 1] == "\r" else nl
        yield pos, content_end, nl + 1
        pos = nl + 1


def parse_header_block(
    src: MimeSource,
    start: int,
    report: _Collector,
    *,
    end: int | None = None,
    allow_unixfrom: bool = False,
) -> HeaderBlock:
    """Read an RFC 5322 §2.2 header section from ``start`` up to the blank line."""
    text = src.text
    stop = len(text) if end is None else end
    fields: list[Field] = []
    current: list[int] | None = None  # [start, value_offset, end, name_end]
    names: list[str] = []
    seen: set[str] = set()

    def close() -> None:
        if current is not None:
            s, v, e, _ = current
            value = src.text[v:e]
            if src.is_bytes:
                value = value.encode("latin-1").decode("utf-8", "surrogateescape")
            name = names[-1]
            key = name.lower()
            if key in _AT_MOST_ONCE:
                if key in seen:
                    report.fail(
                        s,
                        f"a second {name} field; an entity has at most one (RFC 2045 §3); "
                        "the first is used",
                        kind="duplicate-mime-field",
                        rule="entity-headers",
                    )
                seen.add(key)
            fields.append(Field(name, value, s, v, e))

    first = True
    for line_start, content_end, next_start in _lines(text, start, stop):
        if line_start == content_end:  # blank line: end of the header section
            close()
            return HeaderBlock(tuple(fields), start, next_start, True)
        if first and allow_unixfrom and text.startswith("From ", line_start):
            first = False
            continue  # an mbox envelope line, not part of the message
        first = False
        if text[line_start] in " \t":
            if current is None:
                report.fail(
                    line_start,
                    "continuation line with no header field before it (RFC 5322 §2.2.3)",
                    kind="orphan-continuation",
                    rule="field-name",
                    expected=["field-name"],
                )
                continue
            current[2] = content_end
            continue
        m = _FIELD_NAME.match(text, line_start, content_end)
        colon = -1
        if m:
            colon = m.end()
            while colon < content_end and text[colon] in " \t":
                colon += 1
            if colon >= content_end or text[colon] != ":":
                colon = -1
        if colon < 0:
            close()
            current = None
            at = m.end() if m else line_start
            report.fail(
                at,
                "header field without a colon (RFC 5322 §2.2); the header section ends here",
                kind="missing-header-separator",
                rule="field-name" if not m else "field",
                expected=[":"] if m else ["field-name", "CRLF"],
            )
            return HeaderBlock(tuple(fields), start, line_start, False)
        close()
        names.append(text[line_start : m.end()].rstrip(" \t") if m else "")
        value_offset = colon + 1
        while value_offset < content_end and text[value_offset] in " \t":
            value_offset += 1
        current = [line_start, value_offset, content_end, m.end() if m else line_start]
    close()
    # No blank line: a header section with no body (RFC 5322 §3.5, RFC 2046 §5.1.1).
    return HeaderBlock(tuple(fields), start, stop, False)


#: RFC 2045 §3 entity-headers: ``[ content CRLF ] [ encoding CRLF ]``, at most one each.
_AT_MOST_ONCE = frozenset({"content-type", "content-transfer-encoding"})


def unfold(value: str) -> str:
    """``value`` with its folding line breaks removed (RFC 5322 §2.2.3)."""
    return _unfold(value)


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value)


@attrs.frozen
class ContentType:
    """A parsed Content-Type value: lower-case ``type/subtype`` and parameters
    (names lower-cased, values unquoted, RFC 2231 continuations joined)."""

    type: str
    params: Mapping[str, str]


def strip_comments(value: str) -> str:
    """``value`` without its RFC 5322 §3.2.2 comments (quoted strings kept as they are).

    RFC 2045 §5.1 allows comments in a Content-Type field, which the
    standard library's compat32 parameter parser keeps inside the values.
    """
    if "(" not in value:
        return value
    out: list[str] = []
    depth = 0
    quoted = False
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and (quoted or depth):
            if not depth:
                out.append(value[i : i + 2])
            i += 2
            continue
        if depth:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if not depth:
                out.append(" ")
        elif ch == '"':
            quoted = not quoted
            out.append(ch)
        elif ch == "(" and not quoted:
            depth = 1
        else:
            out.append(ch)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=512)
def content_type(value: str) -> ContentType:
    """Parse a Content-Type value with the standard library (RFC 2045 §5.1); cached."""
    # RFC 2045 parameters are ASCII; other characters (invalid) become "?" so that
    # the stdlib's parameter parser never sees them.
    ascii_value = strip_comments(_unfold(value).encode("ascii", "replace").decode("ascii"))
    main = ascii_value.split(";", 1)[0].strip().lower()
    ctype = main if main.count("/") == 1 else "text/plain"
    params: dict[str, str] = {}
    msg = email.message.Message()
    msg["Content-Type"] = ascii_value.replace("\0", "?")
    try:
        found = msg.get_params(header="content-type", failobj=[])[1:]
        for key, val in found:
            text = email.utils.collapse_rfc2231_value(val) if isinstance(val, tuple) else val
            params.setdefault(key.lower().strip(), str(text))
    except (ValueError, LookupError, TypeError, IndexError):  # malformed RFC 2231 parts
        pass
    return ContentType(ctype, types.MappingProxyType(params))


@attrs.frozen
class Span:
    """A body part: from its first header line to the end of its content."""

    start: int
    end: int


@attrs.frozen
class Multipart:
    """The parts of a multipart body (RFC 2046 §5.1.1)."""

    parts: tuple[Span, ...]
    closed: bool
    end: int


def split_multipart(
    src: MimeSource, start: int, end: int, boundary: str, report: _Collector
) -> Multipart:
    """Split ``[start, end)`` at the delimiter lines for ``boundary``.

    The line break before a delimiter belongs to the delimiter (RFC 2046
    §5.1.1); transport padding after it is allowed.  A missing close
    delimiter fails (strict) or is a defect.
    """
    pattern = re.compile(r"(?m)^--" + re.escape(boundary) + r"(--)?[ \t]*\r?$")
    text = src.text
    parts: list[Span] = []
    part_start: int | None = None
    for m in pattern.finditer(text, start, end):
        line_start = m.start()
        if part_start is not None:
            part_end = line_start
            if part_end > part_start and text[part_end - 1] == "\n":
                part_end -= 1
                if part_end > part_start and text[part_end - 1] == "\r":
                    part_end -= 1
            parts.append(Span(part_start, max(part_start, part_end)))
        nl = text.find("\n", m.end(), end)
        after = end if nl < 0 else nl + 1
        if m.group(1):
            if not parts and part_start is None:
                break
            return Multipart(tuple(parts), True, after)
        part_start = after
    if part_start is None:
        report.fail(
            start,
            f"no delimiter line --{boundary} (RFC 2046 §5.1.1)",
            kind="no-delimiter",
            rule="multipart-body",
            expected=[f"--{boundary}"],
        )
        return Multipart((), False, end)
    report.fail(
        end,
        f"missing close delimiter --{boundary}-- (RFC 2046 §5.1.1)",
        kind="no-close-delimiter",
        rule="close-delimiter",
        expected=[f"--{boundary}--"],
    )
    parts.append(Span(part_start, end))
    return Multipart(tuple(parts), False, end)


@attrs.frozen
class Part:
    """A parsed body part: header fields, media type, where its content is."""

    start: int
    body_start: int
    end: int
    head: HeaderBlock
    type: str
    params: Mapping[str, str]
    cte: str
    cte_offset: int

    @property
    def boundary(self) -> str | None:
        """The boundary parameter of a multipart part."""
        return self.params.get("boundary")


def parse_part(src: MimeSource, span: Span, report: _Collector) -> Part:
    """Read the header section of a body part (RFC 2045, RFC 2046 §5.1)."""
    if span.start < span.end and src.text[span.start] in "\r\n":
        # No header fields: the blank line comes first (RFC 2046 §5.1.1).
        nl = src.text.find("\n", span.start, span.end)
        body_start = span.end if nl < 0 else nl + 1
        head = HeaderBlock((), span.start, body_start, True)
    else:
        head = parse_header_block(src, span.start, report, end=span.end)
    ctf = head.get("content-type")
    ct = content_type(ctf.value) if ctf else ContentType("text/plain", {})
    ctef = head.get("content-transfer-encoding")
    cte = _unfold(ctef.value).strip().lower() if ctef else ""
    return Part(
        span.start,
        min(head.body_start, span.end),
        span.end,
        head,
        ct.type,
        ct.params,
        cte,
        ctef.value_offset if ctef else span.start,
    )


def decode_body(src: MimeSource, part: Part, report: _Collector) -> bytes:
    """The content of ``part`` as octets, Content-Transfer-Encoding undone."""
    data = src.octets(part.body_start, part.end)
    if part.cte == "base64":
        try:
            return base64.b64decode(re.sub(rb"[^A-Za-z0-9+/=]", b"", data) + b"==")
        except (binascii.Error, ValueError):
            report.fail(
                part.body_start,
                "undecodable base64 content (RFC 2045 §6.8)",
                kind="bad-base64",
                rule="base64",
            )
            return data
    if part.cte == "quoted-printable":
        return binascii.a2b_qp(data)
    return data


def shift_defect(defect: Defect, src: MimeSource, base: int) -> Defect:
    """Move a defect found in a part's body (offsets in the body's own unit: octets
    for bytes, characters for str, as the input) to its position in the whole input."""
    offset = base + defect.offset
    line, column = position(src.raw, offset)
    return attrs.evolve(defect, offset=offset, line=line, column=column)


def shift_error(error: ParseError, src: MimeSource, base: int) -> ParseError:
    """Move a body-relative ParseError to its position in the whole input (same type)."""
    offset = base + error.offset
    return type(error).at(src.raw, offset, error.message, rule=error.rule, expected=error.expected)


_BOUNDARY_PARAM = re.compile(r'(?i)(?:^|;)\s*boundary\s*=\s*"?')


def attach_source(model: Any, source: bytes | str, **spans: Any) -> None:
    """Record the parsed input (and spans) on a frozen model: the fields are not
    ``__init__`` arguments, so that ``attrs.evolve`` drops them."""
    object.__setattr__(model, "source", source)
    for name, value in spans.items():
        object.__setattr__(model, name, value)


_BARE_LF = re.compile(rb"(?<!\r)\n")


def to_crlf(data: bytes) -> bytes:
    """``data`` with every bare LF made CRLF (RFC 2046 §4.1.1 canonical form of lines)."""
    return _BARE_LF.sub(b"\r\n", data) if b"\n" in data else data


def to_octets(text: str) -> bytes:
    """UTF-8 octets of ``text``; surrogate escapes (from ``surrogateescape``
    decoding) become their original octets, other lone surrogates are kept as
    UTF-8-style sequences rather than raising."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def check_boundary_param(src: MimeSource, field: Field, boundary: str, report: _Collector) -> None:
    """Fail (strict) or record a defect if the boundary parameter of ``field`` is
    not 1 to 70 bchars (RFC 2046 §5.1.1)."""
    m = _BOUNDARY_PARAM.search(src.text, field.value_offset, field.end)
    check_boundary_at(src, m.end() if m else field.value_offset, boundary, report)


def check_boundary_at(src: MimeSource, offset: int, boundary: str, report: _Collector) -> None:
    """As ``check_boundary_param``, for a boundary whose text starts at ``offset``."""
    if _BCHARS.fullmatch(boundary):
        return
    bad = next((i for i, c in enumerate(boundary) if not _BCHARS.fullmatch(c + "a")), 0)
    report.fail(
        offset + bad,
        f"boundary {boundary!r} is not 1 to 70 bchars (RFC 2046 §5.1.1)",
        kind="boundary-syntax",
        rule="boundary",
        expected=["bcharsnospace"],
    )


def check_boundary(boundary: str) -> None:
    """RFC 2046 §5.1.1: 1 to 70 bchars, not ending with a space."""
    if not _BCHARS.fullmatch(boundary):
        raise SerializeError(f"invalid MIME boundary {boundary!r} (RFC 2046 §5.1.1)")


def check_header(name: str, value: str) -> None:
    """A header field we can write: RFC 5322 field-name, no bare line breaks."""
    if not _FIELD_NAME.fullmatch(name):
        raise SerializeError(f"invalid header field name {name!r} (RFC 5322 §3.6.8)")
    if re.search(r"\r?\n(?![ \t])|\r(?!\n)", value):
        raise SerializeError(f"header field {name} has a line break not followed by WSP")


def quote(value: str) -> str:
    """A MIME parameter value: a token as is, else a quoted-string (RFC 2045 §5.1)."""
    if _SAFE_TOKEN.fullmatch(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_boundary(contents: Sequence[bytes]) -> str:
    """A deterministic boundary that occurs in none of ``contents``."""
    seed = hashlib.sha256(b"\0".join(contents)).hexdigest()
    for i in range(1000):
        candidate = f"msgtrk-{seed[:24]}-{i}" if i else f"msgtrk-{seed[:24]}"
        needle = ("--" + candidate).encode("ascii")
        if not any(needle in c for c in contents):
            return candidate
    raise SerializeError("cannot find a MIME boundary absent from the content")  # pragma: no cover


def write_multipart(
    head: Sequence[tuple[str, str]],
    parts: Sequence[tuple[Sequence[tuple[str, str]], bytes]],
    boundary: str,
) -> bytes:
    """Write a header section and a multipart body with CRLF line ends."""
    check_boundary(boundary)
    delim = b"--" + boundary.encode("ascii")
    for _, content in parts:
        if re.search(rb"(?m)^" + re.escape(delim), content):
            raise SerializeError(f"the boundary {boundary!r} occurs in a part's content")
    out = [write_header(name, value) for name, value in head]
    out.append(b"\r\n")
    for headers, content in parts:
        out.append(delim + b"\r\n")
        out.extend(write_header(name, value) for name, value in headers)
        out.append(b"\r\n")
        out.append(content)
        out.append(b"\r\n")
    out.append(delim + b"--\r\n")
    return b"".join(out)


def write_header(name: str, value: str) -> bytes:
    """One header field line (folding in ``value`` kept as given)."""
    check_header(name, value)
    return f"{name}: {value}\r\n".encode("utf-8", "surrogateescape")

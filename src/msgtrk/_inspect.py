"""``msgtrk inspect FILE``: show a status body, an MTSN or a DSN message.

FILE (``-`` for standard input) is auto-detected as one of:

- a whole DSN message (``multipart/report``, RFC 6522) or any mail message;
- an MTSN (``multipart/related; type="message/tracking-status"``, RFC 3886
  §3), with or without its Content-Type line;
- a bare ``message/delivery-status`` (RFC 3464) or
  ``message/tracking-status`` (RFC 3886) body.

It prints the per-message fields and a per-recipient table (``--json`` for
machine output).  Parsing is strict unless ``--lenient`` is given; bad
input gives exit status 1 and one line ``FILE:LINE:COLUMN: message`` on
standard error (with ``--json``, also an ``{"error": {...}}`` object on
standard output).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

import attrs

from msgtrk import _status
from msgtrk._errors import Defect, ParseError
from msgtrk._mtsn import parse_response
from msgtrk._report import parse_report

__all__ = ["KINDS", "add_arguments", "detect", "run"]

#: What ``--type`` accepts (``auto`` detects).
KINDS = ("auto", "report", "mtsn", "delivery-status", "tracking-status")

_HEADER = re.compile(r"([!-9;-~]+)[ \t]*:")
_DSN_ONLY = re.compile(
    r"(?im)^(?:DSN-Gateway|Received-From-MTA|Diagnostic-Code|Final-Log-ID)[ \t]*:"
)
_TRACKING_ACTION = re.compile(r"(?im)^Action[ \t]*:[ \t]*(?:transferred|opaque)\b")
_STATUS_FIELDS = frozenset(
    {
        "reporting-mta",
        "original-envelope-id",
        "arrival-date",
        "final-recipient",
        "original-recipient",
        "action",
        "status",
        "dsn-gateway",
        "received-from-mta",
    }
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the sub-command's arguments."""
    parser.add_argument("file", metavar="FILE", help="the file to read, '-' for standard input")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="accept what real MTAs send and list each departure as a defect",
    )
    parser.add_argument(
        "--type",
        choices=KINDS,
        default="auto",
        help="what FILE is (default: detect it)",
    )


def detect(data: bytes) -> str:
    """Guess what ``data`` is: ``report``, ``mtsn``, ``delivery-status`` or ``tracking-status``."""
    text = data.decode("latin-1")
    stripped = text.lstrip("\r\n")
    if stripped.startswith("--"):
        return "mtsn"
    names: list[str] = []
    ctype = ""
    for line in text.splitlines():
        if not line.strip():
            break
        if line[:1] in " \t":
            continue
        m = _HEADER.match(line)
        if m is None:
            if not names and line.startswith("From "):
                continue  # an mbox envelope line
            break
        name = m.group(1).lower()
        names.append(name)
        if name == "content-type" and not ctype:
            ctype = line[m.end() :].strip().lower()
    if ctype.startswith("multipart/related"):
        return "mtsn"
    if any(n in _STATUS_FIELDS for n in names[:3]):
        return _body_kind(text)
    return "report"


def _body_kind(text: str) -> str:
    if _TRACKING_ACTION.search(text):
        return "tracking-status"
    if _DSN_ONLY.search(text):
        return "delivery-status"
    blocks = [b for b in re.split(r"\r?\n[ \t]*\r?\n", text) if b.strip()]
    if len(blocks) >= 2:
        first = blocks[0].lower()
        if (
            "original-envelope-id" in first
            and "arrival-date" in first
            and all(re.search(r"(?im)^original-recipient[ \t]*:", b) for b in blocks[1:])
        ):
            return "tracking-status"
    return "delivery-status"


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def run(args: argparse.Namespace) -> int:
    """Run ``msgtrk inspect``; return the exit status."""
    try:
        data = _read(args.file)
    except OSError as exc:
        print(f"msgtrk inspect: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    kind = detect(data) if args.type == "auto" else args.type
    strict = not args.lenient
    try:
        model = _parse(kind, data, strict)
    except ParseError as exc:
        name = "<stdin>" if args.file == "-" else args.file
        hint = "" if args.lenient else " (try --lenient)"
        rule = f" [{exc.rule}]" if exc.rule else ""
        message = exc.message.replace("\n", " ")
        print(
            f"msgtrk inspect: {name}:{exc.line}:{exc.column}: {message}{rule}{hint}",
            file=sys.stderr,
        )
        if args.json:  # machine output stays valid JSON on bad input too
            error = {
                "message": exc.message,
                "line": exc.line,
                "column": exc.column,
                "offset": exc.offset,
                "rule": exc.rule,
                "expected": list(exc.expected or ()),
            }
            print(json.dumps({"file": args.file, "detected": kind, "error": error}, indent=2))
        return 1
    if args.json:
        payload = {"file": args.file, "detected": kind, **model.to_dict()}
        print(json.dumps(payload, indent=2, ensure_ascii=not _unicode_out(), default=str))
    else:
        text = render(kind, model)
        if not _unicode_out():  # e.g. PYTHONIOENCODING=ascii: never a UnicodeEncodeError
            enc = getattr(sys.stdout, "encoding", None) or "ascii"
            text = text.encode(enc, "backslashreplace").decode(enc)
        sys.stdout.write(text)
    return 0


def _unicode_out() -> bool:
    """Whether standard output can take any character (UTF-8 DSNs, RFC 6533)."""
    enc = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "\u00a7\u00e9\u2603\U0001f600".encode(enc)
    except (UnicodeError, LookupError):
        return False
    return True


def _parse(kind: str, data: bytes, strict: bool) -> Any:
    if kind == "report":
        return parse_report(data, strict=strict)
    if kind == "mtsn":
        return parse_response(data, strict=strict)
    if kind == "tracking-status":
        return _status.parse_tracking_status(data, strict=strict)
    return _status.parse_delivery_status(data, strict=strict)


def _table(status: Any) -> str:
    return _status.render_table(attrs.evolve(status, defects=()))


def _defects(defects: tuple[Defect, ...]) -> list[str]:
    if not defects:
        return []
    out = ["", f"{len(defects)} defect(s):"]
    out += [f"  line {d.line}, column {d.column}: {d.kind}: {d.message}" for d in defects]
    return out


def render(kind: str, model: Any) -> str:
    """The plain-text view of a parsed model."""
    out: list[str] = []
    if kind == "report":
        out.append(f"DSN message (multipart/report; report-type={model.report_type})")
        for name in ("From", "To", "Subject", "Date"):
            value = model.header(name)
            if value is not None:
                out.append(f"{name}: {value}")
        if model.returned_type is not None:
            out.append(f"Returned: {model.returned_type}")
        out.append("")
        if model.status is None:
            out.append("(no message/delivery-status part: not an RFC 3464 DSN)")
        else:
            if model.status_from_text:
                out.append("(no RFC 3464 part: read from the text of a qmail bounce)")
            out.append(_table(model.status).rstrip("\n"))
        out += _defects(model.defects)
    elif kind == "mtsn":
        count = len(model.statuses)
        out.append(f"MTSN (multipart/related) with {count} tracking-status part(s)")
        for i, status in enumerate(model.statuses, 1):
            out.append("")
            out.append(f"Part {i}:")
            out.append(_table(status).rstrip("\n"))
        out += _defects(model.defects)
    else:
        out.append(_table(model).rstrip("\n"))
        out += _defects(model.defects)
    return "\n".join(out) + "\n"

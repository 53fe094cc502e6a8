"""Writing the status bodies.

A parsed model is written back as its original text (``raw``, character for
character; for ``bytes`` input that is the input decoded as UTF-8 with
surrogate escapes, so ``.encode("utf-8", "surrogateescape")`` gives the
octets back: the result is always ``str``).  A model built in code (or a group changed with
``attrs.evolve``, which drops ``raw``) is written canonically: CRLF line
ends, ``Name: value``, the fields in the order of the RFC grammar, a blank
line between groups, dates in RFC 5322 form.  Every canonical value is read
back before it is written: a model that would not read back equal raises
:class:`msgtrk.SerializeError`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from msgtrk._errors import ParseError, SerializeError
from msgtrk._status import _fields as fd
from msgtrk._status._models import (
    Action,
    DeliveryStatus,
    ExtensionField,
    TrackingStatus,
)
from msgtrk._status._patterns import check as check_value
from msgtrk._status._text import format_date

__all__ = ["serialize", "serialize_delivery_status", "serialize_tracking_status"]

CRLF = "\r\n"
_ATOM_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-"
)


def serialize(model: DeliveryStatus | TrackingStatus) -> str:
    """The body text of ``model`` as ``str`` (original text if parsed, canonical if built)."""
    if model.raw is not None:
        return model.raw
    from msgtrk._status._validate import check  # noqa: PLC0415

    errors = check(model, errors_only=True)
    if errors:
        raise SerializeError("; ".join(f"{f.message} ({f.section})" for f in errors))
    tracking = isinstance(model, TrackingStatus)
    fmt = fd.TRACKING if tracking else fd.DELIVERY
    utf8 = isinstance(model, DeliveryStatus) and model.is_global
    nl = _newline(model)
    parts = [_group(model.per_message, fmt.per_message, fmt, utf8, nl)]
    parts.extend(_group(r, fmt.recipient, fmt, utf8, nl) for r in model.recipients)
    text = nl.join(parts)
    if not utf8 and not text.isascii():
        raise SerializeError(
            "non-ASCII text needs message/global-delivery-status (RFC 6533 §4.1; "
            "set is_global=True)"
        )
    return text


def serialize_delivery_status(model: DeliveryStatus) -> str:
    """Write a ``message/delivery-status`` body (RFC 3464 §2.1)."""
    if not isinstance(model, DeliveryStatus):
        raise SerializeError(f"expected a DeliveryStatus, got {type(model).__name__}")
    return serialize(model)


def serialize_tracking_status(model: TrackingStatus) -> str:
    """Write a ``message/tracking-status`` body (RFC 3886 §3.1)."""
    if not isinstance(model, TrackingStatus):
        raise SerializeError(f"expected a TrackingStatus, got {type(model).__name__}")
    return serialize(model)


def _newline(model: DeliveryStatus | TrackingStatus) -> str:
    for g in (model.per_message, *model.recipients):
        if g.raw:
            return "\r\n" if "\r\n" in g.raw else "\n"
    return CRLF


def _group(group: Any, table: fd.Group, fmt: fd.Format, utf8: bool, nl: str) -> str:
    raw: str | None = group.raw
    if raw is not None:
        return raw if raw.endswith("\n") else raw + nl
    lines: list[str] = []
    for key, _required in table.sequence:
        spec = table.specs[key]
        value = getattr(group, spec.attr)
        if value is None:
            continue
        if spec.kind == fd.LOCALIZED:
            for item in value:
                lines.append(_field(spec, item, utf8, nl))
        else:
            lines.append(_field(spec, value, utf8, nl))
    other = fmt.recipient if table is fmt.per_message else fmt.per_message
    for ext in group.extensions:
        lines.append(_extension(ext, table, other, utf8, nl))
    return "".join(lines)


def _field(spec: fd.Spec, value: Any, utf8: bool, nl: str) -> str:
    raw = getattr(value, "raw", None)
    if raw is not None:
        return f"{spec.name}:{raw}{nl}"
    text = " " + _format(spec, value)
    _check_reads_back(spec, text, value, utf8)
    return _fold(f"{spec.name}:{text}", nl)


def _format(spec: fd.Spec, value: Any) -> str:
    kind = spec.kind
    if kind == fd.TEXT:
        return str(value)
    if kind == fd.DATE:
        if not isinstance(value, _dt.datetime):
            raise SerializeError(f"{spec.name} must be a datetime")
        try:
            return format_date(value)
        except ValueError as exc:
            raise SerializeError(f"{spec.name}: {exc}") from None
    if kind == fd.ACTION:
        return value.value if isinstance(value, Action) else str(value)
    if kind == fd.STATUS:
        head = str(value.code) if value.code is not None else (value.text or "")
        return head if value.comment is None else f"{head} ({value.comment})"
    if kind == fd.MTA:
        tail = f" ({value.comment})" if value.comment is not None else ""
        return f"{value.type}; {value.name}{tail}"
    if kind == fd.ADDRESS:
        return f"{value.type}; {value.address}"
    if kind == fd.DIAGNOSTIC:
        return f"{value.type}; {value.text}"
    return f"{value.language}; {value.text}"  # LOCALIZED


def _check_reads_back(spec: fd.Spec, text: str, value: Any, utf8: bool) -> None:
    from msgtrk._status._parse import read_value  # noqa: PLC0415

    try:
        back = read_value(spec, text, utf8)  # strict: raises on an invalid value
    except ParseError as exc:
        raise SerializeError(
            f"{spec.name}: {text.strip()!r} is not a valid {spec.rule} value: {exc.message}"
        ) from None
    if back != value:
        raise SerializeError(
            f"{spec.name}: {text.strip()!r} would read back as {back!r}, not {value!r} "
            "(leading or trailing white space, comments, or sub-second times cannot be written)"
        )


def _extension(ext: ExtensionField, table: fd.Group, other: fd.Group, utf8: bool, nl: str) -> str:
    raw = ext.raw
    if raw is not None:
        return f"{ext.name}:{raw}{nl}"
    name = ext.name
    key = name.lower()
    if not name or not set(name) <= _ATOM_CHARS:
        raise SerializeError(f"extension field name {name!r} is not an atom (RFC 3464 §2.4)")
    if key in table.specs or key in other.specs:
        raise SerializeError(f"extension field {name!r} has the name of a defined field")
    text = " " + ext.value if ext.value else ""
    if check_value("extension-field", text, utf8) is not None or ext.value != ext.value.strip(
        " \t"
    ):
        raise SerializeError(f"extension field {name}: value {ext.value!r} cannot be written")
    return _fold(f"{name}:{text}", nl)


MAX_LINE = 998


def _fold(line: str, nl: str) -> str:
    """Fold a line longer than 998 characters at white space (RFC 5322 §2.1.1, §2.2.3).

    Unfolding removes only the inserted line breaks, so the value reads back
    the same.
    """
    if len(line) <= MAX_LINE:
        return line + nl
    out = []
    while len(line) > MAX_LINE:
        cut = max(line.rfind(" ", 1, MAX_LINE), line.rfind("\t", 1, MAX_LINE))
        if cut <= line.find(":"):
            raise SerializeError(
                "a line longer than 998 characters without white space to fold at (RFC 5322 §2.1.1)"
            )
        out.append(line[:cut])
        line = line[cut:]
    out.append(line)
    return nl.join(out) + nl

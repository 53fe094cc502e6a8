"""Standard-library ``email`` integration: a content manager for the status types.

``content_manager`` is a copy of ``email.contentmanager.raw_data_manager``
with handlers added so that, under ``policy`` (``email.policy.default``
with that manager)::

    msg = email.message_from_bytes(data, policy=msgtrk.contentmanager.policy)
    part.get_content()           # message/delivery-status        -> DeliveryStatus
                                 # message/global-delivery-status -> DeliveryStatus
                                 # message/tracking-status        -> TrackingStatus
                                 # multipart/report (DSN)         -> DeliveryReport
                                 # multipart/related (MTSN)       -> TrackingResponse
    part.set_content(model)      # builds the part (or the whole multipart)

``get_content(strict=False)`` parses leniently; the manager's other get
handlers accept and ignore ``strict``, so one call walks a whole DSN.
``register(manager)`` adds the same handlers to a manager of your own.

Limits, because the standard library has already taken the part apart
before a handler sees it (RFC 3464 bodies are parsed as blocks of header
fields; message/tracking-status and message/global-delivery-status as a
nested message/rfc822): the body is rebuilt from what it kept.  Each field
comes back as ``Name: value`` with exactly one space after the colon
(the stdlib drops the white space there); folding, comments, case, field
order, blank lines between groups and lines without a colon are kept.
Positions in errors and defects are those of the rebuilt body.  For exact
bytes and positions, parse the raw message with ``msgtrk.delivery_status.
parse_report`` or ``msgtrk.tracking_status.parse_response`` instead.  When
writing, the stdlib generator refolds header-field lines longer than the
policy's ``max_line_length`` (use ``max_line_length=0`` to keep them).
"""

from __future__ import annotations

import copy
import email.contentmanager
import email.message
import email.parser
import email.policy
from typing import Any

from msgtrk import _status
from msgtrk._mtsn import TrackingResponse, parse_response, serialize_response
from msgtrk._report import DeliveryReport, content_type, parse_report, serialize_report

__all__ = [
    "body_text",
    "content_manager",
    "get_delivery_report",
    "get_delivery_status",
    "get_tracking_response",
    "get_tracking_status",
    "policy",
    "register",
]


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _linesep(texts: list[str]) -> str:
    return "\r\n" if any("\r\n" in t for t in texts) else "\n"


def _raw_payload(msg: email.message.Message) -> Any:
    # get_payload() replaces undecodable octets with U+FFFD; the raw payload keeps
    # them as surrogate escapes, which _encode turns back into the original octets.
    return vars(msg).get("_payload")


def _block_text(block: email.message.Message, nl: str) -> str:
    out = [f"{name}: {value}{nl}" for name, value in block.raw_items()]
    payload = _raw_payload(block)  # the rest of a block after a line without a colon
    if isinstance(payload, str) and payload:
        out.append(payload if payload.endswith("\n") else payload + nl)
    return "".join(out)


def body_text(part: email.message.Message) -> bytes:
    """Rebuild the body of a message/delivery-status, message/global-delivery-status
    or message/tracking-status part as the stdlib parsed it (see the module
    docstring for what cannot be recovered)."""
    payload = _raw_payload(part)
    if isinstance(payload, str):
        return _encode(payload)
    if isinstance(payload, bytes):  # pragma: no cover - never produced by the stdlib parser
        return payload
    items: Any = payload if isinstance(payload, list) else [payload]
    blocks = [b for b in items if isinstance(b, email.message.Message)]
    texts = [v for b in blocks for _, v in b.raw_items()]
    texts += [p for b in blocks if isinstance(p := _raw_payload(b), str)]
    nl = _linesep(texts)
    if part.get_content_type() == "message/delivery-status":
        return _encode(nl.join(_block_text(b, nl) for b in blocks))
    # message/rfc822 treatment: the first block as headers, the rest as the body
    if not blocks:
        return b""
    inner = blocks[0]
    head = "".join(f"{name}: {value}{nl}" for name, value in inner.raw_items())
    rest: Any = _raw_payload(inner)
    if isinstance(rest, list):  # a nested structure: flatten it back
        rest = "".join(m.as_string() for m in rest)
    return _encode(head + nl + (rest or ""))


_DSN_REPORT_TYPES = frozenset({"delivery-status", "global-delivery-status"})


def get_delivery_status(part: email.message.Message, *, strict: bool = True) -> Any:
    """``get_content`` handler: message/(global-)delivery-status -> DeliveryStatus."""
    is_global = part.get_content_type() == "message/global-delivery-status"
    return _status.parse_delivery_status(body_text(part), strict=strict, global_=is_global)


def get_tracking_status(part: email.message.Message, *, strict: bool = True) -> Any:
    """``get_content`` handler: message/tracking-status -> TrackingStatus."""
    return _status.parse_tracking_status(body_text(part), strict=strict)


def get_delivery_report(msg: email.message.Message, *, strict: bool = True) -> DeliveryReport | Any:
    """``get_content`` handler: multipart/report -> DeliveryReport (from the
    message as the stdlib flattens it) when its report-type is a delivery
    status (RFC 3464 §2, RFC 6533); other reports (an MDN, RFC 8098) get the
    raw_data_manager result, as without msgtrk."""
    report_type = content_type(msg.get("Content-Type", "")).params.get("report-type")
    if report_type is not None and report_type.lower() not in _DSN_REPORT_TYPES:
        return email.contentmanager.raw_data_manager.get_content(msg)
    return parse_report(msg, strict=strict)


def get_tracking_response(
    msg: email.message.Message, *, strict: bool = True
) -> TrackingResponse | Any:
    """``get_content`` handler: multipart/related -> TrackingResponse when its
    type parameter names message/tracking-status (else the raw_data_manager
    result)."""
    related = content_type(msg.get("Content-Type", "")).params.get("type", "").lower()
    if related not in {"message/tracking-status", "tracking-status"}:
        return email.contentmanager.raw_data_manager.get_content(msg)
    return parse_response(msg, strict=strict)


def _set_status(msg: email.message.Message, text: str, ctype: str, **kw: Any) -> None:
    nl = msg.policy.linesep
    text = text.replace("\r\n", "\n").replace("\n", nl)
    msg["Content-Type"] = ctype
    if not text.isascii():
        msg["Content-Transfer-Encoding"] = "8bit"
    _common_headers(msg, **kw)
    factory: Any = getattr(msg.policy, "message_factory", None) or email.message.Message
    if ctype == "message/delivery-status":
        parser = email.parser.Parser(_class=factory, policy=msg.policy)
        blocks = [b + nl for b in text.rstrip(nl).split(nl + nl)] if text else []
        msg.set_payload([parser.parsestr(b, headersonly=True) for b in blocks])
    else:
        # the structure the stdlib parser gives other message/* types: one nested
        # message (8-bit octets kept as surrogate escapes, as BytesParser does)
        inner = email.parser.BytesParser(_class=factory, policy=msg.policy)
        msg.set_payload([inner.parsebytes(text.encode("utf-8"))])


def _common_headers(
    msg: email.message.Message,
    *,
    disposition: str | None = None,
    filename: str | None = None,
    cid: str | None = None,
    headers: Any = None,
) -> None:
    if disposition is not None or filename is not None:
        msg["Content-Disposition"] = disposition or "attachment"
        if filename is not None:
            msg.set_param("filename", filename, header="Content-Disposition")
    if cid is not None:
        msg["Content-ID"] = cid
    for header in headers or ():
        name, value = header.split(":", 1) if isinstance(header, str) else header
        msg[name.strip()] = value.strip()


def set_delivery_status(msg: email.message.Message, model: Any, **kw: Any) -> None:
    """``set_content`` handler: DeliveryStatus -> a message/delivery-status part
    (message/global-delivery-status when the text is not ASCII, RFC 6533 §4.1)."""
    text = _status.serialize_delivery_status(model)
    ctype = "message/delivery-status" if text.isascii() else "message/global-delivery-status"
    _set_status(msg, text, ctype, **kw)


def set_tracking_status(msg: email.message.Message, model: Any, **kw: Any) -> None:
    """``set_content`` handler: TrackingStatus -> a message/tracking-status part."""
    _set_status(msg, _status.serialize_tracking_status(model), "message/tracking-status", **kw)


def _set_multipart(msg: email.message.Message, data: bytes) -> None:
    factory: Any = getattr(msg.policy, "message_factory", None) or email.message.Message
    new = email.parser.BytesParser(_class=factory, policy=msg.policy).parsebytes(data)
    for name in list(msg.keys()):
        if name.lower() in ("content-type", "content-transfer-encoding", "mime-version"):
            del msg[name]
    for name, value in new.raw_items():
        if name.lower() in ("content-type", "mime-version") or name not in msg:
            msg.set_raw(name, value)
    msg.set_payload(new.get_payload())
    msg.preamble, msg.epilogue = new.preamble, new.epilogue


def set_delivery_report(msg: email.message.Message, report: DeliveryReport) -> None:
    """``set_content`` handler: DeliveryReport -> the whole multipart/report."""
    _set_multipart(msg, serialize_report(report))


def set_tracking_response(msg: email.message.Message, response: TrackingResponse) -> None:
    """``set_content`` handler: TrackingResponse -> the whole multipart/related MTSN."""
    _set_multipart(msg, serialize_response(response))


def _ignoring_strict(handler: Any) -> Any:
    if getattr(handler, "_msgtrk_ignores_strict", False):
        return handler

    def get(msg: email.message.Message, *args: Any, strict: bool = True, **kw: Any) -> Any:
        return handler(msg, *args, **kw)

    get._msgtrk_ignores_strict = True  # type: ignore[attr-defined]
    return get


def register(manager: email.contentmanager.ContentManager) -> None:
    """Add msgtrk's get and set handlers to ``manager``; its other get handlers
    learn to accept (and ignore) the ``strict`` keyword."""
    handlers: dict[str, Any] = manager.get_handlers  # type: ignore[attr-defined]
    for key, handler in list(handlers.items()):
        handlers[key] = _ignoring_strict(handler)
    manager.add_get_handler("message/delivery-status", get_delivery_status)
    manager.add_get_handler("message/global-delivery-status", get_delivery_status)
    manager.add_get_handler("message/tracking-status", get_tracking_status)
    manager.add_get_handler("multipart/report", get_delivery_report)
    manager.add_get_handler("multipart/related", get_tracking_response)
    manager.add_set_handler(_status.DeliveryStatus, set_delivery_status)
    manager.add_set_handler(_status.TrackingStatus, set_tracking_status)
    manager.add_set_handler(DeliveryReport, set_delivery_report)
    manager.add_set_handler(TrackingResponse, set_tracking_response)


def _make_manager() -> email.contentmanager.ContentManager:
    manager = copy.deepcopy(email.contentmanager.raw_data_manager)
    register(manager)
    return manager


#: ``raw_data_manager`` plus msgtrk's handlers.
content_manager = _make_manager()
#: ``email.policy.default`` using ``content_manager``.
policy = email.policy.default.clone(content_manager=content_manager)

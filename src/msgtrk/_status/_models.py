"""Models of the status bodies: RFC 3464 ``message/delivery-status`` (and RFC 6533
``message/global-delivery-status``) and RFC 3886 ``message/tracking-status``.

Every model is frozen, slotted and keyword-only.  A parsed model also keeps
its original text in ``raw`` (``eq=False``, not an ``__init__`` argument, so
``attrs.evolve`` drops it and the changed part is written canonically).
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from msgtrk._errors import Defect
from msgtrk.status_codes import StatusCode

__all__ = [
    "Action",
    "Address",
    "DeliveryPerMessage",
    "DeliveryRecipient",
    "DeliveryStatus",
    "Diagnostic",
    "ExtensionField",
    "LocalizedDiagnostic",
    "MtaName",
    "Status",
    "TrackingPerMessage",
    "TrackingRecipient",
    "TrackingStatus",
    "trusted",
]

_T = TypeVar("_T", bound=attrs.AttrsInstance)

# Plain-function validators: the parse path builds thousands of these models,
# and a function call is cheaper than the attrs validator objects.


def _is(kind: type | tuple[type, ...], optional: bool) -> Any:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind) and not (optional and value is None):
            raise TypeError(
                f"{attribute.name} must be {kind!r}{' or None' if optional else ''}, "
                f"got {type(value).__name__}"
            )

    return check


def _each(kind: type) -> Any:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        for item in value:
            if not isinstance(item, kind):
                raise TypeError(f"{attribute.name} items must be {kind.__name__}")

    return check


_opt_str = _is(str, True)
_str = _is(str, False)
_opt_date = _is(_dt.datetime, True)


def _raw() -> Any:
    return attrs.field(default=None, init=False, eq=False, repr=False)


def trusted(cls: type[_T]) -> Callable[..., _T]:
    """A keyword-only constructor of the attrs class ``cls`` that runs NO converter or
    validator and also sets the ``init=False`` fields (``raw``, ``source_fields``).

    Only for the parser, whose values are already checked and of the right types:
    the attrs ``__init__`` costs about half of building the models of a body.
    An argument whose default is None, () or False keeps it; every other argument
    (``init=False`` fields too) is required.
    """
    fields = attrs.fields(cls)
    names = [f.name for f in fields]
    setters = {f"_set_{n}": getattr(cls, n).__set__ for n in names}  # the slot descriptors
    defaults = {
        f"_default_{f.name}": f.default
        for f in fields
        if f.init and f.default in (None, (), False)  # not a factory, nor NOTHING
    }
    params = [f"{n}=_default_{n}" if f"_default_{n}" in defaults else n for n in names]
    lines = [f"def make(*, {', '.join(params)}):", "    self = _new(_cls)"]
    lines += [f"    _set_{n}(self, {n})" for n in names]
    lines.append("    return self")
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **setters, **defaults}
    exec("\n".join(lines), scope)  # generated from the field names only
    make: Callable[..., _T] = scope["make"]
    return make


class Action(enum.StrEnum):
    """Action values: RFC 3464 §2.3.3 (first five) and RFC 3886 §3.3.3 (last two).

    Compare case-insensitively: ``Action("FAILED".lower())``.
    """

    FAILED = "failed"  # could not be delivered; no further attempts
    DELAYED = "delayed"  # not yet delivered; still trying (tracking: "it is here")
    DELIVERED = "delivered"  # delivered to the recipient (or a list exploder)
    RELAYED = "relayed"  # passed into an environment without DSNs / tracking
    EXPANDED = "expanded"  # delivered to an alias and forwarded to several addresses
    TRANSFERRED = "transferred"  # RFC 3886: passed to another MTRK-compliant MTA
    OPAQUE = "opaque"  # RFC 3886: may or may not have been seen here

    @property
    def is_tracking_only(self) -> bool:
        """True for the two values RFC 3886 adds (not valid in a DSN)."""
        return self in (Action.TRANSFERRED, Action.OPAQUE)


_ACTIONS = {a.value: a for a in Action}


def action_from_text(text: str) -> Action | str:
    """The :class:`Action` for ``text`` (any case), or ``text`` itself if unknown."""
    return _ACTIONS.get(text.lower(), text)


@attrs.frozen(kw_only=True)
class MtaName:
    """``mta-name-type ";" mta-name`` (RFC 3464 §2.1.2, §2.2.2).

    ``type`` is case-insensitive (compare ``type.lower()``); ``name`` is
    case-sensitive and kept as sent.  For the ``dns`` type a trailing
    parenthesised comment (RFC 3464 §2.2.4: the client's IP address) is
    split into ``comment``.
    """

    type: str = attrs.field(validator=_str)
    name: str = attrs.field(validator=_str)
    comment: str | None = attrs.field(default=None, validator=_opt_str)
    raw: str | None = _raw()

    @classmethod
    def dns(cls, name: str, comment: str | None = None) -> MtaName:
        """An MTA named by its domain name (the ``dns`` type)."""
        return cls(type="dns", name=name, comment=comment)

    def __str__(self) -> str:
        tail = f" ({self.comment})" if self.comment is not None else ""
        return f"{self.type}; {self.name}{tail}"


_ANGLE = re.compile(r"<([^<>]*)>")


@attrs.frozen(kw_only=True)
class Address:
    """``address-type ";" generic-address`` (RFC 3464 §2.3.1-2.3.2, RFC 6533 §3).

    ``address`` is exactly as sent (RFC 3464 §2.3.2: case preserved, never
    "corrected"); :attr:`mailbox` gives the usable mailbox.
    """

    type: str = attrs.field(validator=_str)
    address: str = attrs.field(validator=_str)
    raw: str | None = _raw()

    @classmethod
    def rfc822(cls, address: str) -> Address:
        """An Internet mail address (the ``rfc822`` type)."""
        return cls(type="rfc822", address=address)

    @classmethod
    def utf8(cls, address: str) -> Address:
        """An internationalised address (the ``utf-8`` type, RFC 6533 §3)."""
        return cls(type="utf-8", address=address)

    @property
    def mailbox(self) -> str:
        """The mailbox: angle brackets removed, RFC 6533 ``\\x{HEXPOINT}`` decoded for utf-8.

        An address with an escape that is no valid EmbeddedUnicodeChar (RFC 6533
        §3, the rule of ``msgtrk.esmtp.unitext_decode``) is not decoded at all;
        ``validate()`` warns (``bad-unitext``).
        """
        text = self.address.strip()
        m = _ANGLE.fullmatch(text)
        if m is not None:
            text = m[1].strip()
        if self.type.lower() == "utf-8" and "\\x{" in text:
            from msgtrk._status._text import decode_unitext  # noqa: PLC0415

            text = decode_unitext(text)
        return text

    def __str__(self) -> str:
        return f"{self.type}; {self.address}"


@attrs.frozen(kw_only=True)
class Status:
    """The Status field (RFC 3464 §2.3.4): an RFC 3463 code and an optional comment.

    ``comment`` is the text of the value's comments (RFC 5322 §3.2.2), in
    order and joined by one space when there are several (``5.1.1 (x) (y)``
    gives ``"x y"``); a built Status is written as ``code (comment)``.  The
    parsed text itself is kept (``raw``) and written back unchanged.
    ``code`` is None only for a lenient parse of a value that is not a
    status code (e.g. Apache James' ``unknown``); ``text`` then keeps it.
    """

    code: StatusCode | None = attrs.field(validator=_is(StatusCode, True))
    comment: str | None = attrs.field(default=None, validator=_opt_str)
    text: str | None = attrs.field(default=None, validator=_opt_str)
    raw: str | None = _raw()

    @classmethod
    def of(cls, code: str | StatusCode, comment: str | None = None) -> Status:
        """Build from ``"5.1.1"`` or a :class:`StatusCode`."""
        if isinstance(code, str):
            code = StatusCode.parse(code)
        return cls(code=code, comment=comment)

    @property
    def meaning(self) -> str | None:
        """The registered meaning of the code (RFC 3463 §3), if any."""
        return None if self.code is None else self.code.meaning

    def __str__(self) -> str:
        head = str(self.code) if self.code is not None else (self.text or "")
        return head if self.comment is None else f"{head} ({self.comment})"


_SMTP_CODE = re.compile(r"\s*([2-5][0-9][0-9])(?:[ -]|$)")


@attrs.frozen(kw_only=True)
class Diagnostic:
    """``diagnostic-type ";" *text`` (RFC 3464 §2.3.6); ``text`` is unfolded."""

    type: str = attrs.field(validator=_str)
    text: str = attrs.field(validator=_str)
    raw: str | None = _raw()

    @classmethod
    def smtp(cls, text: str) -> Diagnostic:
        """An SMTP reply (the ``smtp`` type)."""
        return cls(type="smtp", text=text)

    @property
    def smtp_code(self) -> int | None:
        """The 3-digit SMTP reply code at the start of an ``smtp`` diagnostic, if any."""
        if self.type.lower() != "smtp":
            return None
        m = _SMTP_CODE.match(self.text)
        return None if m is None else int(m[1])

    def __str__(self) -> str:
        return f"{self.type}; {self.text}"


@attrs.frozen(kw_only=True)
class LocalizedDiagnostic:
    """``Language-Tag ";" *utf8-text`` (RFC 6533 §4.1 Localized-Diagnostic)."""

    language: str = attrs.field(validator=_str)
    text: str = attrs.field(validator=_str)
    raw: str | None = _raw()


@attrs.frozen(kw_only=True)
class ExtensionField:
    """An extension or unknown field (RFC 3464 §2.4), name as sent, value unfolded."""

    name: str = attrs.field(validator=_str)
    value: str = attrs.field(validator=_str)
    raw: str | None = _raw()


def _extensions(items: Iterable[ExtensionField]) -> tuple[ExtensionField, ...]:
    return tuple(items)


def _localized(items: Iterable[LocalizedDiagnostic]) -> tuple[LocalizedDiagnostic, ...]:
    return tuple(items)


_v_extensions = _each(ExtensionField)
_v_localized = _each(LocalizedDiagnostic)


_action_validator = _is((Action, str), True)


def _action(value: Any) -> Any:
    """Converter: a string naming an action-value (any case) becomes the :class:`Action`;
    other strings (unknown, leniently parsed values) and non-strings stay as given."""
    if type(value) is str:
        return _ACTIONS.get(value.lower(), value)
    return value


_v_mtaname = _is(MtaName, True)
_v_address = _is(Address, True)
_v_status = _is(Status, True)
_v_diagnostic = _is(Diagnostic, True)


@attrs.frozen(kw_only=True)
class DeliveryPerMessage:
    """Per-message DSN fields (RFC 3464 §2.2)."""

    original_envelope_id: str | None = attrs.field(default=None, validator=_opt_str)
    reporting_mta: MtaName | None = attrs.field(default=None, validator=_v_mtaname)
    dsn_gateway: MtaName | None = attrs.field(default=None, validator=_v_mtaname)
    received_from_mta: MtaName | None = attrs.field(default=None, validator=_v_mtaname)
    arrival_date: _dt.datetime | None = attrs.field(default=None, validator=_opt_date)
    extensions: tuple[ExtensionField, ...] = attrs.field(
        default=(), converter=_extensions, validator=_v_extensions
    )
    raw: str | None = _raw()
    source_fields: tuple[tuple[str, int], ...] | None = _raw()


@attrs.frozen(kw_only=True)
class DeliveryRecipient:
    """Per-recipient DSN fields (RFC 3464 §2.3; Localized-Diagnostic: RFC 6533 §4.1)."""

    original_recipient: Address | None = attrs.field(default=None, validator=_v_address)
    final_recipient: Address | None = attrs.field(default=None, validator=_v_address)
    action: Action | str | None = attrs.field(
        default=None, converter=_action, validator=_action_validator
    )
    status: Status | None = attrs.field(default=None, validator=_v_status)
    remote_mta: MtaName | None = attrs.field(default=None, validator=_v_mtaname)
    diagnostic_code: Diagnostic | None = attrs.field(default=None, validator=_v_diagnostic)
    localized_diagnostics: tuple[LocalizedDiagnostic, ...] = attrs.field(
        default=(), converter=_localized, validator=_v_localized
    )
    last_attempt_date: _dt.datetime | None = attrs.field(default=None, validator=_opt_date)
    final_log_id: str | None = attrs.field(default=None, validator=_opt_str)
    will_retry_until: _dt.datetime | None = attrs.field(default=None, validator=_opt_date)
    extensions: tuple[ExtensionField, ...] = attrs.field(
        default=(), converter=_extensions, validator=_v_extensions
    )
    raw: str | None = _raw()
    source_fields: tuple[tuple[str, int], ...] | None = _raw()


@attrs.frozen(kw_only=True)
class TrackingPerMessage:
    """Per-message MTSN fields (RFC 3886 §3.2)."""

    original_envelope_id: str | None = attrs.field(default=None, validator=_opt_str)
    reporting_mta: MtaName | None = attrs.field(default=None, validator=_v_mtaname)
    arrival_date: _dt.datetime | None = attrs.field(default=None, validator=_opt_date)
    extensions: tuple[ExtensionField, ...] = attrs.field(
        default=(), converter=_extensions, validator=_v_extensions
    )
    raw: str | None = _raw()
    source_fields: tuple[tuple[str, int], ...] | None = _raw()


@attrs.frozen(kw_only=True)
class TrackingRecipient:
    """Per-recipient MTSN fields (RFC 3886 §3.3)."""

    original_recipient: Address | None = attrs.field(default=None, validator=_v_address)
    final_recipient: Address | None = attrs.field(default=None, validator=_v_address)
    action: Action | str | None = attrs.field(
        default=None, converter=_action, validator=_action_validator
    )
    status: Status | None = attrs.field(default=None, validator=_v_status)
    remote_mta: MtaName | None = attrs.field(default=None, validator=_v_mtaname)
    last_attempt_date: _dt.datetime | None = attrs.field(default=None, validator=_opt_date)
    will_retry_until: _dt.datetime | None = attrs.field(default=None, validator=_opt_date)
    extensions: tuple[ExtensionField, ...] = attrs.field(
        default=(), converter=_extensions, validator=_v_extensions
    )
    raw: str | None = _raw()
    source_fields: tuple[tuple[str, int], ...] | None = _raw()


def _delivery_recipients(items: Iterable[DeliveryRecipient]) -> tuple[DeliveryRecipient, ...]:
    return tuple(items)


def _tracking_recipients(items: Iterable[TrackingRecipient]) -> tuple[TrackingRecipient, ...]:
    return tuple(items)


def _defect_tuple(items: Iterable[Defect]) -> tuple[Defect, ...]:
    return tuple(items)


_defects = attrs.field(default=(), converter=_defect_tuple, eq=False, validator=_each(Defect))


@attrs.frozen(kw_only=True)
class DeliveryStatus:
    """A ``message/delivery-status`` body (RFC 3464 §2.1).

    ``is_global`` marks ``message/global-delivery-status`` (RFC 6533 §4.1:
    UTF-8 allowed); it describes the media type, not the content, so it is
    not part of equality.
    """

    per_message: DeliveryPerMessage = attrs.field(
        factory=DeliveryPerMessage, validator=_is(DeliveryPerMessage, False)
    )
    recipients: tuple[DeliveryRecipient, ...] = attrs.field(
        default=(), converter=_delivery_recipients, validator=_each(DeliveryRecipient)
    )
    is_global: bool = attrs.field(default=False, eq=False)
    defects: tuple[Defect, ...] = _defects
    raw: str | None = _raw()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (datetimes ISO 8601, enums by value)."""
        from msgtrk._status._convert import to_dict  # noqa: PLC0415

        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeliveryStatus:
        """Rebuild from :meth:`to_dict` output."""
        from msgtrk._status._convert import delivery_from_dict  # noqa: PLC0415

        return delivery_from_dict(data)

    def _repr_html_(self) -> str:
        from msgtrk._status._render import render_html  # noqa: PLC0415

        return render_html(self)


@attrs.frozen(kw_only=True)
class TrackingStatus:
    """A ``message/tracking-status`` body (RFC 3886 §3.1)."""

    per_message: TrackingPerMessage = attrs.field(
        factory=TrackingPerMessage, validator=_is(TrackingPerMessage, False)
    )
    recipients: tuple[TrackingRecipient, ...] = attrs.field(
        default=(), converter=_tracking_recipients, validator=_each(TrackingRecipient)
    )
    defects: tuple[Defect, ...] = _defects
    raw: str | None = _raw()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (datetimes ISO 8601, enums by value)."""
        from msgtrk._status._convert import to_dict  # noqa: PLC0415

        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrackingStatus:
        """Rebuild from :meth:`to_dict` output."""
        from msgtrk._status._convert import tracking_from_dict  # noqa: PLC0415

        return tracking_from_dict(data)

    def _repr_html_(self) -> str:
        from msgtrk._status._render import render_html  # noqa: PLC0415

        return render_html(self)

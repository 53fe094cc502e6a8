"""Semantic checks of the status bodies, each citing its RFC section.

``validate(model)`` returns every finding; strict parsing raises on the
first ``error``-level one; serializing refuses a model with any.
Addresses are checked with email-validator (syntax only, never DNS, cached)
here and only here: the parse path never calls it (it costs ~25 µs per
address, and RFC 3464 §2.3.2 makes a malformed address a warning anyway:
the MTA "MUST report exactly the address received").
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterator
from typing import Any, Literal

import attrs

from msgtrk._errors import position
from msgtrk._status import _fields as fd
from msgtrk._status._models import (
    Action,
    Address,
    DeliveryStatus,
    TrackingStatus,
)
from msgtrk._status._text import bad_unitext

__all__ = ["Finding", "check", "validate"]


@attrs.frozen(kw_only=True)
class Finding:
    """One semantic problem: ``level`` error (a MUST broken) or warning (a SHOULD, or odd)."""

    level: Literal["error", "warning"]
    code: str
    message: str
    section: str
    recipient: int | None = None
    field: str | None = None
    rule: str | None = None
    line: int | None = attrs.field(default=None, eq=False)
    column: int | None = attrs.field(default=None, eq=False)
    offset: int | None = attrs.field(default=None, eq=False)

    def __str__(self) -> str:
        where = "per-message" if self.recipient is None else f"recipient {self.recipient + 1}"
        pos = f" line {self.line}, column {self.column}" if self.line is not None else ""
        return f"{self.level}: {where}{pos}: {self.message} ({self.section})"


Model = DeliveryStatus | TrackingStatus


class _Out:
    __slots__ = ("errors_only", "items", "model", "text")

    def __init__(self, model: Model, errors_only: bool) -> None:
        self.model = model
        self.errors_only = errors_only
        self.items: list[Finding] = []
        self.text = model.raw

    def add(
        self,
        level: Literal["error", "warning"],
        code: str,
        message: str,
        section: str,
        *,
        group: Any,
        recipient: int | None,
        field: str | None,
        rule: str | None = None,
        nth: int = 0,
    ) -> None:
        if self.errors_only and level != "error":
            return
        offset = _offset(group, field, nth)
        line = column = None
        if offset is not None and self.text is not None:
            line, column = position(self.text, offset)
        self.items.append(
            Finding(
                level=level,
                code=code,
                message=message,
                section=section,
                recipient=recipient,
                field=field,
                rule=rule,
                line=line,
                column=column,
                offset=offset,
            )
        )


def _offset(group: Any, field: str | None, nth: int = 0) -> int | None:
    """The offset of the ``nth`` field named ``field`` in a parsed group (else its start)."""
    fields = getattr(group, "source_fields", None)
    if not fields:
        return None
    if field is not None:
        key = field.lower()
        for k, off in fields:
            if k == key:
                if not nth:
                    return int(off)
                nth -= 1
    return int(fields[0][1])


def validate(model: Model) -> tuple[Finding, ...]:
    """Every semantic finding on ``model`` (errors and warnings), each citing its section."""
    return tuple(check(model))


def check(model: Model, *, errors_only: bool = False) -> list[Finding]:
    """The findings; ``errors_only`` skips warnings (and the address checks)."""
    out = _Out(model, errors_only)
    tracking = isinstance(model, TrackingStatus)
    fmt = fd.TRACKING if tracking else fd.DELIVERY
    pm = model.per_message
    # A group parsed strictly has passed the grammar checks (required fields,
    # order, duplicates, aware dates): errors_only skips them there.
    parsed = errors_only and pm.raw is not None
    for key in () if parsed else fmt.per_message.required:
        spec = fmt.per_message.specs[key]
        if getattr(pm, spec.attr) is None:
            out.add(
                "error",
                "missing-field",
                f"required field {spec.name} is missing",
                _required_section(fmt, key, tracking),
                group=pm,
                recipient=None,
                field=None,
                rule=fmt.per_message.rule,
            )
    if not parsed:
        _dates_aware(out, pm, None, fmt.per_message)
        _order(out, pm, None, fmt.per_message)
    if not model.recipients:
        out.add(
            "error",
            "no-recipients",
            "at least one per-recipient group is required",
            fmt.section,
            group=pm,
            recipient=None,
            field=None,
            rule=fmt.rule,
        )
    arrival = pm.arrival_date
    for i, r in enumerate(model.recipients):
        _recipient(out, model, r=r, i=i, fmt=fmt, tracking=tracking, arrival=arrival)
    return out.items


def _required_section(fmt: fd.Format, key: str, tracking: bool) -> str:
    if tracking:
        return {
            "original-envelope-id": "RFC 3886 §3.2.1",
            "reporting-mta": "RFC 3886 §3.2.2",
            "arrival-date": "RFC 3886 §3.2.3",
            "original-recipient": "RFC 3886 §3.3.1",
            "final-recipient": "RFC 3886 §3.3.2",
            "action": "RFC 3886 §3.3.3",
            "status": "RFC 3886 §3.3.4",
        }[key]
    return {
        "reporting-mta": "RFC 3464 §2.2.2",
        "final-recipient": "RFC 3464 §2.3.2",
        "action": "RFC 3464 §2.3.3",
        "status": "RFC 3464 §2.3.4",
    }[key]


def _dates_aware(out: _Out, group: Any, index: int | None, table: fd.Group) -> None:
    for key, spec in table.specs.items():
        if spec.kind != fd.DATE:
            continue
        value = getattr(group, spec.attr)
        if isinstance(value, _dt.datetime) and value.utcoffset() is None:
            out.add(
                "error",
                "naive-date",
                f"{spec.name} has no time zone (numeric zones MUST be used)",
                spec.section,
                group=group,
                recipient=index,
                field=spec.name,
                rule=spec.rule,
            )
        del key


def _order(out: _Out, group: Any, index: int | None, table: fd.Group) -> None:
    fields = getattr(group, "source_fields", None)
    if not fields:
        return
    seen: set[str] = set()
    last = -1
    for key, _off in fields:
        j = table.position.get(key)
        if j is None:
            continue
        spec = table.specs[key]
        if key in seen and key not in fd.REPEATABLE:
            out.add(
                "error",
                "duplicate-field",
                f"{spec.name} appears more than once",
                table.section,
                group=group,
                recipient=index,
                field=spec.name,
                rule=table.rule,
            )
        elif j < last:
            out.add(
                "warning",
                "field-order",
                f"{spec.name} is out of the order of {table.rule}",
                table.section,
                group=group,
                recipient=index,
                field=spec.name,
                rule=table.rule,
            )
        seen.add(key)
        last = max(last, j)


_EXPECTED_CLASS: dict[Action, tuple[int, ...]] = {
    Action.FAILED: (4, 5),
    Action.DELAYED: (4,),
    Action.DELIVERED: (2,),
    Action.EXPANDED: (2,),
    Action.RELAYED: (2,),
    Action.TRANSFERRED: (2,),
}


def _recipient(
    out: _Out,
    model: Model,
    *,
    r: Any,
    i: int,
    fmt: fd.Format,
    tracking: bool,
    arrival: _dt.datetime | None,
) -> None:
    table = fmt.recipient
    parsed = out.errors_only and r.raw is not None
    for key in () if parsed else table.required:
        spec = table.specs[key]
        if getattr(r, spec.attr) is None:
            out.add(
                "error",
                "missing-field",
                f"required field {spec.name} is missing",
                _required_section(fmt, key, tracking),
                group=r,
                recipient=i,
                field=None,
                rule=table.rule,
            )
    if not parsed:
        _dates_aware(out, r, i, table)
        _order(out, r, i, table)
    action = r.action
    status = r.status
    code = None if status is None else status.code
    if isinstance(action, str) and not isinstance(action, Action):
        out.add(
            "error",
            "unknown-action",
            f"Action {action!r} is not an action-value",
            "RFC 3886 §3.3.3" if tracking else "RFC 3464 §2.3.3",
            group=r,
            recipient=i,
            field="Action",
            rule="action-value",
        )
    elif not tracking and isinstance(action, Action) and action.is_tracking_only:
        out.add(
            "error",
            "tracking-action",
            f"Action {action.value!r} exists only in message/tracking-status",
            "RFC 3464 §2.3.3",
            group=r,
            recipient=i,
            field="Action",
            rule="action-value",
        )
    if status is not None and code is None:
        out.add(
            "error",
            "bad-status",
            f"Status {status.text!r} is not a status-code",
            "RFC 3464 §2.3.4",
            group=r,
            recipient=i,
            field="Status",
            rule="status-code",
        )
    # (warnings are not even formatted when only errors are asked for: parse() asks so)
    warn = not out.errors_only
    if code is not None:
        if not code.is_well_formed:
            out.add(
                "error",
                "status-class",
                f"status class {code.klass} is not 2, 4 or 5",
                "RFC 3463 §2",
                group=r,
                recipient=i,
                field="Status",
                rule="status-code",
            )
        if code.subject == 1 and code.detail == 9:
            if action is not Action.RELAYED and (tracking or warn):
                out.add(
                    "error" if tracking else "warning",
                    "x19-not-relayed",
                    f"Status {code} MUST be used exclusively with a relayed Action",
                    "RFC 3886 §3.3.4",
                    group=r,
                    recipient=i,
                    field="Status",
                    rule="status-field",
                )
            elif code.klass != 2 and warn:
                out.add(
                    "warning",
                    "x19-class",
                    f"Status {code} with a relayed Action: 2.1.9 is meant",
                    "RFC 3886 §3.3.4",
                    group=r,
                    recipient=i,
                    field="Status",
                    rule="status-field",
                )
        if warn and isinstance(action, Action):
            expected = _EXPECTED_CLASS.get(action)
            if expected is not None and code.is_well_formed and code.klass not in expected:
                out.add(
                    "warning",
                    "action-status-class",
                    f"Status class {code.klass} with Action {action.value} "
                    f"(expected class {' or '.join(map(str, expected))})",
                    "RFC 3464 §2.3.3, RFC 3463 §2",
                    group=r,
                    recipient=i,
                    field="Status",
                    rule="status-field",
                )
        if warn and code.registered is None:
            out.add(
                "warning",
                "unregistered-status",
                f"status code {code} is not registered",
                "RFC 3463 §2",
                group=r,
                recipient=i,
                field="Status",
                rule="status-code",
            )
    if action is Action.OPAQUE:
        # Only these two MUST NOT appear with opaque; Last-Attempt-Date is merely
        # not REQUIRED then (RFC 3886 §3.3.6).
        for attr, name, section in (
            ("remote_mta", "Remote-MTA", "RFC 3886 §3.3.5"),
            ("will_retry_until", "Will-Retry-Until", "RFC 3886 §3.3.7"),
        ):
            if getattr(r, attr) is not None:
                out.add(
                    "error",
                    "opaque-field",
                    f"{name} MUST NOT be included with an opaque Action",
                    section,
                    group=r,
                    recipient=i,
                    field=name,
                    rule=table.rule,
                )
    elif (
        r.will_retry_until is not None
        and isinstance(action, Action)
        and action is not Action.DELAYED
    ):
        out.add(
            "error",
            "retry-not-delayed",
            f"Will-Retry-Until MUST NOT appear with Action {action.value}",
            "RFC 3886 §3.3.7" if tracking else "RFC 3464 §2.3.9",
            group=r,
            recipient=i,
            field="Will-Retry-Until",
            rule="will-retry-until-field",
        )
    if not tracking:
        _localized(out, model, r, i)
    _addresses(out, model, r, i)
    if out.errors_only:
        return
    if (
        tracking
        and r.remote_mta is not None
        and r.last_attempt_date is None
        and action is not Action.OPAQUE
    ):
        out.add(
            "warning",
            "missing-last-attempt",
            "Last-Attempt-Date is REQUIRED when a delivery attempt was made",
            "RFC 3886 §3.3.6",
            group=r,
            recipient=i,
            field="Remote-MTA",
            rule="last-attempt-date-field",
        )
    last = r.last_attempt_date
    if _before(last, arrival):
        out.add(
            "warning",
            "date-order",
            "Last-Attempt-Date is before Arrival-Date",
            "RFC 3464 §2.2.5",
            group=r,
            recipient=i,
            field="Last-Attempt-Date",
            rule="last-attempt-date-field",
        )
    if _before(r.will_retry_until, last):
        out.add(
            "warning",
            "date-order",
            "Will-Retry-Until is before Last-Attempt-Date",
            "RFC 3464 §2.3.9",
            group=r,
            recipient=i,
            field="Will-Retry-Until",
            rule="will-retry-until-field",
        )


def _before(a: _dt.datetime | None, b: _dt.datetime | None) -> bool:
    if a is None or b is None or a.utcoffset() is None or b.utcoffset() is None:
        return False
    return a < b


def _localized(out: _Out, model: Any, r: Any, i: int) -> None:
    items = r.localized_diagnostics
    if not items:
        return
    tags: set[str] = set()
    for n, item in enumerate(items):
        tag = item.language.lower()
        if tag in tags:
            out.add(
                "error",
                "localized-duplicate",
                f"two Localized-Diagnostic fields with language {item.language}",
                "RFC 6533 §4.1",
                group=r,
                recipient=i,
                field="Localized-Diagnostic",
                rule="localized-diagnostic-text-field",
                nth=n,
            )
        tags.add(tag)
    if r.diagnostic_code is None:
        out.add(
            "warning",
            "localized-without-diagnostic",
            "Localized-Diagnostic without a Diagnostic-Code",
            "RFC 6533 §4.1",
            group=r,
            recipient=i,
            field="Localized-Diagnostic",
            rule="utf-8-per-recipient-fields",
        )


def _addresses(out: _Out, model: Model, r: Any, i: int) -> None:
    is_global = isinstance(model, DeliveryStatus) and model.is_global
    for field, addr in (
        ("Original-Recipient", r.original_recipient),
        ("Final-Recipient", r.final_recipient),
    ):
        if addr is None:
            continue
        if not is_global and not addr.address.isascii():
            out.add(
                "error",
                "utf8-address",
                f"{field} has non-ASCII characters outside message/global-delivery-status "
                "(use the utf-8-addr-xtext form)",
                "RFC 6533 §3",
                group=r,
                recipient=i,
                field=field,
                rule="generic-address",
            )
        if out.errors_only:
            continue
        bad = bad_unitext(addr.address) if addr.type.lower() == "utf-8" else None
        if bad is not None:
            out.add(
                "warning",
                "bad-unitext",
                f"{field} {addr.address!r}: {bad} is not an EmbeddedUnicodeChar (HEXPOINT); "
                "the address is kept undecoded",
                "RFC 6533 §3",
                group=r,
                recipient=i,
                field=field,
                rule="EmbeddedUnicodeChar",
            )
            continue
        problem = _address_problem(addr)
        if problem is not None:
            out.add(
                "warning",
                "bad-address",
                f"{field} {addr.address!r}: {problem}",
                "RFC 3464 §2.3.2" if field == "Final-Recipient" else "RFC 3464 §2.3.1",
                group=r,
                recipient=i,
                field=field,
                rule="generic-address",
            )


def _address_problem(addr: Address) -> str | None:
    typ = addr.type.lower()
    if typ == "rfc822":
        if not addr.mailbox.isascii():
            return "non-ASCII characters in an rfc822 address (use the utf-8 type, RFC 6533 §3)"
        return _email_problem(addr.mailbox, False)
    if typ == "utf-8":
        return _email_problem(addr.mailbox, True)
    return None


@functools.lru_cache(maxsize=4096)
def _email_problem(mailbox: str, smtputf8: bool) -> str | None:
    """email-validator's verdict on the syntax (never DNS), cached."""
    from email_validator import EmailNotValidError, validate_email  # noqa: PLC0415

    try:
        validate_email(
            mailbox,
            check_deliverability=False,
            allow_smtputf8=smtputf8,
            allow_quoted_local=True,
            allow_domain_literal=True,
            globally_deliverable=False,
        )
    except EmailNotValidError as exc:
        return str(exc)
    except Exception as exc:  # a library bug must not escape
        return f"address check failed: {exc}"
    return None


def iter_errors(model: Model) -> Iterator[Finding]:
    """The error-level findings only."""
    return iter(check(model, errors_only=True))

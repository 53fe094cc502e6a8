"""The field tables: which fields each group of each body type has, in which order.

RFC 3464 §2.2-2.3 (``message/delivery-status``; RFC 6533 §4.1 adds
Localized-Diagnostic) and RFC 3886 §3.2-3.3 (``message/tracking-status``).
The required set and the order are data here, so that out-of-order fields
are read as the fields they are (and reported), never silently turned into
extension fields.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "DELIVERY",
    "TRACKING",
    "Format",
    "Spec",
]

# value kinds
TEXT = 0  # *text (envelope-id, final-log-id)
MTA = 1  # mta-name-type ";" mta-name
DATE = 2  # date-time
ADDRESS = 3  # address-type ";" generic-address
ACTION = 4  # action-value
STATUS = 5  # status-code [comment]
DIAGNOSTIC = 6  # diagnostic-type ";" *text
LOCALIZED = 7  # Language-Tag ";" *utf8-text


class Spec(NamedTuple):
    """One known field: its canonical name, model attribute, value kind and ABNF rule."""

    name: str
    attr: str
    kind: int
    rule: str
    section: str


_ALL = {
    s.name.lower(): s
    for s in (
        Spec(
            "Original-Envelope-Id",
            "original_envelope_id",
            TEXT,
            "original-envelope-id-field",
            "RFC 3464 §2.2.1",
        ),
        Spec("Reporting-MTA", "reporting_mta", MTA, "reporting-mta-field", "RFC 3464 §2.2.2"),
        Spec("DSN-Gateway", "dsn_gateway", MTA, "dsn-gateway-field", "RFC 3464 §2.2.3"),
        Spec(
            "Received-From-MTA",
            "received_from_mta",
            MTA,
            "received-from-mta-field",
            "RFC 3464 §2.2.4",
        ),
        Spec("Arrival-Date", "arrival_date", DATE, "arrival-date-field", "RFC 3464 §2.2.5"),
        Spec(
            "Original-Recipient",
            "original_recipient",
            ADDRESS,
            "original-recipient-field",
            "RFC 3464 §2.3.1",
        ),
        Spec(
            "Final-Recipient",
            "final_recipient",
            ADDRESS,
            "final-recipient-field",
            "RFC 3464 §2.3.2",
        ),
        Spec("Action", "action", ACTION, "action-field", "RFC 3464 §2.3.3"),
        Spec("Status", "status", STATUS, "status-field", "RFC 3464 §2.3.4"),
        Spec("Remote-MTA", "remote_mta", MTA, "remote-mta-field", "RFC 3464 §2.3.5"),
        Spec(
            "Diagnostic-Code",
            "diagnostic_code",
            DIAGNOSTIC,
            "diagnostic-code-field",
            "RFC 3464 §2.3.6",
        ),
        Spec(
            "Localized-Diagnostic",
            "localized_diagnostics",
            LOCALIZED,
            "localized-diagnostic-text-field",
            "RFC 6533 §4.1",
        ),
        Spec(
            "Last-Attempt-Date",
            "last_attempt_date",
            DATE,
            "last-attempt-date-field",
            "RFC 3464 §2.3.7",
        ),
        Spec("Final-Log-ID", "final_log_id", TEXT, "final-log-id-field", "RFC 3464 §2.3.8"),
        Spec(
            "Will-Retry-Until",
            "will_retry_until",
            DATE,
            "will-retry-until-field",
            "RFC 3464 §2.3.9",
        ),
    )
}

#: Fields that may repeat within a group.
REPEATABLE = frozenset({"localized-diagnostic"})


class Group(NamedTuple):
    """The fields of one group: sequence (key, required) in printed order, and lookups."""

    rule: str
    section: str
    sequence: tuple[tuple[str, bool], ...]
    specs: dict[str, Spec]
    position: dict[str, int]
    required: tuple[str, ...]
    required_set: frozenset[str]
    info: dict[str, tuple[Spec, int, bool, str, int, str, bool]]
    req_after: tuple[int, ...]


def _group(rule: str, section: str, seq: tuple[tuple[str, bool], ...]) -> Group:
    return Group(
        rule=rule,
        section=section,
        sequence=seq,
        specs={k: _ALL[k] for k, _ in seq},
        position={k: i for i, (k, _) in enumerate(seq)},
        required=tuple(k for k, r in seq if r),
        required_set=frozenset(k for k, r in seq if r),
        info={
            k: (_ALL[k], i, r, _ALL[k].rule, _ALL[k].kind, _ALL[k].attr, k in REPEATABLE)
            for i, (k, r) in enumerate(seq)
        },
        req_after=tuple(
            next((j for j in range(p, len(seq)) if seq[j][1]), len(seq))
            for p in range(len(seq) + 1)
        ),
    )


class Format(NamedTuple):
    """One body type: its start rule and its two group tables."""

    name: str
    rule: str
    section: str
    per_message: Group
    recipient: Group


DELIVERY = Format(
    name="message/delivery-status",
    rule="delivery-status-content",
    section="RFC 3464 §2.1",
    per_message=_group(
        "per-message-fields",
        "RFC 3464 §2.2",
        (
            ("original-envelope-id", False),
            ("reporting-mta", True),
            ("dsn-gateway", False),
            ("received-from-mta", False),
            ("arrival-date", False),
        ),
    ),
    recipient=_group(
        "per-recipient-fields",
        "RFC 3464 §2.3",
        (
            ("original-recipient", False),
            ("final-recipient", True),
            ("action", True),
            ("status", True),
            ("remote-mta", False),
            ("diagnostic-code", False),
            ("localized-diagnostic", False),
            ("last-attempt-date", False),
            ("final-log-id", False),
            ("will-retry-until", False),
        ),
    ),
)

TRACKING = Format(
    name="message/tracking-status",
    rule="tracking-status-content",
    section="RFC 3886 §3.1",
    per_message=_group(
        "per-message-fields",
        "RFC 3886 §3.2",
        (("original-envelope-id", True), ("reporting-mta", True), ("arrival-date", True)),
    ),
    recipient=_group(
        "per-recipient-fields",
        "RFC 3886 §3.3",
        (
            ("original-recipient", True),
            ("final-recipient", True),
            ("action", True),
            ("status", True),
            ("remote-mta", False),
            ("last-attempt-date", False),
            ("will-retry-until", False),
        ),
    ),
)

#: Fields whose repetition in a recipient group means a new group began (lenient).
IDENTITY = frozenset({"original-recipient", "final-recipient"})
#: Per-recipient fields that cannot start the per-message group.
RECIPIENT_ONLY = frozenset({"original-recipient", "final-recipient", "action", "status"})

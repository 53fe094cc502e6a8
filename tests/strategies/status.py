"""Hypothesis strategies for the status models (one per model).

Every strategy draws VALID models (no error-level finding), so that
``parse(serialize(m)) == m`` must hold for each draw.
"""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import strategies as st

from msgtrk._status import (
    Action,
    Address,
    DeliveryPerMessage,
    DeliveryRecipient,
    DeliveryStatus,
    Diagnostic,
    ExtensionField,
    LocalizedDiagnostic,
    MtaName,
    Status,
    TrackingPerMessage,
    TrackingRecipient,
    TrackingStatus,
)
from msgtrk.status_codes import StatusCode

__all__ = [
    "actions",
    "addresses",
    "dates",
    "delivery_per_message",
    "delivery_recipients",
    "delivery_statuses",
    "diagnostics",
    "extension_fields",
    "global_delivery_statuses",
    "localized_diagnostics",
    "mta_names",
    "status_codes",
    "statuses",
    "tracking_per_message",
    "tracking_recipients",
    "tracking_statuses",
]

_PRINTABLE = "".join(chr(c) for c in range(0x21, 0x7F))
_NO_PARENS = _PRINTABLE.replace("(", "").replace(")", "")
_CTEXT = _NO_PARENS.replace("\\", "")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def _words(alphabet: str, max_words: int = 5) -> st.SearchStrategy[str]:
    word = st.text(alphabet=alphabet, min_size=1, max_size=12)
    return st.lists(word, min_size=1, max_size=max_words).map(" ".join)


texts = _words(_NO_PARENS)
"""RFC 3464 *text without leading/trailing white space or parentheses."""
free_texts = _words(_PRINTABLE)
"""*text that may contain parentheses (kept verbatim)."""
atoms = st.builds(
    lambda a, b: a + b,
    st.sampled_from(_ALNUM + "ABCXYZ"),
    st.text(alphabet=_ALNUM + "ABCXYZ-", max_size=9),
)
domains = st.lists(st.text(alphabet=_ALNUM, min_size=1, max_size=10), min_size=1, max_size=4).map(
    ".".join
)
_comment = _words(_CTEXT, 4)
_mailbox = st.builds(
    lambda local, dom, tld: f"{local}@{dom}.{tld}",
    st.text(alphabet=_ALNUM + "._+-", min_size=1, max_size=12).filter(
        lambda s: not s.startswith(".") and not s.endswith(".") and ".." not in s
    ),
    st.text(alphabet=_ALNUM, min_size=1, max_size=10),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=6),
)

dates = st.builds(
    lambda d, minutes: d.replace(microsecond=0, tzinfo=dt.timezone(dt.timedelta(minutes=minutes))),
    st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2099, 12, 31)),
    st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59),
)
"""Timezone-aware datetimes, whole seconds, numeric zones (RFC 3464 §2.2.5)."""

mta_names = st.one_of(
    st.builds(MtaName, type=st.just("dns"), name=domains, comment=st.none() | _comment),
    st.builds(MtaName, type=atoms.filter(lambda t: t.lower() != "dns"), name=texts),
)
addresses = st.one_of(
    st.builds(Address, type=st.just("rfc822"), address=_mailbox),
    st.builds(Address, type=atoms, address=free_texts),
)
status_codes = st.builds(
    StatusCode,
    klass=st.sampled_from([2, 4, 5]),
    subject=st.integers(0, 999),
    detail=st.integers(0, 999),
)
statuses = st.builds(Status, code=status_codes, comment=st.none() | _comment)
diagnostics = st.builds(Diagnostic, type=atoms, text=free_texts)
localized_diagnostics = st.builds(
    LocalizedDiagnostic,
    language=st.sampled_from(["en", "de", "fr-CA", "ja", "i-default", "zh-Hant"]),
    text=texts,
)
extension_fields = st.builds(
    ExtensionField,
    name=st.text(alphabet=_ALNUM + "ABCXYZ-", min_size=1, max_size=12).map("X-".__add__),
    value=st.just("") | free_texts,
)
actions = st.sampled_from(list(Action))


def _fix(r: DeliveryRecipient | TrackingRecipient) -> DeliveryRecipient | TrackingRecipient:
    """Adjust a drawn recipient so that it has no error-level finding."""
    changes: dict[str, object] = {}
    code = r.status.code if r.status is not None else None
    if (
        code is not None
        and code.subject == 1
        and code.detail == 9
        and r.action is not Action.RELAYED
    ):
        changes["status"] = attrs.evolve(
            r.status, code=StatusCode(klass=code.klass, subject=1, detail=0)
        )
    if r.action is Action.OPAQUE:
        changes.update(remote_mta=None, last_attempt_date=None, will_retry_until=None)
    elif r.action is not Action.DELAYED:
        changes["will_retry_until"] = None
    return attrs.evolve(r, **changes) if changes else r


def _unique_languages(items: list[LocalizedDiagnostic]) -> tuple[LocalizedDiagnostic, ...]:
    seen: dict[str, LocalizedDiagnostic] = {}
    for item in items:
        seen.setdefault(item.language.lower(), item)
    return tuple(seen.values())


delivery_per_message = st.builds(
    DeliveryPerMessage,
    original_envelope_id=st.none() | free_texts,
    reporting_mta=mta_names,
    dsn_gateway=st.none() | mta_names,
    received_from_mta=st.none() | mta_names,
    arrival_date=st.none() | dates,
    extensions=st.lists(extension_fields, max_size=2),
)


@st.composite
def delivery_recipients(draw: st.DrawFn, *, utf8: bool = False) -> DeliveryRecipient:
    """A valid RFC 3464 per-recipient group (RFC 6533 fields when ``utf8``)."""
    diag = draw(st.none() | diagnostics)
    localized: tuple[LocalizedDiagnostic, ...] = ()
    if utf8 and diag is not None:
        localized = _unique_languages(draw(st.lists(localized_diagnostics, max_size=2)))
    final = draw(addresses)
    if utf8 and draw(st.booleans()):
        final = Address(
            type="utf-8",
            address=draw(st.sampled_from(["jöran@例え.jp", "δοκιμή@παράδειγμα.δοκιμή", "ü@x.de"])),
        )
    r = DeliveryRecipient(
        original_recipient=draw(st.none() | addresses),
        final_recipient=final,
        action=draw(st.sampled_from([a for a in Action if not a.is_tracking_only])),
        status=draw(statuses),
        remote_mta=draw(st.none() | mta_names),
        diagnostic_code=diag,
        localized_diagnostics=localized,
        last_attempt_date=draw(st.none() | dates),
        final_log_id=draw(st.none() | texts),
        will_retry_until=draw(st.none() | dates),
        extensions=draw(st.lists(extension_fields, max_size=2)),
    )
    fixed = _fix(r)
    assert isinstance(fixed, DeliveryRecipient)
    return fixed


delivery_statuses = st.builds(
    DeliveryStatus,
    per_message=delivery_per_message,
    recipients=st.lists(delivery_recipients(), min_size=1, max_size=4),
)
global_delivery_statuses = st.builds(
    DeliveryStatus,
    per_message=delivery_per_message,
    recipients=st.lists(delivery_recipients(utf8=True), min_size=1, max_size=3),
    is_global=st.just(True),
)

tracking_per_message = st.builds(
    TrackingPerMessage,
    original_envelope_id=free_texts,
    reporting_mta=mta_names,
    arrival_date=dates,
    extensions=st.lists(extension_fields, max_size=2),
)


@st.composite
def tracking_recipients(draw: st.DrawFn) -> TrackingRecipient:
    """A valid RFC 3886 per-recipient group."""
    r = TrackingRecipient(
        original_recipient=draw(addresses),
        final_recipient=draw(addresses),
        action=draw(actions),
        status=draw(statuses),
        remote_mta=draw(st.none() | mta_names),
        last_attempt_date=draw(st.none() | dates),
        will_retry_until=draw(st.none() | dates),
        extensions=draw(st.lists(extension_fields, max_size=2)),
    )
    fixed = _fix(r)
    assert isinstance(fixed, TrackingRecipient)
    return fixed


tracking_statuses = st.builds(
    TrackingStatus,
    per_message=tracking_per_message,
    recipients=st.lists(tracking_recipients(), min_size=1, max_size=4),
)

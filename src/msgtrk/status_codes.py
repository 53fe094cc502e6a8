"""Enhanced Mail System Status Codes: the RFC 3463 registry, with X.1.9 (RFC 3886 §3.3.4).

A status code is ``class "." subject "." detail`` (RFC 3463 §2): the class
says whether the attempt succeeded (2), failed for now (4) or for good (5);
the subject says where the trouble lies; the detail names the condition.

>>> code = StatusCode.parse("5.1.1")
>>> code.klass, code.meaning
(<StatusClass.PERMANENT_FAILURE: 5>, 'Bad destination mailbox address')
"""

from __future__ import annotations

import enum
import re

import attrs

from msgtrk._errors import ParseError

__all__ = [
    "RegisteredCode",
    "StatusClass",
    "StatusCode",
    "Subject",
]


class StatusClass(enum.IntEnum):
    """The class sub-code (RFC 3463 §2)."""

    SUCCESS = 2  # 2.XXX.XXX Success: a positive delivery action
    PERSISTENT_TRANSIENT_FAILURE = 4  # 4.XXX.XXX Persistent Transient Failure: may succeed later
    PERMANENT_FAILURE = 5  # 5.XXX.XXX Permanent Failure: resending as is will not help

    @property
    def title(self) -> str:
        """The RFC 3463 §2 title of the class."""
        return _CLASS_TITLES[self]


_CLASS_TITLES = {
    StatusClass.SUCCESS: "Success",
    StatusClass.PERSISTENT_TRANSIENT_FAILURE: "Persistent Transient Failure",
    StatusClass.PERMANENT_FAILURE: "Permanent Failure",
}


class Subject(enum.IntEnum):
    """The subject sub-code (RFC 3463 §2)."""

    OTHER = 0  # X.0.XXX Other or Undefined Status
    ADDRESSING = 1  # X.1.XXX Addressing Status
    MAILBOX = 2  # X.2.XXX Mailbox Status
    MAIL_SYSTEM = 3  # X.3.XXX Mail System Status
    NETWORK_ROUTING = 4  # X.4.XXX Network and Routing Status
    MAIL_DELIVERY_PROTOCOL = 5  # X.5.XXX Mail Delivery Protocol Status
    MESSAGE_CONTENT_MEDIA = 6  # X.6.XXX Message Content or Media Status
    SECURITY_POLICY = 7  # X.7.XXX Security or Policy Status

    @property
    def title(self) -> str:
        """The RFC 3463 §2 title of the subject."""
        return _SUBJECT_TITLES[self]


_SUBJECT_TITLES = {
    Subject.OTHER: "Other or Undefined Status",
    Subject.ADDRESSING: "Addressing Status",
    Subject.MAILBOX: "Mailbox Status",
    Subject.MAIL_SYSTEM: "Mail System Status",
    Subject.NETWORK_ROUTING: "Network and Routing Status",
    Subject.MAIL_DELIVERY_PROTOCOL: "Mail Delivery Protocol Status",
    Subject.MESSAGE_CONTENT_MEDIA: "Message Content or Media Status",
    Subject.SECURITY_POLICY: "Security or Policy Status",
}


class RegisteredCode(enum.Enum):
    """Every subject.detail pair registered by RFC 3463 §3.1-3.8, plus X.1.9 (RFC 3886 §3.3.4).

    The value is the ``X.s.d`` text; ``title`` is the §3 heading (where
    Appendix A words a title differently, §3 is taken) and ``section`` the
    defining section.
    """

    X_0_0 = "X.0.0"  # Other undefined Status (§3.1)
    X_1_0 = "X.1.0"  # Other address status (§3.2)
    X_1_1 = "X.1.1"  # Bad destination mailbox address
    X_1_2 = "X.1.2"  # Bad destination system address
    X_1_3 = "X.1.3"  # Bad destination mailbox address syntax
    X_1_4 = "X.1.4"  # Destination mailbox address ambiguous
    X_1_5 = "X.1.5"  # Destination address valid
    X_1_6 = "X.1.6"  # Destination mailbox has moved, No forwarding address
    X_1_7 = "X.1.7"  # Bad sender's mailbox address syntax
    X_1_8 = "X.1.8"  # Bad sender's system address
    X_1_9 = "X.1.9"  # Message relayed to non-compliant mailer (RFC 3886 §3.3.4)
    X_2_0 = "X.2.0"  # Other or undefined mailbox status (§3.3)
    X_2_1 = "X.2.1"  # Mailbox disabled, not accepting messages
    X_2_2 = "X.2.2"  # Mailbox full
    X_2_3 = "X.2.3"  # Message length exceeds administrative limit
    X_2_4 = "X.2.4"  # Mailing list expansion problem
    X_3_0 = "X.3.0"  # Other or undefined mail system status (§3.4)
    X_3_1 = "X.3.1"  # Mail system full
    X_3_2 = "X.3.2"  # System not accepting network messages
    X_3_3 = "X.3.3"  # System not capable of selected features
    X_3_4 = "X.3.4"  # Message too big for system
    X_3_5 = "X.3.5"  # System incorrectly configured (in §3.4, missing from Appendix A)
    X_4_0 = "X.4.0"  # Other or undefined network or routing status (§3.5)
    X_4_1 = "X.4.1"  # No answer from host
    X_4_2 = "X.4.2"  # Bad connection
    X_4_3 = "X.4.3"  # Directory server failure (Appendix A: "Routing server failure")
    X_4_4 = "X.4.4"  # Unable to route
    X_4_5 = "X.4.5"  # Mail system congestion (Appendix A: "Network congestion")
    X_4_6 = "X.4.6"  # Routing loop detected
    X_4_7 = "X.4.7"  # Delivery time expired
    X_5_0 = "X.5.0"  # Other or undefined protocol status (§3.6)
    X_5_1 = "X.5.1"  # Invalid command
    X_5_2 = "X.5.2"  # Syntax error
    X_5_3 = "X.5.3"  # Too many recipients
    X_5_4 = "X.5.4"  # Invalid command arguments
    X_5_5 = "X.5.5"  # Wrong protocol version
    X_6_0 = "X.6.0"  # Other or undefined media error (§3.7)
    X_6_1 = "X.6.1"  # Media not supported
    X_6_2 = "X.6.2"  # Conversion required and prohibited
    X_6_3 = "X.6.3"  # Conversion required but not supported
    X_6_4 = "X.6.4"  # Conversion with loss performed
    X_6_5 = "X.6.5"  # Conversion Failed
    X_7_0 = "X.7.0"  # Other or undefined security status (§3.8)
    X_7_1 = "X.7.1"  # Delivery not authorized, message refused
    X_7_2 = "X.7.2"  # Mailing list expansion prohibited
    X_7_3 = "X.7.3"  # Security conversion required but not possible
    X_7_4 = "X.7.4"  # Security features not supported
    X_7_5 = "X.7.5"  # Cryptographic failure
    X_7_6 = "X.7.6"  # Cryptographic algorithm not supported
    X_7_7 = "X.7.7"  # Message integrity failure

    @property
    def subject(self) -> int:
        """The subject sub-code."""
        return int(self.value.split(".")[1])

    @property
    def detail(self) -> int:
        """The detail sub-code."""
        return int(self.value.split(".")[2])

    @property
    def title(self) -> str:
        """The registered title."""
        return _TITLES[self.value][0]

    @property
    def section(self) -> str:
        """The RFC section that defines the code."""
        return _TITLES[self.value][1]

    @classmethod
    def lookup(cls, subject: int, detail: int) -> RegisteredCode | None:
        """The registered code for ``subject.detail``, or None."""
        return _BY_PAIR.get((subject, detail))


_TITLES: dict[str, tuple[str, str]] = {
    "X.0.0": ("Other undefined Status", "RFC 3463 §3.1"),
    "X.1.0": ("Other address status", "RFC 3463 §3.2"),
    "X.1.1": ("Bad destination mailbox address", "RFC 3463 §3.2"),
    "X.1.2": ("Bad destination system address", "RFC 3463 §3.2"),
    "X.1.3": ("Bad destination mailbox address syntax", "RFC 3463 §3.2"),
    "X.1.4": ("Destination mailbox address ambiguous", "RFC 3463 §3.2"),
    "X.1.5": ("Destination address valid", "RFC 3463 §3.2"),
    "X.1.6": ("Destination mailbox has moved, No forwarding address", "RFC 3463 §3.2"),
    "X.1.7": ("Bad sender's mailbox address syntax", "RFC 3463 §3.2"),
    "X.1.8": ("Bad sender's system address", "RFC 3463 §3.2"),
    "X.1.9": ("Message relayed to non-compliant mailer", "RFC 3886 §3.3.4"),
    "X.2.0": ("Other or undefined mailbox status", "RFC 3463 §3.3"),
    "X.2.1": ("Mailbox disabled, not accepting messages", "RFC 3463 §3.3"),
    "X.2.2": ("Mailbox full", "RFC 3463 §3.3"),
    "X.2.3": ("Message length exceeds administrative limit", "RFC 3463 §3.3"),
    "X.2.4": ("Mailing list expansion problem", "RFC 3463 §3.3"),
    "X.3.0": ("Other or undefined mail system status", "RFC 3463 §3.4"),
    "X.3.1": ("Mail system full", "RFC 3463 §3.4"),
    "X.3.2": ("System not accepting network messages", "RFC 3463 §3.4"),
    "X.3.3": ("System not capable of selected features", "RFC 3463 §3.4"),
    "X.3.4": ("Message too big for system", "RFC 3463 §3.4"),
    "X.3.5": ("System incorrectly configured", "RFC 3463 §3.4"),
    "X.4.0": ("Other or undefined network or routing status", "RFC 3463 §3.5"),
    "X.4.1": ("No answer from host", "RFC 3463 §3.5"),
    "X.4.2": ("Bad connection", "RFC 3463 §3.5"),
    "X.4.3": ("Directory server failure", "RFC 3463 §3.5"),
    "X.4.4": ("Unable to route", "RFC 3463 §3.5"),
    "X.4.5": ("Mail system congestion", "RFC 3463 §3.5"),
    "X.4.6": ("Routing loop detected", "RFC 3463 §3.5"),
    "X.4.7": ("Delivery time expired", "RFC 3463 §3.5"),
    "X.5.0": ("Other or undefined protocol status", "RFC 3463 §3.6"),
    "X.5.1": ("Invalid command", "RFC 3463 §3.6"),
    "X.5.2": ("Syntax error", "RFC 3463 §3.6"),
    "X.5.3": ("Too many recipients", "RFC 3463 §3.6"),
    "X.5.4": ("Invalid command arguments", "RFC 3463 §3.6"),
    "X.5.5": ("Wrong protocol version", "RFC 3463 §3.6"),
    "X.6.0": ("Other or undefined media error", "RFC 3463 §3.7"),
    "X.6.1": ("Media not supported", "RFC 3463 §3.7"),
    "X.6.2": ("Conversion required and prohibited", "RFC 3463 §3.7"),
    "X.6.3": ("Conversion required but not supported", "RFC 3463 §3.7"),
    "X.6.4": ("Conversion with loss performed", "RFC 3463 §3.7"),
    "X.6.5": ("Conversion Failed", "RFC 3463 §3.7"),
    "X.7.0": ("Other or undefined security status", "RFC 3463 §3.8"),
    "X.7.1": ("Delivery not authorized, message refused", "RFC 3463 §3.8"),
    "X.7.2": ("Mailing list expansion prohibited", "RFC 3463 §3.8"),
    "X.7.3": ("Security conversion required but not possible", "RFC 3463 §3.8"),
    "X.7.4": ("Security features not supported", "RFC 3463 §3.8"),
    "X.7.5": ("Cryptographic failure", "RFC 3463 §3.8"),
    "X.7.6": ("Cryptographic algorithm not supported", "RFC 3463 §3.8"),
    "X.7.7": ("Message integrity failure", "RFC 3463 §3.8"),
}

_BY_PAIR: dict[tuple[int, int], RegisteredCode] = {
    (int(m.value.split(".")[1]), int(m.value.split(".")[2])): m for m in RegisteredCode
}

# RFC 3463 §2: status-code = class "." subject "." detail, 1*3digit sub-codes.
# RFC 3464 §2.3.4 allows any DIGIT as class; the class set is checked apart.
_CODE = re.compile(r"([0-9])\.([0-9]{1,3})\.([0-9]{1,3})")


def _sub_code(_inst: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or not 0 <= value <= 999:
        raise ValueError(f"{attribute.name} must be an int 0..999, got {value!r}")


@attrs.frozen(kw_only=True)
class StatusCode:
    """One enhanced status code ``class.subject.detail`` (RFC 3463 §2).

    ``klass`` is the raw class digit (an ``int``); :attr:`status_class` gives
    the :class:`StatusClass` when it is 2, 4 or 5.  ``text`` keeps the
    spelling :meth:`parse` read (``"5.01.1"``); it does not take part in
    equality.
    """

    klass: int = attrs.field(validator=_sub_code)
    subject: int = attrs.field(validator=_sub_code)
    detail: int = attrs.field(validator=_sub_code)
    text: str | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def parse(cls, text: str) -> StatusCode:
        """Parse ``"5.1.1"`` (RFC 3463 §2); raise :class:`msgtrk.ParseError` if malformed.

        Leading zeros and classes other than 2, 4, 5 are syntax the RFC 3464
        grammar accepts; :attr:`is_well_formed` tells them apart.
        """
        m = _CODE.fullmatch(text)
        if m is None:
            raise ParseError.at(
                text,
                _first_bad(text),
                f"not a status code: {text!r}",
                rule="status-code",
                expected=["DIGIT", '"."'],
            )
        return cls(klass=int(m[1]), subject=int(m[2]), detail=int(m[3]), text=text)

    @classmethod
    def of(cls, klass: int, subject: int, detail: int) -> StatusCode:
        """Build a code from its three sub-codes."""
        return cls(klass=klass, subject=subject, detail=detail)

    def __str__(self) -> str:
        if self.text is not None:
            return self.text
        return f"{self.klass}.{self.subject}.{self.detail}"

    @property
    def status_class(self) -> StatusClass | None:
        """The class as a :class:`StatusClass`, or None for a class RFC 3463 does not define."""
        try:
            return StatusClass(self.klass)
        except ValueError:
            return None

    @property
    def is_well_formed(self) -> bool:
        """True when the class is 2, 4 or 5 and no sub-code has a leading zero (RFC 3463 §2)."""
        if self.klass not in (2, 4, 5):
            return False
        return self.text is None or self.text == f"{self.klass}.{self.subject}.{self.detail}"

    @property
    def registered(self) -> RegisteredCode | None:
        """The registry entry for the subject and detail, or None if unregistered."""
        return _BY_PAIR.get((self.subject, self.detail))

    @property
    def meaning(self) -> str | None:
        """The registered title of ``X.subject.detail`` (RFC 3463 §3), or None."""
        entry = _BY_PAIR.get((self.subject, self.detail))
        return None if entry is None else entry.title

    @property
    def subject_meaning(self) -> str | None:
        """The title of the subject sub-code (RFC 3463 §2), or None if unknown."""
        try:
            return Subject(self.subject).title
        except ValueError:
            return None

    @property
    def class_meaning(self) -> str | None:
        """The title of the class (RFC 3463 §2), or None if not 2, 4 or 5."""
        klass = self.status_class
        return None if klass is None else klass.title

    @property
    def description(self) -> str:
        """A one-line human description: class, then the most precise meaning known.

        RFC 3463 §2: a client reports the subject when the detail is unknown.
        """
        klass = self.class_meaning or f"class {self.klass}"
        what = self.meaning or self.subject_meaning or "unknown subject"
        return f"{klass}: {what}"


def _first_bad(text: str) -> int:
    """Offset of the first character where ``text`` stops being a status code."""
    i = 0
    n = len(text)
    for part, limit in ((0, 1), (1, 3), (2, 3)):
        start = i
        while i < n and text[i].isdigit() and text[i].isascii() and i - start < limit:
            i += 1
        if i == start:
            return i
        if part < 2:
            if i >= n or text[i] != ".":
                return i
            i += 1
    return i

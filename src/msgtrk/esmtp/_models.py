"""Models of the MAIL and RCPT command lines and their parameters.

RFC 5321 §4.1.1.2, §4.1.1.3, §4.1.2; RFC 3461 §4; RFC 3885 §3; RFC 6533 §3.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, ClassVar, TypeAlias

import attrs

from msgtrk._errors import Defect, SerializeError
from msgtrk.esmtp._rules import pattern

__all__ = [
    "MAIL_TYPED",
    "RCPT_TYPED",
    "EnvidParam",
    "ExtensionParam",
    "InvalidParam",
    "MailCommand",
    "MailParam",
    "Mailbox",
    "MtrkParam",
    "Notify",
    "NotifyParam",
    "OrcptParam",
    "RcptCommand",
    "RcptParam",
    "Ret",
    "RetParam",
    "check_unique",
]


class Ret(enum.Enum):
    """Values of the RET parameter of MAIL (RFC 3461 §4.3)."""

    FULL = "FULL"  # return the whole message in a failure DSN
    HDRS = "HDRS"  # return only the headers


class Notify(enum.Enum):
    """Values of the NOTIFY parameter of RCPT (RFC 3461 §4.1)."""

    NEVER = "NEVER"  # no DSN under any condition; MUST appear alone
    SUCCESS = "SUCCESS"  # DSN on successful delivery
    FAILURE = "FAILURE"  # DSN on delivery failure
    DELAY = "DELAY"  # "delayed" DSNs are welcome


def _check(rule: str, what: str) -> Any:
    """An attrs validator: the value fully matches the pattern of ABNF ``rule``."""

    def validate(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise SerializeError(f"{attr.name} must be a str, not {type(value).__name__}")
        if pattern(rule).fullmatch(value) is None:
            raise SerializeError(f"{what} {value!r} does not match ABNF rule {rule}")

    return validate


def _upper(value: str) -> str:
    return value.upper()


@attrs.frozen(kw_only=True)
class Mailbox:
    """A mailbox of a path (RFC 5321 §4.1.2; RFC 6531 §3.3 for UTF-8).

    ``local_part`` is the unquoted local part (quoted forms are equivalent,
    §4.1.2); ``domain`` is a domain name or an address literal with its
    brackets; it is ``None`` only for ``RCPT TO:<Postmaster>`` (§4.1.1.3).
    """

    local_part: str = attrs.field(validator=attrs.validators.instance_of(str))
    domain: str | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(str))
    )

    def __attrs_post_init__(self) -> None:
        if self.domain is None:
            if self.local_part.upper() != "POSTMASTER":
                raise SerializeError("only <Postmaster> may have no domain (RFC 5321 §4.1.1.3)")
            return
        if (
            pattern("Domain").fullmatch(self.domain) is None
            and pattern("address-literal").fullmatch(self.domain) is None
        ):
            raise SerializeError(f"domain {self.domain!r} is neither Domain nor address-literal")
        if pattern("Local-part").fullmatch(self.quoted_local_part) is None:
            raise SerializeError(f"local part {self.local_part!r} cannot be written")

    @classmethod
    def from_string(cls, address: str) -> Mailbox:
        """Read ``local@domain`` (the local part may be quoted, RFC 5321 §4.1.2)."""
        from msgtrk.esmtp._parse import parse_mailbox  # noqa: PLC0415

        return parse_mailbox(address)

    @property
    def is_postmaster(self) -> bool:
        """True for the special ``<Postmaster>`` recipient (RFC 5321 §4.1.1.3)."""
        return self.domain is None

    @property
    def quoted_local_part(self) -> str:
        """The local part with the minimum quoting (RFC 5321 §4.1.2)."""
        lp = self.local_part
        if lp and pattern("Dot-string").fullmatch(lp) is not None:
            return lp
        return '"' + lp.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def __str__(self) -> str:
        if self.domain is None:
            return self.local_part
        return f"{self.quoted_local_part}@{self.domain}"


def _to_mailbox(value: Mailbox | str) -> Mailbox:
    return Mailbox.from_string(value) if isinstance(value, str) else value


def _to_optional_mailbox(value: Mailbox | str | None) -> Mailbox | None:
    if value is None or value in ("", "<>"):
        return None
    return _to_mailbox(value)


@attrs.frozen(kw_only=True)
class MtrkParam:
    """``MTRK=certifier[:timeout]`` (RFC 3885 §3.1).

    ``certifier`` is base64 of SHA1(A) (27 characters unpadded, §3.2);
    ``timeout`` the seconds the tracking data should be kept (1*9DIGIT).
    """

    keyword: ClassVar[str] = "MTRK"
    certifier: str = attrs.field(validator=_check("mtrk-certifier", "certifier"))
    timeout: int | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(
            [
                attrs.validators.instance_of(int),
                attrs.validators.ge(0),
                attrs.validators.le(999_999_999),
            ]
        ),
    )
    start: int | None = attrs.field(default=None, eq=False, repr=False)
    source: str | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def value(self) -> str:
        """The esmtp-value as it is written canonically."""
        if self.timeout is None:
            return self.certifier
        return f"{self.certifier}:{self.timeout}"


@attrs.frozen(kw_only=True)
class EnvidParam:
    """``ENVID=xtext`` (RFC 3461 §4.4), decoded; ``local@fqhn`` form per RFC 3885 §3.2."""

    keyword: ClassVar[str] = "ENVID"
    envid: str = attrs.field(validator=attrs.validators.instance_of(str))
    start: int | None = attrs.field(default=None, eq=False, repr=False)
    source: str | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def value(self) -> str:
        """The esmtp-value, xtext-encoded (RFC 3461 §4)."""
        from msgtrk.esmtp._xtext import xtext_encode  # noqa: PLC0415

        return xtext_encode(self.envid)

    @property
    def unique_envid(self) -> tuple[str, str] | None:
        """``(local_envid, fqhn)`` split at the last "@" (RFC 3885 §3.2), or None."""
        local, at, fqhn = self.envid.rpartition("@")
        return (local, fqhn) if at else None


@attrs.frozen(kw_only=True)
class RetParam:
    """``RET=FULL|HDRS`` (RFC 3461 §4.3)."""

    keyword: ClassVar[str] = "RET"
    ret: Ret = attrs.field(converter=Ret)
    start: int | None = attrs.field(default=None, eq=False, repr=False)
    source: str | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def value(self) -> str:
        """The esmtp-value as it is written canonically."""
        return self.ret.value


def _to_notify(values: Iterable[Notify | str]) -> tuple[Notify, ...]:
    return tuple(v if isinstance(v, Notify) else Notify(v.upper()) for v in values)


def _notify_ok(_inst: object, _attr: attrs.Attribute[Any], value: tuple[Notify, ...]) -> None:
    if not value:
        raise SerializeError("NOTIFY needs at least one value (RFC 3461 §4.1)")
    if Notify.NEVER in value and len(value) > 1:
        raise SerializeError("NOTIFY=NEVER must appear by itself (RFC 3461 §4.1 note a)")
    if len(set(value)) != len(value):
        raise SerializeError("NOTIFY values must not repeat (RFC 3461 §4.1)")


@attrs.frozen(kw_only=True)
class NotifyParam:
    """``NOTIFY=NEVER`` or a non-repeating list of SUCCESS, FAILURE, DELAY (RFC 3461 §4.1)."""

    keyword: ClassVar[str] = "NOTIFY"
    notify: tuple[Notify, ...] = attrs.field(converter=_to_notify, validator=_notify_ok)
    start: int | None = attrs.field(default=None, eq=False, repr=False)
    source: str | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def value(self) -> str:
        """The esmtp-value as it is written canonically."""
        return ",".join(v.value for v in self.notify)


def _lower(value: str) -> str:
    return value.lower()


@attrs.frozen(kw_only=True)
class OrcptParam:
    """``ORCPT=addr-type;xtext`` (RFC 3461 §4.2), the address decoded.

    For the ``utf-8`` address type (RFC 6533 §3) the address is decoded from
    utf-8-addr-xtext / utf-8-addr-unitext; ``utf8`` chooses the form written
    for a built model (native UTF-8 only for SMTPUTF8 servers).
    """

    keyword: ClassVar[str] = "ORCPT"
    addr_type: str = attrs.field(eq=_lower, validator=_check("addr-type", "addr-type"))
    address: str = attrs.field(validator=attrs.validators.instance_of(str))
    utf8: bool = attrs.field(default=False, eq=False)
    start: int | None = attrs.field(default=None, eq=False, repr=False)
    source: str | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def is_utf8_type(self) -> bool:
        """True for the RFC 6533 ``utf-8`` address type."""
        return self.addr_type.lower() == "utf-8"

    @property
    def value(self) -> str:
        """The esmtp-value, encoded as the address type requires."""
        from msgtrk.esmtp._xtext import unitext_encode, xtext_encode  # noqa: PLC0415

        if self.is_utf8_type:
            return f"{self.addr_type};{unitext_encode(self.address, utf8=self.utf8)}"
        return f"{self.addr_type};{xtext_encode(self.address)}"


@attrs.frozen(kw_only=True)
class ExtensionParam:
    """Any other ``esmtp-keyword[=esmtp-value]`` (RFC 5321 §4.1.2), kept verbatim.

    Keywords compare case-insensitively (RFC 5321 §2.4).
    """

    keyword: str = attrs.field(eq=_upper, validator=_check("esmtp-keyword", "keyword"))
    value: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_check("esmtp-value", "esmtp-value")),
    )
    start: int | None = attrs.field(default=None, eq=False, repr=False)
    source: str | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class InvalidParam:
    """A parameter that lenient parsing could not read, kept as it was received.

    RFC 3461 §5.2.1 and RFC 3885 §3.3 have a relay pass ENVID, RET, NOTIFY and
    ORCPT on "with the same associated esmtp-value", so a malformed one is
    not dropped: ``keyword`` and the raw ``value`` (None without "=") are
    kept in order and written back verbatim from ``source``; ``defect`` (also
    in the command's ``defects``) says what is wrong.  Only parsing makes
    one: a built model holding one cannot be serialized.
    """

    keyword: str = attrs.field(eq=_upper, validator=attrs.validators.instance_of(str))
    value: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(str))
    )
    defect: Defect | None = attrs.field(default=None, eq=False)
    start: int | None = attrs.field(default=None, eq=False, repr=False)
    source: str | None = attrs.field(default=None, eq=False, repr=False)


MailParam: TypeAlias = MtrkParam | EnvidParam | RetParam | ExtensionParam | InvalidParam
RcptParam: TypeAlias = NotifyParam | OrcptParam | ExtensionParam | InvalidParam


def _mail_tuple(values: Iterable[MailParam]) -> tuple[MailParam, ...]:
    return tuple(values)


def _rcpt_tuple(values: Iterable[RcptParam]) -> tuple[RcptParam, ...]:
    return tuple(values)


MAIL_TYPED = frozenset({"MTRK", "ENVID", "RET"})
RCPT_TYPED = frozenset({"NOTIFY", "ORCPT"})


def _param_keyword(param: object) -> str:
    return str(getattr(param, "keyword", "")).upper()


def _mail_params_ok(_inst: object, _attr: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    for p in value:
        if not isinstance(p, (MtrkParam, EnvidParam, RetParam, ExtensionParam, InvalidParam)):
            raise SerializeError(f"{p!r} is not a MAIL parameter (RFC 3461 §4, RFC 3885 §3)")


def _rcpt_params_ok(_inst: object, _attr: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    for p in value:
        if not isinstance(p, (NotifyParam, OrcptParam, ExtensionParam, InvalidParam)):
            raise SerializeError(f"{p!r} is not a RCPT parameter (RFC 3461 §4)")


def check_unique(params: Iterable[object], typed: frozenset[str] = frozenset()) -> None:
    """Raise SerializeError for a repeated keyword or a ``typed`` keyword kept verbatim."""
    seen: set[str] = set()
    for p in params:
        key = _param_keyword(p)
        if key in seen:
            raise SerializeError(f"parameter {key} appears twice (RFC 3461 §4.5)")
        if getattr(p, "source", None) is None:
            if isinstance(p, InvalidParam):
                raise SerializeError(f"{key}: an InvalidParam is written only as it was received")
            if isinstance(p, ExtensionParam) and key in typed:
                raise SerializeError(f"{key} must be given as {key.capitalize()}Param")
        seen.add(key)


class _Params:
    """Look-ups shared by both commands."""

    params: tuple[Any, ...]

    def get(self, keyword: str) -> Any:
        """The parameter named ``keyword`` (case-insensitive), or None."""
        key = keyword.upper()
        for p in self.params:
            if _param_keyword(p) == key:
                return p
        return None

    def __contains__(self, keyword: str) -> bool:
        return self.get(keyword) is not None


@attrs.frozen(kw_only=True)
class MailCommand(_Params):
    """``MAIL FROM:<reverse-path> [SP Mail-parameters]`` (RFC 5321 §4.1.1.2).

    ``reverse_path`` is None for the null path ``<>``.  ``source_route`` holds
    a source route that was read and is ignored (§4.1.1.3, Appendix C).
    """

    reverse_path: Mailbox | None = attrs.field(converter=_to_optional_mailbox)
    params: tuple[MailParam, ...] = attrs.field(
        default=(), converter=_mail_tuple, validator=_mail_params_ok
    )
    source_route: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False)
    source: str | None = attrs.field(default=None, eq=False, repr=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False, repr=False)

    @classmethod
    def build(
        cls,
        reverse_path: Mailbox | str | None,
        *,
        envid: str | None = None,
        ret: Ret | str | None = None,
        mtrk: MtrkParam | None = None,
        extra: Iterable[ExtensionParam] = (),
    ) -> MailCommand:
        """A MAIL command with parameters in canonical order: extensions, RET, ENVID, MTRK."""
        params: list[MailParam] = list(extra)
        if ret is not None:
            params.append(RetParam(ret=ret))
        if envid is not None:
            params.append(EnvidParam(envid=envid))
        if mtrk is not None:
            params.append(mtrk)
        return cls(reverse_path=reverse_path, params=tuple(params))

    @property
    def mtrk(self) -> MtrkParam | None:
        """The MTRK parameter (RFC 3885 §3.1), if any."""
        p = self.get("MTRK")
        return p if isinstance(p, MtrkParam) else None

    @property
    def envid(self) -> str | None:
        """The decoded ENVID (RFC 3461 §4.4), if any."""
        p = self.get("ENVID")
        return p.envid if isinstance(p, EnvidParam) else None

    @property
    def ret(self) -> Ret | None:
        """The RET value (RFC 3461 §4.3), if any."""
        p = self.get("RET")
        return p.ret if isinstance(p, RetParam) else None


@attrs.frozen(kw_only=True)
class RcptCommand(_Params):
    """``RCPT TO:<forward-path> [SP Rcpt-parameters]`` (RFC 5321 §4.1.1.3)."""

    forward_path: Mailbox = attrs.field(converter=_to_mailbox)
    params: tuple[RcptParam, ...] = attrs.field(
        default=(), converter=_rcpt_tuple, validator=_rcpt_params_ok
    )
    source_route: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False)
    source: str | None = attrs.field(default=None, eq=False, repr=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False, repr=False)

    @classmethod
    def build(
        cls,
        forward_path: Mailbox | str,
        *,
        notify: Iterable[Notify | str] | None = None,
        orcpt: OrcptParam | str | None = None,
        extra: Iterable[ExtensionParam] = (),
    ) -> RcptCommand:
        """A RCPT command; ``orcpt`` as a str is an ``rfc822`` address (RFC 3461 §4.2)."""
        params: list[RcptParam] = list(extra)
        if notify is not None:
            params.append(NotifyParam(notify=tuple(notify)))
        if orcpt is not None:
            if isinstance(orcpt, str):
                orcpt = OrcptParam(addr_type="rfc822", address=orcpt)
            params.append(orcpt)
        return cls(forward_path=forward_path, params=tuple(params))

    @property
    def notify(self) -> tuple[Notify, ...] | None:
        """The NOTIFY values (RFC 3461 §4.1), if any."""
        p = self.get("NOTIFY")
        return p.notify if isinstance(p, NotifyParam) else None

    @property
    def orcpt(self) -> OrcptParam | None:
        """The ORCPT parameter (RFC 3461 §4.2), if any."""
        p = self.get("ORCPT")
        return p if isinstance(p, OrcptParam) else None

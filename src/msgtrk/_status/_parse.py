"""Parsing the status bodies: two levels (shared/notes/abnf-to-lalr.md, scheme iv').

Level 1 is one regex that cuts the body into fields (with their folding),
blank lines and stray lines.  Level 2 checks each value with the fast-path
pattern of its ABNF rule (``_patterns``), extracts the structure with cheap
Python, and only for a rejected value asks the LALR parser (through
``_patterns.check``) for the exact error (strict) or a defect (lenient).
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from msgtrk._errors import Defect, LimitError, ParseError
from msgtrk._status import _fields as fd
from msgtrk._status._limits import (
    DEFAULT_BOUNDS,
    MAX_BODY,
    MAX_DEFECTS,
    Bounds,
    Limits,
    comment_too_deep,
    limit_error,
    long_line,
    more_than,
    to_bounds,
)
from msgtrk._status._models import (
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
    action_from_text,
    trusted,
)
from msgtrk._status._patterns import RULES, fast, value_pattern
from msgtrk._status._patterns import check as check_value
from msgtrk._status._text import (
    COMMON_DATE,
    InvalidDateError,
    parse_date,
    parse_obsolete_date,
    split_comments,
    split_trailing_comment,
    strip_comments,
    unfold,
)
from msgtrk.status_codes import StatusCode

if TYPE_CHECKING:
    import email.message

__all__ = [
    "MAX_BODY",
    "MAX_DEFECTS",
    "Limits",
    "parse_delivery_status",
    "parse_tracking_status",
]

# Level 1: a field (name, colon, value with its continuation lines), a blank
# line, or any other line.  The value keeps the CR of each CRLF; the final
# one is cut off below.
_LINE = re.compile(
    r"(([!-9;-~]+)[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)(?:\n|\Z))"
    r"|([ \t]*\r?\n)"
    r"|([^\n]*(?:\n|\Z))"
)
_NL = re.compile("\n")
_NL_BYTES = re.compile(b"\n")
_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
_NAME_NO_COLON = re.compile(r"([A-Za-z][A-Za-z0-9-]*)([ \t]+)(.*?)\r?\n?", re.S)
_CODE = re.compile(r"([0-9])\.([0-9]{1,3})\.([0-9]{1,3})")
_LEADING_ZERO = re.compile(r"(?:^|\.)0[0-9]")

# The parser builds its models without the attrs converters and validators: every
# value has passed the grammar, and the readers give the types the models declare.
_new_mta = trusted(MtaName)
_new_address = trusted(Address)
_new_status = trusted(Status)
_new_code = trusted(StatusCode)
_new_diagnostic = trusted(Diagnostic)
_new_localized = trusted(LocalizedDiagnostic)
_new_extension = trusted(ExtensionField)
_new_delivery = trusted(DeliveryStatus)
_new_tracking = trusted(TrackingStatus)
_new_groups = {
    fd.DELIVERY.name: (trusted(DeliveryPerMessage), trusted(DeliveryRecipient)),
    fd.TRACKING.name: (trusted(TrackingPerMessage), trusted(TrackingRecipient)),
}

# The usual spellings of the values, each a subset of its rule's generated grammar
# (unfolded, no comment, ASCII): one quick ``fullmatch`` settles most values.
# (``\A``: linear even if used with ``search``.)
_TEXT = r"[\x01-\x09\x0b\x0c\x0e-\x7f]*"  # *text (RFC 5322 text without CR, LF)
_COMMON_TEXT = re.compile(r"\A" + _TEXT)
#: ``type ";" *text`` (address-type, mta-name-type, diagnostic-type are atoms)
_COMMON_TYPED = re.compile(r"\A[ \t]*[!#-'*+\-/-9=?A-Z^-~]+[ \t]*;" + _TEXT)
_COMMON: dict[str, re.Pattern[str]] = {
    spec.rule: {
        fd.TEXT: _COMMON_TEXT,
        fd.MTA: _COMMON_TYPED,
        fd.ADDRESS: _COMMON_TYPED,
        fd.DIAGNOSTIC: _COMMON_TYPED,
        fd.DATE: COMMON_DATE,
    }[spec.kind]
    for fmt in (fd.DELIVERY, fd.TRACKING)
    for group in (fmt.per_message, fmt.recipient)
    for spec in group.specs.values()
    if spec.kind in (fd.TEXT, fd.MTA, fd.ADDRESS, fd.DIAGNOSTIC, fd.DATE)
}

# name, value (final CR cut), offset of the field, the whole field text
_Entry = tuple[str, str, int, str]


#: Values read without any defect are memoised per (format, utf8): the typed
#: value models are immutable, so equal field values share one object.  The
#: memo holds at most MEMO_SIZE values and is emptied when full.
MEMO_SIZE = 4096
_MISS = object()


@functools.cache
def _memo_for(fmt: str, utf8: bool) -> dict[tuple[str, ...], Any]:
    return {}


def clear_memo() -> None:
    """Empty the value memo (benchmarks measure cold parsing with it)."""
    for fmt in (fd.DELIVERY.name, fd.TRACKING.name):
        for utf8 in (False, True):
            _memo_for(fmt, utf8).clear()


@functools.cache
def _patterns_for(utf8: bool) -> dict[str, re.Pattern[str]]:
    return {rule: value_pattern(rule, utf8) for rule in RULES}


def _valid(ctx: _Ctx, rule: str, value: str) -> bool:
    """The regex fast path: most values are decided by one ``fullmatch``."""
    if ctx.patterns[rule].fullmatch(value) is not None:
        return True
    return fast(rule, value, ctx.utf8)


class _Ctx:
    """The state of one parse.

    Offsets are computed in ``text``; errors and defects report them in the
    input as given (``source``): for non-ASCII bytes input, in octets.
    """

    __slots__ = (
        "_last",
        "_starts",
        "bounds",
        "deep",
        "defects",
        "escaped",
        "fmt",
        "memo",
        "octets",
        "patterns",
        "source",
        "strict",
        "text",
        "utf8",
    )

    def __init__(
        self,
        text: str,
        fmt: fd.Format,
        strict: bool,
        utf8: bool,
        source: str | bytes = "",
        *,
        bounds: Bounds = DEFAULT_BOUNDS,
    ) -> None:
        self.text = text
        self.bounds = bounds
        # no value can nest deeper than the limit if the body has fewer "(" in all;
        # otherwise every group's values are checked before any is read
        self.deep = more_than(text, "(", bounds[4])  # max_comment_depth
        self.source: str | bytes = source or text
        self.octets = isinstance(source, bytes) and len(source) != len(text)
        self.fmt = fmt
        self.strict = strict
        self.defects: list[Defect] = []
        self.escaped = False  # undecodable octets (surrogate escapes) in ``text``
        self._starts: list[int] | None = None
        self._last = (0, 0)
        self.set_utf8(utf8)

    def set_utf8(self, utf8: bool) -> None:
        self.utf8 = utf8
        self.patterns = _patterns_for(utf8)
        self.memo = _memo_for(self.fmt.name, utf8)

    def where(self, offset: int) -> int:
        """The offset in ``source`` of the character at ``offset`` in ``text``."""
        if not self.octets:
            return offset
        char, octet = self._last
        if offset < char:
            char = octet = 0
        octet += len(self.text[char:offset].encode("utf-8", "surrogateescape"))
        self._last = (offset, octet)
        return octet

    def defect(self, offset: int, kind: str, message: str, rule: str | None) -> None:
        """Record a defect at ``offset`` of ``text`` (line and column from a line table)."""
        cap = self.bounds.max_defects
        if len(self.defects) >= cap:
            if len(self.defects) == cap:
                offset = len(self.text)
                kind, message, rule = "too-many-defects", f"more than {cap} defects", None
            else:
                return
        at = self.where(offset)
        if self._starts is None:
            newlines = _NL_BYTES if isinstance(self.source, bytes) else _NL
            self._starts = [0] + [m.end() for m in newlines.finditer(self.source)]  # type: ignore[arg-type]
        line = bisect.bisect_right(self._starts, at)
        column = at - self._starts[line - 1] + 1
        self.defects.append(
            Defect(kind=kind, message=message, line=line, column=column, offset=at, rule=rule)
        )

    def error(
        self, offset: int, message: str, *, rule: str | None, expected: Iterable[str] = ()
    ) -> ParseError:
        return ParseError.at(self.source, self.where(offset), message, rule=rule, expected=expected)

    def fail(
        self,
        offset: int,
        kind: str,
        message: str,
        *,
        rule: str | None = None,
        expected: tuple[str, ...] = (),
    ) -> None:
        """Raise (strict) or record a defect (lenient)."""
        if self.strict:
            raise self.error(offset, message, rule=rule, expected=expected)
        self.defect(offset, kind, message, rule)

    def limit(self, offset: int, message: str, rule: str | None) -> LimitError:
        """The LimitError at ``offset`` of ``text`` (strict and lenient alike)."""
        return limit_error(self.source, self.where(offset), message, rule=rule)

    def value_error(self, rule: str, value: str, offset: int) -> ParseError | None:
        """The LALR verdict on a value the fast path rejected: None if valid after all."""
        error = check_value(rule, value, self.utf8)
        if error is None:
            return None
        if self.escaped and _ESCAPES.match(value, error.offset) is not None:
            return None  # an undecodable octet: it has its bad-utf8 defect already
        return self.error(
            offset + error.offset, error.message, rule=error.rule, expected=error.expected
        )

    def record(self, error: ParseError, kind: str) -> None:
        """Raise ``error`` (strict) or keep it as a defect (lenient)."""
        if self.strict:
            raise error
        if len(self.defects) < self.bounds.max_defects:
            self.defects.append(Defect.from_error(error, kind))
        else:
            self.defect(len(self.text), kind, error.message, error.rule)

    def bad_value(self, rule: str, value: str, offset: int, kind: str = "syntax") -> bool:
        """Check a value the fast path rejected; True if it is really invalid (recorded)."""
        error = self.value_error(rule, value, offset)
        if error is None:
            return False
        self.record(error, kind)
        return True


# ---------------------------------------------------------------------------
# input
# ---------------------------------------------------------------------------


def _source(data: Any) -> str | bytes:
    if isinstance(data, str | bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    import email.message  # noqa: PLC0415 - only for Message input, off the import path

    if isinstance(data, email.message.Message):
        return _from_message(data)
    raise TypeError(f"expected str, bytes or email.message.Message, got {type(data).__name__}")


def _from_message(msg: email.message.Message) -> str | bytes:
    """The status body of a ``message/*-status`` part (or a whole body given as a message)."""
    payload = msg.get_payload()
    if isinstance(payload, list):
        # The stdlib parses delivery-status as a list of header blocks, and
        # every other message/* type as one nested message.
        import email.message  # noqa: PLC0415

        blocks = []
        for block in payload:
            if isinstance(block, email.message.Message):
                blocks.append(_block_text(block))
        return "\n".join(blocks)
    if isinstance(payload, str):
        raw = msg.get_payload(decode=True)
        return raw if isinstance(raw, bytes) else payload
    raise TypeError("the message has no status body")


def _block_text(block: email.message.Message) -> str:
    lines = [f"{name}: {value}" for name, value in block.items()]
    body = block.get_payload()
    text = "\n".join(lines) + ("\n" if lines else "")
    if isinstance(body, str) and body:
        text += "\n" + body
    return text


_Problem = tuple[int, str, str, str]
# the characters surrogateescape decoding gives undecodable octets
_ESCAPES = re.compile("[\udc80-\udcff]+")


def _octets(run: str) -> str:
    """The undecodable octets of a run of surrogate escapes, as ``\\xe9`` text."""
    shown = "".join(f"\\x{ord(c) - 0xDC00:02x}" for c in run[:8])
    return shown + ("..." if len(run) > 8 else "")


def _decode(data: str | bytes, global_: bool | Literal["auto"]) -> tuple[str, bool, list[_Problem]]:
    """Decode; return (text, utf8, problems), each problem = (offset, kind, message, rule).

    Invalid UTF-8 gives one ``bad-utf8`` problem per run of undecodable octets
    (kept as surrogate escapes in the text, so that positions and the round
    trip hold).
    """
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError as exc:
            text = data.decode("utf-8", "surrogateescape")
            off = len(data[: exc.start].decode("utf-8", "surrogateescape"))
            if global_ is False:
                msg = "8-bit data in message/delivery-status (RFC 3464 §2.1: 7bit)"
                return text, False, [(off, "non-ascii", msg, "text")]
            problems = [
                (
                    m.start(),
                    "bad-utf8",
                    f"invalid UTF-8: octet{'s' if len(m[0]) > 1 else ''} {_octets(m[0])} "
                    "(RFC 6533 §4.1)",
                    "utf8-text",
                )
                for m in _ESCAPES.finditer(text)
            ]
            return text, True, problems
    if text.isascii():
        return text, global_ is True, []
    if global_ is False:
        off = next(i for i, c in enumerate(text) if ord(c) > 127)
        msg = "non-ASCII character in message/delivery-status (RFC 3464 §2.1: 7bit)"
        return text, False, [(off, "non-ascii", msg, "text")]
    return text, True, []


# ---------------------------------------------------------------------------
# level 1
# ---------------------------------------------------------------------------


#: The splitter cuts a body longer than SPLIT_WHOLE in pieces of about CHUNK
#: characters, so that a body over the group or field limit is refused before
#: all of it is split (a shorter body is split at once: it costs little).
CHUNK = 1 << 12
SPLIT_WHOLE = 1 << 16
_WHOLE = ((0, sys.maxsize),)  # one piece: the whole text


# a line end that no folded (continuation) line follows: a piece may end there
_PIECE_END = re.compile(r"\n(?![ \t])")


def _chunks(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) pieces of ``text``, each ending after a LF that no folded line follows."""
    n = len(text)
    start = 0
    while n - start > CHUNK:
        m = _PIECE_END.search(text, start + CHUNK)
        if m is None:
            break
        yield start, m.end()
        start = m.end()
    if start < n:
        yield start, n


def _split(ctx: _Ctx) -> list[tuple[list[_Entry], int, int]]:
    """Cut the body into groups of fields: [(entries, start, end)]."""
    text = ctx.text
    groups: list[tuple[list[_Entry], int, int]] = []
    cur: list[_Entry] = []
    start = 0
    pos = 0
    blank_run = 0
    fmt = ctx.fmt
    max_groups, max_fields = ctx.bounds[2:4]
    for chunk_start, chunk_end in _chunks(text) if len(text) > SPLIT_WHOLE else _WHOLE:
        first = len(groups)
        carried = len(cur)
        items = _LINE.findall(text, chunk_start, chunk_end)
        for fwhole, name, fvalue, blank, other in items:
            if fwhole:
                if not cur:
                    start = pos
                cur.append((name, fvalue[:-1] if fvalue.endswith("\r") else fvalue, pos, fwhole))
                blank_run = 0
                pos += len(fwhole)
            elif blank:
                if cur:
                    groups.append((cur, start, pos))
                    cur = []
                if blank[0] in " \t":
                    ctx.fail(
                        pos,
                        "whitespace-line",
                        "a line of white space is not a blank line",
                        rule=fmt.rule,
                        expected=("CRLF",),
                    )
                elif not groups:
                    ctx.fail(
                        pos,
                        "leading-blank-line",
                        "blank line before the per-message fields",
                        rule=fmt.rule,
                        expected=("per-message-fields",),
                    )
                elif blank_run:
                    ctx.fail(
                        pos,
                        "extra-blank-line",
                        "more than one blank line between groups",
                        rule=fmt.rule,
                        expected=("per-recipient-fields",),
                    )
                blank_run += 1
                pos += len(blank)
            elif other:
                entry = _stray(ctx, other, pos, bool(cur) or not groups)
                if entry is not None:
                    if not cur:
                        start = pos
                    cur.append(entry)
                    blank_run = 0
                pos += len(other)
        # Counted once per piece (a group of this piece has at most the fields
        # carried over plus its items): at most one piece is split beyond a limit.
        if len(groups) >= max_groups or carried + len(items) > max_fields:
            _check_counts(ctx, groups, first, cur, start)
        del items
    if cur:
        groups.append((cur, start, pos))
    if text and not text.endswith("\n"):
        ctx.fail(
            len(text),
            "missing-final-newline",
            "the last field is not ended by CRLF",
            rule=fmt.rule,
            expected=("CRLF",),
        )
    elif blank_run and groups:
        # blank lines after the last group: an empty per-recipient group
        end = groups[-1][2]
        ctx.fail(
            end,
            "trailing-blank-line",
            "blank line after the last group",
            rule=fmt.rule,
            expected=("per-recipient-fields",),
        )
    return groups


def _check_counts(ctx: _Ctx, groups: list[Any], first: int, cur: list[_Entry], start: int) -> None:
    """LimitError for the first group from ``groups[first]`` on (then ``cur``, starting at
    ``start``) that is one group too many or has too many fields."""
    max_groups, max_fields = ctx.bounds[2:4]
    for i in range(first, len(groups)):
        entries, group_start, _end = groups[i]
        if i >= max_groups:
            raise _too_many_groups(ctx, group_start)
        if len(entries) > max_fields:
            raise _too_many_fields(ctx, entries, i == 0)
    if cur:
        if len(groups) >= max_groups:
            raise _too_many_groups(ctx, start)
        if len(cur) > max_fields:
            raise _too_many_fields(ctx, cur, not groups)


def _too_many_groups(ctx: _Ctx, pos: int) -> LimitError:
    n = ctx.bounds.max_groups - 1
    return ctx.limit(
        pos, f"more than {n} per-recipient groups (Limits.max_recipients)", ctx.fmt.rule
    )


def _too_many_fields(ctx: _Ctx, entries: list[_Entry], per_message: bool) -> LimitError:
    n = ctx.bounds.max_fields
    group = ctx.fmt.per_message if per_message else ctx.fmt.recipient
    return ctx.limit(
        entries[n][2], f"more than {n} fields in one group (Limits.max_fields)", group.rule
    )


def _stray(ctx: _Ctx, line: str, pos: int, in_group: bool) -> _Entry | None:
    """A line that is not ``name: value``: a missing colon, or junk."""
    m = _NAME_NO_COLON.fullmatch(line)
    fmt = ctx.fmt
    if m is not None:
        key = m[1].lower()
        spec = fmt.recipient.specs.get(key) or fmt.per_message.specs.get(key)
        if spec is not None:
            ctx.fail(
                pos + len(m[1]),
                "missing-colon",
                f"{spec.name} field without a colon",
                rule=spec.rule,
                expected=('":"',),
            )
            return (m[1], " " + m[3] if not m[3].startswith(" ") else m[3], pos, line)
    if line[:1] in (" ", "\t"):
        ctx.fail(
            pos,
            "stray-continuation",
            "continuation line outside a field",
            rule=fmt.rule,
            expected=("field-name",),
        )
        return None
    # the first character that cannot continue a field name, or the missing colon
    i = 0
    n = len(line)
    while i < n and "!" <= line[i] <= "~" and line[i] != ":":
        i += 1
    if i == 0:
        message, expected = "not a field", ("field-name",)
    else:
        message, expected = "field name not followed by a colon", ('":"',)
    ctx.fail(pos + i, "not-a-field", message, rule="extension-field", expected=expected)
    return None


# ---------------------------------------------------------------------------
# level 2
# ---------------------------------------------------------------------------


def _value_offset(entry: _Entry) -> int:
    name, _value, pos, whole = entry
    colon = whole.find(":", len(name))
    return pos + (colon + 1 if colon >= 0 else len(name))


def _typed(value: str) -> tuple[str, str, bool]:
    v = unfold(value)
    head, sep, rest = v.partition(";")
    if not sep:
        return "", v.strip(" \t"), False
    if "(" in head:
        head = strip_comments(head)
    return head.strip(" \t"), rest.strip(" \t"), True


def _read_mta(ctx: _Ctx, spec: fd.Spec, entry: _Entry) -> MtaName:
    value = entry[1]
    typ, name, _sep = _typed(value)
    comment = None
    if name.endswith(")") and typ.lower() == "dns":
        name, comment = split_trailing_comment(name)
    return _new_mta(type=typ, name=name, comment=comment, raw=value)


def _read_address(ctx: _Ctx, spec: fd.Spec, entry: _Entry) -> Address:
    value = entry[1]
    typ, addr, _sep = _typed(value)
    return _new_address(type=typ, address=addr, raw=value)


def _read_action(ctx: _Ctx, spec: fd.Spec, entry: _Entry) -> Action | str:
    value = entry[1]
    word = unfold(value)
    if "(" in word:
        word = strip_comments(word)
    word = word.strip(" \t")
    action = action_from_text(word)
    if ctx.fmt is fd.DELIVERY and isinstance(action, Action) and action.is_tracking_only:
        ctx.fail(
            _value_offset(entry) + value.find(word[:1] or " "),
            "tracking-action",
            f"Action {word!r} is defined by RFC 3886 for tracking-status, "
            "not for message/delivery-status (RFC 3464 §2.3.3)",
            rule="action-value",
            expected=('"failed"', '"delayed"', '"delivered"', '"relayed"', '"expanded"'),
        )
    return action


def _read_diagnostic(ctx: _Ctx, spec: fd.Spec, entry: _Entry) -> Diagnostic:
    value = entry[1]
    typ, txt, _sep = _typed(value)
    return _new_diagnostic(type=typ, text=txt, raw=value)


def _read_localized(ctx: _Ctx, spec: fd.Spec, entry: _Entry) -> LocalizedDiagnostic:
    value = entry[1]
    typ, txt, _sep = _typed(value)
    return _new_localized(language=typ, text=txt, raw=value)


def _read_text(ctx: _Ctx, spec: fd.Spec, entry: _Entry) -> str:
    return unfold(entry[1]).strip(" \t")


def _read_value(ctx: _Ctx, spec: fd.Spec, entry: _Entry) -> Any:
    if not _valid(ctx, spec.rule, entry[1]):
        ctx.bad_value(spec.rule, entry[1], _value_offset(entry))
    return _READERS[spec.kind](ctx, spec, entry)


def _read_date(ctx: _Ctx, spec: fd.Spec, entry: _Entry) -> Any:
    value = entry[1]
    try:
        result, weekday_ok = parse_date(value)
    except ValueError as exc:
        # the RFC 5322 §3.3 form naming no real instant is invalid, not obsolete
        old = None if isinstance(exc, InvalidDateError) else parse_obsolete_date(value)
        start = _value_offset(entry) + len(value) - len(value.lstrip(" \t\r\n"))
        if old is not None:
            ctx.fail(
                start,
                "obsolete-date",
                f"obsolete date-time form: {exc} (RFC 5322 §4.3; RFC 3464 §2.2.5: "
                "numeric zones MUST be used)",
                rule="date-time",
                expected=("date-time",),
            )
            return old
        ctx.fail(start, "bad-date", f"invalid date-time: {exc}", rule="date-time")
        return None
    if not weekday_ok:
        start = _value_offset(entry) + len(value) - len(value.lstrip(" \t\r\n"))
        ctx.fail(
            start,
            "day-of-week",
            "day-of-week does not match the date (RFC 5322 §3.3)",
            rule="day-of-week",
        )
    return result


def _read_status(ctx: _Ctx, spec: fd.Spec, entry: _Entry) -> Status:
    value = entry[1]
    v = unfold(value)
    comment = None
    if "(" in v:
        core, comments = split_comments(v)
        comment = " ".join(comments)
    else:
        core = v
    core = core.strip(" \t")
    m = _CODE.fullmatch(core)
    if m is None:
        return _new_status(code=None, comment=comment, text=core, raw=value)
    if "0" in core and _LEADING_ZERO.search(core) is not None:
        off = _value_offset(entry) + value.find(core)
        z = _LEADING_ZERO.search(core)
        assert z is not None
        ctx.fail(
            off + z.start() + (1 if core[z.start()] == "." else 0),
            "leading-zero",
            "status-code sub-fields MUST NOT have leading zeros (RFC 3464 §2.3.4)",
            rule="status-code",
        )
    code = _new_code(klass=int(m[1]), subject=int(m[2]), detail=int(m[3]), text=None)
    return _new_status(code=code, comment=comment, text=None, raw=value)


_READERS: dict[int, Any] = {
    fd.TEXT: _read_text,
    fd.MTA: _read_mta,
    fd.DATE: _read_date,
    fd.ADDRESS: _read_address,
    fd.ACTION: _read_action,
    fd.STATUS: _read_status,
    fd.DIAGNOSTIC: _read_diagnostic,
    fd.LOCALIZED: _read_localized,
}


def _expected(group: fd.Group, pointer: int, seen: set[str]) -> tuple[str, ...]:
    """Field names the grammar accepts after position ``pointer`` of the sequence."""
    out = []
    for key, required in group.sequence[pointer:]:
        if key in seen and key not in fd.REPEATABLE:
            continue
        out.append(group.specs[key].name)
        if required:
            break
    else:
        out.append("extension-field")
    return tuple(out)


def _read_group(
    ctx: _Ctx, group: fd.Group, other: fd.Group, entries: list[_Entry], end: int
) -> tuple[dict[str, Any], tuple[tuple[str, int], ...]]:
    """Read the fields of one group; check presence, order and repetition (the grammar's
    sequence, as data: a field out of order is still read as itself)."""
    values: dict[str, Any] = {}
    extensions: list[ExtensionField] = []
    seen: set[str] = set()
    order: list[tuple[str, int]] = []
    pointer = 0
    order_ok = True
    n_required = len(group.required)
    n_required_seen = 0
    info = group.info
    req_after = group.req_after
    patterns = ctx.patterns
    memo = ctx.memo
    defects = ctx.defects
    readers = _READERS
    common = _COMMON
    add_order = order.append
    for entry in entries:
        name, value, pos, _whole = entry
        key = name.lower()
        add_order((key, pos))
        item = info.get(key)
        if item is None:
            if (order_ok and n_required_seen < n_required) or key in other.specs:
                order_ok = _misplaced(
                    ctx, group, other, entry, key=key, pointer=pointer, seen=seen, order_ok=order_ok
                )
            extensions.append(_extension(ctx, entry))
            continue
        spec, j, required, rule, kind, attr, repeatable = item
        if key in seen and not repeatable:
            ctx.fail(
                entry[2],
                "duplicate-field",
                f"{spec.name} appears more than once in one group ({group.section})",
                rule=group.rule,
                expected=_expected(group, pointer, seen),
            )
            extensions.append(_extension(ctx, entry, check=False))
            continue
        if order_ok:
            if j >= pointer:
                k = req_after[pointer]
                if k < j:
                    order_ok = False
                    ctx.fail(
                        entry[2],
                        "field-order",
                        f"{spec.name} before {group.specs[group.sequence[k][0]].name} "
                        f"({group.section})",
                        rule=group.rule,
                        expected=_expected(group, pointer, seen),
                    )
                pointer = j if repeatable else j + 1
            elif n_required_seen < n_required:
                order_ok = False
                ctx.fail(
                    entry[2],
                    "field-order",
                    f"{spec.name} out of order ({group.section})",
                    rule=group.rule,
                    expected=_expected(group, pointer, seen),
                )
        seen.add(key)
        if required:
            n_required_seen += 1
        memo_key = (rule, value)
        v = memo.get(memo_key, _MISS)
        if v is not _MISS:
            pass
        elif (
            ((usual := common.get(rule)) is not None and usual.fullmatch(value) is not None)
            or patterns[rule].fullmatch(value) is not None
            or fast(rule, value, ctx.utf8)
            or (error := ctx.value_error(rule, value, _value_offset(entry))) is None
        ):
            n = len(defects)
            v = readers[kind](ctx, spec, entry)
            if len(defects) == n:
                if len(memo) >= MEMO_SIZE:
                    memo.clear()
                memo[memo_key] = v
        elif kind == fd.DATE and not ctx.strict:
            # the date reader reports obsolete and invalid dates itself
            n = len(ctx.defects)
            v = _read_date(ctx, spec, entry)
            if len(ctx.defects) == n:
                ctx.record(error, "syntax")
        else:
            ctx.record(error, _defect_kind(spec, value))
            v = _READERS[kind](ctx, spec, entry)
        if repeatable:
            values.setdefault(attr, []).append(v)
        else:
            values[attr] = v
    if n_required_seen < n_required:
        for key in group.required:
            if key not in seen:
                ctx.fail(
                    end,
                    "missing-field",
                    f"required field {group.specs[key].name} missing ({group.section})",
                    rule=group.rule,
                    expected=(group.specs[key].name,),
                )
    values["extensions"] = extensions
    return values, tuple(order)


#: Kinds whose comments are only in the part before the first ";" (the text after it is *text).
_TYPED_TEXT = frozenset({fd.ADDRESS, fd.DIAGNOSTIC, fd.LOCALIZED})


def _check_depths(ctx: _Ctx, group: fd.Group, entries: list[_Entry]) -> None:
    """Check the comment depth of the group's values that have comments, in order."""
    depth = ctx.bounds.max_comment_depth
    for entry in entries:
        spec = group.specs.get(entry[0].lower())
        if spec is not None and spec.kind != fd.TEXT and entry[1].count("(") > depth:
            _check_depth(ctx, spec, entry)


def _check_depth(ctx: _Ctx, spec: fd.Spec, entry: _Entry) -> None:
    """LimitError at the "(" that nests comments deeper than the limit (RFC 5322 §3.2.2)."""
    value = entry[1]
    if spec.kind in _TYPED_TEXT:
        semi = value.find(";")
        if semi >= 0:
            value = value[:semi]
    depth = ctx.bounds.max_comment_depth
    at = comment_too_deep(value, depth)
    if at is not None:
        raise ctx.limit(
            _value_offset(entry) + at,
            f"comments nested deeper than {depth} levels (Limits.max_comment_depth)",
            spec.rule,
        )


def _defect_kind(spec: fd.Spec, value: str) -> str:
    kind = spec.kind
    if kind in (fd.MTA, fd.ADDRESS, fd.DIAGNOSTIC, fd.LOCALIZED) and ";" not in value:
        return "missing-type"
    if kind == fd.ACTION:
        return "unknown-action"
    if kind == fd.STATUS:
        return "bad-status"
    return "syntax"


def _misplaced(
    ctx: _Ctx,
    group: fd.Group,
    other: fd.Group,
    entry: _Entry,
    *,
    key: str,
    pointer: int,
    seen: set[str],
    order_ok: bool,
) -> bool:
    """An unknown field before the required ones, or a field of the other group."""
    if key in other.specs and (key in fd.RECIPIENT_ONLY or group is ctx.fmt.recipient):
        ctx.fail(
            entry[2],
            "misplaced-field",
            f"{other.specs[key].name} does not belong in the {group.rule}",
            rule=group.rule,
            expected=_expected(group, pointer, seen),
        )
        return order_ok
    if order_ok and len(seen & group.required_set) < len(group.required):
        ctx.fail(
            entry[2],
            "field-order",
            f"extension field {entry[0]} before the required fields ({group.section})",
            rule=group.rule,
            expected=_expected(group, pointer, seen),
        )
        return False
    return order_ok


def _extension(ctx: _Ctx, entry: _Entry, check: bool = True) -> ExtensionField:
    name, value, pos, _whole = entry
    memo_key = ("", name, value)
    hit: ExtensionField | None = ctx.memo.get(memo_key) if check else None
    if hit is not None:
        return hit
    n = len(ctx.defects)
    if check:
        if _ATOM.fullmatch(name) is None:
            ctx.fail(
                pos,
                "bad-field-name",
                f"field name {name!r} is not an atom (RFC 3464 §2.4)",
                rule="extension-field-name",
                expected=("atom",),
            )
        if _COMMON_TEXT.fullmatch(value) is None and not _valid(ctx, "extension-field", value):
            ctx.bad_value("extension-field", value, _value_offset(entry))
    ext = _new_extension(name=name, value=unfold(value).strip(" \t"), raw=value)
    if check and len(ctx.defects) == n:
        if len(ctx.memo) >= MEMO_SIZE:
            ctx.memo.clear()
        ctx.memo[memo_key] = ext
    return ext


def _lenient_regroup(
    ctx: _Ctx, groups: list[tuple[list[_Entry], int, int]]
) -> list[tuple[list[_Entry], int, int]]:
    """Split groups that lack the blank line between them (lenient only).

    A per-recipient field in the first group ends the per-message group; a
    second Original- or Final-Recipient in a recipient group starts the next.
    """
    out: list[tuple[list[_Entry], int, int]] = []
    for gi, (entries, start, end) in enumerate(groups):
        cur: list[_Entry] = []
        cur_start = start
        seen: set[str] = set()
        is_pm = gi == 0
        for entry in entries:
            key = entry[0].lower()
            if (is_pm and key in fd.RECIPIENT_ONLY) or (
                not is_pm and key in fd.IDENTITY and key in seen
            ):
                if cur:
                    ctx.fail(
                        entry[2],
                        "missing-blank-line",
                        "a new group starts without a blank line",
                        rule=ctx.fmt.rule,
                    )
                out.append((cur, cur_start, entry[2]))
                cur = []
                cur_start = entry[2]
                seen = set()
                is_pm = False
            cur.append(entry)
            seen.add(key)
        out.append((cur, cur_start, end))
    max_groups = ctx.bounds.max_groups
    if len(out) > max_groups:
        raise _too_many_groups(ctx, out[max_groups][1])
    return out


# ---------------------------------------------------------------------------
# entry points
# ---------------------------------------------------------------------------


def _check_size(src: str | bytes, b: Bounds, fmt: fd.Format) -> None:
    """LimitError if ``src`` is over the body size or has a line over the line length."""
    if len(src) > b.max_body:
        unit = "octets" if isinstance(src, bytes) else "characters"
        message = f"status body longer than {b.max_body} {unit} (Limits.max_body)"
        raise limit_error(src, 0, message, rule=fmt.rule)
    at = long_line(src, b.line_length)
    if at is not None:
        unit = "octets" if isinstance(src, bytes) else "characters"
        message = f"line longer than {b.line_length} {unit} (Limits.line_length; RFC 5322 §2.1.1)"
        raise limit_error(src, at, message, rule=fmt.rule)


def _run(
    data: Any,
    fmt: fd.Format,
    strict: bool,
    global_: bool | Literal["auto"],
    *,
    limits: Limits | None,
) -> tuple[_Ctx, Any, list[Any]]:
    """Split, read and build: (ctx, per-message model or None, recipient models).

    Each group is built into its model as soon as it is read and its field
    list is dropped, so that a large body does not keep every intermediate
    tuple alive (the cyclic GC would scan them again and again).
    """
    src = _source(data)
    b = DEFAULT_BOUNDS if limits is None else to_bounds(limits)
    if len(src) > b[-1]:  # b.check_size: shorter bodies are within both size limits
        _check_size(src, b, fmt)
    text, utf8, problems = _decode(src, global_)
    ctx = _Ctx(text, fmt, strict, utf8, src, bounds=b)
    if problems:
        for off, kind, message, rule in problems:
            ctx.fail(off, kind, message, rule=rule)
        ctx.set_utf8(True)
        # lenient: undecodable octets are reported above, once each, not again by the values
        ctx.escaped = isinstance(src, bytes) and _ESCAPES.search(text) is not None
    groups: list[Any] = _split(ctx)
    if not strict and groups:
        groups = _lenient_regroup(ctx, groups)
    if ctx.deep:
        for i, (entries, _start, _end) in enumerate(groups):
            _check_depths(ctx, fmt.recipient if i else fmt.per_message, entries)
    if not groups:
        ctx.fail(
            len(text),
            "empty",
            "no per-message fields",
            rule=fmt.per_message.rule,
            expected=(fmt.per_message.specs[fmt.per_message.required[0]].name,),
        )
        return ctx, None, []
    pm_new, rcpt_new = _new_groups[fmt.name]
    pm_entries, pm_start, pm_end = groups[0]
    pm_values, pm_order = _read_group(ctx, fmt.per_message, fmt.recipient, pm_entries, pm_end)
    per_message = _build(pm_new, pm_values, pm_order, text[pm_start:pm_end])
    recipients = []
    for i in range(1, len(groups)):
        entries, start, end = groups[i]
        groups[i] = None
        values, order = _read_group(ctx, fmt.recipient, fmt.per_message, entries, end)
        recipients.append(_build(rcpt_new, values, order, text[start:end]))
    if len(groups) == 1:
        ctx.fail(
            pm_end,
            "no-recipients",
            "no per-recipient group",
            rule=fmt.rule,
            expected=("CRLF per-recipient-fields",),
        )
    return ctx, per_message, recipients


def _build(make: Any, values: dict[str, Any], order: Any, raw: str) -> Any:
    if "localized_diagnostics" in values:
        values["localized_diagnostics"] = tuple(values["localized_diagnostics"])
    values["extensions"] = tuple(values["extensions"])
    return make(**values, raw=raw, source_fields=order)


def parse_delivery_status(
    data: Any,
    *,
    strict: bool = True,
    global_: bool | Literal["auto"] = "auto",
    limits: Limits | None = None,
) -> DeliveryStatus:
    """Parse a ``message/delivery-status`` body (RFC 3464 §2.1).

    ``global_`` is True for ``message/global-delivery-status`` (RFC 6533
    §4.1: UTF-8 allowed), False for a 7-bit ``message/delivery-status``, and
    ``"auto"`` (the default) to accept UTF-8 when the input has any.
    ``limits`` (default ``Limits()``) bounds the body; LimitError beyond.
    """
    ctx, per_message, recipients = _run(data, fd.DELIVERY, strict, global_, limits=limits)
    model = _new_delivery(
        per_message=per_message if per_message is not None else DeliveryPerMessage(),
        recipients=tuple(recipients),
        is_global=ctx.utf8 or global_ is True,
        defects=(),
        raw=ctx.text,
    )
    _semantic(ctx, model)
    return model


def parse_tracking_status(
    data: Any, *, strict: bool = True, limits: Limits | None = None
) -> TrackingStatus:
    """Parse a ``message/tracking-status`` body (RFC 3886 §3.1).

    ``limits`` (default ``Limits()``) bounds the body; LimitError beyond.
    """
    ctx, per_message, recipients = _run(data, fd.TRACKING, strict, False, limits=limits)
    model = _new_tracking(
        per_message=per_message if per_message is not None else TrackingPerMessage(),
        recipients=tuple(recipients),
        defects=(),
        raw=ctx.text,
    )
    _semantic(ctx, model)
    return model


def _by_offset(d: Defect) -> int:
    return d.offset


#: Error-level findings that the parser itself records as defects of the same kind
#: (lenient mode), so that they are not recorded twice.
_PARSER_KINDS = frozenset({"unknown-action", "tracking-action", "bad-status", "no-recipients"})
#: Defect kinds whose cause also gives a ``utf8-address`` finding.
_NON_ASCII_KINDS = frozenset({"non-ascii", "bad-utf8"})


@functools.cache
def _checker() -> Any:
    """``_validate.check``, imported on first use (off the import path)."""
    from msgtrk._status._validate import check  # noqa: PLC0415

    return check


def _semantic(ctx: _Ctx, model: DeliveryStatus | TrackingStatus) -> None:
    """The error-level semantic checks: strict parsing raises on the first, lenient
    parsing records each as a defect (kind: the finding's code; design.md §2).

    Then the model gets its defects, in input order.
    """
    for finding in _checker()(model, errors_only=True):
        offset = finding.offset
        message = f"{finding.message} ({finding.section})"
        if ctx.strict:
            raise ctx.error(offset if offset is not None else 0, message, rule=finding.rule)
        # a finding without a position is about a group the parser found missing
        if offset is None or finding.code in _PARSER_KINDS:
            continue
        if finding.code == "utf8-address" and any(d.kind in _NON_ASCII_KINDS for d in ctx.defects):
            continue
        ctx.defect(offset, finding.code, message, finding.rule)
    if ctx.defects:
        object.__setattr__(model, "defects", tuple(sorted(ctx.defects, key=_by_offset)))


def read_value(spec: fd.Spec, value: str, utf8: bool) -> Any:
    """Read one field value strictly, as the parser would (used by the serializer)."""
    ctx = _Ctx(value, fd.TRACKING, True, utf8)
    hit = ctx.memo.get((spec.rule, value), _MISS)
    if hit is not _MISS:
        return hit
    entry = (spec.name, value, -len(spec.name) - 1, f"{spec.name}:{value}")
    result = _read_value(ctx, spec, entry)
    if len(ctx.memo) >= MEMO_SIZE:
        ctx.memo.clear()
    ctx.memo[spec.rule, value] = result
    return result

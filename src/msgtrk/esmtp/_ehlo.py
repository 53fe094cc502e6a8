"""The EHLO reply (RFC 5321 §4.1.1.1, §4.2): keywords and parameters a server offers."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from msgtrk._errors import Defect, ParseError, SerializeError
from msgtrk.esmtp._rules import pattern

__all__ = ["EhloLine", "EhloReply", "parse_ehlo", "serialize_ehlo"]


def _upper(value: str) -> str:
    return value.upper()


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _line_tuple(values: Iterable[EhloLine]) -> tuple[EhloLine, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class EhloLine:
    """``ehlo-keyword *(SP ehlo-param)`` (RFC 5321 §4.1.1.1); keywords are case-insensitive."""

    keyword: str = attrs.field(eq=_upper)
    params: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)

    def __attrs_post_init__(self) -> None:
        if pattern("ehlo-keyword").fullmatch(self.keyword) is None:
            raise SerializeError(f"bad ehlo-keyword {self.keyword!r} (RFC 5321 §4.1.1.1)")
        for p in self.params:
            if not isinstance(p, str) or pattern("ehlo-param").fullmatch(p) is None:
                raise SerializeError(f"bad ehlo-param {p!r} (RFC 5321 §4.1.1.1)")

    def __str__(self) -> str:
        return " ".join((self.keyword, *self.params))


@attrs.frozen(kw_only=True)
class EhloReply:
    """A positive EHLO reply ``ehlo-ok-rsp`` (RFC 5321 §4.1.1.1).

    ``domain`` is the server's Domain or address literal, ``greeting`` the
    optional ehlo-greet, ``lines`` the advertised extensions in order.
    """

    domain: str
    greeting: str | None = None
    lines: tuple[EhloLine, ...] = attrs.field(default=(), converter=_line_tuple)
    source: str | None = attrs.field(default=None, eq=False, repr=False)
    defects: tuple[Defect, ...] = attrs.field(default=(), eq=False, repr=False)

    @classmethod
    def build(
        cls,
        domain: str,
        extensions: Iterable[str | EhloLine] = (),
        *,
        greeting: str | None = None,
    ) -> EhloReply:
        """A reply from ``"KEYWORD param..."`` strings or :class:`EhloLine` objects."""
        lines: list[EhloLine] = []
        for ext in extensions:
            if isinstance(ext, str):
                kw, *params = ext.split(" ")
                lines.append(EhloLine(keyword=kw, params=_str_tuple(params)))
            else:
                lines.append(ext)
        return cls(domain=domain, greeting=greeting, lines=tuple(lines))

    @property
    def keywords(self) -> tuple[str, ...]:
        """The advertised keywords, upper-cased (RFC 5321 §4.1.1.1: case-insensitive)."""
        return tuple(line.keyword.upper() for line in self.lines)

    def offers(self, keyword: str) -> bool:
        """Does the server advertise ``keyword`` (e.g. "MTRK", "DSN")?"""
        return keyword.upper() in self.keywords

    def params(self, keyword: str) -> tuple[str, ...] | None:
        """The parameters of ``keyword`` (e.g. ``("10240000",)`` for SIZE), or None."""
        key = keyword.upper()
        for line in self.lines:
            if line.keyword.upper() == key:
                return line.params
        return None

    def with_extensions(self, *extensions: str) -> EhloReply:
        """A copy that also offers ``extensions`` (appended, if absent)."""
        added = [EhloLine(keyword=e) for e in extensions if not self.offers(e)]
        return attrs.evolve(self, lines=(*self.lines, *added), source=None)


def _at(
    index: int,
    start: int,
    line: str,
    offset: int,
    message: str,
    *,
    rule: str,
    expected: list[str],
) -> ParseError:
    """The error at ``offset`` on line ``index`` (0-based) that starts at ``start``.

    Built from what the reader already knows, so that a long reply with many
    bad lines costs linear time (no rescanning of the text per error).
    """
    offset = min(offset, start + len(line))  # real positions, even at the end of the input
    return ParseError(
        message,
        line=index + 1,
        column=offset - start + 1,
        offset=offset,
        rule=rule,
        expected=expected,
        source_line=line,
    )


def _lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        stop = n if nl < 0 else nl
        line_end = stop - 1 if stop > pos and text[stop - 1] == "\r" else stop
        out.append((pos, text[pos:line_end]))
        pos = n if nl < 0 else nl + 1
    return out


def parse_ehlo(reply: str | bytes | bytearray | memoryview, *, strict: bool = True) -> EhloReply:
    """Parse a multi-line (or single-line) 250 EHLO reply (RFC 5321 §4.1.1.1, §4.2).

    ``reply`` is a str or any bytes-like object (ASCII).  Lines may end in
    CRLF or LF.  Strict mode raises :class:`msgtrk.ParseError` with the
    position in the whole reply; lenient mode skips a bad extension line
    (recording a defect), as clients that only look for keywords do.
    """
    if not isinstance(reply, (str, bytes)):
        reply = memoryview(reply).tobytes()
    if isinstance(reply, bytes):
        try:
            text = reply.decode("ascii")
        except UnicodeDecodeError as exc:
            raise ParseError.at(
                reply, exc.start, "EHLO reply is not ASCII", rule="ehlo-ok-rsp"
            ) from None
    else:
        text = reply
    lines = _lines(text)
    if not lines:
        raise ParseError.at(text, 0, "empty EHLO reply", rule="ehlo-ok-rsp", expected=['"250"'])
    defects: list[Defect] = []
    kw_re = pattern("ehlo-keyword")
    param_re = pattern("ehlo-param")
    domain = ""
    greeting: str | None = None
    out: list[EhloLine] = []
    last = len(lines) - 1
    for index, (start, line) in enumerate(lines):
        if line[:3] != "250":
            raise ParseError.at(
                text,
                start,
                "EHLO reply lines start with 250",
                rule="ehlo-ok-rsp",
                expected=['"250"'],
            )
        sep = line[3:4]
        want = " " if index == last else "-"
        if sep != want and not (index == last and sep == "" and index > 0):
            raise ParseError.at(
                text,
                start + 3,
                f"expected {want!r} after the reply code (RFC 5321 §4.2)",
                rule="ehlo-ok-rsp",
                expected=[f'"{want}"'],
            )
        body = line[4:]
        if index == 0:
            domain, _, rest = body.partition(" ")
            if (
                pattern("Domain").fullmatch(domain) is None
                and pattern("address-literal").fullmatch(domain) is None
            ):
                raise ParseError.at(
                    text,
                    start + 4,
                    "expected the server's Domain",
                    rule="Domain",
                    expected=["Domain", "address-literal"],
                )
            greeting = rest if rest else None
            continue
        kw, *params = body.split(" ")
        error: ParseError | None = None
        if kw_re.fullmatch(kw) is None:
            error = _at(
                index,
                start,
                line,
                start + 4,
                f"bad ehlo-keyword {kw!r}",
                rule="ehlo-keyword",
                expected=["ehlo-keyword"],
            )
        else:
            off = start + 4 + len(kw) + 1
            for p in params:
                if param_re.fullmatch(p) is None:
                    error = _at(
                        index,
                        start,
                        line,
                        off,
                        f"bad ehlo-param {p!r}",
                        rule="ehlo-param",
                        expected=["ehlo-param"],
                    )
                    break
                off += len(p) + 1
        if error is not None:
            if strict:
                raise error
            defects.append(Defect.from_error(error))
            continue
        line_obj = object.__new__(EhloLine)
        object.__setattr__(line_obj, "keyword", kw)
        object.__setattr__(line_obj, "params", tuple(params))
        out.append(line_obj)
    return EhloReply(
        domain=domain, greeting=greeting, lines=tuple(out), source=text, defects=tuple(defects)
    )


def serialize_ehlo(reply: EhloReply) -> str:
    """The reply as CRLF-terminated lines; the original text if parsed."""
    if reply.source is not None:
        return reply.source
    first = reply.domain if reply.greeting is None else f"{reply.domain} {reply.greeting}"
    texts = [first, *(str(line) for line in reply.lines)]
    last = len(texts) - 1
    return "".join(f"250{' ' if i == last else '-'}{t}\r\n" for i, t in enumerate(texts))

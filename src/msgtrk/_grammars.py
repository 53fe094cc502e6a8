"""Run-time access to the generated grammars (``msgtrk/grammars/``).

``pattern`` gives the regex fast path of an ABNF rule; ``parse`` runs the
LALR parser and turns every failure into ``msgtrk.ParseError`` speaking
ABNF (rule names and quoted literals, never Lark terminal names).
Nothing is built at import: parsers are loaded on first use, from the
prebuilt ``<name>.lark.pickle`` when it matches the ``.lark`` text and the
installed Lark, else built from ``<name>.lark``.
"""

from __future__ import annotations

import importlib
import os
import re
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from msgtrk._errors import ParseError

if TYPE_CHECKING:
    import lark

__all__ = ["parse", "parser", "pattern"]

_PACKAGE = "msgtrk.grammars"
_END = {"$END": "end of input", "<END-OF-FILE>": "end of input"}


@cache
def _tables(name: str) -> ModuleType:
    try:
        return importlib.import_module(f"{_PACKAGE}.{name}_patterns")
    except ModuleNotFoundError:
        raise KeyError(f"no generated grammar named {name!r}") from None


@cache
def _lowered(name: str, table: str) -> dict[str, str]:
    return {key.lower(): value for key, value in getattr(_tables(name), table).items()}


@cache
def pattern(name: str, rule: str) -> re.Pattern[str]:
    """The compiled fast-path regex of ABNF ``rule`` in grammar ``name`` (use ``.fullmatch``)."""
    try:
        return re.compile(_lowered(name, "PATTERNS")[rule.lower()])
    except KeyError:
        raise KeyError(f"grammar {name!r} has no regex for rule {rule!r}") from None


def _data(file_name: str) -> bytes:
    """A generated file of the package (read from disk; importlib.resources,
    which costs ~25 ms to import, only for zipped installs)."""
    path = os.path.join(os.path.dirname(__file__), "grammars", file_name)
    if os.path.exists(path):
        with open(path, "rb") as handle:
            return handle.read()
    from importlib import resources  # noqa: PLC0415

    return resources.files(_PACKAGE).joinpath(file_name).read_bytes()


@cache
def parser(name: str) -> lark.Lark:
    """The LALR parser of grammar ``name`` (contextual lexer), built once."""
    # Not at import time: the core stays light (issue 6, start-up).
    import hashlib  # noqa: PLC0415
    import io  # noqa: PLC0415
    import pickle  # noqa: PLC0415

    import lark  # noqa: PLC0415

    text = _data(f"{name}.lark").decode("utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    try:
        record: dict[str, Any] = pickle.loads(_data(f"{name}.lark.pickle"))  # our package data
        if record["lark_sha256"] == digest and record["lark_version"] == lark.__version__:
            loaded: lark.Lark = lark.Lark.load(io.BytesIO(record["parser"]))
            return loaded
    except (OSError, KeyError, ValueError, TypeError, pickle.UnpicklingError, AttributeError):
        pass
    start = list(_tables(name).START.values())
    return lark.Lark(text, parser="lalr", lexer="contextual", start=start, maybe_placeholders=False)


def parse(
    name: str, rule: str, text: str, *, source: str | None = None, offset: int = 0
) -> lark.Tree[Any]:
    """Parse ``text`` as ABNF ``rule`` of grammar ``name``.

    On failure raise ``ParseError`` positioned in ``source`` (the whole
    input, in which ``text`` starts at ``offset``; default ``text`` itself).
    """
    import lark  # noqa: PLC0415 - not at import time: the core stays light

    start = _lowered(name, "START").get(rule.lower())
    if start is None:
        raise KeyError(f"grammar {name!r} has no start rule {rule!r}")
    try:
        tree = parser(name).parse(text, start=start)
    except lark.exceptions.LarkError as error:
        raise _parse_error(
            error, name=name, rule=rule, text=text, source=source, offset=offset
        ) from None
    return tree


def _parse_error(
    error: Exception, *, name: str, rule: str, text: str, source: str | None, offset: int
) -> ParseError:
    import lark  # noqa: PLC0415 - not at import time: the core stays light

    terminals: dict[str, str] = _tables(name).TERMINALS
    whole = text if source is None else source
    expected_names: set[str] = set()
    if isinstance(error, lark.exceptions.UnexpectedCharacters):
        at: int = error.pos_in_stream or 0
        found = repr(text[at]) if 0 <= at < len(text) else "end of input"
        message = f"unexpected character {found}"
        expected_names = set(error.allowed or ())
    elif isinstance(error, lark.exceptions.UnexpectedToken):
        token = error.token
        expected_names = set(error.expected or ())
        if token.type == "$END":
            at = len(text)
            message = "unexpected end of input"
        else:
            # The token may come from the contextual lexer's root lexer,
            # whose type is misleading: show the text only.
            at = token.start_pos if isinstance(token.start_pos, int) else len(text)
            message = f"unexpected {str(token)!r}"
    elif isinstance(error, lark.exceptions.UnexpectedEOF):
        at = len(text)
        message = "unexpected end of input"
        expected_names = set(error.expected or ())
    else:
        at = 0
        message = f"cannot parse: {error}"
    expected = sorted({terminals.get(item, _END.get(item, item)) for item in expected_names})
    return ParseError.at(
        whole,
        offset + max(0, min(at, len(text))),
        message,
        rule=_innermost(name, rule, expected_names),
        expected=expected,
    )


def _innermost(name: str, rule: str, expected: set[str]) -> str:
    """The ABNF rule the error is in: the expected token's own rule when one
    token rule is expected, else the one rule whose body uses every expected
    terminal, else the start rule."""
    tables = _tables(name)
    if len(expected) == 1:
        shown = tables.TERMINALS.get(next(iter(expected)), "")
        if shown and not shown.startswith(('"', "%")) and "*" not in shown:
            return str(shown)
    wanted = expected - set(_END)
    if wanted:
        owners = [owner for owner, used in tables.RULE_TERMINALS.items() if wanted <= set(used)]
        if len(owners) == 1 and owners[0] in tables.RULES:
            return str(tables.RULES[owners[0]])
    return rule

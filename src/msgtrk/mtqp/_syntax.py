"""The MTQP grammar as the parsers use it (RFC 3887 §12, RFC 3885 §3.2, local-fixes.abnf).

Every syntax check of the package goes through the generated grammar
``mtqp`` (``grammar/specs/mtqp.toml``): :func:`pattern` is the regex fast
path of an ABNF rule, :func:`fail` runs the LALR parser on input the fast
path refused, to report the exact error in ABNF terms.
"""

from __future__ import annotations

import re

from msgtrk import _grammars
from msgtrk._errors import ParseError

__all__ = ["GRAMMAR", "fail", "first_bad", "pattern"]

GRAMMAR = "mtqp"


def pattern(rule: str) -> re.Pattern[str]:
    """The generated regex of ABNF ``rule`` (use ``.fullmatch``); cached."""
    return _grammars.pattern(GRAMMAR, rule)


def first_bad(text: str, start: int, allowed: re.Pattern[str]) -> int:
    """Offset of the first character of ``text[start:]`` not matching ``allowed``."""
    for i in range(start, len(text)):
        if not allowed.match(text[i]):
            return i
    return len(text)


def fail(
    rule: str,
    text: str,
    *,
    source: str | None = None,
    offset: int = 0,
    message: str | None = None,
) -> ParseError:
    """The error the LALR parser reports for ``text`` as start rule ``rule``.

    ``text`` starts at ``offset`` in ``source`` (the whole input).  If the
    parser accepts what the fast path refused (it should not), the error is
    placed at ``offset`` with ``message``.
    """
    try:
        _grammars.parse(GRAMMAR, rule, text, source=source, offset=offset)
    except ParseError as error:
        return error
    whole = text if source is None else source
    return ParseError.at(whole, offset, message or f"invalid {rule}", rule=rule)

"""The regular expressions of the ESMTP grammar, by ABNF rule name.

Every pattern used by :mod:`msgtrk.esmtp` comes from :func:`pattern`: the
regexes generated from ``grammar/abnf`` with the spec
``grammar/specs/esmtp.toml`` (``python -m msgtrk.abnf generate``), loaded
lazily by :func:`msgtrk._grammars.pattern` (no Lark parser is built).

RFC 5321 ``sub-domain = Let-dig [Ldh-str]`` extended by RFC 6531 ``=/
U-label`` matches every ASCII label both ways; the compiler drops the
alternative whose language lies within the other's (the local-fixes
U-label is LDH plus non-ASCII), so the generated ``Domain`` has one branch
and matches in linear time (it used to backtrack through 2^labels ways on
``"ab." * 30 + "-"``; fuzz finding F15, coord/requests.md esmtp 22:02).
"""

from __future__ import annotations

import functools
import re

__all__ = ["GRAMMAR", "pattern"]

GRAMMAR = "esmtp"


@functools.cache
def pattern(rule: str) -> re.Pattern[str]:
    """The compiled pattern of ABNF ``rule`` (use ``fullmatch``, or ``match`` at a position)."""
    from msgtrk import _grammars  # noqa: PLC0415

    return _grammars.pattern(GRAMMAR, rule)

"""The regular expressions of the ESMTP grammar, by ABNF rule name.

Every pattern used by :mod:`msgtrk.esmtp` comes from :func:`pattern`: the
regexes generated from ``grammar/abnf`` with the spec
``grammar/specs/esmtp.toml`` (``python -m msgtrk.abnf generate``), loaded
lazily by :func:`msgtrk._grammars.pattern` (no Lark parser is built).

One repair is applied (coord/requests.md, esmtp 21:58): RFC 5321 ``sub-domain
= Let-dig [Ldh-str]`` extended by RFC 6531 ``=/ U-label`` is generated as a
two-way alternation whose branches both match every ASCII label, so a
failing match backtracks through 2^labels combinations (``"ab." * 30 +
"-"``).  The U-label branch comes first and contains the other one (the
local-fixes U-label is LDH plus non-ASCII), so making each label an atomic
group keeps the language and makes matching linear.
"""

from __future__ import annotations

import functools
import re

__all__ = ["GRAMMAR", "pattern"]

GRAMMAR = "esmtp"


@functools.cache
def _label() -> str:
    """The generated one-label alternation of ``Domain`` (before ``(?:\\.``)."""
    from msgtrk import _grammars  # noqa: PLC0415

    domain: str = _grammars.pattern(GRAMMAR, "Domain").pattern
    cut = domain.find(r"(?:\.")
    return domain[:cut] if cut > 0 and domain.startswith("(?:") else ""


@functools.cache
def pattern(rule: str) -> re.Pattern[str]:
    """The compiled pattern of ABNF ``rule`` (use ``fullmatch``, or ``match`` at a position)."""
    from msgtrk import _grammars  # noqa: PLC0415

    compiled: re.Pattern[str] = _grammars.pattern(GRAMMAR, rule)
    label = _label()
    if label and label in compiled.pattern:
        return re.compile(compiled.pattern.replace(label, "(?>" + label[3:]))
    return compiled

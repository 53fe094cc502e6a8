"""No catastrophic backtracking (issue 7 item 3).

Every regular expression msgtrk uses - the generated fast-path tables, the
hand-written stand-ins, every module-level pattern and every literal
``re.<function>(...)`` call in ``src/msgtrk`` (``msgtrk_fuzz.inventory``) -
gets worst-case inputs: for each long or unbounded repeat, a prefix that
reaches it, ``n`` copies of what it loops on, and a non-matching tail
(``msgtrk_fuzz.redos``).  Each is timed with the methods the code calls on
that pattern (``search`` for scanning calls), for ``n`` and ``10 n`` in the
same run: the ratio must stay near linear.  Never an absolute time.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from msgtrk_fuzz import inventory, stats
from msgtrk_fuzz.known import FINDINGS_URL
from msgtrk_fuzz.redos import growth, pumped_inputs

# time(10 n) / time(n): linear work measures 10-13 (allocation grows a bit
# faster than the input); quadratic work measures about 100.  30 leaves room
# for a loaded machine (the other xdist worker shares the caches).
MAX_RATIO = 30.0
TAILS = ("\x00", "!\n")


def _report_patterns() -> Iterator[re.Pattern[str]]:
    # _report.split_multipart: the delimiter line of a boundary (RFC 2046 §5.1.1).
    for boundary in ("B", "RAA14128.773615765/CS.UTK.EDU", "%%%%", "=_a b"):
        yield re.compile(r"(?m)^--" + re.escape(boundary) + r"(--)?[ \t]*\r?$")


def _status_value_patterns() -> Iterator[re.Pattern[str]]:
    from msgtrk._status import _patterns  # noqa: PLC0415

    for rule in _patterns.RULES:
        for utf8 in (False, True):
            yield _patterns.value_pattern(rule, utf8)


def _generated_patterns() -> Iterator[re.Pattern[str]]:
    from msgtrk import _grammars  # noqa: PLC0415

    for name in ("status", "esmtp", "mtqp"):
        table = importlib.import_module(f"msgtrk.grammars.{name}_patterns").PATTERNS
        for rule in table:
            yield _grammars.pattern(name, rule)


def _status_comment() -> Iterator[re.Pattern[str]]:
    from msgtrk._status import _patterns  # noqa: PLC0415

    comment = _patterns._comment()
    if comment is not None:
        yield comment


def _serializer_delimiters() -> Iterator[re.Pattern[bytes]]:
    # _report.write_multipart / _mtsn.serialize_response: is the delimiter in the content?
    for delim in (b"--B", b"--%%%%"):
        yield re.compile(rb"(?m)^" + re.escape(delim))


# Every re call whose pattern is built at run time inside a function, and
# what yields the patterns it can build: (file, function) -> (methods, provider).
PROVIDERS: dict[tuple[str, str], tuple[frozenset[str], Callable[[], Iterator[re.Pattern]]]] = {
    ("_report.py", "split_multipart"): (frozenset({"search"}), _report_patterns),
    ("_status/_patterns.py", "value_pattern"): (
        frozenset({"fullmatch", "match"}),
        _status_value_patterns,
    ),
    ("_grammars.py", "pattern"): (frozenset({"fullmatch"}), _generated_patterns),
    # the status fast path strips comments with the COMMENT terminal of status.lark (re.sub)
    ("_status/_patterns.py", "_comment"): (frozenset({"search"}), _status_comment),
    ("_report.py", "write_multipart"): (frozenset({"search"}), _serializer_delimiters),
    ("_mtsn.py", "serialize_response"): (frozenset({"search"}), _serializer_delimiters),
    # abnf._lark._regex_nullable matches a compiled rule against "" only: no input to grow.
    ("abnf/_lark.py", "_regex_nullable"): (frozenset(), lambda: iter(())),
}


def _all_uses() -> list[inventory.Use]:
    uses = inventory.literal_sites() + inventory.module_patterns()
    for site in inventory.dynamic_sites():
        entry = PROVIDERS.get((site.file, site.function))
        if entry is None:
            continue  # reported by test_every_dynamic_site_has_a_provider
        methods, provider = entry
        if not methods:
            continue
        for pattern in provider():
            uses.append(inventory.Use(pattern, methods, f"{site.file}:{site.function}"))
    unique: dict[tuple[object, int, frozenset[str]], inventory.Use] = {}
    for use in uses:
        unique.setdefault((use.pattern.pattern, use.pattern.flags, use.methods), use)
    return list(unique.values())


USES = _all_uses()


def test_every_dynamic_site_has_a_provider() -> None:
    missing = [
        f"{s.file}:{s.line} re.{s.func} in {s.function}"
        for s in inventory.dynamic_sites()
        if (s.file, s.function) not in PROVIDERS
    ]
    assert not missing, (
        "re calls with a pattern built at run time and no provider in "
        f"tests/fuzz/test_backtracking.py PROVIDERS: {missing}"
    )


def test_the_inventory_is_not_empty() -> None:
    # a regression in the scan would silently check nothing
    assert len(USES) >= 40
    assert any("search" in u.methods for u in USES)


@pytest.mark.parametrize("name", ["status", "esmtp", "mtqp"])
def test_every_generated_table_is_checked(name: str) -> None:
    from msgtrk import _grammars  # noqa: PLC0415

    table = importlib.import_module(f"msgtrk.grammars.{name}_patterns").PATTERNS
    checked = {u.pattern.pattern for u in USES}
    assert table
    assert set(table.values()) <= checked
    assert _grammars.pattern(name, next(iter(table))).pattern in checked


def _measure(use: inventory.Use) -> list[str]:
    problems: list[str] = []
    pattern = use.pattern
    for pump in pumped_inputs(pattern):  # type: ignore[arg-type]
        for method in sorted(use.methods):
            fn = getattr(pattern, method)
            for maker in pump.makers():
                for tail in TAILS:

                    def make(n: int, maker: Any = maker, tail: str = tail) -> str | bytes:
                        text: str = maker(n, tail)
                        if isinstance(pattern.pattern, bytes):
                            return text.encode("latin-1", "replace")
                        return text

                    ratio, n = growth(fn, make, limit=MAX_RATIO)
                    stats.record("regex worst-case inputs (n and 10n)", 2)
                    if ratio > MAX_RATIO:
                        at = "right after the loop" if maker == pump.make_inside else "at the end"
                        problems.append(
                            f"{use.where}: {method} grows x{ratio:.0f} from n={n} to 10n on "
                            f"{pump.where} (unit {pump.unit!r}, tail {tail!r} {at})"
                        )
    return problems


# Patterns of open findings (fuzz/FINDINGS.md), matched by source text.
KNOWN_SLOW: dict[str, str] = {}
KNOWN_SLOW_WHERE: dict[str, str] = {}


def _finding(use: inventory.Use) -> str | None:
    return KNOWN_SLOW.get(str(use.pattern.pattern)) or KNOWN_SLOW_WHERE.get(use.where)


def _param(use: inventory.Use) -> object:
    finding = _finding(use)
    marks = ()
    if finding is not None:
        reason = f"open fuzz finding {finding} in {FINDINGS_URL}"
        marks = (pytest.mark.xfail(strict=True, reason=reason),)
    return pytest.param(use, id=use.where, marks=marks)


@pytest.mark.parametrize("use", [_param(u) for u in USES])
def test_linear_time(use: inventory.Use) -> None:
    problems = _measure(use)
    assert not problems, "\n".join(problems)


# Generated before the compiler pruned overlapping alternatives (finding F15
# and the esmtp Domain report): both exponential on a failing tail.
# mtqp PATTERNS["response-info"]: "ADMIN" matches the keyword and 1*NAMECHAR.
OLD_RESPONSE_INFO = (
    "(?:(?:(?>\\/)(?:(?>[Aa][Dd][Mm][Ii][Nn])|(?>[Uu][Nn][Aa][Vv][Aa][Ii][Ll][Aa][Bb]["
    "Ll][Ee])|(?>[Uu][Nn][Ss][Uu][Pp][Pp][Oo][Rr][Tt][Ee][Dd])|(?>[Tt][Ll][Ss]\\-[Ii]["
    "Nn]\\-[Pp][Rr][Oo][Gg][Rr][Ee][Ss][Ss])|(?>[Ii][Nn][Ss][Ee][Cc][Uu][Rr][Ee])|(?>["
    "Tt][Ll][Ss]\\-[Rr][Ee][Qq][Uu][Ii][Rr][Ee][Dd])|(?>[\\-0-9A-Z_a-z]+)))*)"
)
# esmtp PATTERNS["Domain"]: every ASCII label matches U-label and Let-dig [Ldh-str].
OLD_DOMAIN = (
    "(?:[^\\x00-\\/\\:-\\@\\[-\\`\\{-\\x7f\\ud800-\\udfff](?:[^\\x00-\\,\\.\\/\\:-\\@\\[-\\`\\{-\\x7f\\ud8"
    "00-\\udfff]*[^\\x00-\\/\\:-\\@\\[-\\`\\{-\\x7f\\ud800-\\udfff])?|[0-9A-Za-z](?:[\\-0-9A-Za-z"
    "]*[0-9A-Za-z])?)(?:\\.(?:[^\\x00-\\/\\:-\\@\\[-\\`\\{-\\x7f\\ud800-\\udfff](?:[^\\x00-\\,\\.\\/"
    "\\:-\\@\\[-\\`\\{-\\x7f\\ud800-\\udfff]*[^\\x00-\\/\\:-\\@\\[-\\`\\{-\\x7f\\ud800-\\udfff])?|[0-9A"
    "-Za-z](?:[\\-0-9A-Za-z]*[0-9A-Za-z])?))*"
)
# status quoted-string: the RFC 5322 FWS alternatives ([*WSP CRLF] 1*WSP and
# obs-FWS) both match " ", inside the atomic group of the LOCAL_PART token.
OLD_QUOTED_FWS = (
    r'(?>"(?:(?:(?:[\x09\x20]*\x0d\x0a)?[\x09\x20]+|(?:(?:\x0d\x0a)?[\x09\x20])+)?[a-z])*'
    r'(?:(?:[\x09\x20]*\x0d\x0a)?[\x09\x20]+|(?:(?:\x0d\x0a)?[\x09\x20])+)?")@a'
)
# mtqp PATTERNS["unique-envid"], xtext "@" xtext: xtext contains "@", every "@"
# is a split to try (quadratic; parse_uri took seconds on 20 000 "@").
OLD_UNIQUE_ENVID = r"(?:\+[0-9A-F]{2}|[\!-\*\,-\<\>-\~])*\@(?:\+[0-9A-F]{2}|[\!-\*\,-\<\>-\~])*"

# a string each matches (the pattern texts are the old ones, not mangled)

OLD_SAMPLES = {
    OLD_RESPONSE_INFO: "/ADMIN/x-1",
    OLD_DOMAIN: "ab.exämple.c-d",
    OLD_QUOTED_FWS: '"a b\r\n c"@a',
    OLD_UNIQUE_ENVID: "a@b@c",
}


@pytest.mark.parametrize(
    "text",
    [OLD_RESPONSE_INFO, OLD_DOMAIN, OLD_QUOTED_FWS, OLD_UNIQUE_ENVID],
    ids=["response-info", "Domain", "quoted-string", "unique-envid"],
)
def test_the_pump_flags_the_old_exponential_patterns(text: str) -> None:
    # the detector must see what it missed before: a loop body sampled from
    # the sub-pattern (".a" for a Domain label), a tail right after the loop
    pattern = re.compile(text)
    assert pattern.fullmatch(OLD_SAMPLES[text])
    for pump in pumped_inputs(pattern):
        for maker in pump.makers():
            for tail in TAILS:

                def make(n: int, maker: Any = maker, tail: str = tail) -> str:
                    text: str = maker(n, tail)
                    return text

                ratio, _ = growth(pattern.fullmatch, make, budget=0.25, limit=MAX_RATIO)
                if ratio > MAX_RATIO:
                    return
    pytest.fail("no pumped input makes the old pattern grow faster than linear")

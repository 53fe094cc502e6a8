"""Hostile grammars and the regex emitter's backtracking guarantee (issue 7).

Nesting limits (fuzz finding F21), error positions of compiler errors (F20),
and alternatives pruned by language containment (F15, the esmtp Domain
report): the emitter never leaves two alternatives of which one matches a
subset of the other, and the languages stay exactly what they were.
"""

from __future__ import annotations

import re

import interegular
import lark
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import msgtrk.abnf._regex as regex_module
from msgtrk import AbnfError, ParseError, abnf
from msgtrk._errors import position
from msgtrk.abnf import Grammar, Spec, compile_grammar, strategy, to_regex
from msgtrk.abnf._build import bundle, compile_spec
from msgtrk.abnf._contain import MAX_STATES, within
from msgtrk.abnf._reader import MAX_NESTING
from msgtrk.abnf._regex import MAX_INLINE_DEPTH

# ------------------------------------------------------------------ nesting


def test_limits_are_the_documented_ones() -> None:
    # SECURITY.md (abnf row), docs/conformance/abnf-compiler.md, grammar/README.md
    assert (MAX_NESTING, MAX_INLINE_DEPTH) == (64, 100)


@pytest.mark.parametrize(("left", "right"), [("(", ")"), ("[", "]")])
def test_nesting_up_to_the_limit_is_read(left: str, right: str) -> None:
    text = "ss = " + left * MAX_NESTING + '"a"' + right * MAX_NESTING
    grammar = Grammar.from_text(text)
    assert re.fullmatch(to_regex(grammar, "ss"), "a")


@pytest.mark.parametrize(("left", "right"), [("(", ")"), ("[", "]")])
@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 200, 2000])
def test_nesting_beyond_the_limit_is_an_abnf_error(left: str, right: str, depth: int) -> None:
    # fuzz finding F21: a RecursionError escaped at depth 200
    text = 'x = "b"\n\nss = "x" ' + left * depth + '"a"' + right * depth
    with pytest.raises(AbnfError) as caught:
        Grammar.from_text(text)
    error = caught.value
    assert isinstance(error, ParseError)
    assert "nested more than" in error.message
    bracket = text.index(left) + MAX_NESTING  # the first bracket too deep
    assert error.offset == bracket
    assert (error.line, error.column) == (3, 10 + MAX_NESTING) == position(text, bracket)


def test_mixed_nesting_counts_both_brackets() -> None:
    half = MAX_NESTING // 2 + 1
    text = "ss = " + "([" * half + '"a"' + "])" * half
    with pytest.raises(AbnfError) as caught:
        Grammar.from_text(text)
    assert caught.value.offset == 5 + MAX_NESTING


def _chain(n: int) -> str:
    return "".join(f'r{i} = r{i + 1} "x"\n' for i in range(n)) + f'r{n} = "y"\n'


def test_rules_referenced_up_to_the_limit_compile() -> None:
    grammar = Grammar.from_text(_chain(MAX_INLINE_DEPTH - 1))
    assert re.fullmatch(to_regex(grammar, "r0"), "y" + "x" * (MAX_INLINE_DEPTH - 1))
    assert strategy(grammar, "r0") is not None


def test_rules_referenced_too_deep_are_an_abnf_error() -> None:
    text = _chain(MAX_INLINE_DEPTH + 50)  # 600: a RecursionError in to_regex and strategy before
    grammar = Grammar.from_text(text)
    for build in (lambda: to_regex(grammar, "r0"), lambda: strategy(grammar, "r0")):
        with pytest.raises(AbnfError) as caught:
            build()
        error = caught.value
        assert error.rule == f"r{MAX_INLINE_DEPTH}"
        assert position(text, error.offset) == (error.line, error.column)
        assert (error.line, error.column) == (
            MAX_INLINE_DEPTH,
            len(f"r{MAX_INLINE_DEPTH - 1} = ") + 1,
        )


# ------------------------------------------------------------ error positions


def test_compiler_errors_name_the_rule_where_it_is() -> None:
    text = 'top = e "a"\n\ne = ""\n'
    with pytest.raises(AbnfError) as caught:
        compile_grammar(Grammar.from_text(text), Spec(start=("top",), tokens=("e",)))
    error = caught.value
    assert "only the empty string" in error.message
    assert (error.line, error.column) == (3, 1) == position(text, error.offset)


def test_field_value_errors_name_the_rule_where_it_is() -> None:
    text = 'top = "a"\n\nfield = "Name" "x"\n'
    with pytest.raises(AbnfError) as caught:
        compile_grammar(Grammar.from_text(text), Spec(start=("top",), field_values=("field",)))
    error = caught.value
    assert (error.line, error.column) == (3, 1) == position(text, error.offset)


# ------------------------------------------------------------ pruning

LABELS = """\
domain = sub-domain *("." sub-domain)
sub-domain = Let-dig [Ldh-str]
sub-domain =/ U-label
Let-dig = ALPHA / DIGIT
Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig
U-label = ( Let-dig / %x80-10FFFF ) [ *( Let-dig / %x80-10FFFF / "-" ) ( Let-dig / %x80-10FFFF ) ]
"""


def test_an_alternative_within_another_is_dropped() -> None:
    # RFC 5321 sub-domain =/ RFC 6531 U-label (local stand-in): one branch
    pattern = to_regex(Grammar.from_text(LABELS), "domain")
    assert "|" not in pattern
    assert re.fullmatch(pattern, "ab.exämple.c-d")
    assert not re.fullmatch(pattern, "ab.-c")


def test_regrouped_containment_is_seen() -> None:
    # RFC 5322 FWS: [*WSP CRLF] 1*WSP lies within obs-FWS 1*([CRLF] WSP)
    text = "fws = ([*WSP CRLF] 1*WSP) / obs-fws\nobs-fws = 1*([CRLF] WSP)\n"
    pattern = to_regex(Grammar.from_text(text), "fws")
    assert pattern == r"(?:(?:\x0d\x0a)?[\x09\x20])+"


def test_keywords_within_a_run_are_dropped_from_a_token() -> None:
    text = 'code = "admin" / "tls-required" / 1*namechar\nnamechar = ALPHA / DIGIT / "-"\n'
    assert to_regex(Grammar.from_text(text), "code") == r"[\-0-9A-Za-z]+"


def test_overlapping_alternatives_that_do_not_contain_each_other_stay() -> None:
    text = 'r = "ab" 1*DIGIT / 1*ALPHA "1"\n'
    pattern = to_regex(Grammar.from_text(text), "r")
    assert pattern.count("|") == 1
    assert re.fullmatch(pattern, "ab1") and re.fullmatch(pattern, "ab12")
    assert re.fullmatch(pattern, "abc1")


def test_containment_gives_up_on_huge_automata() -> None:
    # *998OCTET is not expanded into 998 states twice: "not known" keeps both
    octet = ("c", ((0, 255),))
    big = ("r", 0, MAX_STATES, octet)
    assert not within(("r", 0, 5, octet), big)
    assert within(("r", 0, 5, octet), ("r", 0, None, octet))


def test_within() -> None:
    wsp = ("c", ((9, 9), (32, 32)))
    crlf = ("s", (("c", ((13, 13),)), ("c", ((10, 10),))))
    fws = ("s", (("r", 0, 1, ("s", (("r", 0, None, wsp), crlf))), ("r", 1, None, wsp)))
    obs = ("r", 1, None, ("s", (("r", 0, 1, crlf), wsp)))
    assert within(fws, obs)
    assert not within(obs, fws)  # " \r\n \r\n " folds twice
    assert within(("e",), ("r", 0, 1, wsp))
    assert not within(("e",), wsp)
    assert not within(None, None)
    assert not within(wsp, None)


# The terminals of the bundled grammars with and without pruning: the same
# languages (interegular decides it on the automata; test dependency only).
def _terminals() -> dict[str, dict[str, str]]:
    where = bundle()
    found = {}
    for path in where.spec_paths():
        compiled = compile_spec(path, where.abnf)
        found[path.stem] = {t.name: t.regex() for t in compiled.terminals}
    return found


def _fsm(pattern: str) -> interegular.FSM:
    # interegular reads \uXXXX as a property escape: write the characters;
    # the surrogate range (excluded from negated classes) is left out
    pattern = pattern.replace("\\ud800-\\udfff", "")
    assert "\\ud" not in pattern

    def char(match: re.Match[str]) -> str:
        return re.escape(chr(int(match.group(1), 16)))

    return interegular.parse_pattern(re.sub(r"\\u([0-9a-f]{4})", char, pattern)).to_fsm()


def test_pruning_keeps_every_terminal_language(monkeypatch: pytest.MonkeyPatch) -> None:
    pruned = _terminals()
    monkeypatch.setattr(regex_module, "_prune", lambda ordered: ordered)
    unpruned = _terminals()
    changed = 0
    for grammar, terminals in unpruned.items():
        for name, before in terminals.items():
            after = pruned[grammar][name]
            if after != before:
                changed += 1
                assert _fsm(after).equivalent(_fsm(before)), f"{grammar} {name}"
    assert changed >= 4  # DOMAIN (esmtp, status), FWS, COMMENT, LOCAL_PART, ADDRESS_LITERAL


def test_unique_envid_is_written_with_one_split() -> None:
    # local-fixes: RFC 3885 xtext "@" xtext, split at the first "@" (same strings)
    printed = Grammar.from_text(
        'u = x "@" x\nx = *( %x21-2A / %x2C-3C / %x3E-7E / "+" 2( %x30-39 / %x41-46 ) )\n'
    )
    where = bundle()
    for name in ("esmtp", "mtqp"):
        compiled = compile_spec(where.specs / f"{name}.toml", where.abnf)
        token = next(t for t in compiled.terminals if t.name == "UNIQUE_ENVID")
        assert _fsm(token.regex()).equivalent(_fsm(to_regex(printed, "u")))


# ------------------------------------------------------------ the fast path guard


def _response_info() -> str:
    from msgtrk.grammars import mtqp_patterns  # noqa: PLC0415

    return mtqp_patterns.PATTERNS["response-info"]


def test_keywords_within_a_run_token_are_guarded() -> None:
    # mtqp response-info = *("/" ("admin" / ... / 1*NAMECHAR)): each keyword
    # only where a NAMECHAR follows it, where the run token ends elsewhere
    pattern = _response_info()
    assert pattern.count("(?=[\\-0-9A-Z_a-z])") == 6
    assert re.fullmatch(pattern, "/ADMIN/tls-in-progress/x")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["/", "ADMIN", "admin", "x", "-", "_", " ", "\x00"]), max_size=12))
def test_the_guard_keeps_the_language(parts: list[str]) -> None:
    text = "".join(parts)
    guarded = _response_info()
    unguarded = re.sub(r"\(\?=\[[^\]]*\]\)", "", guarded)
    assert bool(re.fullmatch(guarded, text)) == bool(re.fullmatch(unguarded, text))


def test_case_sensitive_literals_that_differ_in_case_are_distinct() -> None:
    # RFC 7405 §2.1: %s"GET" and %s"get" are two strings (second review, finding 2)
    parser = abnf.compile('method = %s"GET" / %s"get" / %s"Get"\n', start=["method"])
    for text in ("GET", "get", "Get"):
        parser.parse(text)
    with pytest.raises(lark.exceptions.LarkError):
        parser.parse("gEt")
    lalr = abnf.compile(
        'method = %s"GET" / %s"get"\n', start=["method"], spec=abnf.Spec(parser="lalr")
    )
    assert lalr.parse("get") is not None


def test_a_grammar_lark_refuses_is_an_abnf_error() -> None:
    # an LALR conflict used to escape as lark.exceptions.GrammarError (second review, finding 3)
    text = 'a = b "x" "y" / c "x" "z"\nb = "p" "q"\nc = "p" "q"\n'
    with pytest.raises(AbnfError, match="Lark cannot build the lalr parser") as info:
        abnf.compile(text, start=["a"], spec=abnf.Spec(parser="lalr"))
    assert isinstance(info.value.__cause__, lark.exceptions.GrammarError)
    assert abnf.compile(text, start=["a"]).parse("pqxz") is not None  # Earley takes it


def test_zero_repetitions_of_anything_is_the_empty_string() -> None:
    # RFC 3986 path-empty = 0<pchar> (RFC 5234 §3.7); was refused as prose (second review)
    grammar = Grammar.from_text('path-empty = 0<pchar>\nx = "a" 0*0"b" "c"\n')
    assert not [p for p in grammar.problems(["path-empty", "x"]) if p.severity == "error"]
    assert re.fullmatch(to_regex(grammar, "path-empty"), "")
    assert re.fullmatch(to_regex(grammar, "x"), "ac")
    assert not re.fullmatch(to_regex(grammar, "x"), "abc")
    assert abnf.compile("path-empty = 0<pchar>\n", start=["path-empty"]).parse("") is not None

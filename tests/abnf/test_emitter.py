"""The Lark emitter's fixes (shared/notes/abnf-to-lalr.md, "What the compiler must do")."""

from __future__ import annotations

import re

import lark
import pytest

from msgtrk.abnf import Grammar, Spec, compile_grammar, to_lark, to_regex

PARAMS = """\
; RFC 9999 §1
params = param *(SP param)
param = envid / generic
envid = "ENVID=" word
generic = keyword ["=" word]
keyword = 1*ALPHA
word = 1*(ALPHA / DIGIT)
"""


def _lalr(text: str, spec: Spec) -> lark.Lark:
    return compile_grammar(Grammar.from_text(text), spec).lark(strict=True)


def test_keyword_split_from_equals_is_retyped() -> None:
    """ "ENVID=" becomes "ENVID"i "=": a generic keyword that equals it is re-typed."""
    spec = Spec(start=("params",), tokens=("keyword", "word"), inline=("SP",))
    text = compile_grammar(Grammar.from_text(PARAMS), spec).lark_text()
    assert 'KW_ENVID: "ENVID"i' in text
    assert 'EQUAL: "="' in text
    tree = _lalr(PARAMS, spec).parse("envid=abc FOO=1 ENVIDX=2", start="params")
    kinds = [tree.children[0].data for tree in tree.find_data("param")]
    assert kinds == ["envid", "generic", "generic"]


def test_every_terminal_is_named() -> None:
    spec = Spec(start=("params",), tokens=("keyword", "word"), inline=("SP",))
    compiled = compile_grammar(Grammar.from_text(PARAMS), spec)
    parser = compiled.lark()
    assert not [t.name for t in parser.terminals if t.name.startswith("__")]
    assert set(compiled.display) == {t.name for t in parser.terminals}
    assert compiled.display["KW_ENVID"] == '"ENVID"'
    assert compiled.display["WORD"] == "word"


def test_case_insensitive_literals_are_not_exploded() -> None:
    long_name = '"Original-Envelope-Id"'
    text = to_lark(Grammar.from_text(f"r = {long_name}"), Spec(start=("r",)))
    assert 'KW_ORIGINAL_ENVELOPE_ID: "Original-Envelope-Id"i' in text


def test_crlf_is_hidden() -> None:
    grammar = Grammar.from_text('r = "a" CRLF\n')
    tree = compile_grammar(grammar, Spec(start=("r",))).lark().parse("a\r\n", start="r")
    assert [token.type for token in tree.children] == ["KW_A"]


def test_header_and_abnf_comments() -> None:
    compiled = compile_grammar(
        Grammar.from_text(PARAMS, filename="x.abnf"), Spec(start=("params",), tokens=("word",))
    )
    text = compiled.lark_text(["generated - do not edit"])
    assert text.startswith("// generated - do not edit\n")
    assert "// RFC 9999 §1 (x.abnf)\n// params = param *(SP param)\nparams:" in text


def test_obs_duplicates_merge_after_deleting_ignorables() -> None:
    """obs-day-of-week collapses to day-name: no reduce/reduce conflict."""
    text = """\
date = [day-of-week ","] day
day-of-week = ([FWS] day-name) / obs-day-of-week
obs-day-of-week = [CFWS] day-name [CFWS]
day-name = "Mon" / "Tue"
day = 1*2DIGIT
CFWS = 1*WSP
FWS = 1*WSP
"""
    spec = Spec(start=("date",), tokens=("day-name", "day"), ignore=("FWS",), drop=("CFWS",))
    parser = _lalr(text, spec)
    assert parser.parse(" Mon , 12", start="date") is not None
    assert parser.parse("12", start="date") is not None


def test_nullable_tokens_and_rules_become_optional() -> None:
    text = 'r = "[" x "]" y\nx = *ALPHA\ny = *DIGIT\n'
    parser = _lalr(text, Spec(start=("r",), tokens=("x",)))
    for good in ["[]", "[ab]", "[]12", "[a]3"]:
        assert parser.parse(good, start="r") is not None


def test_runs() -> None:
    text = 'r = "a" ";" *text\ntext = %x20-7E\n'
    spec = Spec(start=("r",), runs=("text",), priorities={"TEXT_RUN": 2})
    compiled = compile_grammar(Grammar.from_text(text), spec)
    assert compiled.display["TEXT_RUN"] == "*text"
    tree = compiled.lark(strict=True).parse("a; (hello) x", start="r")
    assert tree.children[-1] == " (hello) x"


def test_nested_comment_depth() -> None:
    text = 'comment = "(" *(ctext / comment) ")"\nctext = %x61-7A\n'
    pattern = re.compile(to_regex(Grammar.from_text(text), "comment", depth=3))
    assert pattern.fullmatch("(a(b(c)))")
    assert not pattern.fullmatch("(a(b(c(d))))")
    assert not pattern.fullmatch("(a")


def test_escapes_are_never_any_character() -> None:
    """%x2E must match only ".", %x5D only "]" (Lark reads \\xHH as raw characters)."""
    text = "r = %x2E %x5D %x5C %x2F 1*%x2A-2B\n"
    parser = compile_grammar(Grammar.from_text(text), Spec(start=("r",), tokens=("r",))).lark()
    assert parser.parse(".]\\/*+", start="r") is not None
    for bad in ["x]\\/*", ".x\\/*", ".]x/*", ".]\\x*"]:
        with pytest.raises(lark.exceptions.UnexpectedInput):
            parser.parse(bad, start="r")


def test_large_unicode_classes_are_negated() -> None:
    """Lark strict mode (interegular) enumerates positive classes: write the complement."""
    pattern = to_regex(Grammar.from_text("r = %x1-10FFFF\n"), "r")
    assert pattern.startswith("[^")
    assert re.fullmatch(pattern, "\U0010ffff") and not re.fullmatch(pattern, "\x00")


def test_lexer_alternatives_longest_first() -> None:
    """A lexer takes the first alternative that matches: wider ones go first."""
    text = "d = sub *(%x2E sub)\nsub = ALPHA / ulabel\nulabel = 1*(ALPHA / %x80-FF)\n"
    parser = compile_grammar(Grammar.from_text(text), Spec(start=("d",), tokens=("d",))).lark()
    assert parser.parse("a\xe9b.c", start="d") is not None


def test_field_values_are_derived() -> None:
    text = 'status-field = "Status" ":" code\ncode = DIGIT "." DIGIT\n'
    spec = Spec(start=("status-field-value",), field_values=("status-field",), tokens=("code",))
    parser = _lalr(text, spec)
    assert parser.parse("2.0", start="status_field_value").children[0] == "2.0"


def test_regex_of_compiled_grammar_mirrors_the_lexer() -> None:
    text = 'r = "a" FWS x\nx = 1*DIGIT\nFWS = 1*WSP\n'
    compiled = compile_grammar(
        Grammar.from_text(text), Spec(start=("r",), tokens=("x",), ignore=("FWS",))
    )
    pattern = re.compile(compiled.regex("r"))
    assert pattern.fullmatch(" a 12 ") and pattern.fullmatch("a12")
    assert not pattern.fullmatch("a b")

"""Every ABNF construct (RFC 5234 §2-§4, RFC 7405), accepted and rejected.

Each row compiles a one-rule grammar with the default spec (Earley) and
with a LALR spec where the rule is its own token, and checks both the
parser and the regex emitted by ``to_regex``.
"""

from __future__ import annotations

import re
from pathlib import Path

import lark
import pytest

from msgtrk.abnf import Grammar, Spec, compile, compile_grammar, to_regex

# (ABNF of rule "r", accepted inputs, rejected inputs)
CONSTRUCTS = [
    # §2.3 terminal values: a quoted string is case-insensitive
    ('r = "abc"', ["abc", "ABC", "aBc"], ["ab", "abcd", "xbc"]),
    # RFC 7405 §2.2: %s is case-sensitive, %i case-insensitive
    ('r = %s"aBc"', ["aBc"], ["abc", "ABC"]),
    ('r = %i"aBc"', ["abc", "ABC"], ["ab"]),
    # §2.3 / §3.4 numeric values and ranges, each base
    ("r = %x2E", ["."], ["x", "", ".."]),  # never "any character"
    ("r = %x5D", ["]"], ["x", "\\"]),
    ("r = %d13.10", ["\r\n"], ["\n", "\r"]),
    ("r = %b1000001", ["A"], ["a"]),
    ("r = %x30-39", ["0", "5", "9"], ["a", "/", ":"]),
    ("r = %x41.42.43", ["ABC"], ["abc"]),  # dotted values are case-sensitive
    ("r = %x10000-10FFFF", ["\U00010000", "\U0010ffff"], ["\uffff"]),
    # §3.1 concatenation, §3.2 alternation, §3.3 incremental alternatives
    ('r = "a" "b"', ["ab"], ["a", "ba"]),
    ('r = "a" / "b"', ["a", "b"], ["ab", ""]),
    ('r = "a"\nr =/ "b"', ["a", "b"], ["c"]),
    # §3.5 grouping, §3.6 variable repetition, §3.7 specific repetition
    ('r = ("a" / "b") "c"', ["ac", "bc"], ["c", "abc"]),
    ('r = 2*3"a"', ["aa", "aaa"], ["a", "aaaa"]),
    ('r = *"a"', ["", "a", "aaaa"], ["b"]),
    ('r = 1*"a"', ["a", "aa"], [""]),
    ('r = *2"a"', ["", "a", "aa"], ["aaa"]),
    ('r = 3"a"', ["aaa"], ["aa", "aaaa"]),
    # §3.8 optional sequence
    ('r = "a" ["b"] "c"', ["ac", "abc"], ["abbc"]),
    # §3.9 comments, §3.1 continuation lines, rules across lines
    ('r = "a" ; a comment\n    / "b" ; another\n', ["a", "b"], ["c"]),
    # rule references, core rules (RFC 5234 Appendix B) supplied
    ("r = DIGIT 1*ALPHA", ["1a", "9xyz"], ["a1", "1"]),
    ("r = x y\nx = %x61\ny = x / %x62", ["aa", "ab"], ["ba", "a"]),
]


@pytest.mark.parametrize(("abnf", "good", "bad"), CONSTRUCTS)
def test_construct_earley(abnf: str, good: list[str], bad: list[str]) -> None:
    parser = compile(abnf, start=["r"])
    for text in good:
        parser.parse(text, start="r")
    for text in bad:
        with pytest.raises(lark.exceptions.UnexpectedInput):
            parser.parse(text, start="r")


@pytest.mark.parametrize(("abnf", "good", "bad"), CONSTRUCTS)
def test_construct_regex(abnf: str, good: list[str], bad: list[str]) -> None:
    pattern = re.compile(to_regex(Grammar.from_text(abnf), "r"))
    assert all(pattern.fullmatch(text) for text in good)
    assert not any(pattern.fullmatch(text) for text in bad)


@pytest.mark.parametrize(("abnf", "good", "bad"), CONSTRUCTS)
def test_construct_lalr_token(abnf: str, good: list[str], bad: list[str]) -> None:
    """The rule as one regex terminal under LALR with strict=True."""
    spec = Spec(start=("r",), tokens=("r",))
    parser = compile_grammar(Grammar.from_text(abnf), spec).lark(strict=True)
    for text in good:
        assert parser.parse(text, start="r").data == "r"
    for text in bad:
        with pytest.raises(lark.exceptions.UnexpectedInput):
            parser.parse(text, start="r")


def test_crlf_and_lf_sources_are_the_same() -> None:
    lf = 'a = "x" b\n     / "y"\nb = "z"\n'
    crlf = lf.replace("\n", "\r\n")
    assert Grammar.from_text(lf).definitions == Grammar.from_text(crlf).definitions


def test_blank_lines_with_white_space_between_rules() -> None:
    """Errata 3076: *WSP c-nl between rules; errata 2968: *WSP after elements."""
    grammar = Grammar.from_text('a = "x"   \n   \n\t\n; note\nb = a  \n')
    assert set(grammar.definitions) == {"a", "b"} | set(
        key for key in grammar.definitions if key not in {"a", "b"}
    )
    assert "b" in grammar


def test_rule_names_are_case_insensitive() -> None:
    grammar = Grammar.from_text('Rule-One = "x"\nr = rule-one RULE-ONE')
    assert re.fullmatch(to_regex(grammar, "R"), "xX")


def test_rule_text_and_section_are_kept() -> None:
    text = '; RFC 9999 §1.2\n; explanation\nr = "a"   ; trailing\n   / "b"\n'
    rule = Grammar.from_text(text, filename="x.abnf")["r"].first
    assert rule.section == "RFC 9999 §1.2"
    assert rule.text == 'r = "a"   ; trailing\n   / "b"'
    assert (rule.source, rule.line) == ("x.abnf", 3)


def test_from_files_with_an_override_layer(tmp_path: Path) -> None:
    base = tmp_path / "rfc.abnf"
    base.write_text('; RFC 1 §1\nr = "a" x\n; RFC 1 §2\nx = <prose>\n', encoding="utf-8")
    fix = tmp_path / "local-fixes.abnf"
    fix.write_text('; RFC 1 §2\n; fix: formal\nx = "b" / "c"\n', encoding="utf-8")
    grammar = Grammar.from_files([base], overrides=[fix], core=True)
    grammar.check(start=["r"])
    assert re.fullmatch(to_regex(grammar, "r"), "AC")
    assert grammar["x"].replaced[0].text == "x = <prose>"
    text = compile_grammar(grammar, Spec(start=("r",))).lark_text()
    assert "// replaces (rfc.abnf):\n//   RFC 1 §2 (rfc.abnf)\n//   x = <prose>" in text

"""Grammars that are not ours: the ABNF bundled with the ``abnf`` package
(PyPI), compiled and run, and a differential test against that package."""

from __future__ import annotations

import importlib
import re
from types import ModuleType

import lark
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import abnf
from msgtrk.abnf import Grammar, Spec, compile_grammar, strategy, to_regex


def _abnf_text(module: ModuleType) -> str:
    rules = module.Rule.grammar
    return rules if isinstance(rules, str) else "\n".join(rules)


def _grammar(name: str) -> tuple[ModuleType, Grammar]:
    module = importlib.import_module(f"abnf.grammars.{name}")
    return module, Grammar.from_text(_abnf_text(module), filename=f"{name}.abnf")


@pytest.mark.parametrize(
    "name",
    ["rfc2616", "rfc3339", "rfc3629", "rfc3986", "rfc4647", "rfc5234", "rfc5322", "rfc5646"],
)
def test_self_contained_grammars_load_clean(name: str) -> None:
    _, grammar = _grammar(name)
    assert [p for p in grammar.problems() if p.severity == "error"] == []


# (grammar, rule, accepted, rejected)
EXAMPLES = [
    (
        "rfc3986",
        "URI",
        ["http://a.example/b?c#d", "urn:x:y", "http://[::1]:80/"],
        ["1http:", "http://[::1"],
    ),
    ("rfc3986", "IPv4address", ["192.0.2.255"], ["256.1.1.1", "1.2.3"]),
    (
        "rfc3339",
        "date-time",
        ["2026-11-28T21:10:00Z", "1985-04-12T23:20:50.52+01:00"],
        ["2026-11-28"],
    ),
    ("rfc5646", "Language-Tag", ["en", "zh-Hant-TW", "x-whatever", "i-klingon"], ["e", "en--US"]),
    ("rfc5322", "addr-spec", ["a.b@c.example", '"x y"@[1.2.3.4]'], ["a@", "@b"]),
    ("rfc5234", "rulelist", ['r = "a" / b\r\n'], ["r = \r\n"]),
    ("rfc9110", "token", ["abc!#"], ["a b", ""]),
]


@pytest.mark.parametrize(("name", "rule", "good", "bad"), EXAMPLES)
def test_foreign_grammar_earley_and_regex(
    name: str, rule: str, good: list[str], bad: list[str]
) -> None:
    _, grammar = _grammar(name)
    compiled = compile_grammar(grammar, Spec.default([rule]))
    parser = compiled.lark()
    start = compiled.start[0]
    for text in good:
        assert parser.parse(text, start=start) is not None
    for text in bad:
        with pytest.raises(lark.exceptions.UnexpectedInput):
            parser.parse(text, start=start)
    if rule != "rulelist":  # rulelist reaches no recursion limit issue, but is huge
        pattern = re.compile(to_regex(grammar, rule))
        assert all(pattern.fullmatch(text) for text in good)
        assert not any(pattern.fullmatch(text) for text in bad)


def test_foreign_grammar_under_lalr_with_a_spec() -> None:
    """A declared token cut makes RFC 3986 URIs LALR(1) (strict)."""
    _, grammar = _grammar("rfc3986")
    spec = Spec(start=("URI",), tokens=("scheme", "authority", "path-abempty", "query", "fragment",
                                        "path-absolute", "path-rootless"))  # fmt: skip
    compiled = compile_grammar(grammar, spec)
    parser = compiled.lark(strict=True)
    tree = parser.parse("http://a.example/b?c#d", start="uri")
    tokens = tree.scan_values(lambda value: isinstance(value, lark.Token))
    assert [token.type for token in tokens] == [
        "SCHEME", "COLON", "SLASH", "SLASH", "AUTHORITY", "PATH_ABEMPTY", "QMARK", "QUERY",
        "HASH", "FRAGMENT",
    ]  # fmt: skip


# Differential: the same inputs accepted or rejected alike by msgtrk.abnf
# (Earley over the whole CFG, and the regex) and by the abnf package.
DIFFERENTIAL = [
    ("rfc3986", "URI-reference", "0123456789abcdefABCDEF:.-/?#@[]%v"),
    ("rfc3986", "IPv6address", "0123456789abcdefABCDEF:."),
    ("rfc3339", "date-time", "0123456789-:.TtZz+"),
    ("rfc5646", "Language-Tag", "abcxiXI0123456789-"),
    ("rfc4647", "extended-language-range", "abc*-0123"),
]


@pytest.mark.parametrize(("name", "rule", "alphabet"), DIFFERENTIAL)
def test_differential_against_abnf_package(name: str, rule: str, alphabet: str) -> None:
    module, grammar = _grammar(name)
    compiled = compile_grammar(grammar, Spec.default([rule]))
    parser = compiled.lark()
    start = compiled.start[0]
    pattern = re.compile(to_regex(grammar, rule))
    theirs_rule = module.Rule(rule)

    def ours(text: str) -> bool:
        try:
            parser.parse(text, start=start)
        except lark.exceptions.UnexpectedInput:
            return False
        return True

    def theirs(text: str) -> bool:
        try:
            theirs_rule.parse_all(text)
        except abnf.ParseError:
            return False
        return True

    generated = strategy(grammar, rule)
    mutated = st.tuples(generated, st.integers(0, 40), st.sampled_from(alphabet), st.booleans())

    def mutate(item: tuple[str, int, str, bool]) -> str:
        text, index, char, insert = item
        index = min(index, len(text))
        return text[:index] + char + text[index + (0 if insert else 1) :]

    inputs = st.one_of(generated, mutated.map(mutate), st.text(alphabet, max_size=16))

    @settings(max_examples=80, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs)
    def check(text: str) -> None:
        expected = theirs(text)
        assert ours(text) == expected, text
        assert bool(pattern.fullmatch(text)) == expected, text

    check()

"""Bad ABNF and bad grammars: msgtrk errors with line and column, never Lark's."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msgtrk import AbnfError, ParseError
from msgtrk._errors import position
from msgtrk.abnf import AbnfWarning, Grammar, Source, Spec, compile_grammar

# (ABNF text, line, column, words the message contains)
BAD_ABNF = [
    ('r = "a\n', 1, 5, "unexpected character"),  # unterminated string
    ("r = %x\n", 1, 5, "unexpected character"),  # num-val without digits
    ("r = %xZZ\n", 1, 5, "unexpected character"),
    ('r = 3 "a"\n', 1, 5, "unexpected character"),  # repeat must touch its element
    ('r = ("a"\n', 1, 9, "unexpected end of line"),
    ('r = "a")\n', 1, 8, "unexpected"),
    ('r = "a"\n  s = "b"\n', 2, 5, "unexpected"),  # continuation, not a rule
    ('r = "a"\n\n  / "b"\n', 3, 3, "unexpected"),  # a blank line ends the rule
    ("= x\n", 1, 1, "unexpected"),
    ('r "a"\n', 1, 3, "unexpected"),
    ('r = "a" /\n', 1, 10, "unexpected end of line"),
    ('r = ("a"', 1, 9, "unexpected end of line"),  # no final line break
    ('r = 3*2"a"\n', 1, 5, "maximum below minimum"),
    ("r = %x39-30\n", 1, 5, "empty range"),
    ("r = %x110000\n", 1, 5, "not a character value"),
    ('r = "a"\nr = "b"\n', 2, 1, "already defined"),
    ('r =/ "a"\n', 1, 1, "not defined"),
    ('a=""<>\nb=("")\nb=("")', 3, 1, "already defined"),  # fuzz finding F20
    ('a = "x"\n\nb =/ "y"\n', 3, 1, "not defined"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), BAD_ABNF)
def test_bad_abnf(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(AbnfError) as caught:
        Grammar.from_text(text, filename="bad.abnf")
    assert (caught.value.line, caught.value.column) == (line, column)
    # the offset names the same place (fuzz finding F20: it was 0)
    assert position(text, caught.value.offset) == (line, column)
    assert message in caught.value.message
    assert "bad.abnf" in caught.value.message
    assert isinstance(caught.value, ParseError)


def test_undefined_rule_names_rule_and_place() -> None:
    grammar = Grammar.from_text('r = "a" missing\nunused = "u"\n', filename="g.abnf")
    with pytest.raises(AbnfError) as caught:
        grammar.check(start=["r"])
    error = caught.value
    assert "undefined rule missing" in error.message
    assert (error.line, error.column, error.rule) == (1, 9, "r")


def test_prose_only_when_reachable() -> None:
    grammar = Grammar.from_text('r = "a"\np = <some prose>\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AbnfWarning)
        grammar.check(start=["r"])  # p is unreachable: fine
    with pytest.raises(AbnfError, match="prose value <some prose>") as caught:
        grammar.check(start=["p"])
    assert (caught.value.line, caught.value.column) == (2, 5)


def test_prose_replaced_by_override_is_fine() -> None:
    base = Source(text='r = "a" p\np = <prose>\n', name="rfc.abnf")
    fix = Source(text='p = "b"\n', name="local-fixes.abnf", override=True)
    grammar = Grammar.from_sources([base, fix])
    assert grammar.problems(["r"]) == []
    assert [rule.source for rule in grammar["p"].replaced] == ["rfc.abnf"]


def test_unused_rule_warns() -> None:
    grammar = Grammar.from_text('r = "a"\nlonely = "b"\n', filename="g.abnf")
    with pytest.warns(AbnfWarning, match="rule lonely is never used"):
        grammar.check(start=["r"])


def test_incremental_and_override_layers() -> None:
    sources = [
        Source(text='a = "x"\n', name="one.abnf"),
        Source(text='a =/ "y"\nb = a\n', name="two.abnf"),
        Source(text='a =/ "z"\n', name="fix.abnf", override=True),
    ]
    grammar = Grammar.from_sources(sources)
    assert [rule.source for rule in grammar["a"].rules] == ["one.abnf", "two.abnf", "fix.abnf"]
    replaced = Grammar.from_sources([*sources[:2], Source(text='a = "q"\n', override=True)])
    assert len(replaced["a"].replaced) == 2


def test_only_and_exclude() -> None:
    text = 'a = "x"\nb = "y"\nc = "z"\n'
    assert set(Grammar.from_sources([Source(text=text, only=["A", "c"])]).definitions) == {"a", "c"}
    assert set(Grammar.from_sources([Source(text=text, exclude=["b"])]).definitions) == {"a", "c"}
    with pytest.raises(AbnfError, match="no rule d"):
        Grammar.from_sources([Source(text=text, only=["d"])])


def test_spec_errors() -> None:
    with pytest.raises(AbnfError, match="unknown spec keys bogus"):
        Spec.from_toml('bogus = 1\nstart = ["r"]\n')
    with pytest.raises(AbnfError):
        Spec.from_toml("start = [\n")
    grammar = Grammar.from_text('r = "a"\n')
    with pytest.raises(AbnfError, match="no start rule nope"):
        compile_grammar(grammar, Spec(start=("nope",)))
    with pytest.raises(AbnfError, match="not of the form"):
        compile_grammar(grammar, Spec(start=("r",), field_values=("r",)))


@settings(max_examples=150, database=None)
@given(st.text(alphabet='ab =/()[]<>%xXdD0123456789-."*;\n\t\r', max_size=40))
def test_random_abnf_only_raises_abnf_error(text: str) -> None:
    try:
        Grammar.from_text(text)
    except AbnfError as error:
        assert 1 <= error.line <= text.count("\n") + 2
        assert error.column >= 1

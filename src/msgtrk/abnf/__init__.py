"""msgtrk.abnf: an ABNF (RFC 5234, RFC 7405) to Lark compiler.

Read ABNF, merge rules across files (``=``, ``=/`` and an override layer),
check it (undefined rules, prose values, unused rules), and emit a Lark
grammar cut into tokens as a spec declares, or Python regexes::

    grammar = Grammar.from_text(abnf_text)
    grammar.check(start=["URI"])
    parser = compile(abnf_text, start=["URI"])        # a lark.Lark
    text = to_lark(grammar, Spec.default(["URI"]))     # Lark grammar text
    regex = to_regex(grammar, "URI")                   # a Python regex

``python -m msgtrk.abnf --help`` for the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from msgtrk._errors import AbnfError
from msgtrk.abnf._ast import (
    Alternation,
    CharRange,
    Concatenation,
    Literal,
    Node,
    Prose,
    Reference,
    Repeat,
    Rule,
)
from msgtrk.abnf._grammar import AbnfWarning, Definition, Grammar, Problem, Source
from msgtrk.abnf._lark import CompiledGrammar, TerminalDef, compile_grammar
from msgtrk.abnf._regex import to_regex
from msgtrk.abnf._spec import SourceSpec, Spec

if TYPE_CHECKING:
    import lark

__all__ = [
    "AbnfError",
    "AbnfWarning",
    "Alternation",
    "CharRange",
    "CompiledGrammar",
    "Concatenation",
    "Definition",
    "Grammar",
    "Literal",
    "Node",
    "Problem",
    "Prose",
    "Reference",
    "Repeat",
    "Rule",
    "Source",
    "SourceSpec",
    "Spec",
    "TerminalDef",
    "compile",
    "compile_grammar",
    "strategy",
    "to_lark",
    "to_regex",
]


def to_lark(grammar: Grammar, spec: Spec) -> str:
    """The Lark grammar text of ``grammar`` cut as ``spec`` declares."""
    return compile_grammar(grammar, spec).lark_text()


def compile(  # the natural name, as re.compile
    text: str,
    *,
    start: list[str] | tuple[str, ...],
    spec: Spec | None = None,
    filename: str = "<string>",
    **options: Any,
) -> lark.Lark:
    """ABNF text straight to a ``lark.Lark`` (Earley and an automatic cut
    unless ``spec`` says otherwise); ``options`` go to ``lark.Lark``."""
    grammar = Grammar.from_text(text, filename=filename)
    chosen = spec if spec is not None else Spec.default(start)
    if spec is not None and not spec.start:
        chosen = attrs.evolve(spec, start=tuple(start))
    return compile_grammar(grammar, chosen).lark(**options)


def strategy(grammar: Grammar, rule: str, **options: Any) -> Any:
    """A hypothesis strategy of strings that ABNF ``rule`` accepts (needs
    hypothesis); see ``msgtrk.abnf._strategy.strategy`` for the options."""
    from msgtrk.abnf._strategy import strategy as build  # noqa: PLC0415 - needs hypothesis

    return build(grammar, rule, **options)

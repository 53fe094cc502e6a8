"""``python -m msgtrk.abnf``: check the bundled ABNF, regenerate the
grammars, or compile any ABNF file to Lark.

    python -m msgtrk.abnf --check
    python -m msgtrk.abnf generate [--out DIR]
    python -m msgtrk.abnf compile FILE.abnf --start RULE [--spec SPEC.toml]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import attrs

from msgtrk._errors import AbnfError
from msgtrk.abnf._build import bundle, compile_spec, generate, load_spec_grammar
from msgtrk.abnf._grammar import Grammar
from msgtrk.abnf._lark import compile_grammar
from msgtrk.abnf._reader import read_rules
from msgtrk.abnf._spec import Spec

__all__ = ["main"]


def _check() -> int:
    """Every ABNF file parses and every rule has its section comment; every
    spec's sources merge, reach no undefined rule or prose, and compile."""
    where = bundle()
    errors = 0
    files = sorted(where.abnf.glob("*.abnf"))
    for path in files:
        try:
            rules = read_rules(path.read_text(encoding="utf-8"), filename=path.name)
        except AbnfError as error:
            print(f"{path.name}: error: {error}")
            errors += 1
            continue
        for rule in rules:
            if not rule.section:
                print(f"{rule.where}: warning: rule {rule.name} has no '; RFC NNNN §S' comment")
    for path in where.spec_paths():
        try:
            spec = Spec.from_path(path)
            grammar = load_spec_grammar(spec, where.abnf)
            problems = grammar.problems(spec.start)
            compile_spec(path, where.abnf)
        except AbnfError as error:
            print(f"{path.name}: error: {error}")
            errors += 1
            continue
        for problem in problems:
            print(f"{path.name}: {problem}")
            errors += problem.severity == "error"
    print(f"checked {len(files)} ABNF files and {len(where.spec_paths())} specs: {errors} errors")
    return 1 if errors else 0


def _generate(out: str | None, *, prebuilt: bool) -> int:
    try:
        written = generate(Path(out) if out else None, prebuilt=prebuilt)
    except AbnfError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


def _compile(file: str, start: list[str], spec_path: str | None) -> int:
    try:
        grammar = Grammar.from_text(
            Path(file).read_text(encoding="utf-8"), filename=Path(file).name
        )
        spec = Spec.from_path(spec_path) if spec_path else Spec.default(start)
        if start:
            spec = attrs.evolve(spec, start=tuple(start))
        print(compile_grammar(grammar, spec).lark_text(), end="")
    except AbnfError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m msgtrk.abnf", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--check", action="store_true", help="check the bundled ABNF and specs")
    sub = parser.add_subparsers(dest="command")
    gen = sub.add_parser(
        "generate", help="regenerate every grammar from grammar/abnf + grammar/specs"
    )
    gen.add_argument("--out", help="output folder (default: the msgtrk/grammars package)")
    gen.add_argument(
        "--no-prebuilt",
        action="store_true",
        help="skip the pickled parsers (and their strict build): .lark and patterns only",
    )
    comp = sub.add_parser("compile", help="print the Lark grammar of an ABNF file")
    comp.add_argument("file")
    comp.add_argument("--start", action="append", default=[], help="start rule (repeatable)")
    comp.add_argument("--spec", help="a spec TOML (default: automatic cut, Earley)")
    args = parser.parse_args(argv)
    if args.check:
        return _check()
    if args.command == "generate":
        return _generate(args.out, prebuilt=not args.no_prebuilt)
    if args.command == "compile":
        return _compile(args.file, args.start, args.spec)
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())

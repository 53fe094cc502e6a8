"""``msgtrk grammars``: compile the bundled ABNF and summarise the grammars.

For every spec: rules, terminals and start rules of the generated Lark
grammar, the LALR states, the time Lark takes to build it, and whether it
builds under ``strict=True`` (no conflicts, no terminal collisions).
"""

from __future__ import annotations

import argparse
import time

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options."""
    parser.add_argument("names", nargs="*", help="grammar names (default: every bundled spec)")


def run(args: argparse.Namespace) -> int:
    """Print the summary table; 1 if a grammar does not compile or build strictly."""
    import lark  # noqa: PLC0415 - the CLI registers every sub-command at start-up

    from msgtrk._errors import AbnfError  # noqa: PLC0415
    from msgtrk.abnf._build import bundle, compile_spec  # noqa: PLC0415

    where = bundle()
    paths = [p for p in where.spec_paths() if not args.names or p.stem in args.names]
    header = "grammar    rules terms start states build ms  strict"
    print(header)
    print("-" * len(header))
    failed = 0
    for path in paths:
        try:
            compiled = compile_spec(path, where.abnf)
        except AbnfError as error:
            print(f"{path.stem:<10} error: {error.message}")
            failed += 1
            continue
        text = compiled.lark_text()
        options = {"start": list(compiled.start), "maybe_placeholders": False}
        if compiled.spec.parser != "lalr":
            print(f"{path.stem:<10} {len(compiled.rules):>5} {len(compiled.terminals):>5} "
                  f"{len(compiled.start):>5} {'-':>6} {'-':>8}  earley")  # fmt: skip
            continue
        started = time.perf_counter()
        parser = lark.Lark(text, parser="lalr", lexer="contextual", **options)
        elapsed = (time.perf_counter() - started) * 1000
        states = len(parser.parser.parser.parser.parse_table.states)
        try:
            lark.Lark(text, parser="lalr", lexer="contextual", strict=True, **options)
            strict = "ok"
        except lark.exceptions.LarkError as error:
            strict = f"FAILED: {str(error).splitlines()[0]}"
            failed += 1
        print(f"{path.stem:<10} {len(compiled.rules):>5} {len(compiled.terminals):>5} "
              f"{len(compiled.start):>5} {states:>6} {elapsed:>8.0f}  {strict}")  # fmt: skip
    return 1 if failed else 0

"""The ``msgtrk`` command line: the edge of the toolkit (it does I/O).

Sub-commands live beside the code they drive and register themselves here:
``inspect`` (status bodies, MTSNs and DSN messages), ``track`` and ``serve``
(MTQP), ``grammars`` (a summary of the generated grammars).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["main"]

# name -> (module, help); each module provides ``add_arguments(parser)`` and
# ``run(args) -> int``.
_COMMANDS: dict[str, tuple[str, str]] = {
    "inspect": ("msgtrk._inspect", "show a status body, an MTSN or a DSN message as a table"),
    "track": ("msgtrk.mtqp._cli", "ask an MTQP server where a message is (RFC 3887)"),
    "serve": ("msgtrk.mtqp._cli_serve", "run an MTQP server on an SQLite store (RFC 3887)"),
    "grammars": ("msgtrk.abnf._cli_summary", "compile the bundled ABNF and summarise the grammars"),
}


def _build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(prog="msgtrk", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands: dict[str, argparse.ArgumentParser] = {}
    for name, (module_name, help_text) in _COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # pragma: no cover - a sub-command not built yet
            continue
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        command.set_defaults(_run=module.run, command=name)
        commands[name] = command
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    parser, commands = _build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in commands:
        # options may come between positionals: ``track HOST --port N ENVID SECRET``
        args = commands[argv[0]].parse_intermixed_args(argv[1:])
    else:
        args = parser.parse_args(argv)
    try:
        return int(args._run(args))
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:  # pragma: no cover
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

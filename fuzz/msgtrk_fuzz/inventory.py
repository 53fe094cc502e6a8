"""Every regular expression msgtrk uses, and how it is used.

Three sources:

* ``literal_sites()``: an AST scan of ``src/msgtrk`` for ``re.<function>(...)``
  calls whose pattern is a literal (with the function: ``search``-like
  calls scan, ``match``/``fullmatch`` are anchored);
* ``module_patterns()``: every compiled pattern bound at module level in a
  msgtrk module, and every module-level table of pattern strings (the
  hand-written stand-ins and the generated fast-path tables), with the
  methods the module calls on it (from the AST; all three when unknown);
* ``dynamic_sites()``: the ``re`` calls whose pattern is built at run time
  inside a function.  Each must have a provider in ``PROVIDERS`` (in the
  test) that yields the patterns it can build; a new site without one
  fails the inventory test, so nothing escapes the backtracking check.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import msgtrk

__all__ = [
    "SCANNING",
    "Site",
    "Use",
    "dynamic_sites",
    "literal_sites",
    "module_patterns",
    "msgtrk_modules",
    "src_root",
]

_RE_FUNCS = {
    "compile",
    "match",
    "search",
    "fullmatch",
    "sub",
    "subn",
    "split",
    "findall",
    "finditer",
}
# Methods that try every start position: their cost is that of ``search``.
SCANNING = {"search", "sub", "subn", "split", "findall", "finditer"}


def src_root() -> Path:
    return Path(msgtrk.__file__).resolve().parent


def _rel(path: Path) -> str:
    return path.resolve().relative_to(src_root()).as_posix()


@dataclass(frozen=True)
class Use:
    """One pattern and the match methods to check it with."""

    pattern: re.Pattern[str] | re.Pattern[bytes]
    methods: frozenset[str]  # among "fullmatch", "match", "search"
    where: str


@dataclass(frozen=True)
class Site:
    """A call ``re.<func>(pattern, ...)`` in the source."""

    file: str
    line: int
    function: str  # enclosing function qualname, "" at module level
    func: str  # the re function called
    literal: bool


def msgtrk_modules() -> Iterator[object]:
    """Every module of the installed msgtrk package, imported."""
    yield msgtrk
    for info in pkgutil.walk_packages(msgtrk.__path__, "msgtrk."):
        if info.name.endswith(".__main__"):
            continue  # running it is the CLI
        yield importlib.import_module(info.name)


def _methods_for(func: str) -> frozenset[str]:
    if func in SCANNING:
        return frozenset({"search"})
    if func == "compile":
        return frozenset({"fullmatch", "match", "search"})
    return frozenset({func})


def _flags(node: ast.expr | None) -> int:
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return int(getattr(re, node.attr, 0))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flags(node.left) | _flags(node.right)
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    return 0


class _Scan(ast.NodeVisitor):
    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.stack: list[str] = []
        self.sites: list[tuple[Site, ast.Call]] = []
        self.uses: dict[str, set[str]] = {}

    def _scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scope  # noqa: N815

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "re"
            and func.attr in _RE_FUNCS
            and node.args
        ):
            first = node.args[0]
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str | bytes)
            self.sites.append(
                (Site(self.rel, node.lineno, ".".join(self.stack), func.attr, literal), node)
            )
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            self.uses.setdefault(func.value.id, set()).add(func.attr)
        self.generic_visit(node)


def _scan(path: Path) -> _Scan:
    scan = _Scan(_rel(path))
    scan.visit(ast.parse(path.read_text("utf-8"), str(path)))
    return scan


def _py_files() -> list[Path]:
    return sorted(src_root().rglob("*.py"))


def literal_sites() -> list[Use]:
    """The ``re.<func>(literal, ...)`` calls (module-level ``re.compile`` excluded)."""
    out: list[Use] = []
    for path in _py_files():
        for site, call in _scan(path).sites:
            if not site.literal or (site.func == "compile" and not site.function):
                continue
            pattern = call.args[0].value  # type: ignore[attr-defined]
            flag_node = None
            if site.func == "compile" and len(call.args) > 1:
                flag_node = call.args[1]
            elif site.func in {"match", "search", "fullmatch", "findall", "finditer"}:
                flag_node = call.args[2] if len(call.args) > 2 else None
            for kw in call.keywords:
                if kw.arg == "flags":
                    flag_node = kw.value
            compiled = re.compile(pattern, _flags(flag_node))
            out.append(
                Use(compiled, _methods_for(site.func), f"{site.file}:{site.line} re.{site.func}")
            )
    return out


def dynamic_sites() -> list[Site]:
    """The ``re`` calls whose pattern is not a literal, inside functions."""
    out: list[Site] = []
    for path in _py_files():
        for site, _call in _scan(path).sites:
            if not site.literal and site.function:
                out.append(site)
    return out


def _looks_like_table(value: object) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        and any(any(c in v for c in "*+?{[(|\\") for v in value.values())
    )


def module_patterns() -> list[Use]:
    """Module-level compiled patterns and pattern-string tables of every msgtrk module."""
    out: list[Use] = []
    seen: set[tuple[str, int]] = set()
    for module in msgtrk_modules():
        file = getattr(module, "__file__", None)
        if not file:
            continue
        uses = _scan(Path(file)).uses
        rel = _rel(Path(file))
        for name, value in sorted(vars(module).items()):
            if name.startswith("__"):
                continue
            if isinstance(value, re.Pattern):
                key = (
                    value.pattern if isinstance(value.pattern, str) else repr(value.pattern),
                    value.flags,
                )
                if key in seen:
                    continue
                seen.add(key)
                called = uses.get(name, set())
                methods = {"search" if m in SCANNING else m for m in called}
                methods &= {"fullmatch", "match", "search"}
                out.append(
                    Use(
                        value,
                        frozenset(methods or {"fullmatch", "match", "search"}),
                        f"{rel} {name}",
                    )
                )
            elif _looks_like_table(value):
                for rule, source in sorted(value.items()):
                    try:
                        compiled = re.compile(source)
                    except re.error:
                        continue
                    key = (source, 0)
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append(Use(compiled, frozenset({"fullmatch"}), f"{rel} {name}[{rule!r}]"))
    return out
